//! Organisation names misspelt by one letter ("Staedoin", "Parnasia", "Vestai"): a
//! capitalised word of six letters or more (seven at the start of a sentence, where any word
//! is capitalised) that is one edit — a letter added, dropped, changed, or two neighbours
//! swapped (optimal string alignment distance 1) — from a one-word alias of six letters or
//! more with the same first letter, and from no other organisation's. Only capitalised words:
//! a proper name is written so, a common word ("midden", one edit from "Middin") mostly not.
//!
//! For the same reason a name that is also a common phrase (`capitalised = true` in the rules
//! file: "De Sleutels", "Portaal", "Ons Doel") counts only when the note writes it with a
//! capital: "de sleutels inleveren" and "via het portaal" name no corporation.

use std::collections::HashMap;

/// The shortest alias (and word) that is matched with one edit.
const MIN_LEN: usize = 6;
/// The shortest word at the start of a sentence that is matched with one edit.
const MIN_LEN_SENTENCE_START: usize = 7;

/// The one-word aliases of the register, by first letter, for matching misspelt names.
#[derive(Debug, Clone, Default)]
pub struct Misspellings {
    /// Indexed by first byte (ASCII lower case: the aliases matched so are).
    by_first: Vec<Vec<(String, String)>>,
    exact: std::collections::HashSet<String>,
    /// Names counted only when written with a capital, with their aliases.
    capitalised: HashMap<String, Vec<String>>,
}

impl Misspellings {
    /// From the register's normalised aliases and their canonical names, and the names
    /// counted only when written with a capital.
    pub fn new<'a>(
        aliases: impl IntoIterator<Item = (&'a str, &'a str)>,
        capitalised: &[&str],
    ) -> Self {
        let mut by_first: Vec<Vec<(String, String)>> = vec![Vec::new(); 128];
        let mut exact = std::collections::HashSet::new();
        let mut capitals: HashMap<String, Vec<String>> = HashMap::new();
        for (alias, name) in aliases {
            exact.insert(alias.to_string());
            if capitalised.contains(&name) {
                capitals
                    .entry(name.to_string())
                    .or_default()
                    .push(alias.to_string());
            }
            if alias.len() >= MIN_LEN && alias.bytes().all(|b| b.is_ascii_lowercase()) {
                by_first[usize::from(alias.as_bytes()[0])]
                    .push((alias.to_string(), name.to_string()));
            }
        }
        Self {
            by_first,
            exact,
            capitalised: capitals,
        }
    }

    /// The canonical name `word` (normalised) is a one-edit misspelling of, when exactly one
    /// organisation's alias is that close.
    fn name_of(&self, word: &str) -> Option<&str> {
        let first = *word.as_bytes().first()?;
        let mut found: Option<&str> = None;
        for (alias, name) in self.by_first.get(usize::from(first))? {
            if alias.len().abs_diff(word.len()) <= 1
                && may_be_one_edit(alias, word)
                && one_edit(alias, word)
            {
                match found {
                    Some(other) if other != name => return None,
                    _ => found = Some(name),
                }
            }
        }
        // An exact alias is the matcher's, not a misspelling (looked up only for the few
        // words one edit from an alias).
        found.filter(|_| !self.exact.contains(word))
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
        if !self.capitalised.is_empty() {
            named.retain(|&(_, _, name)| {
                name.and_then(|name| self.capitalised.get(name))
                    .is_none_or(|aliases| aliases.iter().any(|a| written_capitalised(text, a)))
            });
        }
        if self.by_first.iter().all(Vec::is_empty) {
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
            // An ASCII word's normal form is its lower case (what `normalise` makes of it),
            // and only a word starting with an alias's first letter can be one edit from it:
            // the others are passed over without making a string.
            if ascii
                && self
                    .by_first
                    .get(usize::from(word.as_bytes()[0].to_ascii_lowercase()))
                    .is_none_or(Vec::is_empty)
            {
                continue;
            }
            let word = if ascii {
                word.to_ascii_lowercase()
            } else {
                knooppunt_domain::text::normalise(word)
            };
            let Some(name) = self.name_of(&word) else {
                continue;
            };
            for (start, end) in whole_words(normalised, &word) {
                if !named.iter().any(|&(s, e, _)| s < end && start < e) {
                    named.push((start, end, Some(name)));
                    added = true;
                }
            }
        }
        if added {
            named.sort_by_key(|&(start, ..)| start);
        }
        named
    }
}

/// Whether `text` writes `alias` (normalised, ASCII) somewhere as a word with a capital in it
/// ("De Sleutels", "de Sleutels").
fn written_capitalised(text: &str, alias: &str) -> bool {
    text.char_indices().any(|(i, _)| {
        text.get(i..i + alias.len()).is_some_and(|window| {
            window.eq_ignore_ascii_case(alias) && window.chars().any(char::is_uppercase)
        }) && text[..i]
            .chars()
            .next_back()
            .is_none_or(|b| !b.is_alphanumeric())
    })
}

