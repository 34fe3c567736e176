//! Silence for the agenda: signals that stop after a knelpunt got an owner, and sources
//! that fell silent (see `knooppunt_domain::silence`).

/// Signals that stop, for the agenda (see `knooppunt_domain::silence`): the labels of
/// confirmed knelpunten whose signals dropped sharply after they got an owner, by cluster id,
/// and the sources that fell silent — so "no signals" is never read as "solved".
pub struct Silence {
    pub drops: std::collections::HashMap<String, String>,
    pub silent_sources: Vec<SilentSourceView>,
}

/// A silent source as the agenda shows it, in Dutch formats.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SilentSourceView {
    pub source: String,
    pub last_signal: String,
    pub silent_weeks: i64,
    pub weekly_rate: String,
}

/// Gathers [`Silence`] on `on` for the confirmed clusters in `confirmed`.
pub async fn silence(
    store: &knooppunt_store::Store,
    on: chrono::NaiveDate,
    confirmed: &[String],
) -> anyhow::Result<Silence> {
    use knooppunt_domain::silence::{drop_after_owner, silent_sources, Params};
    let params = Params::default();

    // Sources: the signals of the last half year.
    let since = on - chrono::Duration::weeks(26);
    let signals = store.signal_days_by_source(since, on).await?;
    let silent_sources = silent_sources(&signals, on, &params)
        .into_iter()
        .map(|s| SilentSourceView {
            source: s.source,
            last_signal: s.last_signal.format("%d-%m-%Y").to_string(),
            silent_weeks: s.silent_weeks,
            weekly_rate: knooppunt_domain::dutch_number::decimal(s.weekly_rate, 1),
        })
        .collect();

    // Confirmed knelpunten with an owner: the last assignment's day.
    let mut drops = std::collections::HashMap::new();
    for (cluster, assigned_at) in store.last_assignments().await? {
        if !confirmed.contains(&cluster) {
            continue;
        }
        let owner_since = crate::dutch::local_day(&assigned_at);
        let from = owner_since - chrono::Duration::weeks(params.drop_window_weeks);
        let until = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(on);
        let dates = store.cluster_signal_days(&cluster, from, until).await?;
        if let Some(drop) = drop_after_owner(&dates, owner_since, on, &params) {
            drops.insert(
                cluster,
                format!(
                    "minder signalen sinds eigenaar ({} in {} weken ervoor, {} in {} weken erna) — niet per se opgelost",
                    drop.before, params.drop_window_weeks, drop.after, drop.weeks_after
                ),
            );
        }
    }
    Ok(Silence {
        drops,
        silent_sources,
    })
}
