//! The versioned message that carries one signal from intake to the rules engine, on Kafka and
//! in the embedded spool alike.
//!
//! ```json
//! {"v": 1, "channel": "http", "received_at": "2026-09-14T10:12:00Z",
//!  "signal": {"id": "…", "observed_on": "2026-09-14", "source": "…", "area": "…", "text": "…"}}
//! ```
//!
//! Partner systems may produce envelopes straight onto the signals topic, so decoding trusts
//! nothing: the signal inside is validated again, and every decode error describes *what* is
//! wrong without quoting the payload (it may hold personal data).

use crate::scrub::{scrub, PiiKind};
use crate::signal::{describe, FieldError, Signal};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The envelope version this build writes and reads.
pub const ENVELOPE_VERSION: u64 = 1;

/// How a signal entered Knooppunt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Http,
    Csv,
    Jsonl,
    Form,
    /// Produced straight onto the topic by a partner system.
    Kafka,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub v: u64,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub signal: Signal,
    /// The W3C `traceparent` of the request that brought the signal in, if any (see
    /// [`crate::traceparent`]); carries no personal data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
}

impl Envelope {
    /// Builds the envelope for a validated signal: scrubs its free text (and the labels, which
    /// people also fill with names and addresses) and gives it an id.
    pub fn prepare(signal: Signal, channel: Channel, received_at: DateTime<Utc>) -> Self {
        Self::prepare_screened(signal, channel, received_at).0
    }

    /// Like [`Envelope::prepare`], also saying what personal data the signal held.
    pub fn prepare_screened(
        mut signal: Signal,
        channel: Channel,
        received_at: DateTime<Utc>,
    ) -> (Self, Screening) {
        let text = scrub(&signal.text);
        let area = scrub(&signal.area);
        let organisation = signal.organisation.as_deref().map(scrub);
        let mut found: Vec<PiiKind> = text.found.clone();
        found.extend(area.found.iter().copied());
        if let Some(o) = &organisation {
            found.extend(o.found.iter().copied());
        }
        found.sort();
        found.dedup();
        let screening = Screening {
            mostly_personal: text.mostly_personal(&signal.text),
            found,
        };
        signal.text = text.text;
        signal.area = area.text;
        signal.organisation = organisation.map(|o| o.text);
        signal.ensure_id();
        let envelope = Envelope {
            v: ENVELOPE_VERSION,
            channel,
            received_at,
            signal,
            traceparent: None,
        };
        (envelope, screening)
    }

    /// The Kafka key: the area, so one area's signals stay in order on one partition.
    pub fn key(&self) -> String {
        partition_key(&self.signal.area)
    }

    pub fn id(&self) -> &str {
        self.signal.id.as_deref().unwrap_or_default()
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// What the anonymiser found in a signal before it scrubbed it: kinds only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screening {
    pub found: Vec<PiiKind>,
    /// More than half of the text was personal data.
    pub mostly_personal: bool,
}

impl Screening {
    /// Whether a signal must be refused rather than kept: its text was mostly personal data,
    /// or it still held a BSN or IBAN when it reached the rules engine (intake removes those,
    /// so the record did not pass intake, or passed a faulty one).
    pub fn refuse_in_engine(&self) -> bool {
        self.mostly_personal
            || self
                .found
                .iter()
                .any(|k| matches!(k, PiiKind::Bsn | PiiKind::Iban))
    }
}

/// Normalises an area into a stable key: trimmed, lower case.
pub fn partition_key(area: &str) -> String {
    area.trim().to_lowercase()
}

/// Why a message could not be decoded. The text is safe to log and to put in a dead-letter
/// header: it names fields and positions, never values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Decodes and re-validates an envelope.
pub fn decode(payload: &[u8], today: NaiveDate) -> Result<Envelope, DecodeError> {
    decode_screened(payload, today).map(|(envelope, _)| envelope)
}

/// Decodes, re-validates and re-scrubs an envelope, saying what personal data was still in it.
pub fn decode_screened(
    payload: &[u8],
    today: NaiveDate,
) -> Result<(Envelope, Screening), DecodeError> {
    let payload = payload.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(payload);
    let value: Value = crate::json::from_slice(payload).map_err(|e| DecodeError(e.to_string()))?;
    let Value::Object(mut object) = value else {
        return Err(DecodeError("envelop is geen JSON-object".into()));
    };
    if let Some(key) = crate::json::duplicated_keys(&object).next() {
        return Err(DecodeError(format!(
            "veld '{}' komt twee keer voor in de envelop",
            safe_name(key)
        )));
    }
    let version = object.get("v").and_then(Value::as_u64);
    if version != Some(ENVELOPE_VERSION) {
        return Err(DecodeError(match version {
            Some(v) => format!("onbekende envelopversie {v}; deze versie leest {ENVELOPE_VERSION}"),
            None => "envelop mist versieveld 'v'".into(),
        }));
    }
    let channel = match object.remove("channel") {
        None => Channel::Kafka,
        Some(v) => serde_json::from_value(v)
            .map_err(|_| DecodeError("onbekend kanaal in veld 'channel'".into()))?,
    };
    let received_at = match object.remove("received_at") {
        None => Utc::now(),
        Some(Value::String(s)) => DateTime::parse_from_rfc3339(&s)
            .map_err(|_| DecodeError("veld 'received_at' is geen RFC 3339-tijdstip".into()))?
            .with_timezone(&Utc),
        Some(_) => return Err(DecodeError("veld 'received_at' is geen tekst".into())),
    };
    let signal = object
        .remove("signal")
        .ok_or_else(|| DecodeError("envelop mist veld 'signal'".into()))?;
    // A malformed trace context is dropped, not refused: it only links log records.
    let traceparent = match object.remove("traceparent") {
        Some(Value::String(t)) if crate::traceparent::is_valid(&t) => Some(t),
        _ => None,
    };
    if let Some(extra) = object.keys().find(|k| k.as_str() != "v") {
        return Err(DecodeError(format!(
            "onbekend veld '{}' in envelop",
            safe_name(extra)
        )));
    }
    let invalid =
        |errors: Vec<FieldError>| DecodeError(format!("ongeldig signaal: {}", describe(&errors)));
    let mut signal = crate::register::parse_signal(&signal, today).map_err(invalid)?;
    // Partners may produce onto the topic directly: their areas and sources are mapped (or
    // refused) by the same register as intake's.
    crate::register::active()
        .apply(&mut signal)
        .map_err(invalid)?;
    let (mut envelope, screening) = Envelope::prepare_screened(signal, channel, received_at);
    if traceparent.is_some() {
        envelope.traceparent = traceparent;
    }
    Ok((envelope, screening))
}

/// Field names come from the message itself; keep them short and plain before echoing them.
fn safe_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(40)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::parse_signal;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn signal() -> Signal {
        parse_signal(
            &json!({"observed_on": "2026-09-14", "source": "parnassia-fact", "area": " Moerwijk ",
                    "text": "Wachtlijst, bel 0612345678"}),
            today(),
        )
        .unwrap()
    }

