//! `knooppunt classify`: JSON lines in, one classification per line out; no database or broker.

use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(
    file: Option<PathBuf>,
    rules: Option<&Path>,
    model: Option<&Path>,
    jobs: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let rules = super::rules_with_model(rules, model)?;
    let today = knooppunt_ingest::today_nl();
    let stdout = std::io::stdout().lock();
    let output = std::io::BufWriter::new(stdout);
    let (classified, errors) = match file {
        Some(path) => {
            let input =
                std::fs::File::open(&path).with_context(|| format!("{} openen", path.display()))?;
            let input = std::io::BufReader::new(input);
            knooppunt::classify::run_jobs(input, output, &rules, today, jobs)?
        }
        None => {
            let input = std::io::stdin().lock();
            knooppunt::classify::run_jobs(input, output, &rules, today, jobs)?
        }
    };
    tracing::info!(classified, errors, "Classification finished");
    Ok(ExitCode::SUCCESS)
}
