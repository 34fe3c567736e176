//! Waiting times in a text, and which barrier each belongs to ([`crate::extract::waits`]
//! finds them; this decides whose they are).

use super::{normalise, Barrier};
use crate::extract::sentence_at;

/// The longest waiting time mentioned in a text, in days: "al 14 weken" → 98,
/// "drie maanden" → 90, "ruim een half jaar" → 182. `None` when the text names none.
pub fn extract_wait_days(text: &str) -> Option<u32> {
    wait_days_normalised(&normalise(text))
}

fn wait_days_normalised(normalised: &str) -> Option<u32> {
    durations(normalised).iter().map(|d| d.days).max()
}

/// A waiting time mentioned in a text, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Duration {
    start: usize,
    pub(super) days: u32,
}

/// Every waiting time a normalised text mentions, in order ([`crate::extract::waits`]).
pub(super) fn durations(normalised: &str) -> Vec<Duration> {
    crate::extract::waits(normalised)
        .into_iter()
        .map(|(start, days)| Duration { start, days })
        .collect()
}

/// The waiting time that belongs to `barrier`: the longest one mentioned in a sentence that
/// also holds one of the barrier's `wait_context` words. When the barrier is the signal's only
/// one, any waiting time in the text is its own.
pub(super) fn barrier_wait(
    normalised: &str,
    durations: &[Duration],
    barrier: &Barrier,
    sole: bool,
) -> Option<u32> {
    let in_context = barrier.wait_context.as_ref().and_then(|context| {
        durations
            .iter()
            .filter(|d| context.is_match(sentence_at(normalised, d.start)))
            .map(|d| d.days)
            .max()
    });
    in_context.or_else(|| {
        sole.then(|| durations.iter().map(|d| d.days).max())
            .flatten()
    })
}
