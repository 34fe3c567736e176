//! What Knooppunt's Kafka clients report about themselves. Every client: the state of its
//! connection to the brokers (one log line per change, with a count, instead of one per
//! librdkafka callback) and librdkafka's own log at debug level. The rules engine's consumer
//! also: partition assignments (logged, offsets committed before a revocation) and consumer
//! lag per partition (a gauge).

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::statistics::Statistics;
use rdkafka::TopicPartitionList;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
        log_librdkafka(level, fac, log_message);
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
