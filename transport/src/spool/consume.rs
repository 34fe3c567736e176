//! The consuming half of the spool: the rules engine reads the oldest rows, acknowledges them
//! by deleting them, and moves undecodable ones aside.

use crate::source::{AckToken, Delivery, Source};
use crate::spool::queue::Spool;
use anyhow::Context;
use async_trait::async_trait;
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
            tokio::time::sleep(wait.min(self.spool.poll_interval())).await;
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
