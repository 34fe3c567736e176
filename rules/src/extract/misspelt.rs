//! Organisation names misspelt by one letter ("Staedoin", "Parnasia", "Vestai"): a
//! capitalised word of six letters or more (seven at the start of a sentence, where any word
//! is capitalised) that is one edit — a letter added, dropped, changed, or two neighbours
//! swapped (optimal string alignment distance 1) — from a one-word alias of six letters or
//! more with the same first letter, and from no other organisation's. A word of eight letters
//! or more away from a sentence's start may be two edits from an alias as long ("Staedium").
//! The last word of a longer alias counts too after the alias's exact first words ("GGZ
//! Delfand"). Only capitalised words:
//! a proper name is written so, a common word ("midden", one edit from "Middin") mostly not
//! (names that need their capitals even when spelt right: [`super::capitals`]).

use std::collections::HashMap;

/// The shortest alias (and word) that is matched with one edit.
const MIN_LEN: usize = 6;
/// The shortest word at the start of a sentence that is matched with one edit.
const MIN_LEN_SENTENCE_START: usize = 7;
/// The shortest word (and alias) matched with two edits, away from a sentence's start.
const MIN_LEN_TWO_EDITS: usize = 8;

/// The one-word aliases of the register, by first letter, for matching misspelt names.
#[derive(Debug, Clone, Default)]
pub struct Misspellings {
    /// One-word aliases and the last word of longer ones (with the words that must precede
    /// it: "ggz " for "ggz delfland"), by first letter, with their canonical names.
    by_first: HashMap<u8, Vec<Entry>>,
    exact: std::collections::HashSet<String>,
}

/// An alias (or an alias's last word) matched with an edit.
#[derive(Debug, Clone)]
struct Entry {
    word: String,
    /// The normalised words before `word` in the alias, which the note must write exactly.
    prefix: String,
    name: String,
}

impl Misspellings {
    /// From the register's normalised aliases and their canonical names.
    pub fn new<'a>(aliases: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut by_first: HashMap<u8, Vec<Entry>> = HashMap::new();
        let mut exact = std::collections::HashSet::new();
        for (alias, name) in aliases {
            exact.insert(alias.to_string());
            // "ggz delfland": its last word, after the exact "ggz ".
            let (prefix, word) = alias
                .rsplit_once(' ')
                .map_or(("", alias), |(prefix, word)| (prefix, word));
            if word.len() >= MIN_LEN && word.bytes().all(|b| b.is_ascii_lowercase()) {
                by_first.entry(word.as_bytes()[0]).or_default().push(Entry {
                    word: word.to_string(),
                    prefix: if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("{prefix} ")
                    },
                    name: name.to_string(),
                });
            }
        }
        Self { by_first, exact }
    }

    /// The alias entries `word` (normalised) is a misspelling of, when all are one
    /// organisation's: one edit away, or two for a long word not opening a sentence
    /// ("Staedium" for "Staedion").
    fn entries_of(&self, word: &str, sentence_start: bool) -> Vec<&Entry> {
        if self.exact.contains(word) {
            return Vec::new();
        }
        let Some(first) = word.as_bytes().first() else {
            return Vec::new();
        };
        let Some(entries) = self.by_first.get(first) else {
            return Vec::new();
        };
        let max = if !sentence_start && word.len() >= MIN_LEN_TWO_EDITS {
            2
        } else {
            1
        };
        let close: Vec<&Entry> = entries
            .iter()
            .filter(|e| {
                // The length first: the distance is computed only for the few that may be close.
                if e.word.len().abs_diff(word.len()) > max || !may_be_close(&e.word, word, max) {
                    return false;
                }
                let distance = strsim::osa_distance(&e.word, word);
                distance >= 1
                    && distance <= max
                    && (distance == 1 || e.word.len() >= MIN_LEN_TWO_EDITS)
            })
            .collect();
        if close.iter().any(|e| e.name != close[0].name) {
            return Vec::new();
        }
        close
    }

    /// `named` (where, end and canonical name of each alias found in `normalised`) with the
    /// misspelt names of `text` (the note as written, whose capitals show a proper name)
    /// added, in text order.
    pub fn add_to<'a>(
        &'a self,
        mut named: Vec<(usize, usize, Option<&'a str>)>,
        text: &str,
        normalised: &str,
    ) -> Vec<(usize, usize, Option<&'a str>)> {
        if self.by_first.is_empty() {
            return named;
        }
        let mut added = false;
        for (word, sentence_start) in capitalised_words(text) {
            let min = if sentence_start {
                MIN_LEN_SENTENCE_START
            } else {
                MIN_LEN
            };
            let ascii = word.is_ascii();
            if (if ascii {
                word.len()
            } else {
                word.chars().count()
            }) < min
            {
                continue;
            }
            // An ASCII word's normal form is its lower case (what `normalise` makes of it), and
            // only a word starting with an alias's first letter can be close to one: the others
            // are passed over without making a string.
            if ascii
                && !self
                    .by_first
                    .contains_key(&word.as_bytes()[0].to_ascii_lowercase())
            {
                continue;
            }
            let word = if ascii {
                word.to_ascii_lowercase()
            } else {
                knooppunt_domain::text::normalise(word)
            };
            for entry in self.entries_of(&word, sentence_start) {
                for (start, end) in whole_words(normalised, &word) {
                    // "GGZ Delfand": the whole name, from its exact first words.
                    let Some(start) = start.checked_sub(entry.prefix.len()) else {
                        continue;
                    };
                    if !normalised[..end].ends_with(&format!("{}{word}", entry.prefix)) {
                        continue;
                    }
                    // The first words alone may name a generic body ("ggz"): the full name
                    // replaces them.
                    named.retain(|&(s, e, _)| !(start <= s && e <= end));
                    if !named.iter().any(|&(s, e, _)| s < end && start < e) {
                        named.push((start, end, Some(entry.name.as_str())));
                        added = true;
                    }
                }
            }
        }
        if added {
            named.sort_by_key(|&(start, ..)| start);
        }
        named
    }
}

