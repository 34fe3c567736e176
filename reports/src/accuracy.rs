//! How accurate recognition is, and what that means for a count: the brief's methods appendix
//! states the measured precision and recall per barrier and turns every published count into
//! a range ("38 signalen; naar schatting 34–41 na correctie voor herkenning").
//!
//! The figures come from the caller as plain counts (the reports crate does not measure
//! recognition itself): from the overleg's own labels for the brief's quarter when a barrier
//! has enough of them, otherwise from the project's cross-validated test notes.
//!
//! The estimate of the true number is `count × precision / recall`: of the signals counted,
//! a share `precision` really is about the barrier, and those are a share `recall` of all
//! signals that are. The range takes the 95% Wilson interval of precision (from tp out of
//! tp + fp) and of recall (from tp out of tp + fn): the lower bound is
//! `count × lowest precision / highest recall`, rounded down; the upper bound
//! `count × highest precision / lowest recall`, rounded up.
//!
//! The range is computed from the published figure only, so it goes through the disclosure
//! step with it: a suppressed count gets no range, and a lower bound below the minimum group
//! size is shown as "minder dan N".

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Labels of the overleg are used for a barrier when both precision and recall rest on at
/// least this many labelled signals in the quarter.
pub const MIN_LABELLED: u64 = 10;

/// The counts a precision and recall were measured from, for one barrier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measured {
    /// Found and right.
    pub tp: u64,
    /// Found, but not about the barrier.
    pub fp: u64,
    /// About the barrier, but not found.
    pub fn_: u64,
}

impl Measured {
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// Whether both precision and recall rest on at least `min` signals.
    pub fn enough(&self, min: u64) -> bool {
        self.tp + self.fp >= min && self.tp + self.fn_ >= min
    }
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Where a barrier's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The overleg's own labels on this quarter's signals.
    Labels,
    /// The project's own test notes, cross-validated.
    Notes,
}

/// What the caller measured: per barrier from the overleg's labels in the brief's quarter
/// and from the project's test notes.
#[derive(Debug, Clone, Default)]
pub struct Recognition {
    pub labels: BTreeMap<String, Measured>,
    pub notes: BTreeMap<String, Measured>,
    /// How the notes were measured, for the methods text ("412 eigen testnotities,
    /// 5-voudig kruisgevalideerd"); empty when there were none.
    pub notes_description: String,
}

impl Recognition {
    /// The figures used for `barrier`: the labels when there are enough, else the notes.
    pub fn for_barrier(&self, barrier: &str) -> Option<(Measured, Source)> {
        match self.labels.get(barrier) {
            Some(m) if m.enough(MIN_LABELLED) => Some((*m, Source::Labels)),
            _ => self
                .notes
                .get(barrier)
                .filter(|m| m.tp + m.fp + m.fn_ > 0)
                .map(|m| (*m, Source::Notes)),
        }
    }
}

/// The 95% Wilson score interval of `successes` out of `n`; `None` for `n == 0`.
pub fn wilson(successes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = successes.min(n) as f64 / n_f;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n_f)) / (1.0 + z2 / n_f);
    let half = Z95 / (1.0 + z2 / n_f) * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A count corrected for recognition: the estimate and its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Corrected {
    pub estimate: f64,
    pub low: i64,
    pub high: i64,
}

/// `count × precision / recall` with its range (see the module text); `None` when precision
/// or recall cannot be measured or nothing was found right (a recall of zero has no bound).
pub fn corrected(count: i64, measured: Measured) -> Option<Corrected> {
    let precision = measured.precision()?;
    let recall = measured.recall()?;
    if measured.tp == 0 || count < 0 {
        return None;
    }
    let (p_low, p_high) = wilson(measured.tp, measured.tp + measured.fp)?;
    let (r_low, r_high) = wilson(measured.tp, measured.tp + measured.fn_)?;
    let count = count as f64;
    // A tiny tolerance so that an exact product (38 × 1 / 1) is not pushed one down or up.
    let low = (count * p_low / r_high + 1e-9).floor() as i64;
    let high = (count * p_high / r_low - 1e-9).ceil() as i64;
    Some(Corrected {
        estimate: count * precision / recall,
        low,
        high,
    })
}

