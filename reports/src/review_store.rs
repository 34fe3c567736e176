//! The review's tables: decisions (append-only), meetings, and what the review pages read
//! from the signals. Decisions go through [`crate::review::transition`], in a transaction
//! that reads the cluster's current state first, so two reviewers cannot skip a state.

use crate::review::{
    standing, transition, Action, Decision, DecisionError, Split, Standing, State,
};
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use knooppunt_rules::store::{ClusterRow, Store};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// A decision that could not be taken: the user's mistake (shown in Dutch), or a failure.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Refused(#[from] DecisionError),
    #[error("cluster {0} bestaat niet")]
    UnknownCluster(String),
    #[error("samenvoegen: cluster {0} bestaat niet of is zelf al samengevoegd")]
    BadMergeTarget(String),
    #[error("splitsen: {0}")]
    BadSplit(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// A scrubbed signal as the review shows it (never to the municipality).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ExampleSignal {
    pub source: String,
    pub id: String,
    pub observed_on: String,
    pub area: String,
    pub text: String,
    pub barriers: String,
    /// How the cluster's barrier was found in this signal, in Dutch ("herkend door regel …",
    /// "herkend door het model (0,87; woorden: …)"); empty outside a cluster.
    pub herkend: String,
}

/// A cluster with its review standing.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewedCluster {
    pub cluster: ClusterRow,
    pub standing: Standing,
}

fn decision_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<Decision> {
    let details: String = row.try_get("details")?;
    let state: String = row.try_get("state_after")?;
    Ok(Decision {
        seq: row.try_get("seq")?,
        cluster_id: row.try_get("cluster_id")?,
        action: serde_json::from_str(&details).context("besluit in de database")?,
        state_after: State::parse(&state)
            .with_context(|| format!("onbekende status {state} in de database"))?,
        actor: row.try_get("actor")?,
        reason: row.try_get("reason")?,
        signal_count: row.try_get("signal_count")?,
        decided_at: row.try_get("decided_at")?,
    })
}

const DECISION_COLUMNS: &str =
    "seq, cluster_id, action, state_after, actor, reason, details, signal_count, decided_at";

/// Every decision on a cluster, oldest first.
pub async fn decisions(store: &Store, cluster_id: &str) -> anyhow::Result<Vec<Decision>> {
    let rows = sqlx::query(&format!(
        "SELECT {DECISION_COLUMNS} FROM cluster_decisions WHERE cluster_id = $1 ORDER BY seq"
    ))
    .bind(cluster_id)
    .fetch_all(store.pool())
    .await
    .context("besluiten lezen")?;
    rows.iter().map(decision_from_row).collect()
}

/// Every decision, by cluster, oldest first.
pub async fn all_decisions(store: &Store) -> anyhow::Result<HashMap<String, Vec<Decision>>> {
    let rows = sqlx::query(&format!(
        "SELECT {DECISION_COLUMNS} FROM cluster_decisions ORDER BY seq"
    ))
    .fetch_all(store.pool())
    .await
    .context("besluiten lezen")?;
    let mut by_cluster: HashMap<String, Vec<Decision>> = HashMap::new();
    for row in &rows {
        let decision = decision_from_row(row)?;
        by_cluster
            .entry(decision.cluster_id.clone())
            .or_default()
            .push(decision);
    }
    Ok(by_cluster)
}

/// Decisions taken on the Dutch calendar day `day` (the meeting's decision list), oldest
/// first. Stored times are UTC RFC 3339 (`+00:00`), so they compare as text.
pub async fn decisions_on(store: &Store, day: NaiveDate) -> anyhow::Result<Vec<Decision>> {
    let rows = sqlx::query(&format!(
        "SELECT {DECISION_COLUMNS} FROM cluster_decisions \
         WHERE decided_at >= $1 AND decided_at < $2 ORDER BY seq"
    ))
    .bind(crate::dutch::day_start_utc(day).to_rfc3339())
    .bind(crate::dutch::day_start_utc(day.succ_opt().unwrap_or(day)).to_rfc3339())
    .fetch_all(store.pool())
    .await
    .context("besluiten lezen")?;
    rows.iter().map(decision_from_row).collect()
}

