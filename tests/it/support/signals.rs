//! Signals as a partner posts them and as the rules engine hands them to the store, and small
//! rule sets to classify them with.

use chrono::NaiveDate;
use knooppunt_domain::cluster::ClusterRow;
use knooppunt_domain::cluster::{BarrierMatch, Classified, ClusterKeyValues};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_store::Store;

/// A signal as a partner would post it.
pub fn signal(id: &str, source: &str, area: &str, date: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "observed_on": date,
        "source": source,
        "area": area,
        "text": text,
    })
}

/// [`signal`], observed today (Dutch time).
pub fn signal_today(id: &str, source: &str, area: &str, text: &str) -> serde_json::Value {
    signal(
        id,
        source,
        area,
        &knooppunt_ingest::today_nl().to_string(),
        text,
    )
}

/// The envelope intake makes of `value` (a posted signal) on `today`, as if over HTTP.
pub fn envelope_of(value: &serde_json::Value, today: NaiveDate) -> Envelope {
    let signal = knooppunt_domain::signal::parse_signal(value, today).expect("a valid signal");
    Envelope::prepare(signal, Channel::Http, chrono::Utc::now())
}

/// `envelope` as the engine classifies it with rule set `test-1`: in each of `barriers`,
/// clustered by `area`, with `wait_days` for the signal and each match.
pub fn classified_as(
    envelope: Envelope,
    barriers: &[&str],
    area: &str,
    wait_days: Option<u32>,
) -> Classified {
    let key = knooppunt_rules::ruleset::ClusterKey {
        area: true,
        organisation: false,
    };
    Classified {
        envelope,
        matches: barriers
            .iter()
            .map(|barrier| BarrierMatch {
                barrier: barrier.to_string(),
                confidence: 1.0,
                wait_days,
                cluster: ClusterKeyValues::new(key, area, None),
                split_to: None,
                found: Default::default(),
            })
            .collect(),
        wait_days,
        rules_version: "test-1".into(),
        model_version: None,
    }
}

/// A rules file of version `version` with one barrier per `(id, pattern)`, each with
/// placeholder title, frame and owner. Tables may follow (`[clusters]`, `[[organisation]]`).
pub fn rules_toml(version: &str, barriers: &[(&str, &str)]) -> String {
    let mut toml = format!("version = \"{version}\"\n");
    for (id, pattern) in barriers {
        toml.push_str(&format!(
            "[[barrier]]\nid = \"{id}\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = [\"{pattern}\"]\n"
        ));
    }
    toml
}

/// The stored cluster of `barrier` in `area`, if there is one.
pub async fn cluster_in(store: &Store, barrier: &str, area: &str) -> Option<ClusterRow> {
    store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.barrier == barrier && c.area == area)
}
