//! Classified signals, the barriers they match and the clusters they join: the values the
//! rules engine produces, the store keeps and the reports read. Pure: no I/O.

use crate::envelope::{partition_key, Envelope};
use crate::recognition::Recognition;
use chrono::NaiveDate;
use serde::Serialize;

mod classification;
pub use classification::{Classification, ClassifiedBarrier};

/// What a cluster is keyed by, besides its barrier (`[clusters] key` in the rules file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClusterKey {
    pub area: bool,
    pub organisation: bool,
}

impl ClusterKey {
    /// The key's parts in order, called by `names` (for the barrier, the area, the
    /// organisation).
    fn parts<'a>(&self, names: [&'a str; 3]) -> Vec<&'a str> {
        let used = [true, self.area, self.organisation];
        names
            .into_iter()
            .zip(used)
            .filter_map(|(name, used)| used.then_some(name))
            .collect()
    }

    /// "barrier×area×organisation": how the key is shown and recorded.
    pub fn describe(&self) -> String {
        self.parts(["barrier", "area", "organisation"]).join("×")
    }

    /// The same for readers, in Dutch: "barrière en wijk", "barrière, wijk en organisatie".
    pub fn describe_nl(&self) -> String {
        let parts = self.parts(["barrière", "wijk", "organisatie"]);
        match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} en {last}", rest.join(", ")),
            _ => parts.join(""),
        }
    }
}

/// A classified signal, ready to be stored.
#[derive(Debug, Clone)]
pub struct Classified {
    pub envelope: Envelope,
    /// The barriers it matches, in rule-file order; empty means unclassified.
    pub matches: Vec<BarrierMatch>,
    /// The signal's own `wait_days`, else the longest wait its text mentions.
    pub wait_days: Option<u32>,
    pub rules_version: String,
    /// The version of the model that took part, when one did.
    pub model_version: Option<String>,
}

impl Classified {
    pub fn barriers(&self) -> impl Iterator<Item = &str> {
        self.matches.iter().map(|m| m.barrier.as_str())
    }

    /// Per barrier its wait, confidence and how it was found: what replay compares.
    pub fn classification(&self) -> Classification {
        Classification::of(&self.matches)
    }
}

/// One barrier of a classified signal, with the cluster it joins.
#[derive(Debug, Clone, PartialEq)]
pub struct BarrierMatch {
    pub barrier: String,
    pub confidence: f64,
    /// The waiting time that belongs to this barrier.
    pub wait_days: Option<u32>,
    pub cluster: ClusterKeyValues,
    /// The cluster the overleg moved this signal to (splitsen), instead of its key's.
    pub split_to: Option<String>,
    /// How the barrier was found (rule, model or overleg).
    pub found: Recognition,
}

impl BarrierMatch {
    /// The cluster this match counts in.
    pub fn cluster_id(&self) -> String {
        self.split_to
            .clone()
            .unwrap_or_else(|| cluster_id(&self.barrier, &self.cluster))
    }
}

/// The values of a cluster's key besides the barrier; empty where the key leaves one out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterKeyValues {
    pub area_key: String,
    pub area: String,
    pub organisation: String,
}

impl ClusterKeyValues {
    /// A buurt is keyed by its wijk ([`crate::register::Register::cluster_area`], in the
    /// process's register).
    pub fn new(key: ClusterKey, area: &str, organisation: Option<&str>) -> Self {
        let register = crate::register::active();
        let area = register.cluster_area(area);
        Self {
            area_key: if key.area {
                partition_key(area)
            } else {
                String::new()
            },
            area: if key.area {
                area.to_string()
            } else {
                String::new()
            },
            organisation: if key.organisation {
                organisation.unwrap_or_default().trim().to_string()
            } else {
                String::new()
            },
        }
    }
}

/// The area key a signal of `area` (a name, or the key stored beside it) counts under in
/// its clusters' figures: its wijk's for a buurt, as [`ClusterKeyValues::new`] keys the
/// cluster, so a cluster's breadth counts wijken, not a wijk and its buurten apart.
pub fn cluster_area_key(area: &str) -> String {
    partition_key(crate::register::active().cluster_area(area))
}

/// A signal refused for personal data: kept as a count, never with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub source: String,
    pub signal_id: String,
    pub kinds: Vec<String>,
    pub reason: String,
    pub channel: String,
}

/// What one batch write changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteOutcome {
    pub stored: usize,
    pub duplicates: usize,
    pub quarantined: usize,
    /// Newly stored signals that match no barrier (duplicates not counted).
    pub unclassified: usize,
    /// Refused: the `(source, id)` was stored (or came earlier in the batch) with other content.
    pub conflicts: usize,
}

/// Quarantined signals per reason, for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineCount {
    pub reason: String,
    pub kinds: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRow {
    pub id: String,
    pub barrier: String,
    /// The wijk, or "" when clusters are not keyed by area.
    pub area: String,
    /// The organisation, or "" when clusters are not keyed by organisation.
    pub organisation: String,
    /// The day its first and its latest signal were observed.
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    pub signal_count: i64,
}

/// Signals that carry both barriers (samenloop) in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoOccurrence {
    pub first: String,
    pub second: String,
    pub signals: i64,
}

