//! Reading a waiting time and the responsible organisation from a normalised note (lower case,
//! no accents, abbreviation periods dropped; see [`knooppunt_domain::text::normalise`]):
//! [`waits`](mod@waits) reads the durations a note states and which of them are waits, [`organisation`]
//! chooses the body responsible for the barrier among those it names. Both are pure.

use regex::Regex;

/// One of the crate's constant patterns ([`patterns!`]), compiled on first use.
pub(crate) fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("valid pattern")
}

/// The sentence around byte `at`: from the previous to the next `.`, `;`, `!`, `?` or newline.
pub(crate) fn sentence_at(text: &str, at: usize) -> &str {
    let (start, end) = sentence_bounds(text, at);
    &text[start..end]
}

/// Where the sentence around byte `at` starts and ends.
fn sentence_bounds(text: &str, at: usize) -> (usize, usize) {
    bounds(text, at, |c| matches!(c, '.' | ';' | '!' | '?' | '\n'))
}

/// Where the stretch around byte `at` between two characters that `stop` starts and ends. A
/// point or comma between two digits ("2.400 euro", "1,5 maand") is part of a number, never a
/// stop.
fn bounds(text: &str, at: usize, stop: impl Fn(char) -> bool + Copy) -> (usize, usize) {
    let stops = |i: usize, c: char| stop(c) && !in_a_number(text.as_bytes(), i, c);
    // A stop may be wider than a byte ('–').
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(i, c)| stops(i, c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .find(|&(i, c)| stops(at + i, c))
        .map_or(text.len(), |(i, _)| at + i);
    (start, end)
}

/// Whether `c` at byte `i` is a point or comma between two digits.
fn in_a_number(bytes: &[u8], i: usize, c: char) -> bool {
    matches!(c, '.' | ',')
        && i.checked_sub(1)
            .and_then(|before| bytes.get(before))
            .is_some_and(u8::is_ascii_digit)
        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
}

/// Where the clause around byte `at` starts and ends: its sentence cut at commas, colons,
/// dashes and brackets.
fn clause_bounds(text: &str, at: usize) -> (usize, usize) {
    let (start, end) = sentence_bounds(text, at);
    let (from, to) = bounds(&text[start..end], at - start, |c| {
        matches!(c, ',' | ':' | '–' | '(' | ')')
    });
    (start + from, start + to)
}

/// The last `n` characters of `text` (all of it when shorter).
fn last_chars(text: &str, n: usize) -> &str {
    let start = text.char_indices().rev().nth(n).map_or(0, |(i, _)| i);
    &text[start..]
}

/// Declares a module's constant patterns, each compiled on first use by [`pattern`]:
/// `patterns! { /// What it finds. NAME = r"…"; }` is `static NAME: LazyLock<Regex>`.
macro_rules! patterns {
    ($($(#[$attr:meta])* $name:ident = $source:literal;)+) => {
        $(
            $(#[$attr])*
            static $name: std::sync::LazyLock<regex::Regex> =
                std::sync::LazyLock::new(|| $crate::extract::pattern($source));
        )+
    };
}

pub mod capitals;
pub mod elliptic;
pub mod misspelt;
pub mod organisation;
pub mod passing;
pub mod stops;
pub mod waits;
pub mod whole_words;

pub use whole_words::{whole_words_pattern, WholeWords};

pub use organisation::{responsible, OrganisationRole, Shows};
pub use passing::Passing;
pub use stops::with_inferred_stops;
pub use waits::{stated_waits, waits, StatedWait};

#[cfg(test)]
mod tests;

/// The region's register in `default_rules.toml` with [`responsible`], on example sentences.
#[cfg(test)]
mod register_tests;
