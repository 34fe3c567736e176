//! The monthly overview: the knelpunten that are new this month (confirmed by the overleg in
//! it) or growing (at least the minimum group size more signals than the month before, and a
//! quarter more), with this month's signals per wijk.
//!
//! The month's figures are a table of their own, through the one disclosure step: released
//! level by level (wijk, stadsdeel, municipality; [`crate::release::release`]) together with
//! everything published before — every published version of every brief and programme brief,
//! and earlier overviews — and with the figures the brief of the month's quarter will publish
//! watched before they exist, so the overview can never give away what that brief must hide.
//! [`MonthlyOverview::publish`] freezes the overview as the original version of a snapshot
//! (programme key [`SNAPSHOT_KEY`], period `2026-09`, with the counts behind it); every later
//! brief is then audited with it, the ledger counting each quarter as the sum of its three
//! months. A published overview renders from its snapshot, so it reads the same every time.
//!
//! Not counted: inequalities ("groeiend" says this month is larger than the last); that word is
//! judged on the published figures ([`knooppunt_domain::published::growing`]), so it tells
//! nothing of a previous count shown as `x`.

use crate::brief::TableView;
use crate::compose::Builtin;
use crate::disclosure::{Cell, Position, PublishedTable};
use crate::ledger::{Atom, Figure, Ledger};
use crate::release::{Counts, Level, Release};
use crate::review::{Action, State};
use crate::snapshot::Figures;
use chrono::NaiveDate;
use knooppunt_domain::taxonomy::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const TEMPLATES: Builtin = Builtin {
    name: "maandoverzicht",
    html: include_str!("../../templates/maandoverzicht.html.hbs"),
    markdown: include_str!("../../templates/maandoverzicht.md.hbs"),
};

/// The programme key under which published overviews are kept with the briefs' snapshots.
pub const SNAPSHOT_KEY: &str = "maandoverzicht";

mod gather;

pub use knooppunt_domain::quarter::Month;

/// "september 2026".
pub fn month_label(month: Month) -> String {
    let long = crate::compose::dutch_date(month.start());
    long.split_once(' ')
        .map_or(long.clone(), |(_, rest)| rest.to_string())
}

/// Why a knelpunt is in the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// The overleg confirmed it this month.
    #[serde(rename = "nieuw")]
    New,
    /// At least `min` more signals than last month, and a quarter more.
    #[serde(rename = "groeiend")]
    Growing,
}

impl Reason {
    fn label(self) -> &'static str {
        match self {
            Reason::New => "Nieuw",
            Reason::Growing => "Groeiend",
        }
    }
}

/// Whether a knelpunt is listed: new (confirmed this month), growing, or not.
pub fn reason(confirmed_this_month: bool, now: i64, previous: i64, min: i64) -> Option<Reason> {
    if confirmed_this_month {
        Some(Reason::New)
    } else if knooppunt_domain::published::growing(now, previous, min) {
        Some(Reason::Growing)
    } else {
        None
    }
}

/// A knelpunt the overview lists, with its raw counts (before the disclosure step).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub barrier: String,
    pub reason: Reason,
    pub owner: String,
    pub programme: Option<String>,
    /// Signals this month per wijk.
    pub counts: BTreeMap<String, i64>,
    pub cluster_ids: Vec<String>,
}

/// The name of the overview of `month` in the joint audit.
pub fn output_name(month: Month) -> String {
    format!("maandoverzicht {month}")
}

/// Adds, as hidden figures to watch, what the brief of `quarter` will publish over these
/// knelpunten and wijken: every cell, the knelpunten's and wijken's totals and the total. An
/// overview published now must not give away a small one of them.
pub fn watch_brief(ledger: &mut Ledger, quarter: &str, barriers: &[String], wijken: &[String]) {
    let output = format!("brief {quarter} (nog niet gepubliceerd)");
    let atoms = |bs: &[String], ws: &[String]| -> BTreeSet<Atom> {
        bs.iter()
            .flat_map(|b| {
                ws.iter().map(move |w| Atom {
                    barrier: b.clone(),
                    area: w.clone(),
                    quarter: quarter.to_string(),
                })
            })
            .collect()
    };
    let mut watch = |name: String, atoms: BTreeSet<Atom>| {
        ledger.add(Figure {
            output: output.clone(),
            name,
            atoms,
            value: None,
        })
    };
    for barrier in barriers {
        let one = std::slice::from_ref(barrier);
        for wijk in wijken {
            watch(
                format!("{barrier} × {wijk}"),
                atoms(one, std::slice::from_ref(wijk)),
            );
        }
        watch(format!("{barrier} totaal"), atoms(one, wijken));
    }
    for wijk in wijken {
        watch(
            format!("{wijk} totaal"),
            atoms(barriers, std::slice::from_ref(wijk)),
        );
    }
    watch("totaal".into(), atoms(barriers, wijken));
}

