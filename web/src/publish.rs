//! Vaststellen: the signaleringsoverleg publishes the quarter's brief and the month's overview
//! from the knelpunten page, so the municipality gets them without anyone at a command line.
//! Publishing freezes the figures (later outputs are audited together with them); a published
//! brief changes only by a rectificatie. Only an overleg member who sees every wijk publishes:
//! both documents cover all of them.

use crate::error::WebError;
use crate::extract::{Confirm, CsrfForm, Reviewers, SignedIn};
use crate::{flash, WebState};
use async_trait::async_trait;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use knooppunt_reports::accuracy::Recognition;
use knooppunt_reports::compose::Edition;
use knooppunt_reports::digest::monthly::{month_label, Month, MonthlyOverview};
use knooppunt_reports::{Brief, Quarter};

/// Recognition measured for a brief about to be published. The website cannot measure it
/// itself: the binary reads the project's labelled notes and cross-validates the model.
#[async_trait]
pub trait MeasureRecognition: Send + Sync {
    async fn measure(&self, quarter: Quarter) -> anyhow::Result<Recognition>;
}

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/brief/{kwartaal}/vaststellen", post(publish_brief))
        .route(
            "/knelpunten/maandoverzicht/{maand}/vaststellen",
            post(publish_overview),
        )
}

/// Flash codes of this room and their Dutch messages.
pub(crate) fn message(code: &str, period: &str) -> Option<String> {
    match code {
        "brief" => {
            let label = period.parse::<Quarter>().ok()?.dutch_label();
            Some(format!(
                "De kwartaalbrief van het {label} is vastgesteld. De gemeente kan hem nu \
                 downloaden; de cijfers liggen vast."
            ))
        }
        "maandoverzicht" => {
            let label = month_label(period.parse::<Month>().ok()?);
            Some(format!(
                "Het maandoverzicht van {label} is vastgesteld. De gemeente kan het nu \
                 downloaden."
            ))
        }
        _ => None,
    }
}

/// Whether this member may publish: an overleg member who sees every wijk.
fn may_publish(me: &SignedIn<Reviewers>) -> Result<(), WebError> {
    if me.user.sees_every_wijk() {
        return Ok(());
    }
    Err(WebError::refused(
        StatusCode::FORBIDDEN,
        "Geen toegang",
        "Vaststellen kan alleen een lid van het overleg dat alle wijken ziet: de brief en het \
         maandoverzicht gaan over alle wijken.",
    ))
}

fn conflict(title: &'static str, text: String) -> WebError {
    WebError::refused(StatusCode::CONFLICT, title, text)
}

fn brief_published(quarter: Quarter) -> WebError {
    conflict(
        "Al vastgesteld",
        format!(
            "kwartaal: de brief van het {} is al vastgesteld. Een vastgestelde brief verandert \
             alleen met een rectificatie.",
            quarter.dutch_label()
        ),
    )
}

fn overview_published(month: Month) -> WebError {
    conflict(
        "Al vastgesteld",
        format!(
            "maand: het maandoverzicht van {} is al vastgesteld en blijft zoals het is.",
            month_label(month)
        ),
    )
}

/// A failed publication: refused as published when another one won meanwhile (another
/// server of the same database; on this one the lock lets clicks wait their turn).
fn lost(error: anyhow::Error, published: impl FnOnce() -> WebError) -> WebError {
    if error
        .downcast_ref::<knooppunt_reports::snapshot::AlreadyPublished>()
        .is_some()
    {
        published()
    } else {
        error.into()
    }
}

/// How a period to publish is named in refusals.
struct Period {
    field: &'static str,
    invalid: &'static str,
    example: &'static str,
    running: &'static str,
}

const QUARTER: Period = Period {
    field: "kwartaal",
    invalid: "Ongeldig kwartaal",
    example: "schrijf het als 2026Q3",
    running: "Kwartaal nog niet voorbij",
};

const MONTH: Period = Period {
    field: "maand",
    invalid: "Ongeldige maand",
    example: "schrijf haar als 2026-09",
    running: "Maand nog niet voorbij",
};