/// A cluster with the figures the overleg looks at first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterSummary {
    pub cluster: ClusterRow,
    pub sources: i64,
    pub areas: i64,
    /// Signals that mention a waiting time.
    pub with_wait: usize,
    pub median_wait_days: Option<f64>,
    pub p75_wait_days: Option<f64>,
}

/// A stored signal as replay reads it.
#[derive(Debug, Clone)]
pub struct ReplaySignal {
    pub source: String,
    pub id: String,
    pub observed_on: NaiveDate,
    pub area: String,
    pub area_key: String,
    pub text: String,
    /// Theme ids.
    pub themes: Vec<String>,
    pub organisation: Option<String>,
    /// Barrier ids; empty = unclassified.
    pub barriers: Vec<String>,
    /// The stored classification (empty for signals stored before it was recorded).
    pub classification: Classification,
    pub wait_days: Option<i64>,
    /// The clusters it is stored in, sorted: replay rewrites a signal whose clusters change
    /// even when its classification does not (a buurt keyed by its wijk since 2026-12-07).
    pub clusters: Vec<String>,
}

/// A cluster's figures as a batch adds them, or as replay rebuilds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterTally {
    pub id: String,
    pub barrier: String,
    pub key: ClusterKeyValues,
    /// The days its first and its latest signal were observed (meaningless while
    /// `signal_count` is 0).
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    pub signal_count: i64,
}

impl ClusterTally {
    pub fn new(id: String, found: &BarrierMatch) -> Self {
        Self {
            id,
            barrier: found.barrier.clone(),
            key: found.cluster.clone(),
            first_seen: NaiveDate::MIN,
            last_seen: NaiveDate::MIN,
            signal_count: 0,
        }
    }

    /// Counts one signal observed on `date`.
    pub fn count(&mut self, date: NaiveDate) {
        if self.signal_count == 0 || date < self.first_seen {
            self.first_seen = date;
        }
        if self.signal_count == 0 || date > self.last_seen {
            self.last_seen = date;
        }
        self.signal_count += 1;
    }
}

/// A promotion as stored: the cluster, the day it was evaluated on, the reasons
/// (machine-readable, [`crate::promotion::Reason`] as JSON) and the Dutch "waarom".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredPromotion {
    pub cluster_id: String,
    pub barrier: String,
    pub area: String,
    pub organisation: String,
    pub evaluated_on: NaiveDate,
    pub reasons: serde_json::Value,
    pub waarom: String,
    pub rules_version: String,
}

/// Per-barrier figures for one period: what a brief reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BarrierStats {
    pub barrier: String,
    pub signals: i64,
    pub sources: i64,
    pub areas: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredSignal {
    pub source: String,
    pub id: String,
    pub observed_on: NaiveDate,
    pub area: String,
    pub text: String,
    pub barriers: Vec<String>,
    pub wait_days: Option<i64>,
    pub rules_version: String,
}

/// Stable cluster id for a barrier and its key values: the same barrier, wijk and
/// organisation always make the same id, whichever database or replay computes it.
pub fn cluster_id(barrier: &str, key: &ClusterKeyValues) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0002);
    // Keyed by area only (the default), the id is that of the first releases.
    let name = if key.organisation.is_empty() {
        format!("{barrier}\u{1f}{}", key.area_key)
    } else {
        format!(
            "{barrier}\u{1f}{}\u{1f}{}",
            key.area_key,
            key.organisation.to_lowercase()
        )
    };
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// A name as a file name part: lower case ASCII letters and digits, other runs as `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in crate::text::normalise(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The channel's name as stored: "http", "csv", "kafka", …
pub fn channel_name(envelope: &Envelope) -> String {
    serde_json::to_value(envelope.channel)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{cluster_id, ClusterKey, ClusterKeyValues};

    #[test]
    fn a_buurt_joins_its_wijks_cluster() {
        let key = ClusterKey {
            area: true,
            organisation: false,
        };
        let buurt = ClusterKeyValues::new(key, "Moerwijk-Zuid", None);
        let wijk = ClusterKeyValues::new(key, "Moerwijk", None);
        assert_eq!(buurt, wijk);
        assert_eq!(buurt.area, "Moerwijk");
        assert_eq!(
            cluster_id("kostendelersnorm", &buurt),
            cluster_id("kostendelersnorm", &wijk)
        );
        assert_ne!(ClusterKeyValues::new(key, "Laak", None), wijk);
        // A buurt's signal counts under the wijk's key, by name or by its stored key.
        for area in ["Moerwijk-Zuid", "moerwijk-zuid", "Moerwijk"] {
            assert_eq!(super::cluster_area_key(area), "moerwijk", "{area}");
        }
        assert_eq!(super::cluster_area_key("Nergenshuizen"), "nergenshuizen");
    }

    #[test]
    fn the_key_is_recorded_in_english_and_read_in_dutch() {
        let key = |area, organisation| ClusterKey { area, organisation };
        assert_eq!(key(true, false).describe(), "barrier×area");
        assert_eq!(key(false, false).describe(), "barrier");
        assert_eq!(key(true, true).describe(), "barrier×area×organisation");
        assert_eq!(key(true, false).describe_nl(), "barrière en wijk");
        assert_eq!(key(false, false).describe_nl(), "barrière");
        assert_eq!(
            key(true, true).describe_nl(),
            "barrière, wijk en organisatie"
        );
        assert_eq!(key(false, true).describe_nl(), "barrière en organisatie");
    }
}
