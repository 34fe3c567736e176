//! The embedded transport's queue: a durable SQLite file so a single team runs intake and the
//! rules engine in one process, with the same at-least-once guarantee as Kafka. Its SQL is its
//! own (the spool's file, not the store's database).

use crate::spool::settings::SpoolSettings;
use anyhow::Context;
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/spool");

/// Rows per multi-row INSERT (3 parameters each, far below SQLite's 32,766).
const ROWS_PER_STATEMENT: usize = 300;

/// One queued message.
#[derive(Debug, Clone)]
pub struct SpoolRecord {
    pub seq: i64,
    pub partition_key: String,
    pub payload: Vec<u8>,
}

/// A batch waiting for the group commit, and where to say it is durable.
struct Pending {
    rows: Vec<(String, Vec<u8>)>,
    done: oneshot::Sender<Result<(), String>>,
}

#[derive(Clone, Debug)]
pub struct Spool {
    /// Reads, acknowledgements and dead letters.
    pool: SqlitePool,
    /// The group-commit writer.
    writer: mpsc::Sender<Pending>,
    /// How long a reader waits before it looks again at an empty spool.
    poll: Duration,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("rows", &self.rows.len())
            .finish()
    }
}

impl Spool {
    /// Opens (and creates or migrates) the spool file.
    ///
    /// Publishing answers only once the batch's transaction is fsync'ed
    /// (`synchronous = FULL`, so an acknowledged signal survives a power cut). Concurrent
    /// batches share one transaction and one fsync (group commit): one writer task takes every
    /// batch that arrived while the previous commit ran.
    ///
    /// Acknowledgements and dead letters need no fsync of their own
    /// (`synchronous = NORMAL`): one lost in a power cut only brings a message back, which
    /// the idempotent store then skips as a duplicate.
    pub async fn open(settings: &SpoolSettings) -> anyhow::Result<Self> {
        let path = settings.path.as_path();
        private_spool_file(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(settings.busy_timeout)
            // Statement journals in memory, not in temporary files.
            .pragma("temp_store", "MEMORY");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone().synchronous(SqliteSynchronous::Full))
            .await
            .with_context(|| format!("spool {} openen", path.display()))?;
        MIGRATIONS
            .run(&writer)
            .await
            .context("spool-migraties uitvoeren")?;
        let pool = SqlitePoolOptions::new()
            .max_connections(settings.readers)
            .connect_with(options.synchronous(SqliteSynchronous::Normal))
            .await
            .with_context(|| format!("spool {} openen", path.display()))?;
        let (sender, receiver) = mpsc::channel(settings.queue_depth.max(1));
        tokio::spawn(group_commit(writer, receiver, settings.max_group_rows));
        Ok(Self {
            pool,
            writer: sender,
            poll: settings.poll,
        })
    }

    /// How long a reader waits before it looks again at an empty spool.
    pub fn poll_interval(&self) -> Duration {
        self.poll
    }

    /// Whether the spool's file answers, for readiness checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Hands rows to the group commit and waits until they are durable.
    pub(crate) async fn enqueue(&self, rows: Vec<(String, Vec<u8>)>) -> Result<(), String> {
        let (done, answer) = oneshot::channel();
        self.writer
            .send(Pending { rows, done })
            .await
            .map_err(|_| "de spool is gesloten".to_string())?;
        answer
            .await
            .map_err(|_| "de spool is gesloten".to_string())?
    }

    /// The oldest `limit` messages not yet acknowledged, in order.
    pub async fn fetch(&self, limit: i64) -> Result<Vec<SpoolRecord>, sqlx::Error> {
        self.fetch_after(i64::MIN, limit).await
    }

