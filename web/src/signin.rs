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

use crate::accounts::{self, MAX_NAME, MAX_PASSWORD};
use crate::error::WebError;
use crate::extract::{Anyone, Confirm, CsrfForm, SignedIn};
use crate::render::{page, with_status};
use crate::security::{client_address, client_key};
use crate::throttle::Verdict;
use crate::{WebState, SESSION_COOKIE};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Extension;
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::Form;
use knooppunt_reports::review::Role;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// Signing in and out, and changing one's password.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home))
        .route("/inloggen", get(login_page).post(login))
        .route("/uitloggen", get(logout_page).post(logout))
        .route("/wachtwoord", get(password_page).post(change_password))
        .route("/sessie", get(keep_alive))
}

/// `GET /sessie`: keeps the session in use while its user types in a form (the script asks
/// at most every four minutes), so text typed over a long time is not lost to the idle
/// timeout. 204 while signed in; 401 once the session has ended, so the page can say so
/// before the text is sent in vain.
async fn keep_alive(me: Result<SignedIn<Anyone>, WebError>) -> Response {
    match me {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(WebError::SignedOut) => StatusCode::UNAUTHORIZED.into_response(),
        Err(other) => other.into_response(),
    }
}

/// The start page of each role.
pub(crate) async fn home(me: SignedIn<Anyone>) -> Redirect {
    Redirect::to(match me.user.role {
        Role::Submitter => "/signalen",
        Role::Reviewer => "/agenda",
        Role::Municipality => "/knelpunten",
        Role::Admin => "/beheer",
    })
}

/// A form page's message: an error or a notice, or neither.
#[derive(Serialize, Default)]
struct Said<'a> {
    error: Option<&'a str>,
    notice: Option<&'a str>,
}

#[derive(Serialize)]
struct LoginPage<'a> {
    name: &'a str,
    error: Option<&'a str>,
}

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
    let form = page(
        state,
        "inloggen",
        "Inloggen",
        None,
        &token,
        &LoginPage { name, error },
    );
    let response = match with_status(status, form) {
        Ok(response) => response,
        Err(error) => return error.into_response(),
    };
    (jar.add(cookie), response).into_response()
}

pub(crate) async fn login_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    login_form(&state, jar, StatusCode::OK, "", None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    /// Must equal the `kp_inlog` cookie: the one form read before there is a session.
    csrf: String,
    #[serde(rename = "naam")]
    name: String,
    #[serde(rename = "wachtwoord")]
    password: String,
}

/// Why a throttled sign-in is refused, in Dutch; `None` when it may be tried.
fn throttled(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Allowed => None,
        Verdict::PairLocked => Some(
            "Te veel mislukte pogingen voor deze naam vanaf dit apparaat. Probeer het over een kwartier opnieuw.",
        ),
        Verdict::ClientThrottled => Some(
            "Te veel mislukte inlogpogingen vanaf dit adres. Probeer het over een kwartier opnieuw.",
        ),
    }
}

/// Signed in: the session cookie instead of the sign-in form's, and to the start page.
fn signed_in(state: &WebState, jar: CookieJar, token: String) -> Response {
    let cookie = Cookie::build((SESSION_COOKIE, token))
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

pub(crate) async fn login(
    State(state): State<WebState>,
    jar: CookieJar,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = jar
        .get(LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        tracing::info!("Sign-in refused: form token missing or wrong");
        let text = "Het inlogformulier is verlopen of niet van deze site. Probeer het opnieuw.";
        return Ok(login_form(
            &state,
            jar,
            StatusCode::FORBIDDEN,
            "",
            Some(text),
        ));
    }
    let wrong = Some("Naam of wachtwoord klopt niet.");
    let name = form.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME
        || form.password.chars().count() > MAX_PASSWORD
    {
        // No account has such a name or password: nothing is looked up, hashed or stored.
        tracing::info!("Sign-in refused: name or password out of bounds");
        return Ok(login_form(&state, jar, StatusCode::UNAUTHORIZED, "", wrong));
    }
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_key(client_address(
        &headers,
        peer,
        state.client_ip_header.as_ref(),
    ));
    // Checked before counting (a locked client's flood writes nothing), then the attempt is
    // counted before its password is checked, so a burst of parallel guesses gets no more
    // checks than the limits allow.
    let verdict = state.throttle.attempt(name, &client).await?;
    if let Some(text) = throttled(verdict) {
        tracing::warn!("Sign-in refused: throttled");
        let status = StatusCode::TOO_MANY_REQUESTS;
        return Ok(login_form(&state, jar, status, name, Some(text)));
    }
    let Some(user) = accounts::verify_password(&state.store, name, &form.password).await? else {
        tracing::info!("Sign-in refused");
        return Ok(login_form(
            &state,
            jar,
            StatusCode::UNAUTHORIZED,
            name,
            wrong,
        ));
    };
    state.throttle.release(name, &client).await?;
    // The session this browser brought along (someone else's on a shared computer, or one an
    // attacker planted) ends here: a sign-in always starts a new one.
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        accounts::end_session(&state.store, cookie.value()).await?;
    }
    let session =
        accounts::create_session(&state.store, &user.name, state.session_limits()).await?;
    tracing::info!(role = user.role.as_str(), "Signed in");
    Ok(signed_in(&state, jar, session.token))
}

