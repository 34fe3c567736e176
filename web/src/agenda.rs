//! The overleg's meeting: the agenda of a day (computed when looked at), its export as Markdown
//! or HTML, and recording that the meeting took place.

use crate::error::WebError;
use crate::extract::{CsrfForm, Reviewers, SignedIn};
use crate::render::download;
use crate::time::requested_day;
use crate::WebState;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDate;
use knooppunt_domain::envelope::partition_key;
use knooppunt_reports::agenda::Agenda;
use knooppunt_reports::review_store;
use serde::{Deserialize, Serialize};

/// The overleg's meeting: its agenda, export and record.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/agenda", get(agenda_page))
        .route("/agenda/export", get(agenda_export))
        .route("/agenda/vergadering", post(record_meeting))
}

/// The day of the meeting and, for an export, the file's format (`md`, `pdf` or HTML).
#[derive(Deserialize)]
pub(crate) struct DateQuery {
    #[serde(rename = "datum")]
    pub(crate) date: Option<String>,
    #[serde(rename = "formaat")]
    pub(crate) format: Option<String>,
}

/// The agenda, restricted to the areas of an overleg member.
async fn agenda_for(me: &SignedIn<Reviewers>, on: NaiveDate) -> anyhow::Result<Agenda> {
    let mut agenda = Agenda::gather(&me.state.store, &me.state.catalog, on, None).await?;
    agenda.templates_dir = me.state.templates_dir.clone();
    // A member restricted to some wijken sees only their items and the decisions on them; a
    // cluster without a wijk (grouped per organisation) is nobody's wijk, so only members of
    // every wijk see it — as on the cluster pages.
    let user = &me.user;
    agenda
        .items
        .retain(|item| user.covers_area(&partition_key(&item.area)));
    agenda
        .decisions
        .retain(|decision| user.covers_area(&partition_key(&decision.area)));
    Ok(agenda)
}

#[derive(Serialize)]
struct AgendaPage<'a> {
    agenda: &'a Agenda,
    count: usize,
    one: bool,
    flash: Option<crate::label_history::Notice>,
    recorded: bool,
}

pub(crate) async fn agenda_page(
    me: SignedIn<Reviewers>,
    jar: CookieJar,
    Query(query): Query<DateQuery>,
) -> Result<Response, WebError> {
    let today = knooppunt_ingest::today_nl();
    // Without a date: the next recorded meeting, else today.
    let on = match crate::extract::filled(query.date.as_deref()) {
        Some(text) => requested_day(Some(text))?,
        None => review_store::landing_meeting(&me.state.store, today).await?,
    };
    // After a correction that emptied its cluster, the message comes here.
    let (jar, flash) = crate::label_history::take_flash(&me, jar).await?;
    let recorded = me.state.store.meeting_recorded(on).await?;
    let agenda = agenda_for(&me, on).await?;
    let data = AgendaPage {
        agenda: &agenda,
        count: agenda.items.len(),
        one: agenda.items.len() == 1,
        flash,
        recorded,
    };
    let title = format!("Vergadering {}", crate::time::day(on));
    Ok((jar, me.page("agenda", &title, &data)?).into_response())
}

/// Records that the overleg met on a day, with who attended: the decisions list's form (a
/// meeting without attendees is refused there, at its field, and what was typed stays).
pub(crate) async fn record_meeting(
    me: SignedIn<Reviewers>,
    form: CsrfForm<crate::minutes::MinutesForm>,
) -> Result<Response, WebError> {
    crate::minutes::record_minutes(me, form).await
}

pub(crate) async fn agenda_export(
    me: SignedIn<Reviewers>,
    Query(query): Query<DateQuery>,
) -> Result<Response, WebError> {
    let on = requested_day(query.date.as_deref())?;
    let format = crate::render::format_asked(query.format.as_deref(), &["md"])?;
    let (markdown, html) = agenda_for(&me, on).await?.render()?;
    Ok(download(format, &format!("agenda-{on}"), markdown, html))
}
