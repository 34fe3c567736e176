//! The meeting's decisions list (besluitenlijst): the page with its downloads (HTML,
//! Markdown, PDF), and the chair's form that records the meeting with its attendees and action
//! points. Attendees are the professionals at the table: a name and a role, no contact
//! details; an action point names no resident.

use crate::agenda::DateQuery;
use crate::error::WebError;
use crate::extract::{CsrfForm, Reviewers, SignedIn};
use crate::flash;
use crate::render::{attachment, download, with_status};
use crate::time::{parse_day, requested_day};
use crate::WebState;
use anyhow::Context;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDate;
use knooppunt_domain::envelope::partition_key;
use knooppunt_domain::scrub::{scrub, PiiKind};
use knooppunt_reports::minutes::{self, Minutes, ROLE_NEEDED};
use knooppunt_store::{ActionPoint, Attendee, MeetingRecord};
use serde::{Deserialize, Serialize};

/// The meeting's decisions list and its export.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route(
            "/agenda/besluitenlijst",
            get(minutes_page).post(record_minutes),
        )
        .route("/agenda/besluitenlijst/export", get(minutes_export))
}

/// At most this many attendees and action points in one list.
const MAX_ROWS: usize = 40;
/// Blank rows the form offers at least.
const ATTENDEE_ROWS: usize = 8;
const ACTION_ROWS: usize = 4;
const MAX_WHAT: usize = 300;

/// What the chair posts: the meeting's day, then its rows by position (a blank row is
/// skipped).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct MinutesForm {
    #[serde(rename = "datum")]
    pub date: String,
    #[serde(rename = "naam")]
    pub names: Vec<String>,
    #[serde(rename = "rol")]
    pub roles: Vec<String>,
    #[serde(rename = "actie")]
    pub actions: Vec<String>,
    #[serde(rename = "eigenaar")]
    pub owners: Vec<String>,
    #[serde(rename = "uiterlijk")]
    pub due: Vec<String>,
}

/// A form field's error, tied to its input.
#[derive(Serialize, Clone)]
struct FieldError {
    /// The error's own id (for `aria-describedby`) and the input it is about.
    id: String,
    input: String,
    text: String,
}

#[derive(Serialize)]
struct AttendeeRow {
    index: usize,
    number: usize,
    name: String,
    role: String,
    name_error: Option<FieldError>,
    role_error: Option<FieldError>,
}

#[derive(Serialize)]
struct ActionRow {
    index: usize,
    number: usize,
    what: String,
    owner: String,
    due: String,
    what_error: Option<FieldError>,
    owner_error: Option<FieldError>,
    due_error: Option<FieldError>,
}

#[derive(Serialize)]
struct MinutesPage<'a> {
    minutes: &'a Minutes,
    flash: Option<String>,
    attendee_rows: Vec<AttendeeRow>,
    action_rows: Vec<ActionRow>,
    errors: Vec<FieldError>,
    /// Whether this member may record the meeting: a member for some wijken only may not,
    /// since the list covers the whole meeting.
    can_record: bool,
}

fn error(input: String, text: String) -> FieldError {
    FieldError {
        id: format!("fout-{input}"),
        input,
        text,
    }
}

fn cell(values: &[String], index: usize) -> String {
    values.get(index).map_or("", |v| v.trim()).to_string()
}

/// A name or role, checked as the decisions list wants it; the Dutch error, if any.
fn check_label(value: &str, what: &str) -> Option<String> {
    minutes::check_label(value, what).err()
}

/// [`check_label`] for a field that must be filled in: "`what`: `missing`" when it is empty.
fn required_label(value: &str, what: &str, missing: &str) -> Option<String> {
    if value.is_empty() {
        Some(format!("{what}: {missing}"))
    } else {
        check_label(value, what)
    }
}

/// A due date, `dd-mm-jjjj` (or `jjjj-mm-dd`), on or after the meeting.
fn due_date(text: &str, meeting: NaiveDate) -> Result<NaiveDate, String> {
    let day = parse_day(Some(text))
        .map_err(|e| e.replacen("datum:", "uiterlijk:", 1))
        .and_then(|day| {
            (!text.trim().is_empty())
                .then_some(day)
                .ok_or_else(|| "uiterlijk: geen geldige datum (dd-mm-jjjj)".to_string())
        })?;
    if day < meeting {
        return Err("uiterlijk: kies een datum op of na de vergadering".into());
    }
    Ok(day)
}

