//! The processing log on the website: W3C trace context for every request, the record of
//! every request that shows signal text, downloads a brief or an export, signs in, or changes
//! the administration (as middleware, so the pages themselves stay as they are), and the
//! beheer page that shows the log with filters and exports it as JSON lines.
//!
//! Decisions are logged by the review itself, in the decision's transaction
//! (`knooppunt_reports::governance`); intake and recognition by the rules engine.

use crate::error::WebError;
use crate::extract::{Admins, SignedIn};
use crate::render::with_status;
use crate::{accounts, time, WebState, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_domain::processing_log::{actions, Activity, Record, Status};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_rules::verwerkingslog::{self, Filter};
use knooppunt_store::Store;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The `traceparent` of this request's span: the caller's trace (a child span of theirs) or
/// a new trace. Envelopes prepared while handling the request carry it into the engine.
pub async fn trace_context(request: Request, next: Next) -> Response {
    let incoming = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .and_then(TraceContext::parse);
    let span = match incoming {
        Some(caller) => caller.child(),
        None => TraceContext::new_root(),
    };
    let header = span.header();
    let mut response = knooppunt_ingest::trace::scope(header.clone(), next.run(request)).await;
    // W3C Trace Context level 2: the span that handled the request.
    if let Ok(value) = header.parse() {
        response.headers_mut().insert("traceresponse", value);
    }
    response
}

/// This request's trace context, as a child span for a record.
fn current_span() -> TraceContext {
    TraceContext::from_header(knooppunt_ingest::trace::current().as_deref()).child()
}

/// What a request is, for the log: (action, activity, attributes), or `None` when it is not
/// logged. `status` is the answer's status.
fn classify(
    method: &Method,
    path: &str,
    query: &HashMap<String, String>,
    status: StatusCode,
) -> Option<(&'static str, Activity, Value)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let param = |name: &str| query.get(name).cloned().unwrap_or_default();
    match method.as_str() {
        "GET" if status == StatusCode::OK => viewed(&segments, &param),
        "POST" => changed(&segments),
        _ => None,
    }
}

/// A page or download that was shown: what was looked at.
fn viewed(
    segments: &[&str],
    param: &dyn Fn(&str) -> String,
) -> Option<(&'static str, Activity, Value)> {
    let page = |attributes| Some((actions::CLUSTER_VIEWED, Activity::Review, attributes));
    let export = |attributes| Some((actions::EXPORT, Activity::Publication, attributes));
    match segments {
        ["clusters", id] => page(json!({"cluster_id": id, "page": "cluster"})),
        ["agenda"] => page(json!({"page": "agenda", "datum": param("datum")})),
        ["signalen"] => page(json!({"page": "eigen-signalen"})),
        ["agenda", "besluitenlijst"] => {
            page(json!({"page": "besluitenlijst", "datum": param("datum")}))
        }
        ["agenda", "besluitenlijst", "export"] => export(
            json!({"what": "besluitenlijst", "datum": param("datum"), "format": param("formaat")}),
        ),
        ["agenda", "export"] => {
            export(json!({"what": "agenda", "datum": param("datum"), "format": param("formaat")}))
        }
        ["knelpunten", what @ ("maandoverzicht" | "besluitenlijst")] => export(json!({
            "what": if *what == "maandoverzicht" { "maandoverzicht" } else { "programma-besluitenlijst" },
            "maand": param("maand"),
            "datum": param("datum"),
            "programme": param("programma"),
            "format": param("formaat"),
        })),
        ["brief"] => Some((
            actions::BRIEF_DOWNLOADED,
            Activity::Publication,
            json!({
                "quarter": param("kwartaal"),
                "programme": param("programma"),
                "format": if param("formaat").is_empty() { "html".to_string() } else { param("formaat") },
            }),
        )),
        _ => None,
    }
}

/// An administrative change that was posted: its activity and what changed.
fn changed(segments: &[&str]) -> Option<(&'static str, Activity, Value)> {
    let (activity, attributes) = match segments {
        ["agenda", "besluitenlijst"] => (
            Activity::Review,
            json!({"change": "besluitenlijst-vastleggen"}),
        ),
        ["beheer", "gebruikers"] => (Activity::Review, json!({"change": "gebruiker-aanmaken"})),
        ["beheer", "tokens"] => (Activity::Intake, json!({"change": "token-aanmaken"})),
        ["beheer", "tokens", id, "intrekken"] => (
            Activity::Intake,
            json!({"change": "token-intrekken", "token_id": id}),
        ),
        ["clusters", id, "vignet"] => (
            Activity::Publication,
            json!({"change": "vignet-goedkeuren", "cluster_id": id}),
        ),
        ["agenda", "vergadering"] => (
            Activity::Review,
            json!({"change": "vergadering-vastleggen"}),
        ),
        ["brief", quarter, "vaststellen"] => (
            Activity::Publication,
            json!({"change": "brief-vaststellen", "quarter": quarter}),
        ),
        ["knelpunten", "maandoverzicht", month, "vaststellen"] => (
            Activity::Publication,
            json!({"change": "maandoverzicht-vaststellen", "maand": month}),
        ),
        _ => return None,
    };
    Some((actions::ADMINISTRATION, activity, attributes))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignInName {
    #[serde(rename = "naam")]
    name: String,
}

/// Logs the requests [`classify`] names, and every sign-in and failed sign-in.
/// The state is the store and the configured idle time of a session (`web.idle_minutes`), so the
/// actor is the one the request was served as.
pub async fn audit(
    State((store, idle)): State<(Store, chrono::Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let started = chrono::Utc::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    if method == Method::POST && path == "/inloggen" {
        return audit_sign_in(&store, request, next, started).await;
    }
    let query: HashMap<String, String> = Query::try_from_uri(request.uri())
        .map(|Query(q)| q)
        .unwrap_or_default();
    let jar = CookieJar::from_headers(request.headers());
    let response = next.run(request).await;
    let Some((name, activity, attributes)) = classify(&method, &path, &query, response.status())
    else {
        return response;
    };
    let actor = match jar.get(SESSION_COOKIE) {
        Some(cookie) => match accounts::session(&store, cookie.value(), idle).await {
            Ok(Some(live)) => live.user.name,
            _ => "onbekend".to_string(),
        },
        None => "onbekend".to_string(),
    };
    let status = if response.status().is_client_error() || response.status().is_server_error() {
        Status::Error
    } else {
        Status::Ok
    };
    let mut attributes = attributes;
    if let Value::Object(map) = &mut attributes {
        map.insert("http_status".into(), json!(response.status().as_u16()));
    }
    let record = Record::instant(current_span(), name, &actor, activity, attributes)
        .started(started)
        .with_status(status);
    verwerkingslog::append_or_warn(&store, &[record]).await;
    response
}

/// The actor of a failed sign-in under a name no account has.
pub const UNKNOWN_NAME: &str = "(onbekende naam)";

async fn audit_sign_in(
    store: &Store,
    request: Request,
    next: Next,
    started: chrono::DateTime<chrono::Utc>,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 2 * 1024 * 1024).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Het formulier is te groot.").into_response();
    };
    let name: String = {
        let mut probe = Request::new(Body::from(bytes.clone()));
        *probe.method_mut() = Method::POST;
        probe.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        axum::extract::Form::<SignInName>::from_request(probe, &())
            .await
            .map(|axum::extract::Form(form)| form.name.trim().chars().take(100).collect::<String>())
            .unwrap_or_default()
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let signed_in =
        response.headers().contains_key(header::SET_COOKIE) && response.status().is_redirection();
    // Only a password that was checked is a sign-in attempt worth keeping: a form without its
    // token, a throttled one or one out of bounds is refused before any account is looked at
    // (and a stranger could otherwise write rows at will). The typed name is kept only when
    // it is an account's, active or not (beheer sees a deactivated account still trying):
    // anything else typed there (a password, a person's name) is not.
    if !signed_in && response.status() != StatusCode::UNAUTHORIZED {
        return response;
    }
    let known = store.account_exists(&name).await.unwrap_or(false);
    let name = if known {
        name
    } else {
        UNKNOWN_NAME.to_string()
    };
    let record = Record::instant(
        current_span(),
        if signed_in {
            actions::SIGN_IN
        } else {
            actions::SIGN_IN_FAILED
        },
        &name,
        Activity::Review,
        json!({"http_status": response.status().as_u16()}),
    )
    .started(started)
    .with_status(if signed_in { Status::Ok } else { Status::Error });
    verwerkingslog::append_or_warn(store, &[record]).await;
    response
}

use axum::extract::FromRequest;

/// The beheer page's route.
pub fn routes(state: WebState) -> Router {
    crate::with_error_pages(
        Router::new().route("/beheer/verwerkingslog", get(log_page)),
        state,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LogQuery {
    actor: String,
    #[serde(rename = "actie")]
    action: String,
    trace: String,
    #[serde(rename = "van")]
    from: String,
    #[serde(rename = "tot")]
    until: String,
    #[serde(rename = "formaat")]
    format: String,
}

/// Rows shown on the page; the export has no limit.
const PAGE_ROWS: i64 = 500;

fn parse_day(text: &str) -> Result<Option<chrono::NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    chrono::NaiveDate::parse_from_str(text, "%d-%m-%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map(Some)
        .map_err(|_| format!("'{text}' is geen datum; schrijf dd-mm-jjjj"))
}

pub(crate) const ACTIONS: [&str; 12] = [
    actions::SIGNAL_RECEIVED,
    actions::SIGNAL_CLASSIFIED,
    actions::SIGNAL_QUARANTINED,
    actions::DECISION,
    actions::CLUSTER_VIEWED,
    actions::BRIEF_DOWNLOADED,
    actions::EXPORT,
    actions::SIGN_IN,
    actions::SIGN_IN_FAILED,
    actions::ADMINISTRATION,
    actions::RETENTION_PURGE,
    actions::LOG_EXPORTED,
];

async fn log_page(
    me: SignedIn<Admins>,
    Query(query): Query<LogQuery>,
) -> Result<Response, WebError> {
    let (from, to) = match (parse_day(&query.from), parse_day(&query.until)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(error), _) => return log_view(&me, &query, Vec::new(), Some(format!("van: {error}"))),
        (_, Err(error)) => return log_view(&me, &query, Vec::new(), Some(format!("tot: {error}"))),
    };
    let export = query.format == "jsonl";
    let filter = Filter {
        actor: Some(query.actor.clone()),
        name: Some(query.action.clone()),
        trace_id: Some(query.trace.clone()),
        from,
        to,
        limit: if export { 0 } else { PAGE_ROWS + 1 },
    };
    let entries = verwerkingslog::entries(&me.state.store, &filter).await?;
    if !export {
        return log_view(&me, &query, entries, None);
    }
    // The export is itself a processing of the log: it is logged too.
    let record = Record::instant(
        current_span(),
        actions::LOG_EXPORTED,
        &me.user.name,
        Activity::Review,
        json!({"records": entries.len(), "actor_filter": query.actor, "action_filter": query.action}),
    );
    verwerkingslog::append_or_warn(&me.state.store, &[record]).await;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"verwerkingslog.jsonl\"",
            ),
        ],
        verwerkingslog::to_json_lines(&entries),
    )
        .into_response())
}

