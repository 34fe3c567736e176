//! How the rules and the model decide together, one decision per barrier:
//!
//! - a **rule** match counts (unless a rule exclusion vetoes it, as before) when the model does
//!   not contradict it: its calibrated probability for the barrier is at least the barrier's
//!   *floor* (chosen by cross-validation on the training notes, stored in the model file,
//!   overridable in the rules file: `[model] floor`, `[barrier.model] floor`). Found by `regel`,
//!   with the pattern that matched. On the training notes most wrong rule matches are ones the
//!   model gives almost no chance (a rule's words without the barrier), while right ones it
//!   rarely puts that low;
//! - otherwise the **model** counts when its calibrated probability reaches the barrier's
//!   threshold — chosen by cross-validation on the training notes and stored in the model file,
//!   overridable in the rules file (`[model] threshold`, `[barrier.model] threshold`) — and no
//!   rule exclusion of that barrier matches (`[model] veto`, on by default): found by `model`,
//!   with its probability and the five terms that weighed most. A barrier may ask for more
//!   before the model alone counts: `[barrier.model] needs`, a pattern the note must match
//!   (the fear that youth care takes the children needs a child, a parent or youth care);
//! - `overleg` (a reviewer's label) is the third way a barrier can be found; labels are stored
//!   by the review, not decided here.
//!
//! The rules file names its model (`[model] file`); loading a rule set that names one without
//! it, or with a model for other barriers, is an error, never a silent rules-only fallback.

use crate::model::{Model, ModelError};
use crate::ruleset::RuleSet;
use knooppunt_domain::recognition::{How, Recognition};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

/// `[model]` in the rules file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// The model file, relative to the rules file (`default_model.kpm` ships next to
    /// `default_rules.toml`).
    pub file: String,
    /// The probability from which the model counts, for every barrier (default: the
    /// thresholds chosen by cross-validation, stored in the model).
    pub threshold: Option<f32>,
    /// The probability below which the model vetoes a rule match, for every barrier (default:
    /// the floors chosen by cross-validation, stored in the model; `0` turns the veto off).
    pub floor: Option<f32>,
    /// Whether a rule exclusion of a barrier also vetoes the model for it (default true).
    #[serde(default = "yes")]
    pub veto: bool,
}

fn yes() -> bool {
    true
}

/// `[barrier.model]` in the rules file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BarrierModelSpec {
    /// This barrier's threshold, overriding `[model] threshold` and the model's own.
    pub threshold: Option<f32>,
    /// This barrier's floor, overriding `[model] floor` and the model's own.
    pub floor: Option<f32>,
    /// A pattern the note must match for the model alone to find this barrier (the fear that
    /// youth care takes the children needs a child, a parent or youth care in the note); rule
    /// matches do not need it.
    pub needs: Option<String>,
}

/// The model part of a rule set: what the rules file asks for and, once loaded, the model.
#[derive(Debug, Clone, Default)]
pub struct ModelSlot {
    pub spec: Option<ModelSpec>,
    /// Per barrier, the rules file's own threshold.
    pub barrier_thresholds: Vec<Option<f32>>,
    /// Per barrier, the rules file's own floor.
    pub barrier_floors: Vec<Option<f32>>,
    /// Per barrier, what a note must match for the model alone to find it (`needs`).
    pub barrier_needs: Vec<Option<regex::Regex>>,
    pub loaded: Option<Loaded>,
}

/// A model checked against its rule set, with the thresholds in force.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub model: Arc<Model>,
    pub thresholds: Vec<f32>,
    /// Per barrier, the floor below which the model vetoes a rule match.
    pub floors: Vec<f32>,
}

impl ModelSlot {
    /// Whether a normalised text matches what barrier `barrier` `needs` for the model alone to
    /// find it (true when it needs nothing).
    pub fn needs_met(&self, barrier: usize, normalised: &str) -> bool {
        self.barrier_needs
            .get(barrier)
            .and_then(Option::as_ref)
            .is_none_or(|needs| needs.is_match(normalised))
    }

    /// Checks the thresholds (0 < t < 1) and floors (0 ≤ f < 1) of the rules file.
    pub fn check(&self, errors: &mut Vec<String>) {
        let valid = |t: f32| t > 0.0 && t < 1.0;
        if let Some(t) = self.spec.as_ref().and_then(|s| s.threshold) {
            if !valid(t) {
                errors.push(format!("model.threshold {t} moet tussen 0 en 1 liggen"));
            }
        }
        for t in self.barrier_thresholds.iter().flatten() {
            if !valid(*t) {
                errors.push(format!(
                    "model.threshold {t} van een barrière moet tussen 0 en 1 liggen"
                ));
            }
        }
        let floor_ok = |f: f32| (0.0..1.0).contains(&f);
        let global = self.spec.as_ref().and_then(|s| s.floor);
        for f in global.iter().chain(self.barrier_floors.iter().flatten()) {
            if !floor_ok(*f) {
                errors.push(format!(
                    "model.floor {f} moet minstens 0 en kleiner dan 1 zijn"
                ));
            }
        }
    }
}

/// How a barrier was found.
#[derive(Debug, Clone, PartialEq)]
pub enum FoundBy<'a> {
    /// A rule matched: the pattern (or the patterns of an `all` group).
    Rule { rule: &'a str },
    /// The model's probability reached the threshold; the terms that weighed most.
    Model { terms: Vec<String> },
}

