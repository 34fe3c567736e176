//! What the municipality reads: the confirmed knelpunten (figures only, as published, never
//! signal text) and the quarterly brief to download.

use crate::error::WebError;
use crate::extract::{BriefReaders, KnelpuntReaders, SignedIn};
use crate::render::{attachment, download};
use crate::WebState;
use anyhow::Context;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_domain::review::assigned;
use knooppunt_reports::compose::Edition;
use knooppunt_reports::digest::monthly::Month;
use knooppunt_reports::review::{Role, State as ReviewState};
use knooppunt_reports::review_store;
use knooppunt_reports::{Brief, Quarter};
use serde::{Deserialize, Serialize};

/// What the municipality reads: the knelpunten and the brief.
pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/knelpunten", get(knelpunten))
        .route("/brief", get(brief_download))
}

/// One knelpunt (barrier) as the table shows it.
#[derive(Serialize)]
struct Row {
    title: String,
    signals: String,
    /// The count corrected for recognition, as frozen with the published brief ("9–12").
    range: Option<String>,
    areas: String,
    state: String,
    owner: Option<String>,
    programme: Option<String>,
}

#[derive(Serialize)]
struct KnelpuntenPage {
    rows: Vec<Row>,
    published: Option<String>,
    /// "3e kwartaal 2026": what a reader sees of `published`.
    published_label: Option<String>,
    /// The count column's name, in the table's head and on each card on a phone:
    /// "Signalen (3e kwartaal 2026)", or "Signalen" before a brief is published.
    signals_heading: String,
    quarter: String,
    quarter_label: String,
    /// Whether the brief of `quarter` can be opened here: published, or a draft the overleg
    /// reads (the municipality reads published briefs only).
    quarter_readable: bool,
    /// The published briefs, newest quarter first, each with all its versions.
    editions: Vec<PublishedBrief>,
    /// The month the overview form offers first: last month (`2026-10`), for the municipality
    /// the latest published one.
    month: String,
    /// The meeting the decisions-list form offers first (`2026-09-30`), if one was held.
    meeting: Option<String>,
    /// The programmes knelpunten were assigned to, for the decisions list per programme.
    programmes: Vec<String>,
    /// What this overleg member may publish now (nothing for others).
    publish: Publishable,
    /// The confirmation after a change, shown once.
    notice: Option<String>,
}

/// The documents an overleg member who sees every wijk may publish from this page: last
/// quarter's brief and last month's overview, each until it is published.
#[derive(Serialize, Default)]
struct Publishable {
    brief: bool,
    overview: bool,
    /// "september 2026".
    month_label: String,
}

/// A published quarter's brief and its versions: the original and its rectificaties.
#[derive(Serialize)]
struct PublishedBrief {
    quarter: String,
    /// "3e kwartaal 2026".
    label: String,
    versions: Vec<VersionRow>,
}

#[derive(Serialize)]
struct VersionRow {
    number: i64,
    /// "30-11-2026", Dutch time.
    published_on: String,
    /// Why it was rectified; empty for the original.
    reason: String,
    /// Whether this is the version in force.
    current: bool,
}

/// "3e kwartaal 2026" for a stored quarter key; the key itself if it is not one.
fn dutch_quarter(key: &str) -> String {
    key.parse::<Quarter>()
        .map_or_else(|_| key.to_string(), Quarter::dutch_label)
}

/// The whole brief's published versions ("" programme), newest quarter first.
fn editions(versions: &[knooppunt_reports::snapshot::Version]) -> Vec<PublishedBrief> {
    let mut editions: Vec<PublishedBrief> = Vec::new();
    for version in versions.iter().filter(|v| v.programme.is_empty()) {
        let row = VersionRow {
            number: version.number,
            published_on: crate::time::day(version.published_on()),
            reason: version.reason.clone(),
            current: false,
        };
        match editions.last_mut() {
            Some(edition) if edition.quarter == version.quarter => edition.versions.push(row),
            _ => editions.push(PublishedBrief {
                quarter: version.quarter.clone(),
                label: dutch_quarter(&version.quarter),
                versions: vec![row],
            }),
        }
    }
    for edition in &mut editions {
        if let Some(last) = edition.versions.last_mut() {
            last.current = true;
        }
    }
    editions.reverse();
    editions
}

