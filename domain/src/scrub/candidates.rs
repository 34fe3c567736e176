//! Necessary conditions, read from a text's bytes, for each of the anonymiser's regexes to
//! find anything: a regex whose every match needs something the text lacks is not run. Each
//! check is a superset of the regex's matches (it may say "maybe" where the regex finds
//! nothing, never "no" where it finds something), so the finds are exactly those of running
//! the regex every time. The tests check that on every text where the regex matches.

/// Words that lead a street's name (`places::STREET`'s second alternative); "Prinses" and
/// "Koningin" start with "Prins" and "Koning".
const LEADING_WORDS: [&str; 11] = [
    "Laan",
    "Plein",
    "Weg",
    "Kade",
    "Burgemeester",
    "Prins",
    "Koning",
    "Generaal",
    "Sint",
    "Dokter",
    "Dr.",
];

/// Whether `places::STREET` may match: every match ends in a space, maybe `nr`, `nr.` or
/// `nummer` and a space, and a digit, and before that space stands a street type (first
/// alternative) or somewhere before it a leading word (second alternative).
pub(super) fn may_hold_address(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut leading: Option<bool> = None;
    for (p, _) in bytes.iter().enumerate().filter(|(_, &b)| b == b' ') {
        let rest = &bytes[p + 1..];
        let number = [&b""[..], b"nr ", b"nr. ", b"nummer "]
            .iter()
            .any(|prefix| {
                rest.starts_with(prefix) && rest.get(prefix.len()).is_some_and(u8::is_ascii_digit)
            });
        if !number {
            continue;
        }
        let before = &bytes[..p];
        if super::places::STREET_TYPES
            .iter()
            .any(|t| before.ends_with(t.as_bytes()))
        {
            return true;
        }
        if *leading.get_or_insert_with(|| LEADING_WORDS.iter().any(|w| text.contains(w))) {
            return true;
        }
    }
    false
}

/// Whether `places::DATE` may match: a numeric date is 1–2 digits, a separator, 1–2 digits, a
/// separator and a digit; a written one is 1–2 digits, a space, a month (whose first letter is
/// one of `jfmasond` in either case, or `ſ`, which case-insensitive matching equates with
/// `s`) and a four-digit year.
pub(super) fn may_hold_date(text: &str, longest_run: usize) -> bool {
    let bytes = text.as_bytes();
    if separated_digits(bytes, b"-/.", 2) {
        return true;
    }
    longest_run >= 4
        && bytes.windows(3).any(|w| {
            w[0].is_ascii_digit()
                && w[1] == b' '
                && (matches!(w[2].to_ascii_lowercase(), b'j' | b'f' | b'm' | b'a' | b's')
                    || matches!(w[2].to_ascii_lowercase(), b'o' | b'n' | b'd')
                    || w[2] == 0xC5)
        })
}

/// Whether a run of digits is followed by one of `separators`, a run of at most `middle + 1`
/// digits, one of `separators` again and a digit ("12-3-8", "123 456 7").
fn separated_digits(bytes: &[u8], separators: &[u8], middle: usize) -> bool {
    let n = bytes.len();
    for i in 0..n.saturating_sub(2) {
        if !(bytes[i].is_ascii_digit() && separators.contains(&bytes[i + 1])) {
            continue;
        }
        let start = i + 2;
        let mut end = start;
        while end < n && end - start <= middle && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end > start
            && end + 1 < n
            && separators.contains(&bytes[end])
            && bytes[end + 1].is_ascii_digit()
        {
            return true;
        }
    }
    false
}

/// Whether `BSN` (nine digits, maybe grouped 3-3-3 or 4-2-3 by spaces or periods) may match.
pub(super) fn may_hold_bsn(text: &str, longest_run: usize) -> bool {
    longest_run >= 9 || separated_digits(text.as_bytes(), b" .", 2)
}

/// Whether `BSN_CONTEXT` may match: its words start with "bs", "bſ", "burger" or "sofi" (in any
/// case; `ſ` is equated with `s`).
pub(super) fn may_name_bsn(text: &str) -> bool {
    let bytes = text.as_bytes();
    let after = |i: usize, word: &[u8]| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(word))
    };
    (0..bytes.len()).any(|i| match bytes[i] {
        b'b' | b'B' => {
            matches!(bytes.get(i + 1), Some(b's' | b'S'))
                || after(i + 1, "ſ".as_bytes())
                || after(i + 1, b"urger")
        }
        b's' | b'S' => after(i + 1, b"ofi"),
        0xC5 => after(i + 1, &[0xBF]) && after(i + 2, b"ofi"),
        _ => false,
    })
}

