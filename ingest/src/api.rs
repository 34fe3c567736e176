//! The intake API as a whole: its routes (the handlers are in [`crate::http`]) and its published
//! OpenAPI 3.1 document, generated from the handlers' annotations and the schemas in
//! [`crate::openapi`] and served at `GET /api/v1/openapi.json`.

use crate::http::{self, IntakeState};
use crate::openapi::*;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use utoipa::OpenApi;

pub fn router(state: IntakeState) -> Router {
    Router::new()
        .route("/api/v1/signals", post(http::post_signals))
        .route("/healthz", get(http::healthz))
        .route("/readyz", get(http::readyz))
        .route("/api/v1/openapi.json", get(openapi_json))
        .layer(axum::middleware::map_response(crate::openapi::api_version))
        .with_state(state)
}

/// Health and readiness for the operations listener.
pub fn ops_router(state: IntakeState) -> Router {
    Router::new()
        .route("/healthz", get(http::healthz))
        .route("/readyz", get(http::readyz))
        .with_state(state)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Knooppunt intake-API",
        version = "1.0.0",
        description = "Signalen van wijkteams en partners over systeembarrières. Elk item krijgt \
                       een eigen antwoord; fouten zijn RFC 9457 problem details met de veldfouten \
                       in het Nederlands.",
        license(name = "EUPL-1.2")
    ),
    paths(crate::http::post_signals, crate::http::healthz, crate::http::readyz, openapi_json),
    components(schemas(SignalInput, SignalList, SignalRequest, ThemeDoc, FieldErrorDoc, ItemResultDoc,
                       BatchResultDoc, ProblemDoc, HealthDoc)),
    modifiers(&BearerToken),
    tags((name = "signalen", description = "Signalen aanleveren"),
         (name = "beheer", description = "Gezondheid en het contract zelf"))
)]
struct ApiDoc;

/// The OpenAPI 3.1 document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The OpenAPI document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "beheer",
    responses((status = 200, description = "Het OpenAPI 3.1-document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Response {
    match serde_json::to_value(document()) {
        Ok(value) => axum::Json(value).into_response(),
        Err(_) => crate::openapi::problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "het contract kon niet worden gemaakt",
        ),
    }
}
