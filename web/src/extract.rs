//! Who may open a page and how forms are read: [`SignedIn<G>`] admits a signed-in user whose
//! role is in the group `G` (else a redirect to the sign-in page, or "Geen toegang");
//! [`CsrfForm<T>`] reads a form and refuses it without the session's CSRF token.

use crate::accounts::{self, User};
use crate::error::{UserSlot, WebError};
use crate::{render, WebState, SESSION_COOKIE};
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, RawForm, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_domain::envelope::partition_key;
use knooppunt_reports::review::Role;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// A query or form field as typed, trimmed; `None` when it is missing or blank.
pub(crate) fn filled(field: Option<&str>) -> Option<&str> {
    field.map(str::trim).filter(|text| !text.is_empty())
}

/// A group of roles that may open a page.
pub trait RoleGroup: Send + Sync + 'static {
    const ROLES: &'static [Role];
}

macro_rules! role_group {
    ($(#[$doc:meta])* $name:ident = [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name;
        impl RoleGroup for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

role_group!(
    /// Every signed-in user.
    Anyone = [Submitter, Reviewer, Municipality, Admin]
);
role_group!(
    /// Teams and partners that submit signals.
    Submitters = [Submitter]
);
role_group!(
    /// The meeting that reviews clusters.
    Reviewers = [Reviewer]
);
role_group!(
    /// Administrators.
    Admins = [Admin]
);
role_group!(
    /// Who reads the confirmed knelpunten.
    KnelpuntReaders = [Municipality, Reviewer]
);
role_group!(
    /// Who downloads the brief.
    BriefReaders = [Municipality, Reviewer, Admin]
);

/// The session behind a request, looked up once per request.
#[derive(Clone)]
struct Session {
    user: User,
    csrf: String,
    /// A beheerder reset the password: it must be changed before anything else.
    password_due: bool,
}

/// The session of the request's cookie, or `None` when signed out.
async fn session(parts: &mut Parts, state: &WebState) -> Result<Option<Session>, WebError> {
    if let Some(found) = parts.extensions.get::<Option<Session>>() {
        return Ok(found.clone());
    }
    let jar = CookieJar::from_headers(&parts.headers);
    let found = match jar.get(SESSION_COOKIE) {
        Some(cookie) => {
            match accounts::session(&state.store, cookie.value(), state.idle()).await? {
                Some(live) => Some(Session {
                    user: live.user,
                    csrf: live.csrf,
                    password_due: live.password_due,
                }),
                None => None,
            }
        }
        None => None,
    };
    if let (Some(session), Some(slot)) = (&found, parts.extensions.get::<UserSlot>()) {
        slot.fill(&session.user);
    }
    parts.extensions.insert(found.clone());
    Ok(found)
}

/// A signed-in user whose role is in `G`, with the session's CSRF token for the page's forms.
pub struct SignedIn<G> {
    pub user: User,
    pub csrf: String,
    /// What the page needs (the store, the rules, the templates).
    pub state: WebState,
    /// The password a beheerder reset is still to be changed (only the password page and
    /// signing out are open until then).
    pub password_due: bool,
    group: PhantomData<G>,
}

/// The pages open while a reset password is still to be changed.
const OPEN_WHILE_PASSWORD_DUE: [&str; 3] = ["/wachtwoord", "/uitloggen", "/sessie"];

impl<G: RoleGroup> FromRequestParts<WebState> for SignedIn<G> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let Session {
            user,
            csrf,
            password_due,
        } = session(parts, state).await?.ok_or(WebError::SignedOut)?;
        if password_due && !OPEN_WHILE_PASSWORD_DUE.contains(&parts.uri.path()) {
            return Err(WebError::PasswordChangeDue);
        }
        if !G::ROLES.contains(&user.role) {
            return Err(WebError::WrongRole);
        }
        Ok(Self {
            user,
            csrf,
            state: state.clone(),
            password_due,
            group: PhantomData,
        })
    }
}

impl<G> SignedIn<G> {
    /// `template` with `data` in the layout, with this user's menu and CSRF token.
    pub(crate) fn page<T: Serialize>(
        &self,
        template: &str,
        title: &str,
        data: &T,
    ) -> Result<Response, WebError> {
        let (user, csrf) = (Some(&self.user), &self.csrf);
        render::page(&self.state, template, title, user, csrf, data)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Token {
    csrf: String,
}

/// A form (`application/x-www-form-urlencoded`, repeated names as lists) that carried the
/// session's CSRF token in its `csrf` field. An unreadable form is refused as the framework
/// words it (the Dutch layer rewrites that); a missing or wrong token is [`WebError::FormExpired`].
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<WebState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let session = session(&mut parts, state).await?;
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| WebError::Rejected(rejection.status()))?;
        if let Some(field) = not_utf8(&bytes) {
            return Err(WebError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Onleesbaar formulier",
                format!(
                    "Het formulierveld ‘{field}’ bevat tekens die geen geldige tekst zijn (geen \
                     UTF-8). Er is niets opgeslagen; typ of plak de tekst opnieuw."
                ),
            ));
        }
        let unreadable = |_| WebError::Rejected(StatusCode::UNPROCESSABLE_ENTITY);
        let form: T = serde_html_form::from_bytes(&bytes).map_err(unreadable)?;
        let Token { csrf } = serde_html_form::from_bytes(&bytes).map_err(unreadable)?;
        token_matches(session.as_ref(), &csrf)?;
        Ok(Self(form))
    }
}

