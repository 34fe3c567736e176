//! `knooppunt clusters`: the clusters with their figures, or (`--agenda`) the promotions of a
//! day with their reasons.

use super::Settings;
use knooppunt::app;
use std::process::ExitCode;

/// Evaluates and stores the promotions of `on` (default today) and lists them.
pub async fn agenda(
    settings: &Settings,
    on: Option<chrono::NaiveDate>,
) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open_existing().await?;
    let rules = app::load_rules(&config)?;
    let today = on.unwrap_or_else(knooppunt_ingest::today_nl);
    // Evaluated and stored, so the agenda shows what the engine records as well.
    let promotions = store.evaluate_promotions(&rules, today).await?;
    println!("Agenda signaleringsoverleg, peildatum {today}:");
    for promotion in &promotions {
        let title = rules.title(&promotion.barrier);
        let key = [promotion.area.as_str(), promotion.organisation.as_str()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        println!("- {title} — {key}: {}", promotion.waarom);
    }
    if promotions.is_empty() {
        println!("  (geen clusters die de drempels halen)");
    }
    Ok(ExitCode::SUCCESS)
}

/// The clusters with at least `min` signals, as a table.
pub async fn list(settings: &Settings, min: i64) -> anyhow::Result<ExitCode> {
    let (_, store) = settings.open_existing().await?;
    println!(
        "{:>8} {:>7} {:>6}  {:<26} {:<18} {:<23} {:>16}",
        "signalen", "bronnen", "wijken", "barrière", "wijk", "periode", "wachttijd (med.)"
    );
    for summary in store.cluster_summaries().await? {
        let c = &summary.cluster;
        if c.signal_count < min {
            continue;
        }
        let wait = summary
            .median_wait_days
            .map(|d| format!("{d:.0} dagen (n={})", summary.with_wait))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:>8} {:>7} {:>6}  {:<26} {:<18} {} t/m {} {:>16}",
            c.signal_count,
            summary.sources,
            summary.areas,
            c.barrier,
            c.area,
            knooppunt_reports::dutch::date(c.first_seen),
            knooppunt_reports::dutch::date(c.last_seen),
            wait
        );
    }
    Ok(ExitCode::SUCCESS)
}
