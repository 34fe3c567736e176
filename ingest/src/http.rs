//! The intake API.
//!
//! - `POST /api/v1/signals`: one signal (a JSON object) or several (an array). Every item gets
//!   its own answer: accepted with its id, or refused with its field errors. An item is only
//!   reported accepted once the transport holds it durably.
//! - `GET /healthz`: the process runs.
//! - `GET /readyz`: the transport and the database answer.
//!
//! The binary adds `GET /metrics` (Prometheus text format; counts only).

use crate::envelope::{Channel, Envelope};
use crate::signal::FieldError;
use crate::transport::Publisher;
use async_trait::async_trait;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Something `/readyz` asks before it says "ready".
#[async_trait]
pub trait Probe: Send + Sync {
    fn name(&self) -> &'static str;
    async fn check(&self) -> Result<(), String>;
}

/// The transport is a probe too.
struct TransportProbe(Arc<dyn Publisher>);

#[async_trait]
impl Probe for TransportProbe {
    fn name(&self) -> &'static str {
        "transport"
    }
    async fn check(&self) -> Result<(), String> {
        self.0.check().await
    }
}

/// Limits on what one request may carry.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_batch: usize,
}

/// Partner API tokens: which source a bearer token submits as.
#[async_trait]
pub trait TokenCheck: Send + Sync {
    /// The source of a live token; `None` for an unknown or revoked one.
    async fn source_for(&self, token: &str) -> anyhow::Result<Option<String>>;
}

#[derive(Clone)]
pub struct IntakeState {
    publisher: Arc<dyn Publisher>,
    probes: Arc<Vec<Arc<dyn Probe>>>,
    limits: Limits,
    /// When set, every request needs `Authorization: Bearer <token>` and may only submit
    /// signals of the token's source.
    tokens: Option<Arc<dyn TokenCheck>>,
}

impl IntakeState {
    /// `probes` are checked by `/readyz` after the transport itself (e.g. the database).
    pub fn new(
        publisher: Arc<dyn Publisher>,
        extra_probes: Vec<Arc<dyn Probe>>,
        limits: Limits,
    ) -> Self {
        let mut probes: Vec<Arc<dyn Probe>> = vec![Arc::new(TransportProbe(publisher.clone()))];
        probes.extend(extra_probes);
        Self {
            publisher,
            probes: Arc::new(probes),
            limits,
            tokens: None,
        }
    }

    /// Requires a partner API token on every submission.
    pub fn with_tokens(mut self, tokens: Arc<dyn TokenCheck>) -> Self {
        self.tokens = Some(tokens);
        self
    }
}

pub fn router(state: IntakeState) -> Router {
    Router::new()
        .route("/api/v1/signals", post(post_signals))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/openapi.json", get(crate::openapi::openapi_json))
        .layer(axum::middleware::map_response(crate::openapi::api_version))
        .with_state(state)
}

/// The answer for one submitted item.
#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum ItemResult {
    Accepted {
        index: usize,
        id: String,
    },
    Refused {
        index: usize,
        errors: Vec<FieldError>,
    },
    /// Valid, but the transport did not take it: nothing was kept; send it again later.
    Failed {
        index: usize,
        error: String,
    },
}

#[derive(Debug, Serialize)]
pub struct BatchResult {
    pub accepted: usize,
    pub refused: usize,
    pub failed: usize,
    pub results: Vec<ItemResult>,
}

impl BatchResult {
    /// Adds the outcome to the `knooppunt_intake_signals_total` counter (counts only).
    pub fn count(&self, channel: &'static str) {
        count_intake(channel, self.accepted, self.refused, self.failed);
    }
}

/// Counts intake outcomes per channel in `knooppunt_intake_signals_total`.
pub fn count_intake(channel: &'static str, accepted: usize, refused: usize, failed: usize) {
    for (outcome, n) in [
        ("accepted", accepted),
        ("refused", refused),
        ("failed", failed),
    ] {
        metrics::counter!("knooppunt_intake_signals_total", "channel" => channel, "outcome" => outcome)
            .increment(n as u64);
    }
}

fn error_response(status: StatusCode, message: impl Into<String>) -> Response {
    crate::openapi::problem(status, &message.into())
}

