//! Throughput of the pipeline on real components (Apache Kafka, PostgreSQL), same run:
//!
//! - **raw consume**: a plain rdkafka consumer reading the signals topic and discarding it —
//!   what the broker and client can deliver, the ceiling for any engine;
//! - **kafka → postgres, 1 engine / 3 engines**: the rules engine in a consumer group (decode,
//!   re-scrub, classify, cluster, commit, store and commit offsets), one member and three
//!   members sharing the topic's six partitions, each against a fresh database;
//! - **produce**: intake's hand-over to Kafka (idempotent producer, `acks=all`);
//! - **spool → sqlite**: the same engine on the embedded defaults.
//!
//! Each run produces the signals once to a fresh six-partition topic; every reader uses a
//! consumer group of its own. Clocks start when every member has received its first message,
//! so joining the group is not counted. Needs PostgreSQL and Apache Kafka, like the tests
//! (`tests/run.sh` sets both up; the bench starts its own broker):
//!
//! ```sh
//! cargo bench --bench pipeline -- --signals 20000 --runs 3
//! ```

mod common;
#[path = "../tests/it/support.rs"]
mod support;

use common::{arg, median, synthetic};

use knooppunt::app;
use knooppunt_domain::envelope::Envelope;
use knooppunt_rules::engine::Engine;
use knooppunt_transport::Publisher;
use std::time::{Duration, Instant};
use support::*;

const TEXTS: [&str; 6] = [
    "Zoon van 24 wil weer thuis wonen, maar dan gaat de bijstand van moeder omlaag door de kostendelersnorm. Ze laat hem nu op de bank van een vriend slapen.",
    "Melding van schimmel en lekkage bij de corporatie, al 11 weken geen reactie. Kinderen hebben astma, huisarts heeft een brief geschreven maar niemand komt kijken.",
    "Aangemeld bij de GGZ in mei, intake pas over vier maanden. Mevrouw is somber en slaapt slecht; de huisarts kan niet meer doen dan overbruggen.",
    "Huurachterstand van drie maanden, de deurwaarder is al geweest. Schuldhulpverlening heeft een wachtlijst van zes weken en intussen loopt de incasso door.",
    "Moeder durft het CJG niet te bellen, bang dat haar kinderen worden afgenomen. Ze vraagt nu hulp aan buren en de moskee.",
    "Gezellige middag in de buurtkamer met twintig bewoners, veel nieuwe gezichten uit de flat aan de overkant.",
];

fn envelopes(n: usize) -> Vec<Envelope> {
    (0..n)
        .filter_map(|i| {
            let text = format!(
                "{} (nr {i}, bel 06-1234{:04})",
                TEXTS[i % TEXTS.len()],
                i % 10_000
            );
            synthetic(i, &format!("2026-09-{:02}", i % 28 + 1), &text)
        })
        .collect()
}

/// Runs `engines` rules engines (one consumer group) until they stored `n` signals; the rate
/// counts from the moment every engine has received its first message.
async fn engines_rate(config: &knooppunt::config::Config, engines: usize, n: usize) -> f64 {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let store = app::open_store(config).await.expect("store");
    store.migrate().await.expect("migrate");
    let rules = app::load_rules(config).expect("rules");
    let stored = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let clock: Arc<Mutex<Option<(Instant, usize)>>> = Arc::new(Mutex::new(None));
    let mut tasks = Vec::new();
    for _ in 0..engines {
        let source = app::source(config).await.expect("source");
        let mut engine = Engine::new(
            source,
            store.clone(),
            rules.clone(),
            config.engine.batch_size,
        );
        let (stored, started, clock) = (stored.clone(), started.clone(), clock.clone());
        tasks.push(tokio::spawn(async move {
            let begun = Instant::now();
            let mut first = true;
            while stored.load(Ordering::SeqCst) < n {
                let outcome = engine
                    .step(Duration::from_millis(100))
                    .await
                    .expect("engine step");
                if outcome.received > 0 && first {
                    first = false;
                    if started.fetch_add(1, Ordering::SeqCst) + 1 == engines {
                        *clock.lock().expect("clock") =
                            Some((Instant::now(), stored.load(Ordering::SeqCst)));
                    }
                }
                stored.fetch_add(outcome.stored, Ordering::SeqCst);
                assert!(
                    begun.elapsed() < Duration::from_secs(600),
                    "stalled at {} of {n}",
                    stored.load(Ordering::SeqCst)
                );
            }
            engine.into_source().close().await.expect("close");
        }));
    }
    for task in tasks {
        task.await.expect("engine task");
    }
    let end = Instant::now();
    assert_eq!(store.signal_count().await.expect("count") as usize, n);
    let (from, before) = clock.lock().expect("clock").unwrap_or((end, 0));
    (n - before) as f64 / end.duration_since(from).as_secs_f64()
}

