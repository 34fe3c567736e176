//! The intake API.
//!
//! - `POST /api/v1/signals`: one signal (a JSON object) or several (an array). Every item gets
//!   its own answer: accepted with its id, or refused with its field errors. An item is only
//!   reported accepted once the transport holds it durably.
//! - `GET /healthz`: the process runs.
//! - `GET /readyz`: the transport and the database answer ("ok" or "fout" per check; the
//!   reason goes to the log, never into the answer).
//!
//! `ops_router` serves `/readyz` and `/healthz` for the operations listener, where the
//! binary adds `GET /metrics` (Prometheus text format; counts only).
//!
//! Submissions must be `Content-Type: application/json` (415 otherwise): a plain HTML form
//! on another website can only send form encodings or text/plain, so it cannot submit.

use async_trait::async_trait;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::FieldError;

use axum::Json;
use chrono::Utc;
use knooppunt_transport::Publisher;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

mod request;

use request::{is_json, read_items, token_source};

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
        // "kafka" or "spool": the answer names what does not answer.
        self.0.name()
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
    /// The partner tokens: a request that presents one is checked against them and may only
    /// submit signals of the token's source, whether or not tokens are required.
    tokens: Option<Arc<dyn TokenCheck>>,
    /// Whether every request needs `Authorization: Bearer <token>`.
    tokens_required: bool,
    /// When set, an id already stored with other content is refused at intake.
    stored: Option<Arc<dyn crate::conflicts::StoredContent>>,
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
            tokens_required: false,
            stored: None,
        }
    }

    /// Compares submitted ids with what the store holds (see [`crate::conflicts`]).
    pub fn with_stored_content(mut self, stored: Arc<dyn crate::conflicts::StoredContent>) -> Self {
        self.stored = Some(stored);
        self
    }

    /// Requires a partner API token on every submission.
    pub fn with_tokens(self, tokens: Arc<dyn TokenCheck>) -> Self {
        self.with_token_check(tokens, true)
    }

    /// Checks the partner API token a submission presents (an unknown or revoked one is
    /// refused, a known one submits only its own source); with `required`, a submission
    /// without one is refused too.
    pub fn with_token_check(mut self, tokens: Arc<dyn TokenCheck>, required: bool) -> Self {
        self.tokens = Some(tokens);
        self.tokens_required = required;
        self
    }
}

