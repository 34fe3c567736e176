//! Promotion: which clusters go on the signaleringsoverleg's agenda, and why.
//!
//! Criteria (thresholds in the rules file, `[promotion]`, overridable per barrier in
//! `[barrier.promotion]`), evaluated over a cluster's signals on a given day:
//! - **frequency**: at least `min_signals` in the last `window_days`, from at least
//!   `min_sources` sources and `min_areas` areas (counts alone are not robust to one busy team);
//! - **spike**: at least `spike_min_signals` in the last window and `spike_ratio` times as many
//!   as in the window before it, from at least two sources;
//! - **new**: the cluster's first signal lies within the last `new_within_days`, and it already
//!   has `new_min_signals` signals from two sources or more;
//! - **norm breach**: the median wait of the window's signals that mention one exceeds
//!   `wait_norm_days` (e.g. the GGZ Treeknorm), with at least three such signals.
//!
//! Every promotion carries its reasons both machine-readable and in Dutch. Pure: no I/O.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Thresholds; every field may be overridden per barrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    pub window_days: i64,
    pub min_signals: usize,
    pub min_sources: usize,
    pub min_areas: usize,
    pub spike_ratio: f64,
    pub spike_min_signals: usize,
    pub new_within_days: i64,
    pub new_min_signals: usize,
    /// The norm for waiting times, in days; no norm-breach criterion when absent.
    pub wait_norm_days: Option<i64>,
    /// What the norm is called in the "waarom" ("Treeknorm").
    pub wait_norm_name: Option<String>,
}

impl Default for Criteria {
    fn default() -> Self {
        Self {
            window_days: 56,
            min_signals: 5,
            min_sources: 3,
            min_areas: 1,
            spike_ratio: 2.0,
            spike_min_signals: 4,
            new_within_days: 28,
            new_min_signals: 3,
            wait_norm_days: None,
            wait_norm_name: None,
        }
    }
}

/// Where promotion finds each barrier's criteria: the rule set in force.
pub trait CriteriaSource {
    /// Every barrier's id with its criteria, in rule-file order.
    fn promotion_criteria(&self) -> Vec<(&str, &Criteria)>;
    /// The version recorded with the promotions (the rules version).
    fn criteria_version(&self) -> &str;
}

impl<T: CriteriaSource + ?Sized> CriteriaSource for std::sync::Arc<T> {
    fn promotion_criteria(&self) -> Vec<(&str, &Criteria)> {
        (**self).promotion_criteria()
    }

    fn criteria_version(&self) -> &str {
        (**self).criteria_version()
    }
}

/// Per-barrier overrides, as written in the rules file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaOverride {
    pub window_days: Option<i64>,
    pub min_signals: Option<usize>,
    pub min_sources: Option<usize>,
    pub min_areas: Option<usize>,
    pub spike_ratio: Option<f64>,
    pub spike_min_signals: Option<usize>,
    pub new_within_days: Option<i64>,
    pub new_min_signals: Option<usize>,
    pub wait_norm_days: Option<i64>,
    pub wait_norm_name: Option<String>,
}

impl Criteria {
    /// When a cluster goes on the agenda, in a team's words: "zodra er in 8 weken minstens 5
    /// signalen zijn van minstens 3 teams of partners, of eerder als ze snel toenemen of het
    /// knelpunt nieuw is" (the frequency criterion in full, the spike and new ones in short).
    pub fn agenda_threshold(&self) -> String {
        use crate::dutch_number::weeks;
        let mut text = format!(
            "zodra er in {} minstens {} zijn",
            weeks(self.window_days as f64),
            plural(self.min_signals, "signaal", "signalen")
        );
        if self.min_sources > 1 {
            text.push_str(&format!(
                " van minstens {} teams of partners",
                self.min_sources
            ));
        }
        if self.min_areas > 1 {
            text.push_str(&format!(" in minstens {} wijken", self.min_areas));
        }
        text.push_str(", of eerder als ze snel toenemen of het knelpunt nieuw is");
        if let (Some(days), Some(name)) = (self.wait_norm_days, &self.wait_norm_name) {
            text.push_str(&format!(
                ", of als van minstens drie signalen met een wachttijd de helft langer wacht \
                 dan de {name} ({})",
                weeks(days as f64)
            ));
        }
        text
    }

