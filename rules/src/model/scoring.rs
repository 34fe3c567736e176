//! Scoring a note with a model file's 16-bit weights: per barrier, the weights of the note's
//! features summed as integers, words and characters apart, and scaled to `f32` once.
//!
//! A model file's weight is `q · scale` (`q` an `i16`, one `scale` per barrier), so the sum of
//! a block's weights is exactly `scale · Σq`. Summing the `q`s as integers is exact and free of
//! order, so the barriers are summed side by side in vector lanes without a chain of rounded
//! `f32` additions; the block's sum is then `Σq · scale` rounded once (to within one `f32` unit
//! in the last place of the exact value, see the tests). Summing `q · scale` one `f32` at a time
//! in the features' order, as before, rounded at every step: the scores differ from that in
//! their last digits only.
//!
//! On x86-64 processors with AVX2 and POPCNT (checked at run time; the portable build targets
//! neither) the same code is compiled with them: the rank of a bucket is one instruction
//! instead of a dozen, and a row's sixteen-bit weights are widened and added eight at a time.
//! The integer sums are the same on either path, and so are the scores.
//!
//! A block's rows are found first (the bucket look-ups are independent, so the processor
//! overlaps them) and summed after, in a loop whose sums stay in registers: summed as they were
//! found, the sums went through memory for every row. Per word, its own feature's row and its
//! character n-grams' rows are summed, and each thread keeps the sums of the words it scored
//! ([`word_sums`]): both lie within the word, so a word met again adds its kept sums, exactly
//! what scoring it again would. The bigrams are summed per note. For a model that caps how
//! repetitive a note may weigh, the same pass gathers the blocks' L2 norms ([`super::norms`]):
//! the word block's buckets, and per word its type and q, kept with its sums.

use super::{features, norms, word_sums, Model};

/// Per barrier, a block's summed weights (already scaled).
pub(super) struct BlockSums {
    pub word: Vec<f32>,
    pub char: Vec<f32>,
    /// For a model with [`super::Header::max_repetition`], the word block's and the character
    /// block's squared L2 norms, when the pass that summed the weights gathered them.
    pub squared_norms: Option<(u64, u64)>,
}

/// The most feature occurrences a block may have to be summed in `i32` lanes:
/// `65_535 · 32_768 < 2^31`, so no lane can overflow. A note with more (some 10,000
/// characters) is summed in `i64` lanes.
const MAX_I32_ROWS: usize = 65_535;

/// What the integer sums are taken over: the model's weights `q` and a normalised text whose
/// word ranges are `words`, with the blocks' feature [`features::counts`].
#[derive(Clone, Copy)]
struct Input<'a> {
    model: &'a Model,
    q: &'a [i16],
    normalised: &'a str,
    words: &'a [(usize, usize)],
    counts: (usize, usize),
}

/// The scaled sums of the word and character blocks of a normalised text whose word ranges are
/// `words` (with the blocks' feature [`features::counts`]), for weights `q` (`scales.len()` per
/// row) with a scale per barrier.
pub(super) fn block_sums(
    model: &Model,
    q: &[i16],
    scales: &[f32],
    normalised: &str,
    words: &[(usize, usize)],
    counts: (usize, usize),
) -> BlockSums {
    let input = Input {
        model,
        q,
        normalised,
        words,
        counts,
    };
    macro_rules! fixed {
        ($($n:literal)*) => {
            match scales.len() {
                $($n => fixed::<$n>(input),)*
                _ => integer_sums_any(input, scales.len()),
            }
        };
    }
    let (word, char, squared_norms) = fixed!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    BlockSums {
        word: scaled(&word, scales),
        char: scaled(&char, scales),
        squared_norms,
    }
}

/// `Σq · scale` per barrier, rounded once.
fn scaled(sums: &[i64], scales: &[f32]) -> Vec<f32> {
    // An i64 of at most 2^53 in magnitude is exact as an f64 (a note would need 2^37 features
    // to pass that); the product is rounded to f64 and then to f32.
    sums.iter()
        .zip(scales)
        .map(|(&sum, &scale)| (sum as f64 * f64::from(scale)) as f32)
        .collect()
}

/// The blocks' integer sums per barrier, and their squared norms when gathered.
type Sums = (Vec<i64>, Vec<i64>, Option<(u64, u64)>);

