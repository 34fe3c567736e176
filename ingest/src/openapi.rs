//! The published API contract's parts: the schemas the OpenAPI 3.1 document of the intake API
//! is generated from (the document itself is [`crate::api`]); errors as RFC 9457 problem details
//! (`application/problem+json`) with the Dutch field errors inside; and the `API-Version`
//! header of the NL API Design Rules on every answer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use knooppunt_domain::signal::{Theme, MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_TEXT_CHARS};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, ToSchema};

/// The API's version, sent as `API-Version` on every answer (NL API Design Rules, API-57).
pub const API_VERSION: &str = "1.0.0";

/// The problem-details media type (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One signal as submitted (see the README's "signal contract").
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Signaal)]
#[allow(dead_code)]
#[serde(deny_unknown_fields)]
pub struct SignalInput {
    /// Client key: with `source` it makes resubmission idempotent.
    #[schema(max_length = 100, nullable = false)]
    id: Option<String>,
    /// The day of the observation: `2026-09-14` or `14-09-2026`; not in the future, not before
    /// 2000.
    #[schema(example = "2026-09-14")]
    observed_on: String,
    /// Team or partner code.
    #[schema(min_length = 1, max_length = 100, example = "verbinders-moerwijk")]
    source: String,
    /// Wijk name or CBS code.
    #[schema(min_length = 1, max_length = 100, example = "Moerwijk")]
    area: String,
    /// Free text, Dutch; personal data is scrubbed at intake and never stored.
    #[schema(
        min_length = 1,
        max_length = 4000,
        example = "Intake bij de GGZ pas over vijf maanden."
    )]
    text: String,
    #[schema(nullable = false)]
    themes: Option<Vec<ThemeDoc>>,
    /// Organisation involved.
    #[schema(max_length = 100, nullable = false)]
    organisation: Option<String>,
    /// Waiting time in days.
    #[schema(minimum = 0, maximum = 3650, nullable = false)]
    wait_days: Option<u32>,
}

/// The themes a signal may carry: the contract's own list ([`Theme::ALL`]), so the document
/// cannot drift from what intake accepts.
#[derive(Debug, Serialize)]
#[allow(dead_code)]
pub struct ThemeDoc(String);

impl utoipa::PartialSchema for ThemeDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Theme::ALL.map(Theme::as_str)))
            .description(Some("The themes a signal may carry."))
            .build()
            .into()
    }
}

impl ToSchema for ThemeDoc {
    fn name() -> std::borrow::Cow<'static, str> {
        "Thema".into()
    }
}

/// One signal (an object) or several (an array of at most `intake.max_batch`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Signalen)]
#[allow(dead_code)]
#[serde(untagged)]
pub enum SignalRequest {
    One(SignalInput),
    Many(SignalList),
}

/// Several signals: at least one, at most `intake.max_batch` (1000 by default).
#[derive(Debug, Serialize)]
#[allow(dead_code)]
pub struct SignalList(Vec<SignalInput>);

impl utoipa::PartialSchema for SignalList {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("Signaal"))
            .min_items(Some(1))
            .max_items(Some(1000))
            .description(Some(
                "Several signals: at least one, at most intake.max_batch (1000 by default).",
            ))
            .build()
            .into()
    }
}

impl ToSchema for SignalList {
    fn name() -> std::borrow::Cow<'static, str> {
        "Signaallijst".into()
    }
}

/// One problem with one field, in Dutch; never echoes the value.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Veldfout)]
pub struct FieldErrorDoc {
    #[schema(example = "observed_on")]
    pub field: String,
    #[schema(example = "ligt in de toekomst")]
    pub message: String,
}

/// The answer for one item: `accepted` with its id, `refused` with every field error, or
/// `failed` when the transport did not take it (nothing was kept; send it again).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Itemantwoord)]
#[allow(dead_code)]
pub struct ItemResultDoc {
    #[schema(inline)]
    status: ItemStatus,
    /// The item's position in the request (0 for a single object).
    #[schema(minimum = 0)]
    index: usize,
    /// The stored id (accepted).
    #[schema(nullable = false)]
    id: Option<String>,
    /// Every field error (refused).
    #[schema(nullable = false)]
    errors: Option<Vec<FieldErrorDoc>>,
    /// Why the transport did not take it (failed).
    #[schema(nullable = false)]
    error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "lowercase")]
enum ItemStatus {
    Accepted,
    Refused,
    Failed,
}

/// Per-item answers and their counts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Batchantwoord)]
#[allow(dead_code)]
pub struct BatchResultDoc {
    #[schema(minimum = 0)]
    accepted: usize,
    #[schema(minimum = 0)]
    refused: usize,
    #[schema(minimum = 0)]
    failed: usize,
    results: Vec<ItemResultDoc>,
}

