//! Streets named after a person ("aan de Paul Krugerlaan", "op de Jan van Nassaustraat"):
//! the name finder leaves them, since a street's name identifies nobody.

use super::words::{adjacent, with_lower, Words};

/// Street types that end the name of a street named after a person ("Paul Krugerlaan", "Jan
/// van Nassaustraat"); types that also end common surnames ("-dijk", "-hof", "-weg") are not here.
const STREET_AFTER_NAME: [&str; 10] = [
    "straat",
    "laan",
    "plein",
    "gracht",
    "singel",
    "steeg",
    "dreef",
    "plantsoen",
    "boulevard",
    "kade",
];

/// Whether the name found from byte `start` to before word `end` is the first part of a
/// street's name: after "aan de", "op de", "naar de" and the like, one of its words after the
/// first, or the word right after it, ends in a street type ([`STREET_AFTER_NAME`], at least
/// four letters before it: not "Verlaan") and is no name on the lists, and no house number
/// follows it (an address is scrubbed whole, "Albert Cuypstraat 201"). ("Fatima Kerkstraat 12"
/// is a name and an address.)
pub(super) fn names_a_street(text: &str, all: &Words<'_>, start: usize, end: usize) -> bool {
    let first = all.slots.partition_point(|slot| slot.word.start < start);
    let after_preposition = first > 0
        && first < all.len()
        && adjacent(text, &all.word(first - 1), &all.word(first))
        && all.lower_is_any(
            first - 1,
            &["de", "het", "aan", "op", "in", "naar", "bij", "langs"],
        );
    // The word after the name, past the particles that may follow it ("Jan van Nassaustraat").
    let joined = |k: usize| k < all.len() && adjacent(text, &all.word(k - 1), &all.word(k));
    let mut next = end;
    while joined(next) && all.particle(next) {
        next += 1;
    }
    let next = joined(next).then_some(next);
    after_preposition
        && (first + 1..end).chain(next).any(|k| {
            let word = all.word(k);
            let numbered = text[word.end..]
                .trim_start_matches([' ', ','])
                .starts_with(|c: char| c.is_ascii_digit());
            all.name(k).is_none()
                && !numbered
                && with_lower(word.text, |w| {
                    STREET_AFTER_NAME
                        .iter()
                        .any(|t| w.len() >= t.len() + 4 && w.ends_with(t))
                })
        })
}
