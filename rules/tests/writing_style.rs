//! How a note is written must not decide what is recognised in it: the project's own notes,
//! each read as written and again written otherwise (accents left out, a line break after
//! every sentence, all in capitals, without full stops, with letters swapped), give the same
//! barriers, waits and organisations, or nearly. A metamorphic check: it needs no labels, only
//! the notes themselves (one in four, chosen by text, so that the debug build runs it in
//! seconds).

use knooppunt_rules::learning::notes::read_dirs;
use knooppunt_rules::ruleset::{Analysis, RuleSet};
use std::path::PathBuf;
use unicode_normalization::UnicodeNormalization;

/// What the check compares: barriers, wait and organisation.
fn reading(analysis: &Analysis<'_>) -> Reading {
    (
        analysis.barriers.iter().map(|b| b.to_string()).collect(),
        analysis.wait_days,
        analysis.organisation.map(str::to_string),
    )
}

fn without_accents(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

fn a_line_per_sentence(text: &str) -> String {
    text.replace(". ", ".\n")
        .replace("! ", "!\n")
        .replace("? ", "?\n")
}

/// Sentences run together as on a phone: no full stop, question or exclamation mark between
/// them, nor at the end.
fn without_full_stops(text: &str) -> String {
    text.replace(". ", " ")
        .replace("! ", " ")
        .replace("? ", " ")
        .trim_end_matches(['.', '!', '?'])
        .to_string()
}

/// Every sixth word of five letters or more (ASCII) with the two letters in its middle
/// swapped ("weken" → "wekne"... "maanden" → "maadnen"): the commonest slip in typing.
fn with_swapped_letters(text: &str) -> String {
    let mut long = 0;
    text.split(' ')
        .map(|word| {
            let letters = word.len() >= 5 && word.bytes().all(|b| b.is_ascii_alphabetic());
            if !letters {
                return word.to_string();
            }
            long += 1;
            if long % 6 != 0 {
                return word.to_string();
            }
            let mut bytes = word.as_bytes().to_vec();
            let middle = bytes.len() / 2;
            bytes.swap(middle - 1, middle);
            String::from_utf8(bytes).unwrap_or_else(|_| word.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

type Reading = (Vec<String>, Option<u32>, Option<String>);

/// One note in four, chosen by its text (FNV-1a), not its place: notes added to the training
/// directory join the sample without changing which of the others are in it.
fn in_sample(text: &str) -> bool {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    hash % 4 == 0
}

/// How many of `notes` read differently, rewritten, from their `written` readings: barriers,
/// waits, organisations.
fn differences(
    rules: &RuleSet,
    notes: &[String],
    written: &[Reading],
    rewrite: impl Fn(&str) -> String,
) -> (usize, usize, usize) {
    let (mut barriers, mut waits, mut organisations) = (0, 0, 0);
    for (text, (b, w, o)) in notes.iter().zip(written) {
        let (b2, w2, o2) = reading(&rules.analyse(&rewrite(text)));
        barriers += usize::from(*b != b2);
        waits += usize::from(*w != w2);
        organisations += usize::from(*o != o2);
    }
    (barriers, waits, organisations)
}

/// Checks that of `notes` notes, `rewritten` at most the shares `limits` differ in barriers,
/// waits and organisations, and says how many did.
fn assert_few_differ(
    rewritten: &str,
    (barriers, waits, organisations): (usize, usize, usize),
    notes: usize,
    limits: [f64; 3],
) {
    eprintln!(
        "{notes} notes {rewritten}: {barriers} barriers, {waits} waits, {organisations} organisations differ"
    );
    let differing = [barriers, waits, organisations];
    for ((what, n), limit) in ["barriers", "waits", "organisations"]
        .into_iter()
        .zip(differing)
        .zip(limits)
    {
        assert!(
            n as f64 / notes as f64 <= limit,
            "{rewritten}: {n} {what} differ"
        );
    }
}

#[test]
fn the_way_a_note_is_written_does_not_change_what_is_recognised() {
    let rules = RuleSet::default_rules().expect("default rules with their model");
    let known: Vec<&str> = rules.barriers().iter().map(|b| b.id.as_str()).collect();
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/training"));
    let notes: Vec<String> = read_dirs(&[dir], &known)
        .expect("the training notes")
        .into_iter()
        .map(|note| note.text)
        .filter(|text| in_sample(text))
        .collect();
    assert!(notes.len() > 5000, "only {} notes", notes.len());
    let written: Vec<Reading> = notes.iter().map(|t| reading(&rules.analyse(t))).collect();

    // Accents and line breaks: exactly the same, note for note.
    assert_eq!(
        differences(&rules, &notes, &written, without_accents),
        (0, 0, 0)
    );
    assert_eq!(
        differences(&rules, &notes, &written, a_line_per_sentence),
        (0, 0, 0)
    );

    // All in capitals: the barriers and waits as written; organisations nearly so, since a
    // name that is also a common phrase ("De Sleutels") counts in capitals. On all 24,936
    // training notes (2026-12-06): 0 barriers, 1 wait, 159 organisations differ; in this
    // sample of 6,397: 0, 0, 35.
    assert_few_differ(
        "in capitals",
        differences(&rules, &notes, &written, |t| t.to_uppercase()),
        notes.len(),
        [0.002, 0.002, 0.009],
    );

    // Without full stops: the waits nearly as written, since a capitalised word that opens
    // sentences marks where one ends ([`knooppunt_rules::extract::stops`]). On all 24,936
    // notes: 11 barriers, 93 waits, 59 organisations differ; in the sample: 0, 20, 15.
    assert_few_differ(
        "without full stops",
        differences(&rules, &notes, &written, without_full_stops),
        notes.len(),
        [0.002, 0.007, 0.005],
    );

    // Letters swapped: a unit or number word with two neighbouring letters swapped still
    // reads as one ([`knooppunt_rules::extract::waits`]); the model reads the words, so a
    // barrier told in few of them can go. On all 24,936 notes 238 barriers (0.95 %), 129 waits
    // (0.52 %) and 346 organisations (1.39 %) differ; in the sample 66, 35 and 75. (Until
    // 2026-12-06 the sample was every eighth note by place, and the limits 1 % and 0.5 % fitted
    // it by luck: the notes of writers lk–lv, added in the middle of the directory, shifted the
    // sample and it read 1.15 % and 0.42 %, while the rules read these notes as before.)
    assert_few_differ(
        "with swapped letters",
        differences(&rules, &notes, &written, with_swapped_letters),
        notes.len(),
        [0.013, 0.008, 0.015],
    );
}