/// "0,91".
pub fn decimal(value: f64) -> String {
    knooppunt_domain::dutch_number::decimal(value, 2)
}

/// The range as published: "34–41"; "minder dan 5–8" when the lower bound lies below the
/// minimum group size; `None` for a suppressed (not a number) or unmeasured count.
pub fn published_range(
    shown: &str,
    measured: Option<Measured>,
    min_group_size: i64,
) -> Option<String> {
    let count: i64 = shown.trim().parse().ok()?;
    if count < min_group_size {
        return None;
    }
    let c = corrected(count, measured?)?;
    if c.low < min_group_size {
        Some(format!("minder dan {min_group_size}–{}", c.high))
    } else {
        Some(format!("{}–{}", c.low, c.high))
    }
}

/// One line of the methods appendix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Line {
    pub title: String,
    pub signals: String,
    /// "34–41", or empty when there is no range (suppressed or not measured).
    pub range: String,
    pub precision: String,
    pub recall: String,
    pub source: String,
}

/// What the methods appendix shows about recognition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct View {
    pub lines: Vec<Line>,
    pub used_labels: bool,
    pub used_notes: bool,
    pub notes_description: String,
    pub min_labelled: u64,
}

/// "0,91 (0,83–0,96)": the figure and its 95% interval.
fn with_interval(value: Option<f64>, part: u64, whole: u64) -> String {
    match (value, wilson(part, whole)) {
        (Some(v), Some((low, high))) => {
            format!("{} ({}–{})", decimal(v), decimal(low), decimal(high))
        }
        _ => "niet gemeten".into(),
    }
}

impl View {
    /// The appendix lines for `(barrier, title, shown count)`, in the given order.
    pub fn build(
        recognition: &Recognition,
        rows: &[(String, String, String)],
        min_group_size: i64,
    ) -> Self {
        let mut used_labels = false;
        let mut used_notes = false;
        let lines = rows
            .iter()
            .map(|(barrier, title, shown)| {
                let found = recognition.for_barrier(barrier);
                let (precision, recall, source) = match found {
                    Some((m, source)) => {
                        used_labels |= source == Source::Labels;
                        used_notes |= source == Source::Notes;
                        (
                            with_interval(m.precision(), m.tp, m.tp + m.fp),
                            with_interval(m.recall(), m.tp, m.tp + m.fn_),
                            match source {
                                Source::Labels => "labels van het overleg",
                                Source::Notes => "eigen testnotities",
                            },
                        )
                    }
                    None => ("niet gemeten".into(), "niet gemeten".into(), "–"),
                };
                Line {
                    title: title.clone(),
                    signals: shown.clone(),
                    range: published_range(shown, found.map(|(m, _)| m), min_group_size)
                        .unwrap_or_default(),
                    precision,
                    recall,
                    source: source.to_string(),
                }
            })
            .collect();
        View {
            lines,
            used_labels,
            used_notes,
            notes_description: recognition.notes_description.clone(),
            min_labelled: MIN_LABELLED,
        }
    }

