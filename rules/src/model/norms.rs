//! How repetitive a note may weigh. A block's sum (words, characters) is scaled by
//! 1/√(its number of feature occurrences), so a note written k times over scores √k times as
//! far from the bias as one copy: a sentence pasted 25 times, or a run of 3,000 letters, passed
//! thresholds no single copy came near, and such notes were counted under barriers. A block's
//! L2 norm grows with the repetition as its count does not: for k copies the norm is k times
//! the note's, the count k times and its root √k times. A model file records, per block, the
//! largest ratio ‖block‖₂ / √count among the notes it was trained on
//! ([`super::Header::max_repetition`]); a note whose ratio is larger is scaled by cap / ‖block‖₂
//! instead, as if it were no more repetitive than that: from there on a note repeated scores
//! as the note. Every other note, and every training note, is scaled as before (so below the
//! cap a note pasted twice or thrice still weighs more than once, by at most cap / its own
//! ratio: 1.97 for the words and 1.53 for the characters of the shipped model).
//!
//! The norms, per block:
//! - **words** (unigrams and bigrams): √Σ c_b², c_b the block's occurrences in bucket b;
//! - **characters**: √Σ_w n_w²·q_w over the note's word types w (words alike but for their
//!   digits, which the features read as `0`, are one type), n_w the type's occurrences and
//!   q_w = Σ_b c_{w,b}², c_{w,b} the word's own character n-grams in bucket b. Two words that
//!   share an n-gram ("wacht", "wachtlijst") count apart: leaving out those cross terms makes
//!   q_w a property of the word alone, which scoring keeps with the word's sums.

use super::features::{self, CharBuffers};

/// The most items counted in a table; more are sorted (a note of the intake's 4,000
/// characters has some 8,000 character n-grams in one word at the most).
const MOST_IN_TABLE: usize = 1 << 14;

/// Σ_k c_k² over the distinct values k of `keys`, c_k a value's multiplicity.
pub fn squared_counts(keys: &[u32]) -> u64 {
    squared_multiplicities(keys.iter().map(|&k| (k, 1)), keys.len())
}

/// Σ_k c_k²·w_k over the distinct keys k of `items`, c_k the key's multiplicity and w_k its
/// weight (the same for every occurrence of a key): each occurrence adds (2·c + 1)·w, c its
/// key's occurrences before it. Counted in a small open-addressing table sized for `len`, the
/// number of items (for a note's hundred-odd values cheaper than sorting them); more than
/// [`MOST_IN_TABLE`] are sorted and counted.
fn squared_multiplicities(items: impl Iterator<Item = (u32, u64)>, len: usize) -> u64 {
    if len > MOST_IN_TABLE {
        let mut sorted: Vec<(u32, u64)> = items.collect();
        sorted.sort_unstable_by_key(|&(key, _)| key);
        return sorted
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run.len() * run.len()) as u64 * run[0].1)
            .sum();
    }
    // At least twice as many slots as items: a free slot is always found.
    let bits = (2 * len.max(8)).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    // (key, multiplicity); a multiplicity of 0 marks an empty slot.
    let mut table = vec![(0u32, 0u32); mask + 1];
    let mut total = 0u64;
    for (key, weight) in items.take(len) {
        // Fibonacci hashing: the keys' high bits pick the slot.
        let mut i = (key.wrapping_mul(0x9e37_79b1) >> (32 - bits)) as usize;
        loop {
            let (slot_key, count) = &mut table[i];
            if *count == 0 {
                *slot_key = key;
            } else if *slot_key != key {
                i = (i + 1) & mask;
                continue;
            }
            total += (2 * u64::from(*count) + 1) * weight;
            *count += 1;
            break;
        }
    }
    total
}

/// A word type as the character block's norm counts it: the hash of the word's unigram (words
/// alike but for their digits share it) and its q, Σ_b c_b² over its character n-grams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordType {
    pub hash: u32,
    pub q: u64,
}

