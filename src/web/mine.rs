//! "Mijn signalen": something back for every signal a team sent — when it was received, what
//! it was recognised as (barrier titles), the knelpunt it is part of and that knelpunt's state,
//! and the brief it counts in once confirmed. Twenty per page, newest first, Dutch dates.

use super::accounts::User;
use super::{failure, page, WebState};
use axum::response::Response;
use knooppunt_reports::dutch;
use knooppunt_reports::review::State as ReviewState;
use knooppunt_reports::review_store;
use knooppunt_reports::Quarter;
use serde_json::{json, Value};
use sqlx::Row;

pub(super) const PER_PAGE: i64 = 20;

/// What became of a knelpunt, in the team's words.
fn state_words(state: ReviewState, promoted: bool) -> &'static str {
    match state {
        ReviewState::Open if promoted => "op de agenda van het overleg",
        ReviewState::Open => "verzameld; nog niet op de agenda",
        ReviewState::Confirmed => "bevestigd als knelpunt",
        ReviewState::Dismissed => "besproken, niet als knelpunt aangemerkt",
        ReviewState::Parked => "geparkeerd door het overleg",
        ReviewState::Solved => "opgelost",
        ReviewState::Merged => "samengevoegd met een ander knelpunt",
    }
}

pub(super) async fn view(state: &WebState, user: &User, csrf: &str, page_no: i64) -> Response {
    match data(state, user, page_no).await {
        Ok(data) => page(state, "signalen", Some(user), csrf, data),
        Err(error) => failure(state, Some(user), error),
    }
}

async fn data(state: &WebState, user: &User, page_no: i64) -> anyhow::Result<Value> {
    let today = knooppunt_ingest::today_nl();
    let total: i64 = sqlx::query("SELECT COUNT(*) AS n FROM signals WHERE source = $1")
        .bind(&user.source)
        .fetch_one(state.store.pool())
        .await?
        .try_get("n")?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let page_no = page_no.clamp(1, pages);
    let rows = sqlx::query(
        "SELECT id, observed_on, stored_at, area, text, barriers FROM signals WHERE source = $1 \
         ORDER BY stored_at DESC, id LIMIT $2 OFFSET $3",
    )
    .bind(&user.source)
    .bind(PER_PAGE)
    .bind((page_no - 1) * PER_PAGE)
    .fetch_all(state.store.pool())
    .await?;
    let reviewed = review_store::reviewed_clusters(&state.store, today).await?;
    let promoted: Vec<String> = state
        .store
        .promotions(today - chrono::Duration::days(366), today)
        .await?
        .into_iter()
        .map(|p| p.cluster_id)
        .collect();
    let title = |id: &str| {
        state
            .rules
            .barriers()
            .iter()
            .find(|b| b.id == id)
            .map_or_else(|| id.to_string(), |b| b.title.clone())
    };
    let mut signals = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        let observed_on: String = row.try_get("observed_on")?;
        let stored_at: String = row.try_get("stored_at")?;
        let barriers: String = row.try_get("barriers")?;
        let links = sqlx::query(
            "SELECT barrier, cluster_id FROM signal_barriers WHERE source = $1 AND signal_id = $2",
        )
        .bind(&user.source)
        .bind(&id)
        .fetch_all(state.store.pool())
        .await?;
        let mut knelpunten = Vec::new();
        for link in &links {
            let barrier: String = link.try_get("barrier")?;
            let cluster_id: Option<String> = link.try_get("cluster_id")?;
            let Some(cluster) = cluster_id
                .as_deref()
                .and_then(|c| reviewed.iter().find(|r| r.cluster.id == c))
            else {
                continue;
            };
            let standing = &cluster.standing;
            let counted = matches!(standing.state, ReviewState::Confirmed | ReviewState::Solved)
                .then(|| {
                    observed_on
                        .parse::<chrono::NaiveDate>()
                        .ok()
                        .map(|d| Quarter::containing(d).dutch_label())
                })
                .flatten();
            knelpunten.push(json!({
                "title": title(&barrier),
                "area": cluster.cluster.area,
                "signals": cluster.cluster.signal_count,
                "state": state_words(standing.state, promoted.contains(&cluster.cluster.id)),
                "brief": counted,
            }));
        }
        signals.push(json!({
            "observed_on": dutch::date_text(&observed_on),
            "received": dutch::local_time(&stored_at),
            "area": row.try_get::<String, _>("area")?,
            "text": row.try_get::<String, _>("text")?,
            "recognised": barriers.split(',').map(str::trim).filter(|b| !b.is_empty()).map(title).collect::<Vec<_>>(),
            "knelpunten": knelpunten,
        }));
    }
    Ok(json!({
        "title": "Mijn signalen", "source": user.source, "signals": signals, "total": total,
        "page": page_no, "pages": pages,
        "previous": (page_no > 1).then(|| page_no - 1),
        "next": (page_no < pages).then(|| page_no + 1),
    }))
}
