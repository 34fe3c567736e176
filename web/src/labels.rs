//! The review loop on the website (issue 11): the overleg corrects recognition where it looks
//! at signals anyway. On a cluster page, per signal, "hoort niet bij deze barrière" and
//! "ook: <barrière>"; on **Niet ingedeeld** (`/niet-ingedeeld`) unclassified signals are
//! triaged into a barrier or "geen barrière". Only the overleg labels, a restricted member only
//! in their own wijken (checked here, on the server), and every form carries the CSRF token.
//! Labels take effect at once: see [`knooppunt_rules::labels`]. What a label did is said by
//! signal, barrier and cluster, shown in the cluster's history, and can be taken back the same
//! day: see [`crate::label_history`].

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
use knooppunt_rules::labels::{short_kenmerk, NewLabel, Verdict};
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
        .route(
            "/clusters/{id}/correctie-ongedaan",
            post(crate::label_history::undo_correction),
        )
        .route(
            "/correcties/ongedaan",
            post(crate::label_history::undo_anywhere),
        )
        .route("/niet-ingedeeld", get(queue_page).post(triage))
}

/// Registers the queue page and the partial the cluster page shows under each signal
/// (`{{> labels_signal cluster=… csrf=… choices=…}}`): the "ook" choices are the barriers
/// other than the cluster's own.
pub fn register(templates: &mut Handlebars<'static>) -> anyhow::Result<()> {
    let partial = "<form method=\"post\" action=\"/clusters/{{cluster}}/label\" class=\"label-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\">\
         <input type=\"hidden\" name=\"bron\" value=\"{{source}}\">\
         <input type=\"hidden\" name=\"signaal\" value=\"{{id}}\">\
         {{#if label_error}}<p class=\"utrecht-alert utrecht-alert--error fout\" role=\"alert\">{{label_error}}</p>{{/if}}\
         <button type=\"submit\" name=\"oordeel\" value=\"hoort-er-niet-bij\">Hoort niet bij deze barrière</button> \
         <label>Ook: <select name=\"barriere\" aria-label=\"ook bij barrière (signaal {{kenmerk}})\"><option value=\"\">— kies een barrière —</option>\
         {{#each choices}}<option value=\"{{id}}\">{{title}}</option>{{/each}}</select></label> \
         <button type=\"submit\" name=\"oordeel\" value=\"ook\">Ook bij deze barrière</button></form>";
    templates
        .register_partial("labels_signal", partial)
        .map_err(|e| anyhow::anyhow!("sjabloon labels_signal: {e}"))?;
    // The message after a correction, with its undo while it can be taken back
    // (`{{> correctie_melding}}` on the agenda and the queue; the cluster page undoes through
    // its own route).
    let notice =
        "{{#if flash}}<div class=\"utrecht-alert utrecht-alert--ok goed\" role=\"status\" \
         id=\"melding\"><p>{{flash.text}}</p>{{#if flash.undo}}<form method=\"post\" \
         action=\"/correcties/ongedaan\" class=\"ongedaan\"><input type=\"hidden\" name=\"csrf\" \
         value=\"{{csrf}}\"><input type=\"hidden\" name=\"label\" value=\"{{flash.undo.seq}}\">\
         <button type=\"submit\">{{flash.undo.text}}</button></form>{{/if}}</div>{{/if}}";
    templates
        .register_partial("correctie_melding", notice)
        .map_err(|e| anyhow::anyhow!("sjabloon correctie_melding: {e}"))?;
    templates
        .register_template_string("niet_ingedeeld", QUEUE_TEMPLATE)
        .map_err(|e| anyhow::anyhow!("sjabloon niet_ingedeeld: {e}"))?;
    Ok(())
}

