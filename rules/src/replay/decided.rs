//! The clusters the overleg decided on that a replay empties. Where one cluster without a
//! history of its own takes all of such a cluster's signals, the decisions go with them
//! (`knooppunt_domain::review::carry`); otherwise they would hold for no cluster, and the
//! replay is written only when asked to let them lapse.

use super::{ClusterChange, ReplayDiff};
use knooppunt_domain::review::carry::{carry_over, handed_over, CARRIER};
use knooppunt_domain::review::{standing, Decision};
use knooppunt_store::review::DecidedCluster;
use knooppunt_store::{ReplayDecision, Store};
use std::collections::HashMap;

/// A cluster with decisions of the overleg in force that the replay empties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedVanishing {
    pub id: String,
    /// Its barrier and key ("Laak / Haag Wonen"), as the diff's cluster lines show them.
    pub barrier: String,
    pub key: String,
    /// Its state ("bevestigd"), and its owner when one was assigned.
    pub state: String,
    pub owner: Option<String>,
    /// Where its signals go (cluster id, its key, signals), most first.
    pub to: Vec<(String, String, u64)>,
    /// The cluster its decisions go to: the one that takes all its signals, when that one
    /// has no decisions of its own and no other decided cluster's signals go there. `None`:
    /// they lapse.
    pub carried_to: Option<String>,
}

/// The vanishing clusters (in `diff`) with decisions of the overleg in force, where their
/// signals go, and the decisions that carry theirs over (recorded with rule set `version`).
pub(super) async fn decided_vanishing(
    store: &Store,
    diff: &ReplayDiff,
    version: &str,
) -> anyhow::Result<(Vec<DecidedVanishing>, Vec<ReplayDecision>)> {
    let vanishing: Vec<(&String, &ClusterChange)> = diff
        .clusters
        .iter()
        .filter(|(_, c)| c.before > 0 && c.after == 0)
        .collect();
    if vanishing.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let decisions = store.all_decisions().await?;
    let history = |id: &str| decisions.get(id).filter(|h| !h.is_empty());
    // Only the state and the owner are read: the day and counts do not bear on them.
    let today = knooppunt_domain::dutch_time::local_day(&chrono::Utc::now());
    let key = |id: &String| diff.clusters.get(id).map(ClusterChange::key);
    // Each decided one with what it was and its history, for carrying them over below.
    let mut decided: Vec<(DecidedVanishing, &ClusterChange, &[Decision])> = Vec::new();
    for (id, change) in vanishing {
        let Some(history) = history(id) else { continue };
        let standing = standing(history, 0, today, false, today);
        let mut to: Vec<(String, String, u64)> = diff
            .moved
            .get(id)
            .into_iter()
            .flatten()
            .map(|(to, n)| (to.clone(), key(to).unwrap_or_default(), *n))
            .collect();
        to.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        let vanishing = DecidedVanishing {
            id: id.clone(),
            barrier: change.barrier.clone(),
            key: change.key(),
            state: standing.state.as_str().to_string(),
            owner: standing.owner,
            to,
            carried_to: None,
        };
        decided.push((vanishing, change, history));
    }
    // A successor that two decided clusters send signals to would have to choose between
    // their decisions: neither is carried there.
    let mut senders: HashMap<String, usize> = HashMap::new();
    for (cluster, _, _) in &decided {
        for (to, _, _) in &cluster.to {
            *senders.entry(to.clone()).or_default() += 1;
        }
    }
    let mut recorded = Vec::new();
    for (cluster, from, past) in &mut decided {
        let [(successor, _, _)] = cluster.to.as_slice() else {
            continue;
        };
        let successor = successor.clone();
        if senders.get(&successor) != Some(&1) || history(&successor).is_some() {
            continue;
        }
        let Some(into) = diff.clusters.get(&successor) else {
            continue;
        };
        if let Some(carried) = carried(&cluster.id, from, past, &successor, into, version) {
            recorded.extend(carried);
            cluster.carried_to = Some(successor);
        }
    }
    let decided = decided.into_iter().map(|(cluster, _, _)| cluster).collect();
    Ok((decided, recorded))
}

