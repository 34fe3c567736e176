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

/// What personal data an `id` seems to hold, as the anonymiser finds it in the id read as
/// text: once with `_ : /` as spaces (so "123.456.782" and "0612-345678" keep their shape) and
/// once with every separator as a space (so "Fatima-El-Amrani-12" and
/// "mw.de.boer-dossiernummer-2024-12345" read as words). An id is stored as a key, shown as the
/// kenmerk and logged: it must hold nothing that identifies a person.
pub(super) fn personal_data_in_id(id: &str) -> Option<&'static str> {
    let with = |separators: &[char]| -> String {
        id.chars()
            .map(|c| if separators.contains(&c) { ' ' } else { c })
            .collect()
    };
    let found = |text: &str| {
        crate::scrub::scrub(text)
            .found
            .first()
            .map(|kind| kind_phrase(*kind))
    };
    // The second reading differs only where the id has a hyphen or a full stop.
    found(&with(&['_', ':', '/'])).or_else(|| {
        id.contains(['-', '.'])
            .then(|| found(&with(&['_', ':', '/', '-', '.'])))
            .flatten()
    })
}

/// How a refusal names a kind of personal data.
fn kind_phrase(kind: crate::scrub::PiiKind) -> &'static str {
    use crate::scrub::PiiKind;
    match kind {
        PiiKind::Name => "een naam",
        PiiKind::Bsn => "een BSN",
        PiiKind::Iban => "een rekeningnummer",
        PiiKind::Phone => "een telefoonnummer",
        PiiKind::Email => "een e-mailadres",
        PiiKind::Address | PiiKind::Postcode => "een adres",
        PiiKind::DateOfBirth => "een geboortedatum",
        PiiKind::CaseNumber => "een dossiernummer",
    }
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
        .map(|kind| kind_phrase(*kind))
}
