//! Text cleaning before any matching: what a rule or the model sees must not depend on how a
//! note was typed or pasted. Unicode NFC (a decomposed "e" + combining acute is "é"), and the
//! invisible characters that can split a word without showing — zero-width spaces and joiners,
//! the word joiner, the byte-order mark, soft hyphens and bidirectional controls — removed.
//! Pure; ASCII text (the common case) is returned as it is without copying.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Whether `c` is an invisible format character that is removed before matching.
fn invisible(c: char) -> bool {
    matches!(
        c,
        // soft hyphen
        '\u{00AD}'
        // zero-width space, non-joiner, joiner; bidi marks LRM, RLM
        | '\u{200B}'..='\u{200F}'
        // bidi embeddings and overrides LRE, RLE, PDF, LRO, RLO
        | '\u{202A}'..='\u{202E}'
        // word joiner, invisible operators
        | '\u{2060}'..='\u{2064}'
        // bidi isolates LRI, RLI, FSI, PDI
        | '\u{2066}'..='\u{2069}'
        // Arabic letter mark, Mongolian vowel separator
        | '\u{061C}' | '\u{180E}'
        // zero-width no-break space (byte-order mark)
        | '\u{FEFF}'
    )
}

/// The text in NFC without invisible format characters.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let has_invisible = text.chars().any(invisible);
    let nfc = is_nfc_quick(text.chars()) == IsNormalized::Yes;
    if !has_invisible && nfc {
        return Cow::Borrowed(text);
    }
    let stripped = text.chars().filter(|c| !invisible(*c));
    Cow::Owned(if nfc {
        stripped.collect()
    } else {
        stripped.nfc().collect()
    })
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn ascii_is_borrowed() {
        assert!(matches!(
            clean("gewoon tekst"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn decomposed_accents_become_composed() {
        assert_eq!(clean("financie\u{0308}n"), "financiën");
        assert_eq!(clean("e\u{0301}e\u{0301}n"), "één");
    }

    #[test]
    fn zero_width_characters_are_removed() {
        assert_eq!(clean("kosten\u{200B}delersnorm"), "kostendelersnorm");
        assert_eq!(clean("wacht\u{200C}lijst\u{200D}"), "wachtlijst");
        assert_eq!(clean("\u{FEFF}huur\u{2060}achterstand"), "huurachterstand");
    }

    #[test]
    fn soft_hyphens_are_removed() {
        assert_eq!(
            clean("schuld\u{00AD}hulp\u{00AD}verlening"),
            "schuldhulpverlening"
        );
    }

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(clean("\u{202E}ontruiming\u{202C}"), "ontruiming");
        assert_eq!(
            clean("\u{2067}Parnassia\u{2069} \u{200F}wachtlijst"),
            "Parnassia wachtlijst"
        );
    }

    #[test]
    fn visible_non_ascii_stays() {
        assert_eq!(clean("café – 3 maanden"), "café – 3 maanden");
    }
}
