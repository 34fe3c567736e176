//! The rules engine loop: take a batch from the transport, decode and classify it, store it in
//! one transaction, and only then acknowledge it upstream (Kafka offsets, spool rows).
//!
//! A message that cannot be decoded is dead-lettered (with its reason, without its payload) and
//! acknowledged with the rest, so it never blocks its partition. The store's error says whether
//! a retry helps: while the database is unavailable the same batch is retried until it
//! succeeds (nothing is acknowledged that is not stored); a batch the database rejects is split
//! to find the signal it refuses, which is dead-lettered while the rest is stored; stored data
//! that cannot be read stops the engine.

mod sort;

use crate::ruleset::{Analysis, RuleSet};
use knooppunt_domain::cluster::{BarrierMatch, Classified, ClusterKeyValues, WriteOutcome};
use knooppunt_store::Store;
use knooppunt_transport::{Delivery, Source};
use sort::Sorted;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// The longest pause between two attempts while the database or transport fails: short, so
/// the engine resumes within seconds of their return.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Whether this process's rules engine makes progress, for `/healthz`.
///
/// Progress is a batch taken from the transport and stored (or found to be there already), or
/// nothing left to read. An engine whose lag stays above zero without progress for longer than
/// the stall limit is unhealthy: it holds partitions it does not work off.
#[derive(Debug)]
pub struct EngineHealth {
    started: Instant,
    /// Milliseconds after `started` of the last progress.
    progress_ms: AtomicU64,
    /// The transport's lag at the last step; -1 while unknown.
    lag: AtomicI64,
    /// 0 until an engine runs (a process without an engine is not judged by it).
    stall_limit_ms: AtomicU64,
}

impl EngineHealth {
    /// The process's engine health (one engine per process).
    pub fn global() -> &'static EngineHealth {
        static HEALTH: OnceLock<EngineHealth> = OnceLock::new();
        HEALTH.get_or_init(|| EngineHealth {
            started: Instant::now(),
            progress_ms: AtomicU64::new(0),
            lag: AtomicI64::new(-1),
            stall_limit_ms: AtomicU64::new(0),
        })
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn running(&self, stall_limit: Duration) {
        self.progress_ms.store(self.now_ms(), Ordering::Relaxed);
        self.stall_limit_ms
            .store(stall_limit.as_millis().max(1) as u64, Ordering::Relaxed);
    }

    fn observe(&self, progressed: bool, lag: Option<i64>) {
        if progressed || lag == Some(0) {
            self.progress_ms.store(self.now_ms(), Ordering::Relaxed);
        }
        self.lag.store(lag.unwrap_or(-1), Ordering::Relaxed);
        metrics::gauge!("knooppunt_engine_lag").set(lag.unwrap_or(0) as f64);
    }

    /// `Err` with a Dutch reason when the engine has lag and made no progress for longer than
    /// its stall limit.
    pub fn check(&self) -> Result<(), String> {
        let limit = self.stall_limit_ms.load(Ordering::Relaxed);
        let lag = self.lag.load(Ordering::Relaxed);
        let idle = self
            .now_ms()
            .saturating_sub(self.progress_ms.load(Ordering::Relaxed));
        if limit > 0 && lag > 0 && idle > limit {
            return Err(format!(
                "regelmotor maakt geen voortgang: {lag} berichten wachten, {} s niets verwerkt",
                idle / 1000
            ));
        }
        Ok(())
    }
}

/// Classifies one decoded signal: barriers with their confidence, waiting time and cluster,
/// and the organisation its text names when the signal gives none.
pub fn classify(rules: &RuleSet, mut envelope: knooppunt_domain::envelope::Envelope) -> Classified {
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

/// Why a signal was set aside when classifying it failed inside Knooppunt (a panic: a bug,
/// not bad input). It is dead-lettered with this reason and the rest of its batch is stored.
pub const PANIC_REASON: &str = "interne fout bij het indelen (een fout in Knooppunt, niet in \
     het signaal); het signaal is apart gezet en kan na een oplossing opnieuw worden ingedeeld";

/// [`classify`], with a panic inside it caught: `None`, so the caller sets this one signal
/// aside ([`PANIC_REASON`]) instead of losing its batch or stopping on it again after every
/// restart. The caller says which signal it was: the engine logs the message it dead-letters,
/// `classify` writes the signal's id on its error line (never the text).
pub fn classify_caught(
    rules: &RuleSet,
    envelope: knooppunt_domain::envelope::Envelope,
) -> Option<Classified> {
    caught(|| classify(rules, envelope))
}

/// Runs `work`, and returns `None` when it panics. The rule set's shared state is immutable
/// apart from the regex engines' search caches, which stay usable after a search that unwound.
fn caught<T>(work: impl FnOnce() -> T) -> Option<T> {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).ok();
    if caught.is_none() {
        tracing::error!("Classification panicked; the signal is set aside");
    }
    caught
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
                found: found.found_by.recognition(found.model_score),
            }
        })
        .collect()
}

