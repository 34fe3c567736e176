//! Signing in and out, and changing one's own password.
//!
//! - The sign-in form carries a token that must equal the `kp_inlog` cookie set with the form
//!   (double submit): another site cannot sign a visitor in to an account of its choosing.
//! - Names longer than any account name and passwords longer than the policy allows are
//!   refused before anything is looked up, hashed or stored.
//! - Failed attempts go through the throttle ([`super::throttle`]): per (name, client) and per
//!   client, in the database.
//! - Signing out needs the session's CSRF token; a page without one (an error page) links to
//!   `GET /uitloggen`, which asks to confirm with a form that carries it.

use super::accounts::{self, MAX_NAME, MAX_PASSWORD};
use super::security::{client_address, client_key};
use super::throttle::Verdict;
use super::{check_csrf, failure, page, require, WebState, SESSION_COOKIE};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::Form;
use knooppunt_reports::review::Role;
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

/// The pre-session cookie of the sign-in form (double-submit CSRF token).
const LOGIN_COOKIE: &str = "kp_inlog";

/// The sign-in form with a fresh form token, its cookie set alongside.
fn login_form(
    state: &WebState,
    jar: CookieJar,
    status: StatusCode,
    name: &str,
    error: Option<&str>,
) -> Response {
    let token = accounts::random_token("");
    let cookie = Cookie::build((LOGIN_COOKIE, token.clone()))
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/inloggen")
        .build();
    let mut response = page(
        state,
        "inloggen",
        None,
        &token,
        json!({"title": "Inloggen", "naam": name, "error": error}),
    );
    *response.status_mut() = status;
    (jar.add(cookie), response).into_response()
}

pub(super) async fn login_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    login_form(&state, jar, StatusCode::OK, "", None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct LoginForm {
    csrf: String,
    naam: String,
    wachtwoord: String,
}

pub(super) async fn login(
    State(state): State<WebState>,
    jar: CookieJar,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = jar
        .get(LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        tracing::info!("Sign-in refused: form token missing or wrong");
        return login_form(
            &state,
            jar,
            StatusCode::FORBIDDEN,
            "",
            Some("Het inlogformulier is verlopen of niet van deze site. Probeer het opnieuw."),
        );
    }
    let name = form.naam.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME
        || form.wachtwoord.chars().count() > MAX_PASSWORD
    {
        // No account has such a name or password: nothing is looked up, hashed or stored.
        tracing::info!("Sign-in refused: name or password out of bounds");
        return login_form(
            &state,
            jar,
            StatusCode::UNAUTHORIZED,
            "",
            Some("Naam of wachtwoord klopt niet."),
        );
    }
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_key(client_address(
        &headers,
        peer,
        state.client_ip_header.as_ref(),
    ));
    let refusal = match state.throttle.check(name, &client).await {
        Ok(Verdict::Allowed) => None,
        Ok(Verdict::PairLocked) => Some(
            "Te veel mislukte pogingen voor deze naam vanaf dit apparaat. Probeer het over een kwartier opnieuw.",
        ),
        Ok(Verdict::ClientThrottled) => Some(
            "Te veel mislukte inlogpogingen vanaf dit adres. Probeer het over een kwartier opnieuw.",
        ),
        Err(error) => return failure(&state, None, error),
    };
    if let Some(text) = refusal {
        tracing::warn!("Sign-in refused: throttled");
        return login_form(&state, jar, StatusCode::TOO_MANY_REQUESTS, name, Some(text));
    }
    let user = match accounts::verify_password(&state.store, name, &form.wachtwoord).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            if let Err(error) = state.throttle.record_failure(name, &client).await {
                return failure(&state, None, error);
            }
            tracing::info!("Sign-in refused");
            return login_form(
                &state,
                jar,
                StatusCode::UNAUTHORIZED,
                name,
                Some("Naam of wachtwoord klopt niet."),
            );
        }
        Err(error) => return failure(&state, None, error),
    };
    if let Err(error) = state.throttle.clear_pair(name, &client).await {
        return failure(&state, None, error);
    }
    let session =
        match accounts::create_session(&state.store, &user.name, state.session_limits()).await {
            Ok(session) => session,
            Err(error) => return failure(&state, None, error),
        };
    tracing::info!(role = user.role.as_str(), "Signed in");
    let cookie = Cookie::build((SESSION_COOKIE, session.token))
        .http_only(true)
        .secure(state.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/")
        .build();
    let jar = jar
        .remove(Cookie::build(LOGIN_COOKIE).path("/inloggen").build())
        .add(cookie);
    (jar, Redirect::to("/")).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CsrfForm {
    pub(super) csrf: String,
}

/// Asks to confirm signing out, with a form that carries the session's CSRF token.
pub(super) async fn logout_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &Role::ALL).await);
    page(
        &state,
        "uitloggen",
        Some(&user),
        &csrf,
        json!({"title": "Uitloggen"}),
    )
}

