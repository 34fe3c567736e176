//! The review's entries in the processing log (see `knooppunt_rules::verwerkingslog`):
//! every decision, with who took it, on which cluster, and what — never the reason text.

use crate::review::Decision;
use knooppunt_rules::verwerkingslog::{self, actions, Activity, Record, TraceContext};
use serde_json::json;

/// Logs a decision inside its transaction.
pub async fn log_decision(
    conn: &mut sqlx::AnyConnection,
    decision: &Decision,
    action: &str,
) -> anyhow::Result<()> {
    let record = Record::instant(
        TraceContext::new_root(),
        actions::DECISION,
        &decision.actor,
        Activity::Review,
        json!({
            "cluster_id": decision.cluster_id,
            "action": action,
            "state_after": decision.state_after.as_str(),
            "decision_seq": decision.seq,
            "signal_count": decision.signal_count,
        }),
    );
    verwerkingslog::append_on(conn, &[record]).await
}

/// Signals that stop, for the agenda (see `knooppunt_rules::silence`): the labels of
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
    store: &knooppunt_rules::store::Store,
    on: chrono::NaiveDate,
    confirmed: &[String],
) -> anyhow::Result<Silence> {
    use anyhow::Context;
    use knooppunt_rules::silence::{drop_after_owner, silent_sources, Params};
    use sqlx::Row;
    let params = Params::default();
    let parse = |text: &str| {
        chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
    };

    // Sources: the signals of the last half year.
    let since = on - chrono::Duration::weeks(26);
    let rows = sqlx::query(
        "SELECT source, observed_on FROM signals WHERE observed_on >= $1 AND observed_on <= $2",
    )
    .bind(since.to_string())
    .bind(on.to_string())
    .fetch_all(store.pool())
    .await
    .context("signalen per bron lezen")?;
    let mut signals = Vec::with_capacity(rows.len());
    for row in &rows {
        let observed: String = row.try_get("observed_on")?;
        if let Some(date) = parse(&observed) {
            signals.push((row.try_get::<String, _>("source")?, date));
        }
    }
    let silent_sources = silent_sources(&signals, on, &params)
        .into_iter()
        .map(|s| SilentSourceView {
            source: s.source,
            last_signal: s.last_signal.format("%d-%m-%Y").to_string(),
            silent_weeks: s.silent_weeks,
            weekly_rate: format!("{:.1}", s.weekly_rate).replace('.', ","),
        })
        .collect();

    // Confirmed knelpunten with an owner: the last assignment's day.
    let mut drops = std::collections::HashMap::new();
    let owners = sqlx::query(
        "SELECT cluster_id, MAX(decided_at) AS since FROM cluster_decisions \
         WHERE action = 'toewijzen' GROUP BY cluster_id",
    )
    .fetch_all(store.pool())
    .await
    .context("toewijzingen lezen")?;
    for row in &owners {
        let cluster: String = row.try_get("cluster_id")?;
        if !confirmed.contains(&cluster) {
            continue;
        }
        let Some(owner_since) = parse(&row.try_get::<String, _>("since")?) else {
            continue;
        };
        let from = owner_since - chrono::Duration::weeks(params.drop_window_weeks);
        let dates: Vec<chrono::NaiveDate> = sqlx::query(
            "SELECT observed_on FROM signal_barriers WHERE cluster_id = $1 AND observed_on >= $2",
        )
        .bind(&cluster)
        .bind(from.to_string())
        .fetch_all(store.pool())
        .await
        .context("signalen van knelpunt lezen")?
        .iter()
        .filter_map(|r| r.try_get::<String, _>("observed_on").ok())
        .filter_map(|d| parse(&d))
        .collect();
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
