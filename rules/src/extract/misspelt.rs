//! Organisation names misspelt by one letter ("Staedoin", "Parnasia", "Vestai"): a
//! capitalised word of six letters or more (seven at the start of a sentence, where any word
//! is capitalised) that is one edit — a letter added, dropped, changed, or two neighbours
//! swapped (optimal string alignment distance 1) — from a one-word alias of six letters or
//! more with the same first letter, and from no other organisation's. A word of eight letters
//! or more away from a sentence's start may be two edits from an alias as long ("Staedium").
//! The last word of a longer alias counts too after the alias's exact first words ("GGZ
//! Delfand"), and its first word before the alias's exact last words ("Vielig Thuis",
//! "rijswjik wonen"), when the word is no misspelling of a one-word alias or a last word
//! there. Short words only when capitalised:
//! a proper name is written so, a common word ("midden", one edit from "Middin") mostly not
//! (names that need their capitals even when spelt right: [`super::capitals`]). A lower-case
//! word counts from eight letters on, one edit from an alias ("haagwone", "gemeennte"), or two
//! from twelve ("jeukbescherming"), as hurried typists and speech recognition
//! write names. A note written all in capitals is read as one in lower case: there every word
//! is capitalised.

use std::collections::HashSet;

/// The shortest alias (and word) that is matched with one edit.
const MIN_LEN: usize = 6;
/// The shortest word at the start of a sentence that is matched with one edit.
const MIN_LEN_SENTENCE_START: usize = 7;
/// The shortest word (and alias) matched with two edits, away from a sentence's start.
const MIN_LEN_TWO_EDITS: usize = 8;
/// The most edits a word may be from an alias.
const MAX_EDITS: usize = 2;
/// The shortest lower-case word matched with one edit: a common word is seldom this long and
/// this close to a name.
const MIN_LEN_LOWER: usize = 8;
/// The shortest lower-case word matched with two edits ("jeukbescherming").
const MIN_LEN_LOWER_TWO_EDITS: usize = 12;
/// The longest ASCII word lower-cased on the stack (a longer one is lower-cased into a string).
const STACK_WORD: usize = 32;

/// The one-word aliases of the register, by first letter, for matching misspelt names.
#[derive(Debug, Clone)]
pub struct Misspellings {
    /// One-word aliases and the last word of longer ones (with the words that must precede
    /// it: "ggz " for "ggz delfland"), indexed by their first byte (an ASCII lower-case
    /// letter) and sorted by length, with their canonical names.
    by_first: Box<[Vec<Entry>; 256]>,
    /// The first words of aliases of two words or more, with the words that must follow them
    /// (" thuis" after "veilig" for "veilig thuis"), indexed and sorted as `by_first`: tried
    /// for a word only when it is close to nothing there.
    heads: Box<[Vec<Entry>; 256]>,
    /// The longest word in `by_first` and `heads`: an ASCII word more than [`MAX_EDITS`]
    /// longer is close to none (0: no alias is matched with an edit at all).
    longest: usize,
    /// Per first byte, the lengths of the one-word aliases in `by_first` as bits (those under
    /// 64 letters): most pairs of words join into no alias's length and are passed over
    /// without a search ([`Misspellings::joined_name`]).
    one_word_lengths: Box<[u64; 256]>,
    exact: HashSet<String>,
}

impl Default for Misspellings {
    fn default() -> Self {
        Self::new([])
    }
}

/// An alias (or an alias's last or first word) matched with an edit.
#[derive(Debug, Clone)]
struct Entry {
    word: String,
    /// [`letters`] of `word`.
    letters: u64,
    /// The normalised words before `word` in the alias, which the note must write exactly.
    prefix: String,
    /// The normalised words after `word` in the alias, which the note must write exactly.
    suffix: String,
    name: String,
}

impl Entry {
    /// The entry for `word` of an alias of `name`, when the word is long enough and ASCII
    /// lower case.
    fn of(word: &str, prefix: String, suffix: String, name: &str) -> Option<Self> {
        (word.len() >= MIN_LEN && word.bytes().all(|b| b.is_ascii_lowercase())).then(|| Entry {
            word: word.to_string(),
            letters: letters(word.as_bytes()),
            prefix,
            suffix,
            name: name.to_string(),
        })
    }
}

