//! One error for every page. A refusal is shown in Dutch with its status; an internal failure
//! is logged (the error chain: ids and counts, never signal text) and shown as a plain Dutch
//! apology. Handlers return `Result<_, WebError>` and use `?`.
//!
//! [`WebError::into_response`] cannot see the templates, so it leaves an [`ErrorPage`] on the
//! response; [`render_errors`] (a layer on the website's routes) puts it in the layout, with
//! the signed-in user's menu when the request had one.

use crate::accounts::User;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::{Arc, OnceLock};

/// Why a page was not served.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in, or the session ended: to the sign-in page.
    SignedOut,
    /// Signed in, but the password a beheerder reset must be changed first: to the password page.
    PasswordChangeDue,
    /// Signed in, but the page is not for this role.
    WrongRole,
    /// A form without the session's CSRF token.
    FormExpired,
    /// What was asked for does not exist or is not the user's to see; the text says which.
    NotFound(&'static str),
    /// Any other refusal, with its status, title and Dutch text (naming the field).
    Refused {
        status: StatusCode,
        title: &'static str,
        text: String,
    },
    /// A refusal the framework decided (an unreadable form: its status only); the Dutch layer
    /// words it.
    Rejected(StatusCode),
    /// Something failed on our side.
    Internal(anyhow::Error),
}

impl WebError {
    /// A refusal with `status`, shown under `title`.
    pub fn refused(status: StatusCode, title: &'static str, text: impl Into<String>) -> Self {
        Self::Refused {
            status,
            title,
            text: text.into(),
        }
    }
}

impl From<anyhow::Error> for WebError {
    fn from(error: anyhow::Error) -> Self {
        Self::Internal(error)
    }
}

/// What an error page shows, left on the response for [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub title: &'static str,
    pub text: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, text) = match self {
            Self::SignedOut => return Redirect::to("/inloggen").into_response(),
            Self::PasswordChangeDue => return Redirect::to("/wachtwoord").into_response(),
            Self::Rejected(status) => return status.into_response(),
            Self::WrongRole => (
                StatusCode::FORBIDDEN,
                "Geen toegang",
                "Deze pagina hoort niet bij uw rol.".to_string(),
            ),
            Self::FormExpired => (
                StatusCode::FORBIDDEN,
                "Formulier verlopen",
                "Het formulier is verlopen of niet van deze site. Open de pagina opnieuw."
                    .to_string(),
            ),
            Self::NotFound(text) => (StatusCode::NOT_FOUND, "Niet gevonden", text.to_string()),
            Self::Refused {
                status,
                title,
                text,
            } => (status, title, text),
            Self::Internal(error) => {
                tracing::error!(error = %format!("{error:#}"), "Request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Er ging iets mis",
                    "Het verzoek kon niet worden afgehandeld. Probeer het later opnieuw."
                        .to_string(),
                )
            }
        };
        let mut response = (status, text.clone()).into_response();
        response.extensions_mut().insert(ErrorPage { title, text });
        response
    }
}

/// Where the sign-in extractor leaves the user, so an error page can show their menu.
#[derive(Clone, Default)]
pub(crate) struct UserSlot(pub(crate) Arc<OnceLock<User>>);

impl UserSlot {
    pub(crate) fn fill(&self, user: &User) {
        let _ = self.0.set(user.clone());
    }
}
