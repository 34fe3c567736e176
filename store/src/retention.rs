//! Retention (*bewaartermijnen*) in the store: counting and purging what is past its term,
//! in one transaction with the run's record and its processing-log entry. The terms and the
//! cutoffs are decided in `knooppunt_rules::retention`.

use crate::processing_log::{append_on, LogRow};
use crate::{Store, StoreResult, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The moments before which things go, and what a purged text becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoffs<'a> {
    /// Signals observed before this day lose their text.
    pub text: NaiveDate,
    /// Quarantine recorded, tokens revoked, sessions expired before these moments go.
    pub quarantine: DateTime<Utc>,
    pub revoked_tokens: DateTime<Utc>,
    pub sessions: DateTime<Utc>,
    pub purged_text: &'a str,
    /// Meetings before this day have their attendees' names replaced by "deelnemer N".
    pub attendees: NaiveDate,
}

/// What a run does (or would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub signals_purged: i64,
    pub vignettes_removed: i64,
    pub quarantine_deleted: i64,
    pub sessions_deleted: i64,
    pub tokens_deleted: i64,
    pub attendees_anonymised: i64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        self.signals_purged
            + self.vignettes_removed
            + self.quarantine_deleted
            + self.sessions_deleted
            + self.tokens_deleted
            + self.attendees_anonymised
            == 0
    }
}

/// A recorded retention run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Purge {
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub run_at: DateTime<Utc>,
    pub actor: String,
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub text_cutoff: NaiveDate,
    /// What it did.
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: Counts,
}

const TEXT_WHERE: &str = "observed_on < $1 AND text <> $2";
/// What an attendee is called after the term: by position, "deelnemer 1", "deelnemer 2", …
const PARTICIPANT: &str = "('deelnemer ' || CAST(position + 1 AS TEXT))";
/// Attendees of meetings before `$1` still named.
const ATTENDEE_WHERE: &str =
    "meeting_on < $1 AND name <> ('deelnemer ' || CAST(position + 1 AS TEXT))";
/// Action points of meetings before `$1` owned by an attendee still named: they take the
/// attendee's new name (the first of that name).
const OWNER_UPDATE: &str = "UPDATE meeting_action_points SET owner = \
     (SELECT 'deelnemer ' || CAST(MIN(a.position) + 1 AS TEXT) FROM meeting_attendees a \
     WHERE a.meeting_on = meeting_action_points.meeting_on \
     AND LOWER(a.name) = LOWER(meeting_action_points.owner)) \
     WHERE meeting_on < $1 AND EXISTS (SELECT 1 FROM meeting_attendees a \
     WHERE a.meeting_on = meeting_action_points.meeting_on \
     AND LOWER(a.name) = LOWER(meeting_action_points.owner) \
     AND a.name <> ('deelnemer ' || CAST(a.position + 1 AS TEXT)))";
const VIGNETTE_WHERE: &str = "EXISTS (SELECT 1 FROM signals s WHERE s.source = vignettes.source \
     AND s.id = vignettes.signal_id AND s.observed_on < $1)";

/// Memberships of signals observed before `$1`.
const TERMS_WHERE: &str = "EXISTS (SELECT 1 FROM signals s WHERE s.source = \
     signal_barriers.source AND s.id = signal_barriers.signal_id AND s.observed_on < $1)";

