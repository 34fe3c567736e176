//! The review website: server-rendered Dutch pages (handlebars, no JavaScript) for the four
//! roles — indiener, overleg, gemeente, beheer. Every page checks the role first; every form
//! that changes something carries the session's CSRF token.

// A page guard's error branch is the response to send (a redirect or a Dutch refusal).
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod flash;
pub mod passwords;
pub mod security;
pub mod throttle;
pub mod verwerkingslog;

use anyhow::Context;

use accounts::User;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderName, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use axum_extra::extract::Form;
use handlebars::Handlebars;
use knooppunt_ingest::envelope::{partition_key, Channel};
use knooppunt_ingest::signal::Theme;
use knooppunt_ingest::transport::Publisher;
use knooppunt_reports::agenda::Agenda;
use knooppunt_reports::review::{Action, Role, Snooze, Split, State as ReviewState};
use knooppunt_reports::review_store::{self, DecideError};
use knooppunt_reports::{Brief, Quarter};
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_rules::store::Store;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

const SESSION_COOKIE: &str = "kp_sessie";

/// The value of a page guard, or return its response (redirect or refusal).
macro_rules! guard {
    ($guard:expr) => {
        match $guard {
            Ok(value) => value,
            Err(response) => return response,
        }
    };
}

// After the macro, which it uses.
mod mine;
mod overleg;
mod signin;
use signin::CsrfForm;

const TEMPLATES: [(&str, &str); 12] = [
    ("layout", include_str!("templates/layout.hbs")),
    ("inloggen", include_str!("templates/inloggen.hbs")),
    ("uitloggen", include_str!("templates/uitloggen.hbs")),
    ("wachtwoord", include_str!("templates/wachtwoord.hbs")),
    ("melding", include_str!("templates/melding.hbs")),
    ("signaal", include_str!("templates/signaal.hbs")),
    ("signalen", include_str!("templates/signalen.hbs")),
    ("agenda", include_str!("templates/agenda.hbs")),
    ("cluster", include_str!("templates/cluster.hbs")),
    ("bewijs", include_str!("templates/bewijs.hbs")),
    ("knelpunten", include_str!("templates/knelpunten.hbs")),
    ("beheer", include_str!("templates/beheer.hbs")),
];

// After the macro, which it uses.
mod labels;

/// What the pages need.
#[derive(Clone)]
pub struct WebState {
    pub store: Store,
    pub rules: Arc<RuleSet>,
    pub publisher: Arc<dyn Publisher>,
    pub templates: Arc<Handlebars<'static>>,
    pub secure_cookies: bool,
    pub session_hours: i64,
    pub min_group_size: i64,
    pub wider_areas: std::collections::BTreeMap<String, String>,
    /// The municipality's own brief and agenda templates, if any.
    pub templates_dir: Option<std::path::PathBuf>,
    /// Minutes a session may sit unused before it ends.
    pub idle_minutes: i64,
    /// Failed sign-ins, counted in the database.
    pub throttle: throttle::Throttle,
    /// The header a TLS proxy in front sets to the client's address (`web.client_ip_header`);
    /// `None`: the connection's peer address is the client.
    pub client_ip_header: Option<HeaderName>,
    /// Addressee and sender on the brief's cover.
    pub cover: knooppunt_reports::Cover,
}

impl WebState {
    /// How long a session may sit unused.
    fn idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.idle_minutes)
    }

    fn session_limits(&self) -> accounts::SessionLimits {
        accounts::SessionLimits {
            lifetime: chrono::Duration::hours(self.session_hours),
            idle: self.idle(),
        }
    }

    pub fn new(
        store: Store,
        rules: Arc<RuleSet>,
        publisher: Arc<dyn Publisher>,
        secure_cookies: bool,
        min_group_size: i64,
        wider_areas: std::collections::BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        let mut templates = Handlebars::new();
        templates.set_strict_mode(false);
        for (name, source) in TEMPLATES {
            templates
                .register_template_string(name, source)
                .map_err(|e| anyhow::anyhow!("sjabloon {name}: {e}"))?;
        }
        labels::register(&mut templates, &rules)?;
        Ok(Self {
            throttle: throttle::Throttle::new(store.clone()),
            store,
            rules,
            publisher,
            templates: Arc::new(templates),
            secure_cookies,
            session_hours: 12,
            min_group_size,
            wider_areas,
            templates_dir: None,
            idle_minutes: 30,
            client_ip_header: None,
            cover: Default::default(),
        })
    }
}

