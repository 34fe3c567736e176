//! How repetitive a note may weigh. A block's sum (words, characters) is scaled by
//! 1/√(its number of feature occurrences), so a note written k times over scores √k times as
//! far from the bias as one copy: a sentence pasted 25 times, or a run of 3,000 letters, passed
//! thresholds no single copy came near, and such notes were counted under barriers. A block's
//! L2 norm grows with the repetition as its count does not: for k copies the norm is k times
//! the note's, the count k times and its root √k times. A model file records, per block, the
//! largest ratio ‖block‖₂ / √count among the notes it was trained on
//! ([`super::Header::max_repetition`]); a note whose ratio is larger is scaled by cap / ‖block‖₂
//! instead, as if it were no more repetitive than that: from there on a note repeated scores
//! as the note. Every other note, and every training note, is scaled as before.
//!
//! The norms, per block:
//! - **words** (unigrams and bigrams): √Σ c_b², c_b the block's occurrences in bucket b;
//! - **characters**: √Σ_w n_w²·q_w over the note's word types w (words alike but for their
//!   digits, which the features read as `0`, are one type), n_w the type's occurrences and
//!   q_w = Σ_b c_{w,b}², c_{w,b} the word's own character n-grams in bucket b. Two words that
//!   share an n-gram ("wacht", "wachtlijst") count apart: leaving out those cross terms makes
//!   q_w a property of the word alone, which scoring keeps with the word's sums.

use super::features::{self, CharBuffers};