    /// The range shown for a count of `title`, if any.
    pub fn range_of(&self, title: &str) -> Option<&str> {
        self.lines
            .iter()
            .find(|l| l.title == title && !l.range.is_empty())
            .map(|l| l.range.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(tp: u64, fp: u64, fn_: u64) -> Measured {
        Measured { tp, fp, fn_ }
    }

    #[test]
    fn wilson_matches_the_textbook_values() {
        // 8 of 10: 0.4902–0.9433 (Wilson, z = 1.96).
        let (low, high) = wilson(8, 10).unwrap();
        assert!((low - 0.4902).abs() < 1e-4, "{low}");
        assert!((high - 0.9433).abs() < 1e-4, "{high}");
        let (low, high) = wilson(0, 10).unwrap();
        assert_eq!(low, 0.0);
        assert!((high - 0.2775).abs() < 1e-4, "{high}");
        let (low, high) = wilson(10, 10).unwrap();
        assert!((low - 0.7225).abs() < 1e-4 && (high - 1.0).abs() < 1e-9);
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn estimate_is_count_times_precision_over_recall() {
        // precision 90/100 = 0.9, recall 90/(90+10) = 0.9: the estimate is the count.
        let c = corrected(38, m(90, 10, 10)).unwrap();
        assert!((c.estimate - 38.0).abs() < 1e-9);
        assert!(c.low < 38 && c.high > 38, "{c:?}");
        // precision 0.8, recall 0.5: 40 × 0.8 / 0.5 = 64.
        let c = corrected(40, m(40, 10, 40)).unwrap();
        assert!((c.estimate - 64.0).abs() < 1e-9);
        assert!(c.low <= 64 && c.high >= 64);
        // The bounds by hand: 40 × p_low / r_high and 40 × p_high / r_low.
        let (pl, ph) = wilson(40, 50).unwrap();
        let (rl, rh) = wilson(40, 80).unwrap();
        assert_eq!(c.low, (40.0 * pl / rh).floor() as i64);
        assert_eq!(c.high, (40.0 * ph / rl).ceil() as i64);
    }

    #[test]
    fn more_measurements_give_a_narrower_range() {
        let few = corrected(38, m(9, 1, 1)).unwrap();
        let many = corrected(38, m(900, 100, 100)).unwrap();
        assert!(many.high - many.low < few.high - few.low);
        assert!(many.low >= few.low && many.high <= few.high);
        // Perfect on many: the range closes in on the count (bounds rounded outward).
        let exact = corrected(38, m(100_000, 0, 0)).unwrap();
        assert!((exact.estimate - 38.0).abs() < 1e-9);
        assert!(exact.low >= 37 && exact.high <= 39, "{exact:?}");
    }

    #[test]
    fn nothing_found_right_has_no_range() {
        assert_eq!(corrected(10, m(0, 5, 5)), None);
        assert_eq!(corrected(10, m(0, 0, 0)), None);
    }

    #[test]
    fn published_range_goes_through_disclosure() {
        let good = Some(m(90, 10, 10));
        assert_eq!(published_range("x", good, 5), None, "suppressed: no range");
        assert_eq!(
            published_range("3", good, 5),
            None,
            "below the minimum: no range"
        );
        assert_eq!(published_range("38", None, 5), None, "unmeasured: no range");
        let r = published_range("38", good, 5).unwrap();
        assert!(r.contains('–') && !r.contains('-'), "{r}");
        // A low bound under the minimum group size is never printed as itself.
        let shaky = published_range("5", Some(m(3, 3, 3)), 5).unwrap();
        assert!(shaky.starts_with("minder dan 5–"), "{shaky}");
    }

    #[test]
    fn labels_are_used_only_when_there_are_enough() {
        let mut recognition = Recognition::default();
        recognition.notes.insert("a".into(), m(50, 5, 5));
        recognition.labels.insert("a".into(), m(9, 0, 3));
        assert_eq!(recognition.for_barrier("a").unwrap().1, Source::Notes);
        recognition.labels.insert("a".into(), m(10, 0, 3));
        assert_eq!(recognition.for_barrier("a").unwrap().1, Source::Labels);
        assert_eq!(recognition.for_barrier("b"), None);
    }

    #[test]
    fn view_states_figures_in_dutch() {
        let mut recognition = Recognition::default();
        recognition.notes.insert("a".into(), m(40, 10, 40));
        let rows = vec![
            ("a".to_string(), "Titel A".to_string(), "40".to_string()),
            ("b".to_string(), "Titel B".to_string(), "x".to_string()),
        ];
        let view = View::build(&recognition, &rows, 5);
        assert_eq!(view.lines[0].precision, "0,80 (0,67–0,89)");
        assert!(view.lines[0].recall.starts_with("0,50 ("));
        assert_eq!(view.lines[0].source, "eigen testnotities");
        assert_eq!(view.lines[1].range, "");
        assert_eq!(view.lines[1].precision, "niet gemeten");
        assert!(view.used_notes && !view.used_labels);
        assert_eq!(view.range_of("Titel A"), Some(view.lines[0].range.as_str()));
    }
}
