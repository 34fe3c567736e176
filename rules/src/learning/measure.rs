//! How well recognition does, for the rules alone, the model alone and the combination:
//! per-barrier precision, recall and F1, macro-F1, and the accuracy of `wait_days` and the
//! organisation. On the project's own notes the model's figures are cross-validated (every note
//! scored by a model that did not see it); on an evaluation set such as `../shared/corpus`
//! signals go through the same scrubbing and classification as `knooppunt classify`.
//! Only counts come out of here, never a note.

use super::notes::Note;
use super::train::{cross_validate, rule_hits, Options};
use crate::ruleset::{normalise, RuleSet};
use knooppunt_domain::stats::{f1_of, ratio_or};

/// Counts for one barrier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    /// Counts one labelled case: whether it is the barrier, and whether it was found.
    pub fn add(&mut self, truth: bool, found: bool) {
        match (truth, found) {
            (true, true) => self.tp += 1,
            (true, false) => self.fn_ += 1,
            (false, true) => self.fp += 1,
            _ => {}
        }
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        f1_of(self.precision(), self.recall())
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    ratio_or(0.0, part, whole)
}

/// The three ways of recognising.
pub const MODES: [&str; 3] = ["regels", "model", "samen"];

/// Per mode (rules, model, combination) and barrier, the counts; plus extraction accuracy.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub barriers: Vec<String>,
    /// `[mode][barrier]`.
    pub counts: [Vec<Counts>; 3],
    /// (correct, labelled) for `wait_days`.
    pub wait: (usize, usize),
    /// (correct, labelled) for the organisation.
    pub organisation: (usize, usize),
    pub notes: usize,
}

impl Report {
    /// A report on `barriers` with every count zero.
    pub fn new(barriers: Vec<String>) -> Self {
        let n = barriers.len();
        Self {
            barriers,
            counts: [
                vec![Counts::default(); n],
                vec![Counts::default(); n],
                vec![Counts::default(); n],
            ],
            ..Self::default()
        }
    }

    pub fn macro_f1(&self, mode: usize) -> f64 {
        let counts = &self.counts[mode];
        if counts.is_empty() {
            return 0.0;
        }
        counts.iter().map(Counts::f1).sum::<f64>() / counts.len() as f64
    }

    pub fn wait_accuracy(&self) -> Option<f64> {
        (self.wait.1 > 0).then(|| ratio(self.wait.0, self.wait.1))
    }

    pub fn organisation_accuracy(&self) -> Option<f64> {
        (self.organisation.1 > 0).then(|| ratio(self.organisation.0, self.organisation.1))
    }

    fn extraction(
        &mut self,
        wait: (Option<u32>, Option<u32>),
        organisation: (Option<&str>, Option<&str>),
    ) {
        if let (Some(gold), found) = wait {
            self.wait.1 += 1;
            if found.is_some_and(|w| wait_equal(w, gold)) {
                self.wait.0 += 1;
            }
        }
        if let (Some(gold), found) = organisation {
            if let Some(gold) = organisation_key(gold) {
                self.organisation.1 += 1;
                if found.and_then(organisation_key).is_some_and(|f| f == gold) {
                    self.organisation.0 += 1;
                }
            }
        }
    }
}

/// Half a year may be 180, 182 or 183 days (the labelling conventions).
fn wait_equal(found: u32, gold: u32) -> bool {
    found == gold || (gold == 180 && (found == 182 || found == 183))
}

/// An organisation as the labelling conventions compare it: case, spaces, hyphens and a
/// leading article ignored, any municipal department `gemeente`, official full names folded
/// onto the short label.
pub fn organisation_key(name: &str) -> Option<String> {
    let lower = name.trim().to_lowercase();
    let lower = ["de ", "het "]
        .iter()
        .find_map(|a| lower.strip_prefix(a))
        .unwrap_or(&lower)
        .trim_matches(|c: char| " .,'\"".contains(c))
        .to_string();
    if lower.is_empty() {
        return None;
    }
    let lower = if lower.starts_with("gemeente ") {
        "gemeente".to_string()
    } else {
        lower
    };
    let key: String = lower.chars().filter(|c| !" -_.".contains(*c)).collect();
    Some(
        match key.as_str() {
            "jeugdbeschermingwest" | "jeugdbeschermingwesthaaglanden" => "jeugdbescherming",
            "ggzrivierduinen" => "rivierduinen",
            "parnassiagroep" => "parnassia",
            other => other,
        }
        .to_string(),
    )
}

/// The rules, the model and the combination on the project's notes, the model's figures
/// cross-validated with the model's own training settings. The rules must carry a model.
pub fn cross_validated(rules: &RuleSet, notes: &[Note]) -> Result<Report, String> {
    let model = rules.model().ok_or(NO_MODEL)?;
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let options = Options {
        cost: model.header.trained.cost,
        folds: model.header.trained.folds.max(2),
        buckets_log2: model.header.buckets.trailing_zeros(),
        version: None,
        prune: model.header.trained.prune,
    };
    let decisions = cross_validate(notes, &barriers, &options)?;
    let normalised: Vec<String> = notes.iter().map(|n| normalise(&n.text)).collect();
    scored(rules, notes, &normalised, &decisions)
}

/// Where the model's scores in [`held_out`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldOutScores {
    /// Notes the model was trained on: scored by its cross-validation's fold models.
    pub trained_on: usize,
    /// Notes newer than the model (their normalised text not among its training notes):
    /// scored by the model.
    pub newer: usize,
}

