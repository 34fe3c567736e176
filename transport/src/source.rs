//! The consuming half of the contract: the transport as the rules engine sees it — batches of
//! deliveries, each acknowledged (or dead-lettered) by its token once it is stored.

use async_trait::async_trait;
use std::time::Duration;

/// One message from the transport. `token` identifies it for acknowledgement.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub payload: Option<Vec<u8>>,
    pub token: AckToken,
}

/// Where a message came from, enough to acknowledge or dead-letter it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckToken {
    Kafka {
        topic: String,
        partition: i32,
        offset: i64,
    },
    Spool {
        seq: i64,
    },
}

/// The transport, as the engine sees it.
#[async_trait]
pub trait Source: Send {
    /// Up to `max` messages; waits at most `wait` for the first one.
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>>;
    /// Sets an undecodable message aside, durably, with a reason that holds no personal data.
    async fn dead_letter(&mut self, delivery: &Delivery, reason: &str) -> anyhow::Result<()>;
    /// Marks messages as done; called only after they are stored.
    async fn ack(&mut self, deliveries: &[Delivery]) -> anyhow::Result<()>;
    /// Messages waiting for this reader, when the transport knows (Kafka consumer lag).
    fn lag(&self) -> Option<i64> {
        None
    }
    /// Whether `next_batch` may be called again before the previous batch is acknowledged,
    /// and then returns only later messages (what is not acknowledged comes again after a
    /// restart). The engine then reads and sorts the next batch while it stores this one.
    fn reads_ahead(&self) -> bool {
        false
    }
    /// Makes the acknowledgements final before the engine stops (commits Kafka offsets).
    async fn close(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

#[async_trait]
impl<S: Source + ?Sized> Source for Box<S> {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>> {
        (**self).next_batch(max, wait).await
    }
    async fn dead_letter(&mut self, delivery: &Delivery, reason: &str) -> anyhow::Result<()> {
        (**self).dead_letter(delivery, reason).await
    }
    async fn ack(&mut self, deliveries: &[Delivery]) -> anyhow::Result<()> {
        (**self).ack(deliveries).await
    }
    fn lag(&self) -> Option<i64> {
        (**self).lag()
    }
    fn reads_ahead(&self) -> bool {
        (**self).reads_ahead()
    }
    async fn close(&mut self) -> anyhow::Result<()> {
        (**self).close().await
    }
}
