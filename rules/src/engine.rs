//! The rules engine loop: take a batch from the transport, decode and classify it, store it in
//! one transaction, and only then acknowledge it upstream (Kafka offsets, spool rows).
//!
//! A message that cannot be decoded is dead-lettered (with its reason, without its payload) and
//! acknowledged with the rest, so it never blocks its partition. When the database fails, the
//! same batch is retried until it succeeds: nothing is acknowledged that is not stored.

use crate::ruleset::{Analysis, RuleSet};
use crate::store::{
    channel_name, BarrierMatch, Classified, ClusterKeyValues, Quarantined, Store, WriteOutcome,
};
use async_trait::async_trait;
use knooppunt_ingest::envelope::decode_screened;
use std::sync::Arc;
use std::time::Duration;

/// Classifies one decoded signal: barriers with their confidence, waiting time and cluster,
/// and the organisation its text names when the signal gives none.
pub fn classify(rules: &RuleSet, mut envelope: knooppunt_ingest::envelope::Envelope) -> Classified {
    let themes: Vec<&str> = envelope.signal.themes.iter().map(|t| t.as_str()).collect();
    let fields = crate::ruleset::Fields {
        themes: &themes,
        organisation: envelope.signal.organisation.as_deref(),
    };
    let analysis = rules.analyse_signal(&envelope.signal.text, fields);
    let organisation = envelope
        .signal
        .organisation
        .as_deref()
        .map(|given| rules.find_organisation(given).unwrap_or(given))
        .or(analysis.organisation)
        .map(str::to_string);
    let matches = matches_for(
        rules,
        &analysis,
        &envelope.signal.area,
        organisation.as_deref(),
        envelope.signal.wait_days,
    );
    let wait_days = envelope.signal.wait_days.or(analysis.wait_days);
    envelope.signal.organisation = organisation;
    Classified {
        matches,
        wait_days,
        rules_version: rules.version().to_string(),
        model_version: rules.model().map(|m| m.version().to_string()),
        envelope,
    }
}

/// The stored form of an analysis: per barrier its confidence, its waiting time and the
/// cluster it joins. A waiting time the signal states itself (`wait_days`) belongs to the
/// barriers that track waits (`wait_context`), or to its only barrier.
pub fn matches_for(
    rules: &RuleSet,
    analysis: &Analysis<'_>,
    area: &str,
    organisation: Option<&str>,
    stated_wait: Option<u32>,
) -> Vec<BarrierMatch> {
    let key = ClusterKeyValues::new(rules.cluster_key(), area, organisation);
    let sole = analysis.matches.len() == 1;
    analysis
        .matches
        .iter()
        .map(|found| {
            let stated = stated_wait.filter(|_| sole || found.tracks_waits);
            BarrierMatch {
                barrier: found.barrier.to_string(),
                confidence: found.confidence,
                wait_days: stated.or(found.wait_days),
                cluster: key.clone(),
                split_to: None,
                found: crate::model::record::Recognition::from_found(
                    &found.found_by,
                    found.model_score,
                ),
            }
        })
        .collect()
}

/// Evaluates and stores today's promotions; returns how many clusters are promoted.
pub async fn evaluate_promotions(store: &Store, rules: &RuleSet) -> anyhow::Result<usize> {
    let today = knooppunt_ingest::today_nl();
    let promotions = store.evaluate_promotions(rules, today).await?;
    metrics::gauge!("knooppunt_promoted_clusters").set(promotions.len() as f64);
    tracing::info!(promoted = promotions.len(), %today, "Promotion criteria evaluated");
    Ok(promotions.len())
}

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
}

/// What one step did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StepOutcome {
    pub received: usize,
    pub stored: usize,
    pub duplicates: usize,
    pub unclassified: usize,
    pub dead_lettered: usize,
    /// Refused for personal data: counted, not stored.
    pub quarantined: usize,
}

pub struct Engine<S: Source> {
    source: S,
    store: Store,
    rules: Arc<RuleSet>,
    batch_size: usize,
    /// A batch that was received but not yet stored (the database failed): retried first.
    pending: Option<Vec<Delivery>>,
    /// How often the promotion criteria are evaluated and stored; never when `None`.
    promotion_interval: Option<Duration>,
}

impl<S: Source> Engine<S> {
    pub fn new(source: S, store: Store, rules: Arc<RuleSet>, batch_size: usize) -> Self {
        Self {
            source,
            store,
            rules,
            batch_size: batch_size.max(1),
            pending: None,
            promotion_interval: None,
        }
    }

    /// Evaluates the promotion criteria every `interval` while running (and once at start),
    /// storing the day's promotions for the agenda.
    pub fn with_promotions(mut self, interval: Duration) -> Self {
        self.promotion_interval = Some(interval);
        self
    }

