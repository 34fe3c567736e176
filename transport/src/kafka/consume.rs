//! The consuming half of Kafka: the rules engine as a member of its consumer group, with the
//! dead-letter topic for messages it cannot decode.

use crate::kafka::context::{ConnectionState, EngineContext, ProducerContext};
use crate::kafka::settings::KafkaSettings;
use crate::source::{AckToken, Delivery, Source};
use anyhow::Context;
use async_trait::async_trait;
use rdkafka::consumer::{CommitMode, Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use rdkafka::{Offset, TopicPartitionList};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A member of the rules engine's consumer group.
///
/// `enable.auto.offset.store=false`: an offset is stored only by [`Source::ack`], which the
/// engine calls after the database transaction commits, and committed with it (auto-commit
/// every second as a fallback); stored offsets are committed synchronously before partitions
/// are revoked and when the engine stops. A crash replays at most the batches whose commit had
/// not landed, which the store skips.
pub struct KafkaSource {
    consumer: StreamConsumer<EngineContext>,
    dead_letters: FutureProducer<ProducerContext>,
    dead_letter_topic: String,
    timeout: Duration,
    connection: Arc<ConnectionState>,
    lag: Arc<AtomicI64>,
}

impl KafkaSource {
    pub fn new(settings: &KafkaSettings) -> anyhow::Result<Self> {
        let context = EngineContext::new(&settings.signals_topic);
        // One connection state for the member and its dead-letter producer: one outage, one
        // pair of log lines.
        let dead_letters = ProducerContext {
            client: "engine",
            connection: context.connection.clone(),
        };
        let (connection, lag) = (context.connection.clone(), context.lag.clone());
        let consumer: StreamConsumer<EngineContext> = settings
            .consumer_config()
            .create_with_context(context)
            .context("Kafka-consumer aanmaken")?;
        consumer
            .subscribe(&[&settings.signals_topic])
            .context("abonneren op het signalentopic")?;
        Ok(Self {
            consumer,
            dead_letters: settings.producer(dead_letters)?,
            dead_letter_topic: settings.dead_letter_topic.clone(),
            timeout: settings.delivery_timeout(),
            connection,
            lag,
        })
    }
}

impl KafkaSource {
    /// Errors librdkafka reported to this member (consumer and dead-letter producer).
    pub fn errors(&self) -> u64 {
        self.connection.errors()
    }
}

/// One offset per partition: the highest acknowledged message + 1 (the next one to read).
///
/// `TopicPartitionList::add_partition_offset` appends an entry per call, so calling it per
/// message would leave entries without an offset that reset librdkafka's stored offset.
pub fn offsets_to_store(deliveries: &[Delivery]) -> BTreeMap<(String, i32), i64> {
    let mut next: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for delivery in deliveries {
        if let AckToken::Kafka {
            topic,
            partition,
            offset,
        } = &delivery.token
        {
            let entry = next
                .entry((topic.clone(), *partition))
                .or_insert(offset + 1);
            *entry = (*entry).max(offset + 1);
        }
    }
    next
}

#[async_trait]
impl Source for KafkaSource {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>> {
        let mut batch = Vec::new();
        let mut until = Instant::now() + wait;
        while batch.len() < max {
            let left = until.saturating_duration_since(Instant::now());
            let message = match tokio::time::timeout(left, self.consumer.recv()).await {
                Err(_elapsed) => break,
                Ok(Ok(message)) => message,
                Ok(Err(KafkaError::MessageConsumptionFatal(code))) => {
                    // The consumer cannot go on; what was gathered is not stored or
                    // acknowledged, so it is read again by whoever takes over.
                    anyhow::bail!("Kafka-consumer onherstelbaar gestopt: {code}");
                }
                Ok(Err(error)) => {
                    // Not fatal (a broker down, a connection reset): librdkafka retries by
                    // itself. `error` on the context already counted it; keep what was
                    // gathered and hand it over, so later offsets are never stored past it.
                    tracing::debug!(error = %error, gathered = batch.len(), "Kafka consumer error");
                    if !batch.is_empty() {
                        break;
                    }
                    continue;
                }
            };
            self.connection.succeeded("engine");
            batch.push(Delivery {
                payload: message.payload().map(<[u8]>::to_vec),
                token: AckToken::Kafka {
                    topic: message.topic().to_string(),
                    partition: message.partition(),
                    offset: message.offset(),
                },
            });
            // Once something arrived, only gather what is already there.
            until = Instant::now() + Duration::from_millis(5);
        }
        Ok(batch)
    }

    async fn dead_letter(&mut self, delivery: &Delivery, reason: &str) -> anyhow::Result<()> {
        let AckToken::Kafka {
            topic,
            partition,
            offset,
        } = &delivery.token
        else {
            return Ok(());
        };
        let (partition, offset) = (partition.to_string(), offset.to_string());
        // The original payload stays in the source topic (referenced by partition and offset)
        // and is not copied: it failed to decode, so nothing vouches that it was scrubbed.
        let body = serde_json::json!({
            "topic": topic, "partition": delivery_partition(&delivery.token),
            "offset": delivery_offset(&delivery.token), "reason": reason,
        })
        .to_string();
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "reason",
                value: Some(reason),
            })
            .insert(Header {
                key: "source.topic",
                value: Some(topic.as_str()),
            })
            .insert(Header {
                key: "source.partition",
                value: Some(partition.as_str()),
            })
            .insert(Header {
                key: "source.offset",
                value: Some(offset.as_str()),
            });
        let record: FutureRecord<'_, str, String> = FutureRecord::to(&self.dead_letter_topic)
            .payload(&body)
            .headers(headers);
        self.dead_letters
            .send(record, Timeout::After(self.timeout))
            .await
            .map(|_| self.connection.succeeded("engine"))
            .map_err(|(e, _)| anyhow::anyhow!("naar dead-letter-topic schrijven mislukt: {e}"))
    }

    async fn ack(&mut self, deliveries: &[Delivery]) -> anyhow::Result<()> {
        let mut list = TopicPartitionList::new();
        for ((topic, partition), next) in offsets_to_store(deliveries) {
            list.add_partition_offset(&topic, partition, Offset::Offset(next))
                .context("offset toevoegen")?;
        }
        if list.count() > 0 {
            // A partition revoked meanwhile refuses its offset; its new owner reads the
            // batch again and the store skips it.
            self.consumer
                .store_offsets(&list)
                .context("offsets opslaan")?;
            // Committed per batch and synchronously (one round trip to the group coordinator
            // per batch): after a crash the group re-reads at most the batch that was in
            // flight. The call blocks, so on a multi-threaded runtime it leaves this worker
            // to the other tasks meanwhile. Auto-commit stays on as the fallback for a commit
            // that failed.
            let consumer = &self.consumer;
            let commit = || consumer.commit(&list, CommitMode::Sync);
            let committed = match tokio::runtime::Handle::current().runtime_flavor() {
                tokio::runtime::RuntimeFlavor::CurrentThread => commit(),
                _ => tokio::task::block_in_place(commit),
            };
            if let Err(error) = committed {
                // Stored offsets are committed by auto-commit later; the store skips what a
                // crash before then would deliver again.
                tracing::warn!(error = %error, "Committing offsets failed; auto-commit retries");
            }
        }
        Ok(())
    }

    fn lag(&self) -> Option<i64> {
        let lag = self.lag.load(Ordering::Relaxed);
        (lag >= 0).then_some(lag)
    }

    async fn close(&mut self) -> anyhow::Result<()> {
        match self.consumer.commit_consumer_state(CommitMode::Sync) {
            Ok(()) => {}
            Err(KafkaError::ConsumerCommit(rdkafka::types::RDKafkaErrorCode::NoOffset)) => {}
            Err(error) => return Err(error).context("offsets vastleggen bij het stoppen"),
        }
        self.consumer.unsubscribe();
        Ok(())
    }
}

fn delivery_partition(token: &AckToken) -> i32 {
    match token {
        AckToken::Kafka { partition, .. } => *partition,
        AckToken::Spool { .. } => 0,
    }
}

fn delivery_offset(token: &AckToken) -> i64 {
    match token {
        AckToken::Kafka { offset, .. } => *offset,
        AckToken::Spool { seq } => *seq,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kafka(partition: i32, offset: i64) -> Delivery {
        Delivery {
            payload: None,
            token: AckToken::Kafka {
                topic: "signals".into(),
                partition,
                offset,
            },
        }
    }

    #[test]
    fn one_offset_per_partition_the_highest_plus_one() {
        let batch = [
            kafka(0, 7),
            kafka(1, 3),
            kafka(0, 9),
            kafka(0, 8),
            kafka(1, 2),
        ];
        let offsets = offsets_to_store(&batch);
        assert_eq!(offsets.len(), 2);
        assert_eq!(offsets[&("signals".to_string(), 0)], 10);
        assert_eq!(offsets[&("signals".to_string(), 1)], 4);
        assert!(offsets_to_store(&[]).is_empty());
    }
}
