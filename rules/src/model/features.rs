//! The model's features: hashed word 1–2-grams and character 3–5-grams (within a word padded
//! with spaces, so "afpakken" yields " af", "afp", …, "en "), read from the normalised text
//! (lower case, no accents; see [`crate::ruleset::normalise`]). Digits all count as `0`, so
//! "14 weken" and "9 weken" share their features.
//!
//! Each feature is hashed (FNV-1a, a different seed per kind) into one of `buckets` (a power of
//! two). A feature's value is its count divided by the square root of the number of features of
//! its block (words, characters), so long and short notes weigh alike and neither block drowns
//! the other. Training and inference visit features through the same function.

/// Seeds that keep the kinds of features apart in the hash space.
const SEED_WORD: u32 = 0x811c_9dc5;
const SEED_BIGRAM: u32 = 0x9e37_79b9;
const SEED_CHAR: u32 = 0x85eb_ca6b;

/// The word ranges of a normalised text: maximal runs of letters and digits.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut start = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII (nearly all of a normalised text) without decoding; for an ASCII character
        // `is_alphanumeric` is `is_ascii_alphanumeric`.
        let (alphanumeric, len) = match bytes[i] {
            b if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
            _ => text[i..]
                .chars()
                .next()
                .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        };
        if alphanumeric {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
        i += len;
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

#[inline(always)]
fn fnv(hash: u32, byte: u8) -> u32 {
    fnv_mapped(hash, if byte.is_ascii_digit() { b'0' } else { byte })
}

#[inline(always)]
fn hash_bytes(seed: u32, bytes: &[u8]) -> u32 {
    bytes.iter().fold(seed, |h, &b| fnv(h, b))
}

/// Which block a feature belongs to, and the word(s) it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A word unigram (word index) or a character n-gram inside that word.
    Word(usize),
    /// A word bigram starting at this word index.
    Bigram(usize),
    Char(usize),
}

/// The number of character n-grams (3–5) of a word of `len` bytes, padded with two spaces.
fn char_grams(len: usize) -> usize {
    let padded = len + 2;
    (3..=5).map(|n| (padded + 1).saturating_sub(n)).sum()
}

/// The number of feature occurrences of the word block and of the character block.
pub fn counts(words: &[(usize, usize)]) -> (usize, usize) {
    let word_features = words.len() + words.len().saturating_sub(1);
    let char_features = words.iter().map(|(s, e)| char_grams(e - s)).sum();
    (word_features, char_features)
}

/// The scale of the word block and of the character block: 1/√(number of features).
pub fn scales(words: &[(usize, usize)]) -> (f32, f32) {
    scales_of(counts(words))
}

/// [`scales`] from the blocks' feature [`counts`].
pub fn scales_of((word_features, char_features): (usize, usize)) -> (f32, f32) {
    let scale = |n: usize| if n == 0 { 0.0 } else { 1.0 / (n as f32).sqrt() };
    (scale(word_features), scale(char_features))
}

