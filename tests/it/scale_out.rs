//! Scale-out on Apache Kafka: several `knooppunt engine` processes in one consumer group,
//! members killed and added mid-stream, offsets committed, counts exact.

use crate::support::*;
use knooppunt::app;
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::parse_signal;
use serde_json::json;
use std::collections::BTreeSet;
use std::process::Child;
use std::time::Duration;

const ORGANISATIONS: [&str; 3] = ["Haag Wonen", "Staedion", "Parnassia"];

/// Starts `count` engines in one group and waits until each holds partitions and the six
/// partitions are spread over them, each held once.
async fn start_engines(
    env: &[(String, String)],
    dir: &std::path::Path,
    count: usize,
) -> Vec<EngineProcess> {
    let engines: Vec<EngineProcess> = (1..=count)
        .map(|i| EngineProcess::start(env, dir, &format!("engine-{i}")))
        .collect();
    eventually(
        &format!("six partitions spread over all {count} engines"),
        Duration::from_secs(60),
        || async {
            let held: Vec<BTreeSet<i32>> =
                engines.iter().map(|e| held_partitions(&e.log)).collect();
            let all: BTreeSet<i32> = held.iter().flatten().copied().collect();
            held.iter().all(|h| !h.is_empty())
                && all.len() == 6
                && held.iter().map(BTreeSet::len).sum::<usize>() == 6
        },
    )
    .await;
    engines
}

/// Signals `s{i}` of source `team{i % 7}` (the numbering of the synthetic streams) are stored.
pub async fn assert_signals_stored(store: &knooppunt_store::Store, numbers: &[usize]) {
    for i in numbers {
        let (source, id) = (format!("team{}", i % 7), format!("s{i}"));
        let stored = store.signal(&source, &id).await.expect("read signal");
        assert!(stored.is_some(), "{source}/{id} is not stored");
    }
}

/// `n` distinct signals (ids `s0`…), spread over areas and so over partitions.
pub fn envelopes(n: usize) -> Vec<Envelope> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    (0..n)
        .map(|i| {
            let value = json!({
                "id": format!("s{i}"),
                "observed_on": format!("2026-09-{:02}", i % 28 + 1),
                "source": format!("team{}", i % 7),
                "area": WIJKEN[i % WIJKEN.len()],
                "organisation": ORGANISATIONS[i % ORGANISATIONS.len()],
                "text": format!("Melding {i}: schimmel en lekkage bij de corporatie, al {} weken geen reactie.", i % 20 + 1),
            });
            Envelope::prepare(
                parse_signal(&value, today).expect("valid signal"),
                Channel::Kafka,
                chrono::Utc::now(),
            )
        })
        .collect()
}

/// Removes terminal colour codes from a log.
fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The partitions an engine holds according to its log (its last assignment or revocation).
pub fn held_partitions(log: &std::path::Path) -> BTreeSet<i32> {
    let text = plain(&std::fs::read_to_string(log).unwrap_or_default());
    let mut held = BTreeSet::new();
    for line in text.lines() {
        let list = || -> BTreeSet<i32> {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix("partitions="))
                .map(|l| l.split(',').filter_map(|p| p.parse().ok()).collect())
                .unwrap_or_default()
        };
        if line.contains("Partitions assigned") {
            held = list();
        } else if line.contains("Partitions revoked") {
            for p in list() {
                held.remove(&p);
            }
        }
    }
    held
}

/// One engine process with its log and its /metrics port.
pub struct EngineProcess {
    pub child: Child,
    pub log: std::path::PathBuf,
    pub metrics: u16,
}

impl EngineProcess {
    pub fn start(env: &[(String, String)], dir: &std::path::Path, name: &str) -> Self {
        let metrics = free_port();
        let mut env = env.to_vec();
        env.push((
            "KNOOPPUNT__ENGINE__METRICS_LISTEN".into(),
            format!("127.0.0.1:{metrics}"),
        ));
        let log = dir.join(format!("{name}.log"));
        let child = spawn_knooppunt(&["engine"], &env, &log, "info");
        Self {
            child,
            log,
            metrics,
        }
    }

    /// A counter from the engine's /metrics (0 when absent).
    pub async fn counter(&self, name_and_labels: &str) -> f64 {
        let text = reqwest::get(format!("http://127.0.0.1:{}/metrics", self.metrics))
            .await
            .expect("engine /metrics")
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .filter(|l| l.starts_with(name_and_labels))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }

    /// SIGTERM, then waits for a clean exit (fails after 30 s).
    pub async fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        let child = &mut self.child;
        let status = eventually_ok(
            "the engine to stop after SIGTERM",
            Duration::from_secs(30),
            async || match child.try_wait().expect("engine status") {
                Some(status) => Ok(status),
                None => Err("still running".to_string()),
            },
        )
        .await;
        assert!(status.success(), "engine exited with {status}");
    }

    pub fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reap");
    }
}

/// Every cluster's count equals its member rows, and every signal-barrier pair is counted.
pub async fn assert_clusters_exact(pg_url: &str) {
    let store = knooppunt_store::Store::connect(pg_url, 1)
        .await
        .expect("connect");
    let wrong = store
        .cluster_count_mismatches()
        .await
        .expect("cluster counts");
    assert!(wrong.is_empty(), "cluster counts differ: {wrong:?}");
}

/// A Kafka stack with a six-partition signals topic; its engines write batches of `batch_size`.
async fn six_partitions(batch_size: usize) -> KafkaStack {
    let mut stack = kafka_stack_with_partitions(6).await;
    stack.config.engine.batch_size = batch_size;
    stack
}

/// Waits until the engines have stored the `n` signals and committed the topic's end.
async fn every_signal_handled(stack: &KafkaStack, n: usize) {
    let limit = Duration::from_secs(120);
    let what = "every signal stored";
    wait_all_handled(&stack.store, &stack.config, n as i64, limit, what).await;
}

