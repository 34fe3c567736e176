//! The review website: server-rendered Dutch pages (handlebars; one optional script) for the four roles.
//! It may not touch: SQL (the store runs it) or Kafka (signals leave through a `Publisher`).
//!
//! Every page names the roles it is for ([`extract::SignedIn`]); every form that changes
//! something is read through [`extract::CsrfForm`], which wants the session's CSRF token; every
//! handler answers `Result<_, WebError>` ([`error`]).
//!
//! | file | what |
//! | --- | --- |
//! | `state.rs`, `render.rs`, `error.rs`, `extract.rs`, `time.rs` | the room's own machinery |
//! | `signin.rs`, `accounts.rs`, `passwords.rs`, `throttle.rs` | who is signed in |
//! | `intake.rs`, `mine.rs` | an indiener's signals |
//! | `agenda.rs`, `minutes.rs`, `clusters.rs`, `overleg.rs`, `labels.rs`, `werkroute.rs`, `werkroute_form.rs` | the overleg's meeting, its decisions list and decisions; werkroutes |
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
mod labels;
mod mine;
mod minutes;
mod overleg;
mod render;
mod signin;
mod state;
mod theme;
mod werkroute;
mod werkroute_form;

pub use error::WebError;
pub use state::WebState;

use axum::routing::{get, post};
use axum::Router;

const SESSION_COOKIE: &str = "kp_sessie";

/// The website's routes.
pub fn router(state: WebState) -> Router {
    let routes = Router::new()
        .route("/", get(signin::home))
        .route("/inloggen", get(signin::login_page).post(signin::login))
        .route("/uitloggen", get(signin::logout_page).post(signin::logout))
        .route(
            "/wachtwoord",
            get(signin::password_page).post(signin::change_password),
        )
        .route(security::STYLESHEET_PATH, get(security::stylesheet))
        .route(security::SCRIPT_PATH, get(security::script))
        .route(theme::DEFAULT_THEME_PATH, get(theme::default_theme))
        .route(theme::THEME_PATH, get(theme::municipal_theme))
        .route(
            "/signalen",
            get(intake::own_signals).post(intake::submit_signal),
        )
        .route("/signalen/nieuw", get(intake::intake_page))
        .route("/agenda", get(agenda::agenda_page))
        .route("/agenda/export", get(agenda::agenda_export))
        .route("/agenda/vergadering", post(agenda::record_meeting))
        .route(
            "/agenda/besluitenlijst",
            get(minutes::minutes_page).post(minutes::record_minutes),
        )
        .route(
            "/agenda/besluitenlijst/export",
            get(minutes::minutes_export),
        )
        .route("/clusters/{id}", get(clusters::cluster_page))
        .route("/clusters/{id}/besluit", post(clusters::decide))
        .route("/clusters/{id}/vignet", post(clusters::approve_vignette))
        .route("/clusters/{id}/ongedaan", post(clusters::undo_decision))
        .route(
            "/clusters/{id}/werkroute",
            post(werkroute_form::set_werkroute),
        )
        .route("/knelpunten", get(knelpunten::knelpunten))
        .route("/brief", get(knelpunten::brief_download))
        .route("/knelpunten/maandoverzicht", get(digest::monthly_download))
        .route(
            "/knelpunten/besluitenlijst",
            get(digest::programme_download),
        )
        .route("/beheer", get(beheer::beheer_page))
        .route("/beheer/gebruikers", post(beheer::add_user))
        .route("/beheer/tokens", post(beheer::add_token))
        .route(
            "/beheer/tokens/{id}/intrekken",
            get(beheer::revoke_page).post(beheer::revoke_token),
        )
        .route("/beheer/gebruikers/{naam}", get(beheer_users::account_page))
        .route(
            "/beheer/gebruikers/{naam}/rol",
            post(beheer_users::change_role),
        )
        .route(
            "/beheer/gebruikers/{naam}/wachtwoord",
            post(beheer_users::reset_password),
        )
        .route(
            "/beheer/gebruikers/{naam}/deactiveren",
            post(beheer_users::deactivate),
        )
        .route(
            "/beheer/gebruikers/{naam}/activeren",
            post(beheer_users::reactivate),
        )
        .route(
            "/beheer/gebruikers/{naam}/deblokkeren",
            post(beheer_users::unlock),
        )
        .merge(labels::routes());
    with_error_pages(routes, state)
}

/// `routes` with their [`WebError`]s shown as pages in the layout.
fn with_error_pages(routes: Router<WebState>, state: WebState) -> Router {
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            render::render_errors,
        ))
        .with_state(state)
}