/// The period named in the path, once `me` may publish (see [`may_publish`]) and it has ended
/// (`end`: its first day after).
fn publishable<P: std::str::FromStr + Copy>(
    me: &SignedIn<Reviewers>,
    text: &str,
    kind: &Period,
    end: fn(P) -> chrono::NaiveDate,
    label: &dyn Fn(P) -> String,
) -> Result<P, WebError> {
    may_publish(me)?;
    let Period {
        field,
        invalid,
        example,
        running,
    } = kind;
    let period: P = text.parse().map_err(|_| {
        WebError::refused(
            StatusCode::BAD_REQUEST,
            invalid,
            format!("{field}: {example}."),
        )
    })?;
    if knooppunt_ingest::today_nl() < end(period) {
        return Err(conflict(
            running,
            format!(
                "{field}: {} is nog niet voorbij; vaststellen kan vanaf de eerste dag daarna.",
                label(period)
            ),
        ));
    }
    Ok(period)
}

/// Once `write` (the publication's store write) is done, back to the knelpunten page with the
/// confirmation of `kind` for `period`; refused as `already` (published) when another
/// publication won meanwhile.
async fn published(
    me: &SignedIn<Reviewers>,
    kind: &str,
    period: impl std::fmt::Display,
    write: impl std::future::Future<Output = anyhow::Result<()>>,
    already: impl FnOnce() -> WebError,
) -> Result<Response, WebError> {
    write.await.map_err(|e| lost(e, already))?;
    tracing::info!(%period, kind, "vastgesteld op de website");
    Ok(flash::redirect(
        &format!("vastgesteld:{kind}:{period}"),
        "/knelpunten",
        me.state.secure_cookies,
    ))
}

/// `POST /brief/{kwartaal}/vaststellen`: publishes the whole brief of an ended quarter.
pub(crate) async fn publish_brief(
    me: SignedIn<Reviewers>,
    Path(quarter): Path<String>,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let quarter: Quarter = publishable(&me, &quarter, &QUARTER, Quarter::end, &|q: Quarter| {
        format!("het {}", q.dutch_label())
    })?;
    let state = &me.state;
    let _publishing = state.publishing.lock().await;
    let mut brief = Brief::gather_edition(
        &state.store,
        &state.catalog,
        (quarter, None),
        state.min_group_size,
        &state.wider_areas,
        knooppunt_ingest::today_nl(),
        Edition::Current,
    )
    .await?;
    if brief.published {
        return Err(brief_published(quarter));
    }
    let measure = state.recognition.as_ref().ok_or_else(|| {
        anyhow::anyhow!("geen herkenningsmeting ingesteld voor het vaststellen van de brief")
    })?;
    if !brief.recognition_frozen {
        brief.apply_recognition(&measure.measure(quarter).await?);
    }
    brief.templates_dir = state.templates_dir.clone();
    brief.cover = state.cover.clone();
    let write = brief.publish(&state.store, &me.user.name);
    let already = || brief_published(quarter);
    published(&me, "brief", quarter, write, already).await
}

/// `POST /knelpunten/maandoverzicht/{maand}/vaststellen`: publishes an ended month's overview.
pub(crate) async fn publish_overview(
    me: SignedIn<Reviewers>,
    Path(month): Path<String>,
    CsrfForm(_): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    let month: Month = publishable(&me, &month, &MONTH, Month::end, &month_label)?;
    let state = &me.state;
    let _publishing = state.publishing.lock().await;
    let mut overview = MonthlyOverview::gather(
        &state.store,
        &state.catalog,
        month,
        state.min_group_size,
        &state.wider_areas,
        knooppunt_ingest::today_nl(),
    )
    .await?;
    if overview.published {
        return Err(overview_published(month));
    }
    overview.templates_dir = state.templates_dir.clone();
    let write = overview.publish(&state.store, &me.user.name);
    let already = || overview_published(month);
    published(&me, "maandoverzicht", month, write, already).await
}
