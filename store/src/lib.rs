//! The store: the one room that owns Knooppunt's database — every table, both migration
//! folders and (in the end) every SQL statement; nothing outside it sees the pool.
//!
//! Signals, their barriers and the clusters, in SQLite (embedded default) or
//! PostgreSQL. One set of queries serves both through sqlx's `Any` driver; each backend keeps
//! its own migrations (`store/migrations/{sqlite,postgres}`).
//!
//! Writes are idempotent: a signal is keyed by `(source, id)` and a replayed message changes
//! nothing, so the rules engine can consume at-least-once and still count exactly once.

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use knooppunt_domain::cluster::*;
use knooppunt_domain::envelope::partition_key;
use knooppunt_domain::promotion::CriteriaSource;
use knooppunt_domain::recognition::Recognition;
use knooppunt_domain::stats::quantile;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};
use std::time::Duration;

pub mod figures;
mod labels;
pub mod review;
mod review_signals;
mod review_split;
pub mod snapshots;

pub use review::{DecideError, DecisionEffects, LogRow, NewDecision, OutboxEvent, Undo};
pub use review_signals::ExampleSignal;

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

/// Writes a replay inside one transaction; nothing is visible until [`ReplayWriter::finish`].
pub struct ReplayWriter {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
}

impl ReplayWriter {
    /// Stores the new classification of the signals whose classification or cluster changed.
    pub async fn write_changes(
        &mut self,
        changes: &[(ReplaySignal, Vec<BarrierMatch>)],
        version: &str,
        model_version: Option<&str>,
    ) -> anyhow::Result<()> {
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE signals SET barriers = v.column3, classification = v.column4, \
                 rules_version = v.column5, model_version = v.column6 FROM (VALUES {}) AS v \
                 WHERE signals.source = v.column1 AND signals.id = v.column2",
                placeholders(self.backend, chunk.len(), 6)
            );
            let mut update = sqlx::query(&sql);
            for (signal, matches) in chunk {
                update = update
                    .bind(&signal.source)
                    .bind(&signal.id)
                    .bind(
                        matches
                            .iter()
                            .map(|m| m.barrier.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    )
                    .bind(classification_of(matches))
                    .bind(version)
                    .bind(model_version);
            }
            update
                .execute(&mut *self.tx)
                .await
                .context("nieuwe indeling opslaan")?;
            let sql = format!(
                "DELETE FROM signal_barriers WHERE (source, signal_id) IN (VALUES {})",
                placeholders(self.backend, chunk.len(), 2)
            );
            let mut delete = sqlx::query(&sql);
            for (signal, _) in chunk {
                delete = delete.bind(&signal.source).bind(&signal.id);
            }
            delete
                .execute(&mut *self.tx)
                .await
                .context("oude indeling verwijderen")?;
        }
        let rows: Vec<Membership> = changes
            .iter()
            .flat_map(|(signal, matches)| {
                matches.iter().map(move |m| Membership {
                    source: &signal.source,
                    signal_id: &signal.id,
                    barrier: &m.barrier,
                    cluster_id: m.cluster_id(),
                    observed_on: signal.observed_on.clone(),
                    area_key: signal.area_key.clone(),
                    wait_days: m.wait_days.map(i64::from),
                    confidence: m.confidence,
                    organisation: &m.cluster.organisation,
                    found: &m.found,
                })
            })
            .collect();
        insert_memberships(&mut self.tx, self.backend, &rows).await
    }

    /// Replaces the clusters by the rebuilt ones (ids derive from barrier and key, so
    /// surviving clusters keep theirs), records the cluster key and the replay, and commits.
    /// Signals whose classification did not change keep the version that produced it; the
    /// `replays` row records that they were checked against `version`.
    pub async fn finish(
        mut self,
        version: &str,
        key: ClusterKey,
        clusters: &[ClusterTally],
        counts: (u64, u64, u64),
    ) -> anyhow::Result<()> {
        let (signals, changed, rewritten) = counts;
        sqlx::query(
            "INSERT INTO replays (version, cluster_key, applied_at, signals, changed, rewritten) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version)
        .bind(key.describe())
        .bind(Utc::now().to_rfc3339())
        .bind(signals as i64)
        .bind(changed as i64)
        .bind(rewritten as i64)
        .execute(&mut *self.tx)
        .await
        .context("replay registreren")?;
        sqlx::query("DELETE FROM clusters")
            .execute(&mut *self.tx)
            .await
            .context("clusters legen")?;
        upsert_clusters(
            &mut self.tx,
            self.backend,
            clusters,
            "clusters opnieuw opbouwen",
        )
        .await?;
        set_setting(&mut self.tx, CLUSTER_KEY_SETTING, &key.describe()).await?;
        self.tx.commit().await.context("replay vastleggen")
    }
}

