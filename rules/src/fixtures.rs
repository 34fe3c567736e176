//! Rule fixtures: per barrier, notes that are and notes that are not that barrier
//! (`rules/fixtures/<barrier>.toml`), and the precision and recall a rule set reaches on them.
//! Pure: the caller reads the files.

use crate::ruleset::RuleSet;
use knooppunt_domain::stats::{f1_of, ratio_or};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureFile {
    pub barrier: String,
    pub positive: Vec<String>,
    pub negative: Vec<String>,
}

impl FixtureFile {
    pub fn parse(source: &str) -> Result<Self, String> {
        toml::from_str(source).map_err(|e| e.message().trim().to_string())
    }
}

/// How one barrier's rule does on the fixtures.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub barrier: String,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// Positives of this barrier that the rule missed.
    pub misses: Vec<String>,
    /// Texts that are not this barrier (its negatives, other barriers' positives) but matched.
    pub false_alarms: Vec<String>,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
    pub fn f1(&self) -> f64 {
        f1_of(self.precision(), self.recall())
    }
}

/// `part / whole`; a rule with nothing to find (or that flags nothing) is not wrong: 1.
fn ratio(part: usize, whole: usize) -> f64 {
    ratio_or(1.0, part, whole)
}

/// Scores every barrier that has a fixture file. A positive of another barrier that matches
/// counts as a false alarm too: fixtures are written as single-barrier notes.
pub fn evaluate(rules: &RuleSet, files: &[FixtureFile]) -> Vec<Score> {
    let classified: Vec<(usize, bool, &str, Vec<&str>)> = files
        .iter()
        .enumerate()
        .flat_map(|(index, file)| {
            let positives = file.positive.iter().map(move |t| (index, true, t.as_str()));
            let negatives = file
                .negative
                .iter()
                .map(move |t| (index, false, t.as_str()));
            positives.chain(negatives)
        })
        .map(|(index, positive, text)| (index, positive, text, rules.classify(text)))
        .collect();
    files
        .iter()
        .enumerate()
        .map(|(me, file)| {
            let mut score = Score {
                barrier: file.barrier.clone(),
                true_positives: 0,
                false_positives: 0,
                false_negatives: 0,
                misses: Vec::new(),
                false_alarms: Vec::new(),
            };
            for (index, positive, text, barriers) in &classified {
                let hit = barriers.contains(&file.barrier.as_str());
                match (*index == me, *positive, hit) {
                    (true, true, true) => score.true_positives += 1,
                    (true, true, false) => {
                        score.false_negatives += 1;
                        score.misses.push(text.to_string());
                    }
                    (true, false, true) | (false, true, true) => {
                        score.false_positives += 1;
                        score.false_alarms.push(text.to_string());
                    }
                    _ => {}
                }
            }
            score
        })
        .collect()
}

/// The mean F1 over barriers.
pub fn macro_f1(scores: &[Score]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    scores.iter().map(Score::f1).sum::<f64>() / scores.len() as f64
}
