//! The review's tables: decisions (append-only) and meetings. A decision is checked against
//! the cluster's current state inside the transaction that records it, so two reviewers
//! cannot skip a state; its outbox event and processing-log entry go in the same transaction.

use crate::minutes::IN_FORCE;
use crate::{Store, Text};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster_event::{decision_event, ClusterRef};
use knooppunt_domain::dutch_time;
use knooppunt_domain::processing_log::Record;
use knooppunt_domain::review::{transition, Action, Decision, DecisionError, Split, State};
use std::collections::HashMap;

pub use crate::decide_error::DecideError;

/// A decision to record: on which cluster, what, why, by whom and when.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub cluster_id: &'a str,
    pub action: Action,
    pub reason: &'a str,
    pub actor: &'a str,
    pub at: DateTime<Utc>,
}

/// The cluster a decision was taken on, as it stood before the decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecidedCluster {
    pub barrier: String,
    pub area: String,
    pub organisation: String,
    pub signal_count: i64,
}

pub use crate::events::OutboxEvent;

pub use crate::processing_log::LogRow;

/// What a decision writes besides itself, in its transaction.
#[derive(Debug, Clone, Default)]
pub struct DecisionEffects {
    pub event: Option<OutboxEvent>,
    pub log: Vec<LogRow>,
}

impl DecisionEffects {
    /// The usual effects of a recorded decision on `cluster` (the other clusters involved in
    /// `related`): its cluster event (none for a note) and its processing-log entry.
    pub fn of_decision(
        decision: &Decision,
        cluster: &DecidedCluster,
        related: &[String],
    ) -> anyhow::Result<Self> {
        Ok(Self {
            event: OutboxEvent::of_decision(decision, cluster, related)?,
            log: vec![LogRow::from(&Record::decision(decision))],
        })
    }
}

impl OutboxEvent {
    /// The outbox row of a decision's cluster event; `None` for a decision without an event
    /// (a note).
    pub fn of_decision(
        decision: &Decision,
        cluster: &DecidedCluster,
        related: &[String],
    ) -> anyhow::Result<Option<Self>> {
        let named = ClusterRef {
            id: decision.cluster_id.clone(),
            barrier: cluster.barrier.clone(),
            wijk: cluster.area.clone(),
            organisation: cluster.organisation.clone(),
        };
        let Some(event) = decision_event(decision, named, related) else {
            return Ok(None);
        };
        Ok(Some(Self {
            payload: event.payload().context("gebeurtenis vastleggen")?,
            kind: event.kind.as_str().to_string(),
            event_id: event.id,
            occurred_at: decision.decided_at,
            cluster_id: event.cluster.id,
        }))
    }
}

/// Builds a decision's effects from the recorded decision, its cluster and the other clusters
/// involved (the merge target, the split-off clusters).
pub type EffectsOf<'f> = dyn FnOnce(&Decision, &DecidedCluster, &[String]) -> anyhow::Result<DecisionEffects>
    + Send
    + 'f;

/// What taking back a cluster's last decision came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// Taken back (an entry of its own); the cluster is back in `before`.
    Undone { decision: Decision, before: State },
    /// The cluster has no decision.
    NothingToUndo,
    /// The last decision was not taken on the given Dutch day.
    NotThatDay,
    /// The last decision was a split (it moved signals into new clusters).
    Split,
}

/// A `cluster_decisions` row as stored; [`Decision`] is its typed form.
#[derive(sqlx::FromRow)]
pub(crate) struct DecisionRow {
    seq: i64,
    cluster_id: String,
    state_after: String,
    actor: String,
    reason: String,
    details: String,
    signal_count: i64,
    decided_at: Text<DateTime<Utc>>,
}

impl TryFrom<DecisionRow> for Decision {
    type Error = anyhow::Error;

