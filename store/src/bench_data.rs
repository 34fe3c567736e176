//! Bench data (cargo feature `bench-data`, enabled only by the benches): a large synthetic
//! history generated inside the database, one statement per table, and copies of a filled
//! database, so a bench times the application on it without writing SQL itself.

use crate::{Backend, Store};
use anyhow::Context;
use knooppunt_domain::cluster::{cluster_id, ClusterKeyValues};
use knooppunt_domain::envelope::partition_key;
use knooppunt_domain::review::Action;
use sqlx::{Connection, Executor};
use std::path::Path;

/// The history [`Store::fill_bench_history`] generates.
#[derive(Debug, Clone, Copy)]
pub struct BenchHistory<'a> {
    /// How many signals.
    pub signals: i64,
    /// The barrier ids the signals are spread over (at least two).
    pub barriers: &'a [String],
    /// How many wijken (`Wijk 00`, `Wijk 01`, …).
    pub areas: usize,
    /// The text every signal starts with (its number follows).
    pub text: &'a str,
}

/// The SQL that numbers the rows `n.i` = 0..=`last` on `backend`: a recursive CTE to put
/// before the statement (SQLite) and the `FROM` item, with the expression of signal `n.i`'s
/// observation date (`i % 457` days after 2025-07-01).
fn numbers_0_to(backend: Backend, last: i64) -> (String, &'static str, String) {
    match backend {
        Backend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) "
            ),
            "date('2025-07-01', '+' || (n.i % 457) || ' days')",
            "n".to_string(),
        ),
        Backend::Postgres => (
            String::new(),
            "to_char(date '2025-07-01' + (n.i % 457)::int, 'YYYY-MM-DD')",
            format!("generate_series(0, {last}) AS n(i)"),
        ),
    }
}

impl Store {
    /// Fills the (migrated) database with a history: signal `i` is in wijk `i % areas`, from
    /// source `team{i % 29}`, observed `i % 457` days after 2025-07-01, of class `i % 10`
    /// (0–1 unclassified, 9 with two barriers), its first barrier `(i / 10) % barriers`; and
    /// with the clusters those signals make.
    pub async fn fill_bench_history(&self, history: BenchHistory<'_>) -> anyhow::Result<()> {
        let BenchHistory {
            signals: n,
            barriers,
            areas,
            text,
        } = history;
        anyhow::ensure!(barriers.len() >= 2, "bench history needs two barriers");
        let mut tx = self.pool.begin().await?;
        helper_tables(&mut tx, areas, barriers).await?;
        let (numbers, date, from) = numbers_0_to(self.backend, n - 1);
        let b = barriers.len();
        let first = format!("(n.i / 10) % {b}");
        let second = format!(
            "((n.i / 10) % {b} + 1 + (n.i / {}) % {}) % {b}",
            10 * b,
            b - 1
        );
        let signals = format!(
            "{numbers}INSERT INTO signals (source, id, observed_on, area, area_key, text, themes, \
             organisation, wait_days, barriers, rules_version, channel, received_at, stored_at, \
             classification) \
             SELECT 'team' || (n.i % 29), 'b' || n.i, {date}, a.area, a.area_key, '{text} ' || n.i, \
             '', NULL, CASE WHEN n.i % 3 = 0 THEN n.i % 200 END, \
             CASE WHEN n.i % 10 < 2 THEN '' WHEN n.i % 10 = 9 THEN c1.barrier || ',' || c2.barrier \
             ELSE c1.barrier END, 'bench', 'jsonl', '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', '' \
             FROM {from} JOIN bench_areas a ON a.idx = n.i % {areas} \
             JOIN bench_clusters c1 ON c1.area_idx = a.idx AND c1.barrier_idx = {first} \
             JOIN bench_clusters c2 ON c2.area_idx = a.idx AND c2.barrier_idx = {second}",
            text = text.replace('\'', "''"),
        );
        tx.execute(signals.as_str()).await.context("fill signals")?;
        for (barrier, which) in [(&first, "n.i % 10 >= 2"), (&second, "n.i % 10 = 9")] {
            let sql = format!(
                "{numbers}INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, \
                 observed_on, area_key, wait_days, confidence, organisation) \
                 SELECT 'team' || (n.i % 29), 'b' || n.i, c.barrier, c.id, {date}, a.area_key, \
                 CASE WHEN n.i % 3 = 0 THEN n.i % 200 END, 1, '' \
                 FROM {from} JOIN bench_areas a ON a.idx = n.i % {areas} \
                 JOIN bench_clusters c ON c.area_idx = a.idx AND c.barrier_idx = {barrier} \
                 WHERE {which}"
            );
            tx.execute(sql.as_str())
                .await
                .context("fill signal_barriers")?;
        }
        tx.execute(
            "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, \
             last_seen, signal_count) SELECT b.cluster_id, b.barrier, b.area_key, a.area, '', \
             MIN(b.observed_on), MAX(b.observed_on), COUNT(*) FROM signal_barriers b \
             JOIN bench_areas a ON a.area_key = b.area_key \
             GROUP BY b.cluster_id, b.barrier, b.area_key, a.area",
        )
        .await
        .context("fill clusters")?;
        for table in ["bench_areas", "bench_clusters"] {
            tx.execute(format!("DROP TABLE {table}").as_str())
                .await
                .context("drop helper table")?;
        }
        tx.commit().await.context("commit bench history")?;
        if self.backend == Backend::Postgres {
            // What autovacuum does soon after a bulk load.
            self.pool
                .execute("VACUUM ANALYZE")
                .await
                .context("vacuum")?;
        }
        Ok(())
    }