/// A cluster's state after its last decision; open when none was taken.
async fn current_state(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    cluster_id: &str,
) -> anyhow::Result<State> {
    let state = sqlx::query(
        "SELECT state_after FROM cluster_decisions WHERE cluster_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(cluster_id)
    .fetch_optional(&mut **tx)
    .await
    .context("status lezen")?
    .map(|row| row.try_get::<String, _>("state_after"))
    .transpose()
    .context("status lezen")?;
    Ok(state
        .as_deref()
        .and_then(State::parse)
        .unwrap_or(State::Open))
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

/// [`decide`], recorded as taken at `at` (the demo replays a meeting on its own day).
pub async fn decide_at(
    store: &Store,
    cluster_id: &str,
    action: Action,
    reason: &str,
    actor: &str,
    at: chrono::DateTime<Utc>,
) -> Result<Decision, DecideError> {
    let mut tx = store.pool().begin().await.context("transactie starten")?;
    let cluster = sqlx::query("SELECT signal_count FROM clusters WHERE id = $1")
        .bind(cluster_id)
        .fetch_optional(&mut *tx)
        .await
        .context("cluster lezen")?
        .ok_or_else(|| DecideError::UnknownCluster(cluster_id.to_string()))?;
    let signal_count: i64 = cluster.try_get("signal_count").context("cluster lezen")?;
    let state = current_state(&mut tx, cluster_id).await?;
    if let Action::Samenvoegen { met } = &action {
        if met == cluster_id {
            return Err(DecisionError::MergeWithItself.into());
        }
        let target_exists = sqlx::query("SELECT 1 AS one FROM clusters WHERE id = $1")
            .bind(met)
            .fetch_optional(&mut *tx)
            .await
            .context("cluster lezen")?
            .is_some();
        if !target_exists || current_state(&mut tx, met).await? == State::Samengevoegd {
            return Err(DecideError::BadMergeTarget(met.clone()));
        }
    }
    let next = transition(state, &action, reason)?;
    let decided_at = at.to_rfc3339();
    let split_off = match &action {
        Action::Splitsen { op } => split(&mut tx, cluster_id, op).await?,
        _ => Vec::new(),
    };
    // A split-off cluster starts open, with where it came from as its first decision.
    for (new_cluster, count) in &split_off {
        let origin = Action::Splitsen {
            op: Split::Van {
                cluster: cluster_id.to_string(),
            },
        };
        sqlx::query(
            "INSERT INTO cluster_decisions (cluster_id, action, state_after, actor, reason, details, \
             signal_count, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_cluster)
        .bind(origin.name())
        .bind(State::Open.as_str())
        .bind(actor)
        .bind(reason.trim())
        .bind(serde_json::to_string(&origin).context("besluit vastleggen")?)
        .bind(count)
        .bind(&decided_at)
        .execute(&mut *tx)
        .await
        .context("afgesplitst cluster vastleggen")?;
    }
    let details = serde_json::to_string(&action).context("besluit vastleggen")?;
    let row = sqlx::query(&format!(
        "INSERT INTO cluster_decisions (cluster_id, action, state_after, actor, reason, details, \
         signal_count, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {DECISION_COLUMNS}"
    ))
    .bind(cluster_id)
    .bind(action.name())
    .bind(next.as_str())
    .bind(actor)
    .bind(reason.trim())
    .bind(&details)
    .bind(signal_count)
    .bind(&decided_at)
    .fetch_one(&mut *tx)
    .await
    .context("besluit vastleggen")?;
    let decision = decision_from_row(&row)?;
    // The cluster event and the processing log record, in the decision's transaction.
    let related = match &action {
        Action::Samenvoegen { met } => vec![met.clone()],
        _ => split_off.iter().map(|(id, _)| id.clone()).collect(),
    };
    knooppunt_rules::events::record_decision(
        &mut tx,
        decision.seq,
        cluster_id,
        action.name(),
        next.as_str(),
        signal_count,
        &decided_at,
        related,
    )
    .await?;
    crate::governance::log_decision(&mut tx, &decision, action.name()).await?;
    tx.commit().await.context("besluit vastleggen")?;
    Ok(decision)
}

/// Moves signals of a cluster into clusters of their own; returns (new id, signals) per new
/// cluster. The moves are recorded as overrides, so a replay keeps them.
async fn split(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    cluster_id: &str,
    how: &Split,
) -> Result<Vec<(String, i64)>, DecideError> {
    let cluster =
        sqlx::query("SELECT barrier, area_key, area, organisation FROM clusters WHERE id = $1")
            .bind(cluster_id)
            .fetch_one(&mut **tx)
            .await
            .context("cluster lezen")?;
    let barrier: String = cluster.try_get("barrier").context("cluster lezen")?;
    let area_key: String = cluster.try_get("area_key").context("cluster lezen")?;
    let area: String = cluster.try_get("area").context("cluster lezen")?;
    let organisation: String = cluster.try_get("organisation").context("cluster lezen")?;
    let rows = sqlx::query(
        "SELECT b.source, b.signal_id, b.observed_on, COALESCE(s.organisation, '') AS organisation \
         FROM signal_barriers b JOIN signals s ON s.source = b.source AND s.id = b.signal_id \
         WHERE b.cluster_id = $1 AND b.barrier = $2",
    )
    .bind(cluster_id)
    .bind(&barrier)
    .fetch_all(&mut **tx)
    .await
    .context("signalen van het cluster lezen")?;
    // (source, id, observed_on, organisation)
    let mut members: Vec<(String, String, String, String)> = Vec::new();
    for row in &rows {
        members.push((
            row.try_get("source").context("signaal lezen")?,
            row.try_get("signal_id").context("signaal lezen")?,
            row.try_get("observed_on").context("signaal lezen")?,
            row.try_get("organisation").context("signaal lezen")?,
        ));
    }
    // Groups that move, each with the organisation its new cluster is keyed by.
    let mut moving: Vec<(String, Vec<usize>)> = Vec::new();
    match how {
        Split::Organisatie => {
            let mut groups: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
            for (i, member) in members.iter().enumerate() {
                groups.entry(member.3.trim()).or_default().push(i);
            }
            if groups.len() < 2 {
                return Err(DecideError::BadSplit(
                    "alle signalen noemen dezelfde organisatie (of geen)".into(),
                ));
            }
            let largest = groups
                .iter()
                .max_by_key(|(org, group)| (group.len(), std::cmp::Reverse(*org)))
                .map(|(org, _)| org.to_string())
                .unwrap_or_default();
            moving = groups
                .into_iter()
                .filter(|(org, _)| *org != largest)
                .map(|(org, group)| (org.to_string(), group))
                .collect();
        }
        Split::Signalen { signalen } => {
            let chosen: Vec<usize> = members
                .iter()
                .enumerate()
                .filter(|(_, m)| signalen.iter().any(|(s, id)| *s == m.0 && *id == m.1))
                .map(|(i, _)| i)
                .collect();
            if chosen.is_empty() {
                return Err(DecideError::BadSplit(
                    "geen van de gekozen signalen hoort bij dit cluster".into(),
                ));
            }
            if chosen.len() == members.len() {
                return Err(DecideError::BadSplit(
                    "kies niet alle signalen: er moet er een overblijven".into(),
                ));
            }
            moving.push((organisation.clone(), chosen));
        }
        Split::Van { .. } => {
            return Err(DecideError::BadSplit(
                "kies hoe het cluster wordt gesplitst".into(),
            ))
        }
    }
    let mut created = Vec::new();
    let mut moved = std::collections::HashSet::new();
    for (org, group) in &moving {
        let mut keys: Vec<String> = group
            .iter()
            .map(|&i| format!("{}\u{1f}{}", members[i].0, members[i].1))
            .collect();
        keys.sort();
        const NAMESPACE: uuid::Uuid =
            uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0003);
        let new_id = uuid::Uuid::new_v5(
            &NAMESPACE,
            format!("{cluster_id}\u{1f}{}", keys.join("\u{1e}")).as_bytes(),
        )
        .to_string();
        let dates: Vec<&str> = group.iter().map(|&i| members[i].2.as_str()).collect();
        sqlx::query(
            "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, last_seen, signal_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&new_id)
        .bind(&barrier)
        .bind(&area_key)
        .bind(&area)
        .bind(org)
        .bind(dates.iter().min().copied().unwrap_or_default())
        .bind(dates.iter().max().copied().unwrap_or_default())
        .bind(group.len() as i64)
        .execute(&mut **tx)
        .await
        .context("nieuw cluster opslaan")?;
        for &i in group {
            let (source, signal_id) = (&members[i].0, &members[i].1);
            sqlx::query(
                "UPDATE signal_barriers SET cluster_id = $1 \
                 WHERE source = $2 AND signal_id = $3 AND barrier = $4",
            )
            .bind(&new_id)
            .bind(source)
            .bind(signal_id)
            .bind(&barrier)
            .execute(&mut **tx)
            .await
            .context("signaal verplaatsen")?;
            sqlx::query(
                "INSERT INTO cluster_overrides (source, signal_id, barrier, cluster_id) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (source, signal_id, barrier) \
                 DO UPDATE SET cluster_id = excluded.cluster_id",
            )
            .bind(source)
            .bind(signal_id)
            .bind(&barrier)
            .bind(&new_id)
            .execute(&mut **tx)
            .await
            .context("splitsing vastleggen")?;
            moved.insert(i);
        }
        created.push((new_id, group.len() as i64));
    }
    let remaining: Vec<&str> = members
        .iter()
        .enumerate()
        .filter(|(i, _)| !moved.contains(i))
        .map(|(_, m)| m.2.as_str())
        .collect();
    sqlx::query(
        "UPDATE clusters SET signal_count = $1, first_seen = $2, last_seen = $3 WHERE id = $4",
    )
    .bind(remaining.len() as i64)
    .bind(remaining.iter().min().copied().unwrap_or_default())
    .bind(remaining.iter().max().copied().unwrap_or_default())
    .bind(cluster_id)
    .execute(&mut **tx)
    .await
    .context("cluster bijwerken")?;
    Ok(created)
}

/// Every cluster with its standing on `today`. `spiked` holds the clusters with a spike
/// promotion since their last decision.
pub async fn reviewed_clusters(
    store: &Store,
    today: NaiveDate,
) -> anyhow::Result<Vec<ReviewedCluster>> {
    let decisions = all_decisions(store).await?;
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
                &cluster.last_seen,
                spikes.contains(&cluster.id),
                today,
            );
            ReviewedCluster { cluster, standing }
        })
        .collect())
}