/// The barriers to choose from (titles shown, ids sent), but `except`: for "ook" on a signal
/// of a cluster, every barrier other than the cluster's own.
pub(crate) fn barrier_choices(rules: &RuleSet, except: Option<&str>) -> Vec<BarrierChoice> {
    rules
        .barriers()
        .iter()
        .filter(|b| Some(b.id.as_str()) != except)
        .map(|b| BarrierChoice {
            id: b.id.clone(),
            title: b.title.clone(),
        })
        .collect()
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

/// Records the member's verdict on (source, signal) for `barrier`, made on the page of
/// `cluster` (`None`: the queue); it takes effect at once. The label's sequence number.
async fn record(
    me: &SignedIn<Reviewers>,
    (source, signal_id): (&str, &str),
    (barrier, verdict): (&str, Verdict),
    cluster: Option<&str>,
) -> Result<i64, WebError> {
    let label = NewLabel {
        source,
        signal_id,
        barrier,
        verdict,
        actor: &me.user.name,
        cluster_id: cluster,
    };
    let effect = me.state.store.record_label(&label).await?;
    tracing::info!(
        label = effect.seq,
        verdict = label.verdict.as_str(),
        left = effect.left.as_deref().unwrap_or(""),
        joined = effect.joined.as_deref().unwrap_or(""),
        "Recognition label recorded"
    );
    Ok(effect.seq)
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

/// The cluster page again, with `error` about the signal of `form` at the top and at its form.
async fn refused_at_signal(
    cluster: &OwnCluster,
    form: &ClusterLabelForm,
    error: String,
) -> Result<Response, WebError> {
    let refused = crate::overleg::Refused {
        error: error.clone(),
        label: Some(crate::overleg::LabelRefused {
            source: form.source.clone(),
            signal: form.signal.clone(),
            error,
        }),
        ..Default::default()
    };
    crate::clusters::refused_with(cluster, refused).await
}

/// The verdict the cluster form asks for on a signal of a cluster of `barrier`, or the refusal
/// in Dutch, naming the signal.
fn cluster_verdict(
    rules: &RuleSet,
    form: &ClusterLabelForm,
    barrier: String,
) -> Result<(Verdict, String), String> {
    let signal = format!("signaal {}", short_kenmerk(&form.signal));
    match form.verdict.as_str() {
        "hoort-er-niet-bij" => Ok((Verdict::DoesNotBelong, barrier)),
        "ook" if form.barrier == barrier => Err(format!(
            "ook bij een barrière ({signal}): het signaal hoort al bij ‘{}’, de barrière van \
             dit cluster; kies een andere uit de lijst.",
            rules.title(&barrier)
        )),
        "ook" if rules.barrier(&form.barrier).is_some() => {
            Ok((Verdict::Belongs, form.barrier.clone()))
        }
        "ook" => Err(format!(
            "ook bij een barrière ({signal}): kies een barrière uit de lijst."
        )),
        _ => Err(format!(
            "oordeel ({signal}): kies 'hoort niet bij deze barrière' of 'ook'."
        )),
    }
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
        let error = format!(
            "signaal {}: dit signaal hoort niet (meer) bij dit cluster.",
            short_kenmerk(&form.signal)
        );
        return with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::clusters::refused_again(&cluster, error).await,
        );
    };
    // Back on the cluster page, at the signal's form, not on a page of its own.
    let (verdict, barrier) = match cluster_verdict(&me.state.rules, &form, member.barrier) {
        Ok(chosen) => chosen,
        Err(error) => return refused_at_signal(&cluster, &form, error).await,
    };
    let signal = (form.source.as_str(), form.signal.as_str());
    let seq = record(me, signal, (&barrier, verdict), Some(id)).await?;
    let kind = match verdict {
        Verdict::DoesNotBelong => "label:niet",
        _ => "label:ook",
    };
    // The cluster may have emptied: then back to the agenda.
    let to = match me.state.store.cluster(id).await? {
        Some(_) => format!("/clusters/{id}#melding"),
        None => "/agenda".to_string(),
    };
    let code = crate::label_history::code(kind, seq);
    Ok(crate::flash::redirect(&code, &to, me.state.secure_cookies))
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
    let (jar, notice) = crate::label_history::take_flash(&me, jar).await?;
    let page = queue_view(&me, query.page.unwrap_or(1).max(1), notice, None).await?;
    Ok((jar, page).into_response())
}

/// The queue's page `page_number`, with a message once (and its undo) or a refusal.
async fn queue_view(
    me: &SignedIn<Reviewers>,
    page_number: i64,
    flash: Option<crate::label_history::Notice>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let (signals, total) = me
        .state
        .store
        .unclassified_queue(
            &me.user.covered_area_keys(),
            (page_number - 1) * PAGE_SIZE,
            PAGE_SIZE,
        )
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
    let barriers = barrier_choices(&me.state.rules, None);
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
pub(crate) struct BarrierChoice {
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
    flash: Option<crate::label_history::Notice>,
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
    let page = form.page.unwrap_or(1).max(1);
    let classified = (me.state.store)
        .signal(&form.source, &form.signal)
        .await?
        .is_some_and(|signal| !signal.barriers.is_empty());
    if classified {
        // A page opened before someone else triaged it: "geen barrière" would now take the
        // signal out of the barrier it was given.
        let error = format!(
            "signaal {}: is intussen ingedeeld en staat niet meer in deze lijst; er is niets \
             veranderd.",
            knooppunt_domain::labels::short_kenmerk(&form.signal)
        );
        let shown = queue_view(&me, page, None, Some(error)).await;
        return with_status(StatusCode::CONFLICT, shown);
    }
    let verdict = if form.barrier == "geen" {
        Verdict::NoBarrier
    } else if me.state.rules.barrier(&form.barrier).is_some() {
        Verdict::Belongs
    } else {
        // Back on the queue, with the refusal above it, not on a page of its own.
        let error = "barrière: kies een barrière of 'geen barrière' en druk dan op Vastleggen.";
        let shown = queue_view(&me, page, None, Some(error.to_string())).await;
        return with_status(StatusCode::UNPROCESSABLE_ENTITY, shown);
    };
    let signal = (form.source.as_str(), form.signal.as_str());
    let seq = record(&me, signal, (&form.barrier, verdict), None).await?;
    let kind = if verdict == Verdict::NoBarrier {
        "triage:geen"
    } else {
        "triage:ingedeeld"
    };
    let to = format!("/niet-ingedeeld?pagina={page}");
    let code = crate::label_history::code(kind, seq);
    Ok(crate::flash::redirect(&code, &to, me.state.secure_cookies))
}
