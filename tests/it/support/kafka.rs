//! Reading what the broker holds: messages of a topic and a consumer group's committed
//! offsets against the topic's end.

use super::eventually_ok;
use knooppunt::config::Config;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::ClientConfig;
use std::time::{Duration, Instant};

/// A message read back from a topic: payload and headers as text.
#[derive(Debug)]
pub struct ReadBack {
    pub key: Option<String>,
    pub payload: String,
    pub headers: Vec<(String, String)>,
}

/// Reads `expected` messages from `topic` with a consumer of its own (fails after 30 s).
pub fn read_topic(brokers: &str, topic: &str, expected: usize) -> Vec<ReadBack> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set(
            "group.id",
            format!("reader-{}", uuid::Uuid::new_v4().simple()),
        )
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("reader consumer");
    consumer.subscribe(&[topic]).expect("subscribe reader");
    let mut out = Vec::new();
    let started = Instant::now();
    while out.len() < expected {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "read {} of {expected} messages from {topic} in 30 s",
            out.len()
        );
        if let Some(message) = consumer.poll(Duration::from_millis(200)) {
            let message = message.expect("read message");
            let headers = message
                .headers()
                .map(|h| {
                    h.iter()
                        .map(|header| {
                            (
                                header.key.to_string(),
                                String::from_utf8_lossy(header.value.unwrap_or_default())
                                    .into_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(ReadBack {
                key: message
                    .key()
                    .map(|k| String::from_utf8_lossy(k).into_owned()),
                payload: String::from_utf8_lossy(message.payload().unwrap_or_default())
                    .into_owned(),
                headers,
            });
        }
    }
    out
}

/// Per partition of `topic`: the offsets `group` has committed (absent: none yet) and the end
/// of the partition (its high watermark), as the broker has them now.
pub async fn group_progress(
    brokers: &str,
    group: &str,
    topic: &str,
) -> (
    std::collections::BTreeMap<i32, i64>,
    std::collections::BTreeMap<i32, i64>,
) {
    let (brokers, group, topic) = (brokers.to_string(), group.to_string(), topic.to_string());
    tokio::task::spawn_blocking(move || {
        // Not subscribed: it asks the group coordinator without joining the group.
        let client: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .set("group.id", &group)
            .set("enable.auto.commit", "false")
            .create()
            .expect("offset reader");
        let timeout = Duration::from_secs(10);
        let metadata = client
            .fetch_metadata(Some(&topic), timeout)
            .expect("topic metadata");
        let partitions: Vec<i32> = metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect();
        let mut list = rdkafka::TopicPartitionList::new();
        let mut ends = std::collections::BTreeMap::new();
        for &partition in &partitions {
            list.add_partition(&topic, partition);
            let (_, high) = client
                .fetch_watermarks(&topic, partition, timeout)
                .expect("watermarks");
            ends.insert(partition, high);
        }
        let committed = client
            .committed_offsets(list, timeout)
            .expect("committed offsets")
            .elements()
            .iter()
            .filter_map(|e| match e.offset() {
                rdkafka::Offset::Offset(o) => Some((e.partition(), o)),
                _ => None,
            })
            .collect();
        (committed, ends)
    })
    .await
    .expect("offset reader task")
}

/// Waits until `group` has committed every message of `topic`, i.e. the engine has handled
/// all there is (fails after `limit`).
pub async fn wait_committed_to_end(brokers: &str, group: &str, topic: &str, limit: Duration) {
    let what = format!("group {group} to commit to the end of {topic}");
    eventually_ok(&what, limit, async || {
        let (committed, ends) = group_progress(brokers, group, topic).await;
        let done = ends
            .iter()
            .all(|(p, end)| *end == 0 || committed.get(p) == Some(end));
        if done {
            Ok(())
        } else {
            Err(format!("committed {committed:?}, ends {ends:?}"))
        }
    })
    .await
}

/// Waits until the engine's consumer group of `config` has committed the end of the signals
/// topic: it has handled every message there is (fails after `limit`).
pub async fn wait_engine_caught_up(config: &Config, limit: Duration) {
    let kafka = &config.kafka;
    wait_committed_to_end(&kafka.brokers, &kafka.group_id, &kafka.signals_topic, limit).await
}

/// [`group_progress`] of the engine's consumer group on the signals topic of `config`.
pub async fn engine_progress(
    config: &Config,
) -> (
    std::collections::BTreeMap<i32, i64>,
    std::collections::BTreeMap<i32, i64>,
) {
    let kafka = &config.kafka;
    group_progress(&kafka.brokers, &kafka.group_id, &kafka.signals_topic).await
}

/// Waits until `store` holds `count` signals and the engine's group has committed the end of
/// the signals topic: every message handled, replays included (each wait fails after `limit`).
pub async fn wait_all_handled(
    store: &knooppunt_store::Store,
    config: &Config,
    count: i64,
    limit: Duration,
    what: &str,
) {
    super::wait_stored(store, count, limit, what).await;
    wait_engine_caught_up(config, limit).await;
}