async fn spiked_since_last_decision(
    store: &Store,
    decisions: &HashMap<String, Vec<Decision>>,
) -> anyhow::Result<std::collections::HashSet<String>> {
    let rows = sqlx::query(
        "SELECT cluster_id, MAX(evaluated_on) AS last_spike FROM promotions \
         WHERE reasons LIKE '%\"spike\"%' GROUP BY cluster_id",
    )
    .fetch_all(store.pool())
    .await
    .context("pieken lezen")?;
    let mut spiked = std::collections::HashSet::new();
    for row in &rows {
        let cluster: String = row.try_get("cluster_id")?;
        let last_spike: String = row.try_get("last_spike")?;
        let since = decisions
            .get(&cluster)
            .and_then(|d| d.last())
            .map(|d| d.decided_at.get(..10).unwrap_or_default().to_string())
            .unwrap_or_default();
        if last_spike.as_str() >= since.as_str() {
            spiked.insert(cluster);
        }
    }
    Ok(spiked)
}

/// The most recent scrubbed signals of a cluster (and of the clusters merged into it).
pub async fn example_signals(
    store: &Store,
    cluster_ids: &[String],
    limit: i64,
) -> anyhow::Result<Vec<ExampleSignal>> {
    let mut examples = Vec::new();
    for cluster in cluster_ids {
        let rows = sqlx::query(
            "SELECT s.source, s.id, s.observed_on, s.area, s.text, s.barriers, b.found_by, b.rule, \
             b.model_score, b.model_terms FROM signals s \
             JOIN signal_barriers b ON b.source = s.source AND b.signal_id = s.id \
             WHERE b.cluster_id = $1 ORDER BY s.observed_on DESC, s.id LIMIT $2",
        )
        .bind(cluster)
        .bind(limit)
        .fetch_all(store.pool())
        .await
        .context("voorbeeldsignalen lezen")?;
        for row in &rows {
            let mut example = example_from_row(row)?;
            example.herkend = knooppunt_rules::model::record::Recognition::from_columns(
                &row.try_get::<String, _>("found_by")?,
                row.try_get("rule")?,
                row.try_get("model_score")?,
                row.try_get("model_terms")?,
            )
            .dutch();
            examples.push(example);
        }
    }
    examples.sort_by(|a, b| b.observed_on.cmp(&a.observed_on));
    examples.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(examples)
}

