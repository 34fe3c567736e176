//! Beheer: accounts, partner API tokens, and what the scrubber refused (counts only).

use crate::accounts::{self, ApiToken, User};
use crate::error::WebError;
use crate::extract::{Beheer, Confirm, CsrfForm, SignedIn};
use crate::render::with_status;
use crate::{time, WebState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use knooppunt_reports::review::Role;
use serde::{Deserialize, Serialize};

/// What a change on the page says: a notice, an error, or a new token shown once.
#[derive(Serialize, Default)]
struct Outcome {
    notice: Option<String>,
    error: Option<String>,
    new_token: Option<String>,
    new_token_id: Option<String>,
}

impl Outcome {
    fn notice(text: String) -> Self {
        Self {
            notice: Some(text),
            ..Default::default()
        }
    }

    fn error(text: String) -> Self {
        Self {
            error: Some(text),
            ..Default::default()
        }
    }
}

#[derive(Serialize)]
struct RoleChoice {
    id: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct BeheerPage<Q: Serialize> {
    users: Vec<User>,
    tokens: Vec<ApiToken>,
    quarantine: Q,
    rules_version: String,
    barriers: usize,
    roles: Vec<RoleChoice>,
    #[serde(flatten)]
    outcome: Outcome,
}

pub(crate) async fn beheer_page(
    State(state): State<WebState>,
    me: SignedIn<Beheer>,
) -> Result<Response, WebError> {
    beheer_view(&state, &me, Outcome::default()).await
}

async fn beheer_view(
    state: &WebState,
    me: &SignedIn<Beheer>,
    outcome: Outcome,
) -> Result<Response, WebError> {
    let users = accounts::users(&state.store).await?;
    // Times in Dutch local time, `dd-mm-jjjj hh:mm`.
    let tokens = accounts::api_tokens(&state.store)
        .await?
        .into_iter()
        .map(|t| ApiToken {
            created_at: time::moment(&t.created_at),
            revoked_at: t.revoked_at.as_deref().map(time::moment),
            ..t
        })
        .collect();
    let data = BeheerPage {
        users,
        tokens,
        quarantine: state.store.quarantine_counts().await?,
        rules_version: state.rules.version().to_string(),
        barriers: state.rules.barriers().len(),
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                id: r.as_str(),
                label: r.label(),
            })
            .collect(),
        outcome,
    };
    me.page(state, "beheer", "Beheer", &data)
}

/// The page again after a refused change, with the reason.
async fn refused(
    state: &WebState,
    me: &SignedIn<Beheer>,
    error: String,
) -> Result<Response, WebError> {
    let page = beheer_view(state, me, Outcome::error(error)).await;
    with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct UserForm {
    naam: String,
    weergavenaam: String,
    rol: String,
    bron: String,
    wijken: String,
    wachtwoord: String,
}

pub(crate) async fn add_user(
    State(state): State<WebState>,
    me: SignedIn<Beheer>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    let Some(role) = Role::parse(&form.rol) else {
        return beheer_view(&state, &me, Outcome::error("rol: kies een rol".into())).await;
    };
    let new = accounts::NewUser {
        name: form.naam.trim(),
        display_name: &form.weergavenaam,
        role,
        source: &form.bron,
        areas: &form.wijken,
        password: &form.wachtwoord,
    };
    match accounts::create_user(&state.store, &new).await {
        Ok(()) => {
            let notice = format!("Gebruiker {} is aangemaakt.", new.name);
            beheer_view(&state, &me, Outcome::notice(notice)).await
        }
        Err(error) => refused(&state, &me, error.to_string()).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    bron: String,
    omschrijving: String,
}

pub(crate) async fn add_token(
    State(state): State<WebState>,
    me: SignedIn<Beheer>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, WebError> {
    let created =
        accounts::create_api_token(&state.store, &form.bron, &form.omschrijving, &me.user.name)
            .await;
    match created {
        Ok((id, token)) => {
            tracing::info!(token_id = %id, "API token created");
            let outcome = Outcome {
                new_token: Some(token),
                new_token_id: Some(id),
                ..Default::default()
            };
            beheer_view(&state, &me, outcome).await
        }
        Err(error) => refused(&state, &me, error.to_string()).await,
    }
}

pub(crate) async fn revoke_token(
    State(state): State<WebState>,
    me: SignedIn<Beheer>,
    Path(id): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let outcome = if accounts::revoke_api_token(&state.store, &id).await? {
        Outcome::notice(format!("Token {id} is ingetrokken."))
    } else {
        Outcome::error(format!("token {id} bestaat niet of is al ingetrokken"))
    };
    beheer_view(&state, &me, outcome).await
}
