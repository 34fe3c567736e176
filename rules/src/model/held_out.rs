//! What a model's cross-validation said of each of its training notes, kept in the model
//! file: per note (a key of its normalised text), the decision values of the fold model that
//! did not see it. Figures over the project's notes (the brief's recognition table) then need
//! no retraining: a training note is scored by these, a note newer than the model by the
//! model itself, and neither score comes from a model that saw the note.
//!
//! In the file: the number of notes (`u32`), then per note, in ascending key order, its key
//! (`u64`) and one `f32` per barrier, all little-endian. In memory the bytes stay as they are
//! (read in place for the shipped model) and a key is found by binary search, so a process
//! that only classifies pays nothing for them.

use super::{err, ModelError, Reader};
use std::borrow::Cow;

/// The held-out decision values of a model's training notes.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOut {
    /// The entries as in the file, without the count.
    bytes: Cow<'static, [u8]>,
    barriers: usize,
}

/// The key of a note: FNV-1a (64 bits) of its normalised text. Stable across builds and
/// machines, unlike the standard library's hasher.
pub fn key(normalised: &str) -> u64 {
    normalised.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl HeldOut {
    /// From each note's key and its decision values (`barriers` each); of notes with the
    /// same key (the same normalised text) the first is kept.
    pub fn new(keys: &[u64], decisions: &[Vec<f32>], barriers: usize) -> Result<Self, String> {
        if keys.len() != decisions.len() || decisions.iter().any(|d| d.len() != barriers) {
            return Err("afgezonderde scores: de afmetingen kloppen niet".into());
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| keys[i]);
        order.dedup_by_key(|&mut i| keys[i]);
        let mut bytes = Vec::with_capacity(order.len() * (8 + 4 * barriers));
        for i in order {
            bytes.extend_from_slice(&keys[i].to_le_bytes());
            for value in &decisions[i] {
                bytes.extend_from_slice(&value.to_bits().to_le_bytes());
            }
        }
        Ok(Self {
            bytes: Cow::Owned(bytes),
            barriers,
        })
    }

    fn entry_len(&self) -> usize {
        8 + 4 * self.barriers
    }

    /// How many notes.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.entry_len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The key of entry `i`.
    fn key_at(&self, i: usize) -> u64 {
        let at = i * self.entry_len();
        let mut key = [0u8; 8];
        key.copy_from_slice(&self.bytes[at..at + 8]);
        u64::from_le_bytes(key)
    }

    /// The held-out decision values of the training note with this key, if it was one.
    pub fn get(&self, key: u64) -> Option<Vec<f32>> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.key_at(mid).cmp(&key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => {
                    let at = mid * self.entry_len() + 8;
                    let values = self.bytes[at..at + 4 * self.barriers]
                        .chunks_exact(4)
                        .map(|b| f32::from_bits(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                        .collect();
                    return Some(values);
                }
            }
        }
        None
    }

    /// Appends the file form (count, then the entries).
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.bytes);
    }

    /// Reads the file form at `reader`'s place, for a model of `barriers` barriers: `None`
    /// for no notes. Only the length is checked here: the entries' pages are not touched
    /// while the model loads ([`HeldOut::check`] checks their order before use).
    pub(super) fn read<'a>(
        reader: &mut Reader<'a>,
        barriers: usize,
    ) -> Result<Option<&'a [u8]>, ModelError> {
        let count = reader.u32()? as usize;
        let len = count
            .checked_mul(8 + 4 * barriers)
            .ok_or_else(|| err("modelbestand is afgekapt of beschadigd"))?;
        let bytes = reader.take(len)?;
        Ok((count > 0).then_some(bytes))
    }

    /// Whether the keys ascend, as [`HeldOut::get`] needs: a damaged file's do not.
    pub fn check(&self) -> Result<(), String> {
        let ascending = (1..self.len()).all(|i| self.key_at(i - 1) < self.key_at(i));
        match ascending {
            true => Ok(()),
            false => Err(
                "het modelbestand is beschadigd: de scores van de kruisvalidatie \
                          staan niet op volgorde; train het model opnieuw"
                    .into(),
            ),
        }
    }

    /// The entries `bytes` (as [`HeldOut::read`] found them) of a model of `barriers`.
    pub(super) fn from_file(bytes: Cow<'static, [u8]>, barriers: usize) -> Self {
        Self { bytes, barriers }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_found_by_their_key_and_the_first_of_equal_texts_is_kept() {
        let keys = [key("c"), key("a"), key("b"), key("a")];
        let decisions = vec![
            vec![3.0, -3.0],
            vec![1.0, -1.0],
            vec![2.0, -2.0],
            vec![9.0, 9.0],
        ];
        let held = HeldOut::new(&keys, &decisions, 2).expect("sizes fit");
        assert_eq!(held.len(), 3);
        assert_eq!(held.get(key("a")), Some(vec![1.0, -1.0]));
        assert_eq!(held.get(key("b")), Some(vec![2.0, -2.0]));
        assert_eq!(held.get(key("c")), Some(vec![3.0, -3.0]));
        assert_eq!(held.get(key("d")), None);
        assert!(HeldOut::new(&keys, &decisions, 3).is_err());

        let mut file = Vec::new();
        held.write(&mut file);
        assert_eq!(read_back(&file, 2), held);
    }

    /// The held-out values of a file form, read to its end.
    fn read_back(file: &[u8], barriers: usize) -> HeldOut {
        let mut reader = Reader { bytes: file, at: 0 };
        let bytes = HeldOut::read(&mut reader, barriers)
            .expect("the length fits")
            .expect("notes");
        assert_eq!(reader.at, file.len());
        HeldOut::from_file(Cow::Owned(bytes.to_vec()), barriers)
    }

    #[test]
    fn keys_out_of_order_are_refused() {
        let held = HeldOut::new(&[1, 2], &[vec![0.0], vec![0.0]], 1).expect("sizes fit");
        let mut file = Vec::new();
        held.write(&mut file);
        // Swap the two entries (12 bytes each, after the count).
        let (first, second) = (file[4..16].to_vec(), file[16..28].to_vec());
        file[4..16].copy_from_slice(&second);
        file[16..28].copy_from_slice(&first);
        let swapped = read_back(&file, 1);
        assert!(swapped.check().unwrap_err().contains("beschadigd"));
        assert_eq!(held.check(), Ok(()));
    }

    #[test]
    fn the_key_is_fnv1a() {
        // FNV-1a 64's published value for "a".
        assert_eq!(key("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
