//! `knooppunt import FILE`: a CSV or JSON-lines file through the transport.

use super::Settings;
use knooppunt::app;
use std::path::Path;
use std::process::ExitCode;

/// Prints accepted and refused lines; exit 1 when any line was refused or not handed over.
pub async fn run(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let config = settings.load()?;
    let publisher = app::publisher(&config).await?;
    // Ids already stored with other content are refused here when the store answers;
    // otherwise the rules engine refuses them.
    let store = app::open_store(&config).await;
    if let Err(error) = &store {
        tracing::warn!(error = %format!("{error:#}"), "Import without comparing ids with the store");
    }
    let stored = store.ok().map(app::StoredSignals);
    let summary = knooppunt::import::import_file_checked(
        file,
        &*publisher,
        stored
            .as_ref()
            .map(|s| s as &dyn knooppunt_ingest::conflicts::StoredContent),
    )
    .await?;
    print!("{}", summary.report());
    Ok(if summary.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
