//! Throughput of the pipeline on real components, as a first figure:
//!
//! - **kafka → postgres**: signals already on the topic, consumed by the rules engine in a
//!   consumer group and stored in PostgreSQL (decode, re-scrub, classify, cluster, commit,
//!   store offsets);
//! - **produce**: intake's hand-over to Kafka (idempotent producer, `acks=all`);
//! - **spool → sqlite**: the same engine on the embedded defaults.
//!
//! Each run uses a fresh broker topic and a fresh database; the median of the runs is
//! reported. Needs PostgreSQL and tansu, like the tests (`tests/run.sh` sets both up):
//!
//! ```sh
//! cargo bench --bench pipeline -- --signals 20000 --runs 5
//! ```

mod common;
#[path = "../tests/it/support.rs"]
mod support;

use common::{arg, median, synthetic};

use knooppunt::app;
use knooppunt_ingest::envelope::Envelope;
use knooppunt_ingest::transport::Publisher;
use knooppunt_rules::engine::Engine;
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

async fn drain<S: knooppunt_rules::engine::Source>(
    engine: &mut Engine<S>,
    store: &knooppunt_rules::store::Store,
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
    let broker = Broker::start();
    let (mut produce, mut consume, mut embedded) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        // Kafka → PostgreSQL.
        let pg = fresh_pg_database().await;
        let mut config = kafka_config(&broker, &pg);
        config.engine.batch_size = batch;
        let store = app::open_store(&config).await.expect("store");
        store.migrate().await.expect("migrate");
        config.kafka.ensure_topics().await.expect("topics");
        let publisher = app::publisher(&config).await.expect("publisher");
        let started = Instant::now();
        for chunk in data.chunks(1000) {
            assert!(
                publisher.publish(chunk).await.iter().all(Result::is_ok),
                "produce failed"
            );
        }
        let produced = started.elapsed();
        let rules = app::load_rules(&config).expect("rules");
        let source = app::source(&config).await.expect("source");
        let mut engine = Engine::new(source, store.clone(), rules.clone(), batch);
        let consumed = drain(&mut engine, &store, n).await;

        // Spool → SQLite.
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = embedded_config(dir.path());
        config.engine.batch_size = batch;
        let store = app::open_store(&config).await.expect("sqlite store");
        let spool = app::open_spool(&config).await.expect("spool");
        for chunk in data.chunks(1000) {
            assert!(spool.publish(chunk).await.iter().all(Result::is_ok));
        }
        let source = app::source(&config).await.expect("spool source");
        let mut engine = Engine::new(source, store.clone(), rules, batch);
        let local = drain(&mut engine, &store, n).await;

        let rate = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "run {run}: produce {:>8.0}/s   kafka→postgres {:>8.0}/s   spool→sqlite {:>8.0}/s",
            rate(produced),
            rate(consumed),
            rate(local)
        );
        produce.push(rate(produced));
        consume.push(rate(consumed));
        embedded.push(rate(local));
    }
    println!(
        "median of {runs} runs, {n} signals, engine batch {batch}: produce {:.0} signals/s, \
         kafka→postgres {:.0} signals/s, spool→sqlite {:.0} signals/s",
        median(produce),
        median(consume),
        median(embedded)
    );
}
