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

/// Whether UTF-8 `bytes` hold an [`invisible`] character, read from its encoding without
/// decoding the rest: U+00AD is `C2 AD`, U+061C `D8 9C`, U+180E `E1 A0 8E`, U+200B–U+200F
/// `E2 80 8B`–`8F`, U+202A–U+202E `E2 80 AA`–`AE`, U+2060–U+2064 `E2 81 A0`–`A4`,
/// U+2066–U+2069 `E2 81 A6`–`A9` and U+FEFF `EF BB BF`.
fn holds_invisible(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, &b)| {
        let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
        match b {
            0xC2 => at(1) == 0xAD,
            0xD8 => at(1) == 0x9C,
            0xE1 => at(1) == 0xA0 && at(2) == 0x8E,
            0xE2 => match at(1) {
                0x80 => matches!(at(2), 0x8B..=0x8F | 0xAA..=0xAE),
                0x81 => matches!(at(2), 0xA0..=0xA4 | 0xA6..=0xA9),
                _ => false,
            },
            0xEF => at(1) == 0xBB && at(2) == 0xBF,
            _ => false,
        }
    })
}

/// The text in NFC without invisible format characters.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let has_invisible = holds_invisible(text.as_bytes());
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

/// The first position from `from` where `bytes` may hold an ASCII capital or a non-ASCII byte
/// (the start of a UTF-8 character that may be a capital): stretches of eight bytes without
/// either are passed over in one step; the position returned is always at or before the first
/// such byte (`bytes.len()` when there is none), never past it.
pub fn skip_eights(bytes: &[u8], mut from: usize) -> usize {
    while let Some(chunk) = bytes.get(from..from + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let x = u64::from_le_bytes(eight);
        // Per byte, its low seven bits plus 0x80 − 0x41 reach the high bit from `A` on, plus
        // 0x80 − 0x5B from past `Z` on; no sum carries into the next byte (at most 0x7F + 0x3F).
        let low = x & !HIGH;
        let from_a = low.wrapping_add((0x80 - 0x41) * ONES) & HIGH;
        let past_z = low.wrapping_add((0x80 - 0x5B) * ONES) & HIGH;
        if (x & HIGH) | (from_a & !past_z) != 0 {
            break;
        }
        from += 8;
    }
    from
}

/// Lower case without accents, so patterns need not spell out "financiën" and "financien";
/// whitespace runs become one space (a pattern's space also matches across a line break), the
/// ligature "ĳ" becomes "ij", and the period of an abbreviation ("mw.", "dhr.", "i.v.m.") is
/// dropped, so it does not end a sentence for patterns and waiting times.
pub fn normalise(text: &str) -> String {
    // NFC, without zero-width characters, soft hyphens and bidi controls (issue 11).
    let text = clean(text);
    let bytes = text.as_bytes();
    // Built as bytes: eight plain ASCII bytes (most of a note) at a time, any other byte looked
    // at once, a non-ASCII character decoded; only whole characters are pushed, so the bytes
    // stay UTF-8.
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 8);
    // Whether `out` ends in whitespace.
    let mut space = false;
    let mut i = 0;
    while i < bytes.len() {
        let eight = bytes
            .get(i..i + 8)
            .and_then(|chunk| <[u8; 8]>::try_from(chunk).ok())
            .map(u64::from_le_bytes);
        if let Some(lower) = eight.and_then(|x| plain_lower(x, space)) {
            out.extend_from_slice(&lower.to_le_bytes());
            space = lower >> 56 == u64::from(b' ');
            i += 8;
            continue;
        }
        // Else the next eight bytes (or the rest), a character at a time.
        let end = (i + 8).min(bytes.len());
        while i < end {
            i = push_char(&text, i, &mut out, &mut space);
        }
    }
    if out.contains(&b'.') {
        drop_abbreviation_dots(&mut out);
    }
    // Only whole characters were pushed and only ASCII periods removed: always UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A byte of `ONES` in every lane.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every lane.
const HIGH: u64 = ONES * 0x80;

/// Eight bytes (little-endian in `x`) in lower case, when they need nothing else: all ASCII,
/// no tab, line feed, vertical tab, form feed or carriage return, and no space after
/// whitespace (`space`: whether the byte before them was). `None` otherwise.
fn plain_lower(x: u64, space: bool) -> Option<u64> {
    if x & HIGH != 0 {
        return None;
    }
    // Per lane (each below 0x80 now), its high bit set where the byte is at least `n`: the
    // lanes are 0x80 and more with their high bit set, so subtracting `n` borrows from none.
    let at_least = |n: u8| ((x | HIGH) - ONES * u64::from(n)) & HIGH;
    let control = at_least(b'\t') & !at_least(b'\r' + 1);
    let spaces = at_least(b' ') & !at_least(b' ' + 1);
    // A space after a space: the lane before's flag shifted up one lane (the first lane's
    // from `space`).
    let doubled = spaces & ((spaces << 8) | if space { 0x80 } else { 0 });
    if control | doubled != 0 {
        return None;
    }
    // 'A'..='Z' get 0x20 added: the high bit shifted down to the 0x20 bit.
    let upper = at_least(b'A') & !at_least(b'Z' + 1);
    Some(x | (upper >> 2))
}

