//! Recognition on notes nobody on the team wrote: the combination of rules and model must keep
//! macro-F1 ≥ 0.85 on the evaluation set `shared/corpus/signals.jsonl` beside the clone (in CI;
//! from a worktree further down, the nearest such folder above it; `KNOOPPUNT_CORPUS` names
//! another path). Scored only: the set is never trained on, and
//! this test prints figures, never a note. A missing set fails the test; it is not skipped.

use knooppunt_rules::learning::measure::evaluation_set;
use knooppunt_rules::ruleset::RuleSet;
use std::path::{Path, PathBuf};

const BESIDE: &str = "shared/corpus/signals.jsonl";

/// `KNOOPPUNT_CORPUS`, else `shared/corpus/signals.jsonl` in the nearest folder above the clone
/// that has it (the clone's parent in CI; higher up for a worktree such as `wt/<name>/`), else
/// the path beside the clone, for the error to name.
fn corpus_path() -> PathBuf {
    if let Some(path) = std::env::var_os("KNOOPPUNT_CORPUS") {
        return PathBuf::from(path);
    }
    // `rules/` → the clone → the folders above it, nearest first.
    let mut above_clone = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(2)
        .map(|folder| folder.join(BESIDE));
    let beside = above_clone.next().unwrap_or_else(|| PathBuf::from(BESIDE));
    if beside.is_file() {
        return beside;
    }
    above_clone.find(|path| path.is_file()).unwrap_or(beside)
}

#[test]
fn the_combination_generalises_to_the_evaluation_set() {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "evaluation set {} is missing ({e}); CI has shared/ beside the clone, or set KNOOPPUNT_CORPUS",
            path.display()
        )
    });
    let rules = RuleSet::default_rules().expect("default rules with their model");
    let report = evaluation_set(&rules, &text).expect("the evaluation set reads");
    assert!(report.notes > 1000, "only {} signals read", report.notes);
    let (rules_f1, model_f1, both_f1) =
        (report.macro_f1(0), report.macro_f1(1), report.macro_f1(2));
    eprintln!(
        "evaluation set: macro-F1 rules {rules_f1:.3}, model {model_f1:.3}, combination {both_f1:.3}; wait {:?}, organisation {:?}",
        report.wait_accuracy(),
        report.organisation_accuracy()
    );
    assert!(both_f1 >= 0.85, "combination macro-F1 {both_f1:.3} < 0.85");
}