/// The website's routes.
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/inloggen", get(signin::login_page).post(signin::login))
        .route("/uitloggen", get(signin::logout_page).post(signin::logout))
        .route(
            "/wachtwoord",
            get(signin::password_page).post(signin::change_password),
        )
        .route(security::STYLESHEET_PATH, get(security::stylesheet))
        .route("/signalen", get(own_signals).post(submit_signal))
        .route("/signalen/nieuw", get(intake_page))
        .route("/agenda", get(agenda_page))
        .route("/agenda/export", get(agenda_export))
        .route("/agenda/vergadering", post(record_meeting))
        .route("/clusters/{id}", get(cluster_page))
        .route("/clusters/{id}/besluit", post(decide))
        .route("/clusters/{id}/vignet", post(approve_vignette))
        .route("/clusters/{id}/ongedaan", post(undo_decision))
        .route("/knelpunten", get(knelpunten))
        .route("/brief", get(brief_download))
        .route("/beheer", get(beheer_page))
        .route("/beheer/gebruikers", post(add_user))
        .route("/beheer/tokens", post(add_token))
        .route("/beheer/tokens/{id}/intrekken", post(revoke_token))
        .merge(labels::routes())
        .with_state(state)
}

/// A page in the layout, HTML-escaped by handlebars.
fn page(
    state: &WebState,
    template: &str,
    user: Option<&User>,
    csrf: &str,
    data: Value,
) -> Response {
    let mut data = data;
    if let Value::Object(map) = &mut data {
        map.insert(
            "user".into(),
            user.map(|u| json!({"name": u.display_name, "role": u.role.as_str(), "role_label": u.role.label()}))
                .unwrap_or(Value::Null),
        );
        map.insert("csrf".into(), json!(csrf));
        if let Some(user) = user {
            map.insert(format!("is_{}", user.role.as_str()), json!(true));
        }
    }
    let body = match state.templates.render(template, &data) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(template, error = %error, "Rendering a page failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Pagina kon niet worden gemaakt.",
            )
                .into_response();
        }
    };
    let data = json!({"title": data.get("title").cloned().unwrap_or(Value::Null), "body": body, "user": data.get("user").cloned().unwrap_or(Value::Null), "csrf": csrf});
    match state.templates.render("layout", &data) {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "Rendering the layout failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Pagina kon niet worden gemaakt.",
            )
                .into_response()
        }
    }
}

fn message(
    state: &WebState,
    status: StatusCode,
    user: Option<&User>,
    title: &str,
    text: &str,
) -> Response {
    let mut response = page(
        state,
        "melding",
        user,
        "",
        json!({"title": title, "text": text}),
    );
    *response.status_mut() = status;
    response
}

fn failure(state: &WebState, user: Option<&User>, error: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{error:#}"), "Request failed");
    message(
        state,
        StatusCode::INTERNAL_SERVER_ERROR,
        user,
        "Er ging iets mis",
        "Het verzoek kon niet worden afgehandeld. Probeer het later opnieuw.",
    )
}

/// The signed-in user when their role is one of `roles`; else the response to send.
async fn require(
    state: &WebState,
    jar: &CookieJar,
    roles: &[Role],
) -> Result<(User, String), Response> {
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Err(Redirect::to("/inloggen").into_response());
    };
    match accounts::session(&state.store, &token, state.idle()).await {
        Ok(Some((user, csrf))) if roles.contains(&user.role) => Ok((user, csrf)),
        Ok(Some((user, _))) => Err(message(
            state,
            StatusCode::FORBIDDEN,
            Some(&user),
            "Geen toegang",
            "Deze pagina hoort niet bij uw rol.",
        )),
        Ok(None) => Err(Redirect::to("/inloggen").into_response()),
        Err(error) => Err(failure(state, None, error)),
    }
}

/// Refuses a form without the session's CSRF token.
fn check_csrf(state: &WebState, user: &User, expected: &str, given: &str) -> Result<(), Response> {
    if !expected.is_empty() && expected == given {
        Ok(())
    } else {
        Err(message(
            state,
            StatusCode::FORBIDDEN,
            Some(user),
            "Formulier verlopen",
            "Het formulier is verlopen of niet van deze site. Open de pagina opnieuw.",
        ))
    }
}

