//! The overleg's decisions on a cluster: the cluster page, a decision, approving a vignette and
//! undoing today's last decision. The page itself is put together in [`crate::overleg`].

use crate::agenda::parse_day;
use crate::error::WebError;
use crate::extract::{Confirm, CsrfForm, Overleg, SignedIn};
use crate::overleg::{self, Refused};
use crate::{flash, WebState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use knooppunt_ingest::envelope::partition_key;
use knooppunt_reports::review::{Action, Snooze, Split};
use knooppunt_reports::review_store::{self, DecideError};
use serde::Deserialize;

pub(crate) async fn cluster_page(
    State(state): State<WebState>,
    me: SignedIn<Overleg>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (jar, flash) = flash::take(jar);
    let page = overleg::cluster_view(&state, &me, &id, None, flash).await?;
    Ok((jar, page).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct DecisionForm {
    pub actie: String,
    pub reden: String,
    pub met: String,
    pub tot: String,
    pub datum: String,
    pub aantal: String,
    pub eigenaar: String,
    pub programma: String,
    /// Splitsen: "organisatie" or "signalen".
    pub splits_op: String,
    /// Splitsen: the selected signals, as "source|id".
    pub signalen: Vec<String>,
}

fn snooze_from_form(form: &DecisionForm) -> Result<Snooze, String> {
    Ok(match form.tot.as_str() {
        "datum" => Snooze::Datum {
            datum: parse_day(Some(&form.datum))
                .ok()
                .filter(|_| !form.datum.trim().is_empty())
                .ok_or_else(|| "parkeren: vul een geldige datum in (jjjj-mm-dd)".to_string())?,
        },
        "signalen" => Snooze::Signalen {
            aantal: form
                .aantal
                .trim()
                .parse()
                .map_err(|_| "parkeren: vul het aantal nieuwe signalen in".to_string())?,
        },
        "piek" => Snooze::Piek,
        _ => return Err("parkeren: kies tot wanneer".into()),
    })
}

fn split_from_form(form: &DecisionForm) -> Result<Split, String> {
    Ok(match form.splits_op.as_str() {
        "organisatie" => Split::Organisatie,
        "signalen" => Split::Signalen {
            signalen: form
                .signalen
                .iter()
                .filter_map(|s| s.split_once('|'))
                .map(|(source, id)| (source.to_string(), id.to_string()))
                .collect(),
        },
        _ => return Err("splitsen: kies op organisatie of op gekozen signalen".into()),
    })
}

fn action_from_form(form: &DecisionForm) -> Result<Action, String> {
    Ok(match form.actie.as_str() {
        "bevestigen" => Action::Bevestigen,
        "afwijzen" => Action::Afwijzen,
        "notitie" => Action::Notitie,
        "aanbeveling" => Action::Aanbeveling,
        "oplossen" => Action::Oplossen,
        "heropenen" => Action::Heropenen,
        "samenvoegen" => Action::Samenvoegen {
            met: form.met.trim().to_string(),
        },
        "splitsen" => Action::Splitsen {
            op: split_from_form(form)?,
        },
        "toewijzen" => Action::Toewijzen {
            eigenaar: form.eigenaar.trim().to_string(),
            programma: form.programma.trim().to_string(),
        },
        "parkeren" => Action::Parkeren {
            snooze: snooze_from_form(form)?,
        },
        other => return Err(format!("actie: onbekend besluit '{other}'")),
    })
}

/// Whether cluster `id` exists and lies in the member's wijken.
async fn covers_cluster(
    state: &WebState,
    me: &SignedIn<Overleg>,
    id: &str,
) -> Result<bool, WebError> {
    let cluster = state.store.cluster(id).await?;
    Ok(cluster.is_some_and(|c| me.user.covers_area(&partition_key(&c.area))))
}

/// The cluster exists and lies in the overleg member's areas; else "Niet gevonden".
pub(crate) async fn cluster_in_areas(
    state: &WebState,
    me: &SignedIn<Overleg>,
    id: &str,
) -> Result<(), WebError> {
    if covers_cluster(state, me, id).await? {
        Ok(())
    } else {
        Err(WebError::NotFound(
            "Dit cluster bestaat niet of hoort niet bij uw wijken.",
        ))
    }
}

/// The cluster page again after a refused change, with the reason.
async fn refused_again(
    state: &WebState,
    me: &SignedIn<Overleg>,
    id: &str,
    error: String,
) -> Result<Response, WebError> {
    let refused = Refused {
        error,
        ..Default::default()
    };
    let page = overleg::cluster_view(state, me, id, Some(refused), None).await;
    crate::render::with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// After a change: the cluster page, with a message once.
fn back_to_cluster(state: &WebState, jar: CookieJar, id: &str, code: &str) -> Response {
    (
        flash::set(jar, code, state.secure_cookies),
        Redirect::to(&format!("/clusters/{id}")),
    )
        .into_response()
}

pub(crate) async fn decide(
    State(state): State<WebState>,
    me: SignedIn<Overleg>,
    jar: CookieJar,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Response, WebError> {
    cluster_in_areas(&state, &me, &id).await?;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let action = match action_from_form(&form) {
        Ok(action) => action,
        Err(text) => {
            return overleg::refused_view(&state, &me, &id, &form, text, unprocessable).await
        }
    };
    // Merging moves the other cluster's signals into this one: it must be the member's too.
    if let Action::Samenvoegen { met } = &action {
        if !covers_cluster(&state, &me, met).await? {
            tracing::warn!(cluster = %id, "Merge with a cluster outside the member's areas refused");
            let text = "samenvoegen: het andere cluster bestaat niet of hoort niet bij uw wijken";
            return overleg::refused_view(
                &state,
                &me,
                &id,
                &form,
                text.into(),
                StatusCode::FORBIDDEN,
            )
            .await;
        }
    }
    match review_store::decide(&state.store, &id, action, &form.reden, &me.user.name).await {
        Ok(decision) => {
            tracing::info!(cluster = %id, action = decision.action.name(), "Decision recorded");
            let code = format!(
                "besluit:{}:{}",
                decision.action.name(),
                decision.state_after.as_str()
            );
            Ok(back_to_cluster(&state, jar, &id, &code))
        }
        Err(DecideError::Failed(error)) => Err(error.into()),
        Err(refused) => {
            overleg::refused_view(&state, &me, &id, &form, refused.to_string(), unprocessable).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct VignetteForm {
    bron: String,
    signaal: String,
}

/// Approves a scrubbed signal of the cluster as a vignette for the brief.
pub(crate) async fn approve_vignette(
    State(state): State<WebState>,
    me: SignedIn<Overleg>,
    jar: CookieJar,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VignetteForm>,
) -> Result<Response, WebError> {
    cluster_in_areas(&state, &me, &id).await?;
    let approved = knooppunt_reports::knelpunten::approve_vignette(
        &state.store,
        &id,
        &form.bron,
        &form.signaal,
        &me.user.name,
    )
    .await?;
    if approved {
        Ok(back_to_cluster(&state, jar, &id, "vignet"))
    } else {
        let text = "vignet: dit signaal hoort niet bij dit cluster";
        refused_again(&state, &me, &id, text.into()).await
    }
}

/// Takes back the cluster's last decision, if it was taken today (the meeting that is on).
pub(crate) async fn undo_decision(
    State(state): State<WebState>,
    me: SignedIn<Overleg>,
    jar: CookieJar,
    Path(id): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    cluster_in_areas(&state, &me, &id).await?;
    let today = knooppunt_ingest::today_nl();
    match review_store::undo_last(&state.store, &id, today).await? {
        Ok((decision, back)) => {
            tracing::info!(cluster = %id, action = decision.action.name(), "Decision undone");
            let code = format!("ongedaan:{}:{}", decision.action.name(), back.as_str());
            Ok(back_to_cluster(&state, jar, &id, &code))
        }
        Err(reason) => refused_again(&state, &me, &id, format!("ongedaan maken: {reason}")).await,
    }
}
