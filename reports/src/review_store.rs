//! The review as the reports and pages use it: decisions (with their event and processing-log
//! entry), meetings, and what the review pages read from the signals — all through the store.

use crate::review::{standing, Action, Decision, Standing, State};
use chrono::{NaiveDate, Utc};
use knooppunt_domain::cluster::ClusterRow;
use knooppunt_store::{DecisionEffects, Store};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

pub use knooppunt_store::{DecideError, ExampleSignal};

/// A cluster with its review standing.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewedCluster {
    pub cluster: ClusterRow,
    pub standing: Standing,
    /// The latest decision of its history, if any.
    pub last_decision: Option<Decision>,
}

/// Every decision on a cluster, oldest first.
pub async fn decisions(store: &Store, cluster_id: &str) -> anyhow::Result<Vec<Decision>> {
    store.decisions(cluster_id).await
}

/// Every decision, by cluster, oldest first.
pub async fn all_decisions(store: &Store) -> anyhow::Result<HashMap<String, Vec<Decision>>> {
    store.all_decisions().await
}

/// Decisions taken on the Dutch calendar day `day` (the meeting's decision list), oldest
/// first.
pub async fn decisions_on(store: &Store, day: NaiveDate) -> anyhow::Result<Vec<Decision>> {
    store.decisions_on(day).await
}

/// Takes a decision on a cluster: checks the transition against the cluster's current state,
/// then appends it to the history. Returns the recorded decision.
pub async fn decide(
    store: &Store,
    cluster_id: &str,
    action: Action,
    reason: &str,
    actor: &str,
) -> Result<Decision, DecideError> {
    decide_at(store, cluster_id, action, reason, actor, Utc::now()).await
}

/// [`decide`], recorded as taken at `at` (the demo replays a meeting on its own day). The
/// cluster event and the processing-log record are written in the decision's transaction.
pub async fn decide_at(
    store: &Store,
    cluster_id: &str,
    action: Action,
    reason: &str,
    actor: &str,
    at: chrono::DateTime<Utc>,
) -> Result<Decision, DecideError> {
    let (action, reason) = crate::decision_text::checked(action, reason)?;
    let new = knooppunt_store::NewDecision {
        cluster_id,
        action,
        reason: &reason,
        actor,
        at,
    };
    store
        .decide(new, Box::new(DecisionEffects::of_decision))
        .await
}

/// Every cluster with its standing on `today`.
pub async fn reviewed_clusters(
    store: &Store,
    today: NaiveDate,
) -> anyhow::Result<Vec<ReviewedCluster>> {
    reviewed_with(store, all_decisions(store).await?, today).await
}

/// Every cluster with its standing as it was on the Dutch day `on`: by the decisions taken up
/// to that day only, so a past meeting's agenda reads as it stood then, not as later decisions
/// left it (a cluster merged or parked since stays on the agenda it was on).
pub async fn reviewed_clusters_as_of(
    store: &Store,
    on: NaiveDate,
) -> anyhow::Result<Vec<ReviewedCluster>> {
    let mut decisions = all_decisions(store).await?;
    for history in decisions.values_mut() {
        history.retain(|d| knooppunt_domain::dutch_time::local_day(&d.decided_at) <= on);
    }
    decisions.retain(|_, history| !history.is_empty());
    reviewed_with(store, decisions, on).await
}

async fn reviewed_with(
    store: &Store,
    decisions: HashMap<String, Vec<Decision>>,
    today: NaiveDate,
) -> anyhow::Result<Vec<ReviewedCluster>> {
    let spikes = spiked_since_last_decision(store, &decisions).await?;
    Ok(store
        .clusters()
        .await?
        .into_iter()
        .map(|cluster| {
            let history = decisions.get(&cluster.id).map(Vec::as_slice).unwrap_or(&[]);
            let standing = standing(
                history,
                cluster.signal_count,
                cluster.last_seen,
                spikes.contains(&cluster.id),
                today,
            );
            ReviewedCluster {
                cluster,
                standing,
                last_decision: history.last().cloned(),
            }
        })
        .collect())
}

/// The programmes knelpunten are assigned to, in order (the names a programme's brief or
/// decisions list can be asked for).
pub fn assigned_programmes(reviewed: &[ReviewedCluster]) -> std::collections::BTreeSet<String> {
    reviewed
        .iter()
        .filter_map(|c| c.standing.programme.clone())
        .filter(|p| !p.trim().is_empty())
        .collect()
}

