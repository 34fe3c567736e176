//! The engine's Kafka consumer under injected faults (rdkafka's `MockCluster`): fetch errors
//! that librdkafka reports to the consumer between messages never fail a batch or drop what it
//! gathered, and no offset is committed past a message that was not handed over.

use crate::support::group_progress;
use knooppunt_transport::kafka::{KafkaSettings, KafkaSource};
use knooppunt_transport::{AckToken, Source};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use rdkafka::ClientConfig;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_errors_mid_stream_drop_nothing_and_commit_nothing_unprocessed() {
    const N: i64 = 120;
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("signals", 2, 1).unwrap();
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", mock.bootstrap_servers())
        .create()
        .unwrap();
    for i in 0..N {
        let payload = format!("bericht {i}");
        let key = (i % 2).to_string();
        producer
            .send(
                FutureRecord::to("signals")
                    .key(&key)
                    .partition((i % 2) as i32)
                    .payload(&payload),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
    }

    let mut settings = KafkaSettings {
        brokers: mock.bootstrap_servers(),
        signals_topic: "signals".into(),
        dead_letter_topic: "dlq".into(),
        group_id: "rules".into(),
        ..KafkaSettings::default()
    };
    // Small fetches, so the error events of an outage queue up between messages.
    for (key, value) in [
        ("max.partition.fetch.bytes", "300"),
        ("message.max.bytes", "1000"),
        ("fetch.max.bytes", "1000"),
        ("queued.min.messages", "5"),
    ] {
        settings.options.insert(key.into(), value.into());
    }
    let mut source = KafkaSource::new(&settings)
        .map_err(|e| format!("{e:#}"))
        .unwrap();

    // Per partition the next offset not yet handed over; a batch may repeat offsets
    // (re-delivery) but never skip one.
    let mut next: BTreeMap<i32, i64> = BTreeMap::new();
    let started = Instant::now();
    let mut outages = 0;
    let mut last_outage_at = 0;
    while next.values().sum::<i64>() < N {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "handed over {next:?} of {N} within 90 s"
        );
        // A fault once the member consumes (joining the group is not what is tested here)
        // and has handed over 25 more messages since the last one.
        let handed: i64 = next.values().sum();
        let outage = handed >= last_outage_at + 25;
        if outage {
            last_outage_at = handed;
        }
        if outage {
            // The next fetches fail with an error librdkafka hands to the consumer.
            mock.request_errors(
                RDKafkaApiKey::Fetch,
                &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 2],
            );
            outages += 1;
        }
        // At most 10 a batch: an outage follows every 25 handed over, so the third comes
        // before 3 × 25 + 3 × 10 = 105 < N messages whatever the batches' sizes.
        let batch = source
            .next_batch(10, Duration::from_millis(300))
            .await
            .expect("a consumer error is not a failed batch");
        for delivery in &batch {
            let AckToken::Kafka {
                partition, offset, ..
            } = &delivery.token
            else {
                panic!("a Kafka token");
            };
            let expected = next.entry(*partition).or_insert(0);
            assert!(
                *offset <= *expected,
                "partition {partition}: offset {offset} handed over before {expected}"
            );
            if *offset == *expected {
                *expected += 1;
            }
        }
        if let Err(error) = source.ack(&batch).await {
            // A partition revoked in between refuses its offsets; they are read again.
            eprintln!("ack: {error:#}");
        }
        if !outage {
            let (committed, _) =
                group_progress(&mock.bootstrap_servers(), "rules", "signals").await;
            for (partition, offset) in &committed {
                let handed = next.get(partition).copied().unwrap_or(0);
                assert!(
                    *offset <= handed,
                    "partition {partition}: committed {offset} past {handed} handed over"
                );
            }
        }
    }
    assert!(outages >= 3, "fetch errors injected {outages} times");
    assert!(
        source.errors() >= 3,
        "the consumer saw {} errors",
        source.errors()
    );
    source.close().await.expect("final commit");
    let (committed, ends) = group_progress(&mock.bootstrap_servers(), "rules", "signals").await;
    assert_eq!(committed, ends, "everything handed over is committed");
    assert_eq!(committed, next);
}