/// Whether `POSTCODE` may match: four digits (a run of at least four), maybe a space, and an
/// ASCII letter.
pub(super) fn may_hold_postcode(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            run += 1;
            continue;
        }
        if run >= 4
            && (b.is_ascii_alphabetic()
                || (b == b' ' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic)))
        {
            return true;
        }
        run = 0;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_street_needs_its_type_or_leading_word_before_a_number() {
        assert!(may_hold_address("woont Heeswijkplein 12 op drie hoog"));
        assert!(may_hold_address("Laan van Meerdervoort 145-B"));
        assert!(may_hold_address("op de Hoefkade nr. 300"));
        assert!(may_hold_address("Dr. Lelykade nummer 5"));
        assert!(!may_hold_address("al 14 weken, sinds 2017 op straat"));
        assert!(!may_hold_address("Heeswijkplein zonder nummer"));
    }

    #[test]
    fn dates_need_separated_digits_or_a_month() {
        assert!(may_hold_date("geb. 12-3-87", 2));
        assert!(may_hold_date("12 maart 1987", 4));
        assert!(may_hold_date("3 \u{17f}ep 1950", 4));
        assert!(!may_hold_date("om 08.45 uur, 14 weken", 2));
        assert!(!may_hold_date("12 maart", 2));
    }

    #[test]
    fn bsn_words_and_groups() {
        assert!(may_name_bsn("BSN: 123"));
        assert!(may_name_bsn("b\u{17f}n 123"));
        assert!(may_name_bsn("Burger service nummer"));
        assert!(may_name_bsn("\u{17f}ofinr"));
        assert!(!may_name_bsn("buurtwerk en sociaal team"));
        assert!(may_hold_bsn("123 456 782", 3));
        assert!(may_hold_bsn("1234.56.782", 4));
        assert!(!may_hold_bsn("12345678 en 12 weken", 8));
    }

    #[test]
    fn postcodes_need_four_digits_and_a_letter() {
        assert!(may_hold_postcode("2531 AB"));
        assert!(may_hold_postcode("2531ab"));
        assert!(!may_hold_postcode("sinds 2017. Daarna"));
        assert!(!may_hold_postcode("253 AB"));
    }

    /// Pieces of the shapes the regexes look for, with the letters case-insensitive matching
    /// equates (`ſ`, the Kelvin sign) and near misses.
    const PIECES: &[&str] = &[
        "12",
        "3",
        "1987",
        "2531",
        "123456782",
        "45",
        "-",
        "/",
        ".",
        " ",
        " ",
        "nr. ",
        "nummer ",
        "straat",
        "laan",
        "Laan",
        "van",
        "Heeswijkplein",
        "Prinses",
        "Dr.",
        "de",
        "maart",
        "MRT",
        "\u{17f}ep",
        "o\u{212a}t",
        "jan",
        "bsn",
        "B\u{17f}N",
        "burger",
        "service",
        "nummer",
        "sofi",
        "\u{17f}ofi",
        "nr",
        "AB",
        "ab",
        ",",
        "(",
        ")",
        "é",
        "x",
        ":",
        "\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Wherever a regex finds something, its check says it may.
        #[test]
        fn every_match_passes_its_check(
            picks in proptest::collection::vec(0..PIECES.len(), 0..14)
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            let traits = super::super::Traits::of(&text);
            if super::super::places::STREET.is_match(&text) {
                proptest::prop_assert!(may_hold_address(&text), "{text}");
            }
            if super::super::places::DATE.is_match(&text) {
                proptest::prop_assert!(may_hold_date(&text, traits.longest_run), "{text}");
            }
            if super::super::BSN.is_match(&text) {
                proptest::prop_assert!(may_hold_bsn(&text, traits.longest_run), "{text}");
            }
            if super::super::BSN_CONTEXT.is_match(&text) {
                proptest::prop_assert!(may_name_bsn(&text), "{text}");
            }
            if super::super::POSTCODE.is_match(&text) {
                proptest::prop_assert!(may_hold_postcode(&text), "{text}");
            }
        }
    }
}
