//! The boundary: normalisation of every field, duplicate keys, themes as a list, field names
//! that are never echoed in full, and personal data outside `text`.

use super::tests::{errors_for as refused, today, valid, valid_with};
use super::*;
use serde_json::json;

#[test]
fn every_field_is_normalised() {
    let mut v = valid();
    v["id"] = json!("\u{200B}vb-1\u{FEFF}");
    v["source"] = json!("verbinders\u{200B}-moerwijk");
    v["area"] = json!("Moer\u{202E}wijk\u{2069}\t");
    v["organisation"] = json!("Haag\r\nWonen");
    v["observed_on"] = json!("\u{2066}2026-09-14");
    v["themes"] = json!(["financie\u{0308}n"]);
    v["wait_days"] = json!("\u{200B}70");
    v["text"] = json!("Financie\u{0308}n\r\nregel\u{2028}twee\u{0007}drie");
    let s = parse_signal(&v, today()).unwrap();
    assert_eq!(s.id.as_deref(), Some("vb-1"));
    assert_eq!(s.source, "verbinders-moerwijk");
    assert_eq!(s.area, "Moerwijk");
    assert_eq!(s.organisation.as_deref(), Some("Haag Wonen"));
    assert_eq!(s.themes, vec![Theme::Finances]);
    assert_eq!(s.wait_days, Some(70));
    assert_eq!(s.text, "Financiën\nregel\ntwee drie");
}

#[test]
fn a_text_that_is_empty_after_normalisation_is_refused() {
    let errors = refused(valid_with(
        "text",
        json!("\u{200B}\u{2060}\u{FEFF} \r\n\u{202E}"),
    ));
    assert_eq!(errors[0].field, "text");
    assert!(errors[0].message.contains("verplicht"));
}

#[test]
fn duplicate_keys_are_refused_naming_the_key() {
    let value = crate::json::from_str(
        r#"{"observed_on":"2026-09-14","source":"t","area":"Laak","text":"a","text":"b"}"#,
    )
    .unwrap();
    let errors = refused(value);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "text");
    assert!(errors[0].message.contains("meer dan één keer"));
}

#[test]
fn themes_must_be_a_list() {
    let errors = refused(valid_with("themes", json!("financien, huisvesting")));
    assert_eq!(errors[0].field, "themes");
    assert!(errors[0].message.contains("lijst"));
}

#[test]
fn unknown_field_names_are_capped_and_odd_ones_never_echoed() {
    let mut v = valid();
    v["k".repeat(100_000)] = json!(1);
    let errors = refused(v);
    assert_eq!(errors[0].field.chars().count(), MAX_SHOWN_FIELD_NAME + 1);
    assert!(errors[0].field.ends_with('…'));
    let errors = refused(valid_with("Jan Jansen <jan@example.nl>", json!(1)));
    assert!(!errors[0].field.contains("Jansen"), "{errors:?}");
    assert!(errors[0].message.starts_with("onbekend veld"));
}

/// Each value in `refused` is refused in `field` with a message saying `why` that does not
/// echo it; each value in `accepted` passes.
fn personal_data_is_refused_without_echo(
    field: &str,
    why: &str,
    refused_values: &[&str],
    accepted: &[&str],
) {
    for value in refused_values {
        let errors = refused(valid_with(field, json!(value)));
        assert_eq!(errors[0].field, field, "{value}");
        assert!(errors[0].message.contains(why), "{value}");
        assert!(!errors[0].message.contains(value), "{value}");
    }
    for value in accepted {
        let signal = valid_with(field, json!(value));
        assert!(parse_signal(&signal, today()).is_ok(), "{value}");
    }
}

#[test]
fn an_id_holding_personal_data_is_refused_without_echo() {
    personal_data_is_refused_without_echo(
        "id",
        "persoonsgegevens",
        &[
            "123456782",
            "123.456.782",
            "0612345678",
            "NL91ABNA0417164300",
            "2531AB",
            // Names, dates of birth, addresses and case numbers (security review of
            // 2026-12-02): an id is a key, a kenmerk on pages and a field in the log.
            "Fatima-El-Amrani-geb-03-03-1954-Hoefkade-12",
            "mw.de.boer-dossiernummer-2024-12345",
            "bsn-123-456-782",
            "kees-de-vries-1",
        ],
        &[
            "vb-2026-0001",
            "ggz-haaglanden:2026/11/0042",
            "mo-2026-001",
            "demo-0001",
            "x1",
            "123456789",
            "6b6e6f6f-7070-756e-7400-000000000001",
        ],
    );
}

#[test]
fn a_source_holding_personal_data_is_refused_without_echo() {
    personal_data_is_refused_without_echo(
        "source",
        "geen persoon",
        &[
            "Fatima El Amrani",
            "fatima",
            "jan-jansen",
            "team-fatima-amrani",
            "0612345678",
        ],
        &[
            "verbinders-moerwijk",
            "haag-wonen-wijkbeheer",
            "vliegende-brigade-leiden",
            "ggd",
            "t",
            "parnassia",
        ],
    );
}
