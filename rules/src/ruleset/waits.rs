//! Waiting times in a text, and which barrier each belongs to ([`crate::extract::waits`]
//! finds them; this decides whose they are).

use super::{normalise, Barrier};
use crate::extract::{sentence_at, stated_waits, StatedWait};

/// The longest waiting time mentioned in a text, in days: "al 14 weken" → 98,
/// "drie maanden" → 90, "ruim een half jaar" → 182. `None` when the text names none.
pub fn extract_wait_days(text: &str) -> Option<u32> {
    let normalised = normalise(text);
    wait_days_normalised(&crate::extract::with_inferred_stops(text, &normalised))
}

fn wait_days_normalised(normalised: &str) -> Option<u32> {
    longest(&stated_waits(normalised))
}

/// The longest of `durations`, preferring one whose sentence is about waiting ("wacht al
/// 9 wk op start") over a bare duration elsewhere ("'eerst 3 mnd budgetbeheer'").
pub(super) fn longest(durations: &[StatedWait]) -> Option<u32> {
    durations
        .iter()
        .filter(|d| d.bound)
        .map(|d| d.days)
        .max()
        .or_else(|| longest_cued(durations))
        .or_else(|| durations.iter().map(|d| d.days).max())
}

/// The longest of `durations` whose sentence is about waiting; none for bare durations.
pub(super) fn longest_cued(durations: &[StatedWait]) -> Option<u32> {
    durations.iter().filter(|d| d.cued).map(|d| d.days).max()
}

/// The waiting time that belongs to `barrier`: the longest one mentioned in a sentence that
/// also holds one of the barrier's `wait_context` words (preferring one about waiting). When
/// the barrier is the signal's only one, any waiting time in the text is its own (the longest,
/// preferring one in a sentence about waiting). A barrier without waits (`waits = false`) owns
/// only a duration in a sentence about waiting, and only as the signal's only barrier.
pub(super) fn barrier_wait(
    normalised: &str,
    durations: &[StatedWait],
    barrier: &Barrier,
    sole: bool,
) -> Option<u32> {
    if !barrier.waits {
        // Only a duration in a sentence about waiting ("wacht al 6 weken op antwoord").
        return sole.then(|| longest_cued(durations)).flatten();
    }
    let in_context = barrier.wait_context.as_ref().and_then(|context| {
        let in_context: Vec<StatedWait> = durations
            .iter()
            .filter(|d| context.is_match(sentence_at(normalised, d.at)))
            .copied()
            .collect();
        longest(&in_context)
    });
    in_context.or_else(|| sole.then(|| longest(durations)).flatten())
}