    /// Evaluates and stores today's promotions.
    pub async fn evaluate_promotions(&self) -> anyhow::Result<usize> {
        evaluate_promotions(&self.store, &self.rules).await
    }

    /// Processes one batch end to end. Exposed so tests drive the loop deterministically.
    pub async fn step(&mut self, wait: Duration) -> anyhow::Result<StepOutcome> {
        let batch = match self.pending.take() {
            Some(batch) => batch,
            None => self.source.next_batch(self.batch_size, wait).await?,
        };
        let mut outcome = StepOutcome {
            received: batch.len(),
            ..StepOutcome::default()
        };
        if batch.is_empty() {
            return Ok(outcome);
        }
        let today = knooppunt_ingest::today_nl();
        let mut classified = Vec::with_capacity(batch.len());
        let mut quarantined = Vec::new();
        let mut dead = Vec::new();
        for delivery in &batch {
            let decoded = match &delivery.payload {
                Some(payload) => decode_screened(payload, today).map_err(|e| e.to_string()),
                None => Err("bericht zonder inhoud".to_string()),
            };
            match decoded {
                Ok((envelope, screening)) if screening.refuse_in_engine() => {
                    let kinds: Vec<String> = screening
                        .found
                        .iter()
                        .map(|k| k.as_str().to_string())
                        .collect();
                    tracing::warn!(
                        source = %envelope.signal.source,
                        id = envelope.id(),
                        kinds = %kinds.join(","),
                        "Signal refused for personal data"
                    );
                    quarantined.push(Quarantined {
                        source: envelope.signal.source.clone(),
                        signal_id: envelope.id().to_string(),
                        kinds,
                        reason: if screening.mostly_personal {
                            "tekst bestaat vooral uit persoonsgegevens".into()
                        } else {
                            "BSN of IBAN nog aanwezig na intake".into()
                        },
                        channel: channel_name(&envelope),
                    });
                }
                Ok((envelope, _)) => classified.push(classify(&self.rules, envelope)),
                Err(reason) => dead.push((delivery, reason)),
            }
        }
        outcome.unclassified = classified.iter().filter(|c| c.matches.is_empty()).count();
        let result = async {
            for (delivery, reason) in &dead {
                self.source.dead_letter(delivery, reason).await?;
                tracing::warn!(token = ?delivery.token, reason = %reason, "Message dead-lettered");
            }
            self.store.write_batch(&classified, &quarantined).await
        }
        .await;
        let WriteOutcome {
            stored,
            duplicates,
            quarantined,
        } = match result {
            Ok(written) => written,
            Err(error) => {
                self.pending = Some(batch);
                return Err(error);
            }
        };
        if let Err(error) = self.source.ack(&batch).await {
            // Stored but not acknowledged: the messages come again and are skipped as
            // duplicates, so nothing is lost or counted twice.
            tracing::warn!(error = %error, "Acknowledging a stored batch failed");
        }
        outcome.stored = stored;
        outcome.duplicates = duplicates;
        outcome.quarantined = quarantined;
        for (what, n) in [
            ("stored", stored),
            ("duplicate", duplicates),
            ("quarantined", quarantined),
            ("dead_lettered", dead.len()),
            ("unclassified", outcome.unclassified),
        ] {
            metrics::counter!("knooppunt_engine_signals_total", "outcome" => what)
                .increment(n as u64);
        }
        outcome.dead_lettered = dead.len();
        tracing::debug!(
            received = outcome.received,
            stored,
            duplicates,
            dead_lettered = outcome.dead_lettered,
            "Batch processed"
        );
        Ok(outcome)
    }

    /// Runs until `shutdown` resolves, backing off while the database or transport fails.
    pub async fn run(mut self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let mut backoff = Duration::from_millis(100);
        let mut promotions = self.promotion_interval.map(|every| {
            let mut timer = tokio::time::interval(every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            timer
        });
        loop {
            let promotion_due = async {
                match promotions.as_mut() {
                    Some(timer) => {
                        timer.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = promotion_due => {
                    let (store, rules) = (self.store.clone(), self.rules.clone());
                    if let Err(error) = evaluate_promotions(&store, &rules).await {
                        tracing::error!(error = %format!("{error:#}"), "Evaluating promotions failed");
                    }
                }
                result = self.step(Duration::from_millis(200)) => match result {
                    Ok(_) => backoff = Duration::from_millis(100),
                    Err(error) => {
                        tracing::error!(error = %format!("{error:#}"), retry_in_ms = backoff.as_millis() as u64, "Rules engine step failed");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(10));
                    }
                }
            }
        }
        tracing::info!("Rules engine stopped");
    }

    pub fn into_source(self) -> S {
        self.source
    }
}