impl Store {
    /// Counts what [`Store::apply_retention`] would do, changing nothing.
    pub async fn count_retention(&self, cutoffs: &Cutoffs<'_>) -> StoreResult<Counts> {
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM signals WHERE {TEXT_WHERE}) AS signals_purged, \
             (SELECT COUNT(*) FROM vignettes WHERE {VIGNETTE_WHERE}) AS vignettes_removed, \
             (SELECT COUNT(*) FROM quarantine WHERE quarantined_at < $3) AS quarantine_deleted, \
             (SELECT COUNT(*) FROM sessions WHERE expires_at < $4) AS sessions_deleted, \
             (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < $5) \
             AS tokens_deleted, \
             (SELECT COUNT(*) FROM meeting_attendees WHERE {}) AS attendees_anonymised",
            ATTENDEE_WHERE.replace("$1", "$6")
        );
        Ok(sqlx::query_as(&sql)
            .bind(Text(cutoffs.text))
            .bind(cutoffs.purged_text)
            .bind(Text(cutoffs.quarantine))
            .bind(Text(cutoffs.sessions))
            .bind(Text(cutoffs.revoked_tokens))
            .bind(Text(cutoffs.attendees))
            .fetch_one(&self.pool)
            .await?)
    }

    /// Purges what is past its term in one transaction; when anything changed, records the
    /// run (`run_at`, `actor`) in `retention_purges` with the processing-log rows `log` makes.
    pub async fn apply_retention(
        &self,
        cutoffs: &Cutoffs<'_>,
        run_at: DateTime<Utc>,
        actor: &str,
        log: impl FnOnce(&Counts) -> Vec<LogRow>,
    ) -> StoreResult<Counts> {
        let text = Text(cutoffs.text);
        let mut tx = self.pool.begin().await?;
        // Vignettes first: they are found through the signals' dates.
        let vignettes_removed =
            sqlx::query(&format!("DELETE FROM vignettes WHERE {VIGNETTE_WHERE}"))
                .bind(text)
                .execute(&mut *tx)
                .await?;
        // The words of the text the model weighed (`model_terms`) go with the text.
        sqlx::query(&format!(
            "UPDATE signal_barriers SET model_terms = NULL WHERE model_terms IS NOT NULL \
             AND {TERMS_WHERE}"
        ))
        .bind(text)
        .execute(&mut *tx)
        .await?;
        let signals_purged =
            sqlx::query(&format!("UPDATE signals SET text = $2 WHERE {TEXT_WHERE}"))
                .bind(text)
                .bind(cutoffs.purged_text)
                .execute(&mut *tx)
                .await?;
        // Action points first: they find their owner by the attendee's name.
        sqlx::query(OWNER_UPDATE)
            .bind(Text(cutoffs.attendees))
            .execute(&mut *tx)
            .await?;
        let attendees = sqlx::query(&format!(
            "UPDATE meeting_attendees SET name = {PARTICIPANT} WHERE {ATTENDEE_WHERE}"
        ))
        .bind(Text(cutoffs.attendees))
        .execute(&mut *tx)
        .await?;
        let counts = Counts {
            attendees_anonymised: attendees.rows_affected() as i64,
            vignettes_removed: vignettes_removed.rows_affected() as i64,
            signals_purged: signals_purged.rows_affected() as i64,
            quarantine_deleted: delete_before(
                &mut tx,
                "quarantine",
                "quarantined_at",
                cutoffs.quarantine,
            )
            .await?,
            sessions_deleted: delete_before(&mut tx, "sessions", "expires_at", cutoffs.sessions)
                .await?,
            tokens_deleted: delete_before(
                &mut tx,
                "api_tokens",
                "revoked_at",
                cutoffs.revoked_tokens,
            )
            .await?,
        };
        if !counts.is_empty() {
            record_purge(&mut tx, run_at, actor, cutoffs, &counts).await?;
            append_on(&mut tx, &log(&counts)).await?;
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// The recorded runs, oldest first.
    pub async fn retention_purges(&self) -> StoreResult<Vec<Purge>> {
        Ok(sqlx::query_as(
            "SELECT run_at, actor, text_cutoff, signals_purged, vignettes_removed, \
             quarantine_deleted, sessions_deleted, tokens_deleted, attendees_anonymised \
             FROM retention_purges \
             ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Deletes the rows of `table` whose `column` (a stored instant; `NULL` stays) is before
/// `cutoff`; how many went.
async fn delete_before(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    column: &str,
    cutoff: DateTime<Utc>,
) -> StoreResult<i64> {
    let sql = format!("DELETE FROM {table} WHERE {column} IS NOT NULL AND {column} < $1");
    let done = sqlx::query(&sql).bind(Text(cutoff)).execute(conn).await?;
    Ok(done.rows_affected() as i64)
}

async fn record_purge(
    conn: &mut sqlx::AnyConnection,
    run_at: DateTime<Utc>,
    actor: &str,
    cutoffs: &Cutoffs<'_>,
    counts: &Counts,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO retention_purges (run_at, actor, text_cutoff, quarantine_cutoff, \
         signals_purged, vignettes_removed, quarantine_deleted, sessions_deleted, \
         tokens_deleted, attendees_anonymised) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(Text(run_at))
    .bind(actor)
    .bind(Text(cutoffs.text))
    .bind(Text(cutoffs.quarantine))
    .bind(counts.signals_purged)
    .bind(counts.vignettes_removed)
    .bind(counts.quarantine_deleted)
    .bind(counts.sessions_deleted)
    .bind(counts.tokens_deleted)
    .bind(counts.attendees_anonymised)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