/// Whether the form's CSRF token is the session's.
fn token_matches(session: Option<&Session>, csrf: &str) -> Result<(), WebError> {
    match session {
        Some(session) if !session.csrf.is_empty() && session.csrf == csrf => Ok(()),
        Some(_) => Err(WebError::FormExpired),
        None => Err(WebError::SignedOut),
    }
}

/// A file sent in a `multipart/form-data` form's `bestand` field, with the session's CSRF
/// token in its `csrf` field (a missing or wrong token is [`WebError::FormExpired`]). No file
/// chosen: empty. A body over the route's limit is refused in Dutch, and nothing is read.
pub struct CsrfUpload {
    pub bytes: Vec<u8>,
}

impl FromRequest<WebState> for CsrfUpload {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &WebState) -> Result<Self, WebError> {
        let (mut parts, body) = request.into_parts();
        let session = session(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let Ok(mut multipart) = Multipart::from_request(request, state).await else {
            // Not a multipart form, so it has no token to read: as a form without one.
            token_matches(session.as_ref(), "")?;
            return Err(WebError::FormExpired);
        };
        let (mut csrf, mut bytes) = (String::new(), Vec::new());
        while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
            match field.name() {
                Some("csrf") => csrf = field.text().await.map_err(upload_error)?,
                Some("bestand") => bytes = field.bytes().await.map_err(upload_error)?.to_vec(),
                _ => {}
            }
        }
        token_matches(session.as_ref(), &csrf)?;
        Ok(Self { bytes })
    }
}

/// A multipart body that could not be read; one over the limit in Dutch.
fn upload_error(error: MultipartError) -> WebError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        crate::upload::too_large()
    } else {
        WebError::Rejected(error.status())
    }
}

/// The first field of an urlencoded form whose name or value is not UTF-8 once decoded, named
/// as the form names it (or "?" when the name itself is unreadable or odd): the parser
/// would turn such bytes into U+FFFD and store a text the user never typed.
fn not_utf8(body: &[u8]) -> Option<String> {
    let decoded = |part: &[u8]| -> Option<String> {
        let spaced: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        String::from_utf8(percent_encoding::percent_decode(&spaced).collect()).ok()
    };
    body.split(|&b| b == b'&').find_map(|pair| {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let name = decoded(halves.next().unwrap_or_default());
        let value_ok = halves.next().is_none_or(|value| decoded(value).is_some());
        match name {
            Some(_) if value_ok => None,
            Some(name)
                if !name.is_empty()
                    && name.len() <= 40
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')) =>
            {
                Some(name)
            }
            _ => Some("?".to_string()),
        }
    })
}

/// A form with nothing but its CSRF token: a confirmation.
#[derive(Deserialize)]
pub struct Confirm {}

/// A cluster named in the path that exists and lies in the overleg member's wijken; else
/// "Niet gevonden".
pub struct OwnCluster {
    pub me: SignedIn<Reviewers>,
    pub id: String,
}

impl FromRequestParts<WebState> for OwnCluster {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let me = SignedIn::<Reviewers>::from_request_parts(parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| WebError::Rejected(rejection.status()))?;
        if me.covers_cluster(&id).await? {
            Ok(Self { me, id })
        } else {
            Err(WebError::NotFound(
                "Dit cluster bestaat niet of hoort niet bij uw wijken.",
            ))
        }
    }
}

impl SignedIn<Reviewers> {
    /// Whether cluster `id` exists and lies in the member's wijken.
    pub(crate) async fn covers_cluster(&self, id: &str) -> Result<bool, WebError> {
        let cluster = self.state.store.cluster(id).await?;
        Ok(cluster.is_some_and(|c| self.covers(&c)))
    }

    /// Whether `cluster` lies in the member's wijken.
    pub(crate) fn covers(&self, cluster: &knooppunt_domain::cluster::ClusterRow) -> bool {
        self.user.covers_area(&partition_key(&cluster.area))
    }
}

#[cfg(test)]
mod tests {
    use super::not_utf8;

    #[test]
    fn a_field_that_is_not_utf8_is_named() {
        assert_eq!(not_utf8(b"csrf=abc&tekst=caf%C3%A9+ok"), None);
        assert_eq!(not_utf8(b"tekst=%E2%82%AC+12%2C50&x"), None);
        assert_eq!(not_utf8(b""), None);
        assert_eq!(
            not_utf8(b"csrf=abc&tekst=caf%E9"),
            Some("tekst".to_string())
        );
        assert_eq!(not_utf8(b"na%FFme=x"), Some("?".to_string()));
        assert_eq!(
            not_utf8(b"%3Cscript%3E=%FF"),
            Some("?".to_string()),
            "an odd name is not echoed"
        );
        // Raw bytes outside percent-encoding count too.
        assert_eq!(not_utf8(b"tekst=\xff\xfe"), Some("tekst".to_string()));
    }
}
