//! The signal contract: one anonymised observation of a system barrier.
//!
//! A [`Signal`] can only be built through [`parse_signal`], which checks every field and
//! collects *all* field errors (in Dutch, naming the field) instead of stopping at the first.
//! Fields that would identify a person are refused outright, whatever their value.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Longest free text accepted, in characters (not bytes). A signal is a short note; anything
/// longer is almost certainly a pasted case file, which Knooppunt must not hold.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Longest `source`, `area` and `organisation` value, in characters.
pub const MAX_LABEL_CHARS: usize = 100;
/// Longest client-supplied `id`, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// Highest plausible waiting time: ten years.
pub const MAX_WAIT_DAYS: i64 = 3_650;
/// Signals older than this year are refused: Knooppunt is about current barriers.
pub const EARLIEST_YEAR: i32 = 2000;

mod boundary;

use boundary::{normalised_fields, personal_data_in_id, personal_data_in_source};
pub use boundary::{shown_field_name, MAX_SHOWN_FIELD_NAME};

/// Field names of the contract, in the order they are documented.
pub const CONTRACT_FIELDS: [&str; 8] = [
    "id",
    "observed_on",
    "source",
    "area",
    "text",
    "themes",
    "organisation",
    "wait_days",
];

/// Field names that would carry personal data. They are refused with a message that says why,
/// instead of the generic "unknown field".
const IDENTIFYING_FIELDS: &[(&str, &str)] = &[
    ("naam", "een naam"),
    ("name", "een naam"),
    ("voornaam", "een naam"),
    ("achternaam", "een naam"),
    ("firstname", "een naam"),
    ("first_name", "een naam"),
    ("lastname", "een naam"),
    ("last_name", "een naam"),
    ("surname", "een naam"),
    ("client", "een cliënt"),
    ("bsn", "een BSN"),
    ("burgerservicenummer", "een BSN"),
    ("sofinummer", "een BSN"),
    ("adres", "een adres"),
    ("address", "een adres"),
    ("straat", "een adres"),
    ("street", "een adres"),
    ("huisnummer", "een adres"),
    ("postcode", "een adres"),
    ("zipcode", "een adres"),
    ("geboortedatum", "een geboortedatum"),
    ("birthdate", "een geboortedatum"),
    ("date_of_birth", "een geboortedatum"),
    ("dob", "een geboortedatum"),
    ("telefoon", "een telefoonnummer"),
    ("telefoonnummer", "een telefoonnummer"),
    ("phone", "een telefoonnummer"),
    ("mobiel", "een telefoonnummer"),
    ("email", "een e-mailadres"),
    ("e-mail", "een e-mailadres"),
    ("mail", "een e-mailadres"),
    ("emailadres", "een e-mailadres"),
    ("iban", "een rekeningnummer"),
    ("rekeningnummer", "een rekeningnummer"),
    ("dossiernummer", "een dossiernummer"),
    ("zaaknummer", "een dossiernummer"),
    ("klantnummer", "een dossiernummer"),
    ("clientnummer", "een dossiernummer"),
];

/// The themes a signal may be tagged with (DESIGN.md, "The signal").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Theme {
    MentalHealth,
    Loneliness,
    Finances,
    SubstanceUse,
    Violence,
    Housing,
    ChildrenAndFamily,
}

crate::named::stored_names!(Theme {
    MentalHealth => "mentale-gezondheid",
    Loneliness => "eenzaamheid",
    Finances => "financien",
    SubstanceUse => "middelengebruik",
    Violence => "geweld",
    Housing => "huisvesting",
    ChildrenAndFamily => "kinderen-gezin",
});

