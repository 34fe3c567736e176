//! Beheer: accounts, partner API tokens, and what the scrubber refused (counts only).

use crate::accounts::{self, User};
use crate::error::WebError;
use crate::extract::{Beheer, Confirm, CsrfForm, SignedIn};
use crate::render::with_status;
use crate::time;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use knooppunt_reports::review::Role;
use serde::{Deserialize, Serialize};

/// The form that adds an account.
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

/// The form that adds a partner API token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    bron: String,
    omschrijving: String,
}

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

/// A partner API token as listed: never the token, its times in Dutch local time.
#[derive(Serialize)]
struct TokenView {
    id: String,
    source: String,
    label: String,
    created_by: String,
    created_at: String,
    revoked_at: Option<String>,
}

#[derive(Serialize)]
struct RoleChoice {
    id: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct BeheerPage<Q: Serialize> {
    users: Vec<User>,
    tokens: Vec<TokenView>,
    quarantine: Q,
    rules_version: String,
    barriers: usize,
    roles: Vec<RoleChoice>,
    #[serde(flatten)]
    outcome: Outcome,
}

pub(crate) async fn beheer_page(me: SignedIn<Beheer>) -> Result<Response, WebError> {
    beheer_view(&me, Outcome::default()).await
}

async fn beheer_view(me: &SignedIn<Beheer>, outcome: Outcome) -> Result<Response, WebError> {
    let users = accounts::users(&me.state.store).await?;
    // Times in Dutch local time, `dd-mm-jjjj hh:mm`.
    let tokens = accounts::api_tokens(&me.state.store)
        .await?
        .into_iter()
        .map(|t| TokenView {
            created_at: time::moment_at(t.created_at),
            revoked_at: t.revoked_at.map(time::moment_at),
            id: t.id,
            source: t.source,
            label: t.label,
            created_by: t.created_by,
        })
        .collect();
    let data = BeheerPage {
        users,
        tokens,
        quarantine: me.state.store.quarantine_counts().await?,
        rules_version: me.state.rules.version().to_string(),
        barriers: me.state.rules.barriers().len(),
        roles: Role::ALL
            .iter()
            .map(|r| RoleChoice {
                id: r.as_str(),
                label: r.label(),
            })
            .collect(),
        outcome,
    };
    me.page("beheer", "Beheer", &data)
}

/// The page again after a refused change, with the reason.
async fn refused(me: &SignedIn<Beheer>, error: String) -> Result<Response, WebError> {
    let page = beheer_view(me, Outcome::error(error)).await;
    with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

pub(crate) async fn add_user(
    me: SignedIn<Beheer>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    let Some(role) = Role::parse(&form.rol) else {
        return beheer_view(&me, Outcome::error("rol: kies een rol".into())).await;
    };
    let new = accounts::NewUser {
        name: form.naam.trim(),
        display_name: &form.weergavenaam,
        role,
        source: &form.bron,
        areas: &form.wijken,
        password: &form.wachtwoord,
    };
    match accounts::create_user(&me.state.store, &new).await {
        Ok(()) => {
            let notice = format!("Gebruiker {} is aangemaakt.", new.name);
            beheer_view(&me, Outcome::notice(notice)).await
        }
        Err(error) => refused(&me, error.to_string()).await,
    }
}

pub(crate) async fn add_token(
    me: SignedIn<Beheer>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, WebError> {
    let created = accounts::create_api_token(
        &me.state.store,
        &form.bron,
        &form.omschrijving,
        &me.user.name,
    )
    .await;
    match created {
        Ok((id, token)) => {
            tracing::info!(token_id = %id, "API token created");
            let outcome = Outcome {
                new_token: Some(token),
                new_token_id: Some(id),
                ..Default::default()
            };
            beheer_view(&me, outcome).await
        }
        Err(error) => refused(&me, error.to_string()).await,
    }
}

pub(crate) async fn revoke_token(
    me: SignedIn<Beheer>,
    Path(id): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let outcome = if accounts::revoke_api_token(&me.state.store, &id).await? {
        Outcome::notice(format!("Token {id} is ingetrokken."))
    } else {
        Outcome::error(format!("token {id} bestaat niet of is al ingetrokken"))
    };
    beheer_view(&me, outcome).await
}
