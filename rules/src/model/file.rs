//! A model's file form.
//!
//! `KNOOPPUNT-MODEL\n`, the format version (u32, little endian), the length of a JSON header
//! and the header ([`Header`]), then which buckets carry weights, then per barrier the scale
//! of its quantised weights (f32) and the weights as i16, row by row in ascending bucket
//! order, and last the held-out decision values of the training notes ([`held_out`]; a count
//! of 0 when there are none).
//!
//! Which buckets carry weights is, from format version 3 on, a bit set: a u64 per 64 buckets
//! (bit `b % 64` of word `b / 64`), 32 KiB for 2^18 buckets. Versions 1 and 2 list the used
//! buckets instead (a count, then a u32 each: 0.8 MB for 199,030 buckets, all of it read at
//! every start); they are still read. Version 1 has no held-out decision values.

use super::{err, held_out, Buckets, Model, ModelError, Weights};
use std::borrow::Cow;

const MAGIC: &[u8; 16] = b"KNOOPPUNT-MODEL\n";

/// The version of the file layout written; a file of another version is refused, but for
/// versions 1 and 2 (the used buckets listed; version 1 without held-out decision values).
pub const FORMAT_VERSION: u32 = 3;

impl Model {
    /// Reads a model file, refusing another format version or a damaged file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let parsed = parse(bytes)?;
        let q = Cow::Owned(weights_of(parsed.raw));
        let held_out = parsed.held_out.map(|h| Cow::Owned(h.to_vec()));
        parsed.into_model(q, held_out)
    }

    /// [`Model::from_bytes`] for bytes that live as long as the program
    /// ([`super::DEFAULT_MODEL`]): on a little-endian processor, with the weights two-byte
    /// aligned (`to_bytes` puts them at an even offset) and their rows in bucket order, as a
    /// model file writes them, the weights are read where they lie instead of copied (3 MB
    /// less memory).
    pub fn from_static(bytes: &'static [u8]) -> Result<Self, ModelError> {
        let parsed = parse(bytes)?;
        let in_place = cfg!(target_endian = "little")
            .then(|| bytemuck::try_cast_slice::<u8, i16>(parsed.raw).ok())
            .flatten();
        let q = in_place.map_or_else(|| Cow::Owned(weights_of(parsed.raw)), Cow::Borrowed);
        let held_out = parsed.held_out.map(Cow::Borrowed);
        parsed.into_model(q, held_out)
    }

    /// The file form ([`FORMAT_VERSION`]): weights quantised to 16 bits per barrier.
    pub fn to_bytes(&self) -> Vec<u8> {
        let barriers = self.header.barriers.len();
        let mut header = serde_json::to_vec(&self.header).unwrap_or_default();
        // Everything before the header and after it up to the weights has an even length:
        // a header of even length (JSON may end in a space) puts the weights at an even
        // offset, where `from_static` reads them in place.
        if header.len() % 2 == 1 {
            header.push(b' ');
        }
        let rows = self.rows();
        let mut out =
            Vec::with_capacity(64 + header.len() + 8 * self.used.len() + rows * 2 * barriers);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        for rank in &self.used {
            out.extend_from_slice(&rank.bits.to_le_bytes());
        }
        let scales: Vec<f32> = (0..barriers)
            .map(|b| {
                let max = (0..rows)
                    .map(|row| self.weights.get(row * barriers + b, barriers))
                    .fold(0f32, |m, w| m.max(w.abs()));
                if max == 0.0 {
                    1.0
                } else {
                    max / f32::from(i16::MAX)
                }
            })
            .collect();
        for scale in &scales {
            out.extend_from_slice(&scale.to_bits().to_le_bytes());
        }
        for row in 0..rows {
            for (b, scale) in scales.iter().enumerate() {
                let q = (self.weights.get(row * barriers + b, barriers) / scale).round() as i16;
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        match &self.held_out {
            Some(held_out) => held_out.write(&mut out),
            None => out.extend_from_slice(&0u32.to_le_bytes()),
        }
        out
    }
}

/// A model file's parts, checked: its magic, format version, header and lengths.
pub(super) fn parse(bytes: &[u8]) -> Result<Parsed<'_>, ModelError> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(MAGIC.len())? != MAGIC {
        return Err(err("dit is geen Knooppunt-modelbestand"));
    }
    let format = reader.u32()?;
    if !(1..=FORMAT_VERSION).contains(&format) {
        return Err(err(format!(
            "modelbestand heeft formaatversie {format}, deze Knooppunt leest versie 1 tot en met {FORMAT_VERSION}; train het model opnieuw met 'knooppunt model train'"
        )));
    }
    let header_len = reader.u32()? as usize;
    let header: super::Header = serde_json::from_slice(reader.take(header_len)?)
        .map_err(|e| err(format!("kop van het modelbestand onleesbaar: {e}")))?;
    let (used, rows) = if format >= 3 {
        // A count of buckets that is no power of two is refused when the model is built.
        let words = (header.buckets as usize).div_ceil(64);
        let bits = reader
            .take(words.checked_mul(8).ok_or_else(damaged)?)?
            .chunks_exact(8)
            .map(|w| u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
            .collect::<Vec<u64>>();
        let rows = bits.iter().map(|w| w.count_ones() as usize).sum();
        (Buckets::Bits(bits), rows)
    } else {
        let rows = reader.u32()? as usize;
        let listed = reader.take(rows.checked_mul(4).ok_or_else(damaged)?)?;
        let used = listed
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        (Buckets::Listed(used), rows)
    };
    let barriers = header.barriers.len();
    let mut scales = Vec::with_capacity(barriers);
    for _ in 0..barriers {
        scales.push(f32::from_bits(reader.u32()?));
    }
    let raw = reader.take(
        rows.checked_mul(barriers)
            .and_then(|n| n.checked_mul(2))
            .ok_or_else(damaged)?,
    )?;
    let held_out = match format {
        1 => None,
        _ => held_out::HeldOut::read(&mut reader, barriers)?,
    };
    if reader.at != bytes.len() {
        return Err(err("modelbestand heeft onverwachte bytes aan het eind"));
    }
    Ok(Parsed {
        header,
        used,
        scales,
        raw,
        held_out,
    })
}

