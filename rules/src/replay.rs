//! Replay: re-run a rule set over stored history, show what would change, and apply it only
//! when asked. Signals are read in pages (keyset pagination), so memory grows with the number
//! of clusters and barrier transitions, never with the number of signals.
//!
//! Cluster ids derive from (barrier, area), so a cluster that keeps members keeps its id.

use crate::ruleset::{Fields, RuleSet};
use crate::store::{cluster_id, Store};
use std::collections::BTreeMap;

/// Signals read and re-classified per page.
pub const PAGE: i64 = 5_000;

/// What a replay changes (or would change).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplayDiff {
    pub signals: u64,
    pub changed: u64,
    /// (old barriers, new barriers) → signals; "" means unclassified.
    pub transitions: BTreeMap<(String, String), u64>,
    /// Cluster id → (barrier, area, count before, count after), for clusters that change.
    pub clusters: BTreeMap<String, ClusterChange>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ClusterChange {
    pub barrier: String,
    pub area: String,
    pub before: i64,
    pub after: i64,
}

impl ClusterChange {
    pub fn kind(&self) -> &'static str {
        match (self.before, self.after) {
            (0, _) => "nieuw",
            (_, 0) => "verdwijnt",
            (b, a) if a > b => "groeit",
            _ => "krimpt",
        }
    }
}

impl ReplayDiff {
    /// The diff in Dutch, for the person deciding whether to apply it.
    pub fn report(&self, version: &str) -> String {
        let mut out = format!(
            "Regelset {version} op {} opgeslagen signalen: {} krijgen een andere indeling.\n",
            self.signals, self.changed
        );
        if !self.transitions.is_empty() {
            out.push_str("Verschuivingen (oud → nieuw):\n");
            let mut transitions: Vec<_> = self.transitions.iter().collect();
            transitions.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for ((old, new), n) in transitions {
                let show = |s: &str| {
                    if s.is_empty() {
                        "(geen)".to_string()
                    } else {
                        s.replace(',', " + ")
                    }
                };
                out.push_str(&format!("  {n:>7}  {} → {}\n", show(old), show(new)));
            }
        }
        if !self.clusters.is_empty() {
            out.push_str("Clusters:\n");
            for change in self.clusters.values() {
                out.push_str(&format!(
                    "  {:<10} {:<26} {:<18} {:>5} → {}\n",
                    change.kind(),
                    change.barrier,
                    change.area,
                    change.before,
                    change.after
                ));
            }
        }
        out
    }
}

/// Re-classifies every stored signal with `rules`. With `apply`, writes the new
/// classification, rebuilds the clusters and records the rule-set version, in one transaction.
/// `progress` is called with the number of signals done after every page.
pub async fn replay(
    store: &Store,
    rules: &RuleSet,
    apply: bool,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<ReplayDiff> {
    let mut diff = ReplayDiff::default();
    // Clusters before, by id: (barrier, area, count).
    for cluster in store.clusters().await? {
        diff.clusters.insert(
            cluster.id.clone(),
            ClusterChange {
                barrier: cluster.barrier,
                area: cluster.area,
                before: cluster.signal_count,
                after: 0,
            },
        );
    }
    let mut writer = if apply {
        Some(store.begin_replay().await?)
    } else {
        None
    };
    let mut after: Option<(String, String)> = None;
    loop {
        let page = store.replay_page(after.as_ref(), PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some((last.source.clone(), last.id.clone()));
        let mut changes = Vec::new();
        for signal in &page {
            let themes: Vec<&str> = signal.themes.split(',').filter(|t| !t.is_empty()).collect();
            let fields = Fields {
                themes: &themes,
                organisation: signal.organisation.as_deref(),
            };
            let new: Vec<&str> = rules.analyse_signal(&signal.text, fields).barriers;
            let new_joined = new.join(",");
            for barrier in &new {
                let id = cluster_id(barrier, &signal.area_key);
                let entry = diff.clusters.entry(id).or_insert_with(|| ClusterChange {
                    barrier: barrier.to_string(),
                    area: signal.area.clone(),
                    ..ClusterChange::default()
                });
                entry.after += 1;
            }
            diff.signals += 1;
            if new_joined != signal.barriers {
                diff.changed += 1;
                *diff
                    .transitions
                    .entry((signal.barriers.clone(), new_joined.clone()))
                    .or_default() += 1;
                changes.push((signal, new));
            }
        }
        if let Some(writer) = writer.as_mut() {
            writer.write_changes(&changes).await?;
        }
        progress(diff.signals);
    }
    diff.clusters.retain(|_, c| c.before != c.after);
    if let Some(writer) = writer {
        writer.finish(rules.version()).await?;
    }
    Ok(diff)
}
