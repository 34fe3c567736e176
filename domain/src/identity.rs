//! One `(source, id)`, one content: the key a signal is stored under and the hash its content
//! is compared by (the intake and the engine refuse the same id with other content).

use crate::envelope::Envelope;
use crate::signal::Signal;
use sha2::{Digest, Sha256};

/// The refusal, on field `id`.
pub const ID_CONFLICT: &str = "dit id hoort al bij een signaal met een andere inhoud (datum, wijk, tekst, thema's of wachttijd); geef een nieuw signaal een eigen id";

/// `(source, id)`.
pub type SignalKey = (String, String);

/// The content hash of a (scrubbed, normalised) signal: hex SHA-256 of its observed_on, area,
/// text, themes and wait_days.
pub fn content_hash(signal: &Signal) -> String {
    let themes: Vec<&str> = signal.themes.iter().map(|t| t.as_str()).collect();
    let canonical = serde_json::json!([
        signal.observed_on.to_string(),
        signal.area,
        signal.text,
        themes,
        signal.wait_days,
    ]);
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    // Lower-case hex, two digits a byte, in one formatting (not one `String` per byte).
    format!("{digest:x}")
}

/// The key an envelope is stored under.
pub fn key_of(envelope: &Envelope) -> SignalKey {
    (envelope.signal.source.clone(), envelope.id().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::Theme;

    #[test]
    fn content_hashes_stay_what_was_stored() {
        let signal = Signal {
            id: Some("a".into()),
            observed_on: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            source: "t1".into(),
            area: "Moerwijk".into(),
            text: "Mevr. wacht op de schuldhulp ë".into(),
            themes: vec![Theme::Housing],
            organisation: None,
            wait_days: Some(12),
        };
        // SHA-256 of `["2026-06-30","Moerwijk","Mevr. wacht op de schuldhulp ë",["huisvesting"],12]`.
        assert_eq!(
            content_hash(&signal),
            "4cadd5276fb57afc4f035b65327c596619ea8a8d1ff4e211562aae2ab05b92f9"
        );
    }
}
