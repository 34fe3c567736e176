//! `knooppunt model train` and `model labels`: the recognition model beside the rules.

use super::Settings;
use clap::Subcommand;
use knooppunt::app;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Train het model op gelabelde notities (JSON-regels en voorbeeldbestanden) en schrijf
    /// het modelbestand; kiest per barrière de drempel met kruisvalidatie.
    // `--version` is the model's version here, not the program's.
    #[command(disable_version_flag = true)]
    Train {
        /// Mappen met notities: *.jsonl ({"text", "barriers", …}) en <barrière>.toml.
        #[arg(long = "notes", default_values_t = knooppunt::recognition::DEFAULT_NOTE_DIRS.map(String::from))]
        notes: Vec<String>,
        /// Het regelbestand waarvoor het model is (barrières en drempels); standaard de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Waar het model wordt geschreven.
        #[arg(long, default_value = "rules/default_model.kpm")]
        out: PathBuf,
        /// Kostenparameter C van de logistische regressie.
        #[arg(long, default_value_t = knooppunt_rules::learning::train::DEFAULT_COST)]
        cost: f64,
        /// Aantal folds voor de kruisvalidatie.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Versie van het model (standaard: datum en controlegetal).
        #[arg(long)]
        version: Option<String>,
        /// Laat kenmerken weg waarvan elk gewicht kleiner is dan deze fractie van het grootste
        /// gewicht van zijn barrière (0: niets weglaten).
        #[arg(long, default_value_t = knooppunt_rules::learning::train::DEFAULT_PRUNE)]
        prune: f32,
    },
    /// Schrijf de labels van het overleg als trainingsnotities (JSON-regels) voor de volgende
    /// `model train` (zet het bestand in een van de --notes-mappen).
    Labels {
        /// Het bestand; zonder: naar stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn run(command: ModelCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        ModelCommand::Train {
            notes,
            rules,
            out,
            cost,
            folds,
            version,
            prune,
        } => knooppunt::recognition::train_command(knooppunt::recognition::TrainArgs {
            rules,
            notes: notes.iter().map(PathBuf::from).collect(),
            out,
            options: knooppunt_rules::learning::train::Options {
                cost,
                folds,
                version,
                prune,
                ..Default::default()
            },
        })?,
        ModelCommand::Labels { out } => {
            let store = app::open_store(&settings.load()?).await?;
            let written = knooppunt::labels::export_labels(&store, out.as_deref()).await?;
            if out.is_some() {
                println!("{written} gelabelde signalen geschreven.");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
