//! Person names: a gazetteer of first names and surnames (see `domain/data/`), combined with
//! context — titles (`mevrouw`, `dhr.`), verbs that introduce a name (`heet`, `genaamd`) and
//! capital letters in the middle of a sentence. Organisations, places and roles are protected
//! (`domain/data/geen-namen.txt`), so "Haag Wonen", "Den Haag" and "de huisarts" stay.

use super::PiiKind;

mod context;
mod lexicon;
mod streets;
mod titles;
mod words;
use context::{listed_with_names, name_before_honorific, name_before_phone, name_called};
use streets::names_a_street;
use titles::{name_after_title, skip_abbreviated_particles, skip_particles, title_gap};
use words::{adjacent, capitalised, gazetteer, lower, sentence_start, with_lower, Word, Words};

use lexicon::{
    is_common_word, is_determiner, is_particle_word, is_person_verb, is_place_surname,
    is_possessed, is_surname_particle, GAZETTEER,
};

/// Whether `word` follows a postcode ("2531 AB", "2531AB"), maybe with a comma between: four
/// digits and two letters that [`super::is_postcode_letters`] takes for a postcode's, so that
/// "sinds 2019 de Vries" is no place.
fn after_postcode(text: &str, word: &Word<'_>) -> bool {
    let before = text[..word.start].trim_end_matches([' ', ',']).as_bytes();
    let n = before.len();
    if n < 6 || !before[n - 2..].iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let spaced = before[n - 3] == b' ';
    let end = if spaced { n - 3 } else { n - 2 };
    let Some(number) = before.get(end.wrapping_sub(4)..end) else {
        return false;
    };
    let letters = std::str::from_utf8(&before[n - 2..]).unwrap_or_default();
    number.iter().all(u8::is_ascii_digit)
        && number[0] != b'0'
        && (end == 4 || !before[end - 5].is_ascii_alphanumeric())
        && super::is_postcode_letters(letters, spaced)
}

fn is_particle(word: &str) -> bool {
    word.len() <= 5 && is_particle_word(&lower(word))
}

/// Whether a one-line label (a `source` code, say) is a person's name: all its words
/// (split on spaces, `-`, `_`, `.`; particles ignored) are names from the gazetteer and at least
/// one is not also a Dutch word, or two names that are not Dutch words stand side by side
/// ("team-fatima-jansen").
pub(crate) fn label_is_person_name(label: &str) -> bool {
    let words: Vec<&str> = label
        .split([' ', '-', '_', '.'])
        .filter(|w| !w.is_empty() && !is_particle(w))
        .collect();
    if words.is_empty() {
        return false;
    }
    let known: Vec<Option<bool>> = words.iter().map(|w| gazetteer(w)).collect();
    let all_names = known.iter().all(Option::is_some);
    let some_unambiguous = known.contains(&Some(false));
    let pair = known
        .windows(2)
        .any(|w| w[0] == Some(false) && w[1] == Some(false));
    (all_names && some_unambiguous) || pair
}

/// Whether word `j` can continue a name: a particle, or a capitalised word that is not protected.
fn continues_name(words: &Words<'_>, j: usize) -> bool {
    !words.protected(j)
        && (words.particle(j) || (capitalised(words.word(j).text) && !words.role(j)))
}

/// Extends a name that starts at `i` over following particles and capitalised words, and
/// returns the index after its last name word (particles at the end do not count).
fn extend(text: &str, words: &Words<'_>, i: usize, limit: usize) -> usize {
    let mut end = i + 1;
    let mut j = i + 1;
    while j < words.len() && j - i <= limit && adjacent(text, &words.word(j - 1), &words.word(j)) {
        // "Jan v.d. Berg", "Fatima v/d Linden": abbreviated particles, then the surname.
        let after = skip_abbreviated_particles(text, words, j);
        if after > j && capitalised(words.word(after).text) && continues_name(words, after) {
            end = after + 1;
            j = after + 1;
            continue;
        }
        if !continues_name(words, j) && !place_surname_after_van(text, words, end, j) {
            break;
        }
        if !words.particle(j) {
            end = j + 1;
        }
        j += 1;
    }
    end
}

/// Whether word `j`, protected as a place, is the surname of a name that ends before `end`,
/// written after "van" and any particles from `end` on: "Jan van Delft", "Fatima van der
/// Laak" (a person from Delft is "uit Delft"). Not when a capitalised word follows it
/// ("Jan van Delft Centrum").
fn place_surname_after_van(text: &str, words: &Words<'_>, end: usize, j: usize) -> bool {
    j > end
        && words.protected(j)
        && words.lower_is(end, "van")
        && (end..j).all(|p| words.particle(p))
        && capitalised(words.word(j).text)
        && with_lower(words.word(j).text, is_place_surname)
        && !(j + 1 < words.len()
            && adjacent(text, &words.word(j), &words.word(j + 1))
            && capitalised(words.word(j + 1).text))
}