/// Submit one signal or a list; every item gets its own answer.
#[utoipa::path(
    post,
    path = "/api/v1/signals",
    tag = "signalen",
    request_body(content = crate::openapi::SignalRequest, content_type = "application/json"),
    security((), ("partnertoken" = [])),
    responses(
        (status = 200, description = "Een lijst: per item geaccepteerd, geweigerd of niet doorgegeven", body = crate::openapi::BatchResultDoc),
        (status = 202, description = "Eén signaal, geaccepteerd en duurzaam opgeslagen", body = crate::openapi::BatchResultDoc),
        (status = 400, description = "Geen geldige JSON, of geen object of lijst", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 401, description = "API-token ontbreekt, is onbekend of ingetrokken", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "Verzoek te groot of te veel signalen", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "Geen application/json", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Eén signaal geweigerd (veldfouten), of een lege lijst", body = crate::openapi::ProblemDoc, content_type = "application/problem+json"),
        (status = 503, description = "Het transport nam het niet aan (niets bewaard; later opnieuw), of het token kon niet worden gecontroleerd", content(
            (crate::openapi::BatchResultDoc = "application/json"),
            (crate::openapi::ProblemDoc = "application/problem+json")
        )),
    )
)]
pub(crate) async fn post_signals(
    State(state): State<IntakeState>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> Response {
    let token_source = match &state.tokens {
        None => None,
        Some(tokens) => {
            let bearer = headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            let Some(bearer) = bearer else {
                return error_response(
                    StatusCode::UNAUTHORIZED,
                    "Authorization: stuur het API-token van uw organisatie mee (Bearer)",
                );
            };
            match tokens.source_for(bearer).await {
                Ok(Some(source)) => Some(source),
                Ok(None) => {
                    tracing::warn!("Submission with an unknown or revoked API token");
                    return error_response(
                        StatusCode::UNAUTHORIZED,
                        "Authorization: het API-token is onbekend of ingetrokken",
                    );
                }
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "Checking an API token failed");
                    return error_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "het API-token kan nu niet worden gecontroleerd; probeer het later opnieuw",
                    );
                }
            }
        }
    };
    let bytes = match axum::body::to_bytes(body, state.limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                "het verzoek is te groot (maximaal {} bytes); stuur de signalen in kleinere delen",
                state.limits.max_body_bytes
            ),
            )
        }
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                format!(
                    "het verzoek is geen geldige JSON (regel {}, kolom {})",
                    e.line(),
                    e.column()
                ),
            )
        }
    };
    let (items, single) = match value {
        Value::Array(items) => (items, false),
        object @ Value::Object(_) => (vec![object], true),
        _ => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "verwacht één signaal (een JSON-object) of een lijst met signalen",
            )
        }
    };
    if items.is_empty() {
        return error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "de lijst met signalen is leeg",
        );
    }
    if items.len() > state.limits.max_batch {
        return error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "te veel signalen in één verzoek: {} (maximaal {})",
                items.len(),
                state.limits.max_batch
            ),
        );
    }

    let result = match &token_source {
        None => submit(&*state.publisher, &items, Channel::Http).await,
        Some(source) => submit_as(&*state.publisher, items, source).await,
    };
    tracing::info!(
        accepted = result.accepted,
        refused = result.refused,
        failed = result.failed,
        "Signals received over HTTP"
    );
    result.count("http");
    let status = match (single, &result) {
        (_, r) if r.failed > 0 => StatusCode::SERVICE_UNAVAILABLE,
        (true, r) if r.refused > 0 => StatusCode::UNPROCESSABLE_ENTITY,
        (true, _) => StatusCode::ACCEPTED,
        (false, _) => StatusCode::OK,
    };
    crate::openapi::batch_answer(status, &result)
}

