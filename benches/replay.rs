//! Replay throughput over a large stored history on PostgreSQL, and its memory.
//!
//! Fills a fresh database with `--signals` classified signals (default 1,000,000), then replays
//! a changed rule set over them: first as a dry run (the diff), then with `--apply`. Reports
//! signals per second and the process's peak resident memory (VmHWM) after filling and after
//! each replay: memory must not grow with history size.
//!
//! ```sh
//! cargo bench --bench replay -- --signals 1000000
//! ```

mod common;
#[path = "../tests/it/support.rs"]
mod support;

use common::{arg, synthetic};
use knooppunt_rules::engine::classify;
use knooppunt_rules::replay::replay;
use knooppunt_rules::ruleset::{RuleSet, DEFAULT_RULES};
use knooppunt_store::Store;
use std::time::Instant;

const TEXTS: [&str; 5] = [
    "Zoon van 24 wil weer thuis wonen, maar dan gaat de bijstand van moeder omlaag door de kostendelersnorm.",
    "Melding van schimmel bij de corporatie, al 11 weken geen reactie; kinderen hebben astma.",
    "Aangemeld bij de GGZ in mei, intake pas over vier maanden; huisarts overbrugt.",
    "Huurachterstand van drie maanden, schuldhulp heeft een wachtlijst en de deurwaarder komt.",
    "Gezellige middag in de buurtkamer met twintig bewoners.",
];

fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let n: usize = arg("--signals", 1_000_000);
    let store = Store::connect(&support::fresh_pg_database().await, 4)
        .await
        .expect("store");
    store.migrate().await.expect("migrate");
    let rules = RuleSet::default_rules().expect("rules");
    let started = Instant::now();
    for chunk_start in (0..n).step_by(5_000) {
        let batch: Vec<_> = (chunk_start..(chunk_start + 5_000).min(n))
            .filter_map(|i| {
                let date = format!("2026-{:02}-{:02}", i % 9 + 1, i % 28 + 1);
                synthetic(i, &date, TEXTS[i % TEXTS.len()]).map(|e| classify(&rules, e))
            })
            .collect();
        store.write_batch(&batch, &[]).await.expect("fill");
    }
    println!(
        "filled {n} signals in {:.0} s; peak memory {:.0} MiB",
        started.elapsed().as_secs_f64(),
        peak_memory_mib()
    );

    // The new rule set: the default plus a barrier that one signal in five matches.
    let changed = RuleSet::from_toml(&format!(
        "{DEFAULT_RULES}\n[[barrier]]\nid = \"buurtkamer\"\ntitle = \"t\"\nkader = \"k\"\nowner = \"o\"\npatterns = ['buurtkamer']\n"
    ))
    .expect("changed rules");
    for apply in [false, true] {
        let started = Instant::now();
        let diff = replay(&store, &changed, apply, |_| {})
            .await
            .expect("replay");
        let seconds = started.elapsed().as_secs_f64();
        assert!(!apply || diff.applied, "the replay was not written");
        println!(
            "replay {}: {} signals, {} change, {:.0} signals/s; peak memory {:.0} MiB",
            if apply { "--apply" } else { "(dry run)" },
            diff.signals,
            diff.changed,
            diff.signals as f64 / seconds,
            peak_memory_mib()
        );
    }
}
