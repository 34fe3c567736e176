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
    /// When reading ahead: the last sequence number handed out, which the next read starts
    /// after. `None` also when not reading ahead: every read starts at the oldest message.
    after: Option<i64>,
    reads_ahead: bool,
}

impl SpoolSource {
    /// Every read starts at the oldest message not yet acknowledged.
    pub fn new(spool: Spool) -> Self {
        Self {
            spool,
            after: None,
            reads_ahead: false,
        }
    }

    /// Each read continues after the last message handed out, acknowledged or not (as a
    /// Kafka consumer does), so the engine may read the next batch while it stores this one.
    /// What is not acknowledged stays in the spool and is read again by the next process.
    pub fn reading_ahead(spool: Spool) -> Self {
        Self {
            reads_ahead: true,
            ..Self::new(spool)
        }
    }

    async fn fetch(&self, limit: i64) -> anyhow::Result<Vec<crate::spool::SpoolRecord>> {
        self.spool
            .fetch_after(self.after.unwrap_or(i64::MIN), limit)
            .await
            .context("spool lezen")
    }
}

#[async_trait]
impl Source for SpoolSource {
    async fn next_batch(&mut self, max: usize, wait: Duration) -> anyhow::Result<Vec<Delivery>> {
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let mut records = self.fetch(limit).await?;
        if records.is_empty() {
            tokio::time::sleep(wait.min(self.spool.poll_interval())).await;
            records = self.fetch(limit).await?;
        }
        if self.reads_ahead {
            if let Some(last) = records.last() {
                self.after = Some(last.seq);
            }
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

    fn reads_ahead(&self) -> bool {
        self.reads_ahead
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spool::settings::SpoolSettings;

    /// A fresh spool holding "een", "twee" and "drie" (the directory lives as long as it).
    async fn spool_of_three() -> (tempfile::TempDir, Spool) {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&SpoolSettings::new(dir.path().join("spool.db")))
            .await
            .unwrap();
        for payload in [&b"een"[..], b"twee", b"drie"] {
            spool.enqueue_raw("moerwijk", payload).await.unwrap();
        }
        (dir, spool)
    }

    #[tokio::test]
    async fn reads_in_order_dead_letters_and_acknowledges_by_token() {
        let (_dir, spool) = spool_of_three().await;
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

    #[tokio::test]
    async fn reading_ahead_continues_after_what_was_handed_out_until_a_new_reader() {
        let (_dir, spool) = spool_of_three().await;
        let mut source = SpoolSource::reading_ahead(spool.clone());
        assert!(source.reads_ahead());
        let first = source.next_batch(2, Duration::ZERO).await.unwrap();
        let second = source.next_batch(2, Duration::ZERO).await.unwrap();
        let payloads = |batch: &[Delivery]| -> Vec<Vec<u8>> {
            batch.iter().filter_map(|d| d.payload.clone()).collect()
        };
        assert_eq!(payloads(&first), [b"een".to_vec(), b"twee".to_vec()]);
        assert_eq!(payloads(&second), [b"drie".to_vec()]);
        assert!(source
            .next_batch(2, Duration::ZERO)
            .await
            .unwrap()
            .is_empty());

        // Only the second batch is acknowledged: the first stays, for the next reader.
        source.ack(&second).await.unwrap();
        assert_eq!(spool.pending().await.unwrap(), 2);
        let mut next = SpoolSource::reading_ahead(spool.clone());
        let again = next.next_batch(10, Duration::ZERO).await.unwrap();
        assert_eq!(payloads(&again), [b"een".to_vec(), b"twee".to_vec()]);
        assert!(!SpoolSource::new(spool).reads_ahead());
    }
}
