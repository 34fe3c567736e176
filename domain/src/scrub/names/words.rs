//! The word model of the name finder: a note's words (runs of letters with inner apostrophes
//! and hyphens), each lower-cased once and looked up once in the gazetteer, with what the
//! finder asks of them (a title? protected? a particle?). Pure: no I/O.

use super::lexicon::{is_particle_word, is_role, known, Lexeme, GAZETTEER};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy)]
pub(super) struct Word<'a> {
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Words: runs of letters, with inner apostrophes and hyphens ("'t", "Jansen-de").
pub(super) fn words_of(text: &str) -> impl Iterator<Item = Word<'_>> {
    let bytes = text.as_bytes();
    // The character at a byte position and its length, an ASCII byte without decoding.
    let char_at = move |i: usize| -> Option<(char, usize)> {
        match *bytes.get(i)? {
            b if b.is_ascii() => Some((char::from(b), 1)),
            _ => text[i..].chars().next().map(|c| (c, c.len_utf8())),
        }
    };
    // For an ASCII character `is_alphabetic` is `is_ascii_alphabetic`.
    let alphabetic = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphabetic()
        } else {
            c.is_alphabetic()
        }
    };
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = loop {
            let b = *bytes.get(at)?;
            // ASCII letters (most of a note) without decoding, and ASCII that cannot start a
            // word passed over.
            if b.is_ascii_alphabetic() {
                break at;
            }
            if b.is_ascii() && b != b'\'' {
                at += 1;
                continue;
            }
            let (c, len) = char_at(at)?;
            if alphabetic(c) || (c == '\'' && text[at + 1..].starts_with('t')) {
                break at;
            }
            at += len;
        };
        let mut end = start;
        loop {
            while bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
                at += 1;
                end = at;
            }
            let Some((c, len)) = char_at(at) else {
                break;
            };
            let inner = (c == '-' || c == '\'' || c == '’')
                && text[at + len..].starts_with(char::is_alphabetic);
            if alphabetic(c) || inner || (at == start && c == '\'') {
                end = at + len;
                at += len;
            } else {
                break;
            }
        }
        Some(Word {
            text: &text[start..end],
            start,
            end,
        })
    })
}

/// Whether a digit stands right before or right after `word` in `text`.
fn glued_to_digits(text: &str, word: &Word<'_>) -> bool {
    let bytes = text.as_bytes();
    word.start
        .checked_sub(1)
        .and_then(|before| bytes.get(before))
        .is_some_and(u8::is_ascii_digit)
        || bytes.get(word.end).is_some_and(u8::is_ascii_digit)
}

pub(super) fn capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if first.is_uppercase() => {
            // "GGZ", "UWV": acronyms are organisations, not names.
            !chars
                .clone()
                .all(|c| c.is_uppercase() || !c.is_alphabetic())
                || word.chars().count() == 1
        }
        _ => false,
    }
}

