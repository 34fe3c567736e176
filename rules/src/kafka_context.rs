//! What the rules engine's Kafka consumer reports about itself: partition assignments (logged,
//! offsets committed before a revocation), consumer lag per partition (a gauge), and the
//! state of its connection to the brokers (one log line per change, with a count, instead of
//! one per librdkafka callback).

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::statistics::Statistics;
use rdkafka::TopicPartitionList;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use knooppunt_ingest::kafka::ConnectionState;

/// The consumer's context: rebalances, statistics, errors and librdkafka's own log.
pub struct EngineContext {
    pub topic: String,
    pub connection: Arc<ConnectionState>,
    /// The summed lag of this member's assigned partitions, from the last statistics; -1 while
    /// unknown.
    pub lag: Arc<AtomicI64>,
}

impl EngineContext {
    pub fn new(topic: &str) -> Self {
        Self {
            topic: topic.to_string(),
            connection: Arc::new(ConnectionState::default()),
            lag: Arc::new(AtomicI64::new(-1)),
        }
    }
}

fn partitions(list: &TopicPartitionList) -> String {
    let mut ids: Vec<i32> = list.elements().iter().map(|e| e.partition()).collect();
    ids.sort_unstable();
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

impl ClientContext for EngineContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        knooppunt_ingest::kafka::log_librdkafka(level, fac, log_message);
    }

    fn stats(&self, statistics: Statistics) {
        let Some(topic) = statistics.topics.get(&self.topic) else {
            return;
        };
        let mut total = 0;
        let mut known = false;
        for partition in topic.partitions.values() {
            // -1 is librdkafka's internal "unassigned" partition; only partitions this member
            // fetches have a lag of its own.
            if partition.partition < 0 || partition.fetch_state != "active" {
                continue;
            }
            let lag = if partition.consumer_lag_stored >= 0 {
                partition.consumer_lag_stored
            } else {
                partition.consumer_lag
            };
            if lag < 0 {
                continue;
            }
            known = true;
            total += lag;
            metrics::gauge!("knooppunt_engine_consumer_lag", "partition" => partition.partition.to_string())
                .set(lag as f64);
        }
        if known {
            self.lag.store(total, Ordering::Relaxed);
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        self.connection
            .failed("engine", &format_args!("{error} ({reason})"));
    }
}

impl ConsumerContext for EngineContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Revoke(list) => {
                // Commit what was stored before the partitions go to another member, so it
                // re-reads at most the batch in flight.
                let committed = consumer.commit_consumer_state(CommitMode::Sync);
                let committed = match committed {
                    Ok(()) => "yes".to_string(),
                    Err(KafkaError::ConsumerCommit(rdkafka::types::RDKafkaErrorCode::NoOffset)) => {
                        "nothing new".to_string()
                    }
                    Err(e) => format!("failed: {e}"),
                };
                tracing::info!(
                    topic = %self.topic,
                    partitions = %partitions(list),
                    committed = %committed,
                    "Partitions revoked"
                );
                for element in list.elements() {
                    metrics::gauge!("knooppunt_engine_consumer_lag", "partition" => element.partition().to_string())
                        .set(0.0);
                }
                self.lag.store(-1, Ordering::Relaxed);
            }
            Rebalance::Assign(list) => {
                tracing::info!(topic = %self.topic, partitions = %partitions(list), "Partitions assigned");
            }
            Rebalance::Error(error) => {
                tracing::warn!(error = %error, "Rebalance failed");
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => tracing::debug!(partitions = %partitions(offsets), "Offsets committed"),
            Err(KafkaError::ConsumerCommit(rdkafka::types::RDKafkaErrorCode::NoOffset)) => {}
            Err(error) => {
                tracing::debug!(error = %error, "Committing offsets failed; retried at the next commit")
            }
        }
    }
}
