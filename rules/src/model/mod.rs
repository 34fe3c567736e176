//! The learned classifier beside the rules: one-vs-rest logistic regression over hashed word
//! 1–2-grams and character 3–5-grams ([`features`]), trained with LIBLINEAR
//! ([`crate::learning::train`]) on the project's labelled notes ([`crate::learning::notes`]), shipped as a versioned file next to the rule set
//! (`rules/default_model.kpm`) and checked against the rules when it is loaded.
//!
//! Inference is a sparse dot product: every feature of a note looks up its bucket's row of
//! weights (one per barrier). A decision value becomes a calibrated probability through the
//! sigmoid fitted on cross-validated decision values (Platt scaling). How model and rules are
//! combined is in [`crate::ruleset::combine`].
//!
//! The file: `KNOOPPUNT-MODEL\n`, the format version (u32, little endian), the length of a JSON
//! header and the header ([`Header`]), then the used buckets (u32 each, ascending), then per
//! barrier the scale of its quantised weights (f32) and the weights as i16, row by row; from
//! format version 2 on, last, the held-out decision values of the training notes
//! ([`held_out`]; a count of 0 when there are none).

pub mod areas;
pub mod features;
pub mod held_out;
mod scoring;
mod word_sums;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Bytes aligned to eight, so that a model file's weights can be read where they lie.
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static DEFAULT_MODEL_ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!("../../default_model.kpm"));

/// The model that ships with the product, next to `default_rules.toml`: in the binary, its
/// weights read in place ([`Model::from_static`]).
pub static DEFAULT_MODEL: &[u8] = &DEFAULT_MODEL_ALIGNED.0;

const MAGIC: &[u8; 16] = b"KNOOPPUNT-MODEL\n";
/// The version of the file layout written; a file of another version is refused, but for
/// version 1 (no held-out decision values).
pub const FORMAT_VERSION: u32 = 2;

/// What the header of a model file says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The model's version, recorded with every classification it took part in.
    pub version: String,
    /// The barrier ids, in the order of the weights; must equal the rules file's.
    pub barriers: Vec<String>,
    /// Size of the hash space (a power of two).
    pub buckets: u32,
    /// Per barrier: the bias of its decision function.
    pub bias: Vec<f32>,
    /// Per barrier: Platt scaling `p = 1 / (1 + exp(-(a·s + b)))` of a decision value `s`.
    pub platt: Vec<[f32; 2]>,
    /// Per barrier: the probability from which the model counts, chosen by cross-validation.
    pub thresholds: Vec<f32>,
    /// Per barrier: the probability below which the model vetoes a rule's match, chosen by
    /// cross-validation (see [`crate::ruleset::combine`]); absent in older files: no veto.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub floors: Vec<f32>,
    /// How it was trained (notes, folds, cost), for the record.
    pub trained: Trained,
    /// Whether the register's area names read as one word ([`areas::mask`]) in its features;
    /// absent in older files: not masked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub masks_areas: bool,
}

/// How a model was trained.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trained {
    pub notes: usize,
    pub folds: usize,
    /// LIBLINEAR's cost parameter C.
    pub cost: f64,
    /// The rule-set version the thresholds were chosen with.
    pub rules_version: String,
}

/// A loaded model, ready for inference.
///
/// Which buckets carry weights is a bit set with a running count per 64 buckets (a rank
/// index: 48 KiB for 2^18 buckets, where a table of row numbers took 1 MiB), so the lookup
/// of a note's ~1,500 features mostly stays in the processor's cache; each 64 buckets' bits
/// and count lie side by side in 16 aligned bytes (64 KiB in all), so a lookup reads one
/// cache line, never two. The rows are in ascending bucket order, the row of a used bucket being the
/// number of used buckets before it.
#[derive(Debug, Clone)]
pub struct Model {
    pub header: Header,
    /// Per 64 buckets (entry `b / 64` for bucket `b`), which carry weights and how many used
    /// buckets come before them.
    used: Vec<Rank>,
    /// Row-major weights, `barriers` per row, rows in ascending bucket order.
    weights: Weights,
    /// This model's number in the process (from 1; a clone keeps it, having the same weights):
    /// what a thread's cached word sums ([`word_sums`]) belong to.
    id: u64,
    /// What the cross-validation said of each training note (not in a version 1 file).
    held_out: Option<held_out::HeldOut>,
}

/// The next model's [`Model::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The bit set and rank of 64 buckets.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(16))]
struct Rank {
    /// Bit `b % 64` is set when bucket `b` carries weights.
    bits: u64,
    /// The number of used buckets before these 64.
    before: u32,
}

