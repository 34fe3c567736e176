//! The overleg's decisions on a cluster: the cluster page, a decision, approving a vignette and
//! undoing today's last decision. The page itself is put together in [`crate::overleg`].

use crate::decision_form::{action_from_form, DecisionForm};
use crate::error::WebError;
use crate::extract::{Confirm, CsrfForm, OwnCluster, Reviewers, SignedIn};
use crate::flash;
use crate::overleg::{self, Refused, VignetteTyped};
use crate::WebState;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_reports::knelpunten::{VignetteApproval, VignetteRequest};
use knooppunt_reports::review::Action;
use knooppunt_reports::review_store::{self, DecideError};
use serde::Deserialize;

/// A cluster's page and what the overleg decides on it.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/clusters/{id}", get(cluster_page))
        .route("/clusters/{id}/besluit", post(decide))
        .route("/clusters/{id}/vignet", post(approve_vignette))
        .route("/clusters/{id}/ongedaan", post(undo_decision))
}

pub(crate) async fn cluster_page(
    me: SignedIn<Reviewers>,
    Path(id): Path<String>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound("Dit cluster bestaat niet of hoort niet bij uw wijken.");
    match me.state.store.cluster(&id).await? {
        Some(cluster) if me.covers(&cluster) => {
            let (jar, flash) = crate::label_history::take_flash(&me, jar).await?;
            let page = overleg::cluster_view(&me, &id, None, flash).await?;
            Ok((jar, page).into_response())
        }
        Some(_) => Err(not_found()),
        // A link to a cluster a replay emptied (in an old decisions list, an event, a
        // bookmark) leads to the one its signals and decisions went to.
        None => match successor(&me, &id).await? {
            Some(to) => Ok(flash::redirect(
                "opgevolgd",
                &format!("/clusters/{to}"),
                me.state.secure_cookies,
            )),
            None => Err(not_found()),
        },
    }
}

/// The cluster that took over from cluster `id`, which no longer exists, when its history in
/// force merges it into one the member may see: followed along a few replays at most.
async fn successor(me: &SignedIn<Reviewers>, id: &str) -> Result<Option<String>, WebError> {
    const HOPS: usize = 8;
    let store = &me.state.store;
    let mut at = id.to_string();
    for _ in 0..HOPS {
        let history = store.decisions(&at).await?;
        let day = chrono::NaiveDate::MIN;
        let standing = knooppunt_domain::review::standing(&history, 0, day, false, day);
        let Some(next) = standing.merged_into else {
            return Ok(None);
        };
        match store.cluster(&next).await? {
            Some(cluster) => return Ok(me.covers(&cluster).then_some(next)),
            None => at = next,
        }
    }
    Ok(None)
}

/// The cluster page again after a refused change, with the reason.
pub(crate) async fn refused_again(
    cluster: &OwnCluster,
    error: String,
) -> Result<Response, WebError> {
    let refused = Refused {
        error,
        ..Default::default()
    };
    refused_with(cluster, refused).await
}

/// The cluster page again after a refused change, showing `refused` (422).
pub(crate) async fn refused_with(
    cluster: &OwnCluster,
    refused: Refused,
) -> Result<Response, WebError> {
    let page = overleg::cluster_view(&cluster.me, &cluster.id, Some(refused), None).await;
    crate::render::with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// After a change: the cluster page, with a message once, scrolled to that message (the form's
/// own `#paneel-…` would otherwise carry over the redirect and keep it out of view).
fn back_to(cluster: &OwnCluster, code: &str) -> Response {
    let to = format!("/clusters/{}#melding", cluster.id);
    flash::redirect(code, &to, cluster.me.state.secure_cookies)
}

pub(crate) async fn decide(
    cluster: OwnCluster,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    let OwnCluster { me, id } = &cluster;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let action = match action_from_form(&form) {
        Ok(action) => action,
        Err(text) => return overleg::refused_view(me, id, &form, text, unprocessable).await,
    };
    // Merging moves the other cluster's signals into this one: it must be the member's too.
    if let Action::Merge { with } = &action {
        if !me.covers_cluster(with).await? {
            tracing::warn!(cluster = %id, "Merge with a cluster outside the member's areas refused");
            let text = "samenvoegen: het andere cluster bestaat niet of hoort niet bij uw wijken";
            return overleg::refused_view(me, id, &form, text.into(), StatusCode::FORBIDDEN).await;
        }
    }
    match review_store::decide(&me.state.store, id, action, &form.reason, &me.user.name).await {
        Ok(decision) => {
            tracing::info!(cluster = %id, action = decision.action.name(), "Decision recorded");
            let code = format!(
                "besluit:{}:{}",
                decision.action.name(),
                decision.state_after.as_str()
            );
            Ok(back_to(&cluster, &code))
        }
        Err(DecideError::Failed(error)) => Err(error.into()),
        Err(refused) => {
            overleg::refused_view(me, id, &form, refused.to_string(), unprocessable).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct VignetteForm {
    #[serde(rename = "bron")]
    source: String,
    #[serde(rename = "signaal")]
    signal: String,
    /// "ja" when the overleg ticked that nobody can be recognised in the text.
    #[serde(rename = "gecontroleerd")]
    checked: String,
    /// The text as the overleg wants it in the brief; the signal's own when unchanged.
    #[serde(rename = "tekst")]
    text: Option<String>,
}

/// Approves a scrubbed signal of the cluster as a vignette for the brief.
pub(crate) async fn approve_vignette(
    cluster: OwnCluster,
    CsrfForm(form): CsrfForm<VignetteForm>,
) -> Result<Response, WebError> {
    let OwnCluster { me, id } = &cluster;
    let request = VignetteRequest {
        cluster_id: id,
        source: &form.source,
        signal_id: &form.signal,
        edited: form.text.as_deref(),
        checked: form.checked == "ja",
    };
    let approval =
        knooppunt_reports::knelpunten::approve_vignette(&me.state.store, request, &me.user.name)
            .await?;
    let error = match approval {
        VignetteApproval::Approved => return Ok(back_to(&cluster, "vignet")),
        VignetteApproval::NotInCluster => "vignet: dit signaal hoort niet bij dit cluster".into(),
        VignetteApproval::Unchecked(details) => format!(
            "vignet: deze tekst noemt {}. Vink aan dat u gecontroleerd hebt dat niemand hierin \
             te herkennen is, pas de tekst aan, of kies een ander signaal",
            knooppunt_domain::vignette::describe_nl(&details)
        ),
        VignetteApproval::EditRefused(refusal) => format!("vignet: {refusal}"),
    };
    // What was typed stays in the signal's form, open, with the check its text asks for.
    let vignette = form.text.map(|text| VignetteTyped {
        source: form.source,
        signal: form.signal,
        text,
    });
    let refused = Refused {
        error,
        vignette,
        ..Default::default()
    };
    refused_with(&cluster, refused).await
}

/// Takes back the cluster's last decision, if it was taken today (the meeting that is on).
pub(crate) async fn undo_decision(
    cluster: OwnCluster,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let today = knooppunt_ingest::today_nl();
    match review_store::undo_last(
        &cluster.me.state.store,
        &cluster.id,
        today,
        &cluster.me.user.name,
    )
    .await?
    {
        Ok((decision, back)) => {
            let action = decision.action.name();
            tracing::info!(cluster = %cluster.id, action, "Decision undone");
            Ok(back_to(
                &cluster,
                &format!("ongedaan:{action}:{}", back.as_str()),
            ))
        }
        Err(reason) => refused_again(&cluster, format!("ongedaan maken: {reason}")).await,
    }
}