/// Asks to confirm signing out, with a form that carries the session's CSRF token.
pub(crate) async fn logout_page(me: SignedIn<Anyone>) -> Result<Response, WebError> {
    me.page("uitloggen", "Uitloggen", &Said::default())
}

pub(crate) async fn logout(
    me: SignedIn<Anyone>,
    jar: CookieJar,
    form: Result<CsrfForm<Confirm>, WebError>,
) -> Result<Response, WebError> {
    match form {
        Ok(CsrfForm(Confirm {})) => {}
        Err(WebError::FormExpired) => {
            let said = Said {
                error: Some("Het formulier was verlopen. Bevestig het uitloggen hieronder."),
                ..Default::default()
            };
            let page = me.page("uitloggen", "Uitloggen", &said);
            return with_status(StatusCode::FORBIDDEN, page);
        }
        Err(other) => return Err(other),
    }
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        accounts::end_session(&me.state.store, cookie.value()).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/").build()),
        Redirect::to("/inloggen"),
    )
        .into_response())
}

const PASSWORD_TITLE: &str = "Wachtwoord wijzigen";

/// What the password page says while a password a beheerder reset is still to be changed.
const PASSWORD_DUE: &str = "Beheer heeft uw wachtwoord opnieuw ingesteld. Kies nu een eigen \
     wachtwoord; daarna kunt u verder.";

pub(crate) async fn password_page(me: SignedIn<Anyone>) -> Result<Response, WebError> {
    let said = Said {
        notice: me.password_due.then_some(PASSWORD_DUE),
        ..Default::default()
    };
    me.page("wachtwoord", PASSWORD_TITLE, &said)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PasswordForm {
    huidig: String,
    nieuw: String,
    herhaling: String,
}

/// The password page again with a refusal.
fn password_refused(
    me: &SignedIn<Anyone>,
    status: StatusCode,
    error: &str,
) -> Result<Response, WebError> {
    let said = Said {
        error: Some(error),
        ..Default::default()
    };
    with_status(status, me.page("wachtwoord", PASSWORD_TITLE, &said))
}

/// Changes the signed-in user's own password and ends their other sessions.
pub(crate) async fn change_password(
    me: SignedIn<Anyone>,
    jar: CookieJar,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let name = &me.user.name;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    // Guessing the current password through a left-open session is throttled like sign-in.
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    let client = client_key(client_address(
        &headers,
        peer,
        me.state.client_ip_header.as_ref(),
    ));
    let verdict = me.state.throttle.attempt(name, &client).await?;
    if verdict != Verdict::Allowed {
        let text = "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.";
        return password_refused(&me, StatusCode::TOO_MANY_REQUESTS, text);
    }
    if form.huidig.is_empty() {
        // Nothing to check: not counted as a guess.
        me.state.throttle.release(name, &client).await?;
        let text = "huidig wachtwoord: vul uw huidige wachtwoord in";
        return password_refused(&me, unprocessable, text);
    }
    let current_ok = form.huidig.chars().count() <= MAX_PASSWORD
        && matches!(
            accounts::verify_password(&me.state.store, name, &form.huidig).await,
            Ok(Some(_))
        );
    if !current_ok {
        return password_refused(&me, unprocessable, "huidig wachtwoord: klopt niet");
    }
    me.state.throttle.release(name, &client).await?;
    if form.nieuw != form.herhaling {
        let text = "nieuw wachtwoord nogmaals: is niet gelijk aan het nieuwe wachtwoord";
        return password_refused(&me, unprocessable, text);
    }
    if let Err(error) = crate::passwords::check(&form.nieuw, name) {
        // The form's field is "Nieuw wachtwoord".
        let error = match error.strip_prefix("wachtwoord:") {
            Some(rest) => format!("nieuw wachtwoord:{rest}"),
            None => error,
        };
        return password_refused(&me, unprocessable, &error);
    }
    let keep = jar.get(SESSION_COOKIE).map(|c| c.value().to_string());
    accounts::set_password(&me.state.store, name, &form.nieuw, keep.as_deref()).await?;
    me.state.store.clear_password_change(name).await?;
    tracing::info!("Password changed; other sessions ended");
    let said = Said {
        notice: Some("Uw wachtwoord is gewijzigd. Uw sessies op andere apparaten zijn beëindigd."),
        ..Default::default()
    };
    me.page("wachtwoord", PASSWORD_TITLE, &said)
}