/// The month's figures of the candidates through the disclosure step, together with
/// everything in `context` (which receives the published tables).
pub fn release_month(
    candidates: &[Candidate],
    month: Month,
    min: i64,
    wider_areas: &BTreeMap<String, String>,
    context: &mut Ledger,
) -> anyhow::Result<Release> {
    let counts: Counts = candidates
        .iter()
        .map(|c| (c.barrier.clone(), c.counts.clone()))
        .collect();
    crate::release::release(
        &counts,
        &month.to_string(),
        &output_name(month),
        min.max(1) as u64,
        None,
        wider_areas,
        context,
    )
}

/// One knelpunt as the overview shows it; every figure as published.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OverviewItem {
    pub title: String,
    pub owner: String,
    pub programme: String,
    /// This month's signals: a number or `x`.
    pub signals: String,
    /// Where the disclosure step published it.
    pub level: &'static str,
    /// Wijken (or stadsdelen) with a shown, non-zero figure; "hele gemeente" when published
    /// for the whole municipality only.
    pub areas: String,
    /// Last month's figure as its published overview showed it, or "—".
    pub previous: String,
    /// The figure of the latest published brief, or empty.
    pub in_brief: String,
}

/// The knelpunten of one reason.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OverviewSection {
    pub label: &'static str,
    pub items: Vec<OverviewItem>,
}

/// The monthly overview of new and growing knelpunten.
#[derive(Debug, Clone, Serialize)]
pub struct MonthlyOverview {
    /// `2026-09`.
    pub month: String,
    /// "september 2026".
    pub month_label: String,
    pub previous_label: String,
    /// `dd-mm-jjjj`.
    pub generated_label: String,
    pub published: bool,
    pub min_group_size: i64,
    pub sections: Vec<OverviewSection>,
    pub tables: Vec<TableView>,
    /// "2e kwartaal 2026": the latest published brief, if any.
    pub latest_brief: Option<String>,
    /// Figures that already followed from earlier publications, reported.
    pub context_leaks: usize,
    pub rules_version: String,
    #[serde(skip)]
    pub release: Release,
    #[serde(skip)]
    pub reasons: BTreeMap<String, Reason>,
    #[serde(skip)]
    pub clusters: BTreeMap<String, Vec<String>>,
    /// The counts behind the month's figures (never shown), kept with a publication.
    #[serde(skip)]
    pub counts: Counts,
    #[serde(skip)]
    pub templates_dir: Option<PathBuf>,
    /// The text as it was published (Markdown, HTML), for an overview published with it:
    /// [`MonthlyOverview::render`] returns exactly that ever after, whatever changed since
    /// (a knelpunt's title, an owner, the templates).
    #[serde(skip)]
    pub documents: Option<crate::snapshot::Documents>,
}

/// What the overview reads besides its own figures, all as published.
#[derive(Debug, Clone, Copy, Default)]
pub struct Published<'a> {
    /// Last month's overview, by knelpunt: its figure.
    pub previous: Option<&'a BTreeMap<String, String>>,
    /// The latest published brief: its quarter and figures.
    pub brief: Option<(&'a str, &'a Figures)>,
}