/// Evaluates and stores today's promotions; returns how many clusters are promoted.
pub async fn evaluate_promotions(store: &Store, rules: &RuleSet) -> anyhow::Result<usize> {
    let today = knooppunt_ingest::today_nl();
    let promotions = store.evaluate_promotions(rules, today).await?;
    crate::events::record_promotions(store, &promotions).await?;
    metrics::gauge!("knooppunt_promoted_clusters").set(promotions.len() as f64);
    tracing::info!(promoted = promotions.len(), %today, "Promotion criteria evaluated");
    Ok(promotions.len())
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
    /// Refused: the id was stored with other content (recorded in `id_conflicts`).
    pub conflicts: usize,
    /// Refused by the database (a value it cannot hold): dead-lettered, the rest stored.
    pub rejected: usize,
}

/// The dead-letter reason of a signal the database refuses (no personal data).
const REJECTED_REASON: &str = "de database weigert dit signaal; het kan niet worden opgeslagen";

impl StepOutcome {
    /// Takes in what the store wrote and how many messages were dead-lettered, and counts
    /// every outcome in the metrics.
    fn count(&mut self, written: WriteOutcome, dead_lettered: usize) {
        let WriteOutcome {
            stored,
            duplicates,
            quarantined,
            unclassified,
            conflicts,
        } = written;
        self.stored = stored;
        self.duplicates = duplicates;
        self.quarantined = quarantined;
        self.unclassified = unclassified;
        self.conflicts = conflicts;
        for (what, n) in [
            ("stored", stored),
            ("duplicate", duplicates),
            ("id_conflict", conflicts),
            ("quarantined", quarantined),
            ("dead_lettered", dead_lettered),
            ("rejected", self.rejected),
            ("unclassified", self.unclassified),
        ] {
            metrics::counter!("knooppunt_engine_signals_total", "outcome" => what)
                .increment(n as u64);
        }
        self.dead_lettered = dead_lettered;
        tracing::debug!(
            received = self.received,
            stored,
            duplicates,
            dead_lettered = self.dead_lettered,
            "Batch processed"
        );
    }
}

/// Stores a sorted batch and its processing log (`log`: the whole batch's rows, made when it
/// was sorted; see crate::verwerkingslog) in one transaction, isolating what the database
/// refuses (then the kept signals are logged in a transaction of their own). Returns what
/// was written and the indexes (into `classified`) of the refused signals.
async fn write_and_log(
    store: Store,
    classified: Vec<Classified>,
    quarantined: Vec<knooppunt_domain::cluster::Quarantined>,
    log: Vec<knooppunt_store::LogRow>,
) -> anyhow::Result<(WriteOutcome, Vec<usize>)> {
    let started = Instant::now();
    let (written, rejected, logged) =
        crate::isolate::write_isolating(&store, &classified, &quarantined, &log).await?;
    if !logged {
        let kept: Vec<Classified> = classified
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !rejected.contains(i))
            .map(|(_, c)| c)
            .collect();
        crate::verwerkingslog::append_or_warn(
            &store,
            &crate::verwerkingslog::engine_records(&kept, &quarantined),
        )
        .await;
    }
    tracing::debug!(
        written_ms = started.elapsed().as_secs_f64() * 1e3,
        logged_apart = !logged,
        "Batch written"
    );
    Ok((written, rejected))
}

