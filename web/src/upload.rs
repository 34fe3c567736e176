//! A team's file of signals, uploaded as the team (`/signalen/importeren`): the CSV Dutch Excel
//! writes, read as `knooppunt import` reads it (encoding, `;`, Dutch column names), every line
//! checked on its own. The page says what became of each line, by its number and the column
//! as the file names it; good lines go on while bad ones are refused. A line of another team
//! is refused, and the `bron` column may be left out.

use crate::error::WebError;
use crate::extract::{CsrfUpload, SignedIn, Submitters};
use crate::render::with_status;
use crate::WebState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use knooppunt_domain::csv_import::parse_team_csv_file;
use knooppunt_domain::envelope::Channel;
use knooppunt_ingest::import::{ImportSummary, Importer, LineProblem, ReadRows};
use serde::Serialize;

/// The largest file taken: some ten thousand signals.
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

/// Room in the request for the form around the file (its token, the part headers).
const FORM_ROOM: usize = 64 * 1024;

/// The refusal of a file over [`UPLOAD_LIMIT`], or of a request too large to hold one.
pub(crate) fn too_large() -> WebError {
    WebError::refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Bestand te groot",
        format!(
            "Het bestand is groter dan {} MB. Er is niets ingelezen; splits het in delen en \
             stuur die een voor een.",
            UPLOAD_LIMIT / (1024 * 1024)
        ),
    )
}

/// Lines listed per kind of problem; the rest are counted.
const LISTED: usize = 200;

const TITLE: &str = "Bestand importeren";

pub(crate) fn routes() -> Router<WebState> {
    Router::new().route(
        "/signalen/importeren",
        get(upload_page)
            .post(upload)
            .layer(DefaultBodyLimit::max(UPLOAD_LIMIT + FORM_ROOM)),
    )
}

/// A refused or failed line as the page lists it.
#[derive(Serialize)]
struct Line {
    line: u64,
    reason: String,
}

/// What became of an uploaded file.
#[derive(Serialize)]
struct Outcome {
    /// "Gelezen als Windows-1252: 3 signalen ontvangen, 1 regel geweigerd."
    headline: String,
    /// Nothing refused and nothing failed.
    complete: bool,
    refused_lines: Vec<Line>,
    failed_lines: Vec<Line>,
    /// The problems beyond the [`LISTED`] shown, counted ("En nog 3 regels met een
    /// probleem, niet opgesomd."); empty when all are listed.
    unlisted: String,
}

impl Outcome {
    fn of(summary: ImportSummary) -> Self {
        let listed = |problems: &[LineProblem]| -> Vec<Line> {
            problems
                .iter()
                .take(LISTED)
                .map(|p| Line {
                    line: p.line,
                    reason: p.reason.clone(),
                })
                .collect()
        };
        let unlisted = match summary.refused.len().saturating_sub(LISTED)
            + summary.failed.len().saturating_sub(LISTED)
        {
            0 => String::new(),
            1 => "En nog 1 regel met een probleem, niet opgesomd.".into(),
            more => format!("En nog {more} regels met een probleem, niet opgesomd."),
        };
        Self {
            headline: headline(&summary),
            complete: summary.is_complete(),
            refused_lines: listed(&summary.refused),
            failed_lines: listed(&summary.failed),
            unlisted,
        }
    }
}

/// The outcome in one sentence, in Dutch, singular where it is one.
fn headline(summary: &ImportSummary) -> String {
    let count =
        |n: usize, one: &str, more: &str| format!("{n} {}", if n == 1 { one } else { more });
    let mut parts = vec![format!(
        "{} ontvangen",
        count(summary.accepted, "signaal", "signalen")
    )];
    if !summary.refused.is_empty() {
        let lines = count(summary.refused.len(), "regel", "regels");
        parts.push(format!("{lines} geweigerd"));
    }
    if !summary.failed.is_empty() {
        let lines = count(summary.failed.len(), "regel", "regels");
        parts.push(format!("{lines} nu niet doorgegeven"));
    }
    let encoding = summary.encoding.as_deref().unwrap_or("UTF-8");
    format!("Gelezen als {encoding}: {}.", parts.join(", "))
}

