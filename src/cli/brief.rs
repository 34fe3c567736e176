//! `knooppunt brief`: the quarterly brief in every format, optionally published.

use super::Settings;
use knooppunt::app;
use knooppunt_reports::Quarter;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(
    settings: &Settings,
    quarter: Quarter,
    out: &Path,
    options: &app::BriefOptions,
) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open_existing().await?;
    let rules = app::load_rules(&config)?;
    for path in app::write_brief(&config, &store, &rules, quarter, out, options).await? {
        println!("Geschreven: {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
