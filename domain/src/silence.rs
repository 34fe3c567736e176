//! Signals that stop (*stilte*): "no signals" must never be read as "solved".
//!
//! - a **silent source**: a team or partner that sent signals at a steady rate and then sent
//!   none for `silent_weeks` (the team may have stopped reporting, not the barrier stopped);
//! - a **drop after an owner**: a confirmed knelpunt got an owner, and its signals fell
//!   sharply afterwards (the owner may be solving it — or teams stopped reporting because
//!   "it is being handled").
//!
//! Both are pure functions over dates, so they are tested on constructed timelines; the
//! agenda shows them as their own labels.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// The thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Weeks without any signal before a source counts as silent.
    pub silent_weeks: i64,
    /// Weeks before the silence over which the rate must have been steady.
    pub baseline_weeks: i64,
    /// Of the baseline weeks, at least this many must have had a signal.
    pub min_active_weeks: i64,
    /// Weeks compared before and after an owner was assigned.
    pub drop_window_weeks: i64,
    /// Signals needed in the window before the owner, for a drop to mean anything.
    pub drop_min_before: usize,
    /// The rate after the owner at most this fraction of the rate before (0.4: a 60 % drop).
    pub drop_max_ratio: f64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            silent_weeks: 4,
            baseline_weeks: 12,
            min_active_weeks: 6,
            drop_window_weeks: 8,
            drop_min_before: 6,
            drop_max_ratio: 0.4,
        }
    }
}

/// A source that fell silent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SilentSource {
    pub source: String,
    pub last_signal: NaiveDate,
    /// Whole weeks since its last signal.
    pub silent_weeks: i64,
    /// Its signals per week over the baseline.
    pub weekly_rate: f64,
}

/// Whether a source with these signal dates (any order) has fallen silent by `today`.
pub fn silent_source(
    source: &str,
    dates: &[NaiveDate],
    today: NaiveDate,
    params: &Params,
) -> Option<SilentSource> {
    let last = dates.iter().copied().filter(|d| *d <= today).max()?;
    let silent_since = today - Duration::weeks(params.silent_weeks);
    if last > silent_since {
        return None;
    }
    // The baseline ends where the source stopped: the weeks leading up to its last signal.
    let baseline_end = last;
    let baseline_start = baseline_end - Duration::weeks(params.baseline_weeks);
    let mut active_weeks = std::collections::BTreeSet::new();
    let mut count = 0usize;
    for date in dates {
        if *date > baseline_start && *date <= baseline_end {
            active_weeks.insert((baseline_end - *date).num_days() / 7);
            count += 1;
        }
    }
    if (active_weeks.len() as i64) < params.min_active_weeks {
        return None;
    }
    Some(SilentSource {
        source: source.to_string(),
        last_signal: last,
        silent_weeks: (today - last).num_days() / 7,
        weekly_rate: count as f64 / params.baseline_weeks as f64,
    })
}

/// Every silent source among `(source, date)` pairs, by source name.
pub fn silent_sources(
    signals: &[(String, NaiveDate)],
    today: NaiveDate,
    params: &Params,
) -> Vec<SilentSource> {
    let mut by_source: std::collections::BTreeMap<&str, Vec<NaiveDate>> = Default::default();
    for (source, date) in signals {
        by_source.entry(source.as_str()).or_default().push(*date);
    }
    by_source
        .into_iter()
        .filter_map(|(source, dates)| silent_source(source, &dates, today, params))
        .collect()
}

/// A knelpunt whose signals fell sharply after it got an owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropAfterOwner {
    pub owner_since: NaiveDate,
    pub before: usize,
    pub after: usize,
    /// The weeks compared on either side (shorter after, when the owner is recent).
    pub weeks_after: i64,
}