    pub fn with(&self, o: &CriteriaOverride) -> Criteria {
        Criteria {
            window_days: o.window_days.unwrap_or(self.window_days),
            min_signals: o.min_signals.unwrap_or(self.min_signals),
            min_sources: o.min_sources.unwrap_or(self.min_sources),
            min_areas: o.min_areas.unwrap_or(self.min_areas),
            spike_ratio: o.spike_ratio.unwrap_or(self.spike_ratio),
            spike_min_signals: o.spike_min_signals.unwrap_or(self.spike_min_signals),
            new_within_days: o.new_within_days.unwrap_or(self.new_within_days),
            new_min_signals: o.new_min_signals.unwrap_or(self.new_min_signals),
            wait_norm_days: o.wait_norm_days.or(self.wait_norm_days),
            wait_norm_name: o
                .wait_norm_name
                .clone()
                .or_else(|| self.wait_norm_name.clone()),
        }
    }
}

/// One signal of a cluster, as promotion sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub observed_on: NaiveDate,
    pub source: String,
    pub area: String,
    pub wait_days: Option<i64>,
}

/// Why a cluster is on the agenda.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "criterion", rename_all = "snake_case")]
pub enum Reason {
    Frequency {
        signals: usize,
        sources: usize,
        areas: usize,
        window_days: i64,
    },
    Spike {
        recent: usize,
        previous: usize,
        window_days: i64,
    },
    New {
        first_seen: NaiveDate,
        signals: usize,
    },
    NormBreach {
        median_wait_days: f64,
        norm_days: i64,
        with_wait: usize,
    },
}

/// A promotion: the reasons, and the same in one Dutch sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promotion {
    pub reasons: Vec<Reason>,
    pub waarom: String,
}

fn weeks(days: i64) -> String {
    crate::dutch_number::weeks(days as f64)
}

/// Evaluates one cluster on `today` from all its signals. `None`: not on the agenda.
pub fn evaluate(events: &[Event], criteria: &Criteria, today: NaiveDate) -> Option<Promotion> {
    let history = History {
        first_seen: events.iter().map(|e| e.observed_on).min(),
        signals: events.len(),
        sources: events
            .iter()
            .map(|e| e.source.as_str())
            .collect::<HashSet<_>>()
            .len(),
    };
    evaluate_recent(events, &history, criteria, today)
}

/// A cluster's whole history, for the *new* criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub first_seen: Option<NaiveDate>,
    pub signals: usize,
    pub sources: usize,
}

/// How many days back [`evaluate_recent`] needs a cluster's signals.
pub fn lookback_days(criteria: &Criteria) -> i64 {
    (2 * criteria.window_days.max(1)).max(criteria.new_within_days)
}

/// Evaluates one cluster on `today` from its signals of the last [`lookback_days`] and its
/// whole history: the store need not read a cluster's full past every time.
pub fn evaluate_recent(
    events: &[Event],
    history: &History,
    criteria: &Criteria,
    today: NaiveDate,
) -> Option<Promotion> {
    let window = Window::of(events, criteria, today);
    let (reasons, phrases): (Vec<Reason>, Vec<String>) = [
        window.frequency(criteria),
        window.spike(criteria),
        new_cluster(history, criteria, today),
        window.norm_breach(criteria),
    ]
    .into_iter()
    .flatten()
    .unzip();
    if reasons.is_empty() {
        return None;
    }
    Some(Promotion {
        reasons,
        waarom: phrases.join("; "),
    })
}

/// A cluster's signals in the window that ends today, and how many came in the window before.
struct Window<'a> {
    days: i64,
    recent: Vec<&'a Event>,
    previous: usize,
    /// Distinct sources and areas in the window.
    sources: usize,
    areas: usize,
}

impl<'a> Window<'a> {
    fn of(events: &'a [Event], criteria: &Criteria, today: NaiveDate) -> Self {
        let days = criteria.window_days.max(1);
        let start = today - chrono::Duration::days(days - 1);
        let previous_start = start - chrono::Duration::days(days);
        let recent: Vec<&Event> = events
            .iter()
            .filter(|e| e.observed_on >= start && e.observed_on <= today)
            .collect();
        let previous = events
            .iter()
            .filter(|e| e.observed_on >= previous_start && e.observed_on < start)
            .count();
        let sources = recent
            .iter()
            .map(|e| e.source.as_str())
            .collect::<HashSet<_>>()
            .len();
        let areas = recent
            .iter()
            .map(|e| e.area.as_str())
            .collect::<HashSet<_>>()
            .len();
        Self {
            days,
            recent,
            previous,
            sources,
            areas,
        }
    }

