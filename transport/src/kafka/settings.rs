//! The Kafka adapter's settings (`[kafka]`) and everything derived from them: the client
//! configuration of the producers and the consumer group, and the topics `knooppunt migrate`
//! creates (signals, dead letters, cluster events).

use crate::kafka::context::ProducerContext;
use anyhow::Context;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::FutureProducer;
use rdkafka::ClientConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The `[kafka]` section: used when `transport.kind = "kafka"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    /// Bootstrap servers, comma separated (`host:port,host:port`).
    pub brokers: String,
    /// Topic intake produces signals to and the rules engine consumes.
    pub signals_topic: String,
    /// Topic for messages the rules engine cannot decode: headers say why, no payload.
    pub dead_letter_topic: String,
    /// Consumer group of the rules engine; instances with the same group share partitions.
    pub group_id: String,
    /// Partitions for the signals topic when `knooppunt migrate` creates it.
    pub partitions: i32,
    /// Replication factor when `knooppunt migrate` creates topics (3 in production).
    pub replication_factor: i32,
    /// `min.insync.replicas` of both topics: how many replicas must have a signal before intake
    /// (`acks=all`) reports it accepted (2 in production, so one broker may be down).
    pub min_insync_replicas: i32,
    /// `retention.ms` of the signals topic: how long signals stay replayable in Kafka.
    pub retention_ms: i64,
    /// `retention.ms` of the dead-letter topic (headers only, kept longer for inspection).
    pub dead_letter_retention_ms: i64,
    /// How long intake waits for the brokers to acknowledge a signal before it answers
    /// "try again", in milliseconds.
    pub delivery_timeout_ms: u64,
    /// Extra librdkafka properties (for example `security.protocol`, `sasl.mechanism`).
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

impl Default for KafkaSettings {
    fn default() -> Self {
        Self {
            brokers: "127.0.0.1:9092".into(),
            signals_topic: "knooppunt.signals.v1".into(),
            dead_letter_topic: "knooppunt.signals.dlq".into(),
            group_id: "knooppunt-rules".into(),
            partitions: 6,
            replication_factor: 1,
            min_insync_replicas: 1,
            retention_ms: 7 * DAY_MS,
            dead_letter_retention_ms: 30 * DAY_MS,
            delivery_timeout_ms: 30_000,
            options: BTreeMap::new(),
        }
    }
}

impl KafkaSettings {
    /// Client configuration shared by producers, consumers and the admin client.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", &self.brokers);
        for (key, value) in &self.options {
            config.set(key, value);
        }
        config
    }

    /// A producer that never duplicates or reorders within a partition, and only reports
    /// success once every in-sync replica has the message.
    pub fn producer(
        &self,
        context: ProducerContext,
    ) -> anyhow::Result<FutureProducer<ProducerContext>> {
        self.client_config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("message.timeout.ms", self.delivery_timeout_ms.to_string())
            .set("linger.ms", "5")
            .create_with_context(context)
            .context("Kafka-producer aanmaken")
    }

    /// A member of the rules engine's consumer group.
    ///
    /// `enable.auto.offset.store=false`: an offset is stored only when the engine acknowledges
    /// a stored batch, and committed with it (auto-commit every second as a fallback).
    pub fn consumer_config(&self) -> ClientConfig {
        let mut config = self.client_config();
        config
            .set("group.id", &self.group_id)
            .set("enable.auto.offset.store", "false")
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false")
            // A member that is gone (or lost its session in a broker outage) hands its
            // partitions over after 6 s, the broker's shortest session by default.
            .set("session.timeout.ms", "6000")
            .set("heartbeat.interval.ms", "2000")
            .set("statistics.interval.ms", "5000");
        config
    }

    /// How long a producer waits for the brokers to acknowledge a message.
    pub fn delivery_timeout(&self) -> Duration {
        Duration::from_millis(self.delivery_timeout_ms)
    }

    /// The signals and dead-letter topics as `knooppunt migrate` creates them.
    pub fn topic_specs(&self) -> [TopicSpec; 2] {
        let spec = |name: &str, partitions: i32, retention_ms: i64| TopicSpec {
            name: name.to_string(),
            partitions,
            replication_factor: self.replication_factor,
            configs: vec![
                ("min.insync.replicas", self.min_insync_replicas.to_string()),
                ("retention.ms", retention_ms.to_string()),
                ("cleanup.policy", "delete".to_string()),
            ],
        };
        [
            spec(&self.signals_topic, self.partitions, self.retention_ms),
            spec(&self.dead_letter_topic, 1, self.dead_letter_retention_ms),
        ]
    }

    /// The cluster events topic (`[events] topic`): partitions and replication as the signals
    /// topic, the broker's defaults otherwise.
    pub fn events_topic_spec(&self, topic: &str) -> TopicSpec {
        TopicSpec {
            name: topic.to_string(),
            partitions: self.partitions,
            replication_factor: self.replication_factor,
            configs: Vec::new(),
        }
    }

    /// Creates the signals and dead-letter topics if they do not exist yet.
    pub async fn ensure_topics(&self) -> anyhow::Result<()> {
        self.create_topics(&self.topic_specs(), "Kafka-topics aanmaken")
            .await
    }

    /// Creates the cluster events topic if it does not exist yet.
    pub async fn ensure_events_topic(&self, topic: &str) -> anyhow::Result<()> {
        self.create_topics(
            &[self.events_topic_spec(topic)],
            "Kafka-topic voor gebeurtenissen aanmaken",
        )
        .await
    }

    /// Creates topics; one that exists already is left as it is.
    async fn create_topics(&self, specs: &[TopicSpec], what: &'static str) -> anyhow::Result<()> {
        let admin: AdminClient<DefaultClientContext> = self
            .client_config()
            .create()
            .context("Kafka-beheerclient aanmaken")?;
        let topics: Vec<NewTopic<'_>> = specs
            .iter()
            .map(|spec| {
                let replication = TopicReplication::Fixed(spec.replication_factor);
                spec.configs.iter().fold(
                    NewTopic::new(&spec.name, spec.partitions, replication),
                    |topic, (key, value)| topic.set(key, value),
                )
            })
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        let results = admin.create_topics(&topics, &options).await.context(what)?;
        for result in results {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => anyhow::bail!("topic {topic} aanmaken mislukt: {code}"),
            }
        }
        Ok(())
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How long the cluster events relay waits for the brokers to acknowledge one event (not
/// configurable: the relay retries a failed batch every second).
pub const EVENT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);

/// One topic `knooppunt migrate` creates: name, partitions, replication and topic configs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication_factor: i32,
    pub configs: Vec<(&'static str, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_carry_replication_min_isr_and_retention_from_the_settings() {
        let settings = KafkaSettings {
            partitions: 12,
            replication_factor: 3,
            min_insync_replicas: 2,
            retention_ms: 86_400_000,
            dead_letter_retention_ms: 172_800_000,
            ..KafkaSettings::default()
        };
        let [signals, dead_letter] = settings.topic_specs();
        assert_eq!(signals.name, "knooppunt.signals.v1");
        assert_eq!((signals.partitions, signals.replication_factor), (12, 3));
        assert_eq!(
            (dead_letter.partitions, dead_letter.replication_factor),
            (1, 3)
        );
        let config = |spec: &TopicSpec, key: &str| {
            spec.configs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        for (spec, key, value) in [
            (&signals, "min.insync.replicas", "2"),
            (&dead_letter, "min.insync.replicas", "2"),
            (&signals, "retention.ms", "86400000"),
            (&dead_letter, "retention.ms", "172800000"),
        ] {
            assert_eq!(
                config(spec, key).as_deref(),
                Some(value),
                "{} {key}",
                spec.name
            );
        }
    }

    #[test]
    fn the_events_topic_follows_the_signals_topic_partitions_and_replication() {
        let settings = KafkaSettings {
            partitions: 12,
            replication_factor: 3,
            ..KafkaSettings::default()
        };
        let events = settings.events_topic_spec("knooppunt.clusters.v1");
        assert_eq!(events.name, "knooppunt.clusters.v1");
        assert_eq!((events.partitions, events.replication_factor), (12, 3));
        assert!(events.configs.is_empty());
    }

    #[test]
    fn the_consumer_stores_offsets_only_when_the_engine_acknowledges() {
        let settings = KafkaSettings {
            group_id: "engines".into(),
            ..KafkaSettings::default()
        };
        let config = settings.consumer_config();
        assert_eq!(config.get("group.id"), Some("engines"));
        assert_eq!(config.get("bootstrap.servers"), Some("127.0.0.1:9092"));
        assert_eq!(config.get("enable.auto.offset.store"), Some("false"));
        assert_eq!(config.get("auto.offset.reset"), Some("earliest"));
    }
}
