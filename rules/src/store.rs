//! The store: signals, their barriers and the clusters, in SQLite (embedded default) or
//! PostgreSQL. One set of queries serves both through sqlx's `Any` driver; each backend keeps
//! its own migrations (`rules/migrations/{sqlite,postgres}`).
//!
//! Writes are idempotent: a signal is keyed by `(source, id)` and a replayed message changes
//! nothing, so the rules engine can consume at-least-once and still count exactly once.

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use knooppunt_ingest::envelope::{partition_key, Envelope};
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("database-URL moet beginnen met sqlite: of postgres:")
        }
    }
}

/// A classified signal, ready to be stored.
#[derive(Debug, Clone)]
pub struct Classified {
    pub envelope: Envelope,
    pub barriers: Vec<String>,
    /// The signal's own `wait_days`, else the longest wait its text mentions.
    pub wait_days: Option<u32>,
    pub rules_version: String,
}

/// A signal refused for personal data: kept as a count, never with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    pub source: String,
    pub signal_id: String,
    pub kinds: Vec<String>,
    pub reason: String,
    pub channel: String,
}

/// What one batch write changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteOutcome {
    pub stored: usize,
    pub duplicates: usize,
    pub quarantined: usize,
}

/// Quarantined signals per reason, for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineCount {
    pub reason: String,
    pub kinds: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRow {
    pub id: String,
    pub barrier: String,
    pub area: String,
    pub first_seen: String,
    pub last_seen: String,
    pub signal_count: i64,
}

/// Signals that carry both barriers (samenloop) in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoOccurrence {
    pub first: String,
    pub second: String,
    pub signals: i64,
}

/// Per-barrier figures for one period: what a brief reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BarrierStats {
    pub barrier: String,
    pub signals: i64,
    pub sources: i64,
    pub areas: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredSignal {
    pub source: String,
    pub id: String,
    pub observed_on: String,
    pub area: String,
    pub text: String,
    pub barriers: Vec<String>,
    pub wait_days: Option<i64>,
    pub rules_version: String,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Stable cluster id for a (barrier, area) pair.
pub fn cluster_id(barrier: &str, area_key: &str) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0002);
    uuid::Uuid::new_v5(&NAMESPACE, format!("{barrier}\u{1f}{area_key}").as_bytes()).to_string()
}

