//! The publishing half of the spool: intake's batches go into the queue's group commit and are
//! answered once they are on disk.

use crate::publisher::{PublishError, Publisher};
use crate::spool::queue::Spool;
use async_trait::async_trait;
use knooppunt_domain::envelope::Envelope;

#[async_trait]
impl Publisher for Spool {
    async fn publish(&self, batch: &[Envelope]) -> Vec<Result<(), PublishError>> {
        // One transaction (shared with concurrent batches): either the whole batch is durable
        // or none of it is.
        let rows = batch
            .iter()
            .map(|envelope| (envelope.key(), envelope.to_json()))
            .collect();
        let outcome = self
            .enqueue(rows)
            .await
            .map_err(|e| PublishError::Unavailable(format!("spool: {e}")));
        vec![outcome; batch.len()]
    }

    async fn check(&self) -> Result<(), String> {
        self.ping().await.map_err(|e| format!("spool: {e}"))
    }

    fn name(&self) -> &'static str {
        "spool"
    }
}
