//! The review loop on the website (issue 11): the overleg corrects recognition where it looks
//! at signals anyway. On a cluster page, per signal, "hoort niet bij deze barrière" and
//! "ook: <barrière>"; on **Niet ingedeeld** (`/niet-ingedeeld`) unclassified signals are
//! triaged into a barrier or "geen barrière". Only the overleg labels, a restricted member only
//! in their own wijken (checked here, on the server), and every form carries the CSRF token.
//! Labels take effect at once: see [`knooppunt_rules::labels`].

use super::accounts::User;
use super::{check_csrf, cluster_in_areas, failure, message, page, require, WebState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::Form;
use handlebars::Handlebars;
use knooppunt_reports::review::Role;
use knooppunt_rules::labels::{NewLabel, Verdict};
use knooppunt_rules::ruleset::RuleSet;
use serde::Deserialize;
use serde_json::json;
use sqlx::Row;

/// Signals per page of the queue.
pub const PAGE_SIZE: i64 = 20;

/// The queue page's template.
const QUEUE_TEMPLATE: &str = include_str!("templates/niet_ingedeeld.hbs");

/// The routes of the review loop.
pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/clusters/{id}/label", post(label_in_cluster))
        .route("/niet-ingedeeld", get(queue_page).post(triage))
}

/// The barrier choices as `<option>`s (titles shown, ids sent), HTML-escaped.
fn options(rules: &RuleSet) -> String {
    rules
        .barriers()
        .iter()
        .map(|b| {
            format!(
                "<option value=\"{}\">{}</option>",
                handlebars::html_escape(&b.id),
                handlebars::html_escape(&b.title)
            )
        })
        .collect()
}

/// Registers the queue page and the partial the cluster page shows under each signal
/// (`{{> labels_signal cluster=… csrf=…}}`), with the rule set's barrier titles.
pub fn register(templates: &mut Handlebars<'static>, rules: &RuleSet) -> anyhow::Result<()> {
    let partial = format!(
        "<form method=\"post\" action=\"/clusters/{{{{cluster}}}}/label\" class=\"label-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{{{{csrf}}}}\">\
         <input type=\"hidden\" name=\"bron\" value=\"{{{{source}}}}\">\
         <input type=\"hidden\" name=\"signaal\" value=\"{{{{id}}}}\">\
         <button type=\"submit\" name=\"oordeel\" value=\"hoort-er-niet-bij\">Hoort niet bij deze barrière</button> \
         <label>Ook: <select name=\"barriere\" aria-label=\"ook bij barrière\"><option value=\"\">— kies een barrière —</option>{}</select></label> \
         <button type=\"submit\" name=\"oordeel\" value=\"ook\">Ook bij deze barrière</button></form>",
        options(rules)
    );
    templates
        .register_partial("labels_signal", partial)
        .map_err(|e| anyhow::anyhow!("sjabloon labels_signal: {e}"))?;
    templates
        .register_template_string("niet_ingedeeld", QUEUE_TEMPLATE)
        .map_err(|e| anyhow::anyhow!("sjabloon niet_ingedeeld: {e}"))?;
    Ok(())
}

fn refuse(state: &WebState, user: &User, status: StatusCode, text: &str) -> Response {
    message(state, status, Some(user), "Niet vastgelegd", text)
}

/// The signal's area lies in the member's wijken (and the signal exists).
async fn signal_in_areas(
    state: &WebState,
    user: &User,
    source: &str,
    id: &str,
) -> Result<(), Response> {
    match state.store.signal_area_key(source, id).await {
        Ok(Some(area)) if user.covers_area(&area) => Ok(()),
        Ok(_) => Err(refuse(
            state,
            user,
            StatusCode::NOT_FOUND,
            "Dit signaal bestaat niet of hoort niet bij uw wijken.",
        )),
        Err(error) => Err(failure(state, Some(user), error)),
    }
}

