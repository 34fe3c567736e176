//! `knooppunt verwerkingslog`: the processing log as JSON lines, filtered.

use super::Settings;
use knooppunt_rules::verwerkingslog;
use std::process::ExitCode;

pub async fn run(settings: &Settings, filter: verwerkingslog::Filter) -> anyhow::Result<ExitCode> {
    let (_, store) = settings.open_existing().await?;
    let entries = verwerkingslog::entries(&store, &filter).await?;
    print!("{}", verwerkingslog::to_json_lines(&entries));
    Ok(ExitCode::SUCCESS)
}