/// The answer to a submission: the per-item answers; a refused single signal as problem
/// details with its field errors inside.
pub fn batch_answer(status: StatusCode, result: &BatchResult) -> Response {
    let body = serde_json::to_value(result).unwrap_or(Value::Null);
    if status != StatusCode::UNPROCESSABLE_ENTITY {
        return (status, axum::Json(body)).into_response();
    }
    let errors: Vec<&FieldError> = result
        .results
        .iter()
        .flat_map(|item| match item {
            ItemResult::Refused { errors, .. } => errors.iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let detail = match errors.as_slice() {
        [] => "het signaal is geweigerd".to_string(),
        [one] => format!("{}: {}", one.field, one.message),
        many => format!(
            "het signaal is geweigerd: {}",
            many.iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    let mut value = crate::openapi::problem_value(status, &detail);
    if let (Value::Object(problem), Value::Object(batch)) = (&mut value, body) {
        problem.insert("errors".into(), json!(errors));
        problem.extend(batch);
    }
    crate::openapi::with_problem_type((status, axum::Json(value)).into_response())
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
    if !is_json(&headers) {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type: stuur de signalen als JSON (application/json)",
        );
    }
    let token_source = match token_source(&state, &headers).await {
        Ok(source) => source,
        Err(refusal) => return refusal,
    };
    let (items, single) = match read_items(&state.limits, body).await {
        Ok(items) => items,
        Err(refusal) => return refusal,
    };
    let stored = state.stored.as_deref();
    let result = match &token_source {
        None => submit_with(&*state.publisher, stored, &items, Channel::Http).await,
        Some(source) => submit_as(&*state.publisher, stored, items, source).await,
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
    batch_answer(status, &result)
}

/// Whether a submitted `source` names the token's source: the same code, or a spelling or
/// alias the register maps to it ("Schilderswijk Moeders" for `schilderswijk-moeders`).
fn same_source(
    register: &knooppunt_domain::register::Register,
    given: &str,
    token_source: &str,
) -> bool {
    given.trim() == token_source
        || matches!(
            (register.resolve_source(given), register.resolve_source(token_source)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// Validates, scrubs and publishes a batch; invalid items never hold up valid ones.
/// Submits signals sent with a partner token: a signal without `source` gets the token's;
/// one with another source is refused (field `source`), the rest go through.
async fn submit_as(
    publisher: &dyn Publisher,
    stored: Option<&dyn crate::conflicts::StoredContent>,
    mut items: Vec<Value>,
    source: &str,
) -> BatchResult {
    let mut refused = Vec::new();
    let mut allowed = Vec::new();
    for (index, item) in items.iter_mut().enumerate() {
        if let Some(object) = item.as_object_mut() {
            match object.get("source").and_then(Value::as_str) {
                None => {
                    object.insert("source".into(), json!(source));
                }
                Some(given)
                    if !same_source(&knooppunt_domain::register::active(), given, source) =>
                {
                    // The submitted value is not echoed (it may be anything, of any length).
                    refused.push(ItemResult::Refused {
                        index,
                        errors: vec![FieldError::new(
                            "source",
                            format!(
                                "dit API-token hoort bij bron {source}; laat source weg of \
                                 stuur alleen signalen van die bron"
                            ),
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
        submit_with(publisher, stored, &values, Channel::Http).await
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
    submit_with(publisher, None, items, channel).await
}

/// Like [`submit`]; an item whose `(source, id)` came earlier in the batch, or is stored
/// (`stored`), with other content is refused on `id`.
pub async fn submit_with(
    publisher: &dyn Publisher,
    stored: Option<&dyn crate::conflicts::StoredContent>,
    items: &[Value],
    channel: Channel,
) -> BatchResult {
    let today = crate::today_nl();
    let now = Utc::now();
    let mut results: Vec<Option<ItemResult>> = Vec::with_capacity(items.len());
    let mut accepted: Vec<(usize, Envelope)> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match crate::accept(item, today, channel, now) {
            Ok(envelope) => {
                accepted.push((index, envelope));
                results.push(None);
            }
            Err(errors) => results.push(Some(ItemResult::Refused { index, errors })),
        }
    }
    let mut ids = crate::conflicts::IdCheck::new();
    if let Some(stored) = stored {
        let all: Vec<&Envelope> = accepted.iter().map(|(_, e)| e).collect();
        ids.learn_stored(stored, &all).await;
    }
    let mut envelopes: Vec<(usize, Envelope)> = Vec::with_capacity(accepted.len());
    for (index, envelope) in accepted {
        match ids.check(&envelope) {
            Ok(()) => envelopes.push((index, envelope)),
            Err(error) => {
                results[index] = Some(ItemResult::Refused {
                    index,
                    errors: vec![error],
                })
            }
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
    // All probes at once: the answer takes as long as the slowest, not their sum.
    let outcomes = futures::future::join_all(state.probes.iter().map(|probe| probe.check())).await;
    for (probe, outcome) in state.probes.iter().zip(outcomes) {
        if let Err(error) = &outcome {
            ready = false;
            tracing::warn!(probe = probe.name(), error = %error, "Readiness check failed");
        }
        // The reason is in the log; the answer says only whether the check passed, in a fixed
        // phrase ("database antwoordt niet"), never the error's own text.
        let verdict = match outcome {
            Ok(()) => "ok".to_string(),
            Err(_) => format!("{} antwoordt niet", probe.name()),
        };
        checks.insert(probe.name().to_string(), Value::String(verdict));
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = if ready { "gereed" } else { "niet gereed" };
    (status, Json(json!({"status": word, "checks": checks}))).into_response()
}

#[cfg(test)]
mod token_source_tests {
    use super::same_source;
    use knooppunt_domain::register::{builtin_with, UnknownSources};

    #[test]
    fn a_token_accepts_its_source_by_any_registered_spelling_and_nothing_else() {
        let register = builtin_with(UnknownSources::Refuse);
        assert!(same_source(
            &register,
            "schilderswijk-moeders",
            "schilderswijk-moeders"
        ));
        assert!(same_source(
            &register,
            "Schilderswijk Moeders",
            "schilderswijk-moeders"
        ));
        assert!(!same_source(
            &register,
            "verbinders-moerwijk",
            "schilderswijk-moeders"
        ));
        assert!(!same_source(
            &register,
            "iemand anders",
            "schilderswijk-moeders"
        ));
    }
}
