//! The review website: server-rendered Dutch pages (handlebars; one optional script) for the four roles.
//! It may not touch: SQL (the store runs it) or Kafka (signals leave through a `Publisher`).
//!
//! Every page names the roles it is for ([`extract::SignedIn`]); every form that changes
//! something is read through [`extract::CsrfForm`] (a file upload through
//! [`extract::CsrfUpload`]), which wants the session's CSRF token; every
//! handler answers `Result<_, WebError>` ([`error`]).
//!
//! | file | what |
//! | --- | --- |
//! | `state.rs`, `render.rs`, `error.rs`, `extract.rs`, `time.rs` | the room's own machinery |
//! | `signin.rs`, `accounts.rs`, `passwords.rs`, `throttle.rs` | who is signed in |
//! | `intake.rs`, `upload.rs`, `mine.rs` | an indiener's signals: one by the form, a file at once, what became of them |
//! | `agenda.rs`, `minutes.rs`, `clusters.rs`, `overleg.rs`, `labels.rs`, `label_history.rs`, `werkroute.rs`, `werkroute_form.rs` | the overleg's meeting, its decisions list and decisions; werkroutes |
//! | `knelpunten.rs` | what the municipality reads: knelpunten and the brief |
//! | `beheer.rs`, `beheer_users.rs`, `verwerkingslog.rs` | administration (accounts, tokens) and the processing log |
//! | `security.rs`, `flash.rs` | headers, Dutch refusals, one-time messages |
//! | `theme.rs` | the default theme and a municipality's design tokens (NL Design System) |

pub mod accounts;
pub mod error;
pub mod extract;
pub mod flash;
pub mod passwords;
pub mod security;
pub mod throttle;
pub mod time;
pub mod verwerkingslog;

mod agenda;
mod beheer;
mod beheer_users;
mod clusters;
mod decision_form;
mod digest;
mod intake;
mod knelpunten;
mod label_history;
mod labels;
mod log_labels;
mod mine;
mod minutes;
mod origin;
mod overleg;
mod publish;
mod render;
mod signin;
mod state;
mod theme;
mod upload;
mod werkroute;
mod werkroute_form;

pub use error::WebError;
pub use publish::MeasureRecognition;
pub use state::WebState;

use axum::routing::get;
use axum::Router;

const SESSION_COOKIE: &str = "kp_sessie";

/// The website's routes: the assets, then each area's own (`routes()` in its file).
pub fn router(state: WebState) -> Router {
    let assets = Router::new()
        .route(security::STYLESHEET_PATH, get(security::stylesheet))
        .route(security::SCRIPT_PATH, get(security::script))
        .route(theme::DEFAULT_THEME_PATH, get(theme::default_theme))
        .route(theme::THEME_PATH, get(theme::municipal_theme));
    let routes = [
        signin::routes(),
        intake::routes(),
        upload::routes(),
        agenda::routes(),
        minutes::routes(),
        clusters::routes(),
        werkroute_form::routes(),
        knelpunten::routes(),
        publish::routes(),
        digest::routes(),
        beheer::routes(),
        beheer_users::routes(),
        labels::routes(),
    ]
    .into_iter()
    .fold(assets, Router::merge);
    with_error_pages(routes, state)
}

/// `routes` with their [`WebError`]s shown as pages in the layout.
fn with_error_pages(routes: Router<WebState>, state: WebState) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render::render_errors,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            origin::same_origin_forms,
        ))
        .with_state(state)
}