impl WordType {
    /// The type of `word` (its bytes as the normalised text has them), its n-grams' buckets
    /// gathered in `scratch`.
    pub fn of(
        word: &[u8],
        buckets: u32,
        buffers: &mut CharBuffers,
        scratch: &mut Vec<u32>,
    ) -> Self {
        scratch.clear();
        features::visit_chars(word, buffers, |hash| {
            scratch.push(features::bucket(hash, buckets))
        });
        Self::of_buckets(features::word_hash(word), scratch)
    }

    /// The type of a word whose unigram hash is `hash` and whose character n-grams fall in
    /// `buckets` (gathered by whoever visits them already).
    pub fn of_buckets(hash: u32, buckets: &[u32]) -> Self {
        Self {
            hash,
            q: squared_counts(buckets),
        }
    }
}

/// The parts of a note's two squared norms, gathered word by word and bigram by bigram.
#[derive(Debug, Default)]
pub struct Parts {
    /// The word block's buckets: each word's unigram, each bigram.
    word_buckets: Vec<u32>,
    /// Each word's type, in the note's order.
    types: Vec<WordType>,
}

impl Parts {
    /// Room for a note of `words` words.
    pub fn with_capacity(words: usize) -> Self {
        Self {
            word_buckets: Vec::with_capacity(2 * words),
            types: Vec::with_capacity(words),
        }
    }

    /// A word of type `word`, its unigram in `buckets`.
    pub fn word(&mut self, word: WordType, buckets: u32) {
        self.word_buckets.push(features::bucket(word.hash, buckets));
        self.types.push(word);
    }

    /// A bigram whose hash is `hash`.
    pub fn bigram(&mut self, hash: u32, buckets: u32) {
        self.word_buckets.push(features::bucket(hash, buckets));
    }

    /// The word block's and the character block's squared norms: Σ_b c_b² and Σ_w n_w²·q_w.
    pub fn squared_norms(&self) -> (u64, u64) {
        (
            squared_counts(&self.word_buckets),
            squared_multiplicities(self.types.iter().map(|t| (t.hash, t.q)), self.types.len()),
        )
    }
}

/// The word block's and the character block's squared L2 norms of a normalised text whose word
/// ranges are `words`.
pub fn squared_norms(text: &str, words: &[(usize, usize)], buckets: u32) -> (u64, u64) {
    let bytes = text.as_bytes();
    let mut buffers = CharBuffers::for_words(words);
    let mut scratch = Vec::new();
    let mut parts = Parts::with_capacity(words.len());
    for &(start, end) in words {
        let word = WordType::of(&bytes[start..end], buckets, &mut buffers, &mut scratch);
        parts.word(word, buckets);
    }
    features::visit_bigrams(text, words, |hash| parts.bigram(hash, buckets));
    parts.squared_norms()
}

/// Per block, ‖block‖₂ / √count: 1 for a note without a repeated feature, more the more it
/// repeats itself (0 for an empty block).
pub fn ratios(counts: (usize, usize), squared: (u64, u64)) -> [f32; 2] {
    [ratio(counts.0, squared.0), ratio(counts.1, squared.1)]
}

fn ratio(count: usize, squared: u64) -> f32 {
    if count == 0 {
        0.0
    } else {
        ((squared as f64) / (count as f64)).sqrt() as f32
    }
}