/// The attendees and action points posted, or every error tied to its field. The rows come
/// back either way, so a refused form keeps what was typed.
fn read_form(
    form: &MinutesForm,
    meeting: NaiveDate,
) -> (
    MeetingRecord,
    Vec<AttendeeRow>,
    Vec<ActionRow>,
    Vec<FieldError>,
) {
    let mut record = MeetingRecord::default();
    let mut errors = Vec::new();
    let mut attendee_rows = read_attendees(form, &mut record, &mut errors);
    // A decisions list says who decided: a meeting is recorded with at least one attendee.
    if attendee_rows.is_empty() {
        let missing = error(
            "naam-0".into(),
            "aanwezigen: vul ten minste één aanwezige in, met naam en rol of organisatie".into(),
        );
        errors.insert(0, missing.clone());
        attendee_rows.push(AttendeeRow {
            index: 0,
            number: 1,
            name: String::new(),
            role: String::new(),
            name_error: Some(missing),
            role_error: None,
        });
    }
    let mut action_rows = read_actions(form, meeting, &mut record, &mut errors);
    for (posted, field, what) in [
        (cap(&mut attendee_rows, &mut errors), "naam-0", "aanwezigen"),
        (cap(&mut action_rows, &mut errors), "actie-0", "actiepunten"),
    ] {
        if posted > MAX_ROWS {
            errors.push(error(
                field.into(),
                format!(
                    "{what}: hoogstens {MAX_ROWS}; het formulier had er {posted}, hieronder \
                     staan de eerste {MAX_ROWS}"
                ),
            ));
        }
    }
    (record, attendee_rows, action_rows, errors)
}

/// Keeps the first [`MAX_ROWS`] rows and their errors (an error's input ends in its row's
/// place, `naam-41`), so a refused form of thousands of rows
/// does not come back whole; the number of rows posted.
fn cap<R>(rows: &mut Vec<R>, errors: &mut Vec<FieldError>) -> usize {
    let posted = rows.len();
    if posted > MAX_ROWS {
        rows.truncate(MAX_ROWS);
        errors.retain(|e| {
            let position = e
                .input
                .rsplit('-')
                .next()
                .and_then(|n| n.parse::<usize>().ok());
            position.is_none_or(|p| p < MAX_ROWS)
        });
    }
    posted
}
/// The action-point rows posted; the valid ones go into `record`, the errors into `errors`.
fn read_actions(
    form: &MinutesForm,
    meeting: NaiveDate,
    record: &mut MeetingRecord,
    errors: &mut Vec<FieldError>,
) -> Vec<ActionRow> {
    let mut action_rows = Vec::new();
    let rows = form
        .actions
        .len()
        .max(form.owners.len())
        .max(form.due.len());
    for index in 0..rows {
        let (what, owner, due) = (
            cell(&form.actions, index),
            cell(&form.owners, index),
            cell(&form.due, index),
        );
        if what.is_empty() && owner.is_empty() && due.is_empty() {
            continue;
        }
        let number = action_rows.len() + 1;
        let position = action_rows.len();
        let prefix = format!("actiepunt {number}");
        let what_error =
            action_error(&prefix, &what).map(|text| error(format!("actie-{position}"), text));
        let owner_error =
            required_label(&owner, &format!("{prefix}, wie"), "vul in wie het oppakt")
                .map(|text| error(format!("eigenaar-{position}"), text));
        let due_day = if due.is_empty() {
            Err("uiterlijk: vul een datum in (dd-mm-jjjj)".to_string())
        } else {
            due_date(&due, meeting)
        };
        let due_error = due_day
            .as_ref()
            .err()
            .map(|text| error(format!("uiterlijk-{position}"), format!("{prefix}, {text}")));
        errors.extend(
            what_error
                .iter()
                .chain(owner_error.iter())
                .chain(due_error.iter())
                .cloned(),
        );
        if let (None, None, Ok(due_on)) = (&what_error, &owner_error, due_day) {
            record.action_points.push(ActionPoint {
                what: what.clone(),
                owner: owner.clone(),
                due_on,
            });
        }
        action_rows.push(ActionRow {
            index: position,
            number,
            what,
            owner,
            due,
            what_error,
            owner_error,
            due_error,
        });
    }
    action_rows
}