/// The words of `text` that start with a capital, each with whether it opens a sentence.
fn capitalised_words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut sentence_start = true;
    let mut start: Option<usize> = None;
    let mut chars = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                continue;
            }
            let mut found = None;
            if let Some(s) = start.take() {
                let word = &text[s..i];
                if word.chars().next().is_some_and(char::is_uppercase) {
                    found = Some((word, sentence_start));
                }
                sentence_start = false;
            }
            if matches!(c, '.' | '!' | '?' | ':' | '\n' | '\'' | '"' | '(' | '-') {
                sentence_start = true;
            }
            if found.is_some() {
                return found;
            }
        }
        None
    })
}

/// Where `word` occurs in `normalised` as a whole word.
fn whole_words<'t>(
    normalised: &'t str,
    word: &'t str,
) -> impl Iterator<Item = (usize, usize)> + 't {
    normalised
        .match_indices(word)
        .filter_map(move |(start, _)| {
            let end = start + word.len();
            let before = normalised[..start].chars().next_back();
            let after = normalised[end..].chars().next();
            let boundary = |c: Option<char>| !c.is_some_and(char::is_alphanumeric);
            (boundary(before) && boundary(after)).then_some((start, end))
        })
}

/// A necessary condition for `a` and `b` to be at most `max` edits apart (optimal string
/// alignment), far cheaper than the distance: one edit leaves at most two characters once the
/// common start and end are taken off; each edit changes the count of at most two letters by
/// one, so the counts of ASCII words may differ by at most `2 × max` in all. True for words it
/// cannot judge so cheaply.
fn may_be_close(a: &str, b: &str, max: usize) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() {
        return true;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if max == 1 {
        return a.len().max(b.len()) <= 2;
    }
    let mut counts = [0i32; 128];
    for &x in a {
        counts[usize::from(x)] += 1;
    }
    for &y in b {
        counts[usize::from(y)] -= 1;
    }
    counts
        .iter()
        .map(|c| c.unsigned_abs() as usize)
        .sum::<usize>()
        <= 2 * max
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_word_one_or_two_edits_away_may_be_close() {
        let alias = "staedion";
        let letters: Vec<char> = "abcdeiklmnostuz".chars().collect();
        // Every word one edit from `w`: a letter dropped, added, changed, or neighbours swapped.
        let edits = |w: &str| -> Vec<String> {
            let w: Vec<char> = w.chars().collect();
            let mut out = Vec::new();
            for i in 0..=w.len() {
                for &c in &letters {
                    let mut v = w.clone();
                    v.insert(i, c);
                    out.push(v.into_iter().collect());
                }
                if i < w.len() {
                    let mut v = w.clone();
                    v.remove(i);
                    out.push(v.iter().collect());
                    for &c in &letters {
                        let mut v = w.clone();
                        v[i] = c;
                        out.push(v.into_iter().collect());
                    }
                }
                if i + 1 < w.len() {
                    let mut v = w.clone();
                    v.swap(i, i + 1);
                    out.push(v.into_iter().collect());
                }
            }
            out
        };
        for one in edits(alias) {
            assert!(super::may_be_close(alias, &one, 1), "{one}");
            for two in edits(&one) {
                if strsim::osa_distance(alias, &two) <= 2 {
                    assert!(super::may_be_close(alias, &two, 2), "{two}");
                }
            }
        }
        assert!(!super::may_be_close(alias, "stadhuis", 1));
        assert!(!super::may_be_close(alias, "stadhuis", 2));
    }

    use super::*;

    fn register() -> Misspellings {
        Misspellings::new([
            ("de sleutels", "De Sleutels"),
            ("staedion", "Staedion"),
            ("steadion", "Staedion"),
            ("middin", "Middin"),
            ("parnassia", "Parnassia"),
            ("vestia", "Vestia"),
            ("cak", "CAK"),
        ])
    }

    fn found(text: &str) -> Vec<String> {
        let register = register();
        let normalised = knooppunt_domain::text::normalise(text);
        register
            .add_to(Vec::new(), text, &normalised)
            .into_iter()
            .filter_map(|(start, end, name)| Some(format!("{}={}", &normalised[start..end], name?)))
            .collect()
    }

    #[test]
    fn capitalised_words_and_whether_they_open_a_sentence() {
        let words: Vec<(&str, bool)> =
            capitalised_words("Bij Staedion gemeld. Vestia: niks (Parnassia) en GGZ-Delfland")
                .collect();
        assert_eq!(
            words,
            [
                ("Bij", true),
                ("Staedion", false),
                ("Vestia", true),
                ("Parnassia", true),
                ("GGZ", false),
                ("Delfland", true),
            ]
        );
        assert_eq!(capitalised_words("").count(), 0);
        assert_eq!(capitalised_words("alles klein").count(), 0);
    }

    #[test]
    fn one_letter_swapped_added_dropped_or_changed() {
        assert_eq!(
            found("Ze melden bij Staedoin maar niemand komt"),
            ["staedoin=Staedion"]
        );
        assert_eq!(
            found("aangemeld bij Parnasia in maart"),
            ["parnasia=Parnassia"]
        );
        assert_eq!(found("huurder van Vesttia belt"), ["vesttia=Vestia"]);
        assert_eq!(found("huurder van Vestai belt"), ["vestai=Vestia"]);
    }

    #[test]
    fn common_words_short_names_and_exact_names_are_not_misspellings() {
        // Lower case: a common word, not a name.
        assert!(found("ze woont midden in de wijk").is_empty());
        // At the start of a sentence any word has a capital: six letters are too few there.
        assert!(found("Midden in de nacht belde ze.").is_empty());
        // Names shorter than six letters are never matched with an edit.
        assert!(found("schuld bij het CAX").is_empty());
        // Two edits away.
        assert!(found("bij Stedoin gemeld").is_empty());
        // The exact alias is the matcher's, not this one's.
        assert!(found("bij Staedion gemeld").is_empty());
    }

    #[test]
    fn the_rule_set_reads_a_misspelt_name() {
        let rules = crate::ruleset::RuleSet::default_rules().expect("default rules");
        assert_eq!(
            rules
                .analyse("Lekkage gemeld bij Vestai, al 6 weken geen reactie.")
                .organisation,
            Some("Vestia")
        );
        assert_eq!(
            rules
                .analyse("Midden in de nacht lekt het dak.")
                .organisation,
            None
        );
    }

    #[test]
    fn long_names_two_letters_off_and_the_last_word_of_a_longer_name() {
        let register = Misspellings::new([
            ("staedion", "Staedion"),
            ("ggz delfland", "GGZ Delfland"),
            ("ggz", "GGZ"),
        ]);
        let found = |text: &str| -> Vec<String> {
            let normalised = knooppunt_domain::text::normalise(text);
            let named: Vec<(usize, usize, Option<&str>)> = normalised
                .match_indices("ggz")
                .map(|(start, m)| (start, start + m.len(), Some("GGZ")))
                .collect();
            register
                .add_to(named, text, &normalised)
                .into_iter()
                .filter_map(|(s, e, name)| Some(format!("{}={}", &normalised[s..e], name?)))
                .collect()
        };
        assert_eq!(found("gemeld bij Staedium, niks"), ["staedium=Staedion"]);
        // Two edits only for a word of eight letters or more, not opening a sentence.
        assert!(found("Staedium heeft niks gedaan").is_empty());
        assert!(found("gemeld bij Stadiom").is_empty());
        assert_eq!(
            found("aangemeld bij GGZ Delflnd"),
            ["ggz delflnd=GGZ Delfland"]
        );
        // The last word alone, without the alias's first words, is no name.
        assert!(found("waterschap Delflnd").is_empty());
    }
}