async fn record(state: &WebState, user: &User, label: NewLabel<'_>) -> Result<(), Response> {
    match state.store.record_label(&label).await {
        Ok(effect) => {
            tracing::info!(
                verdict = label.verdict.as_str(),
                left = effect.left.as_deref().unwrap_or(""),
                joined = effect.joined.as_deref().unwrap_or(""),
                "Recognition label recorded"
            );
            Ok(())
        }
        Err(error) => Err(failure(state, Some(user), error)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClusterLabelForm {
    csrf: String,
    bron: String,
    signaal: String,
    /// "hoort-er-niet-bij" or "ook".
    oordeel: String,
    /// For "ook": the barrier id.
    barriere: String,
}

/// "Hoort niet bij deze barrière" / "ook: <barrière>" for a signal of a cluster.
async fn label_in_cluster(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<ClusterLabelForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    guard!(cluster_in_areas(&state, &user, &id).await);
    guard!(signal_in_areas(&state, &user, &form.bron, &form.signaal).await);
    // The signal must be one of this cluster's: its barrier is the one being judged.
    let member = sqlx::query(
        "SELECT barrier FROM signal_barriers WHERE source = $1 AND signal_id = $2 AND cluster_id = $3",
    )
    .bind(&form.bron)
    .bind(&form.signaal)
    .bind(&id)
    .fetch_optional(state.store.pool())
    .await;
    let barrier: String = match member {
        Ok(Some(row)) => match row.try_get("barrier") {
            Ok(barrier) => barrier,
            Err(error) => return failure(&state, Some(&user), error.into()),
        },
        Ok(None) => {
            return refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "signaal: dit signaal hoort niet (meer) bij dit cluster.",
            )
        }
        Err(error) => return failure(&state, Some(&user), error.into()),
    };
    let (verdict, barrier) = match form.oordeel.as_str() {
        "hoort-er-niet-bij" => (Verdict::HoortErNietBij, barrier),
        "ook" if state.rules.barriers().iter().any(|b| b.id == form.barriere) => {
            (Verdict::HoortErbij, form.barriere.clone())
        }
        "ook" => {
            return refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "barrière: kies een barrière uit de lijst.",
            )
        }
        _ => {
            return refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "oordeel: kies 'hoort niet bij deze barrière' of 'ook'.",
            )
        }
    };
    guard!(
        record(
            &state,
            &user,
            NewLabel {
                source: &form.bron,
                signal_id: &form.signaal,
                barrier: &barrier,
                verdict,
                actor: &user.name,
            },
        )
        .await
    );
    // The cluster may have emptied: then back to the agenda.
    match state.store.cluster(&id).await {
        Ok(Some(_)) => Redirect::to(&format!("/clusters/{id}")).into_response(),
        Ok(None) => Redirect::to("/agenda").into_response(),
        Err(error) => failure(&state, Some(&user), error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    pagina: Option<i64>,
}

/// Niet ingedeeld: unclassified signals nobody labelled yet, oldest first, in the member's
/// wijken; scrubbed text only.
async fn queue_page(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<QueueQuery>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    let page_number = query.pagina.unwrap_or(1).max(1);
    let (signals, total) = match state
        .store
        .unclassified_queue(&user.areas, (page_number - 1) * PAGE_SIZE, PAGE_SIZE)
        .await
    {
        Ok(found) => found,
        Err(error) => return failure(&state, Some(&user), error),
    };
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    // Dates as the overleg reads them: 30-11-2026.
    let signals: Vec<_> = signals
        .into_iter()
        .map(|s| {
            let day = chrono::NaiveDate::parse_from_str(&s.observed_on, "%Y-%m-%d")
                .map(|d| d.format("%d-%m-%Y").to_string())
                .unwrap_or_else(|_| s.observed_on.clone());
            json!({"source": s.source, "id": s.id, "area": s.area, "text": s.text, "observed_on": day})
        })
        .collect();
    let barriers: Vec<_> = state
        .rules
        .barriers()
        .iter()
        .map(|b| json!({"id": b.id, "title": b.title}))
        .collect();
    page(
        &state,
        "niet_ingedeeld",
        Some(&user),
        &csrf,
        json!({
            "title": "Niet ingedeeld",
            "signals": signals,
            "total": total,
            "one": total == 1,
            "barriers": barriers,
            "pagina": page_number,
            "pages": pages.max(1),
            "previous": (page_number > 1).then_some(page_number - 1),
            "next": (page_number < pages).then_some(page_number + 1),
        }),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TriageForm {
    csrf: String,
    bron: String,
    signaal: String,
    /// A barrier id, or "geen" for "geen barrière".
    barriere: String,
    pagina: Option<i64>,
}

/// Triage from the queue: into a barrier, or "geen barrière".
async fn triage(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<TriageForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    guard!(signal_in_areas(&state, &user, &form.bron, &form.signaal).await);
    let verdict = if form.barriere == "geen" {
        Verdict::GeenBarriere
    } else if state.rules.barriers().iter().any(|b| b.id == form.barriere) {
        Verdict::HoortErbij
    } else {
        return refuse(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            "barrière: kies een barrière of 'geen barrière'.",
        );
    };
    guard!(
        record(
            &state,
            &user,
            NewLabel {
                source: &form.bron,
                signal_id: &form.signaal,
                barrier: &form.barriere,
                verdict,
                actor: &user.name,
            },
        )
        .await
    );
    Redirect::to(&format!(
        "/niet-ingedeeld?pagina={}",
        form.pagina.unwrap_or(1).max(1)
    ))
    .into_response()
}
