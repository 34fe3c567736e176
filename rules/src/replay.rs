//! Replay: re-run a rule set over stored history, show what would change, and apply it only
//! when asked. Signals are read in pages (keyset pagination), so memory grows with the number
//! of clusters and barrier transitions, never with the number of signals.
//!
//! Cluster ids derive from the barrier and the cluster key's values, so a cluster that keeps
//! members keeps its id.

use crate::engine::matches_for;
use crate::labels::{overleg_match, SignalLabels};
use crate::ruleset::{Fields, RuleSet};
use anyhow::Context;
use knooppunt_domain::cluster::{
    BarrierMatch, Classification, ClusterKeyValues, ClusterTally, ReplaySignal,
};
use knooppunt_store::{ReplayDecision, ReplayWriter, Store, CLUSTER_KEY_SETTING};
use std::collections::{BTreeMap, HashMap};

mod decided;

pub use decided::DecidedVanishing;

/// Signals read and re-classified per page.
pub const PAGE: i64 = 5_000;

/// What a replay changes (or would change).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplayDiff {
    pub signals: u64,
    /// Signals whose barriers change.
    pub changed: u64,
    /// Signals rewritten: barriers, a barrier's waiting time or confidence, or the cluster
    /// key changed.
    pub rewritten: u64,
    /// (old barriers, new barriers) → signals; "" means unclassified.
    pub transitions: BTreeMap<(String, String), u64>,
    /// Cluster id → change, for clusters that change.
    pub clusters: BTreeMap<String, ClusterChange>,
    /// The cluster key before and after, when it changes.
    pub regrouped: Option<(String, String)>,
    /// Barriers found by the model (not a rule), before and after.
    pub model_found: (u64, u64),
    /// The model taking part in the new classification, if any.
    pub model_version: Option<String>,
    /// Per stored cluster, the clusters of the same barrier its signals move to (signals
    /// each): the working state [`ReplayDiff::decided_vanishing`] is read from.
    moved: BTreeMap<String, BTreeMap<String, u64>>,
    /// Vanishing clusters the overleg decided on, and where their decisions go: along with
    /// their signals, or nowhere (the report says so before `--apply`).
    pub decided_vanishing: Vec<DecidedVanishing>,
    /// The decisions that carry theirs over, recorded when the replay is written.
    carried: Vec<ReplayDecision>,
    /// Whether the replay was written. Asked to apply, it is not while decided clusters would
    /// vanish without their decisions going along, unless [`Apply::LettingDecisionsLapse`].
    pub applied: bool,
}

/// Whether a replay is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// Only the diff.
    No,
    /// Written, the overleg's decisions going along with their signals; unless a cluster the
    /// overleg decided on would vanish without them (they would hold for no cluster): then
    /// nothing is written and the diff says which.
    Yes,
    /// Written even when decided clusters vanish without their decisions: the overleg decides
    /// again on those.
    LettingDecisionsLapse,
}

