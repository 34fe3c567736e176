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

mod common;
#[path = "../tests/it/support.rs"]
mod support;

use common::arg;
use common::procs::{arg_text, builds, children_cpu, report};
use knooppunt_store::bench_data::{copy_postgres_database, BenchHistory};
use knooppunt_store::Store;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// The barriers of the rules that ship; the store's bench history spreads the signals over
/// nine of them.
fn barriers() -> Vec<String> {
    let rules =
        knooppunt_rules::ruleset::RuleSet::from_toml(knooppunt_rules::ruleset::DEFAULT_RULES)
            .expect("the shipped rules compile");
    let ids: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    assert_eq!(ids.len(), 9, "the bench's history assumes nine barriers");
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

/// A copy of the database for each build: (url of the copy).
async fn copy(store: &Store, backend: Backend, url: &str, dir: &Path, name: &str) -> String {
    match backend {
        Backend::Sqlite => store
            .copy_sqlite_into(&dir.join(format!("{name}.db")))
            .await
            .expect("copy database"),
        Backend::Postgres => {
            let source = url.rsplit('/').next().unwrap_or_default();
            copy_postgres_database(
                &support::pg_admin_url(),
                source,
                &format!("{source}_{name}"),
            )
            .await
            .expect("copy database")
        }
    }
}

async fn measure(backend: Backend, n: i64, runs: usize) {
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
    let store = Store::connect_unmigrated(&template, 1)
        .await
        .expect("connect");
    let barriers = barriers();
    store
        .fill_bench_history(BenchHistory {
            signals: n,
            barriers: &barriers,
            areas: AREAS,
            text: TEXT,
        })
        .await
        .expect("fill");
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "{name}: filled {n} signals in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (from, to) in [(0, 10), (10, 108)] {
        store
            .confirm_bench_clusters(from, to)
            .await
            .expect("confirm");
        let mut urls = Vec::new();
        for (build, binary) in &builds {
            let url = copy(
                &store,
                backend,
                &template,
                dir.path(),
                &format!("{build}_{to}"),
            )
            .await;
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