async fn home(State(state): State<WebState>, jar: CookieJar) -> Response {
    match require(&state, &jar, &Role::ALL).await {
        Ok((user, _)) => Redirect::to(match user.role {
            Role::Indiener => "/signalen",
            Role::Overleg => "/agenda",
            Role::Gemeente => "/knelpunten",
            Role::Beheer => "/beheer",
        })
        .into_response(),
        Err(response) => response,
    }
}

fn themes_json(selected: &[String]) -> Value {
    Value::Array(
        Theme::ALL
            .iter()
            .map(|t| {
                json!({"id": t.as_str(), "label": t.label(), "checked": selected.iter().any(|s| s == t.as_str())})
            })
            .collect(),
    )
}

async fn intake_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Indiener]).await);
    page(
        &state,
        "signaal",
        Some(&user),
        &csrf,
        json!({"title": "Signaal melden", "source": user.source, "themes": themes_json(&[]),
               "observed_on": knooppunt_ingest::today_nl().to_string()}),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignalForm {
    csrf: String,
    stap: String,
    observed_on: String,
    area: String,
    organisation: String,
    wait_days: String,
    text: String,
    themes: Vec<String>,
}

async fn submit_signal(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<SignalForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Indiener]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    let mut data = json!({
        "title": "Signaal melden", "source": user.source, "themes": themes_json(&form.themes),
        "observed_on": form.observed_on, "area": form.area, "organisation": form.organisation,
        "wait_days": form.wait_days, "text": form.text,
    });
    if form.stap == "voorbeeld" {
        // What the scrubber would remove, before anything is sent.
        let scrubbed = knooppunt_ingest::scrub::scrub(&form.text);
        let kinds: Vec<&str> = scrubbed.found.iter().map(|k| k.placeholder()).collect();
        data["preview"] = json!({"text": scrubbed.text, "kinds": kinds, "clean": kinds.is_empty()});
        return page(&state, "signaal", Some(&user), &csrf, data);
    }
    let mut item = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "source": user.source,
        "observed_on": form.observed_on.trim(),
        "area": form.area,
        "text": form.text,
        "themes": form.themes,
    });
    if !form.organisation.trim().is_empty() {
        item["organisation"] = json!(form.organisation.trim());
    }
    if !form.wait_days.trim().is_empty() {
        item["wait_days"] = match form.wait_days.trim().parse::<i64>() {
            Ok(days) => json!(days),
            Err(_) => json!(form.wait_days.trim()),
        };
    }
    let result =
        knooppunt_ingest::http::submit(state.publisher.as_ref(), &[item], Channel::Form).await;
    result.count("form");
    match result.results.first() {
        Some(knooppunt_ingest::http::ItemResult::Accepted { id, .. }) => {
            tracing::info!(id = %id, "Signal submitted through the form");
            page(
                &state,
                "signaal",
                Some(&user),
                &csrf,
                json!({"title": "Signaal melden", "source": user.source, "themes": themes_json(&[]),
                       "observed_on": knooppunt_ingest::today_nl().to_string(),
                       "accepted": id}),
            )
        }
        Some(knooppunt_ingest::http::ItemResult::Refused { errors, .. }) => {
            // Each error under the form field's Dutch name, tied to its field.
            let errors = json!(errors);
            let mut tied = serde_json::Map::new();
            let listed: Vec<Value> = errors
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| {
                    let field = e.get("field").and_then(Value::as_str).unwrap_or_default();
                    let (label, input) = signal_field(field);
                    if let Some(input) = input {
                        tied.insert(input.to_string(), json!(format!("fout-{input}")));
                    }
                    json!({"label": label, "message": e.get("message").cloned().unwrap_or_default(),
                           "id": input.map(|i| format!("fout-{i}")), "input": input})
                })
                .collect();
            data["errors"] = json!(listed);
            data["err"] = Value::Object(tied);
            let mut response = page(&state, "signaal", Some(&user), &csrf, data);
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Some(knooppunt_ingest::http::ItemResult::Failed { .. }) | None => {
            data["errors"] = json!([{"field": "verzenden", "message": "het signaal kon nu niet worden doorgegeven; er is niets bewaard, probeer het later opnieuw"}]);
            let mut response = page(&state, "signaal", Some(&user), &csrf, data);
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    pagina: String,
}

/// The Dutch name of a signal field, and the form input it belongs to.
fn signal_field(field: &str) -> (&'static str, Option<&'static str>) {
    match field {
        "observed_on" => ("Datum van de waarneming", Some("observed_on")),
        "area" => ("Wijk", Some("area")),
        "text" => ("Wat liep er vast", Some("text")),
        "wait_days" => ("Wachttijd in dagen", Some("wait_days")),
        "organisation" => ("Organisatie", Some("organisation")),
        "themes" => ("Thema's", None),
        "source" => ("Bron", None),
        "verzenden" => ("Verzenden", None),
        _ => ("Signaal", None),
    }
}

async fn own_signals(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<PageQuery>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Indiener]).await);
    let page_no = query.pagina.trim().parse::<i64>().unwrap_or(1);
    mine::view(&state, &user, &csrf, page_no).await
}

