//! Property tests for the intake boundary, the same invariants as the `normalise` and
//! `register_lookup` fuzz targets, run on stable with every `cargo test`: arbitrary strings
//! (weighted towards the characters intake treats specially) never panic, normalise to NFC
//! without invisible, bidi or control characters, normalise idempotently, and map through the
//! register to canonical names that map to themselves.

use knooppunt_domain::normalise::{is_stripped, normalise_label, normalise_text};
use knooppunt_domain::register::{key, Register};
use proptest::prelude::*;
use std::sync::LazyLock;
use unicode_normalization::is_nfc;

static REGISTER: LazyLock<Register> = LazyLock::new(Register::builtin);

/// Characters intake handles specially, mixed with ordinary ones and names from the register.
fn tricky() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        '\u{200B}', '\u{2060}', '\u{FEFF}', '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}',
        '\u{200E}', '\u{0301}', '\u{0308}', '\r', '\n', '\t', '\u{0085}', '\u{2028}', '\u{2029}',
        '\u{0000}', '\u{0007}', '\u{001B}', '\u{00A0}', ' ', '-', '_', 'e', 'i', 'W', 'K', '0',
        '5', 'é', 'ë', 'ĳ',
    ]);
    let piece = prop_oneof![
        prop::collection::vec(special, 0..6).prop_map(|c| c.into_iter().collect::<String>()),
        "\\PC{0,8}",
        prop::sample::select(vec![
            "Moerwijk",
            "Zuid",
            "moerwijk-zuid",
            "WK051836",
            "Schilderswijk",
            "Moeders",
            "verbinders-moerwijk",
            "Laak",
            "Leiden-Noord",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn normalised_text_is_clean_nfc_and_stable(input in tricky()) {
        let text = normalise_text(&input);
        prop_assert!(!text.chars().any(is_stripped));
        prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        prop_assert!(is_nfc(&text));
        prop_assert_eq!(normalise_text(&text), text.clone());
        let label = normalise_label(&input);
        prop_assert!(!label.chars().any(|c| is_stripped(c) || c.is_control()));
        prop_assert!(!label.contains("  "));
        prop_assert_eq!(label.trim(), label.as_str());
        prop_assert!(is_nfc(&label));
        prop_assert_eq!(normalise_label(&label), label.clone());
    }

    #[test]
    fn register_lookups_are_canonical_and_stable(input in tricky()) {
        let k = key(&input);
        prop_assert_eq!(key(&k), k.clone());
        match REGISTER.resolve_area(&input) {
            Ok(area) => {
                let again = REGISTER.resolve_area(&area.name).map(|a| a.name.clone());
                prop_assert_eq!(again, Ok(area.name.clone()));
            }
            Err(message) => prop_assert!(message.starts_with("onbekende wijk of buurt")),
        }
        match REGISTER.resolve_source(&input) {
            Ok(code) => prop_assert_eq!(REGISTER.resolve_source(&code), Ok(code.clone())),
            Err(message) => prop_assert!(message.starts_with("onbekende bron")),
        }
    }
}
