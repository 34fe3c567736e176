//! The digest for people who never sign in, as downloads for whoever reads the brief: the
//! monthly overview of new and growing knelpunten (`/knelpunten/maandoverzicht`) and a
//! meeting's decisions list for one programme (`/knelpunten/besluitenlijst`), both through the
//! brief's disclosure step. A `gemeente` account downloads published overviews only, as it
//! does briefs: a draft would differ between downloads, and two versions give away their
//! difference. The programme's list holds no figure of its own (only those of the latest
//! published brief), so it is there from the day of the meeting.

use crate::error::WebError;
use crate::extract::{BriefReaders, SignedIn};
use crate::render::{attachment, download};
use crate::time::requested_day;
use crate::WebState;
use anyhow::Context;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use knooppunt_reports::digest::monthly::{Month, MonthlyOverview};
use knooppunt_reports::digest::programme::ProgrammeDigest;
use knooppunt_reports::digest::{Digest, Document};
use knooppunt_reports::review::Role;
use serde::Deserialize;

/// The monthly overview and the programme decisions list, as downloads.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/knelpunten/maandoverzicht", get(monthly_download))
        .route("/knelpunten/besluitenlijst", get(programme_download))
}

#[derive(Deserialize)]
pub(crate) struct OverviewQuery {
    #[serde(rename = "maand")]
    month: Option<String>,
    #[serde(rename = "formaat")]
    format: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct ProgrammeQuery {
    #[serde(rename = "datum")]
    date: Option<String>,
    #[serde(rename = "programma")]
    programme: Option<String>,
    #[serde(rename = "formaat")]
    format: Option<String>,
}

fn refused(title: &'static str, text: impl Into<String>) -> WebError {
    WebError::refused(StatusCode::BAD_REQUEST, title, text.into())
}

/// `formaat=pdf` (headless Chromium, PDF/A), `md` or HTML.
async fn file(document: Document, format: Option<&str>) -> Result<Response, WebError> {
    if format == Some("pdf") {
        let dir = tempfile::tempdir().context("tijdelijke map")?;
        let path = dir.path().to_path_buf();
        let stem = document.stem.clone();
        let written = tokio::task::spawn_blocking(move || {
            knooppunt_reports::digest::write_files(&path, &document, true)
        })
        .await
        .context("PDF maken")??;
        let pdf = written.last().context("PDF maken")?;
        let bytes = std::fs::read(pdf).context("PDF lezen")?;
        return Ok(attachment(bytes, "application/pdf", &format!("{stem}.pdf")));
    }
    Ok(download(
        format,
        &document.stem,
        document.markdown,
        document.html,
    ))
}

/// The monthly overview of `maand` (default: last month).
pub(crate) async fn monthly_download(
    me: SignedIn<BriefReaders>,
    Query(query): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    let today = knooppunt_ingest::today_nl();
    let month = match crate::extract::filled(query.month.as_deref()) {
        None => Month::containing(today).previous(),
        Some(text) => text
            .parse::<Month>()
            // Only the field is named: what was typed is not echoed.
            .map_err(|_| refused("Ongeldige maand", "maand: schrijf haar als 2026-09."))?,
    };
    let mut overview = MonthlyOverview::gather(
        &me.state.store,
        &me.state.catalog,
        month,
        me.state.min_group_size,
        &me.state.wider_areas,
        today,
    )
    .await?;
    if me.user.role == Role::Municipality && !overview.published {
        return Err(WebError::refused(
            StatusCode::NOT_FOUND,
            "Nog niet gepubliceerd",
            format!(
                "maand: het maandoverzicht van {} is nog niet gepubliceerd.",
                overview.month_label
            ),
        ));
    }
    overview.templates_dir = me.state.templates_dir.clone();
    let format = crate::render::format_asked(query.format.as_deref(), &["md", "pdf"])?;
    file(overview.document()?, format).await
}

/// The decisions list of the meeting on `datum` for `programma`.
pub(crate) async fn programme_download(
    me: SignedIn<BriefReaders>,
    Query(query): Query<ProgrammeQuery>,
) -> Result<Response, WebError> {
    let on = requested_day(query.date.as_deref())?;
    let programme = crate::extract::filled(query.programme.as_deref())
        .ok_or_else(|| refused("Programma ontbreekt", "programma: kies een programma."))?;
    if programme.chars().count() > 200 {
        return Err(refused(
            "Ongeldig programma",
            "programma: hoogstens 200 tekens.",
        ));
    }
    // The list covers every wijk and quotes the overleg's notes: not for a member restricted
    // to some wijken.
    if me.user.role == Role::Reviewer && !me.user.sees_every_wijk() {
        return Err(WebError::refused(
            StatusCode::FORBIDDEN,
            "Geen toegang",
            "De besluitenlijst per programma gaat over alle wijken; een lid van het overleg \
             voor alle wijken kan hem downloaden.",
        ));
    }
    crate::knelpunten::known_programme(&me, Some(programme)).await?;
    let mut digest =
        ProgrammeDigest::gather(&me.state.store, &me.state.catalog, on, programme).await?;
    // The municipality reads a meeting's list once the meeting is recorded, not while it
    // is still going on.
    if me.user.role == Role::Municipality && !digest.meeting.recorded {
        return Err(WebError::refused(
            StatusCode::NOT_FOUND,
            "Nog niet vastgelegd",
            "datum: de vergadering van die dag is (nog) niet vastgelegd.",
        ));
    }
    digest.templates_dir = me.state.templates_dir.clone();
    let format = crate::render::format_asked(query.format.as_deref(), &["md", "pdf"])?;
    file(digest.document()?, format).await
}