/// Finds person names in `text` and appends their spans (with initials) to `spans`.
pub(super) fn find(text: &str, spans: &mut Vec<(usize, usize, PiiKind)>) {
    let all = Words::of(text);
    // The names found, in order; "Fatima el Amrani", "A.B. de Graaf": a name after one with
    // only particles or initials between them (or overlapping it) joins it.
    let mut found_spans: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if all.protected(i) {
            i += 1;
            continue;
        }
        // The place after a postcode ("2531 AB Egmond aan den Hoef"), however many of its
        // words are also surnames.
        if after_postcode(text, &all.word(i)) {
            i += 1;
            while i < all.len() && adjacent(text, &all.word(i - 1), &all.word(i)) {
                i += 1;
            }
            continue;
        }
        // 1. After a title or "heet": the capitalised words (and particles) that follow.
        // 2. A known name, with the first name and particles written before it.
        let found = name_after_title(text, &all, i)
            .or_else(|| {
                known_name(text, &all, i)
                    .map(|(_, end)| (all.word(back_to_first_name(text, &all, i)).start, end))
            })
            .or_else(|| possessive_name(text, &all, i))
            .or_else(|| name_with_age(text, &all, i))
            .or_else(|| name_called(text, &all, i))
            .or_else(|| name_before_phone(text, &all, i))
            .or_else(|| name_before_honorific(text, &all, i));
        match found {
            // "aan de Paul Krugerlaan", "de Jan van Nassaustraat": a street named after a person.
            Some((start, end)) if names_a_street(text, &all, start, end) => i = end,
            Some((start, end)) => {
                let (from, to) = (with_initials(text, start), all.word(end - 1).end);
                match found_spans.last_mut() {
                    Some(last) if from <= last.1 => last.1 = last.1.max(to),
                    Some(last) if text.get(last.1..from).is_some_and(joins_names) => last.1 = to,
                    _ => found_spans.push((from, to)),
                }
                i = end;
            }
            None => i += 1,
        }
    }
    let nicknames = nicknames_after(text, &all, &found_spans);
    found_spans.extend(nicknames);
    let listed = listed_with_names(text, &all, &found_spans);
    found_spans.extend(listed);
    let again = elsewhere(&all, &found_spans);
    spans.extend(
        found_spans
            .into_iter()
            .chain(again)
            .map(|(start, end)| (start, end, PiiKind::Name)),
    );
}

/// The other places where a note writes a name it names once with more evidence: "Buurvrouw
/// Hannie … Hannie heeft een sleutel", "Mevrouw Bakker belde. Bakker zegt …". A word of a
/// name found in `found` (not a particle, an initial or a title) counts wherever the note
/// writes it again, capitalised as there, or in any case when it is not also a Dutch word.
fn elsewhere(all: &Words<'_>, found: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let inside = |w: &Word<'_>| found.iter().any(|&(s, e)| w.start >= s && w.end <= e);
    let is_name_word = |i: usize| {
        let word = all.word(i);
        word.text.chars().count() >= 3
            && !all.particle(i)
            && !all.title(i)
            && !all.protected(i)
            && !all.role(i)
    };
    let names: Vec<usize> = (0..all.len())
        .filter(|&i| inside(&all.word(i)) && is_name_word(i))
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    (0..all.len())
        .filter(|&i| !inside(&all.word(i)) && !all.protected(i))
        .filter(|&i| {
            let word = all.word(i).text;
            names.iter().any(|&n| {
                let name = all.word(n).text;
                word == name
                    || (all.name(n) != Some(true)
                        && word.len() == name.len()
                        && word
                            .chars()
                            .flat_map(char::to_lowercase)
                            .eq(name.chars().flat_map(char::to_lowercase)))
            })
        })
        .map(|i| (all.word(i).start, all.word(i).end))
        .collect()
}

/// Whether `gap` between two names holds only spaces, particles ("el", "van der") and initials
/// ("B.").
fn joins_names(gap: &str) -> bool {
    !gap.is_empty()
        && gap.len() <= 24
        && gap
            .split([' ', '.'])
            .filter(|part| !part.is_empty())
            .all(|part| {
                is_particle(part) || (part.len() == 1 && part.chars().all(char::is_uppercase))
            })
}

