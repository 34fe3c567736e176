//! The knelpunten of a quarterly brief: per barrier, the clusters the overleg confirmed (with
//! the clusters merged into them), their figures for the quarter and the four before it, the
//! waiting times against the norm, samenloop, approved vignettes and the overleg's notes.
//! The counts per knelpunt and wijk go through one disclosure step ([`publish`], built on
//! [`crate::disclosure::protect`]); distinct sources and areas, which no sum relates, through
//! [`suppress`].

use crate::review::{Action, Decision, State};
use crate::review_store::{all_decisions, reviewed_clusters, ReviewedCluster};
use knooppunt_domain::published::suppress;
use knooppunt_domain::quarter::Quarter;
use knooppunt_domain::review::assigned;
use knooppunt_domain::stats::quantile;
use knooppunt_domain::taxonomy::{Barrier, Catalog};
use knooppunt_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

mod figures;
use figures::{ClusterFigures, Figures};

/// One point of a knelpunt's trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrendPoint {
    pub quarter: String,
    pub label: String,
    /// As published: a number or `x`.
    pub value: String,
    /// Taken from the published brief of that quarter rather than recounted.
    pub from_snapshot: bool,
}

/// A barrier's waiting-time norm ("Treeknorm", 70 days) and whether a median wait is above
/// it; the agenda and the brief both show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WaitNorm {
    pub norm_days: Option<i64>,
    pub norm_name: Option<String>,
    pub above_norm: bool,
}

impl WaitNorm {
    /// `barrier`'s norm, against the median wait in days (none: not above it).
    pub fn of(barrier: Option<&Barrier>, median_days: Option<f64>) -> Self {
        let norm_days = barrier.and_then(|b| b.promotion.wait_norm_days);
        Self {
            norm_days,
            norm_name: barrier.and_then(|b| b.promotion.wait_norm_name.clone()),
            above_norm: matches!((median_days, norm_days), (Some(m), Some(n)) if m > n as f64),
        }
    }
}

/// Waiting times of a knelpunt's signals this quarter, against the norm.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Waits {
    pub with_wait: String,
    pub median_days: i64,
    pub p25_days: i64,
    pub p75_days: i64,
    #[serde(flatten)]
    pub norm: WaitNorm,
}

/// A knelpunt as the brief shows it; every count already suppressed.
#[derive(Debug, Clone, Serialize)]
pub struct Knelpunt {
    pub barrier: String,
    pub title: String,
    pub kader: String,
    pub owner: String,
    pub programme: Option<String>,
    /// nieuw, aanhoudend, groeiend, opgelost or terug.
    pub section: &'static str,
    pub signals: String,
    pub sources: String,
    pub areas: String,
    /// The wijken with at least the minimum group size of signals.
    pub area_names: Vec<String>,
    /// The previous quarter's figure: as published, else counted now; empty when that
    /// quarter ended before the first stored signal (not measured, not "0").
    pub previous: String,
    pub trend: Vec<TrendPoint>,
    pub trend_svg: String,
    pub waits: Option<Waits>,
    pub co_occurring: Vec<String>,
    pub vignettes: Vec<String>,
    pub notes: Vec<String>,
    /// Provenance: the clusters this knelpunt's figures come from.
    pub cluster_ids: Vec<String>,
    /// Where the disclosure step published it ("Knelpunten per wijk", …).
    pub level: &'static str,
    /// What the overleg asks of the municipality ("wat vragen we"), latest first.
    pub aanbeveling: Option<String>,
    /// The published count corrected for recognition ("34–41"); set by
    /// [`crate::Brief::apply_recognition`], `None` for a suppressed or unmeasured count.
    pub corrected: Option<String>,
    #[serde(skip)]
    pub raw_signals: i64,
    /// Signals per wijk this quarter, before the disclosure step.
    #[serde(skip)]
    pub area_counts: BTreeMap<String, i64>,
}

pub use crate::snapshot::Published;

