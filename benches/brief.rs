//! The quarterly brief over a large history, on SQLite (the embedded default) and PostgreSQL.
//!
//! Fills a database with `--signals` stored signals (default 1,000,000) spread over five
//! quarters (2025Q3–2026Q3), 9 barriers × 40 wijken = 360 clusters, 20 % unclassified and 10 %
//! with two barriers, generated inside the database (one statement per table). Then confirms
//! 10 and then 108 clusters as knelpunten and times `knooppunt brief --quarter 2026Q3
//! --no-pdf` as a whole process (figures, disclosure step, HTML, Markdown, CSV and JSON), after
//! one untimed warm-up run. With `--baseline PATH` another build runs in turn on its own
//! copy of the same database.
//!
//! ```sh
//! cargo bench --bench brief -- --signals 1000000 --runs 5 [--backend sqlite|postgres] [--baseline OLD/knooppunt] [--in-repo]
//! ```

// A bench fixture that generates a large history inside the database, one statement per
// table: no application code, so it writes its SQL itself (see clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;
#[path = "../tests/it/support.rs"]
mod support;

use common::arg;
use common::procs::{arg_text, builds, children_cpu, report};
use knooppunt_domain::cluster::{cluster_id, ClusterKeyValues};
use sqlx::{AnyPool, Connection, Executor, Row};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The barriers of the rules that ship; the SQL below spreads the signals over nine of them.
fn barriers() -> Vec<String> {
    let rules =
        knooppunt_rules::ruleset::RuleSet::from_toml(knooppunt_rules::ruleset::DEFAULT_RULES)
            .expect("the shipped rules compile");
    let ids: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    assert_eq!(ids.len(), 9, "the bench's SQL assumes nine barriers");
    ids
}
const AREAS: usize = 40;
const TEXT: &str =
    "Melding bij de corporatie over schimmel en lekkage in de slaapkamer, al weken geen \
                    reactie. De kinderen hebben astma en de huisarts heeft een brief geschreven; \
                    intussen loopt ook de huurachterstand op en durft mevrouw niet te bellen.";

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Where the brief runs: the system's temporary directory, or with `--in-repo` this
/// repository (as `cargo bench` starts the bench).
fn workdir() -> std::path::PathBuf {
    if std::env::args().any(|a| a == "--in-repo") {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    } else {
        std::env::temp_dir()
    }
}