impl Misspellings {
    /// From the register's normalised aliases and their canonical names.
    pub fn new<'a>(aliases: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut by_first: Box<[Vec<Entry>; 256]> = Box::new(std::array::from_fn(|_| Vec::new()));
        let mut heads: Box<[Vec<Entry>; 256]> = Box::new(std::array::from_fn(|_| Vec::new()));
        let mut exact = HashSet::new();
        for (alias, name) in aliases {
            exact.insert(alias.to_string());
            // "ggz delfland": its last word, after the exact "ggz ".
            let last = match alias.rsplit_once(' ') {
                Some((prefix, word)) => Entry::of(word, format!("{prefix} "), String::new(), name),
                None => Entry::of(alias, String::new(), String::new(), name),
            };
            // "veilig thuis": its first word, before the exact " thuis".
            let first = alias.split_once(' ').and_then(|(word, suffix)| {
                Entry::of(word, String::new(), format!(" {suffix}"), name)
            });
            for (table, entry) in [(&mut by_first, last), (&mut heads, first)] {
                if let Some(entry) = entry {
                    table[usize::from(entry.word.as_bytes()[0])].push(entry);
                }
            }
        }
        let mut longest = 0;
        for entries in by_first.iter_mut().chain(heads.iter_mut()) {
            entries.sort_by_key(|e| e.word.len());
            longest = entries
                .iter()
                .map(|e| e.word.len())
                .fold(longest, usize::max);
        }
        let one_word_lengths = Box::new(std::array::from_fn(|first| {
            by_first[first]
                .iter()
                .filter(|e| e.prefix.is_empty() && e.suffix.is_empty())
                .fold(0u64, |bits, e| {
                    bits | 1u64.checked_shl(e.word.len() as u32).unwrap_or(0)
                })
        }));
        Self {
            by_first,
            heads,
            longest,
            one_word_lengths,
            exact,
        }
    }

    /// Whether an ASCII word of `len` bytes starting with `first` (lower case) can be close to
    /// an alias or one of its first words: one starts with that letter, and the word is at most
    /// [`MAX_EDITS`] longer than the longest.
    fn may_name(&self, first: u8, len: usize) -> bool {
        let first = usize::from(first);
        len <= self.longest + MAX_EDITS
            && !(self.by_first[first].is_empty() && self.heads[first].is_empty())
    }

    /// The canonical name of the one-word alias that `first` and `second`, two words written
    /// one space apart, make joined ("woon bron", "parnas sia", "ge meente"), when each has
    /// two letters or more. Only the joined form written exactly counts: a split name that is
    /// also misspelt is too far from the name to be read as one. (An initialism spelt letter
    /// by letter, "u w v", is one of the register's derived aliases.)
    fn joined_name(&self, first: &str, second: &str) -> Option<&str> {
        let len = first.len() + second.len();
        let lead = usize::from(*first.as_bytes().first()?);
        let lengths = self.one_word_lengths[lead];
        if first.len() < 2 || second.len() < 2 || len >= 64 || lengths & (1 << len) == 0 {
            return None;
        }
        // One-word aliases are the entries written with no words before or after them.
        let entries = &self.by_first[lead];
        let from = entries.partition_point(|e| e.word.len() < len);
        entries[from..]
            .iter()
            .take_while(|e| e.word.len() == len)
            .find(|e| {
                e.prefix.is_empty()
                    && e.suffix.is_empty()
                    && e.word.strip_prefix(first) == Some(second)
            })
            .map(|e| e.name.as_str())
    }

    /// Adds to `named` the names `word` (normalised) is a misspelling of, found where `at`
    /// gives (the word's places in `normalised`): as a one-word alias or a last word, else as
    /// a first word ([`Misspellings::close_in`]). Whether any was added.
    fn add_word<'a, I: Iterator<Item = (usize, usize)>>(
        &'a self,
        named: &mut Vec<(usize, usize, Option<&'a str>)>,
        normalised: &str,
        word: &str,
        max: usize,
        at: impl Fn() -> I,
    ) -> bool {
        [&self.by_first, &self.heads].into_iter().any(|table| {
            let mut added = false;
            for entry in self.close_in(table, word, max) {
                for (start, end) in at() {
                    added |= add_one(named, normalised, entry, start, end);
                }
            }
            added
        })
    }

    /// The alias entries `word` (normalised) is a misspelling of, when all are one
    /// organisation's: at most `max` edits away (two only from an alias of
    /// [`MIN_LEN_TWO_EDITS`] or more). Empty when there are none.
    fn close_in<'s, 'w>(
        &'s self,
        table: &'s [Vec<Entry>; 256],
        word: &'w str,
        max: usize,
    ) -> impl Iterator<Item = &'s Entry> + use<'s, 'w> {
        let entries: &[Entry] = word
            .as_bytes()
            .first()
            .map_or(&[], |&first| &table[usize::from(first)]);
        // Only those whose length is within `max` of the word's (they are sorted by length).
        let shortest = word.len().saturating_sub(max);
        let entries = &entries[entries.partition_point(|e| e.word.len() < shortest)..];
        let entries = &entries[..entries.partition_point(|e| e.word.len() <= word.len() + max)];
        // The letters of an ASCII word (the aliases' are ASCII); none for another.
        let word_letters = word.is_ascii().then(|| letters(word.as_bytes()));
        let close = move |e: &&Entry| {
            // The letters first: the distance is computed only for the few that may be close.
            // (An alias written exactly is no misspelling: distance 0.)
            if word_letters.is_some_and(|w| !letters_may_be_close(e.letters, w, max))
                || e.word == word
                || !may_be_close(&e.word, word, max)
            {
                return false;
            }
            let distance = osa_distance(&e.word, word);
            distance >= 1 && distance <= max && (distance == 1 || e.word.len() >= MIN_LEN_TWO_EDITS)
        };
        // Most words are close to no alias: the exact aliases are looked up only when one is,
        // and the close ones found again (the distance computed twice) only then.
        let mut found = entries.iter().filter(close);
        let one_name = match found.next() {
            Some(first) => found.all(|e| e.name == first.name) && !self.exact.contains(word),
            None => false,
        };
        entries.iter().filter(close).take_while(move |_| one_name)
    }

    /// `named` (where, end and canonical name of each alias found in `normalised`) with the
    /// misspelt names of `text` (the note as written, whose capitals show a proper name) and
    /// the names it writes split in two added, in text order. A note written all in
    /// capitals, where every word has one, is read as one in lower case: its capitalised
    /// words are passed over.
    pub fn add_to<'a>(
        &'a self,
        mut named: Vec<(usize, usize, Option<&'a str>)>,
        text: &str,
        normalised: &str,
    ) -> Vec<(usize, usize, Option<&'a str>)> {
        if self.longest == 0 {
            return named;
        }
        let capitalised = text.chars().any(char::is_lowercase)
            && self.add_capitalised(&mut named, text, normalised);
        let lower_case = self.add_lower_case(&mut named, normalised);
        if capitalised || lower_case {
            named.sort_by_key(|&(start, ..)| start);
        }
        named
    }

    /// Adds the misspelt names written with a capital ("Staedium", "Parnasia") to `named`;
    /// whether any was added.
    fn add_capitalised<'a>(
        &'a self,
        named: &mut Vec<(usize, usize, Option<&'a str>)>,
        text: &str,
        normalised: &str,
    ) -> bool {
        let mut added = false;
        let mut stack = [0u8; STACK_WORD];
        for (word, sentence_start) in capitalised_words(text) {
            let min = if sentence_start {
                MIN_LEN_SENTENCE_START
            } else {
                MIN_LEN
            };
            let ascii = word.is_ascii();
            if ascii {
                // An ASCII word's normal form is its lower case (what `normalise` makes of
                // it), and only a word starting with an alias's first letter and of about an
                // alias's length can be close to one: the others are passed over without
                // making a string.
                if word.len() < min
                    || !self.may_name(word.as_bytes()[0].to_ascii_lowercase(), word.len())
                {
                    continue;
                }
            } else if word.chars().count() < min {
                continue;
            }
            let owned;
            let word: &str = match stack.get_mut(..word.len()) {
                Some(lower) if ascii => {
                    lower.copy_from_slice(word.as_bytes());
                    lower.make_ascii_lowercase();
                    // ASCII stays ASCII.
                    std::str::from_utf8(lower).unwrap_or_default()
                }
                _ => {
                    owned = if ascii {
                        word.to_ascii_lowercase()
                    } else {
                        knooppunt_domain::text::normalise(word)
                    };
                    &owned
                }
            };
            // Two edits only for a long word not opening a sentence ("Staedium").
            let max = if !sentence_start && word.len() >= MIN_LEN_TWO_EDITS {
                2
            } else {
                1
            };
            added |= self.add_word(named, normalised, word, max, || {
                whole_words(normalised, word)
            });
        }
        added
    }

    /// Adds the misspelt names written in lower case, as hurried typists and speech
    /// recognition write them ("haagwone", "jeukbescherming"), to `named`: only long words,
    /// with fewer edits, and none inside a name already found; and, in the same pass over the
    /// words, the names they split in two ("woon bron", [`Misspellings::joined_name`]).
    /// Whether any was added.
    fn add_lower_case<'a>(
        &'a self,
        named: &mut Vec<(usize, usize, Option<&'a str>)>,
        normalised: &str,
    ) -> bool {
        let bytes = normalised.as_bytes();
        let mut added = false;
        // The word before, for a name split in two, and where the last such name ends (a word
        // in it starts no other).
        let mut before: Option<(usize, usize)> = None;
        let mut split_end = 0;
        for (start, word) in words_at(normalised) {
            let end = start + word.len();
            if let Some((first, first_end)) = before.replace((start, end)) {
                let split = (first_end + 1 == start
                    && bytes.get(first_end) == Some(&b' ')
                    && first >= split_end)
                    .then(|| self.joined_name(&normalised[first..first_end], word))
                    .flatten();
                if let Some(name) = split {
                    if !named.iter().any(|&(s, e, _)| s < end && first < e) {
                        named.push((first, end, Some(name)));
                        added = true;
                        split_end = end;
                        continue;
                    }
                }
            }
            if word.len() < MIN_LEN_LOWER
                || !self.may_name(word.as_bytes()[0], word.len())
                || !word.bytes().all(|b| b.is_ascii_lowercase())
                // Part of a name already found (most often the name itself).
                || named.iter().any(|&(s, e, _)| s < end && start < e)
            {
                continue;
            }
            let max = if word.len() >= MIN_LEN_LOWER_TWO_EDITS {
                2
            } else {
                1
            };
            added |= self.add_word(named, normalised, word, max, || [(start, end)].into_iter());
        }
        added
    }
}