/// RFC 9457 problem details, in Dutch. A refused single signal also carries the per-item
/// answer (`results`) and its field errors (`errors`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Probleem)]
#[allow(dead_code)]
pub struct ProblemDoc {
    #[schema(example = "about:blank")]
    r#type: String,
    #[schema(example = "Signaal geweigerd")]
    title: String,
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    detail: String,
    /// The same message (earlier clients read this field).
    error: String,
    #[schema(nullable = false)]
    errors: Option<Vec<FieldErrorDoc>>,
    #[schema(nullable = false)]
    accepted: Option<usize>,
    #[schema(nullable = false)]
    refused: Option<usize>,
    #[schema(nullable = false)]
    failed: Option<usize>,
    #[schema(nullable = false)]
    results: Option<Vec<ItemResultDoc>>,
}

/// `/healthz` and `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Gezondheid)]
#[allow(dead_code)]
pub struct HealthDoc {
    #[schema(example = "gereed")]
    status: String,
    /// Per probe: "ok" or what is wrong.
    #[schema(nullable = false)]
    checks: Option<std::collections::BTreeMap<String, String>>,
}

pub(crate) struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "partnertoken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("kp_…")
                    .description(Some(
                        "Partner API token, created by beheer; required when \
                         intake.require_token is on. A token submits only its own source.",
                    ))
                    .build(),
            ),
        );
    }
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Ongeldig verzoek",
        401 => "Niet aangemeld",
        403 => "Geen toegang",
        404 => "Niet gevonden",
        405 => "Methode niet toegestaan",
        413 => "Verzoek te groot",
        415 => "Verkeerd mediatype",
        422 => "Signaal geweigerd",
        429 => "Te veel verzoeken",
        503 => "Tijdelijk niet beschikbaar",
        _ => "Fout",
    }
}

pub(crate) fn problem_value(status: StatusCode, detail: &str) -> Value {
    json!({
        "type": "about:blank",
        "title": title(status),
        "status": status.as_u16(),
        "detail": detail,
        "error": detail,
    })
}

pub(crate) fn with_problem_type(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// An error answer: RFC 9457 problem details in Dutch.
pub fn problem(status: StatusCode, detail: &str) -> Response {
    with_problem_type((status, axum::Json(problem_value(status, detail))).into_response())
}

/// Adds `API-Version` to an answer.
pub async fn api_version(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert("API-Version", HeaderValue::from_static(API_VERSION));
    response
}

const _: () = assert!(MAX_TEXT_CHARS == 4000 && MAX_LABEL_CHARS == 100 && MAX_ID_CHARS == 100);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::BatchResult;
    use knooppunt_domain::signal::FieldError;

    #[test]
    fn the_document_is_openapi_3_1_with_the_intake_and_the_token_scheme() {
        let doc = serde_json::to_value(crate::api::document()).unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{}",
            doc["openapi"]
        );
        let post = &doc["paths"]["/api/v1/signals"]["post"];
        for status in ["200", "202", "400", "401", "413", "415", "422", "503"] {
            assert!(post["responses"].get(status).is_some(), "{status}");
        }
        assert!(
            post["responses"]["422"]["content"]
                .get(PROBLEM_JSON)
                .is_some(),
            "{}",
            post["responses"]["422"]
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["partnertoken"]["scheme"],
            "bearer"
        );
        let signal = &doc["components"]["schemas"]["Signaal"];
        assert_eq!(signal["properties"]["text"]["maxLength"], 4000);
        assert_eq!(signal["additionalProperties"], false);
        assert_eq!(
            signal["properties"]["themes"]["items"]["$ref"],
            "#/components/schemas/Thema"
        );
        let themes: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            doc["components"]["schemas"]["Thema"],
            serde_json::json!({
                "description": "The themes a signal may carry.",
                "enum": themes,
                "type": "string",
            })
        );
    }

    #[test]
    fn a_refused_signal_is_a_problem_with_its_field_errors() {
        let result = BatchResult {
            accepted: 0,
            refused: 1,
            failed: 0,
            results: vec![crate::http::ItemResult::Refused {
                index: 0,
                errors: vec![FieldError::new("observed_on", "ligt in de toekomst")],
            }],
        };
        let response = crate::http::batch_answer(StatusCode::UNPROCESSABLE_ENTITY, &result);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let response = problem(StatusCode::PAYLOAD_TOO_LARGE, "te groot");
        assert_eq!(response.status(), 413);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