/// What is wrong with an action point's text, if anything: empty, too long or holding
/// personal data.
fn action_error(prefix: &str, what: &str) -> Option<String> {
    if what.is_empty() {
        Some(format!("{prefix}, actie: beschrijf wat er moet gebeuren"))
    } else if what.chars().count() > MAX_WHAT {
        Some(format!("{prefix}, actie: hoogstens {MAX_WHAT} tekens"))
    } else {
        let found = scrub(what).found;
        (!found.is_empty()).then(|| {
            let kinds: Vec<&str> = found.into_iter().map(PiiKind::as_str).collect();
            format!(
                "{prefix}, actie: bevat persoonsgegevens ({}); beschrijf de actie zonder namen of gegevens van inwoners",
                kinds.join(", ")
            )
        })
    }
}

/// The attendee rows posted; the valid ones go into `record`, the errors into `errors`.
fn read_attendees(
    form: &MinutesForm,
    record: &mut MeetingRecord,
    errors: &mut Vec<FieldError>,
) -> Vec<AttendeeRow> {
    let mut attendee_rows = Vec::new();
    for index in 0..form.names.len().max(form.roles.len()) {
        let (name, role) = (cell(&form.names, index), cell(&form.roles, index));
        if name.is_empty() && role.is_empty() {
            continue;
        }
        let number = attendee_rows.len() + 1;
        let position = attendee_rows.len();
        let name_error = required_label(
            &name,
            &format!("aanwezige {number}, naam"),
            "vul een naam in",
        )
        .map(|text| error(format!("naam-{position}"), text));
        let role_error = required_label(&role, &format!("aanwezige {number}, rol"), ROLE_NEEDED)
            .map(|text| error(format!("rol-{position}"), text));
        errors.extend(name_error.iter().chain(role_error.iter()).cloned());
        if name_error.is_none() && role_error.is_none() {
            record.attendees.push(Attendee {
                name: name.clone(),
                role: role.clone(),
            });
        }
        attendee_rows.push(AttendeeRow {
            index: position,
            number,
            name,
            role,
            name_error,
            role_error,
        });
    }
    attendee_rows
}

/// The form's rows for what is recorded, with blank rows to add more.
fn rows_of(minutes: &Minutes) -> (Vec<AttendeeRow>, Vec<ActionRow>) {
    let attendees = minutes
        .attendees
        .iter()
        .map(|a| (a.name.clone(), a.role.clone()))
        .collect();
    let actions = minutes
        .action_points
        .iter()
        .map(|p| (p.what.clone(), p.owner.clone(), p.due_label.clone()))
        .collect();
    padded(attendees, actions)
}

fn padded(
    attendees: Vec<(String, String)>,
    actions: Vec<(String, String, String)>,
) -> (Vec<AttendeeRow>, Vec<ActionRow>) {
    let attendee_count = (attendees.len() + 2).max(ATTENDEE_ROWS);
    let action_count = (actions.len() + 2).max(ACTION_ROWS);
    let mut attendees = attendees.into_iter();
    let mut actions = actions.into_iter();
    let attendee_rows = (0..attendee_count)
        .map(|index| {
            let (name, role) = attendees.next().unwrap_or_default();
            AttendeeRow {
                index,
                number: index + 1,
                name,
                role,
                name_error: None,
                role_error: None,
            }
        })
        .collect();
    let action_rows = (0..action_count)
        .map(|index| {
            let (what, owner, due) = actions.next().unwrap_or_default();
            ActionRow {
                index,
                number: index + 1,
                what,
                owner,
                due,
                what_error: None,
                owner_error: None,
                due_error: None,
            }
        })
        .collect();
    (attendee_rows, action_rows)
}

/// The decisions list, restricted to the areas of an overleg member.
async fn minutes_for(me: &SignedIn<Reviewers>, on: NaiveDate) -> anyhow::Result<Minutes> {
    let mut minutes = Minutes::gather(&me.state.store, &me.state.catalog, on).await?;
    minutes.templates_dir = me.state.templates_dir.clone();
    let user = &me.user;
    minutes.retain_decisions(|decision| user.covers_area(&partition_key(&decision.area)));
    minutes.retain_corrections(|area| user.covers_area(&partition_key(area)));
    Ok(minutes)
}

fn show(
    me: &SignedIn<Reviewers>,
    minutes: &Minutes,
    page: MinutesPage<'_>,
) -> Result<Response, WebError> {
    let title = format!("Besluitenlijst {}", minutes.meeting.meeting_label);
    me.page("besluitenlijst", &title, &page)
}

