//! The review loop on the website (issue 11): the overleg corrects recognition where it looks
//! at signals anyway. On a cluster page, per signal, "hoort niet bij deze barrière" and
//! "ook: <barrière>"; on **Niet ingedeeld** (`/niet-ingedeeld`) unclassified signals are
//! triaged into a barrier or "geen barrière". Only the overleg labels, a restricted member only
//! in their own wijken (checked here, on the server), and every form carries the CSRF token.
//! Labels take effect at once: see [`knooppunt_rules::labels`].

use crate::error::WebError;
use crate::extract::{CsrfForm, OwnCluster, Reviewers, SignedIn};
use crate::render::with_status;
use crate::{time, WebState};
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use handlebars::Handlebars;
use knooppunt_rules::labels::{NewLabel, Verdict};
use knooppunt_rules::ruleset::RuleSet;
use serde::{Deserialize, Serialize};

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

/// A label that was not recorded, and why.
fn refuse(status: StatusCode, text: &str) -> WebError {
    WebError::refused(status, "Niet vastgelegd", text)
}

/// The signal's area lies in the member's wijken (and the signal exists).
async fn signal_in_areas(me: &SignedIn<Reviewers>, source: &str, id: &str) -> Result<(), WebError> {
    match me.state.store.signal_area_key(source, id).await? {
        Some(area) if me.user.covers_area(&area) => Ok(()),
        _ => Err(refuse(
            StatusCode::NOT_FOUND,
            "Dit signaal bestaat niet of hoort niet bij uw wijken.",
        )),
    }
}

/// Records the member's verdict on (source, signal) for `barrier`; it takes effect at once.
async fn record(
    me: &SignedIn<Reviewers>,
    (source, signal_id): (&str, &str),
    barrier: &str,
    verdict: Verdict,
) -> Result<(), WebError> {
    let label = NewLabel {
        source,
        signal_id,
        barrier,
        verdict,
        actor: &me.user.name,
        cluster_id: None,
    };
    let effect = me.state.store.record_label(&label).await?;
    tracing::info!(
        verdict = label.verdict.as_str(),
        left = effect.left.as_deref().unwrap_or(""),
        joined = effect.joined.as_deref().unwrap_or(""),
        "Recognition label recorded"
    );
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClusterLabelForm {
    #[serde(rename = "bron")]
    source: String,
    #[serde(rename = "signaal")]
    signal: String,
    /// "hoort-er-niet-bij" or "ook".
    #[serde(rename = "oordeel")]
    verdict: String,
    /// For "ook": the barrier id.
    #[serde(rename = "barriere")]
    barrier: String,
}

/// "Hoort niet bij deze barrière" / "ook: <barrière>" for a signal of a cluster.
async fn label_in_cluster(
    cluster: OwnCluster,
    CsrfForm(form): CsrfForm<ClusterLabelForm>,
) -> Result<Response, WebError> {
    let OwnCluster { me, id } = &cluster;
    signal_in_areas(me, &form.source, &form.signal).await?;
    // The signal must be one of this cluster's: its barrier is the one being judged.
    let memberships = me
        .state
        .store
        .signal_clusters(&form.source, &form.signal)
        .await?;
    let Some(member) = memberships
        .into_iter()
        .find(|m| m.cluster_id.as_deref() == Some(id.as_str()))
    else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "signaal: dit signaal hoort niet (meer) bij dit cluster.",
        ));
    };
    let barrier = member.barrier;
    let (verdict, barrier) = match form.verdict.as_str() {
        "hoort-er-niet-bij" => (Verdict::DoesNotBelong, barrier),
        "ook" if form.barrier == barrier => {
            let error = "ook bij een barrière: het signaal hoort al bij deze barrière; kies een \
                         andere uit de lijst."
                .to_string();
            return crate::clusters::refused_again(&cluster, error).await;
        }
        "ook" if me.state.rules.barrier(&form.barrier).is_some() => {
            (Verdict::Belongs, form.barrier.clone())
        }
        // Back on the cluster page, at the form, not on a page of its own.
        "ook" => {
            let error = "ook bij een barrière: kies een barrière uit de lijst.".to_string();
            return crate::clusters::refused_again(&cluster, error).await;
        }
        _ => {
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "oordeel: kies 'hoort niet bij deze barrière' of 'ook'.",
            ))
        }
    };
    record(me, (&form.source, &form.signal), &barrier, verdict).await?;
    let code = match verdict {
        Verdict::DoesNotBelong => "label:niet",
        _ => "label:ook",
    };
    // The cluster may have emptied: then back to the agenda.
    let to = match me.state.store.cluster(id).await? {
        Some(_) => format!("/clusters/{id}"),
        None => "/agenda".to_string(),
    };
    Ok(crate::flash::redirect(code, &to, me.state.secure_cookies))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct QueueQuery {
    #[serde(rename = "pagina")]
    page: Option<i64>,
}