#[derive(Deserialize)]
struct DateQuery {
    datum: Option<String>,
    formaat: Option<String>,
}

/// The day a form or query names (today when empty), or a Dutch refusal naming the field.
fn day(state: &WebState, user: &User, text: Option<&str>) -> Result<chrono::NaiveDate, Response> {
    parse_day(text).map_err(|text| {
        message(
            state,
            StatusCode::BAD_REQUEST,
            Some(user),
            "Ongeldige datum",
            &text,
        )
    })
}

/// Days the overleg can meaningfully ask about: the agenda and its windows are computed from
/// them, and dates near chrono's limits would overflow that arithmetic.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2100;

fn parse_day(text: Option<&str>) -> Result<chrono::NaiveDate, String> {
    use chrono::Datelike;
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(knooppunt_ingest::today_nl()),
        Some(day) => {
            // Only the field is named: a long or odd value is not echoed back.
            let parsed: chrono::NaiveDate = day
                .parse()
                .map_err(|_| "datum: geen geldige datum (jjjj-mm-dd)".to_string())?;
            if (FIRST_YEAR..=LAST_YEAR).contains(&parsed.year()) {
                Ok(parsed)
            } else {
                Err(format!(
                    "datum: kies een datum tussen {FIRST_YEAR} en {LAST_YEAR}"
                ))
            }
        }
    }
}

/// The agenda, restricted to the areas of an overleg member.
async fn agenda_for(
    state: &WebState,
    user: &User,
    on: chrono::NaiveDate,
) -> anyhow::Result<Agenda> {
    let mut agenda = Agenda::gather(&state.store, &state.rules, on, None).await?;
    agenda.templates_dir = state.templates_dir.clone();
    // A member restricted to some wijken sees only their items and the decisions on them; a
    // cluster without a wijk (grouped per organisation) is nobody's wijk, so only members of
    // every wijk see it — as on the cluster pages.
    agenda
        .items
        .retain(|item| user.covers_area(&partition_key(&item.area)));
    agenda
        .decisions
        .retain(|decision| user.covers_area(&partition_key(&decision.area)));
    Ok(agenda)
}