fn damaged() -> ModelError {
    err("modelbestand is afgekapt of beschadigd")
}

/// A model file's parts, its weights still as the file's bytes.
pub(super) struct Parsed<'a> {
    header: super::Header,
    used: Buckets,
    scales: Vec<f32>,
    pub(super) raw: &'a [u8],
    held_out: Option<&'a [u8]>,
}

impl Parsed<'_> {
    /// The model of these parts with the weights `q` (read from [`Parsed::raw`]).
    fn into_model(
        self,
        q: Cow<'static, [i16]>,
        held_out: Option<Cow<'static, [u8]>>,
    ) -> Result<Model, ModelError> {
        let (scales, barriers) = (self.scales, self.header.barriers.len());
        let mut model =
            Model::with_weights(self.header, self.used, Weights::Quantised { q, scales })?;
        model.held_out = held_out.map(|bytes| held_out::HeldOut::from_file(bytes, barriers));
        Ok(model)
    }
}

/// The 16-bit weights of a model file's bytes (little-endian).
fn weights_of(raw: &[u8]) -> Vec<i16> {
    raw.chunks_exact(2)
        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
        .collect()
}

pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(damaged)?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(super) fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, DEFAULT_MODEL};

    /// `bytes` (the current form) in the form of version 2: the used buckets listed.
    fn listed(bytes: &[u8]) -> Vec<u8> {
        let header_len = u32::from_le_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        let start = 24 + header_len as usize;
        let header: Header = serde_json::from_slice(&bytes[start - header_len as usize..start])
            .expect("the header reads");
        let words = (header.buckets as usize).div_ceil(64);
        let mut used = Vec::new();
        for (w, word) in bytes[start..start + 8 * words].chunks_exact(8).enumerate() {
            let bits = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            used.extend(
                (0..64)
                    .filter(|b| bits & (1 << b) != 0)
                    .map(|b| 64 * w as u32 + b),
            );
        }
        let mut out = bytes[..start].to_vec();
        out[16..20].copy_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&(used.len() as u32).to_le_bytes());
        for bucket in used {
            out.extend_from_slice(&bucket.to_le_bytes());
        }
        out.extend_from_slice(&bytes[start + 8 * words..]);
        out
    }

    fn small_model() -> Model {
        let header = Header {
            version: "klein".into(),
            bias: vec![0.1, -0.1],
            ..Header::for_test(2, 256)
        };
        // Buckets listed out of order, in three different words of the bit set.
        Model::new(
            header,
            vec![200, 3, 70],
            vec![0.5, -0.5, 0.25, 0.75, -1.0, 1.0],
        )
        .expect("sizes fit")
    }

    #[test]
    fn the_used_buckets_are_a_bit_set_and_rows_follow_in_bucket_order() {
        let model = small_model();
        let bytes = model.to_bytes();
        let again = Model::from_bytes(&bytes).unwrap();
        assert_eq!(again.header, model.header);
        assert_eq!(again.slot(3), Some(0));
        assert_eq!(again.slot(70), Some(1));
        assert_eq!(again.slot(200), Some(2));
        assert_eq!(again.slot(4), None);
        // Bucket 200's row was listed first: its weights are the first two.
        assert!((again.weights.get(4, 2) - 0.5).abs() < 1e-4);
        assert!((again.weights.get(5, 2) + 0.5).abs() < 1e-4);
        // Four words of bits for 256 buckets, where a list took a count and three u32s.
        assert_eq!(listed(&bytes).len(), bytes.len() - 4 * 8 + 4 + 3 * 4);
    }

    #[test]
    fn versions_1_and_2_list_the_used_buckets_and_still_read() {
        let model = Model::from_static(DEFAULT_MODEL).unwrap();
        let v2 = listed(DEFAULT_MODEL);
        let old = Model::from_bytes(&v2).unwrap();
        assert_eq!(old.header, model.header);
        assert!(old.held_out().is_some());
        let text = "mevrouw wacht al 14 weken op een intake bij de ggz";
        assert_eq!(old.decision_values(text), model.decision_values(text));
        // What the current form writes of it is the shipped file again.
        assert_eq!(old.to_bytes(), DEFAULT_MODEL);

        let small = small_model();
        let plain = listed(&small.to_bytes());
        // Version 1: without the held-out count at the end.
        let mut v1 = plain[..plain.len() - 4].to_vec();
        v1[16..20].copy_from_slice(&1u32.to_le_bytes());
        let v1 = Model::from_bytes(&v1).unwrap();
        assert_eq!(v1.held_out(), None);
        assert_eq!(v1.decision_values("een"), small.decision_values("een"));
    }

    #[test]
    fn a_bit_set_of_the_wrong_size_is_refused() {
        let bytes = small_model().to_bytes();
        // One word of bits less: the rest is read one word early and does not fit.
        let header_len = u32::from_le_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        let start = 24 + header_len as usize;
        let mut short = bytes[..start].to_vec();
        short.extend_from_slice(&bytes[start + 8..]);
        assert!(Model::from_bytes(&short).is_err());
    }
}