/// FNV-1a's step on a byte whose digits are already `0` (see [`fnv`]).
#[inline(always)]
fn fnv_mapped(hash: u32, byte: u8) -> u32 {
    (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
}

/// Calls `visit(hash, kind)` for every feature occurrence of a normalised text: per word its
/// own feature, the bigram it starts and then its character n-grams ([`visit_chars`]'s).
///
/// Always inlined, so a caller compiled for more processor features (see `scoring`) compiles
/// it, and the closure, with them.
#[inline(always)]
pub fn visit(text: &str, words: &[(usize, usize)], mut visit: impl FnMut(u32, Kind)) {
    let bytes = text.as_bytes();
    let mut buffers = CharBuffers::for_words(words);
    for (index, &(start, end)) in words.iter().enumerate() {
        visit_word_grams(bytes, words, index, &mut visit);
        visit_chars(&bytes[start..end], &mut buffers, |hash| {
            visit(hash, Kind::Char(index))
        });
    }
}

/// The hash of a word's own feature (its unigram); it depends on the word alone.
#[inline(always)]
pub fn word_hash(word: &[u8]) -> u32 {
    hash_bytes(SEED_WORD, word)
}

/// Calls `visit(hash)` for each pair of neighbouring words (the word block's bigrams).
#[inline(always)]
pub fn visit_bigrams(text: &str, words: &[(usize, usize)], mut visit: impl FnMut(u32)) {
    let bytes = text.as_bytes();
    for pair in words.windows(2) {
        let ((start, end), (next_start, next_end)) = (pair[0], pair[1]);
        visit(bigram_hash(
            &bytes[start..end],
            &bytes[next_start..next_end],
        ));
    }
}

#[inline(always)]
fn bigram_hash(word: &[u8], next: &[u8]) -> u32 {
    hash_bytes(fnv(hash_bytes(SEED_BIGRAM, word), b' '), next)
}

/// The word feature of word `index` and the bigram it starts.
#[inline(always)]
fn visit_word_grams(
    bytes: &[u8],
    words: &[(usize, usize)],
    index: usize,
    visit: &mut impl FnMut(u32, Kind),
) {
    let (start, end) = words[index];
    let word = &bytes[start..end];
    visit(word_hash(word), Kind::Word(index));
    if let Some(&(next_start, next_end)) = words.get(index + 1) {
        visit(
            bigram_hash(word, &bytes[next_start..next_end]),
            Kind::Bigram(index),
        );
    }
}

/// The buffers [`visit_chars`] reuses from word to word.
pub struct CharBuffers {
    padded: Vec<u8>,
    grams: Vec<u32>,
}

impl CharBuffers {
    /// Buffers large enough for the longest of `words`.
    pub fn for_words(words: &[(usize, usize)]) -> Self {
        let longest = words.iter().map(|(s, e)| e - s).max().unwrap_or(0);
        Self {
            padded: Vec::with_capacity(longest + 2),
            grams: Vec::with_capacity(longest),
        }
    }
}

/// Calls `visit(hash)` for every character n-gram of one word: the word padded with a space on
/// either side and its digits read as `0` (as `fnv` reads them); the hashes of the 3-grams
/// starting at each position, continued in place into the 4-grams' and then the 5-grams' (FNV
/// is a running hash), so each byte is hashed once per start instead of once per n-gram. All
/// 3-grams first, then all 4-grams, then all 5-grams. They depend on the word alone.
#[inline(always)]
pub fn visit_chars(word: &[u8], buffers: &mut CharBuffers, mut visit: impl FnMut(u32)) {
    let CharBuffers { padded, grams } = buffers;
    padded.clear();
    padded.push(b' ');
    padded.extend(
        word.iter()
            .map(|&b| if b.is_ascii_digit() { b'0' } else { b }),
    );
    padded.push(b' ');
    grams.clear();
    grams.extend(
        padded
            .windows(3)
            .map(|w| fnv_mapped(fnv_mapped(fnv_mapped(SEED_CHAR, w[0]), w[1]), w[2])),
    );
    for &hash in grams.iter() {
        visit(hash);
    }
    for n in 3..5 {
        // Drop the last start (its window would run past the word), extend the rest.
        grams.pop();
        for (from, hash) in grams.iter_mut().enumerate() {
            *hash = fnv_mapped(*hash, padded[from + n]);
            visit(*hash);
        }
    }
}

/// The sparse feature vector of a normalised text as LIBLINEAR wants it: 1-based indices in
/// ascending order, each once, with its value.
pub fn vector(text: &str, buckets: u32) -> Vec<(u32, f64)> {
    let words = words(text);
    let (word_scale, char_scale) = scales(&words);
    let mut features: Vec<(u32, f64)> = Vec::with_capacity(words.len() * 20);
    visit(text, &words, |hash, kind| {
        let value = match kind {
            Kind::Word(_) | Kind::Bigram(_) => word_scale,
            Kind::Char(_) => char_scale,
        };
        features.push((bucket(hash, buckets) + 1, f64::from(value)));
    });
    features.sort_by_key(|(index, _)| *index);
    let mut merged: Vec<(u32, f64)> = Vec::with_capacity(features.len());
    for (index, value) in features {
        match merged.last_mut() {
            Some((last, sum)) if *last == index => *sum += value,
            _ => merged.push((index, value)),
        }
    }
    merged
}

/// The bucket (0-based) of a hash.
#[inline]
pub fn bucket(hash: u32, buckets: u32) -> u32 {
    hash & (buckets - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = "al 14 weken, geen reactie!";
        let found: Vec<&str> = words(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["al", "14", "weken", "geen", "reactie"]);
    }

    #[test]
    fn vector_is_sorted_unique_and_digits_are_alike() {
        let a = vector("al 14 weken geen reactie", 1 << 18);
        assert!(a.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(a.iter().all(|(i, _)| *i >= 1 && *i <= 1 << 18));
        assert_eq!(a, vector("al 93 weken geen reactie", 1 << 18));
        assert_ne!(a, vector("al 14 dagen geen reactie", 1 << 18));
    }

    #[test]
    fn character_grams_hash_as_whole_windows() {
        let text = "al 14 weken wacht-lijst é";
        let words = words(text);
        let mut visited = Vec::new();
        visit(text, &words, |hash, kind| {
            if let Kind::Char(i) = kind {
                visited.push((i, hash));
            }
        });
        let mut expected = Vec::new();
        for (index, &(start, end)) in words.iter().enumerate() {
            let padded = [b" ", &text.as_bytes()[start..end], b" "].concat();
            for n in 3..=5 {
                for gram in padded.windows(n) {
                    expected.push((index, hash_bytes(SEED_CHAR, gram)));
                }
            }
        }
        assert_eq!(visited, expected);
    }

    #[test]
    fn the_counted_features_are_the_visited_ones() {
        for text in ["moeder durft niet naar het cjg", "één 12 wk", "x", ""] {
            let words = words(text);
            let (mut word, mut char) = (0, 0);
            visit(text, &words, |_, kind| match kind {
                Kind::Char(_) => char += 1,
                _ => word += 1,
            });
            assert_eq!(counts(&words), (word, char), "{text:?}");
            if word > 0 {
                let (word_scale, char_scale) = scales(&words);
                assert!((word_scale - 1.0 / (word as f32).sqrt()).abs() < 1e-6);
                assert!((char_scale - 1.0 / (char as f32).sqrt()).abs() < 1e-6);
            }
        }
    }
}