/// What the knelpunten are gathered for: one quarter, limited to one municipality programme
/// when `programme` is given, counts shown from `min_group_size`, the reviews as they stand
/// on `today`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub store: &'a Store,
    pub catalog: &'a Catalog,
    pub quarter: Quarter,
    pub programme: Option<&'a str>,
    pub min_group_size: i64,
    pub today: chrono::NaiveDate,
}

/// Gathers the knelpunten of `scope`. `published` holds, per earlier quarter, the counts as
/// published.
pub async fn gather(
    scope: Scope<'_>,
    published: &BTreeMap<String, Published>,
) -> anyhow::Result<Vec<Knelpunt>> {
    let Scope {
        store,
        catalog,
        quarter,
        programme,
        min_group_size: min,
        today,
    } = scope;
    let reviewed = reviewed_clusters(store, today).await?;
    let decisions = all_decisions(store).await?;
    let groups = groups(&reviewed, programme);
    let all_ids: Vec<String> = groups.iter().flat_map(|g| g.ids.clone()).collect();
    let figures = ClusterFigures::read(store, &all_ids, quarter).await?;
    let mut knelpunten: Vec<Knelpunt> = groups
        .into_iter()
        .filter_map(|group| {
            let history = History::of(&group, &figures, quarter, published, min);
            // A knelpunt whose signals all came after the quarter was not one yet then (a
            // brief written late for an early quarter would list it with nothing but zeros).
            let later = history.nothing_yet()
                && group
                    .clusters
                    .iter()
                    .all(|c| c.cluster.first_seen >= quarter.end());
            (!later).then(|| knelpunt(group, catalog, &figures, history, &decisions, min))
        })
        .collect();
    knelpunten.sort_by(|a, b| {
        let shown = |k: &Knelpunt| k.raw_signals >= min;
        shown(b)
            .cmp(&shown(a))
            .then_with(|| {
                if shown(a) && shown(b) {
                    b.raw_signals.cmp(&a.raw_signals)
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .then(a.title.cmp(&b.title))
    });
    Ok(knelpunten)
}

/// A barrier's confirmed (or solved, or back) clusters, and the ids its figures count: these
/// clusters with the clusters merged into one of them.
pub(crate) struct Group<'a> {
    pub(crate) barrier: &'a str,
    pub(crate) clusters: Vec<&'a ReviewedCluster>,
    pub(crate) ids: Vec<String>,
}

/// The clusters of the brief, by barrier (limited to `programme` when given).
pub(crate) fn groups<'a>(
    reviewed: &'a [ReviewedCluster],
    programme: Option<&str>,
) -> Vec<Group<'a>> {
    let mut by_barrier: BTreeMap<&str, Vec<&ReviewedCluster>> = BTreeMap::new();
    for cluster in reviewed
        .iter()
        .filter(|c| {
            matches!(c.standing.state, State::Confirmed | State::Solved) || c.standing.returned
        })
        .filter(|c| programme.is_none_or(|p| c.standing.programme.as_deref() == Some(p)))
    {
        by_barrier
            .entry(cluster.cluster.barrier.as_str())
            .or_default()
            .push(cluster);
    }
    by_barrier
        .into_iter()
        .map(|(barrier, clusters)| {
            let mut ids: Vec<String> = clusters.iter().map(|c| c.cluster.id.clone()).collect();
            ids.extend(
                reviewed
                    .iter()
                    .filter(|c| {
                        c.standing.state == State::Merged
                            && c.standing.merged_into.as_ref().is_some_and(|target| {
                                clusters.iter().any(|t| &t.cluster.id == target)
                            })
                    })
                    .map(|c| c.cluster.id.clone()),
            );
            ids.sort();
            Group {
                barrier,
                clusters,
                ids,
            }
        })
        .collect()
}

/// A knelpunt's figures over time: this quarter, the previous one (recounted and as
/// published) and the trend of the four quarters before and this one.
struct History {
    now: Figures,
    previous_raw: i64,
    previous_published: Option<String>,
    /// Whether the previous quarter was counted at all: it ended after the first stored
    /// signal, or a brief about it was published.
    previous_measured: bool,
    trend: Vec<TrendPoint>,
    /// The signals of the quarters in the trend before this one, recounted.
    earlier_signals: i64,
}

