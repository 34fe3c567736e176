//! HTTP intake under load, on the embedded defaults (`knooppunt serve`: SQLite spool, the rules
//! engine consuming in the same process). Closed-loop clients on loopback, each on its own
//! connection, post for `--seconds` (default 5) or until `--requests` per client (default
//! 20,000), whichever comes first:
//!
//! - single signals × 8 connections;
//! - batches of 100 × 4 connections.
//!
//! Reports accepted signals per second and the request latency's p50 and p99. Every request
//! must be answered 202/200 with every item accepted. With `--baseline PATH` another build runs
//! in turn, run by run, each on fresh files.
//!
//! ```sh
//! cargo bench --bench intake -- --runs 3 --seconds 5 [--baseline OLD/knooppunt]
//! ```

mod common;
#[path = "../tests/it/support/process.rs"]
#[allow(dead_code)] // the bench posts signals; the rest serves the tests
mod process;

use common::arg;
use common::procs::{builds, report, Serve};
use process::post_signals_with;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn sample() -> Vec<serde_json::Value> {
    include_str!("../src/demo/signals.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The `q`-quantile of sorted latencies, in milliseconds.
fn quantile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

/// One load: `connections` clients posting `batch` signals per request. Returns (signals/s,
/// p50 ms, p99 ms).
async fn load(
    url: &str,
    connections: usize,
    batch: usize,
    seconds: u64,
    requests: usize,
) -> (f64, f64, f64) {
    let sample = Arc::new(sample());
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (sample, counter, url) = (sample.clone(), counter.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .expect("client");
            let mut latencies = Vec::new();
            while Instant::now() < deadline && latencies.len() < requests {
                let items: Vec<serde_json::Value> = (0..batch)
                    .map(|_| {
                        let n = counter.fetch_add(1, Ordering::Relaxed);
                        let mut value = sample[n % sample.len()].clone();
                        value["id"] = format!("load-{n}").into();
                        value
                    })
                    .collect();
                let body = if batch == 1 {
                    items[0].to_string()
                } else {
                    serde_json::Value::Array(items).to_string()
                };
                let sent = Instant::now();
                let (status, answer) = post_signals_with(&client, &url, body).await;
                let answer: serde_json::Value = serde_json::from_str(&answer).expect("answer");
                latencies.push(sent.elapsed());
                let accepted = answer["accepted"].as_u64().unwrap_or(0) as usize;
                assert!(
                    (200..300).contains(&status) && accepted == batch,
                    "intake answered {status}: {answer}"
                );
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    (
        (latencies.len() * batch) as f64 / elapsed,
        quantile_ms(&latencies, 0.5),
        quantile_ms(&latencies, 0.99),
    )
}

#[tokio::main]
async fn main() {
    let runs = arg("--runs", 3).max(1);
    let seconds = arg("--seconds", 5u64).max(1);
    let requests = arg("--requests", 20_000usize).max(1);
    let builds = builds();
    for (connections, batch) in [(8, 1), (4, 100)] {
        let empty =
            || -> Vec<(&str, Vec<f64>)> { builds.iter().map(|(b, _)| (*b, Vec::new())).collect() };
        let (mut rates, mut p50s, mut p99s) = (empty(), empty(), empty());
        for run in 1..=runs {
            for (b, (name, binary)) in builds.iter().enumerate() {
                let dir = tempfile::tempdir().expect("tempdir");
                let serve = Serve::start(binary, dir.path()).await;
                let (rate, p50, p99) =
                    load(&serve.url, connections, batch, seconds, requests).await;
                drop(serve);
                println!(
                    "run {run} {name:<8} {connections} × {batch}: {rate:>8.0} signals/s, p50 {p50:.1} ms, p99 {p99:.1} ms"
                );
                rates[b].1.push(rate);
                p50s[b].1.push(p50);
                p99s[b].1.push(p99);
            }
        }
        let what = format!("{connections} connections × {batch} per request");
        report(&format!("{what}: throughput"), "signals/s", &rates);
        report(&format!("{what}: p50"), "ms", &p50s);
        report(&format!("{what}: p99"), "ms", &p99s);
    }
}
