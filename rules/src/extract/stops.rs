//! **Sentence ends a writer left out.** Notes typed on a phone often run their sentences
//! together without a full stop: "aangemeld bij Parnassia maar hoort al 14 weken niets Ze is al
//! twee jaar somber". Waits are read per sentence, so such a note is one long sentence in which
//! a duration of illness competes with the wait. Where a word that opens Dutch sentences
//! ("Ze", "Nu", "Toen", "De", "Mevrouw"…) is written with a capital right after a word that ends
//! in a lower-case letter, a digit or a closing quote or bracket, the writer started a new
//! sentence; the space before it
//! becomes a line break in a copy of the normalised text, of the same length, that waits are
//! read from. A capitalised word followed by another ("De Sleutels", "Ons Doel", "Het Juridisch
//! Loket") is a name, not a sentence start. A line break after such a word ends a sentence too,
//! whatever the next line opens with: each line of a text message is one.

use std::borrow::Cow;

/// Words that open sentences (pronouns, articles, adverbs, conjunctions, prepositions and the
/// usual first word of a note's sentence about a person), lower case; a name that starts with
/// one has a second capitalised word.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "afgelopen", "alleen", "alles", "als", "bij", "binnenkort", "bovendien", "client", "cliente",
    "cliënt", "cliënte", "daar", "daardoor", "daarna", "daarnaast", "daarom", "dan", "dat", "de",
    "deze", "dhr", "die", "dit", "door", "dus", "echter", "een", "eerst", "en", "er", "geen",
    "gelukkig", "gisteren", "haar", "helaas", "het", "hier", "hierdoor", "hij", "hoe", "hoewel",
    "hun", "iedereen", "ik", "in", "inmiddels", "intussen", "je", "jij", "jullie", "klant",
    "later", "maar", "men", "meneer", "met", "mevr", "mevrouw", "mijn", "morgen", "mw", "na",
    "naar", "niemand", "niet", "niets", "nog", "nu", "om", "omdat", "ondertussen", "onze", "ook",
    "op", "over", "pas", "sinds", "sindsdien", "straks", "tegen", "terwijl", "tijdens", "toch",
    "toen", "tot", "u", "uit", "van", "vanaf", "vanavond", "vandaag", "vanmiddag", "vanochtend",
    "vanuit", "verder", "via", "volgende", "volgens", "voor", "vorige", "waar", "waarom",
    "wanneer", "want", "wat", "we", "wel", "wie", "wij", "ze", "zij", "zijn", "zo", "zonder",
];

/// Bytes that close a quote or an aside: a capitalised opener after them starts a sentence too.
const CLOSING: &[u8] = b"'\")";

/// `normalised` (the [`normalise`](knooppunt_domain::text::normalise)d form of `text`) with a
/// line break for each space before a sentence that `text` opens without a stop; borrowed as
/// it is when there is none. Byte offsets are the same in both.
pub fn with_inferred_stops<'n>(text: &str, normalised: &'n str) -> Cow<'n, str> {
    let starts = unmarked_starts(text);
    if starts.is_empty() {
        return Cow::Borrowed(normalised);
    }
    // Normalising keeps the words apart as they are and folds the white space between them
    // into one space, so word n (counting from 0; n ≥ 1 here) of the text follows space n of
    // the normalised text (counting from 1), or space n + 1 after a leading space.
    let leading = usize::from(normalised.starts_with(' '));
    let spaces: Vec<usize> = normalised.match_indices(' ').map(|(i, _)| i).collect();
    let mut stopped = normalised.to_string();
    for word in starts {
        if let Some(&space) = (word + leading).checked_sub(1).and_then(|n| spaces.get(n)) {
            stopped.replace_range(space..=space, "\n");
        }
    }
    Cow::Owned(stopped)
}

