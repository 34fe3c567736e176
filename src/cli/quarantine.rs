//! `knooppunt quarantaine`: what the engine refused for personal data, as counts per reason.

use super::Settings;
use std::process::ExitCode;

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (_, store) = settings.open_existing().await?;
    let counts = store.quarantine_counts().await?;
    println!(
        "Geweigerd wegens persoonsgegevens: {} signalen",
        counts.iter().map(|c| c.count).sum::<i64>()
    );
    for count in counts {
        println!("  {:>6}  {} ({})", count.count, count.reason, count.kinds);
    }
    Ok(ExitCode::SUCCESS)
}
