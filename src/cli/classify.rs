//! `knooppunt classify`: JSON lines in, one classification per line out; no database or broker.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(
    file: Option<PathBuf>,
    rules: Option<&Path>,
    model: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let rules = super::rules_with_model(rules, model)?;
    let today = knooppunt_ingest::today_nl();
    let stdout = std::io::stdout().lock();
    let output = std::io::BufWriter::new(stdout);
    let (classified, errors) = match file {
        Some(path) => {
            let input =
                std::fs::File::open(&path).with_context(|| format!("{} openen", path.display()))?;
            knooppunt::classify::run(std::io::BufReader::new(input), output, &rules, today)?
        }
        None => knooppunt::classify::run(std::io::stdin().lock(), output, &rules, today)?,
    };
    tracing::info!(classified, errors, "Classification finished");
    Ok(ExitCode::SUCCESS)
}
