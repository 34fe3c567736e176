//! Setting a cluster's werkroute from its page (the overleg): checked like a signal's text,
//! refused with the page and what was typed, logged in the processing log.

use crate::error::WebError;
use crate::extract::{CsrfForm, OwnCluster};
use crate::werkroute::{checked, Typed};
use crate::WebState;
use crate::{flash, overleg};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use knooppunt_domain::processing_log::{actions, Activity, Record};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_rules::verwerkingslog;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct WerkrouteForm {
    #[serde(rename = "werkroute")]
    route: String,
}

/// The werkroute form on a cluster's page.
pub(crate) fn routes() -> Router<WebState> {
    Router::new().route("/clusters/{id}/werkroute", post(set_werkroute))
}

/// Sets, changes or (with an empty text) removes the cluster's werkroute.
pub(crate) async fn set_werkroute(
    cluster: OwnCluster,
    CsrfForm(form): CsrfForm<WerkrouteForm>,
) -> Result<Response, WebError> {
    let text = match checked(&form.route) {
        Ok(text) => text,
        Err(error) => {
            let typed = Typed {
                text: form.route.clone(),
                error,
            };
            let refused = overleg::Refused {
                werkroute: Some(typed),
                ..Default::default()
            };
            return crate::clusters::refused_with(&cluster, refused).await;
        }
    };
    let OwnCluster { me, id } = &cluster;
    let change = if text.is_some() {
        "werkroute-vastleggen"
    } else {
        "werkroute-verwijderen"
    };
    let record = Record::instant(
        TraceContext::from_header(knooppunt_ingest::trace::current().as_deref()).child(),
        actions::ADMINISTRATION,
        &me.user.name,
        Activity::Review,
        json!({"change": change, "cluster_id": id}),
    );
    let changed = me
        .state
        .store
        .set_werkroute(
            id,
            text.as_deref(),
            &me.user.name,
            chrono::Utc::now(),
            &verwerkingslog::rows(&[record]),
        )
        .await?;
    tracing::info!(cluster = %id, change, changed, "Werkroute");
    let code = match (text.is_some(), changed) {
        (true, _) => "werkroute:vastgelegd",
        (false, true) => "werkroute:verwijderd",
        (false, false) => "werkroute:geen",
    };
    let to = format!("/clusters/{id}");
    Ok(flash::redirect(code, &to, me.state.secure_cookies))
}