/// Confirmed knelpunten, figures only: what the municipality may see (never signal text).
/// The figures are those of the latest published brief, as published: a page that counted
/// anew (all-time, per wijk) would let a reader work out what the brief hides.
pub(crate) async fn knelpunten(
    me: SignedIn<KnelpuntReaders>,
    jar: CookieJar,
) -> Result<(CookieJar, Response), WebError> {
    let (jar, notice) = crate::flash::take(jar);
    let today = knooppunt_ingest::today_nl();
    let reviewed = review_store::reviewed_clusters(&me.state.store, today).await?;
    let latest = knooppunt_reports::snapshot::latest(&me.state.store, "").await?;
    let rows = rows(&me.state.rules, &reviewed, latest.as_ref().map(|(_, f)| f));
    let programmes = review_store::assigned_programmes(&reviewed);
    let published = latest.map(|(quarter, _)| quarter);
    let quarter = Quarter::containing(today).previous();
    let versions = knooppunt_reports::snapshot::all_versions(&me.state.store).await?;
    let editions = editions(&versions);
    let brief_published = editions.iter().any(|e| e.quarter == quarter.to_string());
    let quarter_readable = me.user.role != Role::Municipality || brief_published;
    let last_month = Month::containing(today).previous();
    // The municipality opens published overviews only: its form offers the latest of those.
    let month = match me.user.role {
        Role::Municipality => overview_months(&versions).max().unwrap_or(last_month),
        _ => last_month,
    };
    let publish = if me.user.role == Role::Reviewer && me.user.sees_every_wijk() {
        Publishable::now(&versions, brief_published, last_month)
    } else {
        Publishable::default()
    };
    let published_label = published.as_deref().map(dutch_quarter);
    let data = KnelpuntenPage {
        rows,
        signals_heading: match &published_label {
            Some(label) => format!("Signalen ({label})"),
            None => "Signalen".into(),
        },
        published_label,
        published,
        quarter: quarter.to_string(),
        quarter_label: quarter.dutch_label(),
        quarter_readable,
        editions,
        month: month.to_string(),
        meeting: me
            .state
            .store
            .latest_meeting()
            .await?
            .map(|day| day.to_string()),
        programmes: programmes.into_iter().collect(),
        publish,
        notice,
    };
    Ok((jar, me.page("knelpunten", "Bevestigde knelpunten", &data)?))
}

/// One row per knelpunt (barrier), whatever its clusters: confirmed or solved, with the figures
/// and wijken of the latest published brief (`figures`), as published.
fn rows(
    rules: &knooppunt_rules::ruleset::RuleSet,
    reviewed: &[review_store::ReviewedCluster],
    figures: Option<&knooppunt_reports::snapshot::Figures>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let confirmed = reviewed
        .iter()
        .filter(|c| {
            matches!(
                c.standing.state,
                ReviewState::Confirmed | ReviewState::Solved
            )
        })
        .collect::<Vec<_>>();
    for c in &confirmed {
        if !seen.insert(c.cluster.barrier.clone()) {
            continue;
        }
        let of_barrier = || {
            confirmed
                .iter()
                .filter(|o| o.cluster.barrier == c.cluster.barrier)
        };
        let published = figures.and_then(|figures| figures.published(&c.cluster.barrier));
        let range = figures
            .and_then(|figures| figures.recognition.as_ref())
            .and_then(|frozen| frozen.ranges.get(&c.cluster.barrier).cloned());
        rows.push(Row {
            title: rules.title(&c.cluster.barrier),
            range,
            signals: published
                .as_ref()
                .map_or("—".to_string(), |(n, _)| n.clone()),
            // "—" like the count beside it while no brief has published the knelpunt.
            areas: published
                .map(|(_, areas)| areas.join(", "))
                .filter(|areas| !areas.is_empty())
                .unwrap_or_else(|| "—".to_string()),
            state: if c.standing.returned {
                "terug".into()
            } else {
                c.standing.state.as_str().into()
            },
            owner: assigned(of_barrier().map(|c| c.standing.owner.as_deref())),
            programme: assigned(of_barrier().map(|c| c.standing.programme.as_deref())),
        });
    }
    rows
}

/// The months of the published monthly overviews (a month with several versions repeats).
fn overview_months(
    versions: &[knooppunt_reports::snapshot::Version],
) -> impl Iterator<Item = Month> + '_ {
    versions
        .iter()
        .filter(|v| v.programme == knooppunt_reports::digest::monthly::SNAPSHOT_KEY)
        .filter_map(|v| v.quarter.parse::<Month>().ok())
}