/// Pushes the character at byte `i` of `text` to `out` as [`normalise`] writes it (lower
/// case, folded, whitespace after whitespace dropped; `space`: whether `out` ends in
/// whitespace, updated); the position after it.
fn push_char(text: &str, mut i: usize, out: &mut Vec<u8>, space: &mut bool) -> usize {
    let bytes = text.as_bytes();
    let Some(&b) = bytes.get(i) else {
        return bytes.len();
    };
    if b.is_ascii() {
        // `char::is_whitespace` on ASCII: space, tab, line feed, vertical tab, form feed, CR.
        if b == b' ' || (b'\t'..=b'\r').contains(&b) {
            if !*space {
                out.push(b' ');
            }
            *space = true;
        } else {
            out.push(b.to_ascii_lowercase());
            *space = false;
        }
        return i + 1;
    }
    let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
        return bytes.len();
    };
    i += c.len_utf8();
    if c.is_whitespace() {
        if !*space {
            out.push(b' ');
        }
        *space = true;
        return i;
    }
    *space = false;
    let mut buffer = [0u8; 4];
    for lower in c.to_lowercase() {
        let folded: &[u8] = match lower {
            'ĳ' => b"ij",
            '’' | '‘' => b"'",
            other => latin_base(other)
                .unwrap_or(other)
                .encode_utf8(&mut buffer)
                .as_bytes(),
        };
        out.extend_from_slice(folded);
    }
    i
}

/// The plain letter under an accented Latin letter ("ë", "é", "ñ", "ş", "ğ", "č", "ł", "ø", the
/// dotless "ı"), so that "financiën" and "financien", "señora" and "senora" read alike; `None`
/// for anything else.
fn latin_base(c: char) -> Option<char> {
    match c {
        'ø' => Some('o'),
        'ł' => Some('l'),
        'ı' => Some('i'),
        'đ' => Some('d'),
        '\u{00c0}'..='\u{024f}' | '\u{1e00}'..='\u{1eff}' => {
            let mut base = None;
            unicode_normalization::char::decompose_canonical(c, |part| {
                if base.is_none() && part.is_ascii_alphabetic() {
                    base = Some(part);
                }
            });
            base
        }
        _ => None,
    }
}

/// Abbreviations common in notes, without their periods.
const ABBREVIATIONS: [&str; 22] = [
    "mw", "mvr", "mevr", "dhr", "hr", "ivm", "bijv", "bv", "evt", "ca", "zgn", "nr", "tel", "vnl",
    "oa", "mbt", "tav", "ipv", "dwz", "zsm", "nav", "ovv",
];