impl Theme {
    /// The theme as a form shows it.
    pub fn label(self) -> &'static str {
        match self {
            Theme::MentalHealth => "Mentale gezondheid",
            Theme::Loneliness => "Eenzaamheid",
            Theme::Finances => "Financiën",
            Theme::SubstanceUse => "Middelengebruik",
            Theme::Violence => "Geweld",
            Theme::Housing => "Huisvesting",
            Theme::ChildrenAndFamily => "Kinderen en gezin",
        }
    }

    /// Accepts the canonical id and what people type in a spreadsheet:
    /// "Mentale gezondheid", "Financiën", "kinderen/gezin".
    pub fn parse(input: &str) -> Option<Theme> {
        let normalised: String = input
            .trim()
            .to_lowercase()
            .replace('ë', "e")
            .chars()
            .map(|c| {
                if c == ' ' || c == '/' || c == '_' {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        Theme::from_name(&normalised)
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated signal. Its text has *not* necessarily been scrubbed yet: intake scrubs it
/// (see [`crate::scrub`]) before it leaves the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// Client key; with `source` it makes resubmission idempotent. Intake derives one from the
    /// content when the client sends none, so resubmitting the same note is idempotent too.
    pub id: Option<String>,
    pub observed_on: NaiveDate,
    pub source: String,
    pub area: String,
    pub text: String,
    #[serde(default)]
    pub themes: Vec<Theme>,
    pub organisation: Option<String>,
    pub wait_days: Option<u32>,
}

impl Signal {
    /// The id to store under: the client's, or one derived from the (scrubbed) content.
    pub fn ensure_id(&mut self) -> &str {
        if self.id.is_none() {
            let key = format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                self.source, self.observed_on, self.area, self.text
            );
            self.id = Some(uuid::Uuid::new_v5(&ID_NAMESPACE, key.as_bytes()).to_string());
        }
        self.id.as_deref().unwrap_or_default()
    }
}

const ID_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0001);

/// One problem with one field, in Dutch, for the person who submitted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Joins field errors into one line, e.g. for a CSV summary.
pub fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Parses one signal from a JSON value, checking every field against the contract.
/// `today` is the current date in the Netherlands; later dates are refused.
pub fn parse_signal(value: &Value, today: NaiveDate) -> Result<Signal, Vec<FieldError>> {
    let Some(object) = value.as_object() else {
        return Err(vec![FieldError::new(
            "signaal",
            "verwacht een JSON-object met de velden van een signaal",
        )]);
    };
    parse_object(object, today)
}

fn parse_object(raw: &Map<String, Value>, today: NaiveDate) -> Result<Signal, Vec<FieldError>> {
    let mut errors = field_name_errors(raw);
    let signal = read_fields(&normalised_fields(raw), today, &mut errors);
    match signal {
        Some(signal) if errors.is_empty() => Ok(signal),
        _ => Err(errors),
    }
}

/// Keys sent twice, keys that would carry personal data and keys the contract does not know.
fn field_name_errors(raw: &Map<String, Value>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for key in crate::json::duplicated_keys(raw) {
        errors.push(FieldError::new(
            shown_field_name(key),
            "komt meer dan één keer voor in het signaal; stuur elk veld één keer",
        ));
    }
    for key in raw.keys() {
        if CONTRACT_FIELDS.contains(&key.as_str()) || key.starts_with(crate::json::DUPLICATE_MARKER)
        {
            continue;
        }
        let lowered = crate::normalise::normalise_label(key).to_lowercase();
        match IDENTIFYING_FIELDS.iter().find(|(name, _)| *name == lowered) {
            Some((_, what)) => errors.push(FieldError::new(
                shown_field_name(key),
                format!(
                    "dit veld is niet toegestaan: Knooppunt bewaart geen persoonsgegevens ({what})"
                ),
            )),
            None => errors.push(FieldError::new(
                shown_field_name(key),
                format!(
                    "onbekend veld; toegestaan zijn: {}",
                    CONTRACT_FIELDS.join(", ")
                ),
            )),
        }
    }
    errors
}

/// Reads every contract field of the (normalised) object, adding each field's error in
/// contract order; the signal only when all fields are good.
fn read_fields(
    object: &Map<String, Value>,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<Signal> {
    let id = take(errors, optional_field(object, "id", parse_id));
    let observed_on = take(
        errors,
        required_field(object, "observed_on", |v| parse_observed_on(v, today)),
    );
    let source = take(
        errors,
        required_field(object, "source", |v| parse_label(v, "source")),
    );
    let area = take(
        errors,
        required_field(object, "area", |v| parse_label(v, "area")),
    );
    let text = take(errors, required_field(object, "text", parse_text));
    let themes = take(errors, optional_field(object, "themes", parse_themes));
    let organisation = take(
        errors,
        optional_field(object, "organisation", |v| parse_label(v, "organisation")),
    );
    let wait_days = take(errors, optional_field(object, "wait_days", parse_wait_days));
    Some(Signal {
        id: id?,
        observed_on: observed_on?,
        source: source?,
        area: area?,
        text: text?,
        themes: themes?.unwrap_or_default(),
        organisation: organisation?,
        wait_days: wait_days?,
    })
}

/// The value of a good field; a bad field's error is added to `errors`.
fn take<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// A required field, parsed; its error names the field.
fn required_field<T>(
    object: &Map<String, Value>,
    field: &str,
    parse: impl FnOnce(&Value) -> Result<T, String>,
) -> Result<T, FieldError> {
    required(object, field).and_then(|v| parse(v).map_err(|m| FieldError::new(field, m)))
}

/// An optional field, parsed when present; its error names the field.
fn optional_field<T>(
    object: &Map<String, Value>,
    field: &str,
    parse: impl FnOnce(&Value) -> Result<T, String>,
) -> Result<Option<T>, FieldError> {
    optional(object, field)
        .map(|v| parse(v).map_err(|m| FieldError::new(field, m)))
        .transpose()
}

/// A present, non-null value; `null` and empty strings count as absent.
fn optional<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    match object.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(v) => Some(v),
    }
}

