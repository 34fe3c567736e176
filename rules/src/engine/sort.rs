//! Sorting a batch: every message decoded, screened and (when it may be kept) classified, on
//! both cores for a large batch. The result owns its parts, so the store can write it on
//! another task while the engine sorts the next batch.

use super::{classify_caught, PANIC_REASON};
use crate::ruleset::RuleSet;
use knooppunt_domain::cluster::{channel_name, Classified, Quarantined};
use knooppunt_domain::envelope::{decode_screened, Envelope, Screening};
use knooppunt_store::processing_log::LogRow;
use knooppunt_transport::Delivery;
use std::sync::Arc;

/// A batch sorted by what becomes of each message: classified, quarantined for personal
/// data, or dead-lettered because it cannot be decoded (or classifying it panicked).
pub(super) struct Sorted {
    pub(super) classified: Vec<Classified>,
    /// Per classified signal, its delivery in the batch.
    pub(super) classified_at: Vec<usize>,
    pub(super) quarantined: Vec<Quarantined>,
    /// Per undecodable message, its delivery in the batch and why.
    pub(super) dead: Vec<(usize, String)>,
    /// The processing-log rows of the classified and quarantined signals, made here rather
    /// than on the store's write, which is what sets the engine's pace: sorting the next
    /// batch runs beside that write.
    pub(super) log: Vec<LogRow>,
}

/// What becomes of one message of a batch.
enum Fate {
    Classified(Classified),
    Quarantined(Quarantined),
    Dead(String),
}

/// Batches smaller than this are sorted on the calling thread: handing half of them to
/// another thread costs more than it saves.
const PARALLEL_FROM: usize = 64;

impl Sorted {
    /// Decodes and screens every message of a batch, and classifies those that may be kept.
    /// On a machine with more than one core a large batch is split in two: the second half
    /// goes to tokio's blocking pool (long-lived threads, so their regex caches stay warm)
    /// while this thread sorts the first. The result is in batch order, the same as sorting
    /// it on one thread.
    pub(super) async fn of(
        rules: &Arc<RuleSet>,
        batch: &[Delivery],
        today: chrono::NaiveDate,
    ) -> Self {
        let started = std::time::Instant::now();
        let cores = cores();
        let fates: Vec<Fate> = if cores < 2 || batch.len() < PARALLEL_FROM {
            batch
                .iter()
                .map(|d| fate(rules, d.payload.as_deref(), today))
                .collect()
        } else {
            let (first, second) = batch.split_at(batch.len() / 2);
            let payloads: Vec<Option<Vec<u8>>> = second.iter().map(|d| d.payload.clone()).collect();
            let shared = Arc::clone(rules);
            let other = tokio::task::spawn_blocking(move || {
                payloads
                    .iter()
                    .map(|p| fate(&shared, p.as_deref(), today))
                    .collect::<Vec<_>>()
            });
            let mut fates: Vec<Fate> = first
                .iter()
                .map(|d| fate(rules, d.payload.as_deref(), today))
                .collect();
            match other.await {
                Ok(rest) => fates.extend(rest),
                // A panic in classification is a bug: keep its message and location.
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                // The runtime is shutting down: sort the rest here.
                Err(_) => fates.extend(
                    second
                        .iter()
                        .map(|d| fate(rules, d.payload.as_deref(), today)),
                ),
            }
            fates
        };
        tracing::debug!(
            messages = batch.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            "Batch sorted"
        );
        let mut sorted = Sorted {
            classified: Vec::with_capacity(batch.len()),
            classified_at: Vec::with_capacity(batch.len()),
            quarantined: Vec::new(),
            dead: Vec::new(),
            log: Vec::new(),
        };
        for (index, fate) in fates.into_iter().enumerate() {
            match fate {
                Fate::Quarantined(row) => sorted.quarantined.push(row),
                Fate::Classified(item) => {
                    sorted.classified_at.push(index);
                    sorted.classified.push(item);
                }
                Fate::Dead(reason) => sorted.dead.push((index, reason)),
            }
        }
        sorted.log = crate::verwerkingslog::rows(&crate::verwerkingslog::engine_records(
            &sorted.classified,
            &sorted.quarantined,
        ));
        sorted
    }
}

/// The machine's cores, asked once (on Linux the question reads three files).
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Decodes and screens one message, and classifies it when it may be kept.
fn fate(rules: &RuleSet, payload: Option<&[u8]>, today: chrono::NaiveDate) -> Fate {
    let decoded = match payload {
        Some(payload) => decode_screened(payload, today).map_err(|e| e.to_string()),
        None => Err("bericht zonder inhoud".to_string()),
    };
    match decoded {
        Ok((envelope, screening)) if screening.refuse_in_engine() => {
            Fate::Quarantined(quarantine(&envelope, &screening))
        }
        Ok((envelope, _)) => match classify_caught(rules, envelope) {
            Some(classified) => Fate::Classified(classified),
            None => Fate::Dead(PANIC_REASON.to_string()),
        },
        Err(reason) => Fate::Dead(reason),
    }
}

/// The quarantine record of a signal refused for personal data (kinds only, never values).
fn quarantine(envelope: &Envelope, screening: &Screening) -> Quarantined {
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
    Quarantined {
        source: envelope.signal.source.clone(),
        signal_id: envelope.id().to_string(),
        kinds,
        reason: if screening.mostly_personal {
            "tekst bestaat vooral uit persoonsgegevens".into()
        } else {
            "BSN of IBAN nog aanwezig na intake".into()
        },
        channel: channel_name(envelope),
    }
}
