//! `knooppunt model train` and the recognition part of `knooppunt rules test`: training the
//! model from the project's labelled notes, and reporting rules, model and their combination.

use anyhow::Context;
use knooppunt_domain::dutch_number::{count, decimal};
use knooppunt_rules::learning::measure::{Report, MODES};
use knooppunt_rules::learning::{notes, train};
use knooppunt_rules::ruleset::{RuleSet, DEFAULT_RULES};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The directories `model train` and `rules test` read notes from by default.
pub const DEFAULT_NOTE_DIRS: [&str; 3] = ["rules/training", "rules/fixtures", "rules/holdout"];

/// Reads the labelled notes of `dirs`, listing every error at once.
pub fn read_notes(dirs: &[PathBuf], rules: &RuleSet) -> anyhow::Result<Vec<notes::Note>> {
    let ids: Vec<&str> = rules.barriers().iter().map(|b| b.id.as_str()).collect();
    notes::read_dirs(dirs, &ids).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        anyhow::anyhow!("de notities bevatten fouten:\n{}", list.join("\n"))
    })
}

/// Settings of `knooppunt model train`.
#[derive(Debug, Clone)]
pub struct TrainArgs {
    pub rules: Option<PathBuf>,
    pub notes: Vec<PathBuf>,
    pub out: PathBuf,
    pub options: train::Options,
}

/// Trains a model on the notes and writes it; prints what it did.
pub fn train_command(args: TrainArgs) -> anyhow::Result<()> {
    // The rules without their model: thresholds are chosen for the rules as they stand.
    let source = match &args.rules {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("regelbestand {} lezen", path.display()))?,
        None => DEFAULT_RULES.to_string(),
    };
    let rules = RuleSet::from_toml(&source).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        anyhow::anyhow!("het regelbestand bevat fouten:\n{}", list.join("\n"))
    })?;
    let notes = read_notes(&args.notes, &rules)?;
    let started = Instant::now();
    let outcome = train::train(&notes, &rules, &args.options).map_err(|e| anyhow::anyhow!(e))?;
    let took = started.elapsed();
    let bytes = outcome.model.to_bytes();
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("{} schrijven", args.out.display()))?;
    let header = &outcome.model.header;
    println!(
        "Model {} getraind op {} notities ({} folds, C = {}) in {} s; {} geschreven ({} kB, met \
         de scores van de kruisvalidatie per notitie voor de brief).",
        header.version,
        notes.len(),
        header.trained.folds,
        header.trained.cost.to_string().replace('.', ","),
        decimal(took.as_secs_f64(), 1),
        args.out.display(),
        bytes.len() / 1024
    );
    println!(
        "Regels en model samen, drempels gekozen op de andere folds (per schrijver): macro-F1 {}.",
        decimal(outcome.nested_macro_f1, 3)
    );
    println!(
        "{:<26} {:>10} {:>10} {:>11}",
        "barrière", "voorbeelden", "drempel", "ondergrens"
    );
    for (b, barrier) in header.barriers.iter().enumerate() {
        let positives = notes.iter().filter(|n| n.is(barrier)).count();
        println!(
            "{:<26} {:>10} {:>10} {:>11}",
            barrier,
            positives,
            decimal(f64::from(header.thresholds[b]), 2),
            decimal(f64::from(header.floors.get(b).copied().unwrap_or(0.0)), 3)
        );
    }
    Ok(())
}