/// Per cluster that is not merged away, the signals that count for it: its own and those of
/// every cluster merged into it (through a chain of merges, at most eight long). A merge says
/// the clusters are one knelpunt, so its count is theirs together.
pub fn counted_signals(reviewed: &[ReviewedCluster]) -> HashMap<String, i64> {
    counted_in(reviewed, &merge_targets(reviewed))
}

/// [`counted_signals`] with the clusters' [`merge_targets`] already at hand.
pub fn counted_in(
    reviewed: &[ReviewedCluster],
    targets: &HashMap<String, String>,
) -> HashMap<String, i64> {
    let mut totals: HashMap<String, i64> = HashMap::new();
    for cluster in reviewed {
        let target = targets
            .get(&cluster.cluster.id)
            .unwrap_or(&cluster.cluster.id);
        *totals.entry(target.clone()).or_default() += cluster.cluster.signal_count;
    }
    totals
}

/// Per cluster, the cluster its signals count in: itself, or the one it was merged into
/// (following a chain of merges, at most eight long).
pub fn merge_targets(reviewed: &[ReviewedCluster]) -> HashMap<String, String> {
    let by_id: HashMap<&str, &ReviewedCluster> = reviewed
        .iter()
        .map(|c| (c.cluster.id.as_str(), c))
        .collect();
    reviewed
        .iter()
        .map(|cluster| {
            let mut at = cluster;
            for _ in 0..8 {
                let next = (at.standing.state == State::Merged)
                    .then_some(at.standing.merged_into.as_deref())
                    .flatten()
                    .and_then(|into| by_id.get(into));
                match next {
                    Some(next) => at = next,
                    None => break,
                }
            }
            (cluster.cluster.id.clone(), at.cluster.id.clone())
        })
        .collect()
}

/// The clusters with a spike promotion on or after the Dutch day of their last decision.
async fn spiked_since_last_decision(
    store: &Store,
    decisions: &HashMap<String, Vec<Decision>>,
) -> anyhow::Result<HashSet<String>> {
    Ok(store
        .last_spikes()
        .await?
        .into_iter()
        .filter(|(cluster, last_spike)| {
            decisions
                .get(cluster)
                .and_then(|d| d.last())
                .is_none_or(|d| *last_spike >= crate::dutch::local_day(&d.decided_at))
        })
        .map(|(cluster, _)| cluster)
        .collect())
}

/// The most recent scrubbed signals of a cluster (and of the clusters merged into it).
pub async fn example_signals(
    store: &Store,
    cluster_ids: &[String],
    limit: i64,
) -> anyhow::Result<Vec<ExampleSignal>> {
    store.example_signals(cluster_ids, limit).await
}

/// The signals one source (team or partner) submitted, newest first.
pub async fn signals_of_source(
    store: &Store,
    source: &str,
    limit: i64,
) -> anyhow::Result<Vec<ExampleSignal>> {
    store.signals_of_source(source, limit).await
}

/// Records a meeting of the overleg (idempotent).
pub async fn add_meeting(store: &Store, on: NaiveDate, by: &str) -> anyhow::Result<()> {
    store.add_meeting(on, by).await
}

/// The last meeting before `on`, if any.
pub async fn previous_meeting(store: &Store, on: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
    store.previous_meeting(on).await
}

/// The meeting the overleg's pages open on: the next one from `today` on, else today (the
/// agenda a chair prepares, with what came in since the last meeting; a past meeting is one
/// date away on the page).
pub async fn landing_meeting(store: &Store, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    Ok(store.next_meeting(today).await?.unwrap_or(today))
}

/// Takes back a cluster's last decision while its meeting is on: only a decision taken on the
/// Dutch day `day`, and never a split (it moved signals into new clusters); the undo is an
/// entry of its own, by `actor`. The reversed decision and the state the cluster is back in; `Err` carries the Dutch reason it cannot.
pub async fn undo_last(
    store: &Store,
    cluster_id: &str,
    day: NaiveDate,
    actor: &str,
) -> anyhow::Result<Result<(Decision, State), &'static str>> {
    use knooppunt_store::Undo;
    Ok(
        match store.undo_last_decision(cluster_id, day, actor).await? {
            Undo::Undone { decision, before } => Ok((decision, before)),
            Undo::NothingToUndo => Err("er is nog geen besluit om ongedaan te maken"),
            Undo::NotThatDay => {
                Err("alleen een besluit van de vergadering van vandaag kan ongedaan worden gemaakt")
            }
            Undo::Split => {
                Err("een splitsing kan niet ongedaan worden gemaakt; voeg de clusters weer samen")
            }
        },
    )
}