impl Publishable {
    /// What is still unpublished: last quarter's brief unless `brief_published`, and the
    /// overview of `month` unless one of `versions` is it.
    fn now(
        versions: &[knooppunt_reports::snapshot::Version],
        brief_published: bool,
        month: Month,
    ) -> Self {
        let overview_published = overview_months(versions).any(|m| m == month);
        Publishable {
            brief: !brief_published,
            overview: !overview_published,
            month_label: knooppunt_reports::digest::monthly::month_label(month),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct BriefQuery {
    #[serde(rename = "kwartaal")]
    quarter: Option<String>,
    #[serde(rename = "formaat")]
    format: Option<String>,
    #[serde(rename = "programma")]
    programme: Option<String>,
    /// A published version (1 for the original); the version in force without it.
    #[serde(rename = "versie")]
    version: Option<String>,
}

/// The municipality reads published briefs only: a brief of a quarter still being counted
/// would differ from download to download, and two versions give away their difference.
async fn published_for(
    me: &SignedIn<BriefReaders>,
    quarter: Quarter,
    programme: Option<&str>,
) -> Result<(), WebError> {
    if me.user.role != Role::Municipality {
        return known_programme(me, programme).await;
    }
    let key = quarter.to_string();
    let snapshot =
        knooppunt_reports::snapshot::load(&me.state.store, &key, programme.unwrap_or_default())
            .await?;
    match snapshot {
        Some(_) => Ok(()),
        None => Err(WebError::refused(
            StatusCode::NOT_FOUND,
            "Nog niet gepubliceerd",
            format!(
                "kwartaal: de brief van het {} is nog niet gepubliceerd.",
                quarter.dutch_label()
            ),
        )),
    }
}

/// A programme's brief or decisions list only when a knelpunt was assigned to it: a typo would
/// give an empty document (and the name typed would be logged as looked at).
pub(crate) async fn known_programme(
    me: &SignedIn<BriefReaders>,
    programme: Option<&str>,
) -> Result<(), WebError> {
    let Some(programme) = programme else {
        return Ok(());
    };
    let today = knooppunt_ingest::today_nl();
    let reviewed = review_store::reviewed_clusters(&me.state.store, today).await?;
    match review_store::assigned_programmes(&reviewed).contains(programme) {
        true => Ok(()),
        false => Err(WebError::refused(
            StatusCode::NOT_FOUND,
            "Onbekend programma",
            "programma: geen knelpunt is aan dit programma toegewezen; kies een programma \
             van de pagina Knelpunten.",
        )),
    }
}

pub(crate) async fn brief_download(
    me: SignedIn<BriefReaders>,
    Query(query): Query<BriefQuery>,
) -> Result<Response, WebError> {
    let today = knooppunt_ingest::today_nl();
    let quarter: Quarter = match query.quarter.as_deref().map(str::parse).transpose() {
        Ok(quarter) => quarter.unwrap_or_else(|| Quarter::containing(today).previous()),
        Err(_) => {
            return Err(WebError::refused(
                StatusCode::BAD_REQUEST,
                "Ongeldig kwartaal",
                "kwartaal: schrijf het als 2026Q3.",
            ))
        }
    };
    let format =
        crate::render::format_asked(query.format.as_deref(), &["md", "pdf", "csv", "json"])?;
    let programme = crate::extract::filled(query.programme.as_deref());
    published_for(&me, quarter, programme).await?;
    let edition = match crate::extract::filled(query.version.as_deref()) {
        None => Edition::Current,
        Some(text) => {
            let number = text.parse::<i64>().ok().filter(|n| *n >= 1);
            let versions = knooppunt_reports::snapshot::versions(
                &me.state.store,
                &quarter.to_string(),
                programme.unwrap_or_default(),
            )
            .await?;
            match number.filter(|n| versions.iter().any(|v| v.number == *n)) {
                Some(n) => Edition::Version(n),
                None => {
                    return Err(WebError::refused(
                        StatusCode::NOT_FOUND,
                        "Versie niet gevonden",
                        format!(
                            "versie: de brief van {quarter} heeft {} gepubliceerde {}.",
                            versions.len(),
                            if versions.len() == 1 {
                                "versie"
                            } else {
                                "versies"
                            }
                        ),
                    ))
                }
            }
        }
    };
    let mut brief = Brief::gather_edition(
        &me.state.store,
        &me.state.catalog,
        (quarter, programme),
        me.state.min_group_size,
        &me.state.wider_areas,
        today,
        edition,
    )
    .await?;
    brief.templates_dir = me.state.templates_dir.clone();
    brief.cover = me.state.cover.clone();
    Ok(brief_file(brief, format).await?)
}

/// The brief in the asked format: figures as CSV or JSON, PDF, Markdown or HTML.
async fn brief_file(brief: Brief, format: Option<&str>) -> anyhow::Result<Response> {
    let stem = brief.file_stem();
    let file = |bytes: Vec<u8>, mime: &str, extension: &str| {
        attachment(bytes, mime, &format!("{stem}.{extension}"))
    };
    Ok(match format {
        Some("csv") | Some("json") => {
            let Some((csv, json)) = brief.figures()? else {
                anyhow::bail!("geen cijfers");
            };
            if format == Some("csv") {
                file(csv, "text/csv; charset=utf-8", "csv")
            } else {
                file(json.into_bytes(), "application/json", "json")
            }
        }
        Some("pdf") => {
            let dir = tempfile::tempdir().context("tijdelijke map")?;
            brief.write(dir.path())?;
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