/// [`integer_sums`] for `N` barriers, on the fastest path the processor has.
fn fixed<const N: usize>(input: Input<'_>) -> Sums {
    if input.counts.0.max(input.counts.1) > MAX_I32_ROWS {
        return integer_sums_any(input, N);
    }
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("popcnt") {
        // SAFETY: the processor has AVX2 and POPCNT, checked just above.
        return unsafe { integer_sums_avx2::<N>(input) };
    }
    integer_sums::<N>(input)
}

/// [`integer_sums`] compiled for processors with AVX2 and POPCNT.
///
/// # Safety
/// The processor must have AVX2 and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn integer_sums_avx2<const N: usize>(input: Input<'_>) -> Sums {
    integer_sums::<N>(input)
}

/// Per barrier, the integer sums of the `q`s of the word block's and of the character block's
/// feature occurrences (`N` weights per row), for at most [`MAX_I32_ROWS`] occurrences a block.
/// Per word, its unigram's row and its character n-grams' rows are summed through this thread's
/// [`word_sums`]: a word scored before adds its kept sums. The bigrams are summed after. For a
/// model with a repetition cap, the blocks' squared L2 norms are gathered on the way.
#[inline(always)]
fn integer_sums<const N: usize>(input: Input<'_>) -> Sums {
    let Input {
        model,
        q,
        normalised,
        words,
        ..
    } = input;
    let slot = |hash: u32| model.slot(features::bucket(hash, model.header.buckets));
    let row = |slot: usize| {
        let start = slot * N;
        q.get(start..start + N)
            .and_then(|row| <&[i16; N]>::try_from(row).ok())
    };
    // Rows are found first and summed after (the look-ups are independent, so the processor
    // overlaps them; the sums stay in registers).
    let sum = |rows: &[usize], sums: &mut [i32; N]| {
        for row in rows.iter().filter_map(|&s| row(s)) {
            for (sum, &w) in sums.iter_mut().zip(row) {
                *sum += i32::from(w);
            }
        }
    };
    let bytes = normalised.as_bytes();
    let mut buffers = features::CharBuffers::for_words(words);
    let mut rows = Vec::new();
    let (mut word_block, mut char_block) = ([0i32; N], [0i32; N]);
    // The parts of the squared norms, for a model that caps repetition. A word's type is
    // kept with its sums whatever the model (so the kept words serve a model with a cap and a
    // copy of it without one alike).
    let (capped, buckets) = (model.header.max_repetition.is_some(), model.header.buckets);
    let mut parts = norms::Parts::with_capacity(if capped { words.len() } else { 0 });
    let mut grams: Vec<u32> = Vec::new();
    word_sums::with(model.id, |kept| {
        for &(start, end) in words {
            let word = &bytes[start..end];
            let (unigram, chars, word_type) = kept.of::<N>(word, || {
                let hash = features::word_hash(word);
                let mut unigram = [0i32; N];
                sum(slot(hash).as_slice(), &mut unigram);
                rows.clear();
                grams.clear();
                features::visit_chars(word, &mut buffers, |hash| {
                    rows.extend(slot(hash));
                    grams.push(features::bucket(hash, buckets));
                });
                let mut chars = [0i32; N];
                sum(&rows, &mut chars);
                (unigram, chars, norms::WordType::of_buckets(hash, &grams))
            });
            if capped {
                parts.word(word_type, buckets);
            }
            for (total, part) in word_block.iter_mut().zip(unigram) {
                *total += part;
            }
            for (total, part) in char_block.iter_mut().zip(chars) {
                *total += part;
            }
        }
    });
    rows.clear();
    features::visit_bigrams(normalised, words, |hash| {
        rows.extend(slot(hash));
        if capped {
            parts.bigram(hash, buckets);
        }
    });
    sum(&rows, &mut word_block);
    (
        word_block.map(i64::from).to_vec(),
        char_block.map(i64::from).to_vec(),
        capped.then(|| parts.squared_norms()),
    )
}

