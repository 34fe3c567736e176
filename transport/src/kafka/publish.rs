//! The publishing half of Kafka: intake's producer for the signals topic, and the keyed send
//! the cluster events relay uses.

use crate::kafka::context::{ConnectionState, ProducerContext};
use crate::kafka::settings::{KafkaSettings, EVENT_DELIVERY_TIMEOUT};
use crate::publisher::{PublishError, Publisher};
use async_trait::async_trait;
use knooppunt_domain::envelope::Envelope;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use std::sync::Arc;
use std::time::Duration;

/// A producer with Knooppunt's context (see [`KafkaSettings::producer`]).
pub type KafkaProducer = FutureProducer<ProducerContext>;

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
            timeout: settings.delivery_timeout(),
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

/// Sends one cluster event (its JSON) to `topic`, keyed by its cluster so a cluster's events
/// stay in order; returns once the brokers acknowledged it.
pub async fn send_event(
    producer: &KafkaProducer,
    topic: &str,
    key: &str,
    payload: &str,
) -> anyhow::Result<()> {
    let record = FutureRecord::to(topic).key(key).payload(payload);
    producer
        .send(record, EVENT_DELIVERY_TIMEOUT)
        .await
        .map(|_| ())
        .map_err(|(error, _)| anyhow::anyhow!("gebeurtenis niet afgeleverd: {error}"))
}