/// Runs `knooppunt` with `args` against the database at `url`; returns its wall-clock and
/// CPU seconds (the kernel's accounting of the ended child, which machine load does not
/// inflate the way it does wall-clock time).
fn knooppunt(binary: &Path, url: &str, args: &[&str]) -> (f64, f64) {
    let cpu_before = children_cpu();
    let started = Instant::now();
    let output = Command::new(binary)
        .args(args)
        .env("KNOOPPUNT__STORE__URL", url)
        .env("KNOOPPUNT_LOG", "warn")
        // Not the repository: there the brief also finds `rules/training` and cross-validates
        // the model on those notes for its recognition section (seconds of CPU that are not
        // the figures'); `--in-repo` measures that too.
        .current_dir(workdir())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run knooppunt");
    assert!(
        output.status.success(),
        "knooppunt {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (started.elapsed().as_secs_f64(), children_cpu() - cpu_before)
}

/// Fills the (migrated) database with `n` signals and their clusters.
async fn fill(pool: &AnyPool, backend: Backend, n: i64) {
    let mut tx = pool.begin().await.expect("begin");
    for sql in [
        "CREATE TABLE bench_areas (idx BIGINT, area TEXT, area_key TEXT)",
        "CREATE TABLE bench_clusters (barrier_idx BIGINT, area_idx BIGINT, barrier TEXT, id TEXT)",
    ] {
        tx.execute(sql).await.expect("helper table");
    }
    let barriers = barriers();
    for a in 0..AREAS {
        let area = format!("Wijk {a:02}");
        sqlx::query("INSERT INTO bench_areas VALUES ($1, $2, $3)")
            .bind(a as i64)
            .bind(&area)
            .bind(knooppunt_domain::envelope::partition_key(&area))
            .execute(&mut *tx)
            .await
            .expect("area");
        for (b, barrier) in barriers.iter().enumerate() {
            let key = ClusterKeyValues {
                area_key: knooppunt_domain::envelope::partition_key(&area),
                area: area.clone(),
                organisation: String::new(),
            };
            sqlx::query("INSERT INTO bench_clusters VALUES ($1, $2, $3, $4)")
                .bind(b as i64)
                .bind(a as i64)
                .bind(barrier)
                .bind(cluster_id(barrier, &key))
                .execute(&mut *tx)
                .await
                .expect("cluster");
        }
    }
    // i → signal: wijk i % 40, source i % 29, day i % 457 from 2025-07-01, class i % 10
    // (0–1 unclassified, 9 two barriers), first barrier (i / 10) % 9.
    let (numbers, date) = match backend {
        Backend::Sqlite => (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) ",
                n - 1
            ),
            "date('2025-07-01', '+' || (n.i % 457) || ' days')",
        ),
        Backend::Postgres => (
            String::new(),
            "to_char(date '2025-07-01' + (n.i % 457)::int, 'YYYY-MM-DD')",
        ),
    };
    let from = match backend {
        Backend::Sqlite => "n".to_string(),
        Backend::Postgres => format!("generate_series(0, {}) AS n(i)", n - 1),
    };
    let second = "((n.i / 10) % 9 + 1 + (n.i / 90) % 8) % 9";
    let signals = format!(
        "{numbers}INSERT INTO signals (source, id, observed_on, area, area_key, text, themes, \
         organisation, wait_days, barriers, rules_version, channel, received_at, stored_at, \
         classification) \
         SELECT 'team' || (n.i % 29), 'b' || n.i, {date}, a.area, a.area_key, '{TEXT} ' || n.i, \
         '', NULL, CASE WHEN n.i % 3 = 0 THEN n.i % 200 END, \
         CASE WHEN n.i % 10 < 2 THEN '' WHEN n.i % 10 = 9 THEN c1.barrier || ',' || c2.barrier \
         ELSE c1.barrier END, 'bench', 'jsonl', '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', '' \
         FROM {from} JOIN bench_areas a ON a.idx = n.i % {AREAS} \
         JOIN bench_clusters c1 ON c1.area_idx = a.idx AND c1.barrier_idx = (n.i / 10) % 9 \
         JOIN bench_clusters c2 ON c2.area_idx = a.idx AND c2.barrier_idx = {second}"
    );
    tx.execute(signals.as_str()).await.expect("fill signals");
    for (barrier, which) in [
        ("(n.i / 10) % 9", "n.i % 10 >= 2"),
        (second, "n.i % 10 = 9"),
    ] {
        let sql = format!(
            "{numbers}INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, \
             observed_on, area_key, wait_days, confidence, organisation) \
             SELECT 'team' || (n.i % 29), 'b' || n.i, c.barrier, c.id, {date}, a.area_key, \
             CASE WHEN n.i % 3 = 0 THEN n.i % 200 END, 1, '' \
             FROM {from} JOIN bench_areas a ON a.idx = n.i % {AREAS} \
             JOIN bench_clusters c ON c.area_idx = a.idx AND c.barrier_idx = {barrier} \
             WHERE {which}"
        );
        tx.execute(sql.as_str())
            .await
            .expect("fill signal_barriers");
    }
    tx.execute(
        "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, last_seen, \
         signal_count) SELECT b.cluster_id, b.barrier, b.area_key, a.area, '', MIN(b.observed_on), \
         MAX(b.observed_on), COUNT(*) FROM signal_barriers b \
         JOIN bench_areas a ON a.area_key = b.area_key \
         GROUP BY b.cluster_id, b.barrier, b.area_key, a.area",
    )
    .await
    .expect("fill clusters");
    for table in ["bench_areas", "bench_clusters"] {
        tx.execute(format!("DROP TABLE {table}").as_str())
            .await
            .expect("drop helper");
    }
    tx.commit().await.expect("commit fill");
}

