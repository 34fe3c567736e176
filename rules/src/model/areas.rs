//! The names of the register's areas, masked out of the model's features: a wijk's name is no
//! evidence of a barrier (the signal carries its area in a field of its own), yet its letters
//! weigh: "Morgenstond" shares character n-grams with "morgen" (tomorrow). Every built-in area
//! name and alias reads as one word, [`MASK`], in training and in scoring alike, for a model
//! whose header says so ([`super::Header::masks_areas`]). Pure: no I/O.

use crate::ruleset::normalise;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// What an area's name reads as.
pub const MASK: &str = "wijknaam";

/// Area names that are also plain words ("het centrum voor jeugd en gezin"): kept.
const PLAIN_WORDS: [&str; 2] = ["centrum", "zuidwest"];

/// The built-in register's area names and aliases, normalised, longest first, as whole words.
static AREA_NAMES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let register = knooppunt_domain::register::Register::builtin();
    let mut names: Vec<String> = register
        .area_names()
        .map(normalise)
        .filter(|name| !name.is_empty() && !PLAIN_WORDS.contains(&name.as_str()))
        .collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", alternatives.join("|"))).ok()
});

/// `normalised` with every area name of the built-in register replaced by [`MASK`].
pub fn mask(normalised: &str) -> Cow<'_, str> {
    match AREA_NAMES.as_ref() {
        Some(names) => names.replace_all(normalised, MASK),
        None => Cow::Borrowed(normalised),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_names_read_as_one_word_and_plain_words_stay() {
        let text = normalise(
            "Gezin in Morgenstond, eerder in Moerwijk-Oost; het Centrum voor Jeugd en Gezin \
             en de Schilderswijk.",
        );
        assert_eq!(
            mask(&text),
            "gezin in wijknaam, eerder in wijknaam; het centrum voor jeugd en gezin en de wijknaam."
        );
        // A word that only contains a name stays ("morgenstondje" is no area).
        assert_eq!(mask("morgenstondje en laakse"), "morgenstondje en laakse");
    }
}