    /// Confirms the clusters ranked `from..to` by id as knelpunten (by `bench`, on
    /// 2026-10-02).
    pub async fn confirm_bench_clusters(&self, from: usize, to: usize) -> anyhow::Result<()> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM clusters ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .context("clusters")?;
        let chosen = ids
            .get(from..to)
            .with_context(|| format!("{} clusters, not {to}", ids.len()))?;
        let details = serde_json::to_string(&Action::Confirm)?;
        for id in chosen {
            sqlx::query(
                "INSERT INTO cluster_decisions (cluster_id, action, state_after, actor, reason, \
                 details, signal_count, decided_at) SELECT $1, 'bevestigen', 'bevestigd', \
                 'bench', '', $2, signal_count, '2026-10-02T10:00:00+00:00' FROM clusters \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&details)
            .execute(&self.pool)
            .await
            .context("confirm")?;
        }
        Ok(())
    }

    /// Copies this SQLite database into the file `target` (replacing it); returns its URL.
    pub async fn copy_sqlite_into(&self, target: &Path) -> anyhow::Result<String> {
        anyhow::ensure!(self.backend == Backend::Sqlite, "not a SQLite store");
        let _ = std::fs::remove_file(target);
        let path = target.display().to_string().replace('\'', "''");
        self.pool
            .execute(format!("VACUUM INTO '{path}'").as_str())
            .await
            .context("vacuum into")?;
        Ok(format!("sqlite://{}", target.display()))
    }
}

/// Copies the PostgreSQL database `source` to a new database `target`, connected as `admin`
/// (a URL to another database of the same server); returns the copy's URL. Ends the sessions
/// still open on `source` first: a template must have none.
pub async fn copy_postgres_database(
    admin: &str,
    source: &str,
    target: &str,
) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin)
        .await
        .context("connect as admin")?;
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(source)
    .execute(&mut conn)
    .await
    .context("end sessions")?;
    // Terminated sessions linger a moment after the signal: wait (on the server, 50 ms at a
    // time, at most 10 s) until none is left.
    for _ in 0..200 {
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(source)
        .fetch_one(&mut conn)
        .await
        .context("count sessions")?;
        if left == 0 {
            break;
        }
        conn.execute("SELECT pg_sleep(0.05)")
            .await
            .context("wait")?;
    }
    conn.execute(format!("CREATE DATABASE {target} TEMPLATE {source}").as_str())
        .await
        .context("copy database")?;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    Ok(format!("{base}/{target}"))
}

/// The helper tables the generating statements join: the wijken (`bench_areas`) and a cluster
/// per barrier and wijk (`bench_clusters`), with their keys as the application makes them.
async fn helper_tables(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    areas: usize,
    barriers: &[String],
) -> anyhow::Result<()> {
    for sql in [
        "CREATE TABLE bench_areas (idx BIGINT, area TEXT, area_key TEXT)",
        "CREATE TABLE bench_clusters (barrier_idx BIGINT, area_idx BIGINT, barrier TEXT, \
         id TEXT)",
    ] {
        tx.execute(sql).await.context("helper table")?;
    }
    for a in 0..areas {
        let area = format!("Wijk {a:02}");
        sqlx::query("INSERT INTO bench_areas VALUES ($1, $2, $3)")
            .bind(a as i64)
            .bind(&area)
            .bind(partition_key(&area))
            .execute(&mut **tx)
            .await
            .context("area")?;
        for (b, barrier) in barriers.iter().enumerate() {
            let key = ClusterKeyValues {
                area_key: partition_key(&area),
                area: area.clone(),
                organisation: String::new(),
            };
            sqlx::query("INSERT INTO bench_clusters VALUES ($1, $2, $3, $4)")
                .bind(b as i64)
                .bind(a as i64)
                .bind(barrier)
                .bind(cluster_id(barrier, &key))
                .execute(&mut **tx)
                .await
                .context("cluster")?;
        }
    }
    Ok(())
}