impl FoundBy<'_> {
    /// The record of how this barrier was found, with the model's score when a model took part.
    pub fn recognition(&self, model_score: Option<f32>) -> Recognition {
        match self {
            FoundBy::Rule { rule } => Recognition {
                how: How::Rule,
                rule: Some((*rule).to_string()),
                model_score,
                terms: Vec::new(),
            },
            FoundBy::Model { terms } => Recognition {
                how: How::Model,
                rule: None,
                model_score,
                terms: terms.clone(),
            },
        }
    }
}

/// One barrier the rules and the model decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision<'a> {
    pub barrier: usize,
    /// The rule's confidence, or the model's calibrated probability.
    pub confidence: f64,
    pub found_by: FoundBy<'a>,
    /// The model's calibrated probability for this barrier, when a model is loaded.
    pub model_score: Option<f32>,
}

/// The terms reported for a model decision.
pub const TERMS: usize = 5;

/// Decides per barrier from the rule hits (after exclusions) and the model, for the text
/// `scanned` read.
pub(crate) fn decide<'a>(scanned: &crate::ruleset::Scanned<'a, '_>) -> Vec<Decision<'a>> {
    let (rules, normalised) = (scanned.rules(), scanned.normalised());
    let rule_hits = scanned.rule_hits();
    let Some(loaded) = &rules.model.loaded else {
        return rule_hits
            .into_iter()
            .map(|(barrier, confidence, rule)| Decision {
                barrier,
                confidence,
                found_by: FoundBy::Rule { rule },
                model_score: None,
            })
            .collect();
    };
    let model = &loaded.model;
    let scores = model.probabilities(normalised);
    let veto = rules.model.spec.as_ref().is_none_or(|s| s.veto);
    let mut out = Vec::with_capacity(rule_hits.len() + 1);
    let mut hits = rule_hits.into_iter().peekable();
    for (barrier, &score) in scores.iter().enumerate() {
        if let Some((_, confidence, rule)) = hits.next_if(|(b, _, _)| *b == barrier) {
            // The model vetoes a rule it gives almost no chance; below the floor it is also
            // below the threshold, so the barrier is not found at all.
            if score < loaded.floors[barrier] {
                continue;
            }
            out.push(Decision {
                barrier,
                confidence,
                found_by: FoundBy::Rule { rule },
                model_score: Some(score),
            });
            continue;
        }
        if score < loaded.thresholds[barrier] {
            continue;
        }
        if veto && scanned.excluded()[barrier] {
            continue;
        }
        if !rules.model.needs_met(barrier, normalised) {
            continue;
        }
        out.push(Decision {
            barrier,
            confidence: f64::from(score),
            found_by: FoundBy::Model {
                terms: model.top_terms(normalised, barrier, TERMS),
            },
            model_score: Some(score),
        });
    }
    out
}

impl RuleSet {
    /// Attaches a model, checking it against the rule set's barriers.
    pub fn with_model(mut self, model: Model) -> Result<Self, ModelError> {
        let ids: Vec<&str> = self.barriers().iter().map(|b| b.id.as_str()).collect();
        model.check_barriers(&ids)?;
        let global = self.model.spec.as_ref().and_then(|s| s.threshold);
        let thresholds = (0..ids.len())
            .map(|b| {
                self.model.barrier_thresholds[b]
                    .or(global)
                    .unwrap_or(model.header.thresholds[b])
            })
            .collect();
        let global_floor = self.model.spec.as_ref().and_then(|s| s.floor);
        let floors = (0..ids.len())
            .map(|b| {
                self.model.barrier_floors[b]
                    .or(global_floor)
                    .or_else(|| model.header.floors.get(b).copied())
                    .unwrap_or(0.0)
            })
            .collect();
        self.model.loaded = Some(Loaded {
            model: Arc::new(model),
            thresholds,
            floors,
        });
        Ok(self)
    }

    /// Loads the model the rules file names (`[model] file`, relative to `base`); a rules file
    /// without `[model]` classifies with its rules alone.
    pub fn with_model_file(self, base: &Path) -> Result<Self, ModelError> {
        let Some(spec) = &self.model.spec else {
            return Ok(self);
        };
        let path = base.join(&spec.file);
        let bytes = std::fs::read(&path).map_err(|e| {
            ModelError(format!(
                "het regelbestand vraagt model {} maar dat is niet te lezen: {e}; train het met 'knooppunt model train'",
                path.display()
            ))
        })?;
        let model = Model::from_bytes(&bytes)
            .map_err(|e| ModelError(format!("model {}: {e}", path.display())))?;
        self.with_model(model)
    }

    /// The same rule set without its model: the rules alone.
    pub fn without_model(&self) -> Self {
        let mut rules = self.clone();
        rules.model.loaded = None;
        rules
    }

    /// The loaded model, if any.
    pub fn model(&self) -> Option<&Model> {
        self.model.loaded.as_ref().map(|l| l.model.as_ref())
    }

    /// The model's thresholds in force, per barrier.
    pub fn model_thresholds(&self) -> Option<&[f32]> {
        self.model.loaded.as_ref().map(|l| l.thresholds.as_slice())
    }

    /// The model's floors in force, per barrier: below it the model vetoes a rule match.
    pub fn model_floors(&self) -> Option<&[f32]> {
        self.model.loaded.as_ref().map(|l| l.floors.as_slice())
    }

    /// Whether the rules file asks for a model.
    pub fn wants_model(&self) -> bool {
        self.model.spec.is_some()
    }
}
