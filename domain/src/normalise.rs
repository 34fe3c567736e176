//! Text normalisation at the intake boundary, applied to every string field of a signal before
//! it is validated.
//!
//! - Unicode NFC, so "é" typed as `e` + U+0301 and as U+00E9 are the same text;
//! - zero-width characters (U+200B, U+2060, U+FEFF) and bidirectional controls (U+200E,
//!   U+200F, U+061C, U+202A–U+202E, U+2066–U+2069) are removed: they are invisible, make equal
//!   labels differ and can reorder what a reviewer sees;
//! - line ends (CRLF, CR, NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029) become
//!   `\n` in free text; single-line fields get a space instead;
//! - any other control character is replaced by a space instead of refusing the signal.
//!
//! Pure and allocation-light: one pass plus the NFC pass.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Whether `c` is an invisible formatting character intake removes.
pub fn is_stripped(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// The ASCII character free text gets for `c`: a space for the other spaces (no-break, narrow,
/// figure, ideographic: "NL91\u{a0}ABNA…" pasted from a letter), an ASCII digit for a
/// full-width one ("１２３"), so that neither hides a number from the anonymiser or a rule.
fn plain_equivalent(c: char) -> Option<char> {
    match c {
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => Some(' '),
        '\u{FF10}'..='\u{FF19}' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
        _ => None,
    }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}')
}

/// Normalises free text (the `text` field): line ends become `\n`, tabs stay, invisible
/// characters go, other control characters become spaces, NFC; trimmed.
///
/// Printable ASCII, `\n` and `\t` (almost all of a note) are copied in runs; only the other
/// bytes are looked at one character at a time. Text that stays ASCII is already NFC.
pub fn normalise_text(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut ascii = true;
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
            i += 1;
            continue;
        }
        out.push_str(&input[run..i]);
        if b.is_ascii() {
            // "\r\n" and "\r" are one line end; any other ASCII control character (DEL too)
            // becomes a space.
            if b == b'\r' {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.push('\n');
            } else {
                out.push(' ');
            }
            i += 1;
        } else {
            let Some(c) = input[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            if is_line_break(c) {
                out.push('\n');
            } else if is_stripped(c) {
                // removed
            } else if let Some(plain) = plain_equivalent(c) {
                out.push(plain);
            } else if !c.is_control() {
                ascii = false;
                out.push(c);
            } else {
                out.push(' ');
            }
        }
        run = i;
    }
    out.push_str(&input[run..]);
    trimmed_nfc(out, ascii)
}

/// `text` trimmed and in NFC, reusing its buffer when both change nothing.
fn trimmed_nfc(text: String, ascii: bool) -> String {
    let trimmed = text.trim();
    if !ascii && is_nfc_quick(trimmed.chars()) != IsNormalized::Yes {
        return trimmed.nfc().collect();
    }
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_string()
    }
}