    /// The oldest `limit` messages after sequence number `after`, in order.
    pub async fn fetch_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<SpoolRecord>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT seq, partition_key, payload FROM spool WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(record).collect()
    }

    /// Removes messages once they are safely stored downstream: one statement per run of
    /// consecutive sequence numbers (a fetched batch is usually one run).
    pub async fn ack(&self, seqs: &[i64]) -> Result<(), sqlx::Error> {
        let mut sorted = seqs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut runs: Vec<(i64, i64)> = Vec::new();
        for seq in sorted {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == seq => *last = seq,
                _ => runs.push((seq, seq)),
            }
        }
        let mut tx = self.pool.begin().await?;
        for (first, last) in runs {
            sqlx::query("DELETE FROM spool WHERE seq >= ? AND seq <= ?")
                .bind(first)
                .bind(last)
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
    pub async fn enqueue_raw(&self, partition_key: &str, payload: &[u8]) -> anyhow::Result<()> {
        self.enqueue(vec![(partition_key.to_string(), payload.to_vec())])
            .await
            .map_err(|e| anyhow::anyhow!("spool: {e}"))
    }
}

fn record(row: sqlx::sqlite::SqliteRow) -> Result<SpoolRecord, sqlx::Error> {
    Ok(SpoolRecord {
        seq: row.try_get("seq")?,
        partition_key: row.try_get("partition_key")?,
        payload: row.try_get("payload")?,
    })
}

/// Writes every batch that is waiting in one transaction, then answers each of them: the
/// answer comes only after the commit (and its fsync) succeeded.
async fn group_commit(
    pool: SqlitePool,
    mut receiver: mpsc::Receiver<Pending>,
    max_group_rows: usize,
) {
    while let Some(first) = receiver.recv().await {
        let mut rows = first.rows.len();
        let mut group = vec![first];
        while rows < max_group_rows {
            match receiver.try_recv() {
                Ok(next) => {
                    rows += next.rows.len();
                    group.push(next);
                }
                Err(_) => break,
            }
        }
        let result = async {
            let mut conn = pool.acquire().await?;
            insert_rows(&mut conn, group.iter().flat_map(|p| p.rows.iter())).await
        }
        .await
        .map_err(|e| e.to_string());
        if group.len() > 1 {
            tracing::debug!(batches = group.len(), rows, "Spool group commit");
        }
        for pending in group {
            // The requester may have gone away (client disconnected); nothing to tell then.
            let _ = pending.done.send(result.clone());
        }
    }
}

/// Inserts rows (partition key, payload) in one transaction with multi-row statements.
async fn insert_rows<'a>(
    conn: &mut sqlx::SqliteConnection,
    rows: impl Iterator<Item = &'a (String, Vec<u8>)>,
) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let rows: Vec<&(String, Vec<u8>)> = rows.collect();
    let now = Utc::now().to_rfc3339();
    let mut tx = conn.begin().await?;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO spool (partition_key, payload, enqueued_at) VALUES {}",
            vec!["(?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(&sql);
        for (key, payload) in chunk {
            query = query.bind(key).bind(payload.as_slice()).bind(&now);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// The spool's folder and empty file, created where missing for their owner alone (signal
/// texts wait in it); SQLite gives its `-wal` and `-shm` files the same permissions.
fn private_spool_file(path: &std::path::Path) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let (mut folder, mut file) = (std::fs::DirBuilder::new(), std::fs::OpenOptions::new());
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        folder.mode(0o700);
        file.mode(0o600);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let made = folder.recursive(true).create(dir);
        made.with_context(|| format!("map {} aanmaken voor de spool", dir.display()))?;
    }
    let made = file.write(true).create(true).truncate(false).open(path);
    made.with_context(|| format!("spool {} aanmaken", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publisher::Publisher;
    use knooppunt_domain::envelope::{Channel, Envelope};
    use knooppunt_domain::signal::parse_signal;

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
        let settings = SpoolSettings::new(&path);
        let spool = Spool::open(&settings).await.unwrap();
        let results = spool.publish(&[envelope("een"), envelope("twee")]).await;
        assert!(results.iter().all(Result::is_ok));
        spool.enqueue_raw("x", b"not json").await.unwrap();

        // Survives reopening: what was acknowledged is on disk.
        drop(spool);
        let spool = Spool::open(&settings).await.unwrap();
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
