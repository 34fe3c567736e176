//! The review loop on the command line: `knooppunt rules test --labels` (precision and recall
//! of rules, model and the combination against the overleg's own labels, per quarter) and
//! `knooppunt model labels` (the labels as training notes for the next `model train`).

use anyhow::Context;
use knooppunt_rules::labels::{measure, LabelReport};
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;
use std::io::Write;
use std::path::Path;

/// The per-quarter report against the overleg's labels, as text (Dutch, decimal comma).
pub fn labels_report(
    rules: &RuleSet,
    quarters: &std::collections::BTreeMap<String, LabelReport>,
) -> String {
    let mut out = format!(
        "Herkenning tegen de labels van het overleg (regelset {}{})\n",
        rules.version(),
        rules
            .model()
            .map(|m| format!(", model {}", m.version()))
            .unwrap_or_default()
    );
    if quarters.is_empty() {
        out.push_str("Nog geen labels van het overleg.\n");
        return out;
    }
    let decimal = |v: f64| knooppunt_domain::dutch_number::decimal(v, 2);
    for (quarter, measured) in quarters {
        let report = &measured.report;
        out.push_str(&format!(
            "\nKwartaal {quarter} ({} gelabelde signalen)\n",
            report.notes
        ));
        out.push_str(&format!(
            "{:<26} {:>6} {:>6} {:>13} {:>13} {:>13}\n",
            "barrière", "erbij", "niet", "regels P/R", "model P/R", "samen P/R"
        ));
        for (b, barrier) in report.barriers.iter().enumerate() {
            let (positives, negatives) = (measured.positives[b], measured.negatives[b]);
            if positives + negatives == 0 {
                continue;
            }
            let cell = |mode: usize| {
                let c = report.counts[mode][b];
                let p = if c.tp + c.fp == 0 {
                    "–".to_string()
                } else {
                    decimal(c.precision())
                };
                let r = if positives == 0 {
                    "–".to_string()
                } else {
                    decimal(c.recall())
                };
                format!("{p} / {r}")
            };
            out.push_str(&format!(
                "{:<26} {:>6} {:>6} {:>13} {:>13} {:>13}\n",
                barrier,
                positives,
                negatives,
                cell(0),
                cell(1),
                cell(2)
            ));
        }
    }
    out.push_str("\nP = precisie, R = recall; – = niet te berekenen (niets gevonden of geen positieve labels).\n");
    out
}

/// `rules test --labels`: reads the labels from the store and prints the report.
pub async fn test_against_labels(store: &Store, rules: &RuleSet) -> anyhow::Result<()> {
    let signals = store.labelled_signals().await?;
    print!("{}", labels_report(rules, &measure(rules, &signals)));
    Ok(())
}

/// `model labels`: writes every labelled signal as a training note (JSON Lines) to `out`, or
/// to stdout; returns how many.
pub async fn export_labels(store: &Store, out: Option<&Path>) -> anyhow::Result<usize> {
    let signals = store.labelled_signals().await?;
    let mut text = String::new();
    for signal in &signals {
        text.push_str(&signal.labels.training_note(signal).to_string());
        text.push('\n');
    }
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("{} schrijven", path.display()))?
        }
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .context("naar stdout schrijven")?,
    }
    Ok(signals.len())
}