/// The decisions that carry `history` of the cluster `id` (as `from` says it was) over to
/// `successor` (as `into` says it will be), and the one that tells `id`'s history where it
/// went; `None` when they cannot be carried (a merged cluster).
fn carried(
    id: &str,
    from: &ClusterChange,
    history: &[Decision],
    successor: &str,
    into: &ClusterChange,
    version: &str,
) -> Option<Vec<ReplayDecision>> {
    let note = format!(
        "Overgenomen van cluster {} ({id}): bij het opnieuw indelen met regelset {version} \
         gingen al zijn signalen naar dit cluster.",
        from.key()
    );
    let carry = carry_over(history, from.before, into.after, &note)?;
    let state = history.last()?.state_after;
    let told = format!(
        "Bij het opnieuw indelen met regelset {version} gingen al zijn signalen naar cluster \
         {} ({successor}); de besluiten gaan mee.",
        into.key()
    );
    let handed = handed_over(state, successor, &told).ok()?;
    let named = |change: &ClusterChange, signal_count: i64| DecidedCluster {
        barrier: change.barrier.clone(),
        area: change.area.clone(),
        organisation: change.organisation.clone(),
        signal_count,
    };
    let related = match handed.action {
        knooppunt_domain::review::Action::Merge { .. } => vec![successor.to_string()],
        _ => Vec::new(),
    };
    let mut recorded = vec![ReplayDecision {
        cluster_id: id.to_string(),
        cluster: named(from, from.before),
        action: handed.action,
        state_after: handed.state_after,
        actor: CARRIER.to_string(),
        reason: handed.reason,
        signal_count: from.before,
        related,
    }];
    recorded.extend(carry.decisions.into_iter().map(|c| ReplayDecision {
        cluster_id: successor.to_string(),
        cluster: named(into, into.after),
        action: c.action,
        state_after: c.state_after,
        actor: CARRIER.to_string(),
        reason: c.reason,
        signal_count: carry.signal_count,
        related: Vec::new(),
    }));
    Some(recorded)
}

impl ReplayDiff {
    /// The vanishing clusters the overleg decided on: first those whose decisions go along,
    /// then those whose decisions would lapse, each with where its signals go.
    pub(super) fn report_decided_vanishing(&self, out: &mut String) {
        let (carried, lapsing): (Vec<&DecidedVanishing>, Vec<&DecidedVanishing>) = self
            .decided_vanishing
            .iter()
            .partition(|c| c.carried_to.is_some());
        if !carried.is_empty() {
            let n = carried.len();
            out.push_str(&format!(
                "{n} {} met besluiten van het overleg {}. De besluiten gaan mee naar het \
                 cluster dat alle signalen krijgt (vastgelegd door {CARRIER}):\n",
                clusters(n),
                vanishes(n),
            ));
            carried.iter().for_each(|c| out.push_str(&line(c)));
        }
        if !lapsing.is_empty() {
            let n = lapsing.len();
            out.push_str(&format!(
                "Let op: {n} {} met besluiten van het overleg {}. Na het doorvoeren gelden die \
                 besluiten voor geen cluster meer; het overleg beslist opnieuw over de clusters \
                 waar de signalen heen gaan:\n",
                clusters(n),
                vanishes(n),
            ));
            lapsing.iter().for_each(|c| out.push_str(&line(c)));
        }
    }
}

fn clusters(n: usize) -> &'static str {
    if n == 1 {
        "cluster"
    } else {
        "clusters"
    }
}

fn vanishes(n: usize) -> &'static str {
    if n == 1 {
        "verdwijnt"
    } else {
        "verdwijnen"
    }
}

/// A vanishing cluster's line: barrier, key, id, state and owner, and where its signals go.
fn line(cluster: &DecidedVanishing) -> String {
    let owner = cluster
        .owner
        .as_deref()
        .map(|o| format!(", eigenaar {o}"))
        .unwrap_or_default();
    let to = match cluster.to.is_empty() {
        true => "geen cluster (de signalen horen niet meer bij deze barrière)".to_string(),
        false => cluster
            .to
            .iter()
            .map(|(id, key, n)| {
                let signals = if *n == 1 { "signaal" } else { "signalen" };
                format!("{key} {id} ({n} {signals})")
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    format!(
        "  {} {} {} ({}{owner}) → {to}\n",
        cluster.barrier, cluster.key, cluster.id, cluster.state
    )
}