impl From<bool> for Apply {
    fn from(apply: bool) -> Self {
        match apply {
            true => Apply::Yes,
            false => Apply::No,
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ClusterChange {
    pub barrier: String,
    pub area: String,
    pub organisation: String,
    pub before: i64,
    pub after: i64,
}

impl ClusterChange {
    /// Its key's values as the diff shows them: "Laak / Haag Wonen", or "Laak".
    pub fn key(&self) -> String {
        [self.area.as_str(), self.organisation.as_str()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect::<Vec<_>>()
            .join(" / ")
    }

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
        if let Some(model) = &self.model_version {
            out.push_str(&format!(
                "Met model {model}: {} barrières gevonden door het model alleen (nu {}).\n",
                self.model_found.1, self.model_found.0
            ));
        }
        if let Some((before, after)) = &self.regrouped {
            out.push_str(&format!(
                "Clustersleutel verandert: {before} → {after} (alle clusters worden opnieuw gevormd).\n"
            ));
        }
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
        self.report_decided_vanishing(&mut out);
        if !self.clusters.is_empty() {
            out.push_str("Clusters:\n");
            for change in self.clusters.values() {
                let key = change.key();
                out.push_str(&format!(
                    "  {:<10} {:<26} {:<24} {:>5} → {}\n",
                    change.kind(),
                    change.barrier,
                    key,
                    change.before,
                    change.after
                ));
            }
        }
        out
    }
}

/// Re-classifies every stored signal with `rules`. With `apply` ([`Apply`]), writes the new
/// classification, rebuilds the clusters and records the rule-set version and cluster key,
/// in one transaction, carrying the overleg's decisions from a cluster that vanishes to the
/// one that takes all its signals; while a decided cluster would vanish without them, only
/// when asked to let those decisions lapse ([`ReplayDiff::applied`] says whether it was
/// written).
/// `progress` is called with the number of signals done after every page.
pub async fn replay(
    store: &Store,
    rules: &RuleSet,
    apply: impl Into<Apply>,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<ReplayDiff> {
    let apply = apply.into();
    let (mut diff, regroup) = diff_before(store, rules).await?;
    let overrides = store.cluster_overrides().await?;
    // The overleg's labels hold over any rule set or model.
    let labels = store.signal_labels().await?;
    // The clusters as the new rules make them; bounded by the number of clusters.
    let mut rebuilt: BTreeMap<String, ClusterTally> = BTreeMap::new();
    let (changes_tx, writer) = spawn_writer(store, rules, &diff, apply != Apply::No).await?;
    // The next page is read while this one is classified and written.
    let fetch = |after: Option<(String, String)>| {
        let store = store.clone();
        tokio::spawn(async move { store.replay_page(after.as_ref(), PAGE).await })
    };
    let mut next = fetch(None);
    loop {
        let page = next.await.context("replay: lezen afgebroken")??;
        let Some(last) = page.last() else { break };
        next = fetch(Some((last.source.clone(), last.id.clone())));
        let mut classified = classify_page(rules, &page);
        keep_overleg(rules, &page, &mut classified, &overrides, &labels);
        let changes = tally_page(&mut diff, &mut rebuilt, regroup, page, classified);
        // A closed channel means the writer failed: its error is reported below.
        if writer.is_some() && changes_tx.send(changes).await.is_err() {
            break;
        }
        progress(diff.signals);
    }
    drop(changes_tx);
    (diff.decided_vanishing, diff.carried) =
        decided::decided_vanishing(store, &diff, rules.version()).await?;
    diff.clusters.retain(|_, c| c.before != c.after);
    let carried = diff
        .decided_vanishing
        .iter()
        .all(|c| c.carried_to.is_some());
    let may_write = carried || apply == Apply::LettingDecisionsLapse;
    if let Some(writer) = writer {
        let writer = writer.await.context("replay: schrijven afgebroken")??;
        if !may_write {
            // Dropped unfinished: its transaction is rolled back, nothing is written.
            return Ok(diff);
        }
        let clusters: Vec<ClusterTally> = rebuilt.into_values().collect();
        writer
            .finish(
                rules.version(),
                rules.cluster_key(),
                &clusters,
                (diff.signals, diff.changed, diff.rewritten),
                &diff.carried,
            )
            .await?;
        diff.applied = true;
    }
    Ok(diff)
}

/// The diff before any signal is read: the model taking part, whether the cluster key
/// changes (then every cluster is formed again: the second value), and every stored
/// cluster with its current size.
async fn diff_before(store: &Store, rules: &RuleSet) -> anyhow::Result<(ReplayDiff, bool)> {
    let mut diff = ReplayDiff {
        model_version: rules.model().map(|m| m.version().to_string()),
        ..ReplayDiff::default()
    };
    let key = rules.cluster_key();
    let stored_key = match store.setting(CLUSTER_KEY_SETTING).await? {
        Some(stored) => stored,
        // Before the key was recorded, clusters were keyed by barrier and area.
        None => crate::ruleset::ClusterKey {
            area: true,
            organisation: false,
        }
        .describe(),
    };
    let regroup = stored_key != key.describe();
    if regroup {
        diff.regrouped = Some((stored_key, key.describe()));
    }
    for cluster in store.clusters().await? {
        diff.clusters.insert(
            cluster.id.clone(),
            ClusterChange {
                barrier: cluster.barrier,
                area: cluster.area,
                organisation: cluster.organisation,
                before: cluster.signal_count,
                after: 0,
            },
        );
    }
    Ok((diff, regroup))
}

/// The signals a page rewrites, each with its new matches.
type Changes = Vec<(ReplaySignal, Vec<BarrierMatch>)>;

/// A writer task that stores page N while page N+1 is read and classified (with `apply`
/// only), and the channel that feeds it.
async fn spawn_writer(
    store: &Store,
    rules: &RuleSet,
    diff: &ReplayDiff,
    apply: bool,
) -> anyhow::Result<(
    tokio::sync::mpsc::Sender<Changes>,
    Option<tokio::task::JoinHandle<anyhow::Result<ReplayWriter>>>,
)> {
    let (changes_tx, mut changes_rx) = tokio::sync::mpsc::channel::<Changes>(2);
    let writer = if apply {
        let mut writer = store.begin_replay().await?;
        let version = rules.version().to_string();
        let model_version = diff.model_version.clone();
        Some(tokio::spawn(async move {
            while let Some(changes) = changes_rx.recv().await {
                writer
                    .write_changes(&changes, &version, model_version.as_deref())
                    .await?;
            }
            anyhow::Ok(writer)
        }))
    } else {
        None
    };
    Ok((changes_tx, writer))
}

/// The overleg's decisions hold over the new classification: signals it split off stay in
/// their own cluster, and its labels settle which barriers a signal has.
fn keep_overleg(
    rules: &RuleSet,
    page: &[ReplaySignal],
    classified: &mut [Reclassified],
    overrides: &HashMap<(String, String, String), (String, ClusterKeyValues)>,
    labels: &HashMap<(String, String), SignalLabels>,
) {
    if !overrides.is_empty() {
        for (signal, (matches, _, _)) in page.iter().zip(classified.iter_mut()) {
            for found in matches.iter_mut() {
                let key = (
                    signal.source.clone(),
                    signal.id.clone(),
                    found.barrier.clone(),
                );
                if let Some((id, values)) = overrides.get(&key) {
                    found.split_to = Some(id.clone());
                    found.cluster = values.clone();
                }
            }
        }
    }
    if !labels.is_empty() {
        for (signal, reclassified) in page.iter().zip(classified.iter_mut()) {
            if let Some(labels) = labels.get(&(signal.source.clone(), signal.id.clone())) {
                apply_labels(rules, signal, labels, reclassified);
            }
        }
    }
}

/// Counts a classified page into the diff and the rebuilt clusters, and returns the signals
/// to rewrite: those whose classification changes, or all when the clusters are regrouped.
fn tally_page(
    diff: &mut ReplayDiff,
    rebuilt: &mut BTreeMap<String, ClusterTally>,
    regroup: bool,
    page: Vec<ReplaySignal>,
    classified: Vec<Reclassified>,
) -> Changes {
    let mut changes = Vec::new();
    for (signal, (matches, new_barriers, detail)) in page.into_iter().zip(classified) {
        for found in &matches {
            let id = found.cluster_id();
            let entry = diff
                .clusters
                .entry(id.clone())
                .or_insert_with(|| ClusterChange {
                    barrier: found.barrier.clone(),
                    area: found.cluster.area.clone(),
                    organisation: found.cluster.organisation.clone(),
                    ..ClusterChange::default()
                });
            entry.after += 1;
            rebuilt
                .entry(id.clone())
                .or_insert_with(|| ClusterTally::new(id, found))
                .count(signal.observed_on);
        }
        diff.signals += 1;
        diff.model_found.0 += signal.classification.by_model();
        diff.model_found.1 += detail.by_model();
        let old_barriers = signal.barriers.join(",");
        if new_barriers != old_barriers {
            diff.changed += 1;
            *diff
                .transitions
                .entry((old_barriers, new_barriers))
                .or_default() += 1;
        }
        let mut clusters: Vec<String> = matches.iter().map(BarrierMatch::cluster_id).collect();
        clusters.sort();
        count_moves(diff, &signal, &matches, &clusters);
        if regroup || detail != signal.classification || clusters != signal.clusters {
            diff.rewritten += 1;
            changes.push((signal, matches));
        }
    }
    changes
}

/// Counts where `signal` goes from each stored cluster it leaves: the new clusters of the same
/// barrier it joins (`clusters`: the ids of `matches`).
fn count_moves(
    diff: &mut ReplayDiff,
    signal: &ReplaySignal,
    matches: &[BarrierMatch],
    clusters: &[String],
) {
    // A signal keeps a barrier's cluster or leaves it: it never sits in two of one barrier.
    for old in signal.clusters.iter().filter(|old| !clusters.contains(old)) {
        let barrier = diff.clusters.get(old).map(|c| c.barrier.as_str());
        let to = diff.moved.entry(old.clone()).or_default();
        for found in matches
            .iter()
            .filter(|m| Some(m.barrier.as_str()) == barrier)
        {
            *to.entry(found.cluster_id()).or_default() += 1;
        }
    }
}

/// A signal's new classification: its matches, its barriers ("a,b") and its detail (per
/// barrier its wait, confidence and how it was found).
type Reclassified = (Vec<BarrierMatch>, String, Classification);

/// Applies the overleg's labels that hold to a signal's new classification: barriers it said
/// do not belong are dropped, barriers it added are kept (found by `overleg`).
fn apply_labels(
    rules: &RuleSet,
    signal: &ReplaySignal,
    labels: &SignalLabels,
    (matches, barriers, detail): &mut Reclassified,
) {
    let recognised: Vec<String> = matches.iter().map(|m| m.barrier.clone()).collect();
    let recognised: Vec<&str> = recognised.iter().map(String::as_str).collect();
    let (kept, added) = labels.settle(&recognised);
    matches.retain(|m| kept.contains(&m.barrier.as_str()));
    for barrier in added {
        if rules.barrier(barrier).is_some() {
            matches.push(overleg_match(
                barrier,
                rules.cluster_key(),
                &signal.area,
                signal.organisation.as_deref(),
                signal.wait_days,
            ));
        }
    }
    *barriers = matches
        .iter()
        .map(|m| m.barrier.as_str())
        .collect::<Vec<_>>()
        .join(",");
    *detail = Classification::of(matches);
}

/// Classifies a page on every core: classification is pure and the rule set is shared.
fn classify_page(rules: &RuleSet, page: &[ReplaySignal]) -> Vec<Reclassified> {
    let one = |signal: &ReplaySignal| -> Reclassified {
        // A signal whose text was purged after its retention term keeps its classification:
        // there is nothing left to classify, and counts must not change.
        if signal.text == crate::retention::PURGED_TEXT {
            return crate::retention::kept_classification(rules, signal);
        }
        let themes: Vec<&str> = signal.themes.iter().map(String::as_str).collect();
        let fields = Fields {
            themes: &themes,
            organisation: signal.organisation.as_deref(),
        };
        let analysis = rules.analyse_signal(&signal.text, fields);
        let matches = matches_for(
            rules,
            &analysis,
            &signal.area,
            signal.organisation.as_deref(),
            signal.wait_days.and_then(|w| u32::try_from(w).ok()),
        );
        let barriers = analysis.barriers.join(",");
        let detail = Classification::of(&matches);
        (matches, barriers, detail)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = page.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = page
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