/// Adds the misspelt `entry` found at `start..end` of `normalised` to `named`, unless another
/// name already covers part of it; whether it did.
fn add_one<'a>(
    named: &mut Vec<(usize, usize, Option<&'a str>)>,
    normalised: &str,
    entry: &'a Entry,
    start: usize,
    end: usize,
) -> bool {
    // "GGZ Delfand": the whole name, from its exact first words.
    let Some(start) = start.checked_sub(entry.prefix.len()) else {
        return false;
    };
    // (`get`: the alias's first words may be wider than what stands before the word.)
    let Some(written) = normalised.get(start..end) else {
        return false;
    };
    if !(written.starts_with(&entry.prefix) && written.len() > entry.prefix.len()) {
        return false;
    }
    // "Vielig Thuis": the whole name, to its exact last words.
    let after = normalised.get(end..).unwrap_or_default();
    let Some(rest) = after.strip_prefix(entry.suffix.as_str()) else {
        return false;
    };
    if !entry.suffix.is_empty() && rest.chars().next().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let end = end + entry.suffix.len();
    // The first words alone may name a generic body ("ggz"): the full name replaces them.
    named.retain(|&(s, e, _)| !(start <= s && e <= end));
    if named.iter().any(|&(s, e, _)| s < end && start < e) {
        return false;
    }
    named.push((start, end, Some(entry.name.as_str())));
    true
}

