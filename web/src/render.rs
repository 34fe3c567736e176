//! Pages in the layout (HTML-escaped by handlebars), the plain message page, and downloads.

use crate::accounts::User;
use crate::error::{ErrorPage, UserSlot, WebError};
use crate::WebState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

/// The signed-in user as the layout's menu shows them.
#[derive(Serialize)]
struct UserView<'a> {
    name: &'a str,
    role: &'a str,
    role_label: &'a str,
}

impl<'a> UserView<'a> {
    fn of(user: &'a User) -> Self {
        Self {
            name: &user.display_name,
            role: user.role.as_str(),
            role_label: user.role.label(),
        }
    }
}

/// What every page template sees besides its own data.
#[derive(Serialize)]
struct Frame<'a, T: Serialize> {
    title: &'a str,
    user: Option<UserView<'a>>,
    csrf: &'a str,
    #[serde(flatten)]
    data: &'a T,
}

/// The layout's own data: the page body, already HTML.
#[derive(Serialize)]
struct Body<'a> {
    body: &'a str,
}

/// `template` with `data`, in the layout.
pub(crate) fn page<T: Serialize>(
    state: &WebState,
    template: &str,
    title: &str,
    user: Option<&User>,
    csrf: &str,
    data: &T,
) -> Result<Response, WebError> {
    let body = render(state, template, &Frame::new(title, user, csrf, data))?;
    let body = Body { body: &body };
    let html = render(state, "layout", &Frame::new(title, user, csrf, &body))?;
    Ok(Html(html).into_response())
}

impl<'a, T: Serialize> Frame<'a, T> {
    fn new(title: &'a str, user: Option<&'a User>, csrf: &'a str, data: &'a T) -> Self {
        Self {
            title,
            user: user.map(UserView::of),
            csrf,
            data,
        }
    }
}

fn render<T: Serialize>(state: &WebState, template: &str, data: &T) -> Result<String, WebError> {
    state
        .templates
        .render(template, data)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("sjabloon {template}: {e}")))
}

/// A page result with another status (a refused form shown again).
pub(crate) fn with_status(
    status: StatusCode,
    page: Result<Response, WebError>,
) -> Result<Response, WebError> {
    page.map(|mut response| {
        *response.status_mut() = status;
        response
    })
}

#[derive(Serialize)]
struct Message<'a> {
    text: &'a str,
}

/// A short Dutch message page: refusals and apologies.
pub(crate) fn message(
    state: &WebState,
    status: StatusCode,
    user: Option<&User>,
    title: &str,
    text: &str,
) -> Response {
    match page(state, "melding", title, user, "", &Message { text }) {
        Ok(mut response) => {
            *response.status_mut() = status;
            response
        }
        Err(WebError::Internal(error)) => {
            tracing::error!(error = %format!("{error:#}"), "Rendering a message failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Pagina kon niet worden gemaakt.",
            )
                .into_response()
        }
        Err(other) => other.into_response(),
    }
}

/// A file to download.
pub(crate) fn attachment(body: Vec<u8>, mime: &str, file_name: &str) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(value) = mime.parse() {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = format!("attachment; filename=\"{file_name}\"").parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, body).into_response()
}

/// Markdown (`formaat=md`) or HTML (anything else) as a download named `name`.
/// The download format a query asks for (`formaat`): `None` (and "html") for HTML, else one of
/// `others`; anything else is refused, naming the field and the choices (and so never reaches
/// the processing log as typed).
pub(crate) fn format_asked<'q>(
    asked: Option<&'q str>,
    others: &[&str],
) -> Result<Option<&'q str>, crate::error::WebError> {
    match asked.map(str::trim).filter(|f| !f.is_empty()) {
        None | Some("html") => Ok(None),
        Some(format) if others.contains(&format) => Ok(Some(format)),
        Some(_) => Err(crate::error::WebError::refused(
            StatusCode::BAD_REQUEST,
            "Onbekend formaat",
            format!("formaat: kies html of {}.", others.join(", ")),
        )),
    }
}

pub(crate) fn download(
    format: Option<&str>,
    name: &str,
    markdown: String,
    html: String,
) -> Response {
    match format {
        Some("md") => attachment(
            markdown.into_bytes(),
            "text/markdown; charset=utf-8",
            &format!("{name}.md"),
        ),
        _ => attachment(
            html.into_bytes(),
            "text/html; charset=utf-8",
            &format!("{name}.html"),
        ),
    }
}

/// Renders the [`ErrorPage`](crate::error::ErrorPage) a handler's [`WebError`] left, in the layout.
pub(crate) async fn render_errors(
    State(state): State<WebState>,
    mut request: Request,
    next: axum::middleware::Next,
) -> Response {
    let slot = UserSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    match response.extensions().get::<ErrorPage>() {
        Some(error) => message(
            &state,
            response.status(),
            slot.0.get(),
            error.title,
            &error.text,
        ),
        None => response,
    }
}
