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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spool::settings::SpoolSettings;

    #[tokio::test]
    async fn reads_in_order_dead_letters_and_acknowledges_by_token() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&SpoolSettings::new(dir.path().join("spool.db")))
            .await
            .unwrap();
        for payload in [&b"een"[..], b"twee", b"drie"] {
            spool.enqueue_raw("moerwijk", payload).await.unwrap();
        }
        let mut source = SpoolSource::new(spool.clone());
        let batch = source.next_batch(10, Duration::ZERO).await.unwrap();
        let payloads: Vec<&[u8]> = batch.iter().filter_map(|d| d.payload.as_deref()).collect();
        assert_eq!(payloads, [&b"een"[..], b"twee", b"drie"]);
        assert!(batch
            .iter()
            .all(|d| matches!(d.token, AckToken::Spool { .. })));

        source
            .dead_letter(&batch[1], "geen geldige JSON")
            .await
            .unwrap();
        source.ack(&batch[..1]).await.unwrap();
        assert_eq!(spool.pending().await.unwrap(), 1);
        let rest = source.next_batch(10, Duration::ZERO).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].token, batch[2].token);
        source.ack(&rest).await.unwrap();
        assert_eq!(spool.pending().await.unwrap(), 0);
        let AckToken::Spool { seq } = batch[1].token else {
            panic!("a spool delivery carries a spool token");
        };
        assert_eq!(
            spool.dead_letters().await.unwrap(),
            vec![(seq, "geen geldige JSON".to_string())]
        );
    }
}