/// Normalises a one-line field (`source`, `area`, `organisation`, `id`, dates, themes): like
/// [`normalise_text`], but every line end, tab, control character or other white space becomes
/// one space, runs of spaces collapse, and the result is trimmed.
pub fn normalise_label(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut ascii = true;
    let mut space = false;
    let mut push = |out: &mut String, c: char, blank: bool| {
        if blank {
            space = !out.is_empty();
            return;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    };
    let bytes = input.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            // ASCII white space and control characters are all at or below the space, or DEL.
            push(&mut out, char::from(b), b <= b' ' || b == 0x7f);
            i += 1;
            continue;
        }
        let Some(c) = input[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_stripped(c) {
            continue;
        }
        let blank = c.is_whitespace() || c.is_control();
        ascii &= blank;
        push(&mut out, c, blank);
    }
    trimmed_nfc(out, ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `input` normalised as free text and as a one-line field.
    fn normalises_to(input: &str, text: &str, label: &str) {
        assert_eq!(normalise_text(input), text);
        assert_eq!(normalise_label(input), label);
    }

    #[test]
    fn nfd_becomes_nfc() {
        normalises_to("Financie\u{0308}n", "Financiën", "Financiën");
    }

    #[test]
    fn zero_width_and_bidi_controls_are_removed() {
        let text = "\u{FEFF}Moer\u{200B}wijk \u{202E}kcab\u{202C} \u{2066}x\u{2069}\u{2060}";
        normalises_to(text, "Moerwijk kcab x", "Moerwijk kcab x");
    }

    #[test]
    fn line_ends_become_newlines_in_text_and_spaces_in_labels() {
        normalises_to(
            "een\r\ntwee\rdrie\u{2028}vier\u{2029}vijf\u{0085}zes",
            "een\ntwee\ndrie\nvier\nvijf\nzes",
            "een twee drie vier vijf zes",
        );
    }

    #[test]
    fn other_control_characters_are_replaced_not_refused() {
        assert_eq!(normalise_text("a\u{0007}b\u{001B}[31mc\td"), "a b [31mc\td");
        assert_eq!(
            normalise_label("  Moerwijk\t\u{0000} Zuid \u{00A0} "),
            "Moerwijk Zuid"
        );
    }

    #[test]
    fn other_spaces_and_full_width_digits_become_ascii_in_text() {
        // Pasted from a letter: a no-break space inside an IBAN, full-width digits.
        assert_eq!(
            normalise_text("NL91\u{a0}ABNA\u{202f}0417 bsn \u{ff11}\u{ff12}3"),
            "NL91 ABNA 0417 bsn 123"
        );
    }

    #[test]
    fn only_invisible_characters_leave_nothing() {
        assert_eq!(normalise_text("\u{200B}\u{FEFF}\r\n \u{202E}"), "");
        assert_eq!(normalise_label("\u{2060}\t\u{0001}"), "");
    }

    /// The character-by-character definitions the run-copying versions must equal.
    fn reference_text(input: &str) -> String {
        let mut out = String::new();
        let mut chars = input.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            } else if is_line_break(c) {
                out.push('\n');
            } else if is_stripped(c) {
                continue;
            } else if let Some(plain) = plain_equivalent(c) {
                out.push(plain);
            } else if c == '\t' || !c.is_control() {
                out.push(c);
            } else {
                out.push(' ');
            }
        }
        out.trim().nfc().collect()
    }

    fn reference_label(input: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in input.chars() {
            if is_stripped(c) {
                continue;
            }
            if c.is_whitespace() || c.is_control() {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
        out.nfc().collect()
    }

    /// Characters where the fast paths could go wrong: every ASCII control, line ends, white
    /// space, invisible and combining characters, letters that compose.
    const ALPHABET: &[char] = &[
        'a', 'Z', 'e', ' ', '.', '\t', '\n', '\r', '\u{0}', '\u{7}', '\u{b}', '\u{c}', '\u{1b}',
        '\u{1f}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{a0}', 'é', '\u{0301}', '\u{0308}',
        '\u{200b}', '\u{200e}', '\u{202e}', '\u{2028}', '\u{2029}', '\u{2060}', '\u{2066}',
        '\u{3000}', '\u{feff}', '\u{1100}', '\u{1161}', 'ﬁ', 'Å', '\u{212b}', '😀', '\u{202f}',
        '\u{ff11}', '\u{ff19}',
    ];

    proptest::proptest! {
        #[test]
        fn runs_equal_the_character_by_character_definition(
            picks in proptest::collection::vec(0..ALPHABET.len(), 0..40)
        ) {
            let input: String = picks.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(normalise_text(&input), reference_text(&input));
            proptest::prop_assert_eq!(normalise_label(&input), reference_label(&input));
        }
    }

    #[test]
    fn ascii_notes_are_copied_as_they_are() {
        let note =
            "Mw. heeft 3 maanden huurachterstand;\tdeurwaarder (06-12345678) komt.\nZie: 2531 AB";
        assert_eq!(normalise_text(note), note);
        assert_eq!(normalise_text(&format!("  {note}\r\n")), note);
        assert_eq!(normalise_text("a\u{7f}b\r\rc"), "a b\n\nc");
    }
}
