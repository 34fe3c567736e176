//! A fixed list of words found whole in normalised text: the regex
//! `(?-u:\b)(?:w1|w2|…)(?-u:\b)`, its words longest first, built from its syntax tree
//! rather than from the pattern's text. Written out for the region's 1,500 aliases, that
//! text was parsed and translated at every start, and the engines that never run on it
//! (one-pass, backtracking, full DFA) were built too.

use regex_automata::meta::{self, Regex};
use regex_syntax::hir::{Hir, Look};

/// The words of one list, matched whole: at the leftmost place where one of them starts and
/// ends at a word boundary (ASCII letters, digits and `_` are word bytes), the longest such
/// one; then on after it.
#[derive(Debug, Clone)]
pub struct WholeWords {
    regex: Regex,
}

/// One word found: where it starts and ends in the text, and the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Found<'t> {
    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
}

impl WholeWords {
    /// The matcher of `words` (as written in the normalised text; empty ones left out);
    /// `None` when there are none. The rules file's organisation aliases and `[carousel]`
    /// parties are found with it. The error is the regex engine's, as text.
    pub fn new<'w>(words: impl IntoIterator<Item = &'w str>) -> Result<Option<Self>, String> {
        let words = longest_first(words.into_iter().filter(|w| !w.is_empty()));
        if words.is_empty() {
            return Ok(None);
        }
        let hir = Hir::concat(vec![
            Hir::look(Look::WordAscii),
            Hir::alternation(words.iter().map(|w| Hir::literal(w.as_bytes())).collect()),
            Hir::look(Look::WordAscii),
        ]);
        let config = meta::Config::new()
            .onepass(false)
            .backtrack(false)
            .dfa(false)
            .auto_prefilter(words.len() <= 64);
        let regex = Regex::builder()
            .configure(config)
            .build_from_hir(&hir)
            .map_err(|e| e.to_string())?;
        Ok(Some(Self { regex }))
    }

    /// The first word found in `text`, as [`WholeWords::find_iter`] finds it.
    pub fn find<'t>(&self, text: &'t str) -> Option<Found<'t>> {
        self.find_iter(text).next()
    }

    /// Every word found in `text`, in text order, none overlapping the one before.
    pub fn find_iter<'t>(&self, text: &'t str) -> impl Iterator<Item = Found<'t>> + use<'_, 't> {
        self.regex.find_iter(text).map(move |m| Found {
            start: m.start(),
            end: m.end(),
            text,
        })
    }
}

/// The pattern [`WholeWords`] matches, as text, for a rule's `{register}`: the words escaped,
/// longest first, between word boundaries; `None` for no words.
pub fn whole_words_pattern<'w>(words: impl IntoIterator<Item = &'w str>) -> Option<String> {
    let words = longest_first(words);
    if words.is_empty() {
        return None;
    }
    let alternation: Vec<String> = words.into_iter().map(regex::escape).collect();
    Some(format!(r"(?-u:\b)(?:{})(?-u:\b)", alternation.join("|")))
}

/// `words`, longest first: the alternation prefers the one written first, so "gemeente den
/// haag" wins over "gemeente" at one place.
fn longest_first<'w>(words: impl IntoIterator<Item = &'w str>) -> Vec<&'w str> {
    let mut words: Vec<&str> = words.into_iter().collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the regex this replaces finds: `(?-u:\b)(?:…)(?-u:\b)`, longest first.
    fn by_regex<'t>(words: &[&str], text: &'t str) -> Vec<(usize, usize, &'t str)> {
        let pattern = whole_words_pattern(words.iter().copied()).expect("words");
        regex::Regex::new(&pattern)
            .expect("pattern")
            .find_iter(text)
            .map(|m| (m.start(), m.end(), m.as_str()))
            .collect()
    }

    fn by_automaton<'t>(words: &[&str], text: &'t str) -> Vec<(usize, usize, &'t str)> {
        WholeWords::new(words.iter().copied())
            .expect("automaton")
            .expect("words")
            .find_iter(text)
            .map(|m| (m.start(), m.end(), m.as_str()))
            .collect()
    }

    #[test]
    fn it_finds_what_the_regex_finds() {
        let words = [
            "gemeente",
            "gemeente den haag",
            "den haag",
            "ggz",
            "i-psy",
            "psy",
            "uwv",
            "de sociale",
            "sociale dienst",
            "'s-gravenhage",
            "c.a.k",
            "a",
        ];
        let texts = [
            "de gemeente den haag zegt nee, de gemeente den haagse ook",
            "gemeente den hague en gemeenteden haag",
            "via i-psy naar de ggz; psy-q en ggzx niet, _ggz ook niet",
            "de sociale dienst van 's-gravenhage en xs-gravenhage",
            "uwv/uwv,uwv uwv2 2uwv é uwv uwvé",
            "c.a.k. en de c.a.kx, a a-a ab",
            "",
            "gemeente",
        ];
        for text in texts {
            assert_eq!(by_automaton(&words, text), by_regex(&words, text), "{text}");
        }
    }

    #[test]
    fn a_longer_word_that_does_not_end_whole_leaves_the_shorter_one() {
        let found = by_automaton(&["gemeente", "gemeente den haag"], "gemeente den haagse");
        assert_eq!(found, vec![(0, 8, "gemeente")]);
    }

    #[test]
    fn no_words_no_matcher() {
        assert!(WholeWords::new([]).expect("no error").is_none());
        assert!(WholeWords::new([""]).expect("no error").is_none());
    }
}