/// Whether `a` and `b` differ by exactly one edit: a letter inserted, deleted or substituted,
/// or two adjacent letters swapped (optimal string alignment distance 1).
fn one_edit(a: &str, b: &str) -> bool {
    strsim::osa_distance(a, b) == 1
}

/// A necessary condition for [`one_edit`], far cheaper than computing the distance: one edit
/// leaves all but at most two characters of the longer string in a common prefix and a common
/// suffix (a substitution all but one, an insertion all of the shorter string, a swap all but
/// two).
fn may_be_one_edit(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // The same on bytes, which are the characters here.
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let shorter = a.len().min(b.len());
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        return prefix + suffix.min(shorter - prefix) + 2 >= a.len().max(b.len());
    }
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    let shorter = a_len.min(b_len);
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix.min(shorter - prefix) + 2 >= a_len.max(b_len)
}

/// The words of `text` that start with a capital, each with whether it opens a sentence.
fn capitalised_words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut sentence_start = true;
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        // An ASCII character without decoding (`is_alphanumeric` is then
        // `is_ascii_alphanumeric`); the end of the text ends the last word like a space.
        let (c, len) = match bytes.get(i) {
            None => (' ', 1),
            Some(&b) if b.is_ascii() => (char::from(b), 1),
            Some(_) => text[i..]
                .chars()
                .next()
                .map_or((' ', 1), |c| (c, c.len_utf8())),
        };
        let alphanumeric = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if alphanumeric {
            start.get_or_insert(i);
            i += len;
            continue;
        }
        if let Some(s) = start.take() {
            let word = &text[s..i];
            if word.chars().next().is_some_and(char::is_uppercase) {
                words.push((word, sentence_start));
            }
            sentence_start = false;
        }
        if matches!(c, '.' | '!' | '?' | ':' | '\n' | '\'' | '"' | '(' | '-') {
            sentence_start = true;
        }
        i += len;
    }
    words.into_iter()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn register() -> Misspellings {
        Misspellings::new(
            [
                ("de sleutels", "De Sleutels"),
                ("staedion", "Staedion"),
                ("steadion", "Staedion"),
                ("middin", "Middin"),
                ("parnassia", "Parnassia"),
                ("vestia", "Vestia"),
                ("cak", "CAK"),
            ],
            &["De Sleutels"],
        )
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
    fn a_common_phrase_names_a_body_only_with_a_capital() {
        let register = register();
        let named = |text: &str| {
            let normalised = knooppunt_domain::text::normalise(text);
            let found: Vec<(usize, usize, Option<&str>)> = normalised
                .match_indices("de sleutels")
                .map(|(start, m)| (start, start + m.len(), Some("De Sleutels")))
                .collect();
            register.add_to(found, text, &normalised).len()
        };
        assert_eq!(named("Hij moet de sleutels inleveren"), 0);
        assert_eq!(
            named("Huurder van De Sleutels moet de sleutels inleveren"),
            2
        );
        assert_eq!(named("woning van de Sleutels"), 1);
    }

    #[test]
    fn the_cheap_check_lets_every_one_edit_pair_through() {
        let alias = "staedion";
        let letters: Vec<char> = "abdeinostzé".chars().collect();
        let chars: Vec<char> = alias.chars().collect();
        let mut words: Vec<String> = Vec::new();
        for i in 0..=chars.len() {
            for &c in &letters {
                let mut w = chars.clone();
                w.insert(i, c);
                words.push(w.into_iter().collect());
                if i < chars.len() {
                    let mut w = chars.clone();
                    w[i] = c;
                    words.push(w.into_iter().collect());
                }
            }
            if i < chars.len() {
                let mut w = chars.clone();
                w.remove(i);
                words.push(w.iter().collect());
                if i + 1 < chars.len() {
                    w = chars.clone();
                    w.swap(i, i + 1);
                    words.push(w.into_iter().collect());
                }
            }
        }
        words.extend(["stedoin", "xtaedioy", "staedionxx", "aetsdion", ""].map(String::from));
        for word in &words {
            if one_edit(alias, word) {
                assert!(may_be_one_edit(alias, word), "{word}");
            }
        }
        assert!(!may_be_one_edit(alias, "xtaedioy"));
        assert!(!may_be_one_edit(alias, "stedoin"));
    }

    #[test]
    fn one_edit_distance() {
        assert!(one_edit("staedion", "staedoin"));
        assert!(one_edit("vestia", "vestiaa"));
        assert!(one_edit("vestia", "vesta"));
        assert!(one_edit("vestia", "vestoa"));
        assert!(!one_edit("vestia", "vestia"));
        assert!(!one_edit("staedion", "stedoin"));
        assert!(!one_edit("abcdef", "badcef"));
    }
}
