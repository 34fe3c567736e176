//! The contract's fields, one test a rule; [`super::boundary_tests`] covers the boundary.

use super::*;
use serde_json::json;

pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub(super) fn valid() -> Value {
    json!({
        "observed_on": "2026-09-14",
        "source": "verbinders-moerwijk",
        "area": "Moerwijk",
        "text": "Zoon van 23 wil terug naar huis, maar dan gaat de bijstand van moeder omlaag.",
    })
}

/// The valid signal with one field set to `value`.
pub(super) fn valid_with(field: &str, value: Value) -> Value {
    let mut signal = valid();
    signal[field] = value;
    signal
}

pub(super) fn errors_for(value: Value) -> Vec<FieldError> {
    parse_signal(&value, today()).unwrap_err()
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn accepts_the_minimal_contract() {
    let signal = parse_signal(&valid(), today()).unwrap();
    assert_eq!(signal.area, "Moerwijk");
    assert_eq!(
        signal.observed_on,
        NaiveDate::from_ymd_opt(2026, 9, 14).unwrap()
    );
    assert!(signal.themes.is_empty());
    assert_eq!(signal.id, None);
}

#[test]
fn accepts_all_optional_fields() {
    let mut v = valid();
    v["id"] = json!("vb-2026-0001");
    v["themes"] = json!(["financien", "Kinderen gezin", "financien"]);
    v["organisation"] = json!("Haag Wonen");
    v["wait_days"] = json!(98);
    let s = parse_signal(&v, today()).unwrap();
    assert_eq!(s.id.as_deref(), Some("vb-2026-0001"));
    assert_eq!(s.themes, vec![Theme::Finances, Theme::ChildrenAndFamily]);
    assert_eq!(s.organisation.as_deref(), Some("Haag Wonen"));
    assert_eq!(s.wait_days, Some(98));
}

#[test]
fn every_missing_required_field_is_named_at_once() {
    let errors = errors_for(json!({}));
    assert_eq!(
        fields(&errors),
        vec!["observed_on", "source", "area", "text"]
    );
    assert!(errors[0].message.contains("verplicht"));
}

#[test]
fn identifying_fields_are_refused_with_the_reason() {
    for field in [
        "naam",
        "bsn",
        "adres",
        "geboortedatum",
        "telefoon",
        "email",
        "Name",
    ] {
        let errors = errors_for(valid_with(field, json!("x")));
        assert_eq!(fields(&errors), vec![field], "{field}");
        assert!(errors[0].message.contains("persoonsgegevens"), "{field}");
    }
}

#[test]
fn unknown_fields_are_refused() {
    let errors = errors_for(valid_with("prioriteit", json!("hoog")));
    assert_eq!(fields(&errors), vec!["prioriteit"]);
    assert!(errors[0].message.starts_with("onbekend veld"));
}

#[test]
fn dates_in_the_future_or_before_2000_are_refused() {
    for (date, expect) in [
        ("2026-11-23", "toekomst"),
        ("1999-12-31", "vóór 2000"),
        ("2026-02-30", "geen geldige datum"),
        ("gisteren", "geen geldige datum"),
        // A two-digit year is not read as the year 1 (UX review of 2026-12-02).
        ("1-12-26", "geen geldige datum"),
    ] {
        let errors = errors_for(valid_with("observed_on", json!(date)));
        assert_eq!(fields(&errors), vec!["observed_on"]);
        assert!(
            errors[0].message.contains(expect),
            "{date}: {}",
            errors[0].message
        );
    }
    assert!(
        parse_signal(&valid_with("observed_on", json!("22-11-2026")), today()).is_ok(),
        "today in Dutch notation"
    );
}

#[test]
fn text_is_bounded_and_must_be_text() {
    let mut v = valid();
    v["text"] = json!("a".repeat(MAX_TEXT_CHARS));
    assert!(parse_signal(&v, today()).is_ok());
    v["text"] = json!("é".repeat(MAX_TEXT_CHARS + 1));
    let errors = errors_for(v.clone());
    assert_eq!(fields(&errors), vec!["text"]);
    assert!(errors[0].message.contains("te lang"));
    v["text"] = json!(12);
    assert!(errors_for(v.clone())[0].message.contains("verwacht tekst"));
    v["text"] = json!("   ");
    assert!(errors_for(v)[0].message.contains("verplicht"));
}

#[test]
fn optional_fields_are_checked() {
    let mut v = valid();
    v["themes"] = json!(["huisvesting", "astrologie"]);
    v["wait_days"] = json!(-3);
    v["id"] = json!("met spatie");
    v["organisation"] = json!(["Staedion"]);
    let errors = errors_for(v);
    assert_eq!(
        fields(&errors),
        vec!["id", "themes", "organisation", "wait_days"]
    );
    assert!(errors[1].message.contains("positie 2"));
    assert!(
        !errors[1].message.contains("astrologie"),
        "no user input echoed"
    );
}

#[test]
fn wait_days_accepts_numeric_strings() {
    let mut v = valid();
    v["wait_days"] = json!(" 70 ");
    assert_eq!(parse_signal(&v, today()).unwrap().wait_days, Some(70));
    // A spreadsheet cell formatted with decimals: a whole number all the same.
    for written in [
        json!("140,0"),
        json!("140,00"),
        json!("140.0"),
        json!(140.0),
    ] {
        v["wait_days"] = written.clone();
        assert_eq!(
            parse_signal(&v, today()).unwrap().wait_days,
            Some(140),
            "{written}"
        );
    }
    for fraction in [json!(3.5), json!("3,5"), json!(",0"), json!("1.234,0")] {
        v["wait_days"] = fraction.clone();
        assert_eq!(
            fields(&errors_for(v.clone())),
            vec!["wait_days"],
            "{fraction}"
        );
    }
}

#[test]
fn non_objects_are_refused() {
    assert_eq!(fields(&errors_for(json!("tekst"))), vec!["signaal"]);
}

#[test]
fn derived_ids_are_stable_and_content_bound() {
    let mut a = parse_signal(&valid(), today()).unwrap();
    let mut b = a.clone();
    assert_eq!(a.ensure_id().to_string(), b.ensure_id().to_string());
    let mut c = parse_signal(&valid(), today()).unwrap();
    c.area = "Schilderswijk".into();
    assert_ne!(a.ensure_id().to_string(), c.ensure_id().to_string());
}