pub(super) async fn logout(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &Role::ALL).await);
    if csrf != form.csrf {
        let mut response = page(
            &state,
            "uitloggen",
            Some(&user),
            &csrf,
            json!({"title": "Uitloggen", "error": "Het formulier was verlopen. Bevestig het uitloggen hieronder."}),
        );
        *response.status_mut() = StatusCode::FORBIDDEN;
        return response;
    }
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        if let Err(error) = accounts::end_session(&state.store, cookie.value()).await {
            return failure(&state, Some(&user), error);
        }
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        Redirect::to("/inloggen"),
    )
        .into_response()
}

pub(super) async fn password_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &Role::ALL).await);
    page(
        &state,
        "wachtwoord",
        Some(&user),
        &csrf,
        json!({"title": "Wachtwoord wijzigen"}),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct PasswordForm {
    csrf: String,
    huidig: String,
    nieuw: String,
    herhaling: String,
}

/// Changes the signed-in user's own password and ends their other sessions.
pub(super) async fn change_password(
    State(state): State<WebState>,
    jar: CookieJar,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &Role::ALL).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    let refuse = |status: StatusCode, error: String| {
        let mut response = page(
            &state,
            "wachtwoord",
            Some(&user),
            &csrf,
            json!({"title": "Wachtwoord wijzigen", "error": error}),
        );
        *response.status_mut() = status;
        response
    };
    // Guessing the current password through a left-open session is throttled like sign-in.
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_key(client_address(
        &headers,
        peer,
        state.client_ip_header.as_ref(),
    ));
    match state.throttle.check(&user.name, &client).await {
        Ok(Verdict::Allowed) => {}
        Ok(_) => {
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.".into(),
            )
        }
        Err(error) => return failure(&state, Some(&user), error),
    }
    let current_ok = form.huidig.chars().count() <= MAX_PASSWORD
        && matches!(
            accounts::verify_password(&state.store, &user.name, &form.huidig).await,
            Ok(Some(_))
        );
    if !current_ok {
        if let Err(error) = state.throttle.record_failure(&user.name, &client).await {
            return failure(&state, Some(&user), error);
        }
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "huidig wachtwoord: klopt niet".into(),
        );
    }
    if form.nieuw != form.herhaling {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "herhaling: is niet gelijk aan het nieuwe wachtwoord".into(),
        );
    }
    if let Err(error) = super::passwords::check(&form.nieuw, &user.name) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, error);
    }
    let keep = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    match accounts::set_password(&state.store, &user.name, &form.nieuw, keep.as_deref()).await {
        Ok(_) => {
            tracing::info!("Password changed; other sessions ended");
            page(
                &state,
                "wachtwoord",
                Some(&user),
                &csrf,
                json!({"title": "Wachtwoord wijzigen",
                       "notice": "Uw wachtwoord is gewijzigd. Uw sessies op andere apparaten zijn beëindigd."}),
            )
        }
        Err(error) => failure(&state, Some(&user), error),
    }
}
