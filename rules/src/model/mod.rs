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
//! The file form, and the versions of it that are read, are in [`file`].

pub mod areas;
pub mod features;
mod file;
pub mod held_out;
pub mod norms;
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

use file::Reader;
pub use file::FORMAT_VERSION;

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
    /// Per block (words, characters), the largest ratio of its L2 norm to the square root of
    /// its number of features among the notes the model was trained on: how repetitive a note
    /// it has seen. A note more repetitive than that is scaled as if it were that repetitive
    /// ([`norms`]); absent in older files: no note is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_repetition: Option<[f32; 2]>,
}

#[cfg(test)]
impl Header {
    /// A header for tests: `barriers` named "a", "b", …, on `buckets` buckets, no bias,
    /// identity Platt scaling, thresholds of 0.5 and no floors.
    pub(crate) fn for_test(barriers: usize, buckets: u32) -> Self {
        Self {
            version: "test".into(),
            barriers: (0..barriers)
                .map(|b| char::from(b'a' + b as u8).to_string())
                .collect(),
            buckets,
            bias: vec![0.0; barriers],
            platt: vec![[1.0, 0.0]; barriers],
            thresholds: vec![0.5; barriers],
            floors: Vec::new(),
            trained: Trained {
                notes: 0,
                folds: 0,
                cost: 1.0,
                rules_version: "test".into(),
                prune: 0.0,
            },
            masks_areas: false,
            max_repetition: None,
        }
    }
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
    /// The fraction below which features were left out ([`crate::learning::train::prune`]);
    /// absent in older files: none left out.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub prune: f32,
}

fn is_zero(x: &f32) -> bool {
    *x == 0.0
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

/// Which buckets carry weights.
enum Buckets {
    /// Listed, in any order; a bucket listed twice keeps its last row.
    Listed(Vec<u32>),
    /// A bit set (bit `b % 64` of word `b / 64`), the rows in ascending bucket order.
    Bits(Vec<u64>),
}

/// The bit set of listed buckets (`words` words for `buckets` buckets), and the order of their
/// rows: (bucket, row) in ascending bucket order, a bucket listed twice keeping its last row
/// (as a table of row numbers filled in order would).
#[allow(clippy::type_complexity)]
fn bits_of(
    used: &[u32],
    buckets: u32,
    words: usize,
) -> Result<(Vec<u64>, Vec<(u32, usize)>), ModelError> {
    let mut order: Vec<(u32, usize)> = used.iter().copied().zip(0..).collect();
    order.sort_by_key(|&(bucket, row)| (bucket, std::cmp::Reverse(row)));
    order.dedup_by_key(|&mut (bucket, _)| bucket);
    let mut bits = vec![0u64; words];
    for &(bucket, _) in &order {
        let slot = bits
            .get_mut(bucket as usize / 64)
            .filter(|_| bucket < buckets)
            .ok_or_else(|| err("een bucket valt buiten het model"))?;
        *slot |= 1 << (bucket % 64);
    }
    Ok((bits, order))
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
        Self::with_weights(header, Buckets::Listed(used), Weights::Dense(rows))
    }

    fn with_weights(header: Header, used: Buckets, rows: Weights) -> Result<Self, ModelError> {
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
        // Every note with features has a ratio of at least 1 (Σc² ≥ Σc): a smaller cap, or
        // none that is a number, would scale every note wrongly.
        if let Some(cap) = header.max_repetition {
            if cap.iter().any(|c| !c.is_finite() || *c < 1.0) {
                return Err(err(
                    "max_repetition moet per blok een getal van minstens 1 zijn",
                ));
            }
        }
        let words = (header.buckets as usize).div_ceil(64);
        // The bit set, how many rows the weights must hold, and for listed buckets the order
        // their rows take.
        let (bits, rows_given, order) = match used {
            Buckets::Listed(used) => {
                let (bits, order) = bits_of(&used, header.buckets, words)?;
                (bits, used.len(), Some(order))
            }
            Buckets::Bits(bits) if bits.len() == words => {
                let rows = bits.iter().map(|w| w.count_ones() as usize).sum();
                (bits, rows, None)
            }
            Buckets::Bits(_) => return Err(err("de afmetingen in het model kloppen niet")),
        };
        if header.bias.len() != barriers
            || header.platt.len() != barriers
            || header.thresholds.len() != barriers
            || !(header.floors.is_empty() || header.floors.len() == barriers)
            || len != rows_given * barriers
            || scales != barriers
        {
            return Err(err("de afmetingen in het model kloppen niet"));
        }
        let weights = match (rows, order) {
            // Rows named by a bit set are in bucket order already.
            (rows, None) => rows,
            (Weights::Dense(w), Some(order)) => Weights::Dense(reorder(&w, &order, barriers)),
            // A file's rows are written in bucket order: read in place, they stay there.
            (Weights::Quantised { q, scales }, Some(order)) if in_order(&order) => {
                Weights::Quantised { q, scales }
            }
            (Weights::Quantised { q, scales }, Some(order)) => Weights::Quantised {
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

    /// How many buckets carry weights (rows of weights).
    fn rows(&self) -> usize {
        self.used
            .last()
            .map_or(0, |r| r.before as usize + r.bits.count_ones() as usize)
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

    /// The word block's and the character block's scale for a (masked) normalised text with
    /// word ranges `words`: 1/√(number of features), capped for a note more repetitive than
    /// any the model was trained on ([`Header::max_repetition`]).
    fn block_scales(&self, normalised: &str, words: &[(usize, usize)]) -> (f32, f32) {
        match self.header.max_repetition {
            Some(cap) => norms::capped_scales(
                features::counts(words),
                norms::squared_norms(normalised, words, self.header.buckets),
                cap,
            ),
            None => features::scales(words),
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
                let sums = scoring::block_sums(self, q, scales, normalised, &words, counts);
                let (word_scale, char_scale) =
                    match (sums.squared_norms, self.header.max_repetition) {
                        (Some(squared), Some(cap)) => norms::capped_scales(counts, squared, cap),
                        _ => self.block_scales(normalised, &words),
                    };
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
        let (word_scale, char_scale) = self.block_scales(normalised, &words);
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
        let (word_scale, char_scale) = self.block_scales(normalised, &words);
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