    #[test]
    fn round_trips_and_scrubs() {
        let envelope = Envelope::prepare(signal(), Channel::Http, Utc::now());
        assert_eq!(envelope.signal.text, "Wachtlijst, bel [TELEFOON]");
        assert_eq!(envelope.key(), "moerwijk");
        let decoded = decode(&envelope.to_json(), today()).unwrap();
        assert_eq!(decoded.signal, envelope.signal);
        assert_eq!(decoded.channel, Channel::Http);
    }

    #[test]
    fn decode_errors_never_quote_the_payload() {
        let cases: Vec<(&[u8], &str)> = vec![
            (b"{\"v\":1, \"signal\": Jan Jansen}", "geen geldige JSON"),
            (b"[1,2]", "geen JSON-object"),
            (b"{\"v\":2,\"signal\":{}}", "envelopversie 2"),
            (b"{\"signal\":{}}", "versieveld"),
            (
                br#"{"v":1,"signal":{"observed_on":"2026-09-14","source":"a","area":"b","text":"c","naam":"Jan Jansen"}}"#,
                "naam: dit veld is niet toegestaan",
            ),
        ];
        for (payload, expect) in cases {
            let err = decode(payload, today()).unwrap_err().to_string();
            assert!(err.contains(expect), "{err}");
            assert!(!err.contains("Jan"), "{err}");
        }
    }

    #[test]
    fn a_partners_unknown_wijk_is_named_beside_its_other_errors() {
        let payload = br#"{"v":1,"received_at":"2026-09-14T10:00:00+00:00","signal":{"observed_on":"2026-02-31","source":"parnassia-fact","area":"Nergenshuizen","text":"Wachtlijst"}}"#;
        let err = decode(payload, today()).unwrap_err().to_string();
        assert!(err.contains("observed_on"), "{err}");
        assert!(err.contains("area: onbekende wijk of buurt"), "{err}");
        assert!(!err.contains("Nergenshuizen"), "{err}");
    }

    #[test]
    fn partner_envelopes_without_channel_are_accepted_and_scrubbed() {
        let payload = br#"{"v":1,"signal":{"observed_on":"2026-09-14","source":"haag-wonen-wijkbeheer","area":"Moerwijk","text":"bsn 111222333"}}"#;
        let (envelope, screening) = decode_screened(payload, today()).unwrap();
        assert_eq!(envelope.channel, Channel::Kafka);
        assert_eq!(envelope.signal.text, "bsn [BSN]");
        assert!(envelope.signal.id.is_some());
        assert_eq!(screening.found, vec![PiiKind::Bsn]);
        assert!(
            screening.refuse_in_engine(),
            "a BSN that reached the engine is refused"
        );
        let name_only = br#"{"v":1,"signal":{"observed_on":"2026-09-14","source":"haag-wonen-wijkbeheer","area":"Laak","text":"Fatima wacht al 8 weken op de corporatie over de schimmel"}}"#;
        let (envelope, screening) = decode_screened(name_only, today()).unwrap();
        assert_eq!(
            envelope.signal.text,
            "[NAAM] wacht al 8 weken op de corporatie over de schimmel"
        );
        assert!(
            !screening.refuse_in_engine(),
            "a name is scrubbed and the signal kept"
        );
    }
}