    fn try_from(row: DecisionRow) -> anyhow::Result<Self> {
        Ok(Decision {
            seq: row.seq,
            action: serde_json::from_str(&row.details).context("besluit in de database")?,
            state_after: State::from_name(&row.state_after)
                .with_context(|| format!("onbekende status {} in de database", row.state_after))?,
            decided_at: row.decided_at.0,
            cluster_id: row.cluster_id,
            actor: row.actor,
            reason: row.reason,
            signal_count: row.signal_count,
        })
    }
}

const DECISION_COLUMNS: &str =
    "seq, cluster_id, state_after, actor, reason, details, signal_count, decided_at";

fn typed(rows: Vec<DecisionRow>) -> anyhow::Result<Vec<Decision>> {
    rows.into_iter().map(Decision::try_from).collect()
}

/// A cluster's state after its last decision in force; open when none was taken.
async fn current_state(conn: &mut sqlx::AnyConnection, cluster_id: &str) -> anyhow::Result<State> {
    let state: Option<String> = sqlx::query_scalar(&format!(
        "SELECT state_after FROM cluster_decisions WHERE cluster_id = $1 AND {IN_FORCE} \
         ORDER BY seq DESC LIMIT 1"
    ))
    .bind(cluster_id)
    .fetch_optional(&mut *conn)
    .await
    .context("status lezen")?;
    Ok(state
        .as_deref()
        .and_then(State::from_name)
        .unwrap_or(State::Open))
}

async fn decided_cluster(
    conn: &mut sqlx::AnyConnection,
    cluster_id: &str,
) -> anyhow::Result<Option<DecidedCluster>> {
    sqlx::query_as("SELECT barrier, area, organisation, signal_count FROM clusters WHERE id = $1")
        .bind(cluster_id)
        .fetch_optional(&mut *conn)
        .await
        .context("cluster lezen")
}

pub(crate) async fn insert_decision(
    conn: &mut sqlx::AnyConnection,
    cluster_id: &str,
    action: &Action,
    state_after: State,
    (actor, reason): (&str, &str),
    signal_count: i64,
    decided_at: DateTime<Utc>,
) -> anyhow::Result<Decision> {
    let row: DecisionRow = sqlx::query_as(&format!(
        "INSERT INTO cluster_decisions (cluster_id, action, state_after, actor, reason, details, \
         signal_count, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING {DECISION_COLUMNS}"
    ))
    .bind(cluster_id)
    .bind(action.name())
    .bind(state_after.as_str())
    .bind(actor)
    .bind(reason.trim())
    .bind(serde_json::to_string(action).context("besluit vastleggen")?)
    .bind(signal_count)
    .bind(Text(decided_at))
    .fetch_one(&mut *conn)
    .await
    .context("besluit vastleggen")?;
    row.try_into()
}

pub(crate) async fn write_effects(
    conn: &mut sqlx::AnyConnection,
    effects: &DecisionEffects,
) -> anyhow::Result<()> {
    if let Some(event) = &effects.event {
        crate::events::record_event_on(&mut *conn, event)
            .await
            .context("gebeurtenis vastleggen")?;
    }
    crate::processing_log::append_on(&mut *conn, &effects.log)
        .await
        .context("verwerkingslog bijschrijven")?;
    Ok(())
}

