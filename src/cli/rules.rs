//! `knooppunt rules validate`, `replay` and `test`: working with rules files. Only replay (and
//! `test --labels`) needs the configuration, for the database.

use super::Settings;
use anyhow::Context;
use clap::Subcommand;
use knooppunt::app;
use knooppunt_domain::dutch_number::decimal;
use knooppunt_rules::fixtures::{evaluate, macro_f1, FixtureFile, Score};
use knooppunt_rules::replay::Apply;
use knooppunt_rules::ruleset::RuleSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Controleer een regelbestand; toont alle fouten tegelijk, met regelnummer.
    Validate {
        /// Het regelbestand (TOML).
        file: PathBuf,
        /// Meld het bestand als traag onder dit aantal signalen per seconde per kern op de
        /// voorbeeldset.
        #[arg(long = "min-snelheid", default_value_t = knooppunt::demo::SLOW_RULES)]
        min_speed: f64,
    },
    /// Pas een (nieuwe) regelset toe op alle opgeslagen signalen: toont eerst wat verandert
    /// (signalen die van barrière wisselen, clusters die ontstaan, groeien, krimpen of
    /// verdwijnen) en voert het alleen uit met --apply.
    Replay {
        /// Het regelbestand; zonder: de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Een ander (nieuw) modelbestand dan het model dat het regelbestand noemt.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Voer de nieuwe indeling echt door (in één transactie). Verdwijnt daarbij een
        /// cluster waarover het overleg besloot, dan gaan de besluiten mee naar het cluster
        /// dat al zijn signalen krijgt; kan dat niet (de signalen gaan naar meer clusters, of
        /// dat cluster heeft eigen besluiten), dan gebeurt er niets zonder
        /// --let-decisions-lapse.
        #[arg(long)]
        apply: bool,
        /// Met --apply: voer het ook door als besluiten van het overleg niet mee kunnen (die
        /// besluiten gelden dan voor geen cluster meer).
        #[arg(long, requires = "apply")]
        let_decisions_lapse: bool,
    },
    /// Test regels tegen de voorbeeldsignalen per barrière; toont precisie en recall per regel.
    Test {
        /// Ander regelbestand dan de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Map met voorbeeldbestanden <barrière>.toml (positive = [...], negative = [...]).
        #[arg(long, default_value = "rules/fixtures")]
        fixtures: PathBuf,
        /// Toon ook de gemiste en onterecht gevonden voorbeelden.
        #[arg(long)]
        verbose: bool,
        /// Mappen met gelabelde notities voor regels, model en samen (kruisgevalideerd).
        #[arg(long = "notes", default_values_t = knooppunt::recognition::DEFAULT_NOTE_DIRS.map(String::from))]
        notes: Vec<String>,
        /// Een evaluatieset (JSON-regels met "expected", "wait_days", "organisation"), bv.
        /// ../shared/corpus/signals.jsonl: alleen cijfers, nooit notities.
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Meet regels, model en samen tegen de labels van het overleg (uit de database),
        /// per kwartaal, in plaats van tegen de voorbeelden.
        #[arg(long)]
        labels: bool,
    },
}