/// The words of `normalised` (runs between ASCII bytes that are no letter or digit, none
/// empty), each with its byte offset: a word with a capital, an accent or a digit is one
/// word.
fn words_at(normalised: &str) -> impl Iterator<Item = (usize, &str)> {
    // Each separator is one byte: a word starts one byte after the previous one's end (and,
    // the separators being ASCII, on a character boundary).
    let mut at = 0;
    normalised
        .as_bytes()
        .split(|b| b.is_ascii() && !b.is_ascii_alphanumeric())
        .filter_map(move |word| {
            let start = at;
            at += word.len() + 1;
            normalised
                .get(start..start + word.len())
                .filter(|word| !word.is_empty())
                .map(|word| (start, word))
        })
}

/// The characters that open a sentence for the next word (as a word after them may be
/// capitalised for that alone).
fn opens_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | '\n' | '\'' | '"' | '(' | '-')
}

/// The words of `text` that start with a capital, each with whether it opens a sentence.
///
/// A word is a run of alphanumeric characters; it opens a sentence when no word stands before
/// it or an [`opens_sentence`] character stands between it and the word before. The text is
/// searched for capitals (and non-ASCII bytes, which may start one) eight bytes at a time, and
/// only there looked at around.
fn capitalised_words(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || loop {
        at = knooppunt_domain::text::skip_eights(bytes, at);
        let b = *bytes.get(at)?;
        let start = at;
        let c = if b.is_ascii() {
            at += 1;
            if !b.is_ascii_uppercase() {
                continue;
            }
            char::from(b)
        } else {
            let c = text.get(at..).and_then(|rest| rest.chars().next())?;
            at += c.len_utf8();
            if !(c.is_uppercase() && c.is_alphanumeric()) {
                continue;
            }
            c
        };
        // Inside a word: not its start.
        let mut before = text[..start].chars().rev();
        if before.clone().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        debug_assert!(c.is_alphanumeric());
        // Back over what separates it from the word before.
        let sentence_start = before
            .find(|&c| c.is_alphanumeric() || opens_sentence(c))
            .is_none_or(opens_sentence);
        // Its end: the first character that is not alphanumeric.
        while let Some(&b) = bytes.get(at) {
            if b.is_ascii() {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                at += 1;
            } else {
                match text.get(at..).and_then(|rest| rest.chars().next()) {
                    Some(c) if c.is_alphanumeric() => at += c.len_utf8(),
                    _ => break,
                }
            }
        }
        return Some((&text[start..at], sentence_start));
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

/// The set of bytes of an ASCII word, each byte as bit `byte % 64` of the set.
fn letters(word: &[u8]) -> u64 {
    word.iter().fold(0, |set, &b| set | 1 << (b % 64))
}

/// A necessary condition for two ASCII words with the byte sets `a` and `b` ([`letters`]) to be
/// at most `max` edits apart: an edit (a byte added, dropped, changed, or two swapped) takes at
/// most one byte out of a word's set and puts at most one in, so each set has at most `max`
/// bytes the other lacks. Folding bytes onto 64 bits only makes sets less different, so the
/// condition stays necessary.
fn letters_may_be_close(a: u64, b: u64, max: usize) -> bool {
    (a & !b).count_ones() as usize <= max && (b & !a).count_ones() as usize <= max
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
    // The letters' counts (ASCII: 128 of them), summed over the letters that occur only.
    let mut counts = [0i16; 128];
    for &x in a {
        counts[usize::from(x)] += 1;
    }
    for &y in b {
        counts[usize::from(y)] -= 1;
    }
    let mut differ = 0;
    for &x in a.iter().chain(b) {
        differ += usize::from(counts[usize::from(x)].unsigned_abs());
        counts[usize::from(x)] = 0;
    }
    differ <= 2 * max
}

/// The optimal string alignment distance of `a` and `b` (what `strsim::osa_distance` computes),
/// on the stack for ASCII words of up to [`STACK_WORD`] bytes.
fn osa_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || a.len().max(b.len()) >= STACK_WORD {
        return strsim::osa_distance(
            std::str::from_utf8(a).unwrap_or_default(),
            std::str::from_utf8(b).unwrap_or_default(),
        );
    }
    // Three rows, swapped by reference (the arrays stay where they are). No distance exceeds
    // the longer word's length, below `STACK_WORD` (so a byte holds it).
    let (mut rows_two_back, mut rows_previous, mut rows_current) =
        ([0u8; STACK_WORD], [0u8; STACK_WORD], [0u8; STACK_WORD]);
    let (mut two_back, mut previous, mut current) =
        (&mut rows_two_back, &mut rows_previous, &mut rows_current);
    for (j, slot) in previous.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j as u8;
    }
    for (i, &x) in a.iter().enumerate() {
        current[0] = (i + 1) as u8;
        for (j, &y) in b.iter().enumerate() {
            let cost = u8::from(x != y);
            let mut d = (current[j] + 1)
                .min(previous[j + 1] + 1)
                .min(previous[j] + cost);
            if i > 0 && j > 0 && x != y && x == b[j - 1] && y == a[i - 1] {
                d = d.min(two_back[j - 1] + 1);
            }
            current[j + 1] = d;
        }
        std::mem::swap(&mut two_back, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    usize::from(previous[b.len()])
}

#[cfg(test)]
mod tests;
