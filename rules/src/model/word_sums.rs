//! Per thread, the integer sums of the words the thread has scored: of each word's own feature
//! (its unigram) and of its character n-grams. Both lie within the word ([`super::features`]),
//! so their weights depend on the word and the model alone; notes repeat their words, so most
//! words of a note are one look-up here instead of some twenty bucket look-ups and row sums.
//! The sums are exact integers: a word's kept sums are what scoring it again would add. With
//! them a word keeps its type ([`super::norms::WordType`]: its unigram's hash and its part of
//! the character block's L2 norm), which depends on the word alone too.

use std::cell::RefCell;
use std::collections::HashMap;

/// The most words a thread keeps; when full it starts again empty. With 16 barriers and words
/// of up to [`LONGEST`] bytes, about 3.5 MiB, and 256 KiB for their types.
const CAPACITY: usize = 16_384;

/// The longest word kept (a longer one is scored each time).
const LONGEST: usize = 24;

/// The words a thread has scored with one model, and their sums.
pub(super) struct WordSums {
    /// [`super::Model::id`] of the model the sums are of (which also fixes their number: a
    /// word keeps two per barrier, its unigram's row and then its character n-grams' summed
    /// rows).
    model: u64,
    /// Per word, where its sums start in `sums` (in units of two per barrier). foldhash with a
    /// random seed per map: the keys are words of notes, so a seed known in advance would let
    /// a sender choose words that collide.
    index: HashMap<Box<[u8]>, u32, foldhash::fast::RandomState>,
    sums: Vec<i32>,
    /// Per word, its type.
    types: Vec<super::norms::WordType>,
}

thread_local! {
    static WORD_SUMS: RefCell<WordSums> = RefCell::new(WordSums {
        model: 0,
        index: HashMap::default(),
        sums: Vec::new(),
        types: Vec::new(),
    });
}

/// Runs `work` with this thread's word sums for model `model` (emptied first when they are of
/// another model).
pub(super) fn with<R>(model: u64, work: impl FnOnce(&mut WordSums) -> R) -> R {
    WORD_SUMS.with(|cell| {
        let mut sums = cell.borrow_mut();
        if sums.model != model {
            sums.model = model;
            sums.clear();
        }
        work(&mut sums)
    })
}

impl WordSums {
    /// The sums of `word` (its bytes as the normalised text has them), its unigram's and its
    /// character n-grams', and its type: kept ones, or `compute`'s, then kept. Words with a
    /// digit are not kept (the model reads every digit as `0`, so "14" and "93" would need one
    /// key), nor words longer than [`LONGEST`].
    #[inline(always)]
    pub(super) fn of<const N: usize>(
        &mut self,
        word: &[u8],
        compute: impl FnOnce() -> ([i32; N], [i32; N], super::norms::WordType),
    ) -> ([i32; N], [i32; N], super::norms::WordType) {
        debug_assert_eq!(
            self.sums.len() % (2 * N),
            0,
            "one model, one number of barriers"
        );
        if word.len() > LONGEST || word.iter().any(u8::is_ascii_digit) {
            return compute();
        }
        if let Some(&at) = self.index.get(word) {
            let at = at as usize * 2 * N;
            let kept = |from: usize| {
                self.sums
                    .get(from..from + N)
                    .and_then(|s| <[i32; N]>::try_from(s).ok())
            };
            let word_type = self.types.get(at / (2 * N)).copied();
            if let (Some(unigram), Some(chars), Some(word_type)) =
                (kept(at), kept(at + N), word_type)
            {
                return (unigram, chars, word_type);
            }
        }
        let (unigram, chars, word_type) = compute();
        if self.index.len() >= CAPACITY {
            self.clear();
        }
        let at = (self.sums.len() / (2 * N)) as u32;
        self.index.insert(word.into(), at);
        self.sums.extend_from_slice(&unigram);
        self.sums.extend_from_slice(&chars);
        self.types.push(word_type);
        (unigram, chars, word_type)
    }

    fn clear(&mut self) {
        self.index.clear();
        self.sums.clear();
        self.types.clear();
    }

    /// How many words are kept.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.index.len()
    }
}