pub async fn run(command: RulesCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Replay {
            rules,
            model,
            apply,
            let_decisions_lapse,
        } => {
            let apply = match (apply, let_decisions_lapse) {
                (_, true) => Apply::LettingDecisionsLapse,
                (apply, false) => Apply::from(apply),
            };
            replay(settings, rules.as_deref(), model.as_deref(), apply).await
        }
        RulesCommand::Validate { file, min_speed } => validate(&file, min_speed),
        RulesCommand::Test {
            rules,
            fixtures,
            verbose,
            notes,
            corpus,
            labels,
        } => {
            let rules = app::load_rules_file(rules.as_deref())?;
            if labels {
                let store = app::open_store(&settings.load()?).await?;
                knooppunt::labels::test_against_labels(&store, &rules).await?;
                return Ok(ExitCode::SUCCESS);
            }
            test_on_fixtures(&rules, &fixtures, verbose)?;
            let notes: Vec<PathBuf> = notes.iter().map(PathBuf::from).collect();
            knooppunt::recognition::test_recognition(&rules, &notes, corpus.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Re-classifies every stored signal, prints the difference, and applies it with `apply`.
async fn replay(
    settings: &Settings,
    rules: Option<&Path>,
    model: Option<&Path>,
    apply: Apply,
) -> anyhow::Result<ExitCode> {
    let config = settings.load()?;
    let store = app::open_store(&config).await?;
    let rules = super::rules_with_model(rules, model)?;
    let total = store.signal_count().await?;
    let progress = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(0)).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} signalen")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let diff =
        knooppunt_rules::replay::replay(&store, &rules, apply, |done| progress.set_position(done))
            .await?;
    progress.finish_and_clear();
    print!("{}", diff.report(rules.version()));
    if diff.applied {
        println!(
            "Doorgevoerd: alle signalen zijn ingedeeld met regelset {}.",
            rules.version()
        );
    } else if apply == Apply::No {
        println!("Niets gewijzigd. Voer het door met --apply.");
    } else {
        println!(
            "Niets gewijzigd: er verdwijnen clusters waarover het overleg besloot, en hun \
             besluiten kunnen niet mee (zie boven). Voer het toch door met \
             --apply --let-decisions-lapse."
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks a rules file (exit 2 with every error), then its speed on the sample (exit 1 when
/// slow).
fn validate(file: &Path, min_speed: f64) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("regelbestand {} lezen", file.display()))?;
    let rules = match RuleSet::from_toml(&text) {
        Ok(rules) => rules,
        Err(errors) => {
            println!("{} bevat {} fout(en):", file.display(), errors.len());
            for error in errors {
                println!("  - {error}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    println!(
        "{} is in orde: {} barrières, versie {}.",
        file.display(),
        rules.barriers().len(),
        rules.version()
    );
    warn_searched_everywhere(&rules);
    if !rules.unused_defines().is_empty() {
        println!(
            "Let op: deze namen uit [define] worden door geen patroon gebruikt: {}.",
            rules.unused_defines().join(", ")
        );
    }
    // A rule can be valid and still slow the engine down a hundredfold (a long bounded gap
    // overflows the matcher's cache): measure it on the sample.
    let speed = knooppunt::demo::classification_speed(&rules);
    println!("Snelheid op de voorbeeldset: {speed:.0} signalen per seconde per kern.");
    if speed < min_speed {
        println!(
            "Let op: dat is traag (verwacht: ruim boven {min_speed:.0}). Vaak komt dat door een \
             patroon met een lange tussenruimte zoals '(\\w+\\W+){{0,12}}'; schrijf het als \
             'allebei in dezelfde zin' of als all-groep."
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Names the patterns that no small set of words begins: each is searched for at every
/// byte of every note, which makes every note slower (a warning; the speed check decides).
fn warn_searched_everywhere(rules: &RuleSet) {
    let everywhere = rules.searched_everywhere();
    if everywhere.is_empty() {
        return;
    }
    let (which, begins, is, makes) = match everywhere.len() {
        1 => ("dit patroon".to_string(), "begint", "wordt", "maakt"),
        n => (format!("deze {n} patronen"), "beginnen", "worden", "maken"),
    };
    println!(
        "Let op: {which} {begins} niet met een paar vaste woorden en {is} overal in elke \
         notitie gezocht, wat elke notitie trager {makes}:"
    );
    for pattern in everywhere {
        let shown: String = pattern.pattern.chars().take(70).collect();
        let more = if shown.len() < pattern.pattern.len() {
            "…"
        } else {
            ""
        };
        println!("  - {}: {shown}{more}", pattern.barrier);
    }
    println!(
        "  Laat zo'n patroon met een woord beginnen (niet met \\w+ of .*), of verdeel een \
         lange reeks alternatieven (a|b|c|…) over twee patronen."
    );
}

/// Every `<barrier>.toml` in `dir`, in name order.
fn read_fixtures(dir: &Path) -> anyhow::Result<Vec<FixtureFile>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("map {} lezen", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    let mut files = Vec::new();
    for path in &entries {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("{} lezen", path.display()))?;
        files.push(
            FixtureFile::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        );
    }
    Ok(files)
}

/// Precision, recall and F1 per rule on the example notes, and macro-F1.
fn test_on_fixtures(rules: &RuleSet, dir: &Path, verbose: bool) -> anyhow::Result<()> {
    let scores = evaluate(rules, &read_fixtures(dir)?);
    println!(
        "{:<26} {:>9} {:>9} {:>7}   (regelset {})",
        "barrière",
        "precisie",
        "recall",
        "F1",
        rules.version()
    );
    for score in &scores {
        print_score(score, verbose);
    }
    println!("macro-F1: {}", decimal(macro_f1(&scores), 3));
    Ok(())
}

fn print_score(score: &Score, verbose: bool) {
    println!(
        "{:<26} {:>9} {:>9} {:>7}   {} goed, {} gemist, {} onterecht",
        score.barrier,
        decimal(score.precision(), 2),
        decimal(score.recall(), 2),
        decimal(score.f1(), 2),
        score.true_positives,
        score.false_negatives,
        score.false_positives
    );
    if verbose {
        for miss in &score.misses {
            println!("      gemist:    {miss}");
        }
        for alarm in &score.false_alarms {
            println!("      onterecht: {alarm}");
        }
    }
}
