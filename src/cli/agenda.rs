//! `knooppunt agenda --meeting DATE`: the overleg's agenda and that day's decisions as HTML and
//! Markdown.

use super::Settings;
use anyhow::Context;
use knooppunt::app;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(
    settings: &Settings,
    meeting: chrono::NaiveDate,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open().await?;
    let catalog = app::load_rules(&config)?.catalog();
    let mut agenda =
        knooppunt_reports::agenda::Agenda::gather(&store, &catalog, meeting, Some("cli")).await?;
    agenda.templates_dir = config.brief.templates();
    let (markdown, html) = agenda.render()?;
    std::fs::create_dir_all(out).with_context(|| format!("map {} aanmaken", out.display()))?;
    for (extension, content) in [("md", markdown), ("html", html)] {
        let path = out.join(format!("agenda-{meeting}.{extension}"));
        std::fs::write(&path, content).with_context(|| format!("{} schrijven", path.display()))?;
        println!("Geschreven: {}", path.display());
    }
    println!(
        "{} clusters op de agenda, {} besluiten op {meeting}.",
        agenda.items.len(),
        agenda.decisions.len()
    );
    Ok(ExitCode::SUCCESS)
}