/// Lower case, without allocating for words that already are.
pub(super) fn lower(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// Some(ambiguous) when the word (or a part of a hyphenated word) is a known name.
/// A possessive ending ("Fatima's") is ignored.
pub(super) fn gazetteer(word: &str) -> Option<bool> {
    gazetteer_lowered(&lower(word))
}

/// [`gazetteer`] of a word already in lower case.
pub(super) fn gazetteer_lowered(lowered: &str) -> Option<bool> {
    let form = possessive_stem(lowered);
    name_or_parts(known(form), form)
}

/// A lower-case word without its possessive ending ("fatima's" → "fatima").
pub(super) fn possessive_stem(lowered: &str) -> &str {
    lowered
        .strip_suffix("'s")
        .or_else(|| lowered.strip_suffix("’s"))
        .unwrap_or(lowered)
}

/// A word's own entry (`whole`), or else, for a hyphenated word, whether its known parts are
/// all ambiguous. A compound with a protected word ("Wmo-lijn", "UWV-lijn") is no name.
pub(super) fn name_or_parts(whole: Option<bool>, form: &str) -> Option<bool> {
    if whole.is_some() {
        return whole;
    }
    if form.bytes().any(|b| b == b'-') {
        let mut any = false;
        let mut all_ambiguous = true;
        for part in form.split('-') {
            if super::lexicon::protected_word(part) {
                return None;
            }
            if let Some(ambiguous) = known(part) {
                any = true;
                all_ambiguous &= ambiguous;
            }
        }
        if any {
            return Some(all_ambiguous);
        }
    }
    None
}

/// Whether only spaces separate two words (no punctuation, no line break).
pub(super) fn adjacent(text: &str, left: &Word<'_>, right: &Word<'_>) -> bool {
    let gap = &text[left.end..right.start];
    !gap.is_empty() && gap.len() <= 3 && gap.chars().all(|c| c == ' ' || c == '\t')
}

/// Whether a word starts a sentence (or the text, a line, a quote, a list item, a line quoted
/// from a message after "> ").
pub(super) fn sentence_start(text: &str, word: &Word<'_>) -> bool {
    let before = text[..word.start].trim_end_matches([' ', '\t', '"', '\'', '(', '“', '‘']);
    // An item of a list opens a sentence too: "Week 14: (1) Jonge moeder …", "2) Gezin …".
    let before = match before.strip_suffix(')') {
        Some(marker) => {
            let item = marker.trim_end_matches(|c: char| c.is_ascii_alphanumeric());
            let len = marker.len() - item.len();
            if (1..=2).contains(&len) {
                item.trim_end_matches(['(', ' '])
            } else {
                before
            }
        }
        None => before,
    };
    // "N. Bakker": the full stop of an initial ends no sentence.
    let initial = before.strip_suffix('.').is_some_and(|b| {
        let mut letters = b.chars().rev();
        letters.next().is_some_and(char::is_uppercase)
            && letters.next().is_none_or(|c| c == ' ' || c == '.')
    });
    before.is_empty()
        || (before.ends_with(['.', '!', '?', ':', ';', '\n', '-', '•', '*', '>'])
            && !initial
            && !before
                .strip_suffix('.')
                .is_some_and(ends_with_abbreviated_particle))
}

/// Whether `before` ends, as a word of its own, with an abbreviated particle ("Jan v", "v.d")
/// or "t.a.v" (*ter attentie van*), which a name follows: its full stop ends no sentence ("Jan
/// v. Dijk", "v.d. Berg", "t.a.v. Bakker").
#[inline(never)]
fn ends_with_abbreviated_particle(before: &str) -> bool {
    ["v", "vd", "v.d", "v/d", "t.a.v", "T.a.v"]
        .iter()
        .any(|particle| {
            before
                .strip_suffix(particle)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with([' ', '\n']))
        })
}

/// The longest ASCII word lower-cased on the stack (a longer one, or one outside ASCII, is
/// lower-cased into a string of its own).
pub(super) const STACK_WORD: usize = 48;

/// `read` of `word` in lower case: an ASCII word of up to [`STACK_WORD`] bytes lower-cased on
/// the stack, any other into a string.
pub(super) fn with_lower<R>(word: &str, read: impl FnOnce(&str) -> R) -> R {
    let mut stack = [0u8; STACK_WORD];
    match stack.get_mut(..word.len()) {
        Some(buffer) if word.is_ascii() => {
            buffer.copy_from_slice(word.as_bytes());
            buffer.make_ascii_lowercase();
            // ASCII stays ASCII.
            read(std::str::from_utf8(buffer).unwrap_or_default())
        }
        _ if word.is_ascii() => read(&word.to_ascii_lowercase()),
        _ => read(&lower(word)),
    }
}

/// One word of a text with what the scrubber knows of it.
pub(super) struct Slot<'a> {
    pub(super) word: Word<'a>,
    /// [`gazetteer_lowered`] of its lower-case form.
    pub(super) name: Option<bool>,
    /// The protected phrases that start with it.
    pub(super) phrases: &'static [Vec<String>],
    /// Whether it is a title ([`Lexeme::title`]), in lower case.
    pub(super) title: bool,
    /// Whether it is a title written after a name ([`Lexeme::title_after_name`]), in lower
    /// case.
    pub(super) title_after_name: bool,
    /// Whether it belongs to a protected phrase (an organisation, place or role).
    pub(super) protected: bool,
    /// Whether it is on the list of first names, and on the list of surnames.
    pub(super) first_name: bool,
    pub(super) surname: bool,
}

/// The words of a text, each lower-cased once (on the stack) and looked up once, in one
/// vector: one allocation for a whole text. What is asked of a word's lower case later
/// (a particle? a role?) is asked of it lower-cased again, on the stack.
pub(super) struct Words<'a> {
    pub(super) slots: Vec<Slot<'a>>,
}