/// Confirms the clusters ranked `from..to` by id as knelpunten.
async fn confirm(pool: &AnyPool, from: usize, to: usize) {
    let ids: Vec<String> = sqlx::query("SELECT id FROM clusters ORDER BY id")
        .fetch_all(pool)
        .await
        .expect("clusters")
        .iter()
        .map(|r| r.get("id"))
        .collect();
    let details =
        serde_json::to_string(&knooppunt_reports::review::Action::Confirm).expect("details");
    for id in &ids[from..to] {
        sqlx::query(
            "INSERT INTO cluster_decisions (cluster_id, action, state_after, actor, reason, \
             details, signal_count, decided_at) SELECT $1, 'bevestigen', 'bevestigd', 'bench', \
             '', $2, signal_count, '2026-10-02T10:00:00+00:00' FROM clusters WHERE id = $1",
        )
        .bind(id)
        .bind(&details)
        .execute(pool)
        .await
        .expect("confirm");
    }
}

/// A copy of the database for each build: (url of the copy).
async fn copy(backend: Backend, url: &str, dir: &Path, name: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let pool = AnyPool::connect(url).await.expect("connect");
            let target = dir.join(format!("{name}.db"));
            let _ = std::fs::remove_file(&target);
            sqlx::query(&format!("VACUUM INTO '{}'", target.display()))
                .execute(&pool)
                .await
                .expect("vacuum into");
            pool.close().await;
            format!("sqlite://{}", target.display())
        }
        Backend::Postgres => {
            let admin = support::pg_admin_url();
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("admin");
            let source = url.rsplit('/').next().unwrap_or_default();
            let target = format!("{source}_{name}");
            // Sessions of the closed pool may linger a moment; a template must have none.
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(source)
            .execute(&mut conn)
            .await
            .expect("end sessions");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            conn.execute(format!("CREATE DATABASE {target} TEMPLATE {source}").as_str())
                .await
                .expect("copy database");
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            format!("{base}/{target}")
        }
    }
}

async fn measure(backend: Backend, n: i64, runs: usize) {
    sqlx::any::install_default_drivers();
    let builds = builds();
    let dir = tempfile::tempdir().expect("tempdir");
    let template = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("template.db").display()
        ),
        Backend::Postgres => support::fresh_pg_database().await,
    };
    // The schema of the oldest build, so every build can open its copy.
    knooppunt(&builds[0].1, &template, &["migrate"]);
    let started = Instant::now();
    let pool = AnyPool::connect(&template).await.expect("connect");
    fill(&pool, backend, n).await;
    if backend == Backend::Postgres {
        // What autovacuum does soon after a bulk load.
        pool.execute("VACUUM ANALYZE").await.expect("vacuum");
    }
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "{name}: filled {n} signals in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    for (from, to) in [(0, 10), (10, 108)] {
        let pool = AnyPool::connect(&template).await.expect("connect");
        confirm(&pool, from, to).await;
        pool.close().await;
        let mut urls = Vec::new();
        for (build, binary) in &builds {
            let url = copy(backend, &template, dir.path(), &format!("{build}_{to}")).await;
            if backend == Backend::Postgres {
                knooppunt(binary, &url, &["migrate"]);
            }
            urls.push(url);
        }
        let out = dir.path().join("out");
        let brief = ["brief", "--quarter", "2026Q3", "--no-pdf", "--out"];
        let mut args: Vec<&str> = brief.to_vec();
        let out_text = out.display().to_string();
        args.push(&out_text);
        for ((_, binary), url) in builds.iter().zip(&urls) {
            knooppunt(binary, url, &args); // warm-up (and SQLite's own migrations)
        }
        let mut times: Vec<(&str, Vec<f64>)> =
            builds.iter().map(|(b, _)| (*b, Vec::new())).collect();
        let mut cpu = times.clone();
        for _ in 0..runs {
            for (b, ((_, binary), url)) in builds.iter().zip(&urls).enumerate() {
                let (wall, used) = knooppunt(binary, url, &args);
                times[b].1.push(wall);
                cpu[b].1.push(used * 1000.0);
            }
        }
        report(&format!("{name}, brief with {to} knelpunten"), "s", &times);
        report(&format!("{name}, brief with {to}, CPU"), "ms", &cpu);
    }
}

#[tokio::main]
async fn main() {
    let n = arg("--signals", 1_000_000i64);
    let runs = arg("--runs", 5).max(1);
    let backends = match arg_text("--backend").as_deref() {
        Some("sqlite") => vec![Backend::Sqlite],
        Some("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    };
    for backend in backends {
        measure(backend, n, runs).await;
    }
}