async fn agenda_page(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<DateQuery>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    // Without a date: the next recorded meeting, else the latest, else today.
    let on = match query
        .datum
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        Some(text) => guard!(day(&state, &user, Some(text))),
        None => {
            match review_store::landing_meeting(&state.store, knooppunt_ingest::today_nl()).await {
                Ok(Some(meeting)) => meeting,
                Ok(None) => knooppunt_ingest::today_nl(),
                Err(error) => return failure(&state, Some(&user), error),
            }
        }
    };
    let (jar, flash) = flash::take(jar);
    let recorded = match overleg::meeting_recorded(&state, on).await {
        Ok(recorded) => recorded,
        Err(error) => return failure(&state, Some(&user), error),
    };
    match agenda_for(&state, &user, on).await {
        Ok(agenda) => {
            let count = agenda.items.len();
            (
                jar,
                page(
                    &state,
                    "agenda",
                    Some(&user),
                    &csrf,
                    json!({"title": format!("Vergadering {}", knooppunt_reports::dutch::date(on)), "agenda": agenda,
                           "count": count, "one": count == 1, "flash": flash, "recorded": recorded}),
                ),
            )
                .into_response()
        }
        Err(error) => failure(&state, Some(&user), error),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MeetingForm {
    csrf: String,
    datum: String,
}

/// Records that the overleg met on a day: the next agenda starts after it.
async fn record_meeting(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<MeetingForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    let on = guard!(day(&state, &user, Some(&form.datum)));
    match review_store::add_meeting(&state.store, on, &user.name).await {
        Ok(()) => (
            flash::set(jar, "vergadering", state.secure_cookies),
            Redirect::to(&format!("/agenda?datum={on}")),
        )
            .into_response(),
        Err(error) => failure(&state, Some(&user), error),
    }
}

async fn agenda_export(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<DateQuery>,
) -> Response {
    let (user, _) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    let on = guard!(day(&state, &user, query.datum.as_deref()));
    let agenda = match agenda_for(&state, &user, on).await {
        Ok(agenda) => agenda,
        Err(error) => return failure(&state, Some(&user), error),
    };
    let (markdown, html) = match agenda.render() {
        Ok(rendered) => rendered,
        Err(error) => return failure(&state, Some(&user), error),
    };
    download(
        query.formaat.as_deref(),
        &format!("agenda-{on}"),
        markdown,
        html,
    )
}

fn download(format: Option<&str>, name: &str, markdown: String, html: String) -> Response {
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

async fn cluster_page(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    let (jar, flash) = flash::take(jar);
    (
        jar,
        overleg::cluster_view(&state, &user, &csrf, &id, None, flash).await,
    )
        .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    csrf: String,
    actie: String,
    reden: String,
    met: String,
    tot: String,
    datum: String,
    aantal: String,
    eigenaar: String,
    programma: String,
    /// Splitsen: "organisatie" or "signalen".
    splits_op: String,
    /// Splitsen: the selected signals, as "source|id".
    signalen: Vec<String>,
}

fn action_from_form(form: &DecisionForm) -> Result<Action, String> {
    Ok(match form.actie.as_str() {
        "bevestigen" => Action::Confirm,
        "afwijzen" => Action::Dismiss,
        "notitie" => Action::Note,
        "aanbeveling" => Action::Recommend,
        "oplossen" => Action::Solve,
        "heropenen" => Action::Reopen,
        "samenvoegen" => Action::Merge {
            with: form.met.trim().to_string(),
        },
        "splitsen" => Action::Split {
            how: match form.splits_op.as_str() {
                "organisatie" => Split::ByOrganisation,
                "signalen" => Split::Signals {
                    signals: form
                        .signalen
                        .iter()
                        .filter_map(|s| s.split_once('|'))
                        .map(|(source, id)| (source.to_string(), id.to_string()))
                        .collect(),
                },
                _ => return Err("splitsen: kies op organisatie of op gekozen signalen".into()),
            },
        },
        "toewijzen" => Action::Assign {
            owner: form.eigenaar.trim().to_string(),
            programme: form.programma.trim().to_string(),
        },
        "parkeren" => {
            Action::Park {
                snooze: match form.tot.as_str() {
                    "datum" => Snooze::Date {
                        date: parse_day(Some(&form.datum))
                            .ok()
                            .filter(|_| !form.datum.trim().is_empty())
                            .ok_or_else(|| {
                                "parkeren: vul een geldige datum in (jjjj-mm-dd)".to_string()
                            })?,
                    },
                    "signalen" => Snooze::Signals {
                        count: form.aantal.trim().parse().map_err(|_| {
                            "parkeren: vul het aantal nieuwe signalen in".to_string()
                        })?,
                    },
                    "piek" => Snooze::Spike,
                    _ => return Err("parkeren: kies tot wanneer".into()),
                },
            }
        }
        other => return Err(format!("actie: onbekend besluit '{other}'")),
    })
}

/// The cluster exists and lies in the overleg member's areas.
async fn cluster_in_areas(state: &WebState, user: &User, id: &str) -> Result<(), Response> {
    match state.store.cluster(id).await {
        Ok(Some(cluster)) if user.covers_area(&partition_key(&cluster.area)) => Ok(()),
        Ok(_) => Err(message(
            state,
            StatusCode::NOT_FOUND,
            Some(user),
            "Niet gevonden",
            "Dit cluster bestaat niet of hoort niet bij uw wijken.",
        )),
        Err(error) => Err(failure(state, Some(user), error)),
    }
}

async fn decide(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    guard!(cluster_in_areas(&state, &user, &id).await);
    let action = match action_from_form(&form) {
        Ok(action) => action,
        Err(text) => {
            return overleg::refused_view(
                &state,
                &user,
                &csrf,
                &id,
                &form,
                text,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // Merging moves the other cluster's signals into this one: it must be the member's too.
    if let Action::Merge { with: met } = &action {
        let covered = match state.store.cluster(met).await {
            Ok(other) => other.is_some_and(|c| user.covers_area(&partition_key(&c.area))),
            Err(error) => return failure(&state, Some(&user), error),
        };
        if !covered {
            tracing::warn!(cluster = %id, "Merge with a cluster outside the member's areas refused");
            let text = "samenvoegen: het andere cluster bestaat niet of hoort niet bij uw wijken";
            return overleg::refused_view(
                &state,
                &user,
                &csrf,
                &id,
                &form,
                text.into(),
                StatusCode::FORBIDDEN,
            )
            .await;
        }
    }
    match review_store::decide(&state.store, &id, action, &form.reden, &user.name).await {
        Ok(decision) => {
            tracing::info!(cluster = %id, action = decision.action.name(), "Decision recorded");
            let code = format!(
                "besluit:{}:{}",
                decision.action.name(),
                decision.state_after.as_str()
            );
            (
                flash::set(jar, &code, state.secure_cookies),
                Redirect::to(&format!("/clusters/{id}")),
            )
                .into_response()
        }
        Err(DecideError::Failed(error)) => failure(&state, Some(&user), error),
        Err(refused) => {
            overleg::refused_view(
                &state,
                &user,
                &csrf,
                &id,
                &form,
                refused.to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VignetteForm {
    csrf: String,
    bron: String,
    signaal: String,
}

/// Approves a scrubbed signal of the cluster as a vignette for the brief.
async fn approve_vignette(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<VignetteForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    guard!(cluster_in_areas(&state, &user, &id).await);
    match knooppunt_reports::knelpunten::approve_vignette(
        &state.store,
        &id,
        &form.bron,
        &form.signaal,
        &user.name,
    )
    .await
    {
        Ok(true) => (
            flash::set(jar, "vignet", state.secure_cookies),
            Redirect::to(&format!("/clusters/{id}")),
        )
            .into_response(),
        Ok(false) => {
            let refused = overleg::Refused {
                error: "vignet: dit signaal hoort niet bij dit cluster".into(),
                ..Default::default()
            };
            let mut response =
                overleg::cluster_view(&state, &user, &csrf, &id, Some(refused), None).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => failure(&state, Some(&user), error),
    }
}

/// Takes back the cluster's last decision, if it was taken today (the meeting that is on).
async fn undo_decision(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Overleg]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    guard!(cluster_in_areas(&state, &user, &id).await);
    match review_store::undo_last(&state.store, &id, knooppunt_ingest::today_nl()).await {
        Ok(Ok((decision, back))) => {
            tracing::info!(cluster = %id, action = decision.action.name(), "Decision undone");
            let code = format!("ongedaan:{}:{}", decision.action.name(), back.as_str());
            (
                flash::set(jar, &code, state.secure_cookies),
                Redirect::to(&format!("/clusters/{id}")),
            )
                .into_response()
        }
        Ok(Err(reason)) => {
            let refused = overleg::Refused {
                error: format!("ongedaan maken: {reason}"),
                ..Default::default()
            };
            let mut response =
                overleg::cluster_view(&state, &user, &csrf, &id, Some(refused), None).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(error) => failure(&state, Some(&user), error),
    }
}

/// Confirmed knelpunten, figures only: what the municipality may see (never signal text).
/// The figures are those of the latest published brief, as published: a page that counted
/// anew (all-time, per wijk) would let a reader work out what the brief hides.
async fn knelpunten(State(state): State<WebState>, jar: CookieJar) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Gemeente, Role::Overleg]).await);
    let today = knooppunt_ingest::today_nl();
    let loaded = async {
        Ok::<_, anyhow::Error>((
            review_store::reviewed_clusters(&state.store, today).await?,
            knooppunt_reports::snapshot::latest(&state.store, "").await?,
        ))
    }
    .await;
    let (reviewed, latest) = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return failure(&state, Some(&user), error),
    };
    // One row per knelpunt (barrier), whatever its clusters: the wijken come from the brief.
    let mut rows: Vec<Value> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for c in reviewed.iter().filter(|c| {
        matches!(
            c.standing.state,
            ReviewState::Confirmed | ReviewState::Solved
        )
    }) {
        if !seen.insert(c.cluster.barrier.clone()) {
            continue;
        }
        let title = state
            .rules
            .barriers()
            .iter()
            .find(|b| b.id == c.cluster.barrier)
            .map_or(c.cluster.barrier.clone(), |b| b.title.clone());
        let published = latest
            .as_ref()
            .and_then(|(_, figures)| figures.published(&c.cluster.barrier));
        rows.push(json!({
            "title": title,
            "signals": published.as_ref().map_or("—".to_string(), |(n, _)| n.clone()),
            "areas": published.map(|(_, areas)| areas.join(", ")).unwrap_or_default(),
            "state": if c.standing.terug { "terug" } else { c.standing.state.as_str() },
            "owner": c.standing.owner, "programme": c.standing.programme,
        }));
    }
    page(
        &state,
        "knelpunten",
        Some(&user),
        &csrf,
        json!({"title": "Bevestigde knelpunten", "rows": rows,
               "published": latest.as_ref().map(|(q, _)| q.clone()),
               "quarter": Quarter::containing(today).previous().to_string()}),
    )
}

#[derive(Deserialize)]
struct BriefQuery {
    kwartaal: Option<String>,
    formaat: Option<String>,
    programma: Option<String>,
}

async fn brief_download(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<BriefQuery>,
) -> Response {
    let (user, _) =
        guard!(require(&state, &jar, &[Role::Gemeente, Role::Overleg, Role::Beheer]).await);
    let today = knooppunt_ingest::today_nl();
    let quarter: Quarter = match query.kwartaal.as_deref().map(str::parse).transpose() {
        Ok(quarter) => quarter.unwrap_or_else(|| Quarter::containing(today).previous()),
        Err(_) => {
            return message(
                &state,
                StatusCode::BAD_REQUEST,
                Some(&user),
                "Ongeldig kwartaal",
                "kwartaal: schrijf het als 2026Q3.",
            )
        }
    };
    let programme = query
        .programma
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    // The municipality reads published briefs only: a brief of a quarter still being counted
    // would differ from download to download, and two versions give away their difference.
    if user.role == Role::Gemeente {
        let key = quarter.to_string();
        match knooppunt_reports::snapshot::load(&state.store, &key, programme.unwrap_or_default())
            .await
        {
            Ok(Some(_)) => {}
            Ok(None) => {
                return message(
                    &state,
                    StatusCode::NOT_FOUND,
                    Some(&user),
                    "Nog niet gepubliceerd",
                    &format!("kwartaal: de brief van {key} is nog niet gepubliceerd."),
                )
            }
            Err(error) => return failure(&state, Some(&user), error),
        }
    }
    let mut brief = match Brief::gather_full(
        &state.store,
        &state.rules,
        quarter,
        programme,
        state.min_group_size,
        &state.wider_areas,
        today,
    )
    .await
    {
        Ok(brief) => brief,
        Err(error) => return failure(&state, Some(&user), error),
    };
    brief.templates_dir = state.templates_dir.clone();
    brief.cover = state.cover.clone();
    let stem = brief.file_stem();
    let file = |bytes: Vec<u8>, mime: &str, extension: &str| {
        attachment(bytes, mime, &format!("{stem}.{extension}"))
    };
    let result: anyhow::Result<Response> = async {
        Ok(match query.formaat.as_deref() {
            Some("csv") | Some("json") => {
                let Some((csv, json)) = brief.figures()? else {
                    anyhow::bail!("geen cijfers");
                };
                if query.formaat.as_deref() == Some("csv") {
                    file(csv, "text/csv; charset=utf-8", "csv")
                } else {
                    file(json.into_bytes(), "application/json", "json")
                }
            }
            Some("pdf") => {
                let dir = tempfile::tempdir().context("tijdelijke map")?;
                brief.write(dir.path())?;
                let brief = brief.clone();
                let path = dir.path().to_path_buf();
                let pdf = tokio::task::spawn_blocking(move || brief.write_pdf(&path))
                    .await
                    .context("PDF maken")??;
                file(
                    std::fs::read(pdf).context("PDF lezen")?,
                    "application/pdf",
                    "pdf",
                )
            }
            format => {
                let rendered = brief.render()?;
                download(format, &stem, rendered.markdown, rendered.html)
            }
        })
    }
    .await;
    result.unwrap_or_else(|error| failure(&state, Some(&user), error))
}

fn attachment(body: Vec<u8>, mime: &str, file_name: &str) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(value) = mime.parse() {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = format!("attachment; filename=\"{file_name}\"").parse() {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    (headers, body).into_response()
}

async fn beheer_page(State(state): State<WebState>, jar: CookieJar) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Beheer]).await);
    beheer_view(&state, &user, &csrf, json!({})).await
}

async fn beheer_view(state: &WebState, user: &User, csrf: &str, extra: Value) -> Response {
    let users = match accounts::users(&state.store).await {
        Ok(users) => users,
        Err(error) => return failure(state, Some(user), error),
    };
    let tokens = match accounts::api_tokens(&state.store).await {
        Ok(tokens) => tokens,
        Err(error) => return failure(state, Some(user), error),
    };
    // Times in Dutch local time, `dd-mm-jjjj hh:mm`.
    let tokens: Vec<Value> = tokens
        .iter()
        .map(|t| {
            let mut token = json!(t);
            token["created_at"] = json!(knooppunt_reports::dutch::local_time(&t.created_at));
            if let Some(revoked) = &t.revoked_at {
                token["revoked_at"] = json!(knooppunt_reports::dutch::local_time(revoked));
            }
            token
        })
        .collect();
    let quarantine = match state.store.quarantine_counts().await {
        Ok(counts) => counts,
        Err(error) => return failure(state, Some(user), error),
    };
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| json!({"id": r.as_str(), "label": r.label()}))
        .collect();
    let mut data = json!({
        "title": "Beheer", "users": users, "tokens": tokens, "quarantine": quarantine,
        "rules_version": state.rules.version(), "barriers": state.rules.barriers().len(), "roles": roles,
    });
    if let (Value::Object(map), Value::Object(extra)) = (&mut data, extra) {
        map.extend(extra);
    }
    page(state, "beheer", Some(user), csrf, data)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserForm {
    csrf: String,
    naam: String,
    weergavenaam: String,
    rol: String,
    bron: String,
    wijken: String,
    wachtwoord: String,
}

async fn add_user(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<UserForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Beheer]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    let Some(role) = Role::parse(&form.rol) else {
        return beheer_view(&state, &user, &csrf, json!({"error": "rol: kies een rol"})).await;
    };
    let new = accounts::NewUser {
        name: form.naam.trim(),
        display_name: &form.weergavenaam,
        role,
        source: &form.bron,
        areas: &form.wijken,
        password: &form.wachtwoord,
    };
    match accounts::create_user(&state.store, &new).await {
        Ok(()) => {
            beheer_view(
                &state,
                &user,
                &csrf,
                json!({"notice": format!("Gebruiker {} is aangemaakt.", new.name)}),
            )
            .await
        }
        Err(error) => {
            let mut response =
                beheer_view(&state, &user, &csrf, json!({"error": error.to_string()})).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    csrf: String,
    bron: String,
    omschrijving: String,
}

async fn add_token(
    State(state): State<WebState>,
    jar: CookieJar,
    Form(form): Form<TokenForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Beheer]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    match accounts::create_api_token(&state.store, &form.bron, &form.omschrijving, &user.name).await
    {
        Ok((id, token)) => {
            tracing::info!(token_id = %id, "API token created");
            beheer_view(
                &state,
                &user,
                &csrf,
                json!({"new_token": token, "new_token_id": id}),
            )
            .await
        }
        Err(error) => {
            let mut response =
                beheer_view(&state, &user, &csrf, json!({"error": error.to_string()})).await;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
    }
}

async fn revoke_token(
    State(state): State<WebState>,
    jar: CookieJar,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (user, csrf) = guard!(require(&state, &jar, &[Role::Beheer]).await);
    guard!(check_csrf(&state, &user, &csrf, &form.csrf));
    match accounts::revoke_api_token(&state.store, &id).await {
        Ok(true) => {
            beheer_view(
                &state,
                &user,
                &csrf,
                json!({"notice": format!("Token {id} is ingetrokken.")}),
            )
            .await
        }
        Ok(false) => {
            beheer_view(
                &state,
                &user,
                &csrf,
                json!({"error": format!("token {id} bestaat niet of is al ingetrokken")}),
            )
            .await
        }
        Err(error) => failure(&state, Some(&user), error),
    }
}
