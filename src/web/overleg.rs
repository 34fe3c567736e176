//! The overleg's cluster page: the same evidence as its agenda item, one panel per decision
//! (no default action; a refused panel reopens with what was typed and the reason), the
//! history with names instead of ids, vignettes with their approved state, and an undo for
//! the last decision of today's meeting.

use super::accounts::User;
use super::{failure, message, page, WebState};
use axum::http::StatusCode;
use axum::response::Response;
use knooppunt_ingest::envelope::partition_key;
use knooppunt_reports::dutch;
use knooppunt_reports::review::{Action, Decision, Split, State as ReviewState};
use knooppunt_reports::review_store::{self, ReviewedCluster};
use serde_json::{json, Value};
use sqlx::Row;

/// What a refused decision panel shows again: the action, the fields typed, and why.
#[derive(Default)]
pub(super) struct Refused {
    pub action: String,
    pub fields: Value,
    pub error: String,
}

/// "Laak — 12 signalen, 3 bronnen, sinds 03-09-2026": a cluster told apart from its siblings.
fn cluster_label(cluster: &ReviewedCluster, sources: Option<i64>) -> String {
    let mut label = cluster.cluster.area.clone();
    if !cluster.cluster.organisation.is_empty() {
        if !label.is_empty() {
            label.push_str(" / ");
        }
        label.push_str(&cluster.cluster.organisation);
    }
    if label.is_empty() {
        label = "zonder wijk".into();
    }
    let mut text = format!("{label} — {} signalen", cluster.cluster.signal_count);
    if let Some(sources) = sources {
        text.push_str(&format!(
            ", {sources} {}",
            if sources == 1 { "bron" } else { "bronnen" }
        ));
    }
    text.push_str(&format!(
        ", sinds {}",
        dutch::date_text(&cluster.cluster.first_seen)
    ));
    text
}

/// The details of a decision in words, with the clusters it names as links.
fn details(decision: &Decision, name: &dyn Fn(&str) -> Option<String>) -> Value {
    let link = |id: &str| json!({"href": format!("/clusters/{id}"), "text": name(id).unwrap_or_else(|| "een ander cluster".into())});
    match &decision.action {
        Action::Park { snooze } => {
            let text = match snooze {
                knooppunt_reports::review::Snooze::Date { date: datum } => {
                    format!("tot {}", dutch::date(*datum))
                }
                knooppunt_reports::review::Snooze::Signals { count: aantal } => {
                    format!("tot {aantal} nieuwe signalen")
                }
                knooppunt_reports::review::Snooze::Spike => "tot een piek".into(),
            };
            json!({"text": text})
        }
        Action::Assign {
            owner: eigenaar,
            programme: programma,
        } => {
            json!({"text": format!("eigenaar {eigenaar}{}", if programma.is_empty() { String::new() } else { format!(", programma {programma}") })})
        }
        Action::Merge { with: met } => json!({"text": "samengevoegd met", "link": link(met)}),
        Action::Split {
            how: Split::From { cluster },
        } => json!({"text": "afgesplitst van", "link": link(cluster)}),
        Action::Split {
            how: Split::ByOrganisation,
        } => json!({"text": "per organisatie"}),
        Action::Split {
            how: Split::Signals { signals: signalen },
        } => json!({"text": format!("{} gekozen signalen apart", signalen.len())}),
        _ => json!({}),
    }
}

pub(super) async fn cluster_view(
    state: &WebState,
    user: &User,
    csrf: &str,
    id: &str,
    refused: Option<Refused>,
    flash: Option<String>,
) -> Response {
    match cluster_data(state, user, id, refused, flash).await {
        Ok(Some(data)) => page(state, "cluster", Some(user), csrf, data),
        Ok(None) => message(
            state,
            StatusCode::NOT_FOUND,
            Some(user),
            "Niet gevonden",
            "Dit cluster bestaat niet of hoort niet bij uw wijken.",
        ),
        Err(error) => failure(state, Some(user), error),
    }
}

