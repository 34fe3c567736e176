//! Finding the signal a database refuses: a batch the store rejects is split in halves until
//! the refused signals stand alone; everything else is stored. Writes are idempotent, so a
//! half stored before its sibling fails is not stored twice when the batch comes again.

use knooppunt_domain::cluster::{Classified, Quarantined, WriteOutcome};
use knooppunt_store::processing_log::LogRow;
use knooppunt_store::Store;
use knooppunt_store::{class_of, ErrorClass};
use std::ops::Range;

/// Writes `classified` and `quarantined`; when the database rejects the batch, isolates the
/// rejected signals. Returns what was written, the indices (into `classified`) of the
/// signals the database refuses, and whether `log` (the whole batch's processing-log rows)
/// was written with it: it is, in the same transaction, when the database takes the whole
/// batch at once; otherwise the caller logs what was kept. Errors other than a rejection
/// are returned as they are.
pub(crate) async fn write_isolating(
    store: &Store,
    classified: &[Classified],
    quarantined: &[Quarantined],
    log: &[LogRow],
) -> anyhow::Result<(WriteOutcome, Vec<usize>, bool)> {
    let mut total = WriteOutcome::default();
    let mut rejected = Vec::new();
    let mut logged = false;
    // The log goes with the first attempt only: the whole batch.
    let mut log = log;
    let mut work: Vec<(Range<usize>, Range<usize>)> =
        vec![(0..classified.len(), 0..quarantined.len())];
    while let Some((signals, refused)) = work.pop() {
        let with_log = std::mem::take(&mut log);
        match store
            .write_batch_logged(
                &classified[signals.clone()],
                &quarantined[refused.clone()],
                with_log,
            )
            .await
        {
            Ok(written) => {
                logged |= !with_log.is_empty();
                add(&mut total, written)
            }
            Err(error) if class_of(&error) == Some(ErrorClass::Rejected) => {
                if signals.len() + refused.len() == 1 {
                    // A quarantine row the database refuses is dropped: it is a count of a
                    // signal already refused, and it holds nothing to recover.
                    if signals.len() == 1 {
                        rejected.push(signals.start);
                    }
                    tracing::warn!(error = %format!("{error:#}"), "The database rejects one signal");
                } else {
                    work.extend(halves(signals, refused));
                }
            }
            Err(error) => return Err(error),
        }
    }
    rejected.sort_unstable();
    Ok((total, rejected, logged))
}

/// Two smaller batches covering the same signals and quarantine rows.
fn halves(signals: Range<usize>, refused: Range<usize>) -> [(Range<usize>, Range<usize>); 2] {
    let empty = |r: &Range<usize>| r.start..r.start;
    if !signals.is_empty() && !refused.is_empty() {
        let no_refused = empty(&refused);
        let no_signals = empty(&signals);
        return [(signals, no_refused), (no_signals, refused)];
    }
    if signals.len() > 1 {
        let middle = signals.start + signals.len() / 2;
        return [
            (signals.start..middle, refused.clone()),
            (middle..signals.end, refused),
        ];
    }
    let middle = refused.start + refused.len() / 2;
    [
        (signals.clone(), refused.start..middle),
        (signals, middle..refused.end),
    ]
}

fn add(total: &mut WriteOutcome, written: WriteOutcome) {
    total.stored += written.stored;
    total.duplicates += written.duplicates;
    total.quarantined += written.quarantined;
    total.unclassified += written.unclassified;
    total.conflicts += written.conflicts;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_cover_the_batch_and_shrink() {
        let [(a, b), (c, d)] = halves(0..5, 0..2);
        assert_eq!((a, b, c, d), (0..5, 0..0, 0..0, 0..2));
        let [(a, b), (c, d)] = halves(2..7, 0..0);
        assert_eq!((a, b, c, d), (2..4, 0..0, 4..7, 0..0));
        let [(a, b), (c, d)] = halves(3..3, 1..4);
        assert_eq!((a, b, c, d), (3..3, 1..2, 3..3, 2..4));
    }
}
