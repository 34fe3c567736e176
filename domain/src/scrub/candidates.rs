//! Necessary conditions, read from a text's bytes, for each of the anonymiser's regexes to
//! find anything: a regex whose every match needs something the text lacks is not run. Each
//! check is a superset of the regex's matches (it may say "maybe" where the regex finds
//! nothing, never "no" where it finds something), so the finds are exactly those of running
//! the regex every time. The tests check that on every text where the regex matches.

use super::places::LEADING_WORDS;

/// What a text holds that the shapes need, found in one pass over its bytes; everything but
/// the count of digits is read where a run of digits starts or ends.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Traits {
    /// ASCII digits in the text.
    pub digits: usize,
    /// The longest run of ASCII digits.
    longest_run: usize,
    /// Two ASCII letters and two ASCII digits in a row, maybe with a space between (an IBAN's
    /// country and check digits).
    pub letters_digits: bool,
    /// An `@`, or one spelled out ([`spelled_at`]).
    pub at_sign: bool,
    /// Digits, one of `-/.`, at most three digits, one of `-/.`, a digit ("12-3-87").
    numeric_date: bool,
    /// Digits, a space, period or hyphen, at most three digits, one of those, a digit (a BSN
    /// written in groups).
    grouped_digits: bool,
    /// A digit, a space and a letter that may start a month (`jfmasond` in either case, or the
    /// first byte of `ſ`, which case-insensitive matching equates with `s`).
    day_month: bool,
    /// Two digits right after an apostrophe: a year written "'85".
    apostrophe_year: bool,
    /// Four or more digits, then an ASCII letter, maybe after a space (a postcode).
    pub postcode: bool,
    /// A run of digits after a space (and maybe `nr`, `nr.` or `nummer` and a space) that
    /// follows a street type.
    street_number: bool,
    /// A run of digits after a space (and maybe `nr`, `nr.` or `nummer` and a space) whose
    /// word before that space may end a street's name after a leading word: a capitalised
    /// word or one of the particles the pattern allows there.
    number_after_name: bool,
    /// Digits, spaces, periods, hyphens and slashes from a digit to a digit over eight bytes or
    /// more (what `BSN_CONTEXT` captures as the number).
    pub digit_group: bool,
    /// Where the current group of digits and separators started, and where its last
    /// run of digits ended.
    group: Option<(usize, usize)>,
}

/// Whether `bytes[i..]` starts with `word`, in any ASCII case.
fn starts_at(bytes: &[u8], i: usize, word: &[u8]) -> bool {
    bytes
        .get(i..i + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word))
}

/// Whether `bytes[i..]` starts with "[at]", "(at)", "{at}", "[apenstaartje]", " at " or
/// " apenstaartje " in any ASCII case: the `@` of an e-mail address written to dodge
/// harvesters (`EMAIL_SPELLED`, `EMAIL_WORDS`).
fn spelled_at(bytes: &[u8], i: usize) -> bool {
    let closes: &[u8] = match bytes[i] {
        b'[' | b'(' | b'{' => b"])}",
        b' ' => b" ",
        _ => return false,
    };
    let word = |w: &[u8]| {
        starts_at(bytes, i + 1, w)
            && bytes
                .get(i + 1 + w.len())
                .is_some_and(|b| closes.contains(b))
    };
    word(b"at") || word(b"apenstaartje")
}

impl Traits {
    pub(crate) fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut traits = Traits::default();
        let mut i = 0;
        while i < n {
            if !bytes[i].is_ascii_digit() {
                traits.at_sign |= bytes[i] == b'@' || spelled_at(bytes, i);
                i += 1;
                continue;
            }
            let start = i;
            while i < n && bytes[i].is_ascii_digit() {
                i += 1;
            }
            traits.run(bytes, start, i);
        }
        traits
    }

    /// Takes in the run of digits `bytes[start..end]`.
    fn run(&mut self, bytes: &[u8], start: usize, end: usize) {
        let len = end - start;
        let group_start = match self.group {
            Some((group_start, last_end))
                if bytes[last_end..start]
                    .iter()
                    .all(|&b| matches!(b, b' ' | b'.' | b'-' | b'/')) =>
            {
                group_start
            }
            _ => start,
        };
        self.group = Some((group_start, end));
        self.digit_group |= end - group_start >= 8;
        self.digits += len;
        self.longest_run = self.longest_run.max(len);
        // "NL91", or "NL 91" with a space between country and check digits.
        let letters_before =
            |from: usize| bytes[from..from + 2].iter().all(u8::is_ascii_alphabetic);
        if len >= 2
            && ((start >= 2 && letters_before(start - 2))
                || (start >= 3 && bytes[start - 1] == b' ' && letters_before(start - 3)))
        {
            self.letters_digits = true;
        }
        let next = bytes.get(end).copied();
        let digit_after = bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if matches!(next, Some(b'-' | b'/' | b'.')) && digit_after {
            self.numeric_date |= separated_run(bytes, end + 1, b"-/.");
        }
        if matches!(next, Some(b' ' | b'.' | b'-')) && digit_after {
            self.grouped_digits |= separated_run(bytes, end + 1, b" .-");
        }
        if next == Some(b' ') {
            if let Some(&letter) = bytes.get(end + 1) {
                self.day_month |= matches!(
                    letter.to_ascii_lowercase(),
                    b'j' | b'f' | b'm' | b'a' | b's' | b'o' | b'n' | b'd'
                ) || letter == 0xC5;
                self.postcode |= len >= 4 && letter.is_ascii_alphabetic();
            }
        }
        self.postcode |= len >= 4 && next.is_some_and(|b| b.is_ascii_alphabetic());
        self.apostrophe_year |= len == 2
            && (bytes[..start].ends_with(b"'") || bytes[..start].ends_with("’".as_bytes()));
        // The space before the number (and its "nr", "nr." or "nummer").
        let before = &bytes[..start];
        if before.last() != Some(&b' ') {
            return;
        }
        for prefix in NUMBER_LEADS {
            if before.ends_with(prefix) {
                let street = &bytes[..start - prefix.len()];
                self.street_number |= ends_in_street_type(street);
                self.number_after_name |= may_end_a_name(street);
            }
        }
    }
}

