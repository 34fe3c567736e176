//! Beheer: accounts (the list, adding one; each account's own page is [`crate::beheer_users`]),
//! partner API tokens, and what the scrubber refused (counts only).
//!
//! Every change is a post/redirect/get: the page after it is a fresh `GET` with a one-time
//! message ([`crate::flash`]), so refreshing never repeats the change. A new secret (an API
//! token, a reset password) travels to that page in a one-time cookie (`HttpOnly`,
//! `SameSite=Strict`, path `/beheer`), is shown once and removed. Every change is recorded in
//! the processing log (action `beheer`), with the account or token it was about.

use crate::accounts::{self, User};
use crate::error::WebError;
use crate::extract::{Admins, Confirm, CsrfForm, SignedIn};
use crate::render::with_status;
use crate::{flash, time, WebState};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use knooppunt_domain::processing_log::{actions, Activity, Record};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_reports::review::Role;
use knooppunt_rules::verwerkingslog;
use serde::{Deserialize, Serialize};

/// Administration: the overview, new accounts and API tokens.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/beheer", get(beheer_page))
        .route("/beheer/gebruikers", post(add_user))
        .route("/beheer/tokens", post(add_token))
        .route(
            "/beheer/tokens/{id}/intrekken",
            get(revoke_page).post(revoke_token),
        )
}

/// The Dutch message of a beheer flash code.
pub(crate) fn message(code: &str) -> Option<&'static str> {
    Some(match code {
        "gebruiker-aangemaakt" => "De gebruiker is aangemaakt.",
        "rol-gewijzigd" => {
            "Rol, bron en wijken zijn gewijzigd. Dit geldt meteen, ook voor een open sessie."
        }
        "gedeactiveerd" => "De gebruiker is gedeactiveerd; zijn sessies zijn beëindigd.",
        "geactiveerd" => "De gebruiker is weer actief.",
        "wachtwoord-gereset" => {
            "Het wachtwoord is opnieuw ingesteld; alle sessies van de gebruiker zijn beëindigd."
        }
        "gedeblokkeerd" => "De naam is gedeblokkeerd: de mislukte inlogpogingen tellen niet meer.",
        "niet-geblokkeerd" => "Deze naam was nergens geblokkeerd.",
        "token-aangemaakt" => "Het API-token is aangemaakt.",
        "token-ingetrokken" => {
            "Het API-token is ingetrokken; de partner kan er niet meer mee insturen."
        }
        _ => return None,
    })
}

/// Records an administrative change in the processing log, under the review activity (which
/// holds administration; ids and codes, never secrets).
pub(crate) async fn audit(
    me: &SignedIn<Admins>,
    attributes: serde_json::Value,
) -> Result<(), WebError> {
    let record = Record::instant(
        TraceContext::from_header(knooppunt_ingest::trace::current().as_deref()).child(),
        actions::ADMINISTRATION,
        &me.user.name,
        Activity::Review,
        attributes,
    );
    verwerkingslog::append(&me.state.store, &[record]).await?;
    Ok(())
}

const ONCE_COOKIE: &str = "kp_eenmalig";

/// A new secret, shown once on the page after the redirect.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub(crate) struct Reveal {
    /// `token` or `wachtwoord`.
    kind: String,
    /// The token's id or the account's name.
    subject: String,
    secret: String,
    token: bool,
}

/// A redirect to `to` with the message of `code` and `secret` for the next page only.
pub(crate) fn reveal_redirect(
    state: &WebState,
    to: &str,
    code: &str,
    (kind, subject, secret): (&str, &str, &str),
) -> Response {
    let once = Cookie::build((ONCE_COOKIE, format!("{kind}:{subject}:{secret}")))
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/beheer")
        .build();
    let jar = flash::set(CookieJar::new(), code, state.secure_cookies).add(once);
    (jar, Redirect::to(to)).into_response()
}