/// A model's weights.
#[derive(Debug, Clone)]
enum Weights {
    /// As trained.
    Dense(Vec<f32>),
    /// As a model file holds them: 16 bits per weight and a scale per barrier, half the memory
    /// of `f32`s (so a note's rows stay in the processor's cache); a weight is
    /// `f32::from(q) * scale`, the value such a file has always given. A note is scored by
    /// summing the `q`s as integers and scaling the sums once ([`scoring`]).
    Quantised {
        q: Cow<'static, [i16]>,
        scales: Vec<f32>,
    },
}

impl Weights {
    /// Weight `i` of a matrix with `n` weights per row.
    #[inline]
    fn get(&self, i: usize, n: usize) -> f32 {
        match self {
            Weights::Dense(w) => w[i],
            Weights::Quantised { q, scales } => f32::from(q[i]) * scales[i % n],
        }
    }
}

/// The rows of `rows` (`n` values each) in the order `order` names them.
fn reorder<T: Copy>(rows: &[T], order: &[(u32, usize)], n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(order.len() * n);
    for &(_, row) in order {
        out.extend_from_slice(&rows[row * n..(row + 1) * n]);
    }
    out
}

/// Whether `order` (bucket and row) names every row in turn: the rows are in bucket order.
fn in_order(order: &[(u32, usize)]) -> bool {
    order.iter().enumerate().all(|(i, &(_, row))| row == i)
}

/// A model file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

fn err(message: impl Into<String>) -> ModelError {
    ModelError(message.into())
}

impl Model {
    /// Builds a model from dense weights per used bucket (`rows[i]` is bucket `used[i]`).
    pub fn new(header: Header, used: Vec<u32>, rows: Vec<f32>) -> Result<Self, ModelError> {
        Self::with_weights(header, used, Weights::Dense(rows))
    }

    fn with_weights(header: Header, used: Vec<u32>, rows: Weights) -> Result<Self, ModelError> {
        let barriers = header.barriers.len();
        let scales = match &rows {
            Weights::Dense(_) => barriers,
            Weights::Quantised { scales, .. } => scales.len(),
        };
        let len = match &rows {
            Weights::Dense(w) => w.len(),
            Weights::Quantised { q, .. } => q.len(),
        };
        if !header.buckets.is_power_of_two() || header.buckets > 1 << 24 {
            return Err(err("buckets moet een macht van twee zijn (hooguit 2^24)"));
        }
        if header.bias.len() != barriers
            || header.platt.len() != barriers
            || header.thresholds.len() != barriers
            || !(header.floors.is_empty() || header.floors.len() == barriers)
            || len != used.len() * barriers
            || scales != barriers
        {
            return Err(err("de afmetingen in het model kloppen niet"));
        }
        // Rows by bucket; a bucket named twice keeps its last row (as a table of row
        // numbers filled in order would).
        let mut order: Vec<(u32, usize)> = used.iter().copied().zip(0..).collect();
        order.sort_by_key(|&(bucket, row)| (bucket, std::cmp::Reverse(row)));
        order.dedup_by_key(|&mut (bucket, _)| bucket);
        let words = (header.buckets as usize).div_ceil(64);
        let mut bits = vec![0u64; words];
        for &(bucket, _) in &order {
            let slot = bits
                .get_mut(bucket as usize / 64)
                .filter(|_| bucket < header.buckets)
                .ok_or_else(|| err("een bucket valt buiten het model"))?;
            *slot |= 1 << (bucket % 64);
        }
        let weights = match rows {
            Weights::Dense(w) => Weights::Dense(reorder(&w, &order, barriers)),
            // A file's rows are written in bucket order: read in place, they stay there.
            Weights::Quantised { q, scales } if in_order(&order) => {
                Weights::Quantised { q, scales }
            }
            Weights::Quantised { q, scales } => Weights::Quantised {
                q: Cow::Owned(reorder(&q, &order, barriers)),
                scales,
            },
        };
        let mut used = Vec::with_capacity(words);
        let mut before = 0u32;
        for &word in &bits {
            used.push(Rank { bits: word, before });
            before += word.count_ones();
        }
        Ok(Self {
            header,
            used,
            weights,
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            held_out: None,
        })
    }

    /// The held-out decision values of the training notes, if the file kept them.
    pub fn held_out(&self) -> Option<&held_out::HeldOut> {
        self.held_out.as_ref()
    }

    /// Keeps `held_out` (its barriers this model's) with the model.
    pub fn set_held_out(&mut self, held_out: held_out::HeldOut) {
        self.held_out = (!held_out.is_empty()).then_some(held_out);
    }

    pub fn version(&self) -> &str {
        &self.header.version
    }

    pub fn barriers(&self) -> &[String] {
        &self.header.barriers
    }