impl Store {
    /// Connects. SQLite files are created and migrated on the spot; PostgreSQL is migrated by
    /// `knooppunt migrate` (see [`Store::migrate`]).
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:")
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("map {} aanmaken", dir.display()))?;
                }
            }
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets the brief read while the engine writes; FULL makes a commit
                        // durable before the engine acknowledges the message upstream.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .context("verbinden met de database")?;
        let store = Self { pool, backend };
        if backend == Backend::Sqlite {
            store.migrate().await?;
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies this backend's migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("databasemigraties uitvoeren")
    }

    /// Whether the database answers, for readiness checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .context("database antwoordt niet")
    }

    /// Stores a batch in one transaction. Signals already stored (same source and id) are
    /// skipped, so replaying a batch changes nothing.
    pub async fn write_batch(
        &self,
        batch: &[Classified],
        quarantined: &[Quarantined],
    ) -> anyhow::Result<WriteOutcome> {
        let mut outcome = WriteOutcome::default();
        if batch.is_empty() && quarantined.is_empty() {
            return Ok(outcome);
        }
        let stored_at = Utc::now().to_rfc3339();
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        for item in quarantined {
            outcome.quarantined += sqlx::query(
                "INSERT INTO quarantine (source, signal_id, kinds, reason, channel, quarantined_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, signal_id) DO NOTHING",
            )
            .bind(&item.source)
            .bind(&item.signal_id)
            .bind(item.kinds.join(","))
            .bind(&item.reason)
            .bind(&item.channel)
            .bind(&stored_at)
            .execute(&mut *tx)
            .await
            .context("geweigerd signaal registreren")?
            .rows_affected() as usize;
        }
        for item in batch {
            let signal = &item.envelope.signal;
            let area_key = partition_key(&signal.area);
            let observed_on = signal.observed_on.to_string();
            let themes: Vec<&str> = signal.themes.iter().map(|t| t.as_str()).collect();
            let wait_days = item.wait_days.map(i64::from);
            let inserted = sqlx::query(
                "INSERT INTO signals (source, id, observed_on, area, area_key, text, themes, \
                 organisation, wait_days, barriers, rules_version, channel, received_at, stored_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 ON CONFLICT (source, id) DO NOTHING",
            )
            .bind(&signal.source)
            .bind(item.envelope.id())
            .bind(&observed_on)
            .bind(&signal.area)
            .bind(&area_key)
            .bind(&signal.text)
            .bind(themes.join(","))
            .bind(signal.organisation.as_deref())
            .bind(wait_days)
            .bind(item.barriers.join(","))
            .bind(&item.rules_version)
            .bind(channel_name(&item.envelope))
            .bind(item.envelope.received_at.to_rfc3339())
            .bind(&stored_at)
            .execute(&mut *tx)
            .await
            .context("signaal opslaan")?
            .rows_affected();
            if inserted == 0 {
                outcome.duplicates += 1;
                continue;
            }
            outcome.stored += 1;
            for barrier in &item.barriers {
                let cluster = cluster_id(barrier, &area_key);
                sqlx::query(
                    "INSERT INTO clusters (id, barrier, area_key, area, first_seen, last_seen, signal_count) \
                     VALUES ($1, $2, $3, $4, $5, $5, 1) \
                     ON CONFLICT (barrier, area_key) DO UPDATE SET \
                       signal_count = clusters.signal_count + 1, \
                       first_seen = CASE WHEN excluded.first_seen < clusters.first_seen \
                                    THEN excluded.first_seen ELSE clusters.first_seen END, \
                       last_seen = CASE WHEN excluded.last_seen > clusters.last_seen \
                                   THEN excluded.last_seen ELSE clusters.last_seen END",
                )
                .bind(&cluster)
                .bind(barrier)
                .bind(&area_key)
                .bind(&signal.area)
                .bind(&observed_on)
                .execute(&mut *tx)
                .await
                .context("cluster bijwerken")?;
                sqlx::query(
                    "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, area_key, wait_days) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&signal.source)
                .bind(item.envelope.id())
                .bind(barrier)
                .bind(&cluster)
                .bind(&observed_on)
                .bind(&area_key)
                .bind(wait_days)
                .execute(&mut *tx)
                .await
                .context("barrière van signaal opslaan")?;
            }
        }
        tx.commit().await.context("transactie vastleggen")?;
        Ok(outcome)
    }

    /// Refused signals grouped by reason and kinds ("geweigerd wegens persoonsgegevens").
    pub async fn quarantine_counts(&self) -> anyhow::Result<Vec<QuarantineCount>> {
        let rows = sqlx::query(
            "SELECT reason, kinds, COUNT(*) AS n FROM quarantine GROUP BY reason, kinds ORDER BY n DESC, reason, kinds",
        )
        .fetch_all(&self.pool)
        .await
        .context("geweigerde signalen tellen")?;
        rows.iter()
            .map(|row| {
                Ok(QuarantineCount {
                    reason: row.try_get("reason")?,
                    kinds: row.try_get("kinds")?,
                    count: row.try_get("n")?,
                })
            })
            .collect()
    }

    pub async fn signal_count(&self) -> anyhow::Result<i64> {
        count(&self.pool, "SELECT COUNT(*) AS n FROM signals").await
    }

    pub async fn unclassified_count(&self) -> anyhow::Result<i64> {
        count(
            &self.pool,
            "SELECT COUNT(*) AS n FROM signals WHERE barriers = ''",
        )
        .await
    }

    /// Every cluster, largest first.
    pub async fn clusters(&self) -> anyhow::Result<Vec<ClusterRow>> {
        let rows = sqlx::query(
            "SELECT id, barrier, area, first_seen, last_seen, signal_count FROM clusters \
             ORDER BY signal_count DESC, barrier, area_key",
        )
        .fetch_all(&self.pool)
        .await
        .context("clusters lezen")?;
        rows.iter().map(cluster_from_row).collect()
    }

    /// One stored signal, for tests and the review pages.
    pub async fn signal(&self, source: &str, id: &str) -> anyhow::Result<Option<StoredSignal>> {
        let row = sqlx::query(
            "SELECT source, id, observed_on, area, text, barriers, wait_days, rules_version \
             FROM signals WHERE source = $1 AND id = $2",
        )
        .bind(source)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .context("signaal lezen")?;
        row.map(|row| -> anyhow::Result<StoredSignal> {
            let barriers: String = row.try_get("barriers")?;
            Ok(StoredSignal {
                source: row.try_get("source")?,
                id: row.try_get("id")?,
                observed_on: row.try_get("observed_on")?,
                area: row.try_get("area")?,
                text: row.try_get("text")?,
                barriers: barriers
                    .split(',')
                    .filter(|b| !b.is_empty())
                    .map(str::to_string)
                    .collect(),
                wait_days: row.try_get("wait_days")?,
                rules_version: row.try_get("rules_version")?,
            })
        })
        .transpose()
    }

    /// Per barrier: signals, distinct sources and distinct areas observed in `[from, to)`.
    pub async fn barrier_stats(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<BarrierStats>> {
        let rows = sqlx::query(
            "SELECT barrier, COUNT(*) AS signals, COUNT(DISTINCT source) AS sources, \
             COUNT(DISTINCT area_key) AS areas FROM signal_barriers \
             WHERE observed_on >= $1 AND observed_on < $2 GROUP BY barrier ORDER BY barrier",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .context("cijfers per barrière lezen")?;
        rows.iter()
            .map(|row| {
                Ok(BarrierStats {
                    barrier: row.try_get("barrier")?,
                    signals: row.try_get("signals")?,
                    sources: row.try_get("sources")?,
                    areas: row.try_get("areas")?,
                })
            })
            .collect()
    }

    /// Samenloop: per pair of barriers, the signals observed in `[from, to)` that carry both,
    /// most frequent first.
    pub async fn co_occurrence(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<CoOccurrence>> {
        let rows = sqlx::query(
            "SELECT a.barrier AS first, b.barrier AS second, COUNT(*) AS n \
             FROM signal_barriers a JOIN signal_barriers b \
               ON a.source = b.source AND a.signal_id = b.signal_id AND a.barrier < b.barrier \
             WHERE a.observed_on >= $1 AND a.observed_on < $2 \
             GROUP BY a.barrier, b.barrier ORDER BY n DESC, first, second",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .context("samenloop tellen")?;
        rows.iter()
            .map(|row| {
                Ok(CoOccurrence {
                    first: row.try_get("first")?,
                    second: row.try_get("second")?,
                    signals: row.try_get("n")?,
                })
            })
            .collect()
    }

    /// Signals observed in `[from, to)` that matched no barrier.
    pub async fn unclassified_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM signals WHERE barriers = '' AND observed_on >= $1 AND observed_on < $2",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_one(&self.pool)
        .await
        .context("ongeclassificeerde signalen tellen")?;
        Ok(row.try_get("n")?)
    }
}

/// The channel's name as stored: "http", "csv", "kafka", …
pub fn channel_name(envelope: &Envelope) -> String {
    serde_json::to_value(envelope.channel)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

async fn count(pool: &AnyPool, sql: &str) -> anyhow::Result<i64> {
    let row = sqlx::query(sql).fetch_one(pool).await.context("tellen")?;
    Ok(row.try_get("n")?)
}

fn cluster_from_row(row: &AnyRow) -> anyhow::Result<ClusterRow> {
    Ok(ClusterRow {
        id: row.try_get("id")?,
        barrier: row.try_get("barrier")?,
        area: row.try_get("area")?,
        first_seen: row.try_get("first_seen")?,
        last_seen: row.try_get("last_seen")?,
        signal_count: row.try_get("signal_count")?,
    })
}