async fn cluster_data(
    state: &WebState,
    user: &User,
    id: &str,
    refused: Option<Refused>,
    flash: Option<String>,
) -> anyhow::Result<Option<Value>> {
    let today = knooppunt_ingest::today_nl();
    let reviewed = review_store::reviewed_clusters(&state.store, today).await?;
    let Some(cluster) = reviewed
        .iter()
        .find(|c| c.cluster.id == id && user.covers_area(&partition_key(&c.cluster.area)))
    else {
        return Ok(None);
    };
    let summaries = state.store.cluster_summaries().await?;
    let sources = |cid: &str| {
        summaries
            .iter()
            .find(|s| s.cluster.id == cid)
            .map(|s| s.sources)
    };
    let title_of = |c: &ReviewedCluster| {
        state
            .rules
            .barriers()
            .iter()
            .find(|b| b.id == c.cluster.barrier)
            .map_or(c.cluster.barrier.clone(), |b| b.title.clone())
    };
    // Names for ids, only for clusters the member may see.
    let name = |cid: &str| {
        reviewed
            .iter()
            .find(|c| c.cluster.id == cid && user.covers_area(&partition_key(&c.cluster.area)))
            .map(|c| format!("{} — {}", title_of(c), cluster_label(c, sources(cid))))
    };
    let evidence =
        knooppunt_reports::agenda::evidence(&state.store, &state.rules, id, today).await?;
    let history = review_store::decisions(&state.store, id).await?;
    let undo = history
        .last()
        .filter(|d| dutch::local_day(&d.decided_at) == today)
        .filter(|d| !matches!(d.action, Action::Split { .. }))
        .map(
            |d| json!({"action": super::flash::action_label(d.action.name()).unwrap_or_default()}),
        );
    let history: Vec<Value> = history
        .iter()
        .map(|d| {
            json!({
                "when": dutch::local_time(&d.decided_at),
                "action": super::flash::action_label(d.action.name()).unwrap_or_default(),
                "state": d.state_after.as_str(), "actor": d.actor, "reason": d.reason,
                "count": d.signal_count, "details": details(d, &name),
            })
        })
        .collect();
    // Clusters split off from this one: their first decision says where they came from.
    let all = review_store::all_decisions(&state.store).await?;
    let split_off: Vec<Value> = all
        .iter()
        .filter(|(_, list)| {
            list.first().is_some_and(|d| {
                matches!(&d.action, Action::Split { how: Split::From { cluster } } if cluster == id)
            })
        })
        .filter_map(|(cid, _)| name(cid).map(|text| json!({"id": cid, "text": text})))
        .collect();
    let mut examples = review_store::example_signals(&state.store, &[id.to_string()], 10).await?;
    examples.sort_by_key(|e| std::cmp::Reverse(e.observed_on));
    let approved = approved_vignettes(state, id).await?;
    let examples: Vec<Value> = examples
        .iter()
        .map(|e| {
            json!({
                "source": e.source, "id": e.id, "text": e.text, "area": e.area,
                "observed_on": dutch::date(e.observed_on),
                "approved": approved.iter().any(|(s, i)| s == &e.source && i == &e.id),
            })
        })
        .collect();
    let others: Vec<Value> = reviewed
        .iter()
        .filter(|c| {
            c.cluster.id != id
                && c.cluster.barrier == cluster.cluster.barrier
                && c.standing.state != ReviewState::Merged
                && user.covers_area(&partition_key(&c.cluster.area))
        })
        .map(|c| json!({"id": c.cluster.id, "label": cluster_label(c, sources(&c.cluster.id))}))
        .collect();
    let barrier = state
        .rules
        .barriers()
        .iter()
        .find(|b| b.id == cluster.cluster.barrier);
    let refused = refused.unwrap_or_default();
    let mut panels = json!({});
    if !refused.action.is_empty() {
        panels[&refused.action] =
            json!({"open": true, "error": refused.error, "fields": refused.fields});
    }
    Ok(Some(json!({
        "title": title_of(cluster),
        "cluster": cluster.cluster,
        "label": cluster_label(cluster, sources(id)),
        "first_seen": dutch::date_text(&cluster.cluster.first_seen),
        "last_seen": dutch::date_text(&cluster.cluster.last_seen),
        "standing": cluster.standing,
        "merged_into": cluster.standing.merged_into.as_deref().map(|m| json!({"id": m, "text": name(m).unwrap_or_else(|| "een ander cluster".into())})),
        "kader": barrier.map(|b| b.kader.clone()),
        "item": evidence,
        "history": history,
        "split_off": split_off,
        "examples": examples,
        "others": others,
        "panels": panels,
        "error": if refused.action.is_empty() && !refused.error.is_empty() { Some(refused.error) } else { None },
        "flash": flash,
        "undo": undo,
    })))
}

/// The (source, signal) pairs approved as vignettes of this cluster.
async fn approved_vignettes(
    state: &WebState,
    cluster_id: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let rows = sqlx::query("SELECT source, signal_id FROM vignettes WHERE cluster_id = $1")
        .bind(cluster_id)
        .fetch_all(state.store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("source")?, r.try_get("signal_id")?)))
        .collect()
}

/// The cluster page again after a refused decision: the same panel open, with what was typed
/// and the reason it was refused.
pub(super) async fn refused_view(
    state: &WebState,
    user: &User,
    csrf: &str,
    id: &str,
    form: &super::DecisionForm,
    error: String,
    status: StatusCode,
) -> Response {
    let refused = Refused {
        action: match form.actie.as_str() {
            a @ ("bevestigen" | "afwijzen" | "parkeren" | "toewijzen" | "samenvoegen"
            | "splitsen" | "notitie" | "aanbeveling" | "oplossen" | "heropenen") => a.to_string(),
            _ => String::new(),
        },
        fields: json!({
            "reden": form.reden, "datum": form.datum, "aantal": form.aantal,
            "eigenaar": form.eigenaar, "programma": form.programma,
            "tot_datum": form.tot == "datum", "tot_signalen": form.tot == "signalen", "tot_piek": form.tot == "piek",
            "op_organisatie": form.splits_op == "organisatie", "op_signalen": form.splits_op == "signalen",
        }),
        error,
    };
    let mut response = cluster_view(state, user, csrf, id, Some(refused), None).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Whether the overleg recorded a meeting on `day`.
pub(super) async fn meeting_recorded(
    state: &WebState,
    day: chrono::NaiveDate,
) -> anyhow::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM meetings WHERE meeting_on = $1")
            .bind(day.to_string())
            .fetch_optional(state.store.pool())
            .await?
            .is_some(),
    )
}