    /// Reads a model file, refusing another format version or a damaged file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let parsed = Self::parse(bytes)?;
        let q = Cow::Owned(weights_of(parsed.raw));
        let held_out = parsed.held_out.map(|h| Cow::Owned(h.to_vec()));
        parsed.into_model(q, held_out)
    }

    /// [`Model::from_bytes`] for bytes that live as long as the program ([`DEFAULT_MODEL`]):
    /// on a little-endian processor, with the weights two-byte aligned (`to_bytes` puts them
    /// at an even offset) and their rows in bucket order, as a model file writes them, the
    /// weights are read where they lie instead of copied (3 MB less memory).
    pub fn from_static(bytes: &'static [u8]) -> Result<Self, ModelError> {
        let parsed = Self::parse(bytes)?;
        let in_place = cfg!(target_endian = "little")
            .then(|| bytemuck::try_cast_slice::<u8, i16>(parsed.raw).ok())
            .flatten();
        let q = in_place.map_or_else(|| Cow::Owned(weights_of(parsed.raw)), Cow::Borrowed);
        let held_out = parsed.held_out.map(Cow::Borrowed);
        parsed.into_model(q, held_out)
    }

    /// A model file's parts, checked: its magic, format version, header and lengths.
    fn parse(bytes: &[u8]) -> Result<Parsed<'_>, ModelError> {
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
        let header: Header = serde_json::from_slice(reader.take(header_len)?)
            .map_err(|e| err(format!("kop van het modelbestand onleesbaar: {e}")))?;
        let rows = reader.u32()? as usize;
        let mut used = Vec::with_capacity(rows);
        for _ in 0..rows {
            used.push(reader.u32()?);
        }
        let barriers = header.barriers.len();
        let mut scales = Vec::with_capacity(barriers);
        for _ in 0..barriers {
            scales.push(f32::from_bits(reader.u32()?));
        }
        let raw = reader.take(rows * barriers * 2)?;
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

    /// The file form: weights quantised to 16 bits per barrier.
    pub fn to_bytes(&self) -> Vec<u8> {
        let barriers = self.header.barriers.len();
        let mut header = serde_json::to_vec(&self.header).unwrap_or_default();
        // Everything before the header and after it up to the weights has an even length:
        // a header of even length (JSON may end in a space) puts the weights at an even
        // offset, where `from_static` reads them in place.
        if header.len() % 2 == 1 {
            header.push(b' ');
        }
        let used: Vec<u32> = (0..self.header.buckets)
            .filter(|&b| self.slot(b).is_some())
            .collect();
        let mut out = Vec::with_capacity(64 + header.len() + used.len() * (4 + 2 * barriers));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(&(used.len() as u32).to_le_bytes());
        for bucket in &used {
            out.extend_from_slice(&bucket.to_le_bytes());
        }
        let scales: Vec<f32> = (0..barriers)
            .map(|b| {
                let max = (0..used.len())
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
        for row in 0..used.len() {
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

    /// The row of a bucket, if it carries weights.
    #[inline(always)]
    fn slot(&self, bucket: u32) -> Option<usize> {
        let (word, bit) = (bucket as usize / 64, 1u64 << (bucket % 64));
        let Rank { bits, before } = self.used[word];
        (bits & bit != 0).then(|| before as usize + (bits & (bit - 1)).count_ones() as usize)
    }

    /// The text its features are read from: `normalised`, with area names masked when the
    /// model was trained so ([`Header::masks_areas`]).
    fn features_text<'t>(&self, normalised: &'t str) -> Cow<'t, str> {
        if self.header.masks_areas {
            areas::mask(normalised)
        } else {
            Cow::Borrowed(normalised)
        }
    }

    /// The decision value per barrier for a normalised text.
    pub fn decision_values(&self, normalised: &str) -> Vec<f32> {
        let masked = self.features_text(normalised);
        let normalised: &str = &masked;
        match &self.weights {
            Weights::Dense(w) => self.dense_decision_values(w, normalised),
            Weights::Quantised { q, scales } => {
                let words = features::words(normalised);
                let counts = features::counts(&words);
                let (word_scale, char_scale) = features::scales_of(counts);
                let sums = scoring::block_sums(self, q, scales, normalised, &words, counts);
                sums.word
                    .iter()
                    .zip(&sums.char)
                    .zip(&self.header.bias)
                    .map(|((word, char), bias)| word * word_scale + char * char_scale + bias)
                    .collect()
            }
        }
    }

    /// [`Self::decision_values`] of a model as trained (`f32` weights, summed in the features'
    /// order).
    fn dense_decision_values(&self, w: &[f32], normalised: &str) -> Vec<f32> {
        let n = self.header.barriers.len();
        let words = features::words(normalised);
        let (word_scale, char_scale) = features::scales(&words);
        let (mut word_sums, mut char_sums) = (vec![0f32; n], vec![0f32; n]);
        features::visit(normalised, &words, |hash, kind| {
            if let Some(slot) = self.slot(features::bucket(hash, self.header.buckets)) {
                let sums = match kind {
                    features::Kind::Char(_) => &mut char_sums,
                    _ => &mut word_sums,
                };
                for (sum, w) in sums.iter_mut().zip(&w[slot * n..(slot + 1) * n]) {
                    *sum += w;
                }
            }
        });
        (0..n)
            .map(|b| word_sums[b] * word_scale + char_sums[b] * char_scale + self.header.bias[b])
            .collect()
    }

    /// The calibrated probability of barrier `b` for a decision value.
    pub fn probability(&self, b: usize, decision: f32) -> f32 {
        let [a, c] = self.header.platt[b];
        1.0 / (1.0 + (-(a * decision + c)).exp())
    }

    /// Calibrated probabilities per barrier.
    pub fn probabilities(&self, normalised: &str) -> Vec<f32> {
        self.decision_values(normalised)
            .into_iter()
            .enumerate()
            .map(|(b, s)| self.probability(b, s))
            .collect()
    }

    /// The (at most) `top` words or word pairs of the text that weighed most for barrier `b`:
    /// a word's weight is that of the word and of the character n-grams inside it.
    pub fn top_terms(&self, normalised: &str, b: usize, top: usize) -> Vec<String> {
        let masked = self.features_text(normalised);
        let normalised: &str = &masked;
        let words = features::words(normalised);
        let (word_scale, char_scale) = features::scales(&words);
        let mut single = vec![0f32; words.len()];
        let mut pair = vec![0f32; words.len()];
        let n = self.header.barriers.len();
        features::visit(normalised, &words, |hash, kind| {
            if let Some(slot) = self.slot(features::bucket(hash, self.header.buckets)) {
                let weight = self.weights.get(slot * n + b, n);
                match kind {
                    features::Kind::Word(i) => single[i] += weight * word_scale,
                    features::Kind::Char(i) => single[i] += weight * char_scale,
                    features::Kind::Bigram(i) => pair[i] += weight * word_scale,
                }
            }
        });
        let word = |i: usize| &normalised[words[i].0..words[i].1];
        // A term is a word or a word pair ("a b"), summed over its occurrences in text order.
        // Words hold no space, so a pair is equal to another exactly when both its words are,
        // and never to a single word: terms are told apart by their words, and only the `top`
        // become strings.
        let mut terms: Vec<(f32, (&str, Option<&str>))> = Vec::with_capacity(2 * words.len());
        let mut seen: std::collections::HashMap<(&str, Option<&str>), usize> =
            std::collections::HashMap::with_capacity(2 * words.len());
        let mut add = |weight: f32, term| match seen.entry(term) {
            std::collections::hash_map::Entry::Occupied(at) => terms[*at.get()].0 += weight,
            std::collections::hash_map::Entry::Vacant(at) => {
                at.insert(terms.len());
                terms.push((weight, term));
            }
        };
        for i in 0..words.len() {
            add(single[i], (word(i), None));
            if i + 1 < words.len() {
                add(pair[i], (word(i), Some(word(i + 1))));
            }
        }
        terms.retain(|(w, _)| *w > 0.0);
        terms.sort_by(|a, b| b.0.total_cmp(&a.0));
        terms.truncate(top);
        terms
            .into_iter()
            .map(|(_, term)| match term {
                (first, None) => first.to_string(),
                (first, Some(second)) => format!("{first} {second}"),
            })
            .collect()
    }

    /// Checks that the model belongs to a rule set with these barrier ids, in this order.
    pub fn check_barriers(&self, ids: &[&str]) -> Result<(), ModelError> {
        if self
            .header
            .barriers
            .iter()
            .map(String::as_str)
            .eq(ids.iter().copied())
        {
            return Ok(());
        }
        let missing: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !self.header.barriers.iter().any(|b| b == id))
            .collect();
        let extra: Vec<&str> = self
            .header
            .barriers
            .iter()
            .map(String::as_str)
            .filter(|b| !ids.contains(b))
            .collect();
        Err(err(format!(
            "model {} past niet bij het regelbestand: het model kent andere barrières (ontbreekt in model: {}; niet in regels: {}; of een andere volgorde); train het opnieuw met 'knooppunt model train'",
            self.header.version,
            if missing.is_empty() { "-".into() } else { missing.join(", ") },
            if extra.is_empty() { "-".into() } else { extra.join(", ") },
        )))
    }
}

/// A model file's parts, its weights still as the file's bytes.
struct Parsed<'a> {
    header: Header,
    used: Vec<u32>,
    scales: Vec<f32>,
    raw: &'a [u8],
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

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| err("modelbestand is afgekapt of beschadigd"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
