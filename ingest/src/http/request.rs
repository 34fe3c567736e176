//! Reading a submission before any signal is looked at: its media type, its partner token
//! and its body (size, time, JSON, one object or a list). Each refusal is the answer to send.

use super::{error_response, IntakeState, Limits};
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

/// Whether the request says its body is JSON: `application/json`, optionally with
/// `charset=utf-8` (JSON is UTF-8; any other charset is refused).
pub(super) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let essence_ok = parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"));
    essence_ok
        && parts.filter(|p| !p.is_empty()).all(|p| {
            p.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("charset")
                    && v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            })
        })
}

/// With partner tokens configured, the source the request's bearer token submits as (or the
/// answer that refuses the request); `None` when intake takes no tokens.
pub(super) async fn token_source(
    state: &IntakeState,
    headers: &axum::http::HeaderMap,
) -> Result<Option<String>, Response> {
    let Some(tokens) = &state.tokens else {
        return Ok(None);
    };
    let authorization = headers.get(axum::http::header::AUTHORIZATION);
    let bearer = authorization
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if authorization.is_some() && bearer.is_none() {
        // Credentials of another kind (Basic, a bare token) are not taken for no credentials:
        // whoever sent them meant to be someone.
        return Err(error_response(
            StatusCode::UNAUTHORIZED,
            "Authorization: alleen een API-token wordt geaccepteerd, als \"Bearer <token>\"",
        ));
    }
    let Some(bearer) = bearer else {
        if !state.tokens_required {
            return Ok(None);
        }
        return Err(error_response(
            StatusCode::UNAUTHORIZED,
            "Authorization: stuur het API-token van uw organisatie mee (Bearer)",
        ));
    };
    match tokens.source_for(bearer).await {
        Ok(Some(source)) => Ok(Some(source)),
        Ok(None) => {
            tracing::warn!("Submission with an unknown or revoked API token");
            Err(error_response(
                StatusCode::UNAUTHORIZED,
                "Authorization: het API-token is onbekend of ingetrokken",
            ))
        }
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "Checking an API token failed");
            Err(error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "het API-token kan nu niet worden gecontroleerd; probeer het later opnieuw",
            ))
        }
    }
}

/// The submitted items and whether one object (not a list) was sent, or the answer that
/// refuses the body: too large, too slow, not JSON, not an object or list, empty, too many.
pub(super) async fn read_items(
    limits: &Limits,
    body: Body,
) -> Result<(Vec<Value>, bool), Response> {
    let bytes = match axum::body::to_bytes(body, limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(error) if !is_length_limit(&error) => {
            // The body did not arrive in time (the server's body timeout) or the client left.
            tracing::info!("Request body not received in full");
            return Err(error_response(
                StatusCode::REQUEST_TIMEOUT,
                "het verzoek kwam niet op tijd of niet volledig binnen; probeer het opnieuw",
            ));
        }
        Err(_) => {
            return Err(error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "het verzoek is te groot (maximaal {} bytes); stuur de signalen in kleinere \
                     delen",
                    knooppunt_domain::dutch_number::count(limits.max_body_bytes)
                ),
            ))
        }
    };
    // A UTF-8 byte-order mark (some Windows tools write one) is skipped; duplicate keys are
    // marked per item and refused there (see `knooppunt_domain::json`).
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let value: Value = match knooppunt_domain::json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Err(error_response(
                StatusCode::BAD_REQUEST,
                format!("het verzoek is {e}"),
            ))
        }
    };
    let (items, single) = match value {
        Value::Array(items) => (items, false),
        object @ Value::Object(_) => (vec![object], true),
        _ => {
            return Err(error_response(
                StatusCode::BAD_REQUEST,
                "verwacht één signaal (een JSON-object) of een lijst met signalen",
            ))
        }
    };
    if items.is_empty() {
        return Err(error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "de lijst met signalen is leeg",
        ));
    }
    if items.len() > limits.max_batch {
        return Err(error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "te veel signalen in één verzoek: {} (maximaal {})",
                items.len(),
                limits.max_batch
            ),
        ));
    }
    Ok((items, single))
}

/// Whether reading a body failed on the size limit (rather than on time or the connection).
fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = current.source();
    }
    false
}