/// The setting that records which key the stored clusters were grouped by.
pub const CLUSTER_KEY_SETTING: &str = "cluster_key";

async fn set_setting(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &str,
    value: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await
    .context("instelling vastleggen")?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Rows per multi-row statement: 200 × 15 parameters stays far below PostgreSQL's 65,535 and
/// SQLite's 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 200;

/// `($1, $2, $3), ($4, $5, $6)` for `rows` rows of `columns` values on PostgreSQL;
/// `(?, ?, ?), (?, ?, ?)` on SQLite, where a numbered parameter is looked up by name, one
/// linear search per parameter (30 % of the engine's time with 3,000 per statement).
fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        out.push_str(if row == 0 { "(" } else { ", (" });
        for column in 1..=columns {
            if column > 1 {
                out.push_str(", ");
            }
            match backend {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&(row * columns + column).to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

/// One row of `signal_barriers`.
struct Membership<'a> {
    source: &'a str,
    signal_id: &'a str,
    barrier: &'a str,
    cluster_id: String,
    observed_on: String,
    area_key: String,
    wait_days: Option<i64>,
    confidence: f64,
    organisation: &'a str,
    found: &'a Recognition,
}

/// Adds tallies to the clusters, creating those that do not exist yet.
async fn upsert_clusters(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    clusters: &[ClusterTally],
    what: &'static str,
) -> anyhow::Result<()> {
    for chunk in clusters.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, last_seen, signal_count) \
             VALUES {} ON CONFLICT (id) DO UPDATE SET \
               signal_count = clusters.signal_count + excluded.signal_count, \
               first_seen = CASE WHEN excluded.first_seen < clusters.first_seen \
                            THEN excluded.first_seen ELSE clusters.first_seen END, \
               last_seen = CASE WHEN excluded.last_seen > clusters.last_seen \
                           THEN excluded.last_seen ELSE clusters.last_seen END",
            placeholders(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for tally in chunk {
            query = query
                .bind(&tally.id)
                .bind(&tally.barrier)
                .bind(&tally.key.area_key)
                .bind(&tally.key.area)
                .bind(&tally.key.organisation)
                .bind(&tally.first_seen)
                .bind(&tally.last_seen)
                .bind(tally.signal_count);
        }
        query.execute(&mut **tx).await.context(what)?;
    }
    Ok(())
}

async fn insert_memberships(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    rows: &[Membership<'_>],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, \
             area_key, wait_days, confidence, organisation, found_by, rule, model_score, model_terms) \
             VALUES {} ON CONFLICT (source, signal_id, barrier) DO NOTHING",
            placeholders(backend, chunk.len(), 13)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(row.source)
                .bind(row.signal_id)
                .bind(row.barrier)
                .bind(&row.cluster_id)
                .bind(&row.observed_on)
                .bind(&row.area_key)
                .bind(row.wait_days)
                .bind(row.confidence)
                .bind(row.organisation)
                .bind(row.found.how.as_str())
                .bind(row.found.rule.as_deref())
                .bind(row.found.model_score.map(f64::from))
                .bind(row.found.terms_column());
        }
        query
            .execute(&mut **tx)
            .await
            .context("barrières van signalen opslaan")?;
    }
    Ok(())
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
                        // durable before the engine acknowledges the message upstream (the
                        // spool's acknowledgement is not fsync'ed, so the store's must be).
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // Chosen by measurement (README, Measurements): statement journals
                        // in memory instead of temporary files, a 64 MiB page cache instead
                        // of 2 MiB (no spilling mid-transaction), and reads of the database
                        // through a memory map instead of a system call per page.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        conn.execute("PRAGMA cache_size = -65536").await?;
                        conn.execute("PRAGMA mmap_size = 1073741824").await?;
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

    /// The connection pool, for the review and account tables that live beside the
    /// signals (see `knooppunt-reports` and the web review).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
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

    /// A recorded fact about the stored data (see [`CLUSTER_KEY_SETTING`]).
    pub async fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .context("instelling lezen")?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    /// Checks that the stored clusters were grouped by `key`, and records it when nothing
    /// was recorded yet. A rule set with another key must be applied with a replay first,
    /// or new signals would land in clusters of another shape than the stored ones.
    pub async fn check_cluster_key(&self, key: ClusterKey) -> anyhow::Result<()> {
        let wanted = key.describe();
        let mut stored = self.setting(CLUSTER_KEY_SETTING).await?;
        if stored.is_none() && !self.clusters().await?.is_empty() {
            // Clusters stored before the key was recorded were keyed by barrier and area.
            stored = Some(
                ClusterKey {
                    area: true,
                    organisation: false,
                }
                .describe(),
            );
        }
        match stored {
            Some(stored) if stored == wanted => Ok(()),
            Some(stored) => anyhow::bail!(
                "de regels groeperen clusters op {wanted}, de opgeslagen clusters op {stored}: \
                 voer eerst `knooppunt rules replay --apply` uit met deze regels"
            ),
            None => {
                let mut tx = self.pool.begin().await.context("transactie starten")?;
                set_setting(&mut tx, CLUSTER_KEY_SETTING, &wanted).await?;
                tx.commit().await.context("instelling vastleggen")
            }
        }
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
        // Multi-row statements: a batch costs a handful of round trips, not three per signal.
        let mut new_signals: Vec<&Classified> = Vec::with_capacity(batch.len());
        let mut not_inserted: Vec<&Classified> = Vec::new();
        let mut batch_hashes: std::collections::HashMap<(String, String), String> =
            std::collections::HashMap::new();
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO signals (source, id, observed_on, area, area_key, text, themes, \
                 organisation, wait_days, barriers, rules_version, channel, received_at, stored_at, \
                 classification, content_hash, model_version) \
                 VALUES {} ON CONFLICT (source, id) DO NOTHING RETURNING source, id",
                placeholders(self.backend, chunk.len(), 17)
            );
            let mut query = sqlx::query(&sql);
            for item in chunk {
                let signal = &item.envelope.signal;
                let themes: Vec<&str> = signal.themes.iter().map(|t| t.as_str()).collect();
                query = query
                    .bind(&signal.source)
                    .bind(item.envelope.id())
                    .bind(signal.observed_on.to_string())
                    .bind(&signal.area)
                    .bind(partition_key(&signal.area))
                    .bind(&signal.text)
                    .bind(themes.join(","))
                    .bind(signal.organisation.as_deref())
                    .bind(item.wait_days.map(i64::from))
                    .bind(item.barriers().collect::<Vec<_>>().join(","))
                    .bind(&item.rules_version)
                    .bind(channel_name(&item.envelope))
                    .bind(item.envelope.received_at.to_rfc3339())
                    .bind(&stored_at)
                    .bind(item.classification())
                    .bind(content_hash(signal_content(item)))
                    .bind(item.model_version.as_deref());
            }
            let inserted: std::collections::HashSet<(String, String)> = query
                .fetch_all(&mut *tx)
                .await
                .context("signalen opslaan")?
                .iter()
                .map(|row| Ok((row.try_get("source")?, row.try_get("id")?)))
                .collect::<Result<_, sqlx::Error>>()?;
            for item in chunk {
                let key = (
                    item.envelope.signal.source.clone(),
                    item.envelope.id().to_string(),
                );
                // A signal twice in one batch is inserted once.
                if inserted.contains(&key) && !batch_hashes.contains_key(&key) {
                    batch_hashes.insert(key, content_hash(signal_content(item)));
                    new_signals.push(item);
                } else {
                    not_inserted.push(item);
                }
            }
        }
        // Not inserted: a true duplicate (same content: idempotent), or a conflict (the key is
        // stored, or came earlier in this batch, with other content), which is refused and
        // recorded without its text.
        for item in not_inserted {
            let key = (
                item.envelope.signal.source.clone(),
                item.envelope.id().to_string(),
            );
            let hash = content_hash(signal_content(item));
            let known = match batch_hashes.get(&key) {
                Some(known) => Some(known.clone()),
                None => stored_content_hash(&mut tx, &key).await?,
            };
            match known {
                Some(known) if known != hash => {
                    tracing::warn!(
                        source = %key.0,
                        id = %key.1,
                        "Signal refused: its id is stored with other content"
                    );
                    outcome.conflicts += sqlx::query(
                        "INSERT INTO id_conflicts (source, signal_id, content_hash, channel, refused_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, signal_id, content_hash) DO NOTHING",
                    )
                    .bind(&key.0)
                    .bind(&key.1)
                    .bind(&hash)
                    .bind(channel_name(&item.envelope))
                    .bind(&stored_at)
                    .execute(&mut *tx)
                    .await
                    .context("geweigerd signaal (id met andere inhoud) registreren")?
                    .rows_affected()
                    .max(1) as usize;
                }
                _ => outcome.duplicates += 1,
            }
        }
        outcome.stored = new_signals.len();
        outcome.unclassified = new_signals.iter().filter(|c| c.matches.is_empty()).count();

        // Cluster counts grow by the new signals only, one upsert row per cluster.
        let mut clusters: std::collections::BTreeMap<String, ClusterTally> = Default::default();
        let mut memberships = Vec::new();
        for item in &new_signals {
            let signal = &item.envelope.signal;
            let observed_on = signal.observed_on.to_string();
            for found in &item.matches {
                let id = found.cluster_id();
                clusters
                    .entry(id.clone())
                    .or_insert_with(|| ClusterTally::new(id.clone(), found))
                    .count(&observed_on);
                memberships.push(Membership {
                    source: &signal.source,
                    signal_id: item.envelope.id(),
                    barrier: &found.barrier,
                    cluster_id: id,
                    observed_on: observed_on.clone(),
                    area_key: partition_key(&signal.area),
                    wait_days: found.wait_days.map(i64::from),
                    confidence: found.confidence,
                    organisation: &found.cluster.organisation,
                    found: &found.found,
                });
            }
        }
        let clusters: Vec<ClusterTally> = clusters.into_values().collect();
        upsert_clusters(&mut tx, self.backend, &clusters, "clusters bijwerken").await?;
        insert_memberships(&mut tx, self.backend, &memberships).await?;
        tx.commit().await.context("transactie vastleggen")?;
        Ok(outcome)
    }

    /// The stored content hash per `(source, id)` among `keys` (signals stored before the
    /// hash existed are left out: they are not compared).
    pub async fn content_hashes(
        &self,
        keys: &[(String, String)],
    ) -> anyhow::Result<std::collections::HashMap<(String, String), String>> {
        let mut found = std::collections::HashMap::new();
        for chunk in keys.chunks(ROWS_PER_STATEMENT) {
            let conditions: Vec<String> = (0..chunk.len())
                .map(|i| format!("(source = ${} AND id = ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "SELECT source, id, content_hash FROM signals WHERE content_hash IS NOT NULL AND ({})",
                conditions.join(" OR ")
            );
            let mut query = sqlx::query(&sql);
            for (source, id) in chunk {
                query = query.bind(source).bind(id);
            }
            for row in query
                .fetch_all(&self.pool)
                .await
                .context("opgeslagen signalen vergelijken")?
            {
                found.insert(
                    (row.try_get("source")?, row.try_get("id")?),
                    row.try_get("content_hash")?,
                );
            }
        }
        Ok(found)
    }

    /// Signals refused because their id was stored with other content.
    pub async fn id_conflict_count(&self) -> anyhow::Result<i64> {
        count(&self.pool, "SELECT COUNT(*) AS n FROM id_conflicts").await
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
            "SELECT id, barrier, area, organisation, first_seen, last_seen, signal_count FROM clusters \
             ORDER BY signal_count DESC, barrier, area_key, organisation",
        )
        .fetch_all(&self.pool)
        .await
        .context("clusters lezen")?;
        rows.iter().map(cluster_from_row).collect()
    }

    /// One cluster by id.
    pub async fn cluster(&self, id: &str) -> anyhow::Result<Option<ClusterRow>> {
        let row = sqlx::query(
            "SELECT id, barrier, area, organisation, first_seen, last_seen, signal_count \
             FROM clusters WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .context("cluster lezen")?;
        row.as_ref().map(cluster_from_row).transpose()
    }

    /// Every cluster with distinct sources and areas and its waiting times (median, 75th
    /// percentile), largest first.
    pub async fn cluster_summaries(&self) -> anyhow::Result<Vec<ClusterSummary>> {
        let clusters = self.clusters().await?;
        let breadth = sqlx::query(
            "SELECT cluster_id, COUNT(DISTINCT source) AS sources, COUNT(DISTINCT area_key) AS areas \
             FROM signal_barriers GROUP BY cluster_id",
        )
        .fetch_all(&self.pool)
        .await
        .context("clusterbreedte lezen")?;
        let mut spread: std::collections::HashMap<String, (i64, i64)> = Default::default();
        for row in &breadth {
            spread.insert(
                row.try_get("cluster_id")?,
                (row.try_get("sources")?, row.try_get("areas")?),
            );
        }
        let waits = sqlx::query(
            "SELECT cluster_id, wait_days FROM signal_barriers WHERE wait_days IS NOT NULL \
             ORDER BY cluster_id, wait_days",
        )
        .fetch_all(&self.pool)
        .await
        .context("wachttijden lezen")?;
        let mut by_cluster: std::collections::HashMap<String, Vec<i64>> = Default::default();
        for row in &waits {
            by_cluster
                .entry(row.try_get("cluster_id")?)
                .or_default()
                .push(row.try_get("wait_days")?);
        }
        Ok(clusters
            .into_iter()
            .map(|cluster| {
                let (sources, areas) = spread.get(&cluster.id).copied().unwrap_or_default();
                let waits = by_cluster.remove(&cluster.id).unwrap_or_default();
                ClusterSummary {
                    sources,
                    areas,
                    with_wait: waits.len(),
                    median_wait_days: quantile(&waits, 0.5),
                    p75_wait_days: quantile(&waits, 0.75),
                    cluster,
                }
            })
            .collect())
    }

    /// Every cluster's signals as promotion sees them: (cluster id, event).
    pub async fn cluster_events(
        &self,
    ) -> anyhow::Result<Vec<(String, knooppunt_domain::promotion::Event)>> {
        let rows = sqlx::query(
            "SELECT cluster_id, observed_on, source, area_key, wait_days FROM signal_barriers \
             ORDER BY cluster_id, observed_on",
        )
        .fetch_all(&self.pool)
        .await
        .context("signalen per cluster lezen")?;
        rows.iter()
            .map(|row| {
                let observed_on: String = row.try_get("observed_on")?;
                Ok((
                    row.try_get("cluster_id")?,
                    knooppunt_domain::promotion::Event {
                        observed_on: observed_on
                            .parse()
                            .with_context(|| format!("datum {observed_on} in de database"))?,
                        source: row.try_get("source")?,
                        area: row.try_get("area_key")?,
                        wait_days: row.try_get("wait_days")?,
                    },
                ))
            })
            .collect()
    }

    /// Evaluates every cluster's promotion criteria on `today` and stores the promotions of
    /// that day (replacing an earlier evaluation of the same day). Reads only the signals of
    /// the criteria's look-back window, plus one aggregate per cluster for its history.
    pub async fn evaluate_promotions(
        &self,
        rules: &impl CriteriaSource,
        today: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        use knooppunt_domain::promotion::{evaluate_recent, lookback_days, Event, History};
        let criteria = rules.promotion_criteria();
        let lookback = criteria
            .iter()
            .map(|(_, c)| lookback_days(c))
            .max()
            .unwrap_or(0);
        let cutoff = today - chrono::Duration::days(lookback);
        let rows = sqlx::query(
            "SELECT cluster_id, observed_on, source, area_key, wait_days FROM signal_barriers \
             WHERE observed_on >= $1 AND observed_on <= $2 ORDER BY cluster_id, observed_on",
        )
        .bind(cutoff.to_string())
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await
        .context("recente signalen per cluster lezen")?;
        let mut events: std::collections::HashMap<String, Vec<Event>> = Default::default();
        for row in &rows {
            let observed_on: String = row.try_get("observed_on")?;
            events
                .entry(row.try_get("cluster_id")?)
                .or_default()
                .push(Event {
                    observed_on: observed_on
                        .parse()
                        .with_context(|| format!("datum {observed_on} in de database"))?,
                    source: row.try_get("source")?,
                    area: row.try_get("area_key")?,
                    wait_days: row.try_get("wait_days")?,
                });
        }
        let rows = sqlx::query(
            "SELECT cluster_id, MIN(observed_on) AS first_seen, COUNT(*) AS n, \
             COUNT(DISTINCT source) AS sources FROM signal_barriers WHERE observed_on <= $1 \
             GROUP BY cluster_id",
        )
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await
        .context("geschiedenis per cluster lezen")?;
        let mut histories: std::collections::HashMap<String, History> = Default::default();
        for row in &rows {
            let first_seen: String = row.try_get("first_seen")?;
            let signals: i64 = row.try_get("n")?;
            let sources: i64 = row.try_get("sources")?;
            histories.insert(
                row.try_get("cluster_id")?,
                History {
                    first_seen: first_seen.parse().ok(),
                    signals: signals as usize,
                    sources: sources as usize,
                },
            );
        }
        let mut promotions = Vec::new();
        for cluster in self.clusters().await? {
            let Some((_, barrier_criteria)) =
                criteria.iter().find(|(id, _)| *id == cluster.barrier)
            else {
                continue;
            };
            let Some(history) = histories.get(&cluster.id) else {
                continue;
            };
            let recent = events.remove(&cluster.id).unwrap_or_default();
            if let Some(promotion) = evaluate_recent(&recent, history, barrier_criteria, today) {
                promotions.push(StoredPromotion {
                    cluster_id: cluster.id,
                    barrier: cluster.barrier,
                    area: cluster.area,
                    organisation: cluster.organisation,
                    evaluated_on: today.to_string(),
                    reasons: serde_json::to_value(&promotion.reasons)
                        .context("redenen vastleggen")?,
                    waarom: promotion.waarom,
                    rules_version: rules.criteria_version().to_string(),
                });
            }
        }
        let recorded_at = Utc::now().to_rfc3339();
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        sqlx::query("DELETE FROM promotions WHERE evaluated_on = $1")
            .bind(today.to_string())
            .execute(&mut *tx)
            .await
            .context("eerdere beoordeling van vandaag vervangen")?;
        for chunk in promotions.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO promotions (cluster_id, evaluated_on, barrier, reasons, waarom, \
                 rules_version, recorded_at) VALUES {}",
                placeholders(self.backend, chunk.len(), 7)
            );
            let mut query = sqlx::query(&sql);
            for p in chunk {
                query = query
                    .bind(&p.cluster_id)
                    .bind(&p.evaluated_on)
                    .bind(&p.barrier)
                    .bind(p.reasons.to_string())
                    .bind(&p.waarom)
                    .bind(&p.rules_version)
                    .bind(&recorded_at);
            }
            query.execute(&mut *tx).await.context("promoties opslaan")?;
        }
        tx.commit().await.context("promoties vastleggen")?;
        Ok(promotions)
    }

    /// Stored promotions evaluated in `[from, to]`, newest first.
    pub async fn promotions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        let rows = sqlx::query(
            "SELECT p.cluster_id, p.barrier, COALESCE(c.area, '') AS area, \
             COALESCE(c.organisation, '') AS organisation, p.evaluated_on, p.reasons, p.waarom, \
             p.rules_version FROM promotions p LEFT JOIN clusters c ON c.id = p.cluster_id \
             WHERE p.evaluated_on >= $1 AND p.evaluated_on <= $2 \
             ORDER BY p.evaluated_on DESC, p.barrier, p.cluster_id",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .context("promoties lezen")?;
        rows.iter()
            .map(|row| {
                let reasons: String = row.try_get("reasons")?;
                Ok(StoredPromotion {
                    cluster_id: row.try_get("cluster_id")?,
                    barrier: row.try_get("barrier")?,
                    area: row.try_get("area")?,
                    organisation: row.try_get("organisation")?,
                    evaluated_on: row.try_get("evaluated_on")?,
                    reasons: serde_json::from_str(&reasons).context("redenen in de database")?,
                    waarom: row.try_get("waarom")?,
                    rules_version: row.try_get("rules_version")?,
                })
            })
            .collect()
    }

    /// Up to `limit` stored signals after `after` (source, id), in key order. The row-value
    /// comparison lets both databases walk the primary key instead of scanning per page.
    pub async fn replay_page(
        &self,
        after: Option<&(String, String)>,
        limit: i64,
    ) -> anyhow::Result<Vec<ReplaySignal>> {
        let (source, id) = after.cloned().unwrap_or_default();
        let rows = sqlx::query(
            "SELECT source, id, observed_on, area, area_key, text, themes, organisation, barriers, \
             classification, wait_days FROM signals WHERE (source, id) > ($1, $2) \
             ORDER BY source, id LIMIT $3",
        )
        .bind(source)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("signalen voor replay lezen")?;
        rows.iter()
            .map(|row| {
                Ok(ReplaySignal {
                    source: row.try_get("source")?,
                    id: row.try_get("id")?,
                    observed_on: row.try_get("observed_on")?,
                    area: row.try_get("area")?,
                    area_key: row.try_get("area_key")?,
                    text: row.try_get("text")?,
                    themes: row.try_get("themes")?,
                    organisation: row.try_get("organisation")?,
                    barriers: row.try_get("barriers")?,
                    classification: row.try_get("classification")?,
                    wait_days: row.try_get("wait_days")?,
                })
            })
            .collect()
    }

    /// The versions applied by replay, oldest first: (version, applied at).
    pub async fn replays(&self) -> anyhow::Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT version, applied_at FROM replays ORDER BY applied_at")
            .fetch_all(&self.pool)
            .await
            .context("replays lezen")?;
        rows.iter()
            .map(|row| Ok((row.try_get("version")?, row.try_get("applied_at")?)))
            .collect()
    }

    /// Signals the overleg split off, by (source, signal id, barrier): their cluster's id and
    /// key values.
    pub async fn cluster_overrides(
        &self,
    ) -> anyhow::Result<
        std::collections::HashMap<(String, String, String), (String, ClusterKeyValues)>,
    > {
        let rows = sqlx::query(
            "SELECT o.source, o.signal_id, o.barrier, o.cluster_id, c.area_key, c.area, c.organisation \
             FROM cluster_overrides o JOIN clusters c ON c.id = o.cluster_id",
        )
        .fetch_all(&self.pool)
        .await
        .context("afgesplitste signalen lezen")?;
        rows.iter()
            .map(|row| {
                Ok((
                    (
                        row.try_get("source")?,
                        row.try_get("signal_id")?,
                        row.try_get("barrier")?,
                    ),
                    (
                        row.try_get("cluster_id")?,
                        ClusterKeyValues {
                            area_key: row.try_get("area_key")?,
                            area: row.try_get("area")?,
                            organisation: row.try_get("organisation")?,
                        },
                    ),
                ))
            })
            .collect()
    }

    /// Starts the transaction a replay with `--apply` writes in.
    pub async fn begin_replay(&self) -> anyhow::Result<ReplayWriter> {
        Ok(ReplayWriter {
            tx: self.pool.begin().await.context("transactie starten")?,
            backend: self.backend,
        })
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
        // The signals with more than one barrier, by their barrier list (a small partial index
        // answers this); the pairs are counted here, instead of joining `signal_barriers` with
        // itself per signal of the period.
        let rows = sqlx::query(
            "SELECT barriers, COUNT(*) AS n FROM signals \
             WHERE barriers LIKE '%,%' AND observed_on >= $1 AND observed_on < $2 \
             GROUP BY barriers",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .context("samenloop tellen")?;
        let mut pairs: std::collections::BTreeMap<(String, String), i64> = Default::default();
        for row in &rows {
            let barriers: String = row.try_get("barriers")?;
            let n: i64 = row.try_get("n")?;
            let mut ids: Vec<&str> = barriers.split(',').filter(|b| !b.is_empty()).collect();
            ids.sort_unstable();
            ids.dedup();
            for (i, first) in ids.iter().enumerate() {
                for second in &ids[i + 1..] {
                    *pairs
                        .entry((first.to_string(), second.to_string()))
                        .or_default() += n;
                }
            }
        }
        let mut pairs: Vec<CoOccurrence> = pairs
            .into_iter()
            .map(|((first, second), signals)| CoOccurrence {
                first,
                second,
                signals,
            })
            .collect();
        pairs.sort_by(|a, b| {
            b.signals
                .cmp(&a.signals)
                .then_with(|| a.first.cmp(&b.first))
                .then_with(|| a.second.cmp(&b.second))
        });
        Ok(pairs)
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

/// The content a stored signal is compared by: what intake validated, before the engine
/// filled in the organisation (see `knooppunt_ingest::conflicts`).
fn signal_content(item: &Classified) -> &knooppunt_domain::signal::Signal {
    &item.envelope.signal
}

fn content_hash(signal: &knooppunt_domain::signal::Signal) -> String {
    knooppunt_domain::identity::content_hash(signal)
}

/// The content hash stored for one key, inside the batch's transaction.
async fn stored_content_hash(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &(String, String),
) -> anyhow::Result<Option<String>> {
    let row = sqlx::query("SELECT content_hash FROM signals WHERE source = $1 AND id = $2")
        .bind(&key.0)
        .bind(&key.1)
        .fetch_optional(&mut **tx)
        .await
        .context("opgeslagen signaal lezen")?;
    Ok(match row {
        Some(row) => row.try_get::<Option<String>, _>("content_hash")?,
        None => None,
    })
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
        organisation: row.try_get("organisation")?,
        first_seen: row.try_get("first_seen")?,
        last_seen: row.try_get("last_seen")?,
        signal_count: row.try_get("signal_count")?,
    })
}