pub(crate) async fn minutes_page(
    me: SignedIn<Reviewers>,
    jar: CookieJar,
    Query(query): Query<DateQuery>,
) -> Result<Response, WebError> {
    let on = requested_day(query.date.as_deref())?;
    let (jar, flash) = flash::take(jar);
    let minutes = minutes_for(&me, on).await?;
    let (attendee_rows, action_rows) = rows_of(&minutes);
    let page = MinutesPage {
        minutes: &minutes,
        flash,
        attendee_rows,
        action_rows,
        errors: Vec::new(),
        can_record: me.user.sees_every_wijk(),
    };
    Ok((jar, show(&me, &minutes, page)?).into_response())
}

/// Records the meeting with its attendees and action points (replacing an earlier list for
/// the same day), or shows the form again with every error at its field.
pub(crate) async fn record_minutes(
    me: SignedIn<Reviewers>,
    CsrfForm(form): CsrfForm<MinutesForm>,
) -> Result<Response, WebError> {
    if !me.user.sees_every_wijk() {
        tracing::warn!("Recording a meeting refused: a member for some wijken only");
        return Err(WebError::refused(
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "De besluitenlijst geldt voor de hele vergadering: de voorzitter of een lid voor \
             alle wijken legt haar vast.",
        ));
    }
    let on = requested_day(Some(&form.date))?;
    // A meeting is recorded on its day or after it: recorded ahead, it could never be undone
    // and would end the agendas of the days before it.
    if on > knooppunt_ingest::today_nl() {
        return Err(WebError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Vergadering nog niet gehouden",
            "datum: een vergadering wordt vastgelegd op de dag zelf of daarna, niet vooraf.",
        ));
    }
    let (record, attendee_rows, action_rows, errors) = read_form(&form, on);
    if !errors.is_empty() {
        let minutes = minutes_for(&me, on).await?;
        let (mut blank_attendees, mut blank_actions) = padded(Vec::new(), Vec::new());
        blank_attendees.drain(..attendee_rows.len().min(blank_attendees.len()));
        blank_actions.drain(..action_rows.len().min(blank_actions.len()));
        let page = MinutesPage {
            minutes: &minutes,
            flash: None,
            attendee_rows: renumber(attendee_rows, blank_attendees, |r, i| {
                r.index = i;
                r.number = i + 1;
            }),
            action_rows: renumber(action_rows, blank_actions, |r, i| {
                r.index = i;
                r.number = i + 1;
            }),
            errors,
            can_record: true,
        };
        return with_status(StatusCode::UNPROCESSABLE_ENTITY, show(&me, &minutes, page));
    }
    me.state
        .store
        .record_meeting(on, &me.user.name, &record)
        .await?;
    tracing::info!(
        attendees = record.attendees.len(),
        action_points = record.action_points.len(),
        "Meeting recorded with its decisions list"
    );
    let code = format!(
        "besluitenlijst:{}:{}",
        record.attendees.len(),
        record.action_points.len()
    );
    let to = format!("/agenda/besluitenlijst?datum={on}#melding");
    Ok(flash::redirect(&code, &to, me.state.secure_cookies))
}

/// `filled` then `blank`, numbered in order.
fn renumber<T>(filled: Vec<T>, blank: Vec<T>, set: impl Fn(&mut T, usize)) -> Vec<T> {
    let mut rows: Vec<T> = filled.into_iter().chain(blank).collect();
    for (index, row) in rows.iter_mut().enumerate() {
        set(row, index);
    }
    rows
}

/// The decisions list as a file: `formaat=md`, `pdf` or HTML.
pub(crate) async fn minutes_export(
    me: SignedIn<Reviewers>,
    Query(query): Query<DateQuery>,
) -> Result<Response, WebError> {
    let on = requested_day(query.date.as_deref())?;
    let format = crate::render::format_asked(query.format.as_deref(), &["md", "pdf"])?;
    let minutes = minutes_for(&me, on).await?;
    let stem = minutes.file_stem();
    if format == Some("pdf") {
        let dir = tempfile::tempdir().context("tijdelijke map")?;
        let path = dir.path().to_path_buf();
        let pdf = tokio::task::spawn_blocking(move || minutes.write_pdf(&path))
            .await
            .context("PDF maken")??;
        let bytes = std::fs::read(pdf).context("PDF lezen")?;
        return Ok(attachment(bytes, "application/pdf", &format!("{stem}.pdf")));
    }
    let (markdown, html) = minutes.render()?;
    Ok(download(format, &stem, markdown, html))
}
