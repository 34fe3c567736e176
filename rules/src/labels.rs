//! The overleg's labels on recognition (issue 11, the review loop): on a cluster page a signal
//! "hoort niet bij deze barrière" or "ook: <barrière>"; in the *Niet ingedeeld* queue an
//! unclassified signal gets a barrier or "geen barrière".
//!
//! Labels are stored append-only (`signal_labels`) and the latest label per (signal, barrier)
//! holds. They take effect at once — the signal's barriers, its memberships and the cluster
//! counts follow in the same transaction — and a replay applies them again after
//! re-classifying ([`SignalLabels::settle`]). They are training notes for the next model
//! ([`SignalLabels::training_note`]) and the measure of real-world accuracy ([`measure`]).

use crate::learning::measure::Report;
use crate::ruleset::{normalise, RuleSet};

use std::collections::BTreeMap;

pub use knooppunt_domain::labels::*;

/// One quarter measured against the labels: the counts per mode and barrier, and how many
/// labelled positives and negatives each barrier had.
#[derive(Debug, Clone)]
pub struct LabelReport {
    pub report: Report,
    pub positives: Vec<usize>,
    pub negatives: Vec<usize>,
}

/// Precision and recall of the rules, the model and the combination against the overleg's
/// own labels, per quarter of observation. A barrier counts only on signals labelled for it
/// (positive: hoort erbij or ook; negative: hoort er niet bij, or geen barrière).
pub fn measure(rules: &RuleSet, signals: &[LabelledSignal]) -> BTreeMap<String, LabelReport> {
    let rules_only = rules.without_model();
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let model = rules.model().zip(rules.model_thresholds());
    let mut quarters: BTreeMap<String, LabelReport> = BTreeMap::new();
    for signal in signals {
        let quarter = quarters
            .entry(quarter_of(&signal.observed_on.to_string()))
            .or_insert_with(|| LabelReport {
                report: Report::new(barriers.clone()),
                positives: vec![0; barriers.len()],
                negatives: vec![0; barriers.len()],
            });
        let report = &mut quarter.report;
        report.notes += 1;
        let alone = rules_only.classify(&signal.text);
        let both = rules.classify(&signal.text);
        let probabilities = model.map(|(m, _)| m.probabilities(&normalise(&signal.text)));
        for (b, barrier) in barriers.iter().enumerate() {
            let Some(truth) = signal.labels.belongs(barrier) else {
                continue;
            };
            if truth {
                quarter.positives[b] += 1;
            } else {
                quarter.negatives[b] += 1;
            }
            let by_model = match (&probabilities, model) {
                (Some(p), Some((_, thresholds))) => p[b] >= thresholds[b],
                _ => false,
            };
            let found = [
                alone.contains(&barrier.as_str()),
                by_model,
                both.contains(&barrier.as_str()),
            ];
            for (mode, found) in found.into_iter().enumerate() {
                report.counts[mode][b].add(truth, found);
            }
        }
    }
    quarters
}

#[cfg(test)]
mod tests {
    use super::*;
    use knooppunt_domain::cluster::ClusterKey;

    #[test]
    fn training_notes_say_what_was_labelled() {
        let mut labels = SignalLabels::default();
        labels.record(1, "a", Verdict::Belongs);
        labels.record(2, "b", Verdict::DoesNotBelong);
        let signal = LabelledSignal {
            source: "s".into(),
            id: "1".into(),
            observed_on: "2026-05-01".parse().unwrap(),
            text: "tekst".into(),
            organisation: None,
            wait_days: Some(63),
            labels: labels.clone(),
        };
        let note = labels.training_note(&signal);
        let parsed = crate::learning::notes::parse_line(&note.to_string()).unwrap();
        assert_eq!(parsed.barriers, ["a"]);
        assert!(parsed.labelled("a") && parsed.labelled("b") && !parsed.labelled("c"));
        assert_eq!(note["voice"], "overleg");
        labels.record(3, "", Verdict::NoBarrier);
        let parsed =
            crate::learning::notes::parse_line(&labels.training_note(&signal).to_string()).unwrap();
        assert!(parsed.barriers.is_empty() && parsed.labelled("c"));
    }

    #[test]
    fn quarters() {
        for (date, quarter) in [
            ("2026-01-31", "2026-K1"),
            ("2026-09-14", "2026-K3"),
            ("2026-12-01", "2026-K4"),
        ] {
            assert_eq!(quarter_of(date), quarter, "{date}");
        }
        assert_eq!(
            key_from_setting(Some("barrier×area×organisation")),
            ClusterKey {
                area: true,
                organisation: true
            }
        );
    }
}
