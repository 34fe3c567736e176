//! End to end on the embedded defaults, as a user runs it: `knooppunt serve` (intake API and
//! rules engine in one process, SQLite spool and store) is running, `knooppunt import` reads a
//! JSON-lines file of `--lines` signals (default 20,000) into the spool, and the clock stops
//! when the store holds all of them (polled every 10 ms on one connection). Each run starts
//! from empty files. With `--baseline PATH` (another build of the binary; an absolute path,
//! as `serve` runs in its temporary directory) both builds run in turn, run by run, and the
//! per-run ratio is reported.
//!
//! ```sh
//! cargo bench --bench embedded -- --lines 20000 --runs 5 [--baseline OLD/knooppunt]
//! ```

mod common;

use common::arg;
use common::procs::{builds, children_cpu, report, Serve};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The bundled demo sample's notes, made unique per line.
fn write_input(path: &Path, lines: usize) {
    let sample: Vec<serde_json::Value> = include_str!("../src/demo/signals.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut out = String::new();
    for i in 0..lines {
        let mut value = sample[i % sample.len()].clone();
        value["id"] = format!("bench-{i}").into();
        let text = value["text"].as_str().unwrap_or_default().to_string();
        value["text"] = format!("{text} (nr {i})").into();
        out.push_str(&value.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).expect("write input");
}

/// Signals stored so far, on one connection kept open between polls (a pool opened every
/// 10 ms cost the bench about 0.25 s of CPU per run, taken from the processes it times).
async fn stored(db: &Path, store: &mut Option<knooppunt_store::Store>) -> i64 {
    // The serving process creates and migrates the database; until it has, nothing is stored.
    if store.is_none() && db.exists() {
        let url = format!("sqlite:{}", db.display());
        *store = knooppunt_store::Store::connect_unmigrated(&url, 1)
            .await
            .ok();
    }
    match store {
        Some(store) => store.signal_count().await.unwrap_or(0),
        None => 0,
    }
}

/// One run: signals per second from the start of the import until all are stored, the
/// import process's own duration in seconds, and the CPU seconds `serve` (from its start to
/// the last signal stored) and `import` used together.
async fn run(binary: &Path, input: &Path, lines: usize) -> (f64, f64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpu_before = children_cpu();
    let serve = Serve::start(binary, dir.path()).await;
    let started = Instant::now();
    let import = Command::new(binary)
        .arg("import")
        .arg(input)
        .envs(common::procs::embedded_env(dir.path(), 0))
        .env("KNOOPPUNT_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start knooppunt import");
    let import = tokio::task::spawn_blocking(move || {
        let mut import = import;
        let status = import.wait().expect("import");
        (status, started.elapsed())
    });
    let db = dir.path().join("knooppunt.db");
    let mut watcher = None;
    loop {
        if stored(&db, &mut watcher).await as usize >= lines {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "stalled; see {}",
            dir.path().join("serve.log").display()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    drop(watcher);
    let (status, imported) = import.await.expect("import task");
    assert!(status.success(), "import failed: {status}");
    drop(serve);
    (
        lines as f64 / elapsed.as_secs_f64(),
        imported.as_secs_f64(),
        children_cpu() - cpu_before,
    )
}

#[tokio::main]
async fn main() {
    let lines = arg("--lines", 20_000);
    let runs = arg("--runs", 5).max(1);
    let input_dir = tempfile::tempdir().expect("tempdir");
    let input = input_dir.path().join("signals.jsonl");
    write_input(&input, lines);
    let builds = builds();
    let mut rates: Vec<(&str, Vec<f64>)> = builds.iter().map(|(n, _)| (*n, Vec::new())).collect();
    let mut imports: Vec<(&str, Vec<f64>)> = rates.clone();
    let mut cpu: Vec<(&str, Vec<f64>)> = rates.clone();
    for i in 1..=runs {
        for (b, (name, binary)) in builds.iter().enumerate() {
            let (rate, import, used) = run(binary, &input, lines).await;
            println!(
                "run {i} {name:<8}: {rate:>8.0} signals/s end to end; import took {import:.2} s; \
                 CPU (serve + import) {used:.2} s"
            );
            rates[b].1.push(rate);
            imports[b].1.push(import);
            cpu[b].1.push(used);
        }
    }
    println!("{lines} lines per run, {runs} runs");
    report("serve + import until stored", "signals/s", &rates);
    report("import process alone", "s", &imports);
    report("CPU of serve + import", "s", &cpu);
}