/// Validates, scrubs and publishes a batch; invalid items never hold up valid ones.
/// Submits signals sent with a partner token: a signal without `source` gets the token's;
/// one with another source is refused (field `source`), the rest go through.
async fn submit_as(publisher: &dyn Publisher, mut items: Vec<Value>, source: &str) -> BatchResult {
    let mut refused = Vec::new();
    let mut allowed = Vec::new();
    for (index, item) in items.iter_mut().enumerate() {
        if let Some(object) = item.as_object_mut() {
            match object.get("source").and_then(Value::as_str) {
                None => {
                    object.insert("source".into(), json!(source));
                }
                Some(given) if given.trim() != source => {
                    refused.push(ItemResult::Refused {
                        index,
                        errors: vec![FieldError::new(
                            "source",
                            format!("dit API-token hoort bij bron {source}, niet bij {given}"),
                        )],
                    });
                    continue;
                }
                Some(_) => {}
            }
        }
        allowed.push((index, item.clone()));
    }
    let values: Vec<Value> = allowed.iter().map(|(_, v)| v.clone()).collect();
    let mut result = if values.is_empty() {
        BatchResult {
            accepted: 0,
            refused: 0,
            failed: 0,
            results: Vec::new(),
        }
    } else {
        submit(publisher, &values, Channel::Http).await
    };
    // Back to the indexes of the request.
    for item in &mut result.results {
        let local = match item {
            ItemResult::Accepted { index, .. }
            | ItemResult::Refused { index, .. }
            | ItemResult::Failed { index, .. } => index,
        };
        *local = allowed[*local].0;
    }
    result.refused += refused.len();
    result.results.extend(refused);
    result.results.sort_by_key(|r| match r {
        ItemResult::Accepted { index, .. }
        | ItemResult::Refused { index, .. }
        | ItemResult::Failed { index, .. } => *index,
    });
    result
}

pub async fn submit(publisher: &dyn Publisher, items: &[Value], channel: Channel) -> BatchResult {
    let today = crate::today_nl();
    let now = Utc::now();
    let mut results: Vec<Option<ItemResult>> = Vec::with_capacity(items.len());
    let mut envelopes: Vec<(usize, Envelope)> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match crate::accept(item, today, channel, now) {
            Ok(envelope) => {
                envelopes.push((index, envelope));
                results.push(None);
            }
            Err(errors) => results.push(Some(ItemResult::Refused { index, errors })),
        }
    }
    let batch: Vec<Envelope> = envelopes.iter().map(|(_, e)| e.clone()).collect();
    let outcomes = if batch.is_empty() {
        Vec::new()
    } else {
        publisher.publish(&batch).await
    };
    for ((index, envelope), outcome) in envelopes.into_iter().zip(outcomes) {
        results[index] = Some(match outcome {
            Ok(()) => ItemResult::Accepted {
                index,
                id: envelope.id().to_string(),
            },
            Err(error) => {
                tracing::warn!(index, cause = error.cause(), "Signal not handed over");
                ItemResult::Failed {
                    index,
                    error: error.to_string(),
                }
            }
        });
    }
    let results: Vec<ItemResult> = results.into_iter().flatten().collect();
    let count = |f: fn(&ItemResult) -> bool| results.iter().filter(|r| f(r)).count();
    BatchResult {
        accepted: count(|r| matches!(r, ItemResult::Accepted { .. })),
        refused: count(|r| matches!(r, ItemResult::Refused { .. })),
        failed: count(|r| matches!(r, ItemResult::Failed { .. })),
        results,
    }
}

/// The process runs.
#[utoipa::path(get, path = "/healthz", tag = "beheer",
    responses((status = 200, description = "Het proces draait", body = crate::openapi::HealthDoc)))]
pub(crate) async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

/// The transport and the database answer.
#[utoipa::path(get, path = "/readyz", tag = "beheer",
    responses(
        (status = 200, description = "Gereed", body = crate::openapi::HealthDoc),
        (status = 503, description = "Niet gereed: welke controle faalt", body = crate::openapi::HealthDoc),
    ))]
pub(crate) async fn readyz(State(state): State<IntakeState>) -> Response {
    let mut ready = true;
    let mut checks = serde_json::Map::new();
    for probe in state.probes.iter() {
        let outcome = probe.check().await;
        if let Err(error) = &outcome {
            ready = false;
            tracing::warn!(probe = probe.name(), error = %error, "Readiness check failed");
        }
        checks.insert(
            probe.name().to_string(),
            Value::String(outcome.err().unwrap_or_else(|| "ok".into())),
        );
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = if ready { "gereed" } else { "niet gereed" };
    (status, Json(json!({"status": word, "checks": checks}))).into_response()
}
