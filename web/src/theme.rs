//! The site's look as NL Design System themes it: the neutral default theme (design tokens
//! as CSS custom properties, `static/standaardthema.css`) and a municipality's own token set
//! (`web.theme_css`), served after it so its tokens win. The component styles
//! (`static/knooppunt.css`) read nothing but these tokens.

use crate::WebState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The neutral default theme: every token the component styles use, on `:root`.
pub const DEFAULT_THEME: &str = include_str!("static/standaardthema.css");
pub const DEFAULT_THEME_PATH: &str = "/static/standaardthema.css";

/// The municipality's token set (`web.theme_css`); a comment when none is configured.
pub const THEME_PATH: &str = "/static/huisstijl.css";
const NO_THEME: &str =
    "/* Geen huisstijl ingesteld (web.theme_css): het standaardthema geldt. */\n";

fn css(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

pub async fn default_theme() -> Response {
    css(DEFAULT_THEME.to_string())
}

pub async fn municipal_theme(State(state): State<WebState>) -> Response {
    css(state.theme_css.as_deref().unwrap_or(NO_THEME).to_string())
}