#[derive(Serialize)]
struct UploadPage {
    /// The team as the page shows it: its name in the register, else its code.
    source: String,
    limit_mb: usize,
    /// Why the file as a whole could not be read ("de kopregel mist verplichte kolommen: wijk").
    error: Option<String>,
    outcome: Option<Outcome>,
}

impl UploadPage {
    fn new(source: &str) -> Self {
        Self {
            source: knooppunt_domain::register::active().source_name(source),
            limit_mb: UPLOAD_LIMIT / (1024 * 1024),
            error: None,
            outcome: None,
        }
    }
}

pub(crate) async fn upload_page(me: SignedIn<Submitters>) -> Result<Response, WebError> {
    me.page("importeren", TITLE, &UploadPage::new(&me.user.source))
}

pub(crate) async fn upload(
    me: SignedIn<Submitters>,
    CsrfUpload { bytes }: CsrfUpload,
) -> Result<Response, WebError> {
    let team = me.user.source.clone();
    let mut page = UploadPage::new(&team);
    let refuse = |mut page: UploadPage, error: String| {
        page.error = Some(error);
        let shown = me.page("importeren", TITLE, &page);
        with_status(StatusCode::UNPROCESSABLE_ENTITY, shown)
    };
    if bytes.is_empty() {
        return refuse(page, "kies eerst een bestand (CSV)".into());
    }
    if bytes.len() > UPLOAD_LIMIT {
        return Err(too_large());
    }
    let file = match parse_team_csv_file(&bytes, knooppunt_ingest::today_nl(), &team) {
        Ok(file) if file.rows.is_empty() => {
            return refuse(
                page,
                "het bestand heeft alleen een kopregel, geen signalen".into(),
            )
        }
        Ok(file) => file,
        Err(error) => return refuse(page, error.to_string()),
    };
    let importer = Importer {
        publisher: me.state.publisher.as_ref(),
        stored: me.state.stored.as_deref(),
        team: Some(&team),
        progress: &|_| {},
    };
    let summary = importer
        .import(ReadRows {
            rows: file.rows,
            columns: file.columns,
            encoding: Some(file.encoding.to_string()),
            channel: Channel::Csv,
        })
        .await;
    let status = if !summary.failed.is_empty() {
        StatusCode::SERVICE_UNAVAILABLE
    } else if summary.accepted == 0 && !summary.refused.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.outcome = Some(Outcome::of(summary));
    with_status(status, me.page("importeren", TITLE, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(accepted: usize, refused: usize, failed: usize) -> ImportSummary {
        let lines = |n: usize| {
            (0..n)
                .map(|i| LineProblem {
                    line: i as u64 + 2,
                    reason: "wijk: onbekend".into(),
                })
                .collect()
        };
        ImportSummary {
            encoding: Some("Windows-1252".into()),
            accepted,
            refused: lines(refused),
            failed: lines(failed),
        }
    }

    #[test]
    fn the_headline_counts_in_dutch() {
        assert_eq!(
            headline(&summary(1, 0, 0)),
            "Gelezen als Windows-1252: 1 signaal ontvangen."
        );
        assert_eq!(
            headline(&summary(3, 1, 2)),
            "Gelezen als Windows-1252: 3 signalen ontvangen, 1 regel geweigerd, 2 regels nu \
             niet doorgegeven."
        );
    }

    #[test]
    fn long_lists_are_cut_and_counted() {
        let outcome = Outcome::of(summary(0, LISTED + 3, 1));
        assert_eq!(outcome.refused_lines.len(), LISTED);
        assert_eq!(outcome.failed_lines.len(), 1);
        assert_eq!(
            outcome.unlisted,
            "En nog 3 regels met een probleem, niet opgesomd."
        );
        assert!(!outcome.complete);
    }
}