/// The first word of a name found at word `i`, moved back to the first name written before it
/// and the particles between ("Kees de Vries", "JAN JANSEN"): a word from the gazetteer in any
/// case, or a capitalised word that does not start a sentence.
fn back_to_first_name(text: &str, all: &Words<'_>, i: usize) -> usize {
    let joined =
        |k: usize| k > 0 && adjacent(text, &all.word(k - 1), &all.word(k)) && !all.protected(k - 1);
    let mut k = i;
    while joined(k) && all.particle(k - 1) {
        k -= 1;
    }
    // "Jan v.d. Berg", "Jan v/d Berg": abbreviated particles (up to three words) before it.
    if k == i {
        if let Some(m) = (i.saturating_sub(3)..i).find(|&m| {
            all.lower_is_any(m, &["v", "vd", "d"]) && skip_abbreviated_particles(text, all, m) == i
        }) {
            k = m;
        }
    }
    if joined(k) && !all.particle(k - 1) && !all.role(k - 1) && !all.title(k - 1) {
        let before = all.word(k - 1);
        let upper = before.text.chars().all(|c| !c.is_lowercase());
        let first_name = (all.name(k - 1).is_some() && (k < i || upper))
            || (capitalised(before.text) && !sentence_start(text, &before) && k < i);
        if first_name {
            return k - 1;
        }
    }
    // Particles alone stay outside: "zoon van [NAAM]", "bij de [NAAM]".
    i
}

/// When word `i` is a name from the gazetteer that reads as a name here: the byte where it
/// starts and the index after its last word.
fn known_name(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    let word = all.word(i);
    let ambiguous = all.name(i)?;
    let lower_case_pair = lower_case_full_name(text, all, i);
    // A first name with an age after it ("Hans (62)", "sem (11)").
    let first_name_with_age = || all.slots[i].first_name && followed_by_age(&text[word.end..]);
    let is_name = if capitalised(word.text) {
        !ambiguous
            || !sentence_start(text, &word)
            || next_is_name(text, all, i)
            || first_name_with_age()
            || person_verb_after(text, all, i)
    } else {
        // Typed in lower case: unambiguous first names of some length, or a name, particles
        // and a name ("jan de vries"), a first name a person's verb follows ("mo is boos") or
        // an age in brackets.
        (!ambiguous && word.text.chars().count() >= 4 && !all.particle(i))
            || lower_case_pair.is_some()
            || (!all.particle(i)
                && !word.text.chars().any(char::is_uppercase)
                && person_verb_after(text, all, i))
            || (!all.particle(i) && !with_lower(word.text, is_common_word) && first_name_with_age())
    };
    if !is_name {
        return None;
    }
    let end = if capitalised(word.text) {
        extend(text, all, i, 4)
    } else {
        lower_case_pair.unwrap_or(i + 1)
    };
    Some((word.start, end))
}

/// For a name from the gazetteer at word `i` followed by particles and another name from the
/// gazetteer, all in lower case and side by side ("fatima el amrani", "mo de vries"): the
/// index after the last name. One of them must not also be a Dutch word, unless the first is
/// a first name, the particles lead a surname and the last is a surname ("jan de vries",
/// "piet van der berg").
fn lower_case_full_name(text: &str, all: &Words<'_>, i: usize) -> Option<usize> {
    let next = i + 1;
    if next >= all.len() || all.particle(i) || !adjacent(text, &all.word(i), &all.word(next)) {
        return None;
    }
    let k = skip_particles(text, all, next);
    // At least one of the two must not also be a Dutch word: "kon in die tijd" and "uit de
    // wijk" hold surnames too.
    let one_unambiguous = all.name(i) == Some(false) || all.name(k) == Some(false);
    let dutch_name = all.slots[i].first_name
        && k < all.len()
        && all.slots[k].surname
        && (next..k).all(|p| with_lower(all.word(p).text, is_surname_particle));
    (k > next
        && k < all.len()
        && all.name(k).is_some()
        && (one_unambiguous || dutch_name)
        && !all.protected(k)
        && !all.particle(k))
    .then_some(k + 1)
}

/// Whether `rest` (the text right after a word) opens with an age in brackets: "Hans (62)
/// ziet het niet meer zitten", "Roos (9, groep 5)". A word that is also a Dutch word reads as
/// a name with it, also at the start of a sentence.
fn followed_by_age(rest: &str) -> bool {
    let Some(inside) = rest.trim_start_matches(' ').strip_prefix('(') else {
        return false;
    };
    let digits = inside.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && inside[digits..].starts_with([')', ',', ' ', 'j'])
}