/// The secret to show once (and the jar without it), with the one-time message.
pub(crate) fn take_once(jar: CookieJar) -> (CookieJar, Option<Reveal>, Option<String>) {
    let (jar, message) = flash::take(jar);
    let Some(value) = jar.get(ONCE_COOKIE).map(|c| c.value().to_string()) else {
        return (jar, None, message);
    };
    let jar = jar.remove(Cookie::build(ONCE_COOKIE).path("/beheer").build());
    let mut parts = value.splitn(3, ':');
    let reveal = match (parts.next(), parts.next(), parts.next()) {
        (Some(kind @ ("token" | "wachtwoord")), Some(subject), Some(secret)) => Some(Reveal {
            token: kind == "token",
            kind: kind.to_string(),
            subject: subject.to_string(),
            secret: secret.to_string(),
        }),
        _ => None,
    };
    (jar, reveal, message)
}

/// The form that adds an account.
#[derive(Deserialize, Default, Serialize, Clone)]
#[serde(default)]
pub(crate) struct UserForm {
    #[serde(rename = "naam")]
    name: String,
    #[serde(rename = "weergavenaam")]
    display_name: String,
    /// Role, source and wijken, as the form that changes them has them too.
    #[serde(flatten)]
    access: crate::beheer_users::RoleForm,
    #[serde(skip_serializing)]
    #[serde(rename = "wachtwoord")]
    password: String,
}

/// The form that adds a partner API token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TokenForm {
    #[serde(rename = "bron")]
    source: String,
    #[serde(rename = "omschrijving")]
    description: String,
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

/// A role to choose, and whether it is the one chosen.
#[derive(Serialize)]
pub(crate) struct RoleChoice {
    id: &'static str,
    label: &'static str,
    selected: bool,
}

pub(crate) fn role_choices(chosen: &str) -> Vec<RoleChoice> {
    Role::ALL
        .iter()
        .map(|r| RoleChoice {
            id: r.as_str(),
            label: r.label(),
            selected: r.as_str() == chosen,
        })
        .collect()
}

/// An account as the list shows it.
#[derive(Serialize)]
struct AccountView {
    #[serde(flatten)]
    user: User,
    role_label: &'static str,
    active: bool,
    must_change_password: bool,
    locked: bool,
}

#[derive(Serialize)]
struct BeheerPage<Q: Serialize> {
    users: Vec<AccountView>,
    tokens: Vec<TokenView>,
    quarantine: Q,
    rules_version: String,
    barriers: usize,
    roles: Vec<RoleChoice>,
    /// What was typed in a refused "Gebruiker aanmaken" (never the password).
    typed: UserForm,
    error: Option<String>,
    notice: Option<String>,
    reveal: Option<Reveal>,
}

pub(crate) async fn beheer_page(
    me: SignedIn<Admins>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let (jar, reveal, notice) = take_once(jar);
    let page = beheer_view(&me, UserForm::default(), None, notice, reveal).await?;
    Ok((jar, page).into_response())
}

async fn beheer_view(
    me: &SignedIn<Admins>,
    typed: UserForm,
    error: Option<String>,
    notice: Option<String>,
    reveal: Option<Reveal>,
) -> Result<Response, WebError> {
    let accounts = crate::accounts::accounts(&me.state.store).await?;
    let names: Vec<&str> = accounts.iter().map(|a| a.user.name.as_str()).collect();
    let locked = me.state.throttle.locked(&names).await?;
    let users = accounts
        .iter()
        .map(|a| AccountView {
            locked: locked.contains(&a.user.name.as_str()),
            role_label: a.user.role.label(),
            user: a.user.clone(),
            active: a.active,
            must_change_password: a.must_change_password,
        })
        .collect();
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
        roles: role_choices(if typed.access.role.is_empty() {
            "indiener"
        } else {
            &typed.access.role
        }),
        typed,
        error,
        notice,
        reveal,
    };
    me.page("beheer", "Beheer", &data)
}