/// [`cross_validated`] without training: every note is still scored by a model that did not
/// see it. A note the model was trained on gets the decision values its cross-validation
/// gave it (kept in the model file, [`crate::model::held_out`]); a note newer than the model
/// gets the model's own. `None` when the model file keeps no such values (format version 1):
/// then only [`cross_validated`] can measure.
pub fn held_out(
    rules: &RuleSet,
    notes: &[Note],
) -> Result<Option<(Report, HeldOutScores)>, String> {
    let model = rules.model().ok_or(NO_MODEL)?;
    let Some(kept) = model.held_out() else {
        return Ok(None);
    };
    kept.check()?;
    let mut scores = HeldOutScores {
        trained_on: 0,
        newer: 0,
    };
    let normalised: Vec<String> = notes.iter().map(|n| normalise(&n.text)).collect();
    let decisions: Vec<Vec<f32>> = normalised
        .iter()
        .map(|text| match kept.get(crate::model::held_out::key(text)) {
            Some(decisions) => {
                scores.trained_on += 1;
                decisions
            }
            None => {
                scores.newer += 1;
                model.decision_values(text)
            }
        })
        .collect();
    let report = scored(rules, notes, &normalised, &decisions)?;
    Ok(Some((report, scores)))
}

const NO_MODEL: &str = "het regelbestand heeft geen model";

/// The report of the rules, the model and their combination on `notes` (`normalised`: their
/// texts normalised), the model's decision values per note being `decisions` (each from a
/// model that did not see the note).
fn scored(
    rules: &RuleSet,
    notes: &[Note],
    normalised: &[String],
    decisions: &[Vec<f32>],
) -> Result<Report, String> {
    let model = rules.model().ok_or(NO_MODEL)?;
    let thresholds = rules.model_thresholds().ok_or(NO_MODEL)?;
    let floors = rules.model_floors().ok_or(NO_MODEL)?;
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let by_rules = rule_hits(rules, notes);
    let mut report = Report::new(barriers.clone());
    report.notes = notes.len();
    for (i, (note, normalised)) in notes.iter().zip(normalised).enumerate() {
        let excluded = rules.model_barred_normalised(normalised);
        // Whether the cross-validated combination found any barrier: a signal reports a wait
        // only with a barrier, so a wait counts as found only when it did (the full model,
        // trained on this very note, would find barriers a held-out model does not).
        let mut found_any = false;
        for (b, barrier) in barriers.iter().enumerate() {
            if !note.labelled(barrier) {
                continue;
            }
            let truth = note.is(barrier);
            let decision = decisions.get(i).and_then(|d| d.get(b)).copied();
            let p = model.probability(b, decision.ok_or("te weinig scores voor de notities")?);
            let by_model = p >= thresholds[b];
            report.counts[0][b].add(truth, by_rules[i][b]);
            report.counts[1][b].add(truth, by_model);
            // As `combine::decide`: the model vetoes a rule match below the floor.
            let by_rule = by_rules[i][b] && p >= floors[b];
            let combined = by_rule || (by_model && !excluded[b]);
            found_any |= combined;
            report.counts[2][b].add(truth, combined);
        }
        let analysis = rules.analyse(&note.text);
        report.extraction(
            (
                note.wait_days.flatten(),
                analysis.wait_days.filter(|_| found_any),
            ),
            (
                note.organisation.as_ref().and_then(|o| o.as_deref()),
                analysis.organisation,
            ),
        );
    }
    Ok(report)
}

/// The rules, the model and the combination on an evaluation set in the corpus format
/// (`{"id", "observed_on", "source", "area", "text", "expected", "wait_days",
/// "organisation", …}` per line), each signal scrubbed and classified as
/// `knooppunt classify` does. Returns an error naming the line for an unreadable line.
pub fn evaluation_set(rules: &RuleSet, jsonl: &str) -> Result<Report, String> {
    use knooppunt_domain::envelope::{Channel, Envelope};
    let model = rules.model().ok_or(NO_MODEL)?;
    let thresholds = rules.model_thresholds().ok_or(NO_MODEL)?;
    let rules_only = rules.without_model();
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let mut report = Report::new(barriers.clone());
    let today = knooppunt_ingest::today_nl();
    for (number, line) in jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = |what: &str| format!("regel {}: {what}", number + 1);
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|_| at("geen geldige JSON"))?;
        let expected: Vec<&str> = value
            .get("expected")
            .and_then(|v| v.as_array())
            .ok_or_else(|| at("veld 'expected' ontbreekt"))?
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let mut input = serde_json::Map::new();
        for field in ["id", "observed_on", "source", "area", "themes", "text"] {
            if let Some(v) = value.get(field) {
                input.insert(field.to_string(), v.clone());
            }
        }
        let signal =
            knooppunt_domain::signal::parse_signal(&serde_json::Value::Object(input), today)
                .map_err(|e| at(&knooppunt_domain::signal::describe(&e)))?;
        let (envelope, _) = Envelope::prepare_screened(signal, Channel::Jsonl, chrono::Utc::now());
        let both = crate::engine::classify(rules, envelope.clone());
        let alone = crate::engine::classify(&rules_only, envelope);
        let probabilities = model.probabilities(&normalise(&both.envelope.signal.text));
        report.notes += 1;
        for (b, barrier) in barriers.iter().enumerate() {
            let truth = expected.contains(&barrier.as_str());
            report.counts[0][b].add(truth, alone.barriers().any(|x| x == barrier));
            report.counts[1][b].add(truth, probabilities[b] >= thresholds[b]);
            report.counts[2][b].add(truth, both.barriers().any(|x| x == barrier));
        }
        let gold_wait = value
            .get("wait_days")
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok());
        report.extraction(
            (gold_wait, both.wait_days),
            (
                value.get("organisation").and_then(|v| v.as_str()),
                both.envelope.signal.organisation.as_deref(),
            ),
        );
    }
    Ok(report)
}