/// The indices (counting from 0) of the words of `text` that open a sentence without a stop
/// before them, ascending. Only ASCII capitals are looked at, found eight bytes at a time; a
/// word is a run of characters that are not white space, as normalising sees it (a "word" of
/// invisible characters alone, which normalising drops, would shift the count: no note writes
/// one).
fn unmarked_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::new();
    let mut from = 0;
    while from < bytes.len() {
        let at = knooppunt_domain::text::skip_eights(bytes, from);
        from = at + 1;
        if !bytes.get(at).is_some_and(u8::is_ascii_uppercase) {
            continue;
        }
        if after_open_word(bytes, at) && opens_a_sentence(bytes, at) {
            starts.push(word_index(text, at));
        }
    }
    // A line break after a word that ends open: each line of a text message is a sentence.
    for (i, _) in text.match_indices('\n') {
        let Some(at) = bytes[i..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|n| i + n)
        else {
            break;
        };
        if after_open_word(bytes, at) {
            starts.push(word_index(text, at));
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// Whether ASCII white space comes right before byte `at` of `bytes`, and before that a word
/// that [`ends_open`].
fn after_open_word(bytes: &[u8], at: usize) -> bool {
    match bytes[..at].iter().rposition(|b| !b.is_ascii_whitespace()) {
        Some(last) => last + 1 < at && ends_open(bytes[last]),
        None => false,
    }
}

/// Whether a word ending in `last` ends open: a lower-case letter, a digit, a closing quote or
/// bracket, or any character beyond ASCII ("ë", "’").
fn ends_open(last: u8) -> bool {
    !last.is_ascii()
        || last.is_ascii_lowercase()
        || last.is_ascii_digit()
        || CLOSING.contains(&last)
}

/// The index (counting from 0) of the word of `text` that starts at byte `at`.
fn word_index(text: &str, at: usize) -> usize {
    text.get(..at)
        .map_or(0, |before| before.split_whitespace().count())
}

/// Whether the word at byte `start` of `bytes` (which starts with an ASCII capital) opens a
/// sentence: one of [`OPENERS`], not in capitals throughout, and not the first word of a name
/// of several capitalised words.
fn opens_a_sentence(bytes: &[u8], start: usize) -> bool {
    let end = bytes[start..]
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .map_or(bytes.len(), |n| start + n);
    // The word without the punctuation after it, in lower case (no opener is longer than 12
    // bytes).
    let mut word = &bytes[start..end];
    while let Some((last, rest)) = word.split_last() {
        if last.is_ascii_punctuation() {
            word = rest;
        } else {
            break;
        }
    }
    let mut lower = [0u8; 12];
    if word.len() > lower.len() || word[1..].iter().any(u8::is_ascii_uppercase) {
        return false;
    }
    for (slot, b) in lower.iter_mut().zip(word) {
        *slot = b.to_ascii_lowercase();
    }
    let Ok(word) = std::str::from_utf8(&lower[..word.len()]) else {
        return false;
    };
    let name_follows = bytes[end..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(u8::is_ascii_uppercase);
    !name_follows && OPENERS.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use knooppunt_domain::text::normalise;

    /// Each note marks with `|` the sentence ends it leaves out: read without the marks, its
    /// normalised text gets a line break at each mark, and nowhere else.
    #[test]
    fn a_capitalised_opener_after_a_lower_case_word_starts_a_sentence() {
        let marked = [
            "hoort al 14 weken niets |Ze is al twee jaar somber",
            "intake over 10 wkn |En dan",
            "3 jaar klachten |Via de huisarts",
            "pas over 6 weken |Tegen die tijd",
            "gebeld op dag 3 |Nu nog niks",
            "woont in Delft sinds",
            // A name of several capitalised words, not a sentence.
            "huurt bij De Sleutels sinds",
            "naar Het Juridisch Loket",
            // Already a sentence end, a name, capitals throughout, a quote.
            "niets gehoord. Ze belt",
            "aangemeld bij Parnassia maar",
            "WACHT AL 9 WEKEN ZE BELT",
            "zegt 'Ze doen niks'",
        ];
        for note in marked {
            let text = note.replace('|', "");
            let normalised = normalise(&text);
            let expected = normalise(&note.replace(" |", "|")).replace('|', "\n");
            assert_eq!(with_inferred_stops(&text, &normalised), expected, "{note}");
        }
    }

    /// A line break after a word that ends open ends a sentence, whatever the next line opens
    /// with; after a stop or a colon it adds nothing.
    #[test]
    fn a_line_break_after_an_open_word_starts_a_sentence() {
        let cases = [
            ("zegt dat het al een jaar zo gaat\nde huisarts", 1),
            ("wacht al 9 weken\n\n  intake pas in maart", 1),
            ("belt ‘morgen’\nwe zien wel", 1),
            ("niets gehoord.\nze belt", 0),
            ("wachttijd:\n12 weken", 0),
            ("wacht al 9 weken\nZe belt morgen", 1),
            ("laatste regel\n", 0),
        ];
        for (text, breaks) in cases {
            let normalised = normalise(text);
            let stopped = with_inferred_stops(text, &normalised);
            assert_eq!(stopped.len(), normalised.len(), "{text:?}");
            assert_eq!(
                stopped.matches('\n').count(),
                breaks,
                "{text:?}: {stopped:?}"
            );
        }
    }

    #[test]
    fn the_openers_are_sorted_for_a_binary_search() {
        assert!(OPENERS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn offsets_stay_where_they_were() {
        let text = "Mevr.  wacht   al 9 wk  Ze is ‘boos’ Cliënte belt";
        let normalised = normalise(text);
        let stopped = with_inferred_stops(text, &normalised);
        assert_eq!(stopped.len(), normalised.len());
        assert_eq!(stopped.replace('\n', " "), normalised);
        assert_eq!(stopped.matches('\n').count(), 2, "{stopped:?}");
    }
}