impl History {
    fn of(
        group: &Group<'_>,
        figures: &ClusterFigures,
        quarter: Quarter,
        published: &BTreeMap<String, Published>,
        min: i64,
    ) -> Self {
        let now = figures.now(&group.ids, quarter);
        // Quarters that ended before the first stored signal were not measured, unless a
        // brief about them was published: a 0 there would read as "no problem then".
        let measured = |q: &Quarter| {
            figures.measured_from.is_none_or(|first| q.end() > first)
                || published.contains_key(&q.to_string())
        };
        let mut quarters: Vec<Quarter> =
            std::iter::successors(Some(quarter), |q| Some(q.previous()))
                .skip(1)
                .take(4)
                .filter(measured)
                .collect();
        quarters.reverse();
        let mut trend = Vec::new();
        let (mut previous_raw, mut earlier_signals) = (0, 0);
        for q in quarters {
            let recount: i64 = group.ids.iter().map(|id| figures.count(id, q)).sum();
            earlier_signals += recount;
            if q == quarter.previous() {
                previous_raw = recount;
            }
            let snapshot = published
                .get(&q.to_string())
                .and_then(|p| p.get(group.barrier));
            trend.push(TrendPoint {
                quarter: q.to_string(),
                label: crate::chart::quarter_label(q),
                value: snapshot.cloned().unwrap_or_else(|| suppress(recount, min)),
                from_snapshot: snapshot.is_some(),
            });
        }
        // This quarter's value is set by the disclosure step (see [`publish`]).
        trend.push(TrendPoint {
            quarter: quarter.to_string(),
            label: crate::chart::quarter_label(quarter),
            value: suppress(now.signals, min),
            from_snapshot: false,
        });
        let previous_published = published
            .get(&quarter.previous().to_string())
            .and_then(|p| p.get(group.barrier).cloned());
        Self {
            now,
            previous_raw,
            previous_published,
            previous_measured: measured(&quarter.previous()),
            trend,
            earlier_signals,
        }
    }

    /// No signal in this quarter nor in the four before it (merged clusters' included).
    fn nothing_yet(&self) -> bool {
        self.now.signals == 0 && self.earlier_signals == 0
    }

    /// nieuw, groeiend, aanhoudend, opgelost or terug.
    fn section(&self, clusters: &[&ReviewedCluster], min: i64) -> &'static str {
        let (now, previous) = (self.now.signals, self.previous_raw);
        if clusters.iter().any(|c| c.standing.returned) {
            "terug"
        } else if clusters.iter().all(|c| c.standing.state == State::Solved) {
            "opgelost"
        } else if previous == 0 && self.previous_published.is_none() {
            "nieuw"
        } else if knooppunt_domain::published::growing(now, previous, min) {
            "groeiend"
        } else {
            "aanhoudend"
        }
    }

    /// The waiting times against the barrier's norm, when enough signals have one.
    fn waits(&self, barrier: Option<&Barrier>, min: i64) -> Option<Waits> {
        let waits = &self.now.waits;
        (waits.len() as i64 >= min).then(|| {
            let days = |q: f64| quantile(waits, q).unwrap_or_default().round() as i64;
            let median = days(0.5);
            Waits {
                with_wait: suppress(waits.len() as i64, min),
                median_days: median,
                p25_days: days(0.25),
                p75_days: days(0.75),
                norm: WaitNorm::of(barrier, Some(median as f64)),
            }
        })
    }
}

/// The decisions on these clusters whose action `is` the kind wanted and that give a reason,
/// in history order.
fn with_reason<'d>(
    decisions: &'d HashMap<String, Vec<Decision>>,
    ids: &'d [String],
    is: fn(&Action) -> bool,
) -> impl Iterator<Item = &'d Decision> + 'd {
    ids.iter()
        .flat_map(|id| decisions.get(id).map(Vec::as_slice).unwrap_or(&[]))
        .filter(move |d| is(&d.action) && !d.reason.is_empty())
}