pub(crate) async fn add_user(
    me: SignedIn<Admins>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, WebError> {
    let Some(role) = Role::parse(&form.access.role) else {
        let error = Some("Rol: kies een rol".to_string());
        let page = beheer_view(&me, form, error, None, None).await;
        return with_status(StatusCode::UNPROCESSABLE_ENTITY, page);
    };
    let new = accounts::NewUser {
        name: form.name.trim(),
        display_name: &form.display_name,
        role,
        source: &form.access.source,
        areas: &form.access.areas,
        password: &form.password,
    };
    match accounts::create_user(&me.state.store, &new).await {
        // The request itself is logged by the audit layer (`gebruiker-aanmaken`).
        Ok(()) => Ok(flash::redirect(
            "beheer:gebruiker-aangemaakt",
            "/beheer",
            me.state.secure_cookies,
        )),
        Err(error) => {
            let error = Some(crate::accounts::dutch_fields(&error.to_string()));
            let page = beheer_view(&me, form, error, None, None).await;
            with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

pub(crate) async fn add_token(
    me: SignedIn<Admins>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, WebError> {
    let created = accounts::create_api_token(
        &me.state.store,
        &form.source,
        &form.description,
        &me.user.name,
    )
    .await;
    match created {
        Ok((id, token)) => {
            // The request itself is logged by the audit layer (`token-aanmaken`).
            tracing::info!(token_id = %id, "API token created");
            Ok(reveal_redirect(
                &me.state,
                "/beheer",
                "beheer:token-aangemaakt",
                ("token", &id, &token),
            ))
        }
        Err(error) => {
            let error = Some(crate::accounts::dutch_fields(&error.to_string()));
            let page = beheer_view(&me, UserForm::default(), error, None, None).await;
            with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
    }
}

/// The confirmation before a token is revoked.
#[derive(Serialize)]
struct RevokePage {
    token: TokenView,
}

pub(crate) async fn revoke_page(
    me: SignedIn<Admins>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let token = accounts::api_tokens(&me.state.store)
        .await?
        .into_iter()
        .find(|t| t.id == id && t.revoked_at.is_none())
        .ok_or(WebError::NotFound(
            "Dit token bestaat niet of is al ingetrokken.",
        ))?;
    let token = TokenView {
        created_at: time::moment_at(token.created_at),
        revoked_at: None,
        id: token.id,
        source: token.source,
        label: token.label,
        created_by: token.created_by,
    };
    me.page("beheer_intrekken", "Token intrekken", &RevokePage { token })
}

pub(crate) async fn revoke_token(
    me: SignedIn<Admins>,
    Path(id): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    if !accounts::revoke_api_token(&me.state.store, &id).await? {
        return Err(WebError::NotFound(
            "Dit token bestaat niet of is al ingetrokken.",
        ));
    }
    tracing::info!(token_id = %id, "API token revoked");
    // The request itself is logged by the audit layer (`token-intrekken` with its id).
    Ok(flash::redirect(
        "beheer:token-ingetrokken",
        "/beheer",
        me.state.secure_cookies,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_taken_once_and_only_in_its_own_shape() {
        let jar = CookieJar::new().add(Cookie::new(ONCE_COOKIE, "token:ab12:kp_secret"));
        let (jar, reveal, _) = take_once(jar);
        let reveal = reveal.unwrap();
        assert_eq!(
            (reveal.subject.as_str(), reveal.secret.as_str()),
            ("ab12", "kp_secret")
        );
        assert!(jar.get(ONCE_COOKIE).is_none_or(|c| c.value().is_empty()));
        let odd = CookieJar::new().add(Cookie::new(ONCE_COOKIE, "iets:x:y"));
        assert!(take_once(odd).1.is_none());
        assert!(message("token-ingetrokken").is_some() && message("x").is_none());
    }
}