#[derive(Serialize)]
struct ActionChoice {
    id: &'static str,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct LogRow<'a> {
    time: String,
    name: String,
    status: &'static str,
    actor: &'a str,
    activity: &'a str,
    attributes: String,
    trace: &'a str,
}

#[derive(Serialize)]
struct LogPage<'a> {
    actor: &'a str,
    trace: &'a str,
    van: &'a str,
    tot: &'a str,
    error: Option<String>,
    actions: Vec<ActionChoice>,
    export: String,
    count: usize,
    more: bool,
    limit: i64,
    entries: Vec<LogRow<'a>>,
}

/// The export link: the page's filters, as JSON lines.
fn export_link(query: &LogQuery) -> String {
    format!(
        "/beheer/verwerkingslog?{}",
        [
            ("actor", &query.actor),
            ("actie", &query.action),
            ("trace", &query.trace),
            ("van", &query.from),
            ("tot", &query.until),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", percent(v.trim())))
        .chain(std::iter::once("formaat=jsonl".to_string()))
        .collect::<Vec<_>>()
        .join("&")
    )
}

fn log_view(
    me: &SignedIn<Admins>,
    query: &LogQuery,
    mut entries: Vec<verwerkingslog::Entry>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let more = entries.len() as i64 > PAGE_ROWS;
    entries.truncate(PAGE_ROWS as usize);
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let data = LogPage {
        actor: &query.actor,
        trace: &query.trace,
        van: &query.from,
        tot: &query.until,
        error,
        actions: ACTIONS
            .iter()
            .map(|a| ActionChoice {
                id: a,
                label: crate::log_labels::action(a),
                selected: *a == query.action,
            })
            .collect(),
        export: export_link(query),
        count: entries.len(),
        more,
        limit: PAGE_ROWS,
        entries: entries
            .iter()
            .map(|e| LogRow {
                time: time::moment_to_the_second(&e.start_time),
                name: crate::log_labels::action(&e.name),
                status: if e.status == "ok" {
                    "gelukt"
                } else {
                    "mislukt"
                },
                actor: &e.actor,
                activity: &e.processing_activity_id,
                attributes: crate::log_labels::attributes(&e.attributes),
                trace: &e.trace_id,
            })
            .collect(),
    };
    with_status(status, me.page("verwerkingslog", "Verwerkingslog", &data))
}

/// Percent-encodes a query value (everything but unreserved characters).
fn percent(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_that_show_text_or_change_things_are_logged() {
        let none = HashMap::new();
        let mut brief = HashMap::new();
        brief.insert("kwartaal".to_string(), "2026Q3".to_string());
        brief.insert("formaat".to_string(), "pdf".to_string());
        let (name, activity, attributes) =
            classify(&Method::GET, "/brief", &brief, StatusCode::OK).unwrap();
        assert_eq!(
            (name, activity),
            (actions::BRIEF_DOWNLOADED, Activity::Publication)
        );
        assert_eq!(attributes["quarter"], "2026Q3");
        assert_eq!(attributes["format"], "pdf");
        let (name, _, attributes) =
            classify(&Method::GET, "/clusters/abc", &none, StatusCode::OK).unwrap();
        assert_eq!(name, actions::CLUSTER_VIEWED);
        assert_eq!(attributes["cluster_id"], "abc");
        // A refused page showed nothing.
        assert!(classify(&Method::GET, "/clusters/abc", &none, StatusCode::FORBIDDEN).is_none());
        assert!(classify(&Method::GET, "/inloggen", &none, StatusCode::OK).is_none());
        let (name, _, attributes) = classify(
            &Method::POST,
            "/beheer/tokens/t-1/intrekken",
            &none,
            StatusCode::SEE_OTHER,
        )
        .unwrap();
        assert_eq!(name, actions::ADMINISTRATION);
        assert_eq!(attributes["token_id"], "t-1");
    }

    #[test]
    fn days_and_links() {
        assert_eq!(
            parse_day("30-11-2026").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        assert!(parse_day("morgen").unwrap_err().contains("dd-mm-jjjj"));
        assert_eq!(percent("a b/c"), "a%20b%2Fc");
    }
}