/// One knelpunt as the brief shows it, before the disclosure step sets its published figures.
fn knelpunt(
    group: Group<'_>,
    catalog: &Catalog,
    figures: &ClusterFigures,
    history: History,
    decisions: &HashMap<String, Vec<Decision>>,
    min: i64,
) -> Knelpunt {
    let Group {
        barrier: barrier_id,
        clusters,
        ids,
    } = group;
    let barrier = catalog.barrier(barrier_id);
    let now = &history.now;
    let notes = with_reason(decisions, &ids, |a| matches!(a, Action::Note))
        .map(|d| d.reason.clone())
        .collect();
    // The latest recommendation of any of its clusters.
    let aanbeveling = with_reason(decisions, &ids, |a| matches!(a, Action::Recommend))
        .max_by_key(|d| d.seq)
        .map(|d| d.reason.clone());
    let owner = assigned(clusters.iter().map(|c| c.standing.owner.as_deref()))
        .or_else(|| barrier.map(|b| b.owner.clone()))
        .unwrap_or_default();
    Knelpunt {
        barrier: barrier_id.to_string(),
        title: catalog.title(barrier_id),
        kader: barrier.map(|b| b.kader.clone()).unwrap_or_default(),
        owner,
        // One programme: the brief groups knelpunten by it (`compose::full::programme_groups`).
        programme: clusters.iter().find_map(|c| c.standing.programme.clone()),
        section: history.section(&clusters, min),
        signals: suppress(now.signals, min),
        sources: crate::release::breadth(now.sources, min),
        areas: crate::release::breadth(now.areas.len() as i64, min),
        area_names: now
            .areas
            .iter()
            .filter(|(_, n)| **n >= min)
            .map(|(a, _)| a.clone())
            .collect(),
        previous: match (&history.previous_published, history.previous_measured) {
            (Some(published), _) => published.clone(),
            (None, true) => suppress(history.previous_raw, min),
            (None, false) => String::new(),
        },
        trend_svg: String::new(),
        waits: history.waits(barrier, min),
        co_occurring: figures.co_occurring(catalog, &ids, min),
        vignettes: figures.vignettes(&ids),
        notes,
        level: "",
        aanbeveling,
        corrected: None,
        raw_signals: now.signals,
        area_counts: now.areas.clone(),
        cluster_ids: ids,
        trend: history.trend,
    }
}

/// What became of a request to approve a vignette.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VignetteApproval {
    Approved,
    /// The signal is not in the cluster.
    NotInCluster,
    /// The text names details that can make someone recognisable, and the overleg did not
    /// say it checked them ([`knooppunt_domain::vignette`]).
    Unchecked(Vec<knooppunt_domain::vignette::Detail>),
    /// The overleg's own words were refused (empty, too long, personal data): why, in Dutch.
    EditRefused(String),
}

/// A request to approve a signal of a cluster as a vignette.
#[derive(Debug, Clone, Copy)]
pub struct VignetteRequest<'a> {
    pub cluster_id: &'a str,
    pub source: &'a str,
    pub signal_id: &'a str,
    /// The text in the overleg's own words, if it changed the signal's.
    pub edited: Option<&'a str>,
    /// Whether the overleg ticked that nobody can be recognised in the text.
    pub checked: bool,
}

/// Approves a scrubbed signal of a cluster as a vignette for the brief, as it stands or in
/// the overleg's own words. A text with an age, an origin, a condition, a family's make-up
/// or a street is approved only when the overleg says it checked that nobody can be
/// recognised; a rewritten one is checked the same way, and for personal data.
pub async fn approve_vignette(
    store: &Store,
    request: VignetteRequest<'_>,
    by: &str,
) -> anyhow::Result<VignetteApproval> {
    let key = (request.source, request.signal_id);
    let Some(original) = store.cluster_signal_text(request.cluster_id, key).await? else {
        return Ok(VignetteApproval::NotInCluster);
    };
    let edited = match request.edited {
        None => None,
        Some(text) if knooppunt_domain::vignette::unchanged(text, &original) => None,
        Some(text) => match checked_rewrite(text) {
            Ok(text) => Some(text),
            Err(refusal) => return Ok(VignetteApproval::EditRefused(refusal)),
        },
    };
    let details =
        knooppunt_domain::vignette::identifying_details(edited.as_deref().unwrap_or(&original));
    if !details.is_empty() && !request.checked {
        return Ok(VignetteApproval::Unchecked(details));
    }
    let stored = store
        .approve_vignette(request.cluster_id, key, edited.as_deref(), by)
        .await?;
    Ok(if stored {
        VignetteApproval::Approved
    } else {
        VignetteApproval::NotInCluster
    })
}