/// A plain consumer in a group of its own reads `n` messages and drops them.
fn raw_rate(brokers: &str, topic: &str, n: usize) -> f64 {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("raw-{}", uuid::Uuid::new_v4().simple()))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("raw consumer");
    consumer.subscribe(&[topic]).expect("subscribe");
    let begun = Instant::now();
    let mut started = None;
    let mut read = 0;
    while read < n {
        if let Some(message) = consumer.poll(Duration::from_millis(100)) {
            message.expect("raw message");
            started.get_or_insert_with(Instant::now);
            read += 1;
        }
        assert!(
            begun.elapsed() < Duration::from_secs(300),
            "raw read stalled at {read}"
        );
    }
    // The clock started at the first message: n - 1 messages after it.
    (n - 1) as f64 / started.map_or(begun, |s| s).elapsed().as_secs_f64()
}

async fn drain<S: knooppunt_transport::Source>(
    engine: &mut Engine<S>,
    store: &knooppunt_store::Store,
    n: usize,
) -> Duration {
    // The clock starts at the step that brings the first messages, so joining the consumer
    // group (seconds, once per process) is not counted as throughput.
    let begun = Instant::now();
    let mut started = None;
    let mut stored = 0;
    while stored < n {
        let before = Instant::now();
        let outcome = engine
            .step(Duration::from_millis(500))
            .await
            .expect("engine step");
        if outcome.received > 0 && started.is_none() {
            started = Some(before);
        }
        stored += outcome.stored;
        assert!(
            begun.elapsed() < Duration::from_secs(600),
            "stalled at {stored} of {n}"
        );
    }
    let started = started.unwrap_or(begun);
    let elapsed = started.elapsed();
    assert_eq!(store.signal_count().await.expect("count") as usize, n);
    elapsed
}

#[tokio::main]
async fn main() {
    let n = arg("--signals", 20_000);
    let runs = arg("--runs", 3).max(1);
    let batch = arg("--batch", 500);
    let data = envelopes(n);
    let brokers = tokio::task::spawn_blocking(shared_brokers)
        .await
        .expect("broker");
    let mut rates: [Vec<f64>; 5] = Default::default();
    for run in 1..=runs {
        let pg = fresh_pg_database().await;
        let mut config = kafka_config(&brokers, &pg);
        config.kafka.partitions = 6;
        config.engine.batch_size = batch;
        config.kafka.ensure_topics().await.expect("topics");
        let publisher = app::publisher(&config).await.expect("publisher");
        let started = Instant::now();
        for chunk in data.chunks(1000) {
            assert!(
                publisher.publish(chunk).await.iter().all(Result::is_ok),
                "produce failed"
            );
        }
        let produced = n as f64 / started.elapsed().as_secs_f64();
        let (b, t) = (brokers.clone(), config.kafka.signals_topic.clone());
        let raw = tokio::task::spawn_blocking(move || raw_rate(&b, &t, n))
            .await
            .expect("raw");
        config.kafka.group_id = format!("one-{}", uuid::Uuid::new_v4().simple());
        let one = engines_rate(&config, 1, n).await;
        config.kafka.group_id = format!("three-{}", uuid::Uuid::new_v4().simple());
        config.store.url = fresh_pg_database().await;
        let three = engines_rate(&config, 3, n).await;

        // Spool → SQLite.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = embedded_config(dir.path());
        config.engine.batch_size = batch;
        let store = app::open_store(&config).await.expect("sqlite store");
        let spool = app::open_spool(&config).await.expect("spool");
        for chunk in data.chunks(1000) {
            assert!(spool.publish(chunk).await.iter().all(Result::is_ok));
        }
        let rules = app::load_rules(&config).expect("rules");
        let source = app::source(&config).await.expect("spool source");
        let mut engine = Engine::new(source, store.clone(), rules, batch);
        let local = n as f64 / drain(&mut engine, &store, n).await.as_secs_f64();

        println!(
            "run {run}: raw consume {raw:>8.0}/s   kafka→postgres 1 engine {one:>7.0}/s \
             ({:.2} of raw)   3 engines {three:>7.0}/s ({:.2} of raw)   produce {produced:>7.0}/s   \
             spool→sqlite {local:>7.0}/s",
            one / raw,
            three / raw
        );
        for (list, value) in rates.iter_mut().zip([raw, one, three, produced, local]) {
            list.push(value);
        }
    }
    let [raw, one, three, produced, local] = rates.map(median);
    println!(
        "median of {runs} runs, {n} signals, 6 partitions, engine batch {batch}: \
         raw consume {raw:.0}/s; kafka→postgres 1 engine {one:.0}/s ({:.2} of raw), \
         3 engines {three:.0}/s ({:.2} of raw, {:.2} per engine); produce {produced:.0}/s; \
         spool→sqlite {local:.0}/s",
        one / raw,
        three / raw,
        three / raw / 3.0
    );
}
