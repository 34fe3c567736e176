//! Kafka: the signals topic, its dead-letter topic, and the producer intake writes with.

use crate::envelope::Envelope;
use crate::transport::{PublishError, Publisher};
use anyhow::Context;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{ClientContext, DefaultClientContext};
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use rdkafka::ClientConfig;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Whether the brokers answer a client, from librdkafka's error reports: a run of errors is
/// logged once when it starts and once when it ends, with its count, not once per callback.
#[derive(Debug, Default)]
pub struct ConnectionState {
    outage: Mutex<Option<(Instant, u64)>>,
    errors: std::sync::atomic::AtomicU64,
}

impl ConnectionState {
    /// Records an error; logs only the first of a run (a change of state).
    pub fn failed(&self, client: &str, error: &dyn std::fmt::Display) {
        self.errors
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Ok(mut outage) = self.outage.lock() else {
            return;
        };
        match outage.as_mut() {
            Some((_, errors)) => *errors += 1,
            None => {
                *outage = Some((Instant::now(), 1));
                tracing::warn!(client, error = %error, "Kafka not reachable; retrying (further errors counted, not logged)");
            }
        }
    }

    /// Errors reported since the client started.
    pub fn errors(&self) -> u64 {
        self.errors.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records that the brokers answered; logs the end of an outage once, with its count.
    pub fn succeeded(&self, client: &str) {
        let Ok(mut outage) = self.outage.lock() else {
            return;
        };
        if let Some((since, errors)) = outage.take() {
            tracing::info!(
                client,
                errors,
                outage_ms = since.elapsed().as_millis() as u64,
                "Kafka reachable again"
            );
        }
    }
}

/// librdkafka's own log, at debug level: it repeats connection failures per broker and per
/// retry; [`ConnectionState`] logs the change of state once.
pub fn log_librdkafka(level: RDKafkaLogLevel, facility: &str, message: &str) {
    match level {
        RDKafkaLogLevel::Emerg | RDKafkaLogLevel::Alert | RDKafkaLogLevel::Critical => {
            tracing::error!(facility, "librdkafka: {message}")
        }
        _ => tracing::debug!(facility, "librdkafka: {message}"),
    }
}

/// The context of Knooppunt's producers: librdkafka's log at debug level, its errors counted
/// in a [`ConnectionState`].
#[derive(Clone)]
pub struct ProducerContext {
    pub client: &'static str,
    pub connection: Arc<ConnectionState>,
}

impl ProducerContext {
    pub fn new(client: &'static str) -> Self {
        Self {
            client,
            connection: Arc::new(ConnectionState::default()),
        }
    }
}

impl ClientContext for ProducerContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        log_librdkafka(level, fac, log_message);
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.connection
            .failed(self.client, &format_args!("{error} ({reason})"));
    }
}

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

    /// Creates the signals and dead-letter topics if they do not exist yet.
    pub async fn ensure_topics(&self) -> anyhow::Result<()> {
        let admin: AdminClient<DefaultClientContext> = self
            .client_config()
            .create()
            .context("Kafka-beheerclient aanmaken")?;
        let specs = self.topic_specs();
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
        let results = admin
            .create_topics(&topics, &options)
            .await
            .context("Kafka-topics aanmaken")?;
        for result in results {
            match result {
                Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((topic, code)) => anyhow::bail!("topic {topic} aanmaken mislukt: {code}"),
            }
        }
        Ok(())
    }
}

/// Intake's side of Kafka.
#[derive(Clone)]
pub struct KafkaPublisher {
    producer: FutureProducer<ProducerContext>,
    connection: Arc<ConnectionState>,
    topic: String,
    timeout: Duration,
}

impl KafkaPublisher {
    pub fn new(settings: &KafkaSettings) -> anyhow::Result<Self> {
        let context = ProducerContext::new("intake");
        Ok(Self {
            connection: context.connection.clone(),
            producer: settings.producer(context)?,
            topic: settings.signals_topic.clone(),
            timeout: Duration::from_millis(settings.delivery_timeout_ms),
        })
    }
}

#[async_trait]
impl Publisher for KafkaPublisher {
    async fn publish(&self, batch: &[Envelope]) -> Vec<Result<(), PublishError>> {
        let sends = batch.iter().map(|envelope| {
            let key = envelope.key();
            let payload = envelope.to_json();
            let traceparent = envelope.traceparent.clone();
            let producer = &self.producer;
            let topic = &self.topic;
            async move {
                let mut record = FutureRecord::to(topic).key(&key).payload(&payload);
                // W3C Trace Context as a message header too, for consumers that read headers.
                if let Some(traceparent) = &traceparent {
                    record = record.headers(rdkafka::message::OwnedHeaders::new().insert(
                        rdkafka::message::Header {
                            key: "traceparent",
                            value: Some(traceparent.as_str()),
                        },
                    ));
                }
                producer
                    .send(record, Timeout::After(self.timeout))
                    .await
                    .map(|_| ())
                    .map_err(|(error, _message)| {
                        PublishError::Unavailable(format!("kafka: {error}"))
                    })
            }
        });
        let results = futures::future::join_all(sends).await;
        if results.iter().any(Result::is_ok) {
            self.connection.succeeded("intake");
        }
        results
    }

    async fn check(&self) -> Result<(), String> {
        let producer = self.producer.clone();
        let topic = self.topic.clone();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&topic), Duration::from_secs(3))
                .map_err(|e| format!("kafka: {e}"))
                .and_then(|metadata| match metadata.topics().first() {
                    Some(t) if t.error().is_none() && !t.partitions().is_empty() => Ok(()),
                    _ => Err(format!("kafka: topic {topic} bestaat niet")),
                })
        })
        .await
        .map_err(|e| format!("kafka: {e}"))?
    }

    fn name(&self) -> &'static str {
        "kafka"
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

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
        assert_eq!(
            config(&signals, "min.insync.replicas").as_deref(),
            Some("2")
        );
        assert_eq!(
            config(&dead_letter, "min.insync.replicas").as_deref(),
            Some("2")
        );
        assert_eq!(
            config(&signals, "retention.ms").as_deref(),
            Some("86400000")
        );
        assert_eq!(
            config(&dead_letter, "retention.ms").as_deref(),
            Some("172800000")
        );
    }
}