/// The most characters a vignette in the overleg's own words may have: a short quote, not a
/// report.
pub const MAX_VIGNETTE: usize = 1_000;

/// A vignette the overleg rewrote, checked as every stored free text is: normalised, not
/// empty, at most [`MAX_VIGNETTE`] characters, no personal data (named by kind, never echoed).
fn checked_rewrite(text: &str) -> Result<String, String> {
    use crate::free_text::Refusal;
    let text = crate::free_text::checked(text, MAX_VIGNETTE).map_err(|refusal| match refusal {
        Refusal::TooLong(limit) => format!("de tekst van het vignet is te lang: {limit}"),
        Refusal::Personal(kinds) => {
            format!("de tekst van het vignet bevat persoonsgegevens ({kinds}); haal die weg")
        }
    })?;
    let text = text.trim();
    if text.is_empty() {
        return Err("de tekst van het vignet is leeg".into());
    }
    Ok(text.to_string())
}

/// The one disclosure step of the brief: the knelpunten of this quarter, published per wijk,
/// per stadsdeel or for the whole municipality ([`crate::release::release`]) together with
/// everything in `context` (earlier quarters, other programmes). The knelpunten get their
/// published totals, areas and trend charts from it.
#[allow(clippy::too_many_arguments)]
pub fn publish(
    knelpunten: &mut [Knelpunt],
    min: i64,
    previous: Option<&crate::disclosure::PublishedTable>,
    wider_areas: &BTreeMap<String, String>,
    quarter: &str,
    output: &str,
    context: &mut crate::ledger::Ledger,
) -> anyhow::Result<crate::release::Release> {
    let counts: crate::release::Counts = knelpunten
        .iter()
        .map(|k| (k.barrier.clone(), k.area_counts.clone()))
        .collect();
    let release = crate::release::release(
        &counts,
        quarter,
        output,
        min.max(1) as u64,
        previous,
        wider_areas,
        context,
    )?;
    apply(knelpunten, &release, min);
    Ok(release)
}

/// Sets each knelpunt's published total, areas and trend chart from a release.
pub fn apply(knelpunten: &mut [Knelpunt], release: &crate::release::Release, min: i64) {
    use crate::disclosure::{Cell, Position};
    for knelpunt in knelpunten.iter_mut() {
        let found = release.find(&knelpunt.barrier);
        let total = found
            .and_then(|(level, row)| level.table.get(Position::RowTotal { row }))
            .unwrap_or(Cell::Suppressed);
        knelpunt.signals = total.render(min as u64);
        knelpunt.level = found.map_or("", |(level, _)| level.level.caption());
        if let Some(last) = knelpunt.trend.last_mut() {
            last.value = knelpunt.signals.clone();
        }
        knelpunt.area_names = found
            .map(|(level, row)| level.shown_areas(row))
            .unwrap_or_default();
        let points: Vec<crate::chart::ChartPoint> = knelpunt
            .trend
            .iter()
            .filter_map(|point| {
                Some(crate::chart::ChartPoint {
                    quarter: point.quarter.parse().ok()?,
                    value: point
                        .value
                        .parse::<u64>()
                        .map_or(Cell::Suppressed, Cell::Shown),
                })
            })
            .collect();
        knelpunt.trend_svg =
            crate::chart::bar_chart(&knelpunt.barrier, &knelpunt.title, &points, min as u64);
    }
}
