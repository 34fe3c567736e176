//! `knooppunt bewaartermijn`: the retention terms, planned (`--dry-run`) or applied.

use super::Settings;
use std::process::ExitCode;

pub async fn run(settings: &Settings, apply: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open_existing().await?;
    let policy = config.retention.policy();
    let today = knooppunt_ingest::today_nl();
    let outcome = if apply {
        knooppunt_rules::retention::apply(&store, &policy, today, "cli").await?
    } else {
        knooppunt_rules::retention::plan(&store, &policy, today).await?
    };
    print!("{}", outcome.report(apply));
    Ok(ExitCode::SUCCESS)
}