/// What may stand between a street and the digits of its house number: `places::NUMBER_LEAD`,
/// and the "nr", "nr." or "nummer" a house number may open with itself.
pub(super) const NUMBER_LEADS: [&[u8]; 17] = [
    b" ",
    b" nr ",
    b" nr. ",
    b" nummer ",
    b" huisnummer ",
    b" op nr ",
    b" op nr. ",
    b" op nummer ",
    b" op huisnummer ",
    b", nr ",
    b", nr. ",
    b", nummer ",
    b", huisnummer ",
    b", op nr ",
    b", op nr. ",
    b", op nummer ",
    b", op huisnummer ",
];

/// Whether `text` ends in one of `places::STREET_TYPES`, looked up by its last letter.
fn ends_in_street_type(text: &[u8]) -> bool {
    let Some(&last) = text.last() else {
        return false;
    };
    // A ring road ("Zuidring") is `places::STREET`'s third alternative.
    text.ends_with(b"ring")
        || super::places::STREET_TYPES
            .iter()
            .filter(|t| t.as_bytes().last() == Some(&last))
            .any(|t| text.ends_with(t.as_bytes()))
}

/// Whether the word that ends `text` (after its last space) may be the last of the words
/// after a leading word: `[A-Z]…` or one of the particles `van der den de ter ten op 't`.
fn may_end_a_name(text: &[u8]) -> bool {
    let word = text
        .iter()
        .rposition(|&b| b == b' ')
        .map_or(text, |space| &text[space + 1..]);
    word.first().is_some_and(u8::is_ascii_uppercase)
        || matches!(
            word,
            b"van" | b"der" | b"den" | b"de" | b"ter" | b"ten" | b"op" | b"'t"
        )
}

/// Whether `text` holds one of [`LEADING_WORDS`], looked for only at capitals (each starts
/// with one).
fn has_leading_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b.is_ascii_uppercase()
            && LEADING_WORDS
                .iter()
                .any(|w| bytes[i..].starts_with(w.as_bytes()))
    })
}

/// Whether `bytes[from..]` starts with at most three digits, one of `separators` and a digit.
fn separated_run(bytes: &[u8], from: usize, separators: &[u8]) -> bool {
    let digits = bytes[from..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (1..=3).contains(&digits)
        && bytes
            .get(from + digits)
            .is_some_and(|b| separators.contains(b))
        && bytes.get(from + digits + 1).is_some_and(u8::is_ascii_digit)
}

/// Whether `places::STREET` may match: every match ends in a space, maybe `nr`, `nr.` or
/// `nummer` and a space, and a digit; before that space stands a street type (first
/// alternative), or a capitalised word or particle with a leading word somewhere before it
/// (second alternative).
pub(super) fn may_hold_address(text: &str, traits: &Traits) -> bool {
    traits.street_number || (traits.number_after_name && has_leading_word(text))
}

/// Whether `places::ADDRESS_AFTER_CONTEXT` may match: a number after a word that may end a
/// street's name, and a word that leads an address (`woon…`, `wonen…`, `adres`, `verhuis…`,
/// `verblijft`, `huisbezoek`, in any case).
pub(super) fn may_hold_address_after_context(text: &str, traits: &Traits) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize, word: &[u8]| starts_at(bytes, i, word);
    traits.number_after_name
        && bytes.iter().enumerate().any(|(i, &b)| match b | 0x20 {
            b'w' => at(i + 1, b"oon") || at(i + 1, b"onen"),
            b'a' => at(i + 1, b"dres"),
            b'v' => at(i + 1, b"erhuis") || at(i + 1, b"erblijft"),
            b'h' => at(i + 1, b"uisbezoek"),
            _ => false,
        })
}