/// Whether the signals (dates) of a knelpunt that got an owner on `owner_since` dropped
/// sharply since: at least `drop_min_before` in the window before, and a weekly rate after at
/// most `drop_max_ratio` of the rate before. Judged only once half the window has passed.
pub fn drop_after_owner(
    dates: &[NaiveDate],
    owner_since: NaiveDate,
    today: NaiveDate,
    params: &Params,
) -> Option<DropAfterOwner> {
    let window = Duration::weeks(params.drop_window_weeks);
    let elapsed_days = (today - owner_since).num_days().min(window.num_days());
    if elapsed_days < window.num_days() / 2 {
        return None;
    }
    let before = dates
        .iter()
        .filter(|d| **d < owner_since && **d >= owner_since - window)
        .count();
    let after = dates
        .iter()
        .filter(|d| **d >= owner_since && (**d - owner_since).num_days() < elapsed_days)
        .count();
    if before < params.drop_min_before {
        return None;
    }
    let rate_before = before as f64 / window.num_days() as f64;
    let rate_after = after as f64 / elapsed_days as f64;
    (rate_after <= rate_before * params.drop_max_ratio).then_some(DropAfterOwner {
        owner_since,
        before,
        after,
        weeks_after: elapsed_days / 7,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// One signal every `every` days from `start`, `n` times.
    fn steady(start: NaiveDate, every: i64, n: i64) -> Vec<NaiveDate> {
        (0..n).map(|i| start + Duration::days(i * every)).collect()
    }

    #[test]
    fn a_steady_source_that_stops_is_silent() {
        let params = Params::default();
        // Weekly from 1 June for 12 weeks: last signal 17 August.
        let dates = steady(day(2026, 6, 1), 7, 12);
        let last = *dates.last().unwrap();
        assert_eq!(last, day(2026, 8, 17));
        // Three weeks later: not yet.
        assert_eq!(
            silent_source("wijkteam", &dates, last + Duration::weeks(3), &params),
            None
        );
        // Exactly four weeks later: silent.
        let silent = silent_source("wijkteam", &dates, last + Duration::weeks(4), &params)
            .expect("silent after four weeks");
        assert_eq!(silent.silent_weeks, 4);
        assert_eq!(silent.last_signal, last);
        assert!((silent.weekly_rate - 1.0).abs() < 1e-9);
    }

    #[test]
    fn an_occasional_source_is_not_silent_only_quiet() {
        let params = Params::default();
        // Every four weeks: only 3 active weeks in the 12-week baseline.
        let dates = steady(day(2026, 5, 4), 28, 4);
        let today = *dates.last().unwrap() + Duration::weeks(10);
        assert_eq!(silent_source("ggd", &dates, today, &params), None);
        // A source that still reports is never silent.
        let dates = steady(day(2026, 6, 1), 7, 20);
        assert_eq!(
            silent_source("ggd", &dates, *dates.last().unwrap(), &params),
            None
        );
    }

    #[test]
    fn silent_sources_are_found_per_source() {
        let params = Params::default();
        let mut signals: Vec<(String, NaiveDate)> = steady(day(2026, 6, 1), 7, 12)
            .into_iter()
            .map(|d| ("stopt".to_string(), d))
            .collect();
        signals.extend(
            steady(day(2026, 6, 1), 7, 20)
                .into_iter()
                .map(|d| ("gaat-door".to_string(), d)),
        );
        let today = day(2026, 10, 12);
        let silent = silent_sources(&signals, today, &params);
        assert_eq!(silent.len(), 1);
        assert_eq!(silent[0].source, "stopt");
    }

    #[test]
    fn a_sharp_drop_after_an_owner_is_flagged() {
        let params = Params::default();
        let owner = day(2026, 9, 1);
        // Two a week for eight weeks before the owner, then one in the six weeks after.
        let mut dates = steady(owner - Duration::weeks(8), 3, 19);
        dates.retain(|d| *d < owner);
        assert!(dates.len() >= 12);
        dates.push(owner + Duration::days(10));
        let today = owner + Duration::weeks(6);
        let drop = drop_after_owner(&dates, owner, today, &params).expect("a drop");
        assert_eq!(drop.after, 1);
        assert_eq!(drop.weeks_after, 6);
        // Too early to tell: three weeks after the owner.
        assert_eq!(
            drop_after_owner(&dates, owner, owner + Duration::weeks(3), &params),
            None
        );
    }

    #[test]
    fn a_steady_rate_after_an_owner_is_not_a_drop() {
        let params = Params::default();
        let owner = day(2026, 9, 1);
        let dates = steady(owner - Duration::weeks(8), 3, 38);
        let today = owner + Duration::weeks(8);
        assert_eq!(drop_after_owner(&dates, owner, today, &params), None);
        // Too few signals before the owner to call anything a drop.
        let few = vec![owner - Duration::days(3), owner - Duration::days(20)];
        assert_eq!(drop_after_owner(&few, owner, today, &params), None);
    }
}