/// The signals one source (team or partner) submitted, newest first.
pub async fn signals_of_source(
    store: &Store,
    source: &str,
    limit: i64,
) -> anyhow::Result<Vec<ExampleSignal>> {
    let rows = sqlx::query(
        "SELECT source, id, observed_on, area, text, barriers FROM signals WHERE source = $1 \
         ORDER BY stored_at DESC, id LIMIT $2",
    )
    .bind(source)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("eigen signalen lezen")?;
    rows.iter().map(example_from_row).collect()
}

fn example_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<ExampleSignal> {
    Ok(ExampleSignal {
        source: row.try_get("source")?,
        id: row.try_get("id")?,
        observed_on: row.try_get("observed_on")?,
        area: row.try_get("area")?,
        text: row.try_get("text")?,
        barriers: row.try_get("barriers")?,
        herkend: String::new(),
    })
}

/// Records a meeting of the overleg (idempotent).
pub async fn add_meeting(store: &Store, on: NaiveDate, by: &str) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO meetings (meeting_on, created_by, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (meeting_on) DO NOTHING",
    )
    .bind(on.to_string())
    .bind(by)
    .bind(Utc::now().to_rfc3339())
    .execute(store.pool())
    .await
    .context("vergadering vastleggen")?;
    Ok(())
}