/// Prints a report: per barrier P/R/F1 for rules, model and combination, then macro-F1 and
/// the extraction accuracy.
pub fn print_report(title: &str, report: &Report) {
    println!();
    println!("{title} ({} notities)", report.notes);
    println!(
        "{:<26} {:>20} {:>20} {:>20}",
        "barrière", "regels P/R/F1", "model P/R/F1", "samen P/R/F1"
    );
    for (b, barrier) in report.barriers.iter().enumerate() {
        let cell = |mode: usize| {
            let c = report.counts[mode][b];
            [c.precision(), c.recall(), c.f1()]
                .map(|v| decimal(v, 2))
                .join(" ")
        };
        println!(
            "{:<26} {:>20} {:>20} {:>20}",
            barrier,
            cell(0),
            cell(1),
            cell(2)
        );
    }
    let macros: Vec<String> = (0..MODES.len())
        .map(|m| format!("{} {}", MODES[m], decimal(report.macro_f1(m), 3)))
        .collect();
    println!("macro-F1: {}", macros.join(", "));
    let accuracy = |value: Option<f64>, (ok, n): (usize, usize)| match value {
        Some(v) => format!("{} ({ok}/{n})", decimal(v, 3)),
        None => "geen labels".to_string(),
    };
    println!(
        "wachttijd juist: {}; organisatie juist: {}",
        accuracy(report.wait_accuracy(), report.wait),
        accuracy(report.organisation_accuracy(), report.organisation)
    );
}

/// The recognition part of `rules test`: cross-validated on the notes, and on an evaluation
/// set when given. Only figures are printed, never a note of the evaluation set.
pub fn test_recognition(
    rules: &RuleSet,
    note_dirs: &[PathBuf],
    corpus: Option<&Path>,
) -> anyhow::Result<()> {
    if rules.model().is_none() {
        println!("\n(Geen model in dit regelbestand: alleen de regels zijn getest.)");
        return Ok(());
    }
    let notes = read_notes(note_dirs, rules)?;
    let report = knooppunt_rules::learning::measure::cross_validated(rules, &notes)
        .map_err(|e| anyhow::anyhow!(e))?;
    let folds = rules.model().map_or(0, |m| m.header.trained.folds);
    print_report(
        &format!("Eigen notities, {folds}-voudig kruisgevalideerd"),
        &report,
    );
    // What the brief counts: the model file's own cross-validation scores, no retraining.
    if let Some((report, scores)) = knooppunt_rules::learning::measure::held_out(rules, &notes)
        .map_err(|e| anyhow::anyhow!(e))?
    {
        print_report(
            &format!(
                "Eigen notities zoals de brief ze telt: {} met de scores uit de kruisvalidatie \
                 van de training, {} nieuwer dan het model",
                count(scores.trained_on),
                count(scores.newer)
            ),
            &report,
        );
    }
    if let Some(path) = corpus {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("evaluatieset {} lezen", path.display()))?;
        let report = knooppunt_rules::learning::measure::evaluation_set(rules, &text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        print_report(&format!("Evaluatieset {}", path.display()), &report);
    }
    Ok(())
}

/// Recognition's measured accuracy for the brief of `quarter`, as plain counts for the
/// reports crate: per barrier from the overleg's labels on that quarter's signals, and from
/// the project's notes in `note_dirs` (the combination of rules and model, the model's part
/// cross-validated; the rules alone when there is no model). Directories that do not exist
/// are left out; without notes only the labels count.
pub async fn for_brief(
    store: &knooppunt_store::Store,
    rules: &RuleSet,
    quarter: knooppunt_domain::quarter::Quarter,
    note_dirs: &[PathBuf],
) -> anyhow::Result<knooppunt_reports::accuracy::Recognition> {
    use knooppunt_reports::accuracy::{Measured, Recognition};
    let as_measured = |c: &knooppunt_rules::learning::measure::Counts| Measured {
        tp: c.tp as u64,
        fp: c.fp as u64,
        fn_: c.fn_ as u64,
    };
    // "samen": what the engine records, rules and model together.
    const COMBINED: usize = 2;
    let mut recognition = Recognition::default();
    let key = knooppunt_domain::labels::quarter_of(&quarter.start().to_string());
    let labelled = store.labelled_signals().await?;
    if let Some(measured) = knooppunt_rules::labels::measure(rules, &labelled).get(&key) {
        let report = &measured.report;
        for (b, barrier) in report.barriers.iter().enumerate() {
            recognition
                .labels
                .insert(barrier.clone(), as_measured(&report.counts[COMBINED][b]));
        }
    }
    let dirs: Vec<PathBuf> = note_dirs.iter().filter(|d| d.is_dir()).cloned().collect();
    if dirs.is_empty() {
        tracing::warn!(
            dirs = ?note_dirs,
            "geen eigen notities gevonden: de herkenning in de brief komt alleen uit de labels \
             van het overleg (stel brief.notes_dirs in)"
        );
        return Ok(recognition);
    }
    let notes = read_notes(&dirs, rules)?;
    let (report, how) = match rules.model() {
        Some(model) => with_model(rules, model, &notes)?,
        None => (
            rules_on_notes(rules, &notes),
            format!("{} eigen testnotities, regels", count(notes.len())),
        ),
    };
    let mode = if rules.model().is_some() { COMBINED } else { 0 };
    for (b, barrier) in report.barriers.iter().enumerate() {
        recognition
            .notes
            .insert(barrier.clone(), as_measured(&report.counts[mode][b]));
    }
    recognition.notes_description = how;
    Ok(recognition)
}

