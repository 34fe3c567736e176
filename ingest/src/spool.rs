//! The embedded transport: a durable SQLite queue so a single team runs intake and the rules
//! engine in one process, with the same at-least-once guarantee as Kafka.

use crate::envelope::Envelope;
use crate::transport::{PublishError, Publisher};
use anyhow::Context;
use async_trait::async_trait;
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::time::Duration;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/spool");

/// One queued message.
#[derive(Debug, Clone)]
pub struct SpoolRecord {
    pub seq: i64,
    pub partition_key: String,
    pub payload: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct Spool {
    pool: SqlitePool,
}

impl Spool {
    /// Opens (and creates or migrates) the spool file.
    pub async fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("map {} aanmaken voor de spool", dir.display()))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged signal survives a power cut, not only a crash.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .with_context(|| format!("spool {} openen", path.display()))?;
        MIGRATIONS
            .run(&pool)
            .await
            .context("spool-migraties uitvoeren")?;
        Ok(Self { pool })
    }

    async fn enqueue(&self, batch: &[Envelope]) -> Result<(), sqlx::Error> {
        let now = Utc::now().to_rfc3339();
        let mut tx = self.pool.begin().await?;
        for envelope in batch {
            sqlx::query("INSERT INTO spool (partition_key, payload, enqueued_at) VALUES (?, ?, ?)")
                .bind(envelope.key())
                .bind(envelope.to_json())
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// The oldest `limit` messages not yet acknowledged, in order.
    pub async fn fetch(&self, limit: i64) -> Result<Vec<SpoolRecord>, sqlx::Error> {
        let rows =
            sqlx::query("SELECT seq, partition_key, payload FROM spool ORDER BY seq LIMIT ?")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|row| {
                Ok(SpoolRecord {
                    seq: row.try_get("seq")?,
                    partition_key: row.try_get("partition_key")?,
                    payload: row.try_get("payload")?,
                })
            })
            .collect()
    }

    /// Removes messages once they are safely stored downstream.
    pub async fn ack(&self, seqs: &[i64]) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for seq in seqs {
            sqlx::query("DELETE FROM spool WHERE seq = ?")
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// Moves an undecodable message aside with its reason; its payload is dropped.
    pub async fn dead_letter(&self, seq: i64, reason: &str) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT OR REPLACE INTO dead_letters (seq, reason, dead_at) VALUES (?, ?, ?)")
            .bind(seq)
            .bind(reason)
            .bind(Utc::now().to_rfc3339())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM spool WHERE seq = ?")
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Messages waiting for the rules engine.
    pub async fn pending(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM spool")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")
    }

    /// Dead-lettered messages: (seq, reason).
    pub async fn dead_letters(&self) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT seq, reason FROM dead_letters ORDER BY seq")
            .fetch_all(&self.pool)
            .await
    }

    /// Puts a raw payload on the spool, bypassing intake: for partner tooling and tests of
    /// the engine's handling of bad messages.
    pub async fn enqueue_raw(
        &self,
        partition_key: &str,
        payload: &[u8],
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO spool (partition_key, payload, enqueued_at) VALUES (?, ?, ?)")
            .bind(partition_key)
            .bind(payload)
            .bind(Utc::now().to_rfc3339())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

#[async_trait]
impl Publisher for Spool {
    async fn publish(&self, batch: &[Envelope]) -> Vec<Result<(), PublishError>> {
        // One transaction: either the whole batch is durable or none of it is.
        let outcome = self
            .enqueue(batch)
            .await
            .map_err(|e| PublishError::Unavailable(format!("spool: {e}")));
        vec![outcome; batch.len()]
    }

    async fn check(&self) -> Result<(), String> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| format!("spool: {e}"))
    }

    fn name(&self) -> &'static str {
        "spool"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Channel;
    use crate::signal::parse_signal;

    fn envelope(text: &str) -> Envelope {
        let value = serde_json::json!({"observed_on": "2026-09-14", "source": "t",
            "area": "Moerwijk", "text": text});
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        Envelope::prepare(
            parse_signal(&value, today).unwrap(),
            Channel::Http,
            Utc::now(),
        )
    }

    #[tokio::test]
    async fn publish_fetch_ack_and_dead_letter() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool.db");
        let spool = Spool::open(&path).await.unwrap();
        let results = spool.publish(&[envelope("een"), envelope("twee")]).await;
        assert!(results.iter().all(Result::is_ok));
        spool.enqueue_raw("x", b"not json").await.unwrap();

        // Survives reopening: what was acknowledged is on disk.
        drop(spool);
        let spool = Spool::open(&path).await.unwrap();
        let records = spool.fetch(10).await.unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].partition_key, "moerwijk");
        spool.ack(&[records[0].seq, records[1].seq]).await.unwrap();
        spool
            .dead_letter(records[2].seq, "geen geldige JSON")
            .await
            .unwrap();
        assert_eq!(spool.pending().await.unwrap(), 0);
        assert_eq!(
            spool.dead_letters().await.unwrap(),
            vec![(records[2].seq, "geen geldige JSON".to_string())]
        );
    }
}