/// Exactly `n` signals are stored, and every cluster's count equals its members.
async fn assert_stored_exactly(stack: &KafkaStack, n: usize) {
    assert_eq!(stack.store.signal_count().await.unwrap(), n as i64);
    assert_clusters_exact(&stack.pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_engines_share_six_partitions_and_survive_a_kill_and_a_join() {
    const N: usize = 6000;
    let stack = six_partitions(50).await;
    let (config, store) = (&stack.config, &stack.store);
    let env = config_env(config);
    let dir = tempfile::tempdir().unwrap();
    let engines = start_engines(&env, dir.path(), 3).await;

    // A live stream: 6,000 signals in chunks of 200, about 1,500 a second.
    let publisher = app::publisher(config).await.unwrap();
    let data = envelopes(N);
    let producer = tokio::spawn(async move {
        let mut pace = tokio::time::interval(Duration::from_millis(130));
        for chunk in data.chunks(200) {
            pace.tick().await;
            let results = publisher.publish(chunk).await;
            assert!(results.iter().all(Result::is_ok), "produce failed");
        }
    });
    let mut engines = engines.into_iter();
    let first = engines.next().unwrap();
    let mut survivors: Vec<EngineProcess> = engines.collect();
    wait_stored(
        store,
        (N / 3) as i64,
        Duration::from_secs(60),
        "a third of the stream stored",
    )
    .await;
    first.kill_9();
    wait_stored(
        store,
        (2 * N / 3) as i64,
        Duration::from_secs(90),
        "two thirds of the stream stored",
    )
    .await;
    let fourth = EngineProcess::start(&env, dir.path(), "engine-4");
    producer.await.expect("producer");
    eventually(
        "the fourth engine to get partitions",
        Duration::from_secs(60),
        || async { !held_partitions(&fourth.log).is_empty() },
    )
    .await;
    survivors.push(fourth);
    every_signal_handled(&stack, N).await;
    // Each member publishes its lag per partition (from librdkafka's statistics, every 5 s).
    eventually(
        "a lag gauge per partition",
        Duration::from_secs(20),
        || async {
            let text = reqwest::get(format!("http://127.0.0.1:{}/metrics", survivors[0].metrics))
                .await
                .ok();
            match text {
                Some(answer) => answer
                    .text()
                    .await
                    .is_ok_and(|t| t.contains("knooppunt_engine_consumer_lag{partition=\"")),
                None => false,
            }
        },
    )
    .await;

    // Re-deliveries: messages the survivors found stored already. A SIGKILL costs the batches
    // whose commit had not landed; a rebalance at most the batch in flight per partition.
    let mut redelivered = 0.0;
    for engine in &survivors {
        redelivered += engine
            .counter("knooppunt_engine_signals_total{outcome=\"duplicate\"}")
            .await;
    }
    eprintln!("re-delivered after SIGKILL and rebalances: {redelivered}");
    assert!(
        redelivered <= (8 * config.engine.batch_size) as f64,
        "{redelivered} messages were read twice"
    );
    for engine in survivors {
        engine.stop().await;
    }
    let (committed, ends) = engine_progress(config).await;
    // (A partition no signal was keyed to has nothing to commit.)
    let ends: std::collections::BTreeMap<i32, i64> =
        ends.into_iter().filter(|(_, end)| *end > 0).collect();
    assert_eq!(
        committed, ends,
        "a clean stop commits every processed offset"
    );
    assert_signals_stored(store, &[0, 1, N / 2, N - 1]).await;
    assert_stored_exactly(&stack, N).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_clusters_spanning_partitions_keep_exact_counts() {
    const N: usize = 3000;
    let mut stack = six_partitions(20).await;
    // Clusters per organisation: every area (so every partition) feeds the same three.
    let rules = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/default_rules.toml"),
    )
    .unwrap()
    .replace("key = [\"area\"]", "key = [\"organisation\"]")
    // The copied rules name the shipped model by an absolute path.
    .replace(
        "file = \"default_model.kpm\"",
        &format!(
            "file = {:?}",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("rules/default_model.kpm")
                .display()
                .to_string()
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let rules_file = dir.path().join("rules.toml");
    std::fs::write(&rules_file, rules).unwrap();
    stack.config.rules.file = rules_file.display().to_string();
    let (config, store) = (&stack.config, &stack.store);
    let mut env = config_env(config);
    env.push(("KNOOPPUNT__RULES__FILE".into(), config.rules.file.clone()));
    // Both members hold partitions before the signals come, so both write the same clusters.
    let engines = start_engines(&env, dir.path(), 2).await;
    let publisher = app::publisher(config).await.unwrap();
    for chunk in envelopes(N).chunks(500) {
        assert!(publisher.publish(chunk).await.iter().all(Result::is_ok));
    }
    every_signal_handled(&stack, N).await;
    let mut stored_by = Vec::new();
    for engine in &engines {
        stored_by.push(
            engine
                .counter("knooppunt_engine_signals_total{outcome=\"stored\"}")
                .await,
        );
    }
    for engine in engines {
        engine.stop().await;
    }
    assert!(
        stored_by.iter().all(|n| *n > 0.0),
        "both engines stored signals: {stored_by:?}"
    );
    let clusters = store.clusters().await.unwrap();
    assert!(
        clusters
            .iter()
            .all(|c| !c.organisation.is_empty() && c.area.is_empty()),
        "clusters keyed by organisation"
    );
    assert_eq!(
        clusters.iter().map(|c| c.signal_count).sum::<i64>(),
        N as i64,
        "every signal counted once in its organisation's cluster"
    );
    assert_stored_exactly(&stack, N).await;
}
