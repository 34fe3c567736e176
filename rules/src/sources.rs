//! The engine's two transports: the embedded spool and a Kafka consumer group.

use crate::engine::{AckToken, Delivery, Source};
use anyhow::Context;
use async_trait::async_trait;
use knooppunt_ingest::kafka::KafkaSettings;
use knooppunt_ingest::spool::Spool;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use rdkafka::{Offset, TopicPartitionList};
use std::time::Duration;

/// Reads the embedded spool.
pub struct SpoolSource {
    spool: Spool,
}

impl SpoolSource {
    pub fn new(spool: Spool) -> Self {
        Self { spool }
    }
}

#[async_trait]
impl Source for SpoolSource {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>> {
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let mut records = self.spool.fetch(limit).await.context("spool lezen")?;
        if records.is_empty() {
            tokio::time::sleep(wait.min(Duration::from_millis(50))).await;
            records = self.spool.fetch(limit).await.context("spool lezen")?;
        }
        Ok(records
            .into_iter()
            .map(|r| Delivery {
                payload: Some(r.payload),
                token: AckToken::Spool { seq: r.seq },
            })
            .collect())
    }

    async fn dead_letter(&mut self, delivery: &Delivery, reason: &str) -> anyhow::Result<()> {
        if let AckToken::Spool { seq } = delivery.token {
            self.spool
                .dead_letter(seq, reason)
                .await
                .context("bericht apart zetten in de spool")?;
        }
        Ok(())
    }

    async fn ack(&mut self, deliveries: &[Delivery]) -> anyhow::Result<()> {
        let seqs: Vec<i64> = deliveries
            .iter()
            .filter_map(|d| match d.token {
                AckToken::Spool { seq } => Some(seq),
                AckToken::Kafka { .. } => None,
            })
            .collect();
        self.spool.ack(&seqs).await.context("spool bevestigen")
    }
}

/// A member of the rules engine's consumer group.
///
/// `enable.auto.offset.store=false`: an offset is stored only by [`Source::ack`], which the
/// engine calls after the database transaction commits; auto-commit then commits stored
/// offsets only. A crash replays at most the uncommitted tail, which the store skips.
pub struct KafkaSource {
    consumer: StreamConsumer,
    dead_letters: FutureProducer,
    dead_letter_topic: String,
    timeout: Duration,
}

impl KafkaSource {
    pub fn new(settings: &KafkaSettings) -> anyhow::Result<Self> {
        let consumer: StreamConsumer = settings
            .client_config()
            .set("group.id", &settings.group_id)
            .set("enable.auto.offset.store", "false")
            .set("enable.auto.commit", "true")
            .set("auto.commit.interval.ms", "1000")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false")
            .set("session.timeout.ms", "10000")
            .create()
            .context("Kafka-consumer aanmaken")?;
        consumer
            .subscribe(&[&settings.signals_topic])
            .context("abonneren op het signalentopic")?;
        Ok(Self {
            consumer,
            dead_letters: settings.producer()?,
            dead_letter_topic: settings.dead_letter_topic.clone(),
            timeout: Duration::from_millis(settings.delivery_timeout_ms),
        })
    }
}

#[async_trait]
impl Source for KafkaSource {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>> {
        let mut batch = Vec::new();
        let mut deadline = wait;
        while batch.len() < max {
            let message = match tokio::time::timeout(deadline, self.consumer.recv()).await {
                Err(_elapsed) => break,
                Ok(message) => message.context("bericht van Kafka ontvangen")?,
            };
            batch.push(Delivery {
                payload: message.payload().map(<[u8]>::to_vec),
                token: AckToken::Kafka {
                    topic: message.topic().to_string(),
                    partition: message.partition(),
                    offset: message.offset(),
                },
            });
            // Once something arrived, only gather what is already there.
            deadline = Duration::from_millis(5);
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
            .map(|_| ())
            .map_err(|(e, _)| anyhow::anyhow!("naar dead-letter-topic schrijven mislukt: {e}"))
    }

    async fn ack(&mut self, deliveries: &[Delivery]) -> anyhow::Result<()> {
        let mut list = TopicPartitionList::new();
        for delivery in deliveries {
            if let AckToken::Kafka {
                topic,
                partition,
                offset,
            } = &delivery.token
            {
                // The stored offset is the *next* message to read.
                list.add_partition_offset(topic, *partition, Offset::Offset(offset + 1))
                    .context("offset toevoegen")?;
            }
        }
        if list.count() > 0 {
            self.consumer
                .store_offsets(&list)
                .context("offsets opslaan")?;
        }
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