/// Drops the periods of abbreviations from `bytes` (UTF-8; only ASCII periods go). A period
/// followed by an ASCII letter belongs to its token ("i.v.m."); at any other period the token
/// before it (ASCII letters and such inner periods) is an abbreviation when its letters are one
/// of [`ABBREVIATIONS`], or when it has an inner period and at most four letters.
fn drop_abbreviation_dots(bytes: &mut Vec<u8>) {
    // Positions of the periods to drop, ascending.
    let mut drop = Vec::new();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'.', &bytes[from..]) {
        let i = from + offset;
        from = i + 1;
        if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        // The token: back over ASCII letters, and periods that a letter follows.
        let mut start = i;
        while start > 0 {
            let c = bytes[start - 1];
            if c.is_ascii_alphabetic() || (c == b'.' && bytes[start].is_ascii_alphabetic()) {
                start -= 1;
            } else {
                break;
            }
        }
        let token = &bytes[start..i];
        // Its letters, in a small buffer (no abbreviation is longer than it).
        let mut word = [0u8; 8];
        let mut len = 0;
        for &c in token.iter().filter(|c| **c != b'.') {
            if let Some(slot) = word.get_mut(len) {
                *slot = c;
            }
            len += 1;
        }
        let inner_dot = len < token.len();
        let abbreviation = word
            .get(..len)
            .is_some_and(|w| ABBREVIATIONS.iter().any(|a| a.as_bytes() == w));
        if abbreviation || (inner_dot && len <= 4) {
            drop.extend((start..=i).filter(|&j| bytes[j] == b'.'));
        }
    }
    if drop.is_empty() {
        return;
    }
    let mut kept = 0;
    let mut next = drop.iter().peekable();
    for j in 0..bytes.len() {
        if next.peek() == Some(&&j) {
            next.next();
            continue;
        }
        bytes[kept] = bytes[j];
        kept += 1;
    }
    bytes.truncate(kept);
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
    fn other_accented_latin_letters_lose_their_accents() {
        assert_eq!(
            super::normalise("Señora, AĞABEY, Łódź, Øystein, kız, Dvořák"),
            "senora, agabey, lodz, oystein, kiz, dvorak"
        );
        // Letters without a plain base stay.
        assert_eq!(super::normalise("Æ ß €"), "æ ß €");
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

    /// The character-by-character definition [`super::normalise`]'s runs must equal.
    fn reference(text: &str) -> String {
        let text = clean(text);
        let mut out = String::new();
        let mut space = false;
        for c in text.chars() {
            if c.is_whitespace() {
                if !space {
                    out.push(' ');
                }
                space = true;
                continue;
            }
            space = false;
            for lower in c.to_lowercase() {
                match lower {
                    'ĳ' => out.push_str("ij"),
                    other => out.push(match other {
                        '’' | '‘' => '\'',
                        other => super::latin_base(other).unwrap_or(other),
                    }),
                }
            }
        }
        if out.contains('.') {
            reference_dots(&mut out);
        }
        out
    }

    /// The byte-by-byte definition of dropping abbreviation periods.
    fn reference_dots(text: &mut String) {
        let bytes = text.as_bytes();
        let mut drop = Vec::new();
        let mut word_start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'.' {
                if bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
                    continue;
                }
                let token = &bytes[word_start..i];
                let letters: Vec<u8> = token.iter().copied().filter(|c| *c != b'.').collect();
                let inner_dot = token.contains(&b'.');
                let abbreviation = super::ABBREVIATIONS
                    .iter()
                    .any(|a| a.as_bytes() == letters.as_slice());
                if abbreviation || (inner_dot && letters.len() <= 4) {
                    drop.extend((word_start..=i).filter(|&j| bytes[j] == b'.'));
                }
                word_start = i + 1;
            } else if !b.is_ascii_alphabetic() {
                word_start = i + 1;
            }
        }
        let kept: String = text
            .char_indices()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, c)| c)
            .collect();
        *text = kept;
    }

    /// Characters where the runs could go wrong: every kind of ASCII white space, capitals,
    /// periods of abbreviations, non-ASCII white space, letters that lower-case to more than one
    /// character or compose.
    const ALPHABET: &[&str] = &[
        "a",
        "Mw",
        "DHR",
        " ",
        ".",
        "\t",
        "\n",
        "\r",
        "\u{b}",
        "\u{c}",
        "\u{1f}",
        "\u{85}",
        "\u{a0}",
        "\u{2028}",
        "\u{3000}",
        "É",
        "e\u{301}",
        "\u{200b}",
        "\u{ad}",
        "İ",
        "Ĳ",
        "’",
        "ß",
        "Σ",
        "ñ",
        "Ş",
        "ł",
        "Ø",
        "i.v.m",
        "ca",
        "9",
        "-",
        "..",
        "a.b.c.d.e",
        "zzzzzzzzz.",
        "é.",
    ];

    #[test]
    fn invisible_characters_are_read_from_their_bytes() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            assert_eq!(
                super::holds_invisible(text.as_bytes()),
                super::invisible(c),
                "{:X}",
                c as u32
            );
        }
    }

    #[test]
    fn skip_eights_stops_at_or_before_every_capital_and_non_ascii_byte() {
        // Every byte value at every position of a 24-byte stretch of lower-case letters.
        for b in 0..=255u8 {
            for at in 0..24 {
                let mut bytes = vec![b'x'; 24];
                bytes[at] = b;
                for from in 0..=24 {
                    let skipped = super::skip_eights(&bytes, from);
                    let first = (from..24)
                        .find(|&i| bytes[i].is_ascii_uppercase() || !bytes[i].is_ascii())
                        .unwrap_or(24);
                    assert!(
                        from <= skipped && skipped <= first,
                        "{b} at {at} from {from}"
                    );
                    // Whole stretches of eight without one are passed over.
                    assert!(first - skipped < 8, "{b} at {at} from {from}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn runs_equal_the_character_by_character_definition(
            picks in proptest::collection::vec(0..ALPHABET.len(), 0..40)
        ) {
            let input: String = picks.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(super::normalise(&input), reference(&input));
        }
    }
}