/// The last meeting before `on`, if any.
pub async fn previous_meeting(store: &Store, on: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
    let row = sqlx::query(
        "SELECT meeting_on FROM meetings WHERE meeting_on < $1 ORDER BY meeting_on DESC LIMIT 1",
    )
    .bind(on.to_string())
    .fetch_optional(store.pool())
    .await
    .context("vorige vergadering lezen")?;
    Ok(row
        .map(|r| r.try_get::<String, _>("meeting_on"))
        .transpose()?
        .and_then(|d| d.parse().ok()))
}

/// The meeting the overleg's pages open on: the next one from `today` on, else the latest.
pub async fn landing_meeting(store: &Store, today: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
    let next = sqlx::query(
        "SELECT meeting_on FROM meetings WHERE meeting_on >= $1 ORDER BY meeting_on LIMIT 1",
    )
    .bind(today.to_string())
    .fetch_optional(store.pool())
    .await
    .context("volgende vergadering lezen")?;
    let row = match next {
        Some(row) => Some(row),
        None => sqlx::query("SELECT meeting_on FROM meetings ORDER BY meeting_on DESC LIMIT 1")
            .fetch_optional(store.pool())
            .await
            .context("laatste vergadering lezen")?,
    };
    Ok(row
        .map(|r| r.try_get::<String, _>("meeting_on"))
        .transpose()?
        .and_then(|d| d.parse().ok()))
}

/// Takes back a cluster's last decision while its meeting is on: only a decision taken on the
/// Dutch day `day`, and never a split (it moved signals into new clusters). The removed
/// decision and the state the cluster is back in; `Err` carries the Dutch reason it cannot.
pub async fn undo_last(
    store: &Store,
    cluster_id: &str,
    day: NaiveDate,
) -> anyhow::Result<Result<(Decision, State), &'static str>> {
    let mut tx = store.pool().begin().await.context("transactie starten")?;
    let rows = sqlx::query(&format!(
        "SELECT {DECISION_COLUMNS} FROM cluster_decisions WHERE cluster_id = $1 \
         ORDER BY seq DESC LIMIT 2"
    ))
    .bind(cluster_id)
    .fetch_all(&mut *tx)
    .await
    .context("besluiten lezen")?;
    let Some(last) = rows.first().map(decision_from_row).transpose()? else {
        return Ok(Err("er is nog geen besluit om ongedaan te maken"));
    };
    if crate::dutch::local_day(&last.decided_at) != Some(day) {
        return Ok(Err(
            "alleen een besluit van de vergadering van vandaag kan ongedaan worden gemaakt",
        ));
    }
    if matches!(last.action, Action::Splitsen { .. }) {
        return Ok(Err(
            "een splitsing kan niet ongedaan worden gemaakt; voeg de clusters weer samen",
        ));
    }
    let before = rows
        .get(1)
        .map(decision_from_row)
        .transpose()?
        .map_or(State::Open, |d| d.state_after);
    sqlx::query("DELETE FROM cluster_decisions WHERE seq = $1")
        .bind(last.seq)
        .execute(&mut *tx)
        .await
        .context("besluit ongedaan maken")?;
    tx.commit().await.context("besluit ongedaan maken")?;
    Ok(Ok((last, before)))
}