    /// Enough signals from enough sources and areas in the window.
    fn frequency(&self, criteria: &Criteria) -> Option<(Reason, String)> {
        let (sources, areas, window) = (self.sources, self.areas, self.days);
        (self.recent.len() >= criteria.min_signals
            && sources >= criteria.min_sources
            && areas >= criteria.min_areas)
            .then(|| {
                let reason = Reason::Frequency {
                    signals: self.recent.len(),
                    sources,
                    areas,
                    window_days: window,
                };
                let phrase = format!(
                    "{} signalen van {sources} bronnen in {areas} {} in {}",
                    self.recent.len(),
                    if areas == 1 { "wijk" } else { "wijken" },
                    weeks(window)
                );
                (reason, phrase)
            })
    }

    /// Many more signals in the window than in the one before.
    fn spike(&self, criteria: &Criteria) -> Option<(Reason, String)> {
        let (previous, window) = (self.previous, self.days);
        (self.recent.len() >= criteria.spike_min_signals
            && self.sources >= 2
            && self.recent.len() as f64 >= criteria.spike_ratio * previous.max(1) as f64
            && previous > 0)
            .then(|| {
                let reason = Reason::Spike {
                    recent: self.recent.len(),
                    previous,
                    window_days: window,
                };
                let phrase = format!(
                    "sterke stijging: {} signalen in de laatste {} tegen {previous} in de {} daarvoor",
                    self.recent.len(),
                    weeks(window),
                    weeks(window)
                );
                (reason, phrase)
            })
    }

    /// The median waiting time in the window (of at least three stated) exceeds the norm.
    fn norm_breach(&self, criteria: &Criteria) -> Option<(Reason, String)> {
        let norm = criteria.wait_norm_days?;
        let mut waits: Vec<i64> = self.recent.iter().filter_map(|e| e.wait_days).collect();
        waits.sort_unstable();
        if waits.len() < 3 {
            return None;
        }
        let median = crate::stats::quantile(&waits, 0.5).unwrap_or_default();
        (median > norm as f64).then(|| {
            let reason = Reason::NormBreach {
                median_wait_days: median,
                norm_days: norm,
                with_wait: waits.len(),
            };
            let name = criteria.wait_norm_name.as_deref().unwrap_or("norm");
            // The window named: the cluster page's figure beside it is over all its signals.
            let phrase = format!(
                "mediane wachttijd {} (signalen van de laatste {}), {name} {}",
                crate::dutch_number::weeks(median),
                weeks(self.days),
                weeks(norm)
            );
            (reason, phrase)
        })
    }
}

/// A cluster first seen recently that already has signals from more than one source.
fn new_cluster(
    history: &History,
    criteria: &Criteria,
    today: NaiveDate,
) -> Option<(Reason, String)> {
    let first_seen = history.first_seen?;
    (first_seen > today - chrono::Duration::days(criteria.new_within_days)
        && first_seen <= today
        && history.signals >= criteria.new_min_signals
        && history.sources >= 2)
        .then(|| {
            let reason = Reason::New {
                first_seen,
                signals: history.signals,
            };
            let phrase = format!(
                "nieuw: eerste signaal op {}, nu {} signalen",
                first_seen.format("%d-%m-%Y"),
                history.signals
            );
            (reason, phrase)
        })
}