/// Niet ingedeeld: unclassified signals nobody labelled yet, oldest first, in the member's
/// wijken; scrubbed text only.
async fn queue_page(
    me: SignedIn<Reviewers>,
    jar: CookieJar,
    Query(query): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let (jar, flash) = crate::flash::take(jar);
    let page = queue_view(&me, query.page.unwrap_or(1).max(1), flash, None).await?;
    Ok((jar, page).into_response())
}

/// The queue's page `page_number`, with a message once or a refusal.
async fn queue_view(
    me: &SignedIn<Reviewers>,
    page_number: i64,
    flash: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (signals, total) = me
        .state
        .store
        .unclassified_queue(&me.user.areas, (page_number - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    // Past the last page (an old link, a page emptied by triage): the last page there is.
    if page_number > pages.max(1) {
        return Box::pin(queue_view(me, pages.max(1), flash, error)).await;
    }
    let signals = signals
        .into_iter()
        .map(|s| QueuedSignal {
            observed_on: time::day(s.observed_on),
            source: s.source,
            id: s.id,
            area: s.area,
            text: s.text,
        })
        .collect();
    let barriers = me
        .state
        .rules
        .barriers()
        .iter()
        .map(|b| BarrierChoice {
            id: b.id.clone(),
            title: b.title.clone(),
        })
        .collect();
    let data = QueuePage {
        signals,
        total,
        one: total == 1,
        barriers,
        page: page_number,
        pages: pages.max(1),
        previous: (page_number > 1).then_some(page_number - 1),
        next: (page_number < pages).then_some(page_number + 1),
        flash,
        error,
    };
    me.page("niet_ingedeeld", "Niet ingedeeld", &data)
}

#[derive(Serialize)]
struct QueuedSignal {
    source: String,
    id: String,
    area: String,
    text: String,
    /// As the overleg reads it: 30-11-2026.
    observed_on: String,
}

#[derive(Serialize)]
struct BarrierChoice {
    id: String,
    title: String,
}

#[derive(Serialize)]
struct QueuePage {
    signals: Vec<QueuedSignal>,
    total: i64,
    one: bool,
    barriers: Vec<BarrierChoice>,
    page: i64,
    pages: i64,
    previous: Option<i64>,
    next: Option<i64>,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TriageForm {
    #[serde(rename = "bron")]
    source: String,
    #[serde(rename = "signaal")]
    signal: String,
    /// A barrier id, or "geen" for "geen barrière".
    #[serde(rename = "barriere")]
    barrier: String,
    #[serde(rename = "pagina")]
    page: Option<i64>,
}

/// Triage from the queue: into a barrier, or "geen barrière".
async fn triage(
    me: SignedIn<Reviewers>,
    CsrfForm(form): CsrfForm<TriageForm>,
) -> Result<Response, WebError> {
    signal_in_areas(&me, &form.source, &form.signal).await?;
    let verdict = if form.barrier == "geen" {
        Verdict::NoBarrier
    } else if me.state.rules.barrier(&form.barrier).is_some() {
        Verdict::Belongs
    } else {
        // Back on the queue, with the refusal above it, not on a page of its own.
        let page = form.page.unwrap_or(1).max(1);
        let error = "barrière: kies een barrière of 'geen barrière' en druk dan op Vastleggen.";
        let shown = queue_view(&me, page, None, Some(error.to_string())).await;
        return with_status(StatusCode::UNPROCESSABLE_ENTITY, shown);
    };
    record(&me, (&form.source, &form.signal), &form.barrier, verdict).await?;
    let page = form.page.unwrap_or(1).max(1);
    let code = if verdict == Verdict::NoBarrier {
        "triage:geen"
    } else {
        "triage:ingedeeld"
    };
    let to = format!("/niet-ingedeeld?pagina={page}");
    Ok(crate::flash::redirect(code, &to, me.state.secure_cookies))
}