/// Whether `places::STREET_BEFORE_POSTCODE` may match: a number after a word that may end a
/// street's name (the postcode after it is checked by the caller).
pub(super) fn may_hold_address_before_postcode(traits: &Traits) -> bool {
    traits.number_after_name
}

/// Whether `places::NUMBER_BEFORE_STREET` may match: it opens with "nr" or "nummer" in any case.
pub(super) fn may_number_a_street(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b | 0x20 {
        b'n' => starts_at(bytes, i + 1, b"r") || starts_at(bytes, i + 1, b"ummer"),
        _ => false,
    })
}

/// Whether `places::DATE` may match: a numeric date is 1–2 digits, a separator, 1–2 digits, a
/// separator and a digit; a written one is 1–2 digits, a space, a month and a four-digit year
/// or two digits after an apostrophe ("3 april '85").
pub(super) fn may_hold_date(traits: &Traits) -> bool {
    traits.numeric_date || traits.apostrophe_year || (traits.longest_run >= 4 && traits.day_month)
}

/// Whether `places::BIRTH_YEAR` may match: it ends in a run of four digits.
pub(super) fn may_hold_year(traits: &Traits) -> bool {
    traits.longest_run >= 4
}

/// Whether `BSN` (nine digits, maybe grouped 3-3-3 or 4-2-3 by spaces or periods) may match.
pub(super) fn may_hold_bsn(traits: &Traits) -> bool {
    traits.longest_run >= 9 || traits.grouped_digits
}