/// [`integer_sums`] for any number `n` of barriers (a model with more than sixteen) and any
/// number of features.
fn integer_sums_any(input: Input<'_>, n: usize) -> Sums {
    let Input {
        model,
        q,
        normalised,
        words,
        ..
    } = input;
    let mut blocks = [vec![0i64; n], vec![0i64; n]];
    features::visit(normalised, words, |hash, kind| {
        let Some(slot) = model.slot(features::bucket(hash, model.header.buckets)) else {
            return;
        };
        let Some(row) = q.get(slot * n..(slot + 1) * n) else {
            return;
        };
        let block = &mut blocks[usize::from(matches!(kind, features::Kind::Char(_)))];
        for (sum, &w) in block.iter_mut().zip(row) {
            *sum += i64::from(w);
        }
    });
    let [word, char] = blocks;
    (word, char, None)
}

#[cfg(test)]
mod tests {
    use super::super::{Header, Weights, DEFAULT_MODEL};
    use super::*;
    use crate::ruleset::normalise;

    const TEXTS: [&str; 4] = [
        "moeder durft niet naar het cjg, bang dat ze haar kinderen afpakken",
        "al 14 weken geen reactie van de corporatie op de reparatieverzoeken",
        "mw staat al 9 mnd op de wachtlijst ggz en wordt van loket naar loket gestuurd",
        "",
    ];

    #[test]
    fn the_shipped_models_weights_are_read_in_place_and_score_as_a_copy() {
        let in_place = Model::from_static(DEFAULT_MODEL).unwrap();
        assert!(matches!(
            &in_place.weights,
            Weights::Quantised {
                q: std::borrow::Cow::Borrowed(_),
                ..
            }
        ));
        let copy = Model::from_bytes(DEFAULT_MODEL).unwrap();
        assert!(matches!(
            &copy.weights,
            Weights::Quantised {
                q: std::borrow::Cow::Owned(_),
                ..
            }
        ));
        for text in TEXTS {
            assert_eq!(in_place.decision_values(text), copy.decision_values(text));
        }
    }

    #[test]
    fn a_model_file_puts_its_weights_at_an_even_offset() {
        let mut model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        // The header's length either way: as it is, and one longer.
        for extra in ["", "x"] {
            model.header.version.push_str(extra);
            let bytes = model.to_bytes();
            let raw = crate::model::file::parse(&bytes).unwrap().raw;
            assert_eq!((raw.as_ptr() as usize - bytes.as_ptr() as usize) % 2, 0);
            assert_eq!(Model::from_bytes(&bytes).unwrap().header, model.header);
        }
    }

    fn quantised(model: &Model) -> (&[i16], &[f32]) {
        match &model.weights {
            Weights::Quantised { q, scales } => (q, scales),
            Weights::Dense(_) => panic!("a model file's weights are quantised"),
        }
    }

    /// Per block and barrier, `Σ q·scale` in `f64`: each term is exact (16 by 24 significant
    /// bits) and so is the sum of fewer than 2^13 of them; a longer sum rounds in `f64`,
    /// some 2^29 times below an `f32`'s last place.
    fn exact(model: &Model, text: &str) -> [Vec<f64>; 2] {
        let (q, scales) = quantised(model);
        let n = scales.len();
        let mut blocks = [vec![0f64; n], vec![0f64; n]];
        features::visit(text, &features::words(text), |hash, kind| {
            if let Some(slot) = model.slot(features::bucket(hash, model.header.buckets)) {
                let block = &mut blocks[usize::from(matches!(kind, features::Kind::Char(_)))];
                for (b, sum) in block.iter_mut().enumerate() {
                    *sum += f64::from(q[slot * n + b]) * f64::from(scales[b]);
                }
            }
        });
        blocks
    }