/// Σ_k c_k²·w_k over the distinct keys k of `items` (key, weight), c_k the key's multiplicity
/// and w_k its weight (the same for every occurrence of a key): each occurrence adds
/// (2·c + 1)·w, c its key's occurrences before it. Counted in a small open-addressing table,
/// sized for `len` items: for a note's hundred-odd values cheaper than sorting them.
pub fn squared_multiplicities(items: impl IntoIterator<Item = (u32, u64)>, len: usize) -> u64 {
    let bits = (2 * len.max(8)).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    // (key, multiplicity); a multiplicity of 0 marks an empty slot.
    let mut table = vec![(0u32, 0u32); mask + 1];
    let mut total = 0u64;
    for (key, weight) in items {
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

/// The squared norm of the word block of a normalised text whose word ranges are `words`.
pub fn word_norm2(
    text: &str,
    words: &[(usize, usize)],
    buckets: u32,
    scratch: &mut Vec<u32>,
) -> u64 {
    let bytes = text.as_bytes();
    scratch.clear();
    scratch.extend(
        words.iter().map(|&(start, end)| {
            features::bucket(features::word_hash(&bytes[start..end]), buckets)
        }),
    );
    features::visit_bigrams(text, words, |hash| {
        scratch.push(features::bucket(hash, buckets))
    });
    squared_multiplicities(scratch.iter().map(|&b| (b, 1)), scratch.len())
}

/// q_w of one word: Σ_b c_b² over the buckets of its character n-grams.
pub fn word_q(word: &[u8], buckets: u32, buffers: &mut CharBuffers, scratch: &mut Vec<u32>) -> u64 {
    scratch.clear();
    features::visit_chars(word, buffers, |hash| {
        scratch.push(features::bucket(hash, buckets))
    });
    squared_multiplicities(scratch.iter().map(|&b| (b, 1)), scratch.len())
}

/// The squared norm of the character block from its word occurrences, each as its type (the
/// word's unigram hash) and q_w: Σ_w n_w²·q_w.
pub fn char_norm2(occurrences: &[(u32, u64)]) -> u64 {
    squared_multiplicities(occurrences.iter().copied(), occurrences.len())
}

/// The word block's and the character block's squared L2 norms of a normalised text whose word
/// ranges are `words`.
pub fn norm2s(text: &str, words: &[(usize, usize)], buckets: u32) -> (u64, u64) {
    let mut scratch = Vec::with_capacity(2 * words.len());
    let word = word_norm2(text, words, buckets, &mut scratch);
    let bytes = text.as_bytes();
    let mut buffers = CharBuffers::for_words(words);
    let occurrences: Vec<(u32, u64)> = words
        .iter()
        .map(|&(start, end)| {
            let w = &bytes[start..end];
            (
                features::word_hash(w),
                word_q(w, buckets, &mut buffers, &mut scratch),
            )
        })
        .collect();
    (word, char_norm2(&occurrences))
}

/// Per block, ‖block‖₂ / √count: 1 for a note without a repeated feature, more the more it
/// repeats itself (0 for an empty block).
pub fn ratios(counts: (usize, usize), norm2: (u64, u64)) -> [f32; 2] {
    [ratio(counts.0, norm2.0), ratio(counts.1, norm2.1)]
}

fn ratio(count: usize, norm2: u64) -> f32 {
    if count == 0 {
        0.0
    } else {
        ((norm2 as f64) / (count as f64)).sqrt() as f32
    }
}

/// The blocks' scales: [`features::scales_of`] for a block whose [`ratios`] is at most its
/// `cap` (every note the model was trained on, to the bit), cap/‖block‖₂ for one that repeats
/// itself more.
pub fn capped_scales(counts: (usize, usize), norm2: (u64, u64), cap: [f32; 2]) -> (f32, f32) {
    let (word, char) = features::scales_of(counts);
    let one = |plain: f32, count: usize, norm2: u64, cap: f32| {
        if ratio(count, norm2) <= cap {
            plain
        } else {
            (f64::from(cap) / (norm2 as f64).sqrt()) as f32
        }
    };
    (
        one(word, counts.0, norm2.0, cap[0]),
        one(char, counts.1, norm2.1, cap[1]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUCKETS: u32 = 1 << 18;

    fn ratios_of(text: &str) -> [f32; 2] {
        let words = features::words(text);
        ratios(features::counts(&words), norm2s(text, &words, BUCKETS))
    }

    fn scales_of(text: &str, cap: [f32; 2]) -> (f32, f32) {
        let words = features::words(text);
        capped_scales(features::counts(&words), norm2s(text, &words, BUCKETS), cap)
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
        let mut scratch = Vec::new();
        // Unigram bucket twice, the bigram once: 2² + 1² = 5.
        assert_eq!(word_norm2(text, &words, BUCKETS, &mut scratch), 5);
        let mut buffers = CharBuffers::for_words(&words);
        // " al", "al " (3-grams) and " al " (4-gram): three distinct n-grams, q = 3.
        let q = word_q(b"al", BUCKETS, &mut buffers, &mut scratch);
        assert_eq!(q, 3);
        let hash = features::word_hash(b"al");
        assert_eq!(char_norm2(&[(hash, q), (hash, q)]), 4 * 3);
        let ones = |keys: &[u32]| squared_multiplicities(keys.iter().map(|&k| (k, 1)), keys.len());
        assert_eq!(ones(&[]), 0);
        assert_eq!(ones(&[7, 3, 7, 7]), 1 + 9);
        assert_eq!(ones(&[0, 1 << 31, 0, 1 << 31, 0]), 9 + 4);
        // Enough keys that many share a starting slot and are probed past: as sorting counts.
        let many: Vec<u32> = (0..3000u32)
            .map(|k| k.wrapping_mul(2_654_435_761) % 1700)
            .collect();
        let mut sorted = many.clone();
        sorted.sort_unstable();
        let by_sorting: u64 = sorted
            .chunk_by(|a, b| a == b)
            .map(|run| (run.len() * run.len()) as u64)
            .sum();
        assert_eq!(ones(&many), by_sorting);
        assert_eq!(ratios((0, 0), (0, 0)), [0.0, 0.0]);
        assert_eq!(capped_scales((0, 0), (0, 0), [1.0, 1.0]), (0.0, 0.0));
    }

    #[test]
    fn words_alike_but_for_their_digits_are_one_type() {
        assert_eq!(ratios_of("al 14 weken"), ratios_of("al 93 weken"));
    }
}