pub struct Engine<S: Source> {
    source: S,
    store: Store,
    rules: Arc<RuleSet>,
    batch_size: usize,
    /// A batch that was received but not yet stored (the database failed): retried first.
    pending: Option<Vec<Delivery>>,
    /// The next batch, read and sorted while the previous one was written (only from a
    /// source that [reads ahead](Source::reads_ahead)); not acknowledged yet.
    ahead: Option<(Vec<Delivery>, Sorted)>,
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
            ahead: None,
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
    ///
    /// The store writes the batch (and its processing log) on a task of its own. From a
    /// source that reads ahead, the engine meanwhile reads and sorts the next batch, so
    /// classification (both cores) and SQLite's write (its own thread) overlap; that batch is
    /// acknowledged only after its own write, in the next step.
    pub async fn step(&mut self, wait: Duration) -> anyhow::Result<StepOutcome> {
        let started = Instant::now();
        let today = knooppunt_ingest::today_nl();
        let Some((batch, sorted)) = self.next_sorted(wait, today).await? else {
            return Ok(StepOutcome::default());
        };
        let mut outcome = StepOutcome {
            received: batch.len(),
            ..StepOutcome::default()
        };
        let dead: Vec<(usize, &str)> = sorted.dead.iter().map(|(i, r)| (*i, r.as_str())).collect();
        if let Err(error) = self.set_aside(&batch, &dead).await {
            self.pending = Some(batch);
            return Err(error);
        }
        let Sorted {
            classified,
            classified_at,
            quarantined,
            dead,
            log,
        } = sorted;
        let sorted_ms = started.elapsed().as_secs_f64() * 1e3;
        let write = tokio::spawn(write_and_log(
            self.store.clone(),
            classified,
            quarantined,
            log,
        ));
        if self.ahead.is_none() && self.source.reads_ahead() {
            self.read_ahead(today).await;
        }
        let ahead_ms = started.elapsed().as_secs_f64() * 1e3 - sorted_ms;
        let (written, rejected) = match write.await {
            Ok(Ok(result)) => result,
            Ok(Err(error)) => {
                self.pending = Some(batch);
                return Err(error);
            }
            // A panic in the store is a bug: keep its message and location.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => {
                self.pending = Some(batch);
                return Err(anyhow::anyhow!("opslaan afgebroken: {error}"));
            }
        };
        // What the database refuses can never be stored: set aside like a poison message,
        // so it does not block its partition.
        let refused: Vec<(usize, &str)> = rejected
            .iter()
            .map(|&index| {
                (
                    classified_at.get(index).copied().unwrap_or(index),
                    REJECTED_REASON,
                )
            })
            .collect();
        if let Err(error) = self.set_aside(&batch, &refused).await {
            // Retried whole: what was stored is skipped as duplicate the next time.
            self.pending = Some(batch);
            return Err(error);
        }
        outcome.rejected = rejected.len();
        let written_ms = started.elapsed().as_secs_f64() * 1e3;
        if let Err(error) = self.source.ack(&batch).await {
            // Stored but not acknowledged: the messages come again and are skipped as
            // duplicates, so nothing is lost or counted twice.
            tracing::warn!(error = %error, "Acknowledging a stored batch failed");
        }
        outcome.count(written, dead.len());
        tracing::debug!(
            sorted_ms,
            ahead_ms,
            written_ms,
            acked_ms = started.elapsed().as_secs_f64() * 1e3 - written_ms,
            "Step timings"
        );
        Ok(outcome)
    }

    /// The batch to process and its sorting: the one a failed step left, else the one read
    /// ahead, else the next from the source (waiting up to `wait`); none when it is empty.
    async fn next_sorted(
        &mut self,
        wait: Duration,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<Option<(Vec<Delivery>, Sorted)>> {
        let batch = match (self.pending.take(), self.ahead.take()) {
            (Some(batch), ahead) => {
                self.ahead = ahead;
                batch
            }
            (None, Some(ready)) => return Ok(Some(ready)),
            (None, None) => self.source.next_batch(self.batch_size, wait).await?,
        };
        if batch.is_empty() {
            return Ok(None);
        }
        let sorted = Sorted::of(&self.rules, &batch, today).await;
        Ok(Some((batch, sorted)))
    }

    /// Dead-letters the messages of `batch` at the given indexes, each with its reason (no
    /// personal data); stops at the first that fails.
    async fn set_aside(
        &mut self,
        batch: &[Delivery],
        items: &[(usize, &str)],
    ) -> anyhow::Result<()> {
        for &(index, reason) in items {
            // The indexes come from this batch's sorting: one outside it is a bug, and no
            // message may be acknowledged without being stored or set aside.
            let delivery = batch
                .get(index)
                .ok_or_else(|| anyhow::anyhow!("message {index} is not in the batch"))?;
            self.source.dead_letter(delivery, reason).await?;
            tracing::warn!(token = ?delivery.token, reason = %reason, "Message set aside");
        }
        Ok(())
    }

    /// Reads the next batch without waiting and sorts it, while the store writes this one.
    /// A failure to read is left to the next step, which reads again.
    async fn read_ahead(&mut self, today: chrono::NaiveDate) {
        match self
            .source
            .next_batch(self.batch_size, Duration::ZERO)
            .await
        {
            Ok(next) if !next.is_empty() => {
                let sorted = Sorted::of(&self.rules, &next, today).await;
                self.ahead = Some((next, sorted));
            }
            Ok(_) => {}
            Err(error) => tracing::debug!(error = %format!("{error:#}"), "Reading ahead failed"),
        }
    }

    /// Runs until `shutdown` resolves, backing off (at most `MAX_BACKOFF`, 2 s) while the
    /// database or transport fails, then makes its acknowledgements final. A run of failures
    /// is logged when it starts, when its error changes and when it ends (with its count).
    /// Without progress for `stall_limit` while messages wait, [`EngineHealth`] turns
    /// unhealthy.
    pub async fn run(
        mut self,
        shutdown: impl std::future::Future<Output = ()>,
        stall_limit: Duration,
    ) {
        tokio::pin!(shutdown);
        let health = EngineHealth::global();
        health.running(stall_limit);
        let mut backoff = Duration::from_millis(100);
        let mut failing: Option<(Instant, u64, String)> = None;
        // Promotions are evaluated between steps, never by cancelling one: a step dropped
        // after it read (ahead) would leave its messages unacknowledged until a restart.
        // An idle step returns within about 200 ms, so an evaluation is at most that late.
        let mut promotion_due = self.promotion_interval.map(|_| Instant::now());
        loop {
            if let (Some(every), Some(due)) = (self.promotion_interval, promotion_due) {
                if Instant::now() >= due {
                    promotion_due = Some(Instant::now() + every);
                    if let Err(error) = evaluate_promotions(&self.store, &self.rules).await {
                        tracing::error!(error = %format!("{error:#}"), "Evaluating promotions failed");
                    }
                }
            }
            tokio::select! {
                _ = &mut shutdown => break,
                result = self.step(Duration::from_millis(200)) => match result {
                    Ok(outcome) => {
                        backoff = Duration::from_millis(100);
                        if let Some((since, failures, _)) = failing.take() {
                            tracing::info!(failures, outage_ms = since.elapsed().as_millis() as u64, "Rules engine recovered");
                        }
                        health.observe(outcome.received > 0, self.waiting());
                    }
                    Err(error) if knooppunt_store::class_of(&error) == Some(knooppunt_store::ErrorClass::Corrupt) => {
                        tracing::error!(error = %format!("{error:#}"), "De regelmotor stopt: opgeslagen gegevens zijn onleesbaar of het databaseschema klopt niet; herstel de database en start opnieuw");
                        health.observe(false, self.waiting());
                        break;
                    }
                    Err(error) => {
                        let error = format!("{error:#}");
                        match &mut failing {
                            None => {
                                tracing::error!(error = %error, "Rules engine step failed; retrying (repeats counted, not logged)");
                                failing = Some((Instant::now(), 1, error));
                            }
                            Some((_, failures, last)) => {
                                *failures += 1;
                                if *last != error {
                                    tracing::warn!(error = %error, failures = *failures, "Rules engine still failing, with another error");
                                    *last = error;
                                }
                            }
                        }
                        health.observe(false, self.waiting());
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                    }
                }
            }
        }
        if let Err(error) = self.source.close().await {
            tracing::warn!(error = %format!("{error:#}"), "Making acknowledgements final failed");
        }
        tracing::info!("Rules engine stopped");
    }

    /// Messages waiting: the transport's lag, or at least the batch that could not be stored.
    fn waiting(&self) -> Option<i64> {
        let held = self.pending.as_ref().map(Vec::len).unwrap_or(0)
            + self
                .ahead
                .as_ref()
                .map(|(batch, _)| batch.len())
                .unwrap_or(0);
        let pending = (held > 0).then_some(held as i64);
        match (self.source.lag(), pending) {
            (Some(lag), Some(pending)) => Some(lag.max(pending)),
            (lag, pending) => lag.or(pending),
        }
    }

    pub fn into_source(self) -> S {
        self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_classifying_sets_one_signal_aside() {
        assert_eq!(caught(|| 7), Some(7));
        let panicked: Option<u32> = caught(|| panic!("a bug"));
        assert_eq!(panicked, None);
        // Without a panic, the classification itself (here of a dash wider than a byte, on
        // which extraction once panicked).
        let rules = RuleSet::default_rules().expect("rules");
        let signal = knooppunt_domain::signal::Signal {
            id: Some("s-3".into()),
            observed_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
            source: "wijkteam".into(),
            area: "Moerwijk".into(),
            text: "Lekkage – al 5 weken geen reactie van Staedion".into(),
            themes: Vec::new(),
            organisation: None,
            wait_days: None,
        };
        let envelope = knooppunt_domain::envelope::Envelope::prepare(
            signal,
            knooppunt_domain::envelope::Channel::Http,
            chrono::Utc::now(),
        );
        let classified = classify_caught(&rules, envelope).expect("classified");
        assert_eq!(classified.wait_days, Some(35));
    }
}