/// Whether `BSN_CONTEXT` may match: its words start with "bs", "bſ", "burger" or "sofi" (in any
/// case; `ſ` is equated with `s`).
pub(super) fn may_name_bsn(text: &str) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize, word: &[u8]| starts_at(bytes, i, word);
    bytes.iter().enumerate().any(|(i, &b)| match b | 0x20 {
        b'b' => at(i + 1, b"s") || at(i + 1, "ſ".as_bytes()) || at(i + 1, b"urger"),
        b's' => at(i + 1, b"ofi"),
        0xE5 => b == 0xC5 && at(i + 1, &[0xBF]) && at(i + 2, b"ofi"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `holds` is true of each text in `yes` and false of each in `no`.
    fn holds_exactly(holds: impl Fn(&str) -> bool, yes: &[&str], no: &[&str]) {
        for text in yes {
            assert!(holds(text), "should hold: {text:?}");
        }
        for text in no {
            assert!(!holds(text), "should not hold: {text:?}");
        }
    }

    #[test]
    fn a_street_needs_its_type_or_leading_word_before_a_number() {
        holds_exactly(
            |text| may_hold_address(text, &Traits::of(text)),
            &[
                "woont Heeswijkplein 12 op drie hoog",
                "Laan van Meerdervoort 145-B",
                "op de Hoefkade nr. 300",
                "Dr. Lelykade nummer 5",
                "Laan van Meerdervoort op 14",
                "in de Beijersstraat op nummer 12",
                "in de beijersstraat, nummer 12",
            ],
            &[
                "al 14 weken, sinds 2017 op straat",
                "Heeswijkplein zonder nummer",
                "Laan: al 14 weken",
                "in de Beijersstraat op 12 maart",
            ],
        );
    }

    #[test]
    fn dates_need_separated_digits_or_a_month() {
        holds_exactly(
            |text| may_hold_date(&Traits::of(text)),
            &[
                "geb. 12-3-87",
                "12 maart 1987",
                "geboren 3 april '85",
                "(23 mrt ’49)",
                "3 \u{17f}ep 1950",
            ],
            &["om 08.45 uur, 14 weken", "12 maart"],
        );
    }

    #[test]
    fn bsn_words_and_groups() {
        holds_exactly(
            may_name_bsn,
            &[
                "BSN: 123",
                "b\u{17f}n 123",
                "Burger service nummer",
                "\u{17f}ofinr",
            ],
            &["buurtwerk en sociaal team"],
        );
        holds_exactly(
            |text| may_hold_bsn(&Traits::of(text)),
            &["123 456 782", "1234.56.782", "123456782"],
            &["12345678 en 12 weken"],
        );
    }

    #[test]
    fn postcodes_need_four_digits_and_a_letter() {
        holds_exactly(
            |text| Traits::of(text).postcode,
            &["2531 AB", "2531ab"],
            &["sinds 2017. Daarna", "253 AB"],
        );
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
        "'",
        "’",
        "Mient",
        " aan ",
        " op ",
        "NR",
        " at ",
        " AT ",
        "apenstaartje",
        "gmail",
        ".nl",
        " punt ",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Wherever a regex finds something, its check says it may.
        #[test]
        fn every_match_passes_its_check(
            picks in proptest::collection::vec(0..PIECES.len(), 0..14)
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            let traits = Traits::of(&text);
            if super::super::places::STREET.is_match(&text) {
                proptest::prop_assert!(may_hold_address(&text, &traits), "{text}");
            }
            if super::super::places::DATE.is_match(&text) {
                proptest::prop_assert!(may_hold_date(&traits), "{text}");
            }
            if super::super::places::STREET_BEFORE_POSTCODE.is_match(&text) {
                proptest::prop_assert!(traits.postcode && may_hold_address_before_postcode(&traits), "{text}");
            }
            if super::super::places::NUMBER_BEFORE_STREET.is_match(&text) {
                proptest::prop_assert!(may_number_a_street(&text), "{text}");
            }
            if super::super::BSN.is_match(&text) {
                proptest::prop_assert!(may_hold_bsn(&traits), "{text}");
            }
            if super::super::BSN_CONTEXT.is_match(&text) {
                proptest::prop_assert!(traits.digit_group && may_name_bsn(&text), "{text}");
            }
            if super::super::POSTCODE.is_match(&text) {
                proptest::prop_assert!(traits.postcode, "{text}");
            }
            if super::super::EMAIL_WORDS.is_match(&text) {
                proptest::prop_assert!(traits.at_sign, "{text}");
            }
        }
    }

    /// Every combination of the pieces of each shape, in and out of context.
    #[test]
    fn every_combination_of_shape_pieces_passes_its_check() {
        let mut texts = Vec::new();
        for before in ["", "x ", "woont ", "(", "13"] {
            for after in ["", " ", "a", ".", ")", "2"] {
                for street in [
                    "Heeswijkplein",
                    "Hoefkade",
                    "Laan van Meerdervoort",
                    "Dr. Lelykade",
                    "Prinses Marijkelaan",
                    "Van der Vennestraat",
                    "Sint Jacob",
                    "de straat",
                    "x",
                ] {
                    for number in [
                        " 12",
                        " nr 3",
                        " nr. 300",
                        " nummer 5",
                        ", nummer 7",
                        " op nummer 12",
                        ", op huisnummer 3",
                        " huisnummer 40",
                        ", nr. 8",
                        " 145-B",
                        "12",
                        " nr.4",
                    ] {
                        texts.push(format!("{before}{street}{number}{after}"));
                    }
                }
                for date in [
                    "12-3-87",
                    "1.1.2001",
                    "12/03/1987",
                    "3-4",
                    "12 maart 1987",
                    "3 mrt. 1950",
                    "1 \u{17f}ep 2001",
                    "2 o\u{212a}t 1999",
                    "12 MEI 2020",
                    "1 x 2000",
                ] {
                    texts.push(format!("{before}{date}{after}"));
                }
                for bsn in [
                    "123456782",
                    "123 456 782",
                    "123.456.782",
                    "1234 56 782",
                    "1234.56.782",
                    "12345678",
                    "bsn 12345678",
                    "BSN: 1234 567 89",
                    "b\u{17f}n 123456789",
                    "burger service nummer 12345678",
                    "\u{17f}ofinr 123456782",
                    "sofi-nummer 12345678",
                    "bsn: 123-456-782",
                    "123-456-782",
                    "BSN-nummer: 123-45-6782",
                    "bsn 123/456/782",
                ] {
                    texts.push(format!("{before}{bsn}{after}"));
                }
                for postcode in [
                    "2531 AB",
                    "2531AB",
                    "2531ab",
                    "2531 ab 12",
                    "12345 AB",
                    "0531 AB",
                ] {
                    texts.push(format!("{before}{postcode}{after}"));
                }
            }
        }
        let mut matched = 0;
        for text in &texts {
            let traits = Traits::of(text);
            let checks = [
                (
                    super::super::places::STREET.is_match(text),
                    may_hold_address(text, &traits),
                ),
                (
                    super::super::places::DATE.is_match(text),
                    may_hold_date(&traits),
                ),
                (super::super::BSN.is_match(text), may_hold_bsn(&traits)),
                (
                    super::super::BSN_CONTEXT.is_match(text),
                    traits.digit_group && may_name_bsn(text),
                ),
                (super::super::POSTCODE.is_match(text), traits.postcode),
            ];
            for (k, (found, may)) in checks.into_iter().enumerate() {
                assert!(!found || may, "check {k}: {text}");
                matched += usize::from(found);
            }
        }
        // The combinations do hold matches of every kind.
        assert!(matched > texts.len() / 2, "{matched} of {}", texts.len());
    }
}