fn required<'a>(object: &'a Map<String, Value>, field: &str) -> Result<&'a Value, FieldError> {
    optional(object, field)
        .ok_or_else(|| FieldError::new(field, "verplicht veld ontbreekt of is leeg"))
}

fn as_str<'a>(value: &'a Value, expected: &str) -> Result<&'a str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("verwacht {expected}, maar kreeg {}", json_kind(value)))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "niets (null)",
        Value::Bool(_) => "waar/onwaar",
        Value::Number(_) => "een getal",
        Value::String(_) => "tekst",
        Value::Array(_) => "een lijst",
        Value::Object(_) => "een object",
    }
}

fn parse_id(value: &Value) -> Result<String, String> {
    let id = match value {
        Value::Number(n) => n.to_string(),
        other => as_str(other, "tekst")?.trim().to_string(),
    };
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!("te lang (maximaal {MAX_ID_CHARS} tekens)"));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
    {
        return Err("alleen letters, cijfers en - _ . : / zijn toegestaan".into());
    }
    if let Some(what) = personal_data_in_id(&id) {
        return Err(format!(
            "lijkt {what} te bevatten; een kenmerk mag geen persoonsgegevens bevatten — gebruik een eigen volgnummer"
        ));
    }
    Ok(id)
}

/// Accepts ISO dates (`2026-09-14`) and what Dutch spreadsheets write (`14-09-2026`,
/// `14-9-2026`, `14/09/2026`).
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let input = input.trim();
    // ISO with a four-digit year: chrono would read "1-12-26" as the 26th of December of
    // the year 1.
    let four_digit_year = input.split('-').next().is_some_and(|y| y.len() == 4);
    if four_digit_year {
        if let Ok(date) = NaiveDate::parse_from_str(input, "%Y-%m-%d") {
            return Some(date);
        }
    }
    let parts: Vec<&str> = input.split(['-', '/', '.']).collect();
    if let [d, m, y] = parts[..] {
        if y.len() == 4 && (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) {
            let (d, m, y) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
            return NaiveDate::from_ymd_opt(y, m, d);
        }
    }
    None
}

fn parse_observed_on(value: &Value, today: NaiveDate) -> Result<NaiveDate, String> {
    let raw = as_str(value, "een datum als jjjj-mm-dd of dd-mm-jjjj")?;
    let date = parse_date(raw)
        .ok_or_else(|| "geen geldige datum; gebruik jjjj-mm-dd of dd-mm-jjjj".to_string())?;
    if date > today {
        return Err(format!(
            "datum {} ligt in de toekomst",
            date.format("%d-%m-%Y")
        ));
    }
    if date.year() < EARLIEST_YEAR {
        return Err(format!(
            "datum {} ligt vóór {EARLIEST_YEAR}",
            date.format("%d-%m-%Y")
        ));
    }
    Ok(date)
}