/// "1 signaal", "5 signalen".
fn plural(count: usize, one: &str, more: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_in_a_teams_words() {
        assert_eq!(
            Criteria::default().agenda_threshold(),
            "zodra er in 8 weken minstens 5 signalen zijn van minstens 3 teams of partners, \
             of eerder als ze snel toenemen of het knelpunt nieuw is"
        );
        let mut ggz = Criteria::default();
        (ggz.window_days, ggz.min_sources) = (30, 1);
        (ggz.wait_norm_days, ggz.wait_norm_name) = (Some(70), Some("Treeknorm".into()));
        assert_eq!(
            ggz.agenda_threshold(),
            "zodra er in 4,3 weken minstens 5 signalen zijn, of eerder als ze snel toenemen of \
             het knelpunt nieuw is, of als van minstens drie signalen met een wachttijd de helft \
             langer wacht dan de Treeknorm (10 weken)"
        );
    }

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    fn event(date: &str, source: &str, area: &str, wait: Option<i64>) -> Event {
        Event {
            observed_on: day(date),
            source: source.into(),
            area: area.into(),
            wait_days: wait,
        }
    }

    /// Five signals from `sources` distinct sources, ending on 2026-09-30.
    fn five(sources: usize) -> Vec<Event> {
        (0..5)
            .map(|i| {
                event(
                    &format!("2026-09-{:02}", 26 + i),
                    &format!("team{}", i % sources),
                    "Moerwijk",
                    None,
                )
            })
            .collect()
    }

    fn quiet() -> Criteria {
        Criteria {
            spike_min_signals: 1000,
            new_min_signals: 1000,
            ..Criteria::default()
        }
    }

    #[test]
    fn frequency_needs_breadth_too() {
        let today = day("2026-09-30");
        let promoted = evaluate(&five(3), &quiet(), today).expect("5 signals, 3 sources");
        assert_eq!(
            promoted.reasons,
            vec![Reason::Frequency {
                signals: 5,
                sources: 3,
                areas: 1,
                window_days: 56
            }]
        );
        assert_eq!(
            promoted.waarom,
            "5 signalen van 3 bronnen in 1 wijk in 8 weken"
        );
        assert_eq!(
            evaluate(&five(2), &quiet(), today),
            None,
            "one busy team is not enough"
        );
        assert_eq!(
            evaluate(&five(3)[..4], &quiet(), today),
            None,
            "four signals"
        );
    }

    #[test]
    fn the_window_boundaries() {
        let criteria = Criteria {
            window_days: 5,
            ..quiet()
        };
        // Signals on 26..30 September; a 5-day window ending on the 30th holds all five.
        assert!(evaluate(&five(3), &criteria, day("2026-09-30")).is_some());
        // On 1 October the window is 27 Sept – 1 Oct: the signal of the 26th falls out.
        assert_eq!(evaluate(&five(3), &criteria, day("2026-10-01")), None);
        // Signals after "today" do not count.
        assert_eq!(evaluate(&five(3), &criteria, day("2026-09-29")), None);
    }

    #[test]
    fn spikes_against_the_previous_window() {
        let criteria = Criteria {
            window_days: 7,
            min_signals: 1000,
            new_min_signals: 1000,
            ..Criteria::default()
        };
        let mut events: Vec<Event> = (0..4)
            .map(|i| event("2026-09-28", &format!("t{i}"), "Laak", None))
            .collect();
        events.push(event("2026-09-20", "t0", "Laak", None));
        events.push(event("2026-09-21", "t1", "Laak", None));
        let promoted =
            evaluate(&events, &criteria, day("2026-09-30")).expect("4 against 2 is a spike");
        assert_eq!(
            promoted.reasons,
            vec![Reason::Spike {
                recent: 4,
                previous: 2,
                window_days: 7
            }]
        );
        events.push(event("2026-09-22", "t2", "Laak", None));
        assert_eq!(
            evaluate(&events, &criteria, day("2026-09-30")),
            None,
            "4 against 3 is not"
        );
    }

    #[test]
    fn new_combinations_and_norm_breaches() {
        let today = day("2026-09-30");
        let criteria = Criteria {
            min_signals: 1000,
            spike_min_signals: 1000,
            wait_norm_days: Some(70),
            wait_norm_name: Some("Treeknorm".into()),
            ..Criteria::default()
        };
        let events = vec![
            event("2026-09-10", "ggz", "Laak", Some(112)),
            event("2026-09-12", "huisarts", "Laak", Some(98)),
            event("2026-09-20", "ggz", "Laak", Some(140)),
        ];
        let promoted = evaluate(&events, &criteria, today).unwrap();
        assert_eq!(promoted.reasons.len(), 2);
        assert_eq!(
            promoted.waarom,
            "nieuw: eerste signaal op 10-09-2026, nu 3 signalen; mediane wachttijd 16 weken (signalen van de laatste 8 weken), Treeknorm 10 weken"
        );
        // Exactly at the norm is no breach; an old cluster is not new.
        let at_norm: Vec<Event> = events
            .iter()
            .map(|e| Event {
                wait_days: Some(70),
                ..e.clone()
            })
            .collect();
        let later = day("2026-10-20");
        assert_eq!(evaluate(&at_norm, &criteria, later), None);
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let base = Criteria::default();
        let ggz = base.with(&CriteriaOverride {
            wait_norm_days: Some(70),
            min_sources: Some(2),
            ..CriteriaOverride::default()
        });
        assert_eq!(
            (ggz.wait_norm_days, ggz.min_sources, ggz.min_signals),
            (Some(70), 2, 5)
        );
    }
}