impl<'a> Words<'a> {
    pub(super) fn of(text: &'a str) -> Self {
        let mut slots: Vec<Slot<'a>> = Vec::with_capacity(text.len() / 4 + 1);
        for word in words_of(text) {
            let slot = with_lower(word.text, |lower| {
                let lexeme = GAZETTEER.get(lower);
                // `gazetteer_lowered`, with the word's own entry already looked up.
                let stem = possessive_stem(lower);
                let name = if stem.len() == lower.len() {
                    name_or_parts(lexeme.and_then(|l| l.name), lower)
                } else {
                    name_or_parts(known(stem), stem)
                };
                Slot {
                    word,
                    name,
                    phrases: lexeme.map_or(&[][..], |l| GAZETTEER.phrases(l)),
                    // "5935 DR", "1588 DS": two capitals are a postcode's letters or an
                    // acronym, not "dr." or "ds.".
                    title: lexeme.is_some_and(Lexeme::title)
                        && !(word.text.len() == 2
                            && word.text.bytes().all(|b| b.is_ascii_uppercase())),
                    title_after_name: lexeme.is_some_and(Lexeme::title_after_name),
                    // Letters glued to digits are a code ("de A1-spelers", "klas 3C"), never
                    // a name.
                    protected: glued_to_digits(text, &word),
                    first_name: lexeme.is_some_and(|l| l.first_name),
                    surname: lexeme.is_some_and(|l| l.surname),
                }
            });
            slots.push(slot);
        }
        let mut words = Self { slots };
        // The words of protected phrases, each phrase from its first word on.
        let mut i = 0;
        while i < words.len() {
            let n = protected_len(&words, i);
            for slot in words.slots.iter_mut().skip(i).take(n) {
                slot.protected = true;
            }
            i += n.max(1);
        }
        words
    }

    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Word `i`.
    pub(super) fn word(&self, i: usize) -> Word<'a> {
        self.slots[i].word
    }

    /// Whether word `i` is a particle ("van", "El", …).
    pub(super) fn particle(&self, i: usize) -> bool {
        let text = self.slots[i].word.text;
        text.len() <= 5 && with_lower(text, is_particle_word)
    }

    /// Whether word `i` is a role ([`is_role`]).
    pub(super) fn role(&self, i: usize) -> bool {
        with_lower(self.slots[i].word.text, is_role)
    }

    /// Whether word `i` is a title ([`Lexeme::title`]).
    pub(super) fn title(&self, i: usize) -> bool {
        self.slots[i].title
    }

    pub(super) fn protected(&self, i: usize) -> bool {
        self.slots[i].protected
    }

    pub(super) fn name(&self, i: usize) -> Option<bool> {
        self.slots[i].name
    }

    /// Whether word `i` is `lowered` (in lower case) with a possessive ending ("Wonen's").
    pub(super) fn possessive_of(&self, i: usize, lowered: &str) -> bool {
        let text = self.slots[i].word.text;
        [text.strip_suffix("'s"), text.strip_suffix("’s")]
            .into_iter()
            .flatten()
            .any(|stem| lower(stem) == lowered)
    }

    /// Whether word `i` in lower case is one of `words` (ASCII, in lower case); the lengths
    /// are compared first, so most words cost no comparison.
    pub(super) fn lower_is_any(&self, i: usize, words: &[&str]) -> bool {
        let len = self.slots[i].word.text.len();
        words.iter().any(|w| len == w.len() && self.lower_is(i, w))
    }

    /// Whether word `i` in lower case is `lowered` (itself in lower case).
    pub(super) fn lower_is(&self, i: usize, lowered: &str) -> bool {
        let text = self.slots[i].word.text;
        if text.is_ascii() {
            // `lowered` holds no ASCII capital: the same as comparing the ASCII lower case.
            text.eq_ignore_ascii_case(lowered)
        } else {
            lower(text) == lowered
        }
    }
}

/// Number of words of a protected phrase that starts at `i`, if one does. (Word `i` is the
/// phrases' first word already: it was looked up by it.)
pub(super) fn protected_len(words: &Words<'_>, i: usize) -> usize {
    words.slots[i]
        .phrases
        .iter()
        .find(|phrase| {
            phrase.len() <= words.len() - i
                && phrase.iter().enumerate().skip(1).all(|(k, p)| {
                    words.lower_is(i + k, p)
                        // Its last word may carry a possessive ("Haag Wonen's incasso").
                        || (k + 1 == phrase.len() && words.possessive_of(i + k, p))
                })
        })
        .map_or(0, Vec::len)
}