fn parse_label(value: &Value, field: &str) -> Result<String, String> {
    let label = as_str(value, "tekst")?.trim();
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(format!("te lang (maximaal {MAX_LABEL_CHARS} tekens)"));
    }
    if field == "source"
        && !label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '&'))
    {
        return Err("alleen letters, cijfers, spaties en - _ . & zijn toegestaan".into());
    }
    if field == "source" {
        if let Some(what) = personal_data_in_source(label) {
            return Err(format!(
                "lijkt {what} te bevatten; de bron is de code van een team of partner, geen persoon"
            ));
        }
    }
    Ok(label.to_string())
}

fn parse_text(value: &Value) -> Result<String, String> {
    let text = as_str(value, "tekst")?;
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(format!(
            "te lang: {} tekens, maximaal {}; een signaal is een korte notitie",
            crate::dutch_number::count(chars),
            crate::dutch_number::count(MAX_TEXT_CHARS)
        ));
    }
    Ok(text.to_string())
}

fn parse_themes(value: &Value) -> Result<Vec<Theme>, String> {
    let items: Vec<&str> = match value {
        Value::Array(items) => items
            .iter()
            .map(|v| as_str(v, "een lijst met thema's als tekst"))
            .collect::<Result<_, _>>()?,
        // One string is refused rather than split: "financien huisvesting" or a typo in the
        // separator would silently become one unknown or one fewer theme. CSV cells, which can
        // only hold text, are split into a list by the CSV reader before they get here.
        Value::String(_) => {
            return Err(
                "verwacht een lijst met thema's, zoals [\"financien\", \"huisvesting\"], geen losse tekst"
                    .into(),
            )
        }
        other => {
            return Err(format!(
                "verwacht een lijst met thema's, maar kreeg {}",
                json_kind(other)
            ))
        }
    };
    let mut themes = Vec::with_capacity(items.len());
    let mut unknown = Vec::new();
    for item in items {
        match Theme::parse(item) {
            Some(theme) if !themes.contains(&theme) => themes.push(theme),
            Some(_) => {}
            // Only the position is reported: a free-typed theme could contain anything.
            None => unknown.push(themes.len() + unknown.len() + 1),
        }
    }
    if !unknown.is_empty() {
        let allowed: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
        return Err(format!(
            "onbekend thema (positie {}); toegestaan zijn: {}",
            unknown
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            allowed.join(", ")
        ));
    }
    themes.sort();
    Ok(themes)
}

/// A whole number, also as a spreadsheet writes it with a decimal part of zeros ("140,0",
/// "140.00"): a cell formatted with decimals.
fn whole_number(text: &str) -> Option<i64> {
    let (whole, decimals) = text.split_once([',', '.']).unwrap_or((text, ""));
    decimals
        .chars()
        .all(|c| c == '0')
        .then(|| whole.parse().ok())
        .flatten()
}

fn parse_wait_days(value: &Value) -> Result<u32, String> {
    let days = match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .ok_or_else(|| "verwacht een geheel aantal dagen".to_string())?,
        Value::String(s) => {
            whole_number(s.trim()).ok_or_else(|| "verwacht een geheel aantal dagen".to_string())?
        }
        other => {
            return Err(format!(
                "verwacht een geheel aantal dagen, maar kreeg {}",
                json_kind(other)
            ))
        }
    };
    if !(0..=MAX_WAIT_DAYS).contains(&days) {
        return Err(format!("moet tussen 0 en {MAX_WAIT_DAYS} dagen liggen"));
    }
    u32::try_from(days).map_err(|_| "verwacht een geheel aantal dagen".to_string())
}

#[cfg(test)]
mod boundary_tests;

#[cfg(test)]
mod tests;
