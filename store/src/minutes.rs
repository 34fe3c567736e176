//! A meeting's decisions list as stored: who attended, the action points agreed, and the
//! decisions taken back (an undo is its own entry in `decision_reversals`; the reversed
//! decision stays in the history, and every read of the history in force skips it).

use crate::Store;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::dutch_time;
use knooppunt_domain::review::State;

/// The condition that keeps a `cluster_decisions` row in force: not taken back.
pub(crate) const IN_FORCE: &str = "seq NOT IN (SELECT reversed_seq FROM decision_reversals)";

/// One person at the table: a name and a role or organisation, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attendee {
    pub name: String,
    pub role: String,
}

/// What was agreed, who does it, and by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPoint {
    pub what: String,
    pub owner: String,
    pub due_on: NaiveDate,
}

/// What a meeting recorded besides its decisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingRecord {
    pub attendees: Vec<Attendee>,
    pub action_points: Vec<ActionPoint>,
}

/// A decision taken back: which one, on which cluster, the state it is back in, by whom
/// and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reversal {
    pub reversed_seq: i64,
    pub cluster_id: String,
    pub state_back: State,
    pub actor: String,
    pub reversed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ActionPointRow {
    what: String,
    owner: String,
    due_on: String,
}

#[derive(sqlx::FromRow)]
struct ReversalRow {
    reversed_seq: i64,
    cluster_id: String,
    state_back: String,
    actor: String,
    reversed_at: String,
}

impl TryFrom<ReversalRow> for Reversal {
    type Error = anyhow::Error;

    fn try_from(row: ReversalRow) -> anyhow::Result<Self> {
        Ok(Reversal {
            state_back: State::from_name(&row.state_back)
                .with_context(|| format!("onbekende status {} in de database", row.state_back))?,
            reversed_at: DateTime::parse_from_rfc3339(&row.reversed_at)
                .with_context(|| format!("terugdraaiing {}: ongeldige tijd", row.reversed_seq))?
                .with_timezone(&Utc),
            reversed_seq: row.reversed_seq,
            cluster_id: row.cluster_id,
            actor: row.actor,
        })
    }
}

/// Appends the entry that takes back decision `seq` (in the caller's transaction).
pub(crate) async fn record_reversal(
    conn: &mut sqlx::AnyConnection,
    seq: i64,
    cluster_id: &str,
    state_back: State,
    actor: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO decision_reversals (reversed_seq, cluster_id, state_back, actor, \
         reversed_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(seq)
    .bind(cluster_id)
    .bind(state_back.as_str())
    .bind(actor)
    .bind(Utc::now().to_rfc3339())
    .execute(&mut *conn)
    .await
    .context("besluit terugdraaien")?;
    Ok(())
}

impl Store {
    /// Records the meeting on `on` (if it was not yet) with its attendees and action points,
    /// in order, replacing what was recorded for it before: the chair can correct the list.
    pub async fn record_meeting(
        &self,
        on: NaiveDate,
        by: &str,
        record: &MeetingRecord,
    ) -> anyhow::Result<()> {
        let day = on.to_string();
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        sqlx::query(
            "INSERT INTO meetings (meeting_on, created_by, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (meeting_on) DO NOTHING",
        )
        .bind(&day)
        .bind(by)
        .bind(Utc::now().to_rfc3339())
        .execute(&mut *tx)
        .await
        .context("vergadering vastleggen")?;
        for table in ["meeting_attendees", "meeting_action_points"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE meeting_on = $1"))
                .bind(&day)
                .execute(&mut *tx)
                .await
                .context("besluitenlijst vastleggen")?;
        }
        for (position, attendee) in record.attendees.iter().enumerate() {
            sqlx::query(
                "INSERT INTO meeting_attendees (meeting_on, position, name, role) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(&day)
            .bind(position as i64)
            .bind(&attendee.name)
            .bind(&attendee.role)
            .execute(&mut *tx)
            .await
            .context("aanwezigen vastleggen")?;
        }
        for (position, point) in record.action_points.iter().enumerate() {
            sqlx::query(
                "INSERT INTO meeting_action_points (meeting_on, position, what, owner, due_on) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&day)
            .bind(position as i64)
            .bind(&point.what)
            .bind(&point.owner)
            .bind(point.due_on.to_string())
            .execute(&mut *tx)
            .await
            .context("actiepunten vastleggen")?;
        }
        tx.commit().await.context("vergadering vastleggen")?;
        Ok(())
    }

    /// When the meeting on `on` was first recorded, if it was: decisions taken later that day
    /// were not taken in the meeting.
    pub async fn meeting_recorded_at(
        &self,
        on: NaiveDate,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let row: Option<(crate::Text<DateTime<Utc>>,)> =
            sqlx::query_as("SELECT created_at FROM meetings WHERE meeting_on = $1")
                .bind(crate::Text(on))
                .fetch_optional(&self.pool)
                .await
                .context("vergadering lezen")?;
        Ok(row.map(|(at,)| at.0))
    }

    /// The attendees and action points recorded with the meeting on `on`, in order (empty
    /// when none were).
    pub async fn meeting_record(&self, on: NaiveDate) -> anyhow::Result<MeetingRecord> {
        let day = on.to_string();
        let attendees = sqlx::query_as(
            "SELECT name, role FROM meeting_attendees WHERE meeting_on = $1 ORDER BY position",
        )
        .bind(&day)
        .fetch_all(&self.pool)
        .await
        .context("aanwezigen lezen")?;
        let rows: Vec<ActionPointRow> = sqlx::query_as(
            "SELECT what, owner, due_on FROM meeting_action_points WHERE meeting_on = $1 \
             ORDER BY position",
        )
        .bind(&day)
        .fetch_all(&self.pool)
        .await
        .context("actiepunten lezen")?;
        let action_points =
            rows.into_iter()
                .map(|row| {
                    Ok(ActionPoint {
                        due_on: row.due_on.parse().with_context(|| {
                            format!("actiepunt: ongeldige datum {}", row.due_on)
                        })?,
                        what: row.what,
                        owner: row.owner,
                    })
                })
                .collect::<anyhow::Result<_>>()?;
        Ok(MeetingRecord {
            attendees,
            action_points,
        })
    }

    /// The reversals of decisions taken on the Dutch calendar day `day`, oldest first.
    pub async fn reversals_on(&self, day: NaiveDate) -> anyhow::Result<Vec<Reversal>> {
        let (start, end) = dutch_time::day_bounds_utc(day);
        let rows: Vec<ReversalRow> = sqlx::query_as(
            "SELECT reversed_seq, cluster_id, state_back, actor, reversed_at \
             FROM decision_reversals WHERE reversed_seq IN \
             (SELECT seq FROM cluster_decisions WHERE decided_at >= $1 AND decided_at < $2) \
             ORDER BY reversed_seq",
        )
        .bind(start.to_rfc3339())
        .bind(end.to_rfc3339())
        .fetch_all(&self.pool)
        .await
        .context("teruggedraaide besluiten lezen")?;
        rows.into_iter().map(Reversal::try_from).collect()
    }
}
