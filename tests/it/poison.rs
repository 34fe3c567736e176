//! Poison messages: dead-lettered with a reason and no personal data, never blocking what
//! comes after them.

use crate::support::*;
use knooppunt::app;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use std::time::Duration;

fn valid(id: &str) -> String {
    format!(
        r#"{{"v":1,"signal":{{"id":"{id}","observed_on":"2026-09-01","source":"corp","area":"Laak","text":"Portiek onveilig, corporatie reageert al 6 weken niet."}}}}"#
    )
}

const GARBAGE: &str = "Jan Jansen, 0612345678 {{{ geen json";
const WITH_NAME: &str = r#"{"v":1,"signal":{"observed_on":"2026-09-01","source":"corp","area":"Laak","text":"x","naam":"Jan Jansen"}}"#;

#[tokio::test]
async fn kafka_poison_goes_to_the_dead_letter_topic_and_the_rest_is_processed() {
    let KafkaStack { config, store, .. } = kafka_stack().await;

    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &config.kafka.brokers)
        .create()
        .unwrap();
    // One key, so all five land on one partition, in this order.
    for payload in [
        valid("p1"),
        GARBAGE.to_string(),
        valid("p2"),
        WITH_NAME.to_string(),
        valid("p3"),
    ] {
        producer
            .send(
                FutureRecord::to(&config.kafka.signals_topic)
                    .key("laak")
                    .payload(&payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
    }

    let mut running = InProcess::start(&config, &store).await;
    running.start_engine(&config, &store);
    wait_stored(
        &store,
        3,
        Duration::from_secs(60),
        "the three valid signals to be stored",
    )
    .await;
    let dead = read_topic(&config.kafka.brokers, &config.kafka.dead_letter_topic, 2);
    running.stop().await;

    assert_eq!(store.signal_count().await.unwrap(), 3);
    let reasons: Vec<&str> = dead
        .iter()
        .map(|m| {
            m.headers
                .iter()
                .find(|(k, _)| k == "reason")
                .map(|(_, v)| v.as_str())
                .unwrap()
        })
        .collect();
    assert!(reasons[0].contains("geen geldige JSON"), "{reasons:?}");
    assert!(reasons[1].contains("naam"), "{reasons:?}");
    for message in &dead {
        let all = format!("{message:?}");
        assert!(!all.contains("Jan") && !all.contains("0612345678"), "{all}");
        assert!(message
            .headers
            .iter()
            .any(|(k, v)| k == "source.offset" && !v.is_empty()));
    }
}

#[tokio::test]
async fn spool_poison_is_set_aside_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let config = embedded_config(dir.path());
    let store = app::open_store(&config).await.unwrap();
    let spool = app::open_spool(&config).await.unwrap();
    for payload in [valid("p1"), GARBAGE.to_string(), valid("p2")] {
        spool.enqueue_raw("laak", payload.as_bytes()).await.unwrap();
    }
    let rules = app::load_rules(&config).unwrap();
    let source = app::source(&config).await.unwrap();
    let mut engine = knooppunt_rules::engine::Engine::new(source, store.clone(), rules, 10);
    let outcome = engine.step(Duration::from_millis(100)).await.unwrap();
    assert_eq!(
        (outcome.received, outcome.stored, outcome.dead_lettered),
        (3, 2, 1)
    );
    assert_eq!(spool.pending().await.unwrap(), 0);
    let dead = spool.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].1.contains("geen geldige JSON") && !dead[0].1.contains("Jan"));
}
