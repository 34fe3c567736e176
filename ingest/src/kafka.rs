//! Kafka: the signals topic, its dead-letter topic, and the producer intake writes with.

use crate::envelope::Envelope;
use crate::transport::{PublishError, Publisher};
use anyhow::Context;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
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
    pub fn producer(&self) -> anyhow::Result<FutureProducer> {
        self.client_config()
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("message.timeout.ms", self.delivery_timeout_ms.to_string())
            .set("linger.ms", "5")
            .create()
            .context("Kafka-producer aanmaken")
    }

    /// Creates the signals and dead-letter topics if they do not exist yet.
    pub async fn ensure_topics(&self) -> anyhow::Result<()> {
        let admin: AdminClient<DefaultClientContext> = self
            .client_config()
            .create()
            .context("Kafka-beheerclient aanmaken")?;
        let replication = || TopicReplication::Fixed(self.replication_factor);
        let topics = [
            NewTopic::new(&self.signals_topic, self.partitions, replication()),
            NewTopic::new(&self.dead_letter_topic, 1, replication()),
        ];
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
    producer: FutureProducer,
    topic: String,
    timeout: Duration,
}

impl KafkaPublisher {
    pub fn new(settings: &KafkaSettings) -> anyhow::Result<Self> {
        Ok(Self {
            producer: settings.producer()?,
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
        futures::future::join_all(sends).await
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