/// The rules and `model` on the notes, every note scored by a model that did not see it,
/// and how that was done (for the brief). Without training when the model file keeps its
/// cross-validation's scores; otherwise (a model file of format version 1) cross-validated
/// here, which takes a minute of CPU over twenty thousand notes.
fn with_model(
    rules: &RuleSet,
    model: &knooppunt_rules::model::Model,
    notes: &[notes::Note],
) -> anyhow::Result<(Report, String)> {
    use knooppunt_rules::learning::measure;
    let folds = model.header.trained.folds;
    if let Some((report, scores)) =
        measure::held_out(rules, notes).map_err(|e| anyhow::anyhow!(e))?
    {
        let how = format!(
            "{} eigen testnotities, regels en model samen; elke notitie beoordeeld door een model \
             dat haar niet kende: {} door de kruisvalidatie ({folds} delen) van de training, {} \
             nieuwer dan het model",
            count(notes.len()),
            count(scores.trained_on),
            count(scores.newer)
        );
        return Ok((report, how));
    }
    let report = measure::cross_validated(rules, notes).map_err(|e| anyhow::anyhow!(e))?;
    let how = format!(
        "{} eigen testnotities, regels en model samen, het model {folds}-voudig kruisgevalideerd",
        count(notes.len())
    );
    Ok((report, how))
}

/// The rules alone on the notes (no model to cross-validate), in the report's first mode.
fn rules_on_notes(rules: &RuleSet, notes: &[notes::Note]) -> Report {
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let hits = knooppunt_rules::learning::train::rule_hits(rules, notes);
    let mut report = Report::new(barriers.clone());
    report.notes = notes.len();
    for (i, note) in notes.iter().enumerate() {
        for (b, barrier) in barriers.iter().enumerate() {
            if !note.labelled(barrier) {
                continue;
            }
            report.counts[0][b].add(note.is(barrier), hits[i][b]);
        }
    }
    report
}

/// [`for_brief`] for a brief the overleg publishes on the website, on the project's notes in
/// the configured folders. It runs on a blocking thread: running the rules over twenty thousand
/// notes takes seconds of CPU (and cross-validating a model file without held-out scores a
/// minute) that would otherwise hold one of the website's workers.
pub struct WebRecognition {
    pub store: knooppunt_store::Store,
    pub rules: std::sync::Arc<RuleSet>,
    /// The folders of notes ([`crate::config::BriefSettings::note_dirs`]).
    pub note_dirs: Vec<PathBuf>,
}

#[async_trait::async_trait]
impl knooppunt_web::MeasureRecognition for WebRecognition {
    async fn measure(
        &self,
        quarter: knooppunt_domain::quarter::Quarter,
    ) -> anyhow::Result<knooppunt_reports::accuracy::Recognition> {
        let (store, rules) = (self.store.clone(), self.rules.clone());
        let dirs = self.note_dirs.clone();
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            runtime.block_on(for_brief(&store, &rules, quarter, &dirs))
        })
        .await
        .context("herkenning meten")?
    }
}