/// Whether word `i`, a first name from the gazetteer, is followed by a verb of what a person
/// does ("Roos kwam niet", "bram zegt", "mo is boos") and not preceded by an article or
/// pronoun ("het lot is"), nor one of the first names notes use as words ("max is").
fn person_verb_after(text: &str, all: &Words<'_>, i: usize) -> bool {
    let word = all.word(i);
    all.slots[i].first_name
        && word.text.chars().count() >= 2
        && i + 1 < all.len()
        && adjacent(text, &word, &all.word(i + 1))
        && with_lower(all.word(i + 1).text, is_person_verb)
        && !with_lower(word.text, is_common_word)
        && !(i > 0
            && adjacent(text, &all.word(i - 1), &word)
            && with_lower(all.word(i - 1).text, is_determiner))
}

/// A first name with a possessive "s" and no apostrophe before a relation ("Ahmeds moeder",
/// "Kims zoon"): the byte where it starts and the index after it. The name must not also be
/// a Dutch word, and the word itself no known name or protected word.
fn possessive_name(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    let word = all.word(i);
    let stem = word.text.strip_suffix('s')?;
    if all.name(i).is_some()
        || all.protected(i)
        || stem.chars().count() < 3
        || !capitalised(word.text)
        || i + 1 >= all.len()
        || !adjacent(text, &word, &all.word(i + 1))
        || !with_lower(all.word(i + 1).text, is_possessed)
    {
        return None;
    }
    let first_name = with_lower(stem, |lower| {
        GAZETTEER
            .get(lower)
            .is_some_and(|l| l.first_name && l.name == Some(false))
    });
    first_name.then_some((word.start, i + 1))
}

/// A capitalised word no list holds, right after "met" or "kinderen", with an age in
/// brackets after it ("kinderen Selam (12), …", "met Lamar (9)"): the byte where it starts and
/// the index after it. After other words a capitalised word with a number in brackets is as
/// often a place or a benefit ("uit Hillesluis (19)", "een Wajong-gerechtigde (25)").
fn name_with_age(text: &str, all: &Words<'_>, i: usize) -> Option<(usize, usize)> {
    let word = all.word(i);
    let is_name = all.name(i).is_none()
        && capitalised(word.text)
        && word.text.chars().count() >= 2
        && !all.protected(i)
        && !all.role(i)
        && !all.title(i)
        && !all.particle(i)
        && !sentence_start(text, &word)
        && i > 0
        && adjacent(text, &all.word(i - 1), &word)
        && with_lower(all.word(i - 1).text, |w| {
            matches!(w, "met" | "kinderen" | "kleinkinderen" | "kids")
        })
        && followed_by_age(&text[word.end..]);
    is_name.then_some((word.start, i + 1))
}

/// A nickname or other name in brackets right after a name found ("Mw. Jansen (Truus)",
/// "Lakhan (Lucky)"): a capitalised word, or a name from the gazetteer, alone in the brackets
/// or before a comma ("(djoy, 15 jr)" only when the list knows it).
fn nicknames_after(text: &str, all: &Words<'_>, found: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    for &(_, end) in found {
        let Some(rest) = text[end..].strip_prefix(" (") else {
            continue;
        };
        let start = end + 2;
        while i < all.len() && all.word(i).start < start {
            i += 1;
        }
        if i >= all.len() || all.word(i).start != start {
            continue;
        }
        let word = all.word(i);
        let closes = rest[word.text.len()..].starts_with([')', ',']);
        let name_like = capitalised(word.text) || all.name(i).is_some();
        if closes
            && name_like
            && !all.protected(i)
            && !all.role(i)
            && !all.title(i)
            && !all.particle(i)
        {
            out.push((word.start, word.end));
        }
    }
    out
}

/// Whether a capitalised name from the gazetteer stands right after word `i`.
fn next_is_name(text: &str, all: &Words<'_>, i: usize) -> bool {
    i + 1 < all.len()
        && adjacent(text, &all.word(i), &all.word(i + 1))
        && !all.protected(i + 1)
        && capitalised(all.word(i + 1).text)
        && all.name(i + 1).is_some()
}

/// Moves a name's start back over initials written before it ("J. Jansen", "A.M. de Vries").
fn with_initials(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut begin = start;
    loop {
        let before = &text[..begin];
        let trimmed = before.trim_end_matches(' ');
        let b = trimmed.len();
        if b >= 2
            && bytes[b - 1] == b'.'
            && bytes[b - 2].is_ascii_uppercase()
            && (b == 2 || !bytes[b - 3].is_ascii_alphabetic())
        {
            begin = b - 2;
        } else {
            return begin;
        }
    }
}

#[cfg(test)]
mod tests;
