//! The boundary helpers of the contract: how fields are normalised before validation, how a
//! submitted field name may be shown, and what personal data an `id` or `source` holds.

use super::CONTRACT_FIELDS;
use serde_json::{Map, Value};

/// Longest field name echoed in an error; longer names are cut (and marked with `…`).
pub const MAX_SHOWN_FIELD_NAME: usize = 40;

/// How an error names a field the submitter sent: a plain name (ASCII letters, digits, `_`, `-`,
/// `.`, `'`, space) is shown, cut to [`MAX_SHOWN_FIELD_NAME`] characters; anything else is not
/// echoed at all, since a key can hold anything, personal data included.
pub fn shown_field_name(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '\'' | ' '));
    if !plain {
        return "(onbekend veld, naam niet getoond)".into();
    }
    if key.chars().count() > MAX_SHOWN_FIELD_NAME {
        let cut: String = key.chars().take(MAX_SHOWN_FIELD_NAME).collect();
        format!("{cut}…")
    } else {
        key.to_string()
    }
}

/// The contract's fields with their strings normalised ([`crate::normalise`]): free text keeps
/// its line breaks, every other string becomes one clean line. Other keys are left out.
pub(super) fn normalised_fields(raw: &Map<String, Value>) -> Map<String, Value> {
    use crate::normalise::{normalise_label, normalise_text};
    let mut object = Map::new();
    for field in CONTRACT_FIELDS {
        let Some(value) = raw.get(field) else {
            continue;
        };
        let value = match value {
            Value::String(s) if field == "text" => Value::String(normalise_text(s)),
            Value::String(s) => Value::String(normalise_label(s)),
            Value::Array(items) if field == "themes" => Value::Array(
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(s) => Value::String(normalise_label(s)),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        object.insert(field.to_string(), value);
    }
    object
}

/// What personal data an `id` seems to hold: a BSN (11-proef), IBAN, phone number, e-mail
/// address or postcode, as the anonymiser recognises them. Names are not looked for: ids are
/// codes such as `vb-2026-0001`, and a word list would refuse good ones.
pub(super) fn personal_data_in_id(id: &str) -> Option<&'static str> {
    use crate::scrub::PiiKind;
    // Separators in ids ("123.456.782", "0612-345678") are read as the anonymiser reads text.
    let spaced: String = id
        .chars()
        .map(|c| if matches!(c, '_' | ':' | '/') { ' ' } else { c })
        .collect();
    crate::scrub::shapes_found(&spaced)
        .iter()
        .find_map(|kind| match kind {
            PiiKind::Bsn => Some("een BSN"),
            PiiKind::Iban => Some("een rekeningnummer"),
            PiiKind::Phone => Some("een telefoonnummer"),
            PiiKind::Email => Some("een e-mailadres"),
            PiiKind::Postcode => Some("een postcode"),
            _ => None,
        })
}

/// What personal data a `source` seems to hold: anything the anonymiser finds, or a person's
/// name from the gazetteer ("fatima-el-amrani"). A source is a team or partner code.
pub(super) fn personal_data_in_source(source: &str) -> Option<&'static str> {
    if crate::scrub::label_is_person_name(source) {
        return Some("een naam");
    }
    crate::scrub::scrub(source)
        .found
        .first()
        .map(|kind| match kind {
            crate::scrub::PiiKind::Name => "een naam",
            crate::scrub::PiiKind::Bsn => "een BSN",
            crate::scrub::PiiKind::Iban => "een rekeningnummer",
            crate::scrub::PiiKind::Phone => "een telefoonnummer",
            crate::scrub::PiiKind::Email => "een e-mailadres",
            crate::scrub::PiiKind::Address | crate::scrub::PiiKind::Postcode => "een adres",
            crate::scrub::PiiKind::DateOfBirth => "een geboortedatum",
            crate::scrub::PiiKind::CaseNumber => "een dossiernummer",
        })
}
