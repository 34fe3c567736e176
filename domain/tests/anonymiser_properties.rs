//! Property tests: generated personal data embedded in generated Dutch sentences never survives
//! the anonymiser — compared as written and with spaces, dots and dashes removed.

use knooppunt_domain::scrub::scrub;
use proptest::prelude::*;

const FIRST: &[&str] = &[
    "Fatima",
    "Mohamed",
    "Yassine",
    "Khadija",
    "Mehmet",
    "Ayşe",
    "Emre",
    "Zeynep",
    "Sanne",
    "Daan",
    "Lotte",
    "Sem",
    "Piotr",
    "Katarzyna",
    "Rajesh",
    "Soenita",
    "Shurandy",
    "Gilmar",
    "Hodan",
    "Tesfay",
    "Anouk",
    "Thijs",
    "Naima",
    "Bilal",
    "Julia",
    "Lucas",
];
const LAST: &[&str] = &[
    "El Amrani",
    "Bouzid",
    "Yilmaz",
    "Kaya",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Kowalski",
    "Nowak",
    "Ramdin",
    "Soekhai",
    "Martina",
    "Maduro",
    "Öztürk",
    "Visser",
    "van der Meer",
    "Mulder",
    "Ahmadi",
    "Ziani",
];
const STREETS: &[&str] = &[
    "Heeswijkplein",
    "Twickelstraat",
    "Hoefkade",
    "Paul Krugerlaan",
    "Laan van Meerdervoort",
    "Van der Vennestraat",
    "Jan van Goyenkade",
    "Zuidlarenstraat",
    "Leyweg",
    "Mercuriusweg",
    "Burgemeester Patijnlaan",
    "Oude Singel",
];
const BEFORE: &[&str] = &[
    "Gesprek gehad met",
    "Vandaag belde",
    "Huisbezoek bij",
    "De corporatie reageert niet op",
    "Wachtlijst bij Parnassia voor",
    "Formulier ingevuld samen met",
];
const AFTER: &[&str] = &[
    "over de huurachterstand.",
    "; al 14 weken geen reactie van Haag Wonen.",
    "en de bijstand gaat omlaag door de kostendelersnorm.",
    ", bang dat de kinderen worden afgenomen.",
    "(doorverwezen naar het UWV).",
];

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}'))
        .collect()
}

fn bsn() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 8).prop_filter_map("11-proef", |digits| {
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| (9 - i as u32) * d)
            .sum();
        let check = sum % 11;
        (check < 10 && digits.iter().any(|&d| d != 0) && digits[0] != 0).then(|| {
            digits
                .iter()
                .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                .collect::<String>()
                + &check.to_string()
        })
    })
}

fn iban() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ",
        ]),
        0u64..10_000_000_000,
    )
        .prop_map(|(bank, account)| {
            let bban = format!("{bank}{account:010}");
            let numeric: String = format!("{bban}NL00")
                .chars()
                .map(|c| c.to_digit(36).unwrap_or(0).to_string())
                .collect();
            let remainder = numeric.chars().fold(0u64, |r, c| {
                (r * 10 + c.to_digit(10).unwrap_or(0) as u64) % 97
            });
            format!("NL{:02}{bban}", 98 - remainder)
        })
}

fn phone() -> impl Strategy<Value = String> {
    (
        0u32..100_000_000,
        0usize..7,
        prop::sample::select(vec!["70", "71", "10", "20"]),
    )
        .prop_map(|(n, form, area)| {
            let d = format!("{n:08}");
            match form {
                0 => format!("06{d}"),
                1 => format!("06-{d}"),
                2 => format!("06 {} {}", &d[..4], &d[4..]),
                3 => format!("+31 6 {d}"),
                4 => format!("+31(0)6{d}"),
                5 => format!("0031 6 {d}"),
                _ => format!("0{area}-{}", &d[..7]),
            }
        })
}

fn email() -> impl Strategy<Value = String> {
    (
        "[a-z]{2,8}(\\.[a-z]{2,6})?",
        "[a-z]{3,10}",
        prop::sample::select(vec!["nl", "com", "org"]),
    )
        .prop_map(|(user, domain, tld)| format!("{user}@{domain}.{tld}"))
}

fn address() -> impl Strategy<Value = String> {
    (
        prop::sample::select(STREETS.to_vec()),
        1u32..400,
        prop::option::of("[a-c]"),
    )
        .prop_map(|(street, number, letter)| {
            format!("{street} {number}{}", letter.unwrap_or_default())
        })
}

fn postcode() -> impl Strategy<Value = String> {
    (1000u32..10_000, "[A-RT-Z][A-Z]", 1u32..300, any::<bool>()).prop_map(
        |(digits, letters, number, spaced)| {
            if spaced {
                format!("{digits} {letters} {number}")
            } else {
                format!("{digits}{letters} {number}")
            }
        },
    )
}

fn sentence(value: String) -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(BEFORE.to_vec()),
        prop::sample::select(AFTER.to_vec()),
    )
        .prop_map(move |(before, after)| (format!("{before} {value} {after}"), value.clone()))
}

fn assert_gone(text: &str, value: &str) -> Result<(), TestCaseError> {
    let out = scrub(text).text;
    prop_assert!(!out.contains(value), "{value:?} survived in {out:?}");
    prop_assert!(
        !compact(&out).contains(&compact(value)),
        "{value:?} survived (compacted) in {out:?}"
    );
    Ok(())
}

/// One property per kind of value: placed in a sentence, the value never survives.
macro_rules! never_survive_in_a_sentence {
    ($($name:ident: $values:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $name((text, value) in $values.prop_flat_map(sentence)) {
                    assert_gone(&text, &value)?;
                }
            )*
        }
    };
}

never_survive_in_a_sentence! {
    bsns_never_survive: bsn();
    phone_numbers_never_survive: phone();
    emails_never_survive: email();
    addresses_never_survive: address();
    postcodes_never_survive: postcode();
}

proptest! {
    #[test]
    fn bsns_with_separators_never_survive(value in bsn()) {
        let spaced = format!("{} {} {}", &value[..3], &value[3..6], &value[6..]);
        let dotted = format!("{}.{}.{}", &value[..4], &value[4..6], &value[6..]);
        assert_gone(&format!("BSN is {spaced}, klant bij de SVB"), &value)?;
        assert_gone(&format!("nummer {dotted} in de brief"), &value)?;
    }

    #[test]
    fn ibans_never_survive((text, value) in iban().prop_flat_map(sentence)) {
        assert_gone(&text, &value)?;
        let grouped: String = value.chars().collect::<Vec<_>>().chunks(4)
            .map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ");
        assert_gone(&format!("rekening {grouped} geblokkeerd"), &value)?;
    }

    #[test]
    fn names_never_survive(
        first in prop::sample::select(FIRST.to_vec()),
        last in prop::sample::select(LAST.to_vec()),
        form in 0usize..4,
        before in prop::sample::select(BEFORE.to_vec()),
        after in prop::sample::select(AFTER.to_vec()),
    ) {
        let name = match form {
            0 => format!("{first} {last}"),
            1 => format!("mevrouw {last}"),
            2 => first.to_string(),
            _ => format!("dhr. {last}"),
        };
        let text = format!("{before} {name} {after}");
        let out = scrub(&text).text;
        let surname_core = last.split(' ').next_back().unwrap_or(last);
        let check: &str = if form == 2 { first } else { surname_core };
        prop_assert!(!out.contains(check), "{check:?} survived in {out:?}");
        prop_assert!(out.contains("[NAAM]"));
    }
}
