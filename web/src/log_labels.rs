//! How the verwerkingslog page words what the log stores: an action's name ("signaal-ontvangen")
//! as a phrase ("Signaal ontvangen"), and a record's attributes (JSON with English or coded
//! keys) as Dutch "label: waarde" pairs. The log itself and its JSON-lines export keep the
//! stored names: they are the interface other systems read.

use knooppunt_domain::processing_log::actions;
use serde_json::Value;

/// What the page calls an action; an action it does not know, by its stored name.
pub(crate) fn action(name: &str) -> String {
    let label = match name {
        actions::SIGNAL_RECEIVED => "Signaal ontvangen",
        actions::SIGNAL_CLASSIFIED => "Signaal ingedeeld",
        actions::SIGNAL_QUARANTINED => "Signaal geweigerd (persoonsgegevens)",
        actions::DECISION => "Besluit van het overleg",
        actions::CLUSTER_VIEWED => "Pagina met signaalteksten bekeken",
        actions::BRIEF_DOWNLOADED => "Brief gedownload",
        actions::EXPORT => "Export gedownload",
        actions::SIGN_IN => "Aangemeld",
        actions::SIGN_IN_FAILED => "Aanmelden mislukt",
        actions::ADMINISTRATION => "Beheer",
        actions::RETENTION_PURGE => "Opgeschoond na de bewaartermijn",
        actions::LOG_EXPORTED => "Verwerkingslog geëxporteerd",
        other => return other.to_string(),
    };
    label.to_string()
}

/// The Dutch label of an attribute's key; a key it does not know, as stored.
fn key(name: &str) -> &str {
    match name {
        "signal_id" => "signaal",
        "source" => "bron",
        "channel" => "kanaal",
        "barriers" => "barrières",
        "rules_version" => "regelset",
        "kinds" => "soorten persoonsgegevens",
        "change" => "wijziging",
        "account" => "account",
        "role" => "rol",
        "areas" => "wijken",
        "windows" => "vensters",
        "token_id" => "token",
        "cluster_id" => "cluster",
        "page" => "pagina",
        "what" => "wat",
        "format" => "formaat",
        "quarter" => "kwartaal",
        "title" => "titel",
        "http_status" => "antwoord (HTTP)",
        "records" => "regels",
        "actor_filter" => "filter wie",
        "action_filter" => "filter actie",
        "text_cutoff" => "teksten tot",
        "quarantine_cutoff" => "weigeringen tot",
        "signals_purged" => "teksten gewist",
        "vignettes_removed" => "vignetten verwijderd",
        "quarantine_deleted" => "weigeringen verwijderd",
        "sessions_deleted" => "sessies verwijderd",
        "tokens_deleted" => "tokens verwijderd",
        "attendee_cutoff" => "aanwezigen tot",
        "attendees_anonymised" => "aanwezigen geanonimiseerd",
        "action" => "actie",
        "state_after" => "status na",
        "observed_on" => "waargenomen op",
        "decision_seq" => "besluit nr.",
        "signal_count" => "signalen",
        "programme" => "programma",
        other => other,
    }
}

/// A value as text: strings without quotes, lists joined by commas, nothing for null.
fn value(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(self::value).collect::<Vec<_>>().join(", "),
        Value::Bool(true) => "ja".into(),
        Value::Bool(false) => "nee".into(),
        other => other.to_string(),
    }
}

/// Whether an attribute holds a day or an instant: "datum", "observed_on", the retention
/// run's "…_cutoff"s, an "…_at". Shown the Dutch way ("30-11-2026", "30-11-2026 09:15" in
/// Dutch time), as every page shows them; the log stores them as ISO 8601. By key, so an id
/// that happens to read as a date stays as it is.
fn holds_time(name: &str) -> bool {
    matches!(name, "datum" | "observed_on") || name.ends_with("_cutoff") || name.ends_with("_at")
}

/// `text` as a Dutch day or local time when it is a stored day ("2026-11-30") or instant
/// ("2026-11-30T08:15:00Z"), through the pages' own [`crate::time`]; otherwise as it is.
fn dutch_if_time(text: &str) -> String {
    if text.contains('T') {
        crate::time::moment(text)
    } else {
        crate::time::day_text(text)
    }
}

/// A record's attributes as "label: waarde" pairs, empty values left out, joined by " · ";
/// anything that is not an object, as its JSON.
pub(crate) fn attributes(attributes: &Value) -> String {
    let Value::Object(fields) = attributes else {
        return attributes.to_string();
    };
    fields
        .iter()
        .map(|(name, v)| {
            let text = match v {
                Value::String(text) if holds_time(name) => dutch_if_time(text),
                other => value(other),
            };
            (key(name), text)
        })
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn attributes_read_as_dutch_pairs() {
        let stored = json!({
            "signal_id": "vb-2026-0001",
            "barriers": ["kostendelersnorm", "angst-vrijwilligerswerk"],
            "channel": "http",
            "empty": null,
            "nieuw": 3,
        });
        assert_eq!(
            super::attributes(&stored),
            "barrières: kostendelersnorm, angst-vrijwilligerswerk · kanaal: http · nieuw: 3 · \
             signaal: vb-2026-0001"
        );
        assert_eq!(super::attributes(&json!("los")), "\"los\"");
        // Days and instants as every page shows them; other text as it is.
        assert_eq!(
            super::attributes(&json!({
                "datum": "2026-12-03",
                "quarantine_cutoff": "2026-06-30T22:30:00Z",
                "text_cutoff": "2026-1-3",
                "signal_id": "2026-12-03",
            })),
            "datum: 03-12-2026 · weigeringen tot: 01-07-2026 00:30 · signaal: 2026-12-03 · \
             teksten tot: 2026-1-3"
        );
        assert_eq!(super::attributes(&json!({})), "");
    }

    /// A decision's record, as the store writes it, reads in Dutch from its first key to its
    /// last.
    #[test]
    fn a_decision_reads_in_dutch() {
        use knooppunt_reports::review::{Action, Decision, State};
        let decision = Decision {
            seq: 7,
            cluster_id: "c-1".into(),
            action: Action::Confirm,
            state_after: State::Confirmed,
            actor: "voorzitter".into(),
            reason: "toelichting".into(),
            signal_count: 12,
            decided_at: chrono::Utc::now(),
        };
        let record = knooppunt_domain::processing_log::Record::decision(&decision);
        assert_eq!(
            super::attributes(&record.attributes),
            "actie: bevestigen · cluster: c-1 · besluit nr.: 7 · signalen: 12 · status na: bevestigd"
        );
    }

    #[test]
    fn every_action_has_a_phrase() {
        for name in super::super::verwerkingslog::ACTIONS {
            let label = super::action(name);
            assert_ne!(label, *name, "{name}");
            assert!(label.starts_with(char::is_uppercase), "{label}");
        }
        assert_eq!(super::action("iets-nieuws"), "iets-nieuws");
    }
}