/// The blocks' scales: [`features::scales_of`] for a block whose [`ratios`] is at most its
/// `cap` (every note the model was trained on, to the bit), cap/‖block‖₂ for one that repeats
/// itself more.
pub fn capped_scales(counts: (usize, usize), squared: (u64, u64), cap: [f32; 2]) -> (f32, f32) {
    let (word, char) = features::scales_of(counts);
    let one = |plain: f32, count: usize, squared: u64, cap: f32| {
        if ratio(count, squared) <= cap {
            plain
        } else {
            (f64::from(cap) / (squared as f64).sqrt()) as f32
        }
    };
    (
        one(word, counts.0, squared.0, cap[0]),
        one(char, counts.1, squared.1, cap[1]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKETS: u32 = 1 << 18;

    fn ratios_of(text: &str) -> [f32; 2] {
        let words = features::words(text);
        ratios(
            features::counts(&words),
            squared_norms(text, &words, BUCKETS),
        )
    }

    fn scales_of(text: &str, cap: [f32; 2]) -> (f32, f32) {
        let words = features::words(text);
        capped_scales(
            features::counts(&words),
            squared_norms(text, &words, BUCKETS),
            cap,
        )
    }

    #[test]
    fn a_note_without_repeats_has_ratio_one_and_keeps_its_plain_scales() {
        let text = "moeder durft niet naar cjg";
        let [word, char] = ratios_of(text);
        assert!((word - 1.0).abs() < 1e-6, "{word}");
        assert!((1.0..1.2).contains(&char), "{char}");
        let words = features::words(text);
        assert_eq!(scales_of(text, [1.5, 1.5]), features::scales(&words));
    }

    #[test]
    fn past_the_cap_a_note_repeated_scores_as_the_note() {
        let once = "moeder durft niet naar het cjg bang dat ze haar kinderen afpakken. ";
        let cap = ratios_of(once);
        let words = features::words(once);
        let (word, char) = features::scales(&words);
        for k in [2, 5, 25] {
            let text = once.repeat(k);
            let (word_k, char_k) = scales_of(&text, cap);
            // k times the counts at 1/k the scale: the same sums. (The bigrams across the
            // copies' joins are new word features, so the word block comes close.)
            let k = k as f32;
            assert!((char_k * k - char).abs() < 1e-6, "{k}: {char_k} {char}");
            assert!(
                (word_k * k / word - 1.0).abs() < 0.1,
                "{k}: {word_k} {word}"
            );
        }
    }

    #[test]
    fn a_run_of_one_letter_is_three_features_many_times() {
        // "xxxx…": its 3-, 4- and 5-grams fall in three buckets about 3,000 times each, so its
        // character block's ratio is about √3,000.
        let [_, char] = ratios_of(&"x".repeat(3000));
        assert!(char > 50.0, "{char}");
    }

    #[test]
    fn counts_and_norms_of_a_short_text() {
        // "al al": one word type twice (n = 2) and the bigram "al al" once.
        let text = "al al";
        let words = features::words(text);
        let mut buffers = CharBuffers::for_words(&words);
        // " al", "al " (3-grams) and " al " (4-gram): three distinct n-grams, q = 3.
        let al = WordType::of(b"al", BUCKETS, &mut buffers, &mut Vec::new());
        assert_eq!(al.q, 3);
        // The word block: the unigram twice and the bigram once, 2² + 1² = 5; the characters:
        // n² · q = 4 · 3.
        assert_eq!(squared_norms(text, &words, BUCKETS), (5, 12));
        assert_eq!(squared_counts(&[]), 0);
        assert_eq!(squared_counts(&[7, 3, 7, 7]), 1 + 9);
        assert_eq!(squared_counts(&[0, 1 << 31, 0, 1 << 31, 0]), 9 + 4);
        assert_eq!(ratios((0, 0), (0, 0)), [0.0, 0.0]);
        assert_eq!(capped_scales((0, 0), (0, 0), [1.0, 1.0]), (0.0, 0.0));
    }

    /// The table and the sorting count alike: keys many of which start at the same slot, and
    /// more keys than a table holds.
    #[test]
    fn tables_and_sorting_count_alike() {
        let by_sorting = |keys: &[u32]| -> u64 {
            let mut sorted = keys.to_vec();
            sorted.sort_unstable();
            sorted
                .chunk_by(|a, b| a == b)
                .map(|run| (run.len() * run.len()) as u64)
                .sum()
        };
        for (n, modulo) in [(3_000u32, 1_700u32), (40_000, 5), (40_000, 30_000)] {
            let keys: Vec<u32> = (0..n)
                .map(|k| k.wrapping_mul(2_654_435_761) % modulo)
                .collect();
            assert_eq!(
                squared_counts(&keys),
                by_sorting(&keys),
                "{n} keys below {modulo}"
            );
        }
    }

    #[test]
    fn words_alike_but_for_their_digits_are_one_type() {
        // One type met twice (n = 2) either way: "14" and "93" are "00" to the features.
        assert_eq!(
            ratios_of("al 14 en 93 weken"),
            ratios_of("al 14 en 14 weken")
        );
        assert_ne!(
            ratios_of("al 14 en 93 weken"),
            ratios_of("al 14 en 9 weken")
        );
    }
}
