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
}

/// What a run does (or would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub signals_purged: i64,
    pub vignettes_removed: i64,
    pub quarantine_deleted: i64,
    pub sessions_deleted: i64,
    pub tokens_deleted: i64,
}

impl Counts {
    pub fn is_empty(&self) -> bool {
        self.signals_purged
            + self.vignettes_removed
            + self.quarantine_deleted
            + self.sessions_deleted
            + self.tokens_deleted
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
    pub signals_purged: i64,
    pub vignettes_removed: i64,
    pub quarantine_deleted: i64,
    pub sessions_deleted: i64,
    pub tokens_deleted: i64,
}

const TEXT_WHERE: &str = "observed_on < $1 AND text <> $2";
const VIGNETTE_WHERE: &str = "EXISTS (SELECT 1 FROM signals s WHERE s.source = vignettes.source \
     AND s.id = vignettes.signal_id AND s.observed_on < $1)";

impl Store {
    /// Counts what [`Store::apply_retention`] would do, changing nothing.
    pub async fn count_retention(&self, cutoffs: &Cutoffs<'_>) -> StoreResult<Counts> {
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM signals WHERE {TEXT_WHERE}) AS signals_purged, \
             (SELECT COUNT(*) FROM vignettes WHERE {VIGNETTE_WHERE}) AS vignettes_removed, \
             (SELECT COUNT(*) FROM quarantine WHERE quarantined_at < $3) AS quarantine_deleted, \
             (SELECT COUNT(*) FROM sessions WHERE expires_at < $4) AS sessions_deleted, \
             (SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < $5) \
             AS tokens_deleted"
        );
        Ok(sqlx::query_as(&sql)
            .bind(Text(cutoffs.text))
            .bind(cutoffs.purged_text)
            .bind(Text(cutoffs.quarantine))
            .bind(Text(cutoffs.sessions))
            .bind(Text(cutoffs.revoked_tokens))
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
        let signals_purged =
            sqlx::query(&format!("UPDATE signals SET text = $2 WHERE {TEXT_WHERE}"))
                .bind(text)
                .bind(cutoffs.purged_text)
                .execute(&mut *tx)
                .await?;
        let counts = Counts {
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
             quarantine_deleted, sessions_deleted, tokens_deleted FROM retention_purges \
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
         tokens_deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}