impl Store {
    /// Every decision in force on a cluster (not taken back), oldest first.
    pub async fn decisions(&self, cluster_id: &str) -> anyhow::Result<Vec<Decision>> {
        let rows = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} FROM cluster_decisions WHERE cluster_id = $1 \
             AND {IN_FORCE} ORDER BY seq"
        ))
        .bind(cluster_id)
        .fetch_all(&self.pool)
        .await
        .context("besluiten lezen")?;
        typed(rows)
    }

    /// Every decision in force, by cluster, oldest first.
    pub async fn all_decisions(&self) -> anyhow::Result<HashMap<String, Vec<Decision>>> {
        let rows = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} FROM cluster_decisions WHERE {IN_FORCE} ORDER BY seq"
        ))
        .fetch_all(&self.pool)
        .await
        .context("besluiten lezen")?;
        let mut by_cluster: HashMap<String, Vec<Decision>> = HashMap::new();
        for decision in typed(rows)? {
            by_cluster
                .entry(decision.cluster_id.clone())
                .or_default()
                .push(decision);
        }
        Ok(by_cluster)
    }

    /// The decisions taken on the Dutch calendar day `day` (a meeting's decision list),
    /// oldest first, those taken back included (see [`Store::reversals_on`]): from Dutch midnight to Dutch midnight, whatever the UTC date.
    pub async fn decisions_on(&self, day: NaiveDate) -> anyhow::Result<Vec<Decision>> {
        let (start, end) = dutch_time::day_bounds_utc(day);
        // Stored times are UTC RFC 3339 (`+00:00`), so they compare as text.
        let rows = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} FROM cluster_decisions \
             WHERE decided_at >= $1 AND decided_at < $2 ORDER BY seq"
        ))
        .bind(Text(start))
        .bind(Text(end))
        .fetch_all(&self.pool)
        .await
        .context("besluiten lezen")?;
        typed(rows)
    }

    /// Per cluster with an owner, the time of its last assignment (`toewijzen`) in force.
    pub async fn last_assignments(&self) -> anyhow::Result<Vec<(String, DateTime<Utc>)>> {
        let rows: Vec<(String, Text<DateTime<Utc>>)> = sqlx::query_as(&format!(
            "SELECT cluster_id, MAX(decided_at) AS since FROM cluster_decisions \
             WHERE action = $1 AND {IN_FORCE} GROUP BY cluster_id"
        ))
        .bind(
            Action::Assign {
                owner: String::new(),
                programme: String::new(),
            }
            .name(),
        )
        .fetch_all(&self.pool)
        .await
        .context("toewijzingen lezen")?;
        Ok(rows.into_iter().map(|(id, since)| (id, since.0)).collect())
    }

    /// Takes a decision on a cluster: checks the transition against the cluster's current
    /// state, then appends it to the history with the effects `effects` builds (its event and
    /// processing-log entry), all in one transaction. A split also moves the signals and opens
    /// the split-off clusters. Returns the recorded decision.
    pub async fn decide(
        &self,
        new: NewDecision<'_>,
        effects: Box<EffectsOf<'_>>,
    ) -> Result<Decision, DecideError> {
        let mut tx = self.begin_write().await.context("transactie starten")?;
        let cluster_id = new.cluster_id;
        let Some(cluster) = decided_cluster(&mut tx, cluster_id).await? else {
            return Err(DecideError::UnknownCluster(cluster_id.to_string()));
        };
        let state = current_state(&mut tx, cluster_id).await?;
        if let Action::Merge { with: met } = &new.action {
            if met == cluster_id {
                return Err(DecisionError::MergeWithItself.into());
            }
            if decided_cluster(&mut tx, met).await?.is_none()
                || current_state(&mut tx, met).await? == State::Merged
            {
                return Err(DecideError::BadMergeTarget(met.clone()));
            }
        }
        let next = transition(state, &new.action, new.reason)?;
        let decided_at = new.at;
        let split_off = match &new.action {
            Action::Split { how: op } => {
                crate::review_split::split(&mut tx, cluster_id, op).await?
            }
            _ => Vec::new(),
        };
        let who = (new.actor, new.reason);
        // A split-off cluster starts open, with where it came from as its first decision.
        for (new_cluster, count) in &split_off {
            let origin = Action::Split {
                how: Split::From {
                    cluster: cluster_id.to_string(),
                },
            };
            insert_decision(
                &mut tx,
                new_cluster,
                &origin,
                State::Open,
                who,
                *count,
                decided_at,
            )
            .await?;
        }
        let decision = insert_decision(
            &mut tx,
            cluster_id,
            &new.action,
            next,
            who,
            cluster.signal_count,
            decided_at,
        )
        .await?;
        let related: Vec<String> = match &new.action {
            Action::Merge { with: met } => vec![met.clone()],
            _ => split_off.iter().map(|(id, _)| id.clone()).collect(),
        };
        let effects = effects(&decision, &cluster, &related)?;
        write_effects(&mut tx, &effects).await?;
        tx.commit().await.context("besluit vastleggen")?;
        Ok(decision)
    }

    /// Takes back (by `actor`) a cluster's last decision in force if it was taken on the
    /// Dutch day `day` and was not a split. The history stays append-only: the undo is its
    /// own entry, and the cluster is back in the state before the decision.
    pub async fn undo_last_decision(
        &self,
        cluster_id: &str,
        day: NaiveDate,
        actor: &str,
    ) -> anyhow::Result<Undo> {
        let mut tx = self.begin_write().await.context("transactie starten")?;
        let rows: Vec<DecisionRow> = sqlx::query_as(&format!(
            "SELECT {DECISION_COLUMNS} FROM cluster_decisions WHERE cluster_id = $1 \
             AND {IN_FORCE} ORDER BY seq DESC LIMIT 2"
        ))
        .bind(cluster_id)
        .fetch_all(&mut *tx)
        .await
        .context("besluiten lezen")?;
        let mut last_two = typed(rows)?.into_iter();
        let Some(last) = last_two.next() else {
            return Ok(Undo::NothingToUndo);
        };
        if dutch_time::local_day(&last.decided_at) != day {
            return Ok(Undo::NotThatDay);
        }
        if matches!(last.action, Action::Split { .. }) {
            return Ok(Undo::Split);
        }
        let before = last_two.next().map_or(State::Open, |d| d.state_after);
        crate::minutes::record_reversal(&mut tx, last.seq, cluster_id, before, actor).await?;
        tx.commit().await.context("besluit ongedaan maken")?;
        Ok(Undo::Undone {
            decision: last,
            before,
        })
    }

    /// Records a meeting of the overleg (idempotent).
    pub async fn add_meeting(&self, on: NaiveDate, by: &str) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO meetings (meeting_on, created_by, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (meeting_on) DO NOTHING",
        )
        .bind(Text(on))
        .bind(by)
        .bind(Text(Utc::now()))
        .execute(&self.pool)
        .await
        .context("vergadering vastleggen")?;
        Ok(())
    }

    /// The last meeting before `on`, if any.
    pub async fn previous_meeting(&self, on: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
        self.meeting_day(
            "WHERE meeting_on < $1 ORDER BY meeting_on DESC",
            Some(on),
            "vorige vergadering lezen",
        )
        .await
    }

    /// The first meeting on or after `on`, if any.
    pub async fn next_meeting(&self, on: NaiveDate) -> anyhow::Result<Option<NaiveDate>> {
        self.meeting_day(
            "WHERE meeting_on >= $1 ORDER BY meeting_on",
            Some(on),
            "volgende vergadering lezen",
        )
        .await
    }

    /// The latest meeting, if any.
    pub async fn latest_meeting(&self) -> anyhow::Result<Option<NaiveDate>> {
        self.meeting_day(
            "ORDER BY meeting_on DESC",
            None,
            "laatste vergadering lezen",
        )
        .await
    }

    /// The first meeting day in the order `filter` (a `WHERE` on `$1` = `on`, and an
    /// `ORDER BY`) gives.
    async fn meeting_day(
        &self,
        filter: &str,
        on: Option<NaiveDate>,
        what: &'static str,
    ) -> anyhow::Result<Option<NaiveDate>> {
        let sql = format!("SELECT meeting_on FROM meetings {filter} LIMIT 1");
        let mut query = sqlx::query_scalar::<_, Text<NaiveDate>>(&sql);
        if let Some(on) = on {
            query = query.bind(Text(on));
        }
        let day = query.fetch_optional(&self.pool).await.context(what)?;
        Ok(day.map(|day| day.0))
    }
}