    #[test]
    fn the_integer_sums_are_the_exact_scaled_sums_rounded_once() {
        let model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        let (q, scales) = quantised(&model);
        let mut compared = 0;
        for text in TEXTS {
            let sums = {
                let words = features::words(text);
                block_sums(&model, q, scales, text, &words, features::counts(&words))
            };
            let [word, char] = exact(&model, text);
            for (got, exact) in sums
                .word
                .iter()
                .zip(&word)
                .chain(sums.char.iter().zip(&char))
            {
                // Rounded once from the exact value: within half a unit in its last place
                // (the f64 product's own rounding is 2^-29 of that); asserted as one unit.
                let next = f32::from_bits(got.abs().to_bits() + 1);
                let ulp = f64::from(next - got.abs());
                assert!(
                    (f64::from(*got) - exact).abs() <= ulp,
                    "{text:?}: {got} vs exact {exact}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, TEXTS.len() * 2 * scales.len());
    }

    /// The sums' input for `text` and its word ranges.
    fn input<'a>(
        model: &'a Model,
        q: &'a [i16],
        text: &'a str,
        words: &'a [(usize, usize)],
    ) -> Input<'a> {
        Input {
            model,
            q,
            normalised: text,
            words,
            counts: features::counts(words),
        }
    }

    #[test]
    fn every_path_sums_the_same_integers() {
        let model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        let (q, scales) = quantised(&model);
        assert_eq!(scales.len(), 9, "the shipped model's barriers");
        for text in TEXTS {
            let words = features::words(text);
            let input = input(&model, q, text, &words);
            let portable = integer_sums::<9>(input);
            assert_eq!(fixed::<9>(input), portable, "{text:?}");
            // The portable path for any number of barriers gathers no norms.
            let (word, char, none) = integer_sums_any(input, 9);
            assert_eq!(
                (word, char, none),
                (portable.0.clone(), portable.1.clone(), None)
            );
            if !text.is_empty() {
                assert!(portable.0.iter().chain(&portable.1).any(|&s| s != 0));
            }
        }
    }

    #[test]
    fn kept_word_sums_are_the_sums_scored_again() {
        let model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        let (q, _) = quantised(&model);
        let text =
            "moeder durft niet naar het cjg; moeder is bang dat het cjg de kinderen afpakt, 14 wk";
        let words = features::words(text);
        let input = input(&model, q, text, &words);
        let (word, char, _) = integer_sums_any(input, 9);
        let scored = (
            word,
            char,
            Some(norms::squared_norms(text, &words, model.header.buckets)),
        );
        assert_eq!(integer_sums::<9>(input), scored);
        // Every word without a digit is kept, once ("moeder", "het", "cjg" twice in the note).
        assert_eq!(word_sums::with(model.id, |kept| kept.len()), 13);
        assert_eq!(integer_sums::<9>(input), scored, "from the kept sums");
        // A model read again is another model: its words start afresh.
        let again = Model::from_bytes(DEFAULT_MODEL).unwrap();
        assert_ne!(again.id, model.id);
        assert_eq!(word_sums::with(again.id, |kept| kept.len()), 0);
    }

    /// A model of two barriers on 64 buckets, every bucket carrying the largest weights a
    /// file can hold: `i16::MAX` for the first barrier, `-i16::MAX` for the second.
    fn extreme_model() -> Model {
        let header = Header::for_test(2, 64);
        let rows = (0..64).flat_map(|_| [2.0, -2.0]).collect();
        let dense = Model::new(header, (0..64).collect(), rows).unwrap();
        Model::from_bytes(&dense.to_bytes()).unwrap()
    }

    /// The norms the scoring pass gathers (each word's q kept with its sums) are those of
    /// [`norms::squared_norms`], for words met before or not, with digits and longer than are
    /// kept, and after the kept words were emptied.
    #[test]
    fn the_norms_gathered_while_scoring_are_the_norms() {
        let model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        assert!(
            model.header.max_repetition.is_some(),
            "the shipped model caps"
        );
        let (q, scales) = quantised(&model);
        let long = "arbeidsongeschiktheidsverzekeringswet ".repeat(3);
        for text in TEXTS.into_iter().chain([
            "al 14 weken, al 93 weken, al 14 weken",
            "mooi weer vandaag in het park. mooi weer vandaag in het park.",
            long.as_str(),
        ]) {
            let words = features::words(text);
            for _ in 0..2 {
                let sums = block_sums(&model, q, scales, text, &words, features::counts(&words));
                let direct = norms::squared_norms(text, &words, model.header.buckets);
                assert_eq!(sums.squared_norms, Some(direct), "{text:?}");
            }
        }
    }

    /// A note pasted many times over scores as the note once, past the repetitiveness the model
    /// was trained on: repeating a harmless sentence, or a run of one letter, finds nothing.
    #[test]
    fn a_note_repeated_scores_as_the_note() {
        let model = Model::from_bytes(DEFAULT_MODEL).unwrap();
        let harmless = "Mooi weer vandaag in het park. ";
        let once = model.probabilities(&normalise(harmless));
        for text in [harmless.repeat(25), harmless.repeat(100), "x".repeat(3000)] {
            let repeated = model.probabilities(&normalise(&text));
            for (b, (p, p1)) in repeated.iter().zip(&once).enumerate() {
                assert!(
                    *p < model.header.thresholds[b],
                    "{b}: {p} in {:?}",
                    &text[..40]
                );
                if text.starts_with('M') {
                    assert!((p - p1).abs() < 0.05, "{b}: {p} against {p1} once");
                }
            }
        }
    }

    /// A copy of the shipped model without its cap scores a note below the cap alike and a run
    /// of one letter as models before the cap did; a cap under 1 or not a number is refused.
    #[test]
    fn the_cap_changes_only_what_repeats_itself_and_is_checked() {
        let capped = Model::from_bytes(DEFAULT_MODEL).unwrap();
        let mut plain = capped.clone();
        plain.header.max_repetition = None;
        let note = normalise("Moeder durft niet naar het CJG, bang dat ze de kinderen afpakken.");
        assert_eq!(capped.decision_values(&note), plain.decision_values(&note));
        // The run's blocks weigh less: a block's scale is never raised by the cap and at least
        // one is lowered. (Its decision values need not all move towards the bias: the word
        // and the character block may pull a barrier opposite ways, and only one be capped.)
        let run = "x".repeat(3000);
        let words = features::words(&run);
        let (capped_word, capped_char) = capped.block_scales(&run, &words);
        let (plain_word, plain_char) = plain.block_scales(&run, &words);
        assert!(
            capped_word <= plain_word
                && capped_char <= plain_char
                && (capped_word < plain_word || capped_char < plain_char),
            "capped ({capped_word}, {capped_char}) against ({plain_word}, {plain_char})"
        );
        assert_ne!(capped.decision_values(&run), plain.decision_values(&run));
        // (A cap that is no number is written as JSON's null and refused as unreadable.)
        for cap in [[0.5, 2.0], [2.0, 0.99]] {
            let mut broken = Model::from_bytes(DEFAULT_MODEL).unwrap();
            broken.header.max_repetition = Some(cap);
            let refused = Model::from_bytes(&broken.to_bytes())
                .map(|_| ())
                .unwrap_err();
            assert!(
                refused.0.contains("max_repetition"),
                "{cap:?}: {}",
                refused.0
            );
        }
    }

    #[test]
    fn a_long_note_does_not_overflow_the_lanes() {
        let model = extreme_model();
        let (q, scales) = quantised(&model);
        assert!(q.iter().all(|&w| w.unsigned_abs() == i16::MAX as u16));
        let max = i64::from(i16::MAX);
        // "ab" has three character features (" ab", "ab ", " ab "): 21,845 words have
        // MAX_I32_ROWS of them, summed in i32 lanes right up to the largest sum they hold;
        // with one word or 18,156 words more, a block passes the bound and is summed in i64.
        for (words_in_note, i32_lanes) in [(21_845, true), (21_846, false), (40_000, false)] {
            let text = "ab ".repeat(words_in_note);
            let words = features::words(&text);
            let (word_rows, char_rows) = features::counts(&words);
            assert_eq!(char_rows, 3 * words_in_note);
            assert_eq!(word_rows.max(char_rows) <= MAX_I32_ROWS, i32_lanes);
            let (word, char, _) = fixed::<2>(input(&model, q, &text, &words));
            let (word_rows, char_rows) = (word_rows as i64, char_rows as i64);
            assert_eq!(word, [word_rows * max, -word_rows * max]);
            assert_eq!(char, [char_rows * max, -char_rows * max]);
            if i32_lanes {
                let (word_i32, char_i32, _) = integer_sums::<2>(input(&model, q, &text, &words));
                assert_eq!((word_i32, char_i32), (word.clone(), char.clone()));
            }
            let sums = block_sums(&model, q, scales, &text, &words, features::counts(&words));
            let [exact_word, exact_char] = exact(&model, &text);
            let rounded = |exact: &[f64]| exact.iter().map(|&s| s as f32).collect::<Vec<_>>();
            assert_eq!(sums.word, rounded(&exact_word));
            assert_eq!(sums.char, rounded(&exact_char));
        }
    }
}