/// The overview from candidates and their release: pure.
pub fn compose(
    month: Month,
    candidates: &[Candidate],
    release: Release,
    published: Published<'_>,
    catalog: &Catalog,
    min: i64,
    generated_on: NaiveDate,
) -> MonthlyOverview {
    let item = |c: &Candidate| overview_item(c, &release, &published, catalog, min);
    let sections = [Reason::New, Reason::Growing]
        .into_iter()
        .map(|reason| {
            let mut items: Vec<OverviewItem> = candidates
                .iter()
                .filter(|c| c.reason == reason)
                .map(item)
                .collect();
            items.sort_by(|a, b| a.title.cmp(&b.title));
            OverviewSection {
                label: reason.label(),
                items,
            }
        })
        .filter(|s| !s.items.is_empty())
        .collect();
    MonthlyOverview {
        month: month.to_string(),
        month_label: month_label(month),
        previous_label: month_label(month.previous()),
        generated_label: crate::dutch::date(generated_on),
        published: false,
        min_group_size: min,
        sections,
        tables: tables(&release, catalog),
        latest_brief: published.brief.map(|(q, _)| quarter_label(q)),
        context_leaks: release.context_leaks.len(),
        rules_version: catalog.version().to_string(),
        release,
        reasons: candidates
            .iter()
            .map(|c| (c.barrier.clone(), c.reason))
            .collect(),
        clusters: candidates
            .iter()
            .map(|c| (c.barrier.clone(), c.cluster_ids.clone()))
            .collect(),
        counts: candidates
            .iter()
            .map(|c| (c.barrier.clone(), c.counts.clone()))
            .collect(),
        templates_dir: None,
        documents: None,
    }
}

/// "3e kwartaal 2026" for a stored quarter key; the key itself if it is not one.
fn quarter_label(q: &str) -> String {
    q.parse::<crate::Quarter>()
        .map_or(q.to_string(), |q| q.dutch_label())
}

/// One knelpunt of the overview: its figure and wijken as released, last month's figure and
/// the latest brief's.
fn overview_item(
    c: &Candidate,
    release: &Release,
    published: &Published<'_>,
    catalog: &Catalog,
    min: i64,
) -> OverviewItem {
    let found = release.find(&c.barrier);
    let signals = found
        .and_then(|(level, row)| level.table.get(Position::RowTotal { row }))
        .unwrap_or(Cell::Suppressed)
        .render(min as u64);
    let areas: Vec<String> = found
        .map(|(level, row)| level.shown_areas(row))
        .unwrap_or_default();
    OverviewItem {
        title: catalog.title(&c.barrier),
        owner: c.owner.clone(),
        programme: c.programme.clone().unwrap_or_default(),
        signals,
        level: found.map_or("", |(level, _)| level.level.caption()),
        areas: match found {
            Some((level, _)) if level.level == Level::Gemeente => "hele gemeente".into(),
            _ => areas.join(", "),
        },
        previous: published
            .previous
            .and_then(|p| p.get(&c.barrier).cloned())
            .unwrap_or_else(|| "—".into()),
        in_brief: published
            .brief
            .and_then(|(q, figures)| {
                let (total, _) = figures.published(&c.barrier)?;
                Some(format!("{total} ({})", quarter_label(q)))
            })
            .unwrap_or_default(),
    }
}

/// The released tables as the templates show them, rows by knelpunt title.
fn tables(release: &Release, catalog: &Catalog) -> Vec<TableView> {
    release
        .levels
        .iter()
        .map(|level| TableView::of_level(level, |id| catalog.title(id)))
        .collect()
}

impl super::Digest for MonthlyOverview {
    /// `maandoverzicht-2026-09`.
    fn file_stem(&self) -> String {
        format!("maandoverzicht-{}", self.month)
    }

    fn archive_metadata(&self) -> crate::archive::Metadata {
        crate::archive::Metadata {
            title: format!("Maandoverzicht knelpunten {}", self.month_label),
            author: crate::archive::OVERLEG.into(),
            subject: format!(
                "Nieuwe en groeiende knelpunten in {}, uit de signalen van wijkteams en partners",
                self.month_label
            ),
        }
    }

    /// Print-ready, A4. A published overview: its text as published.
    fn render(&self) -> anyhow::Result<(String, String)> {
        if let Some(documents) = &self.documents {
            return Ok((documents.markdown.clone(), documents.html.clone()));
        }
        crate::minutes::render_both(self.templates_dir.as_deref(), &TEMPLATES, self)
    }
}

fn empty_table() -> PublishedTable {
    PublishedTable {
        rows: Vec::new(),
        columns: Vec::new(),
        cells: Vec::new(),
        row_totals: Vec::new(),
        column_totals: Vec::new(),
        grand_total: Cell::Shown(0),
        min_group_size: 1,
        zeros_shown: true,
    }
}
