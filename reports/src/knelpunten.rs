//! The knelpunten of a quarterly brief: per barrier, the clusters the overleg confirmed (with
//! the clusters merged into them), their figures for the quarter and the four before it, the
//! waiting times against the norm, samenloop, approved vignettes and the overleg's notes.
//! The counts per knelpunt and wijk go through one disclosure step ([`publish`], built on
//! [`crate::disclosure::protect`]); distinct sources and areas, which no sum relates, through
//! [`crate::suppress`].

use crate::review::{Action, State};
use crate::review_store::{all_decisions, reviewed_clusters};
use crate::{suppress, Quarter};
use anyhow::Context;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_rules::store::{quantile, Store};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::{BTreeMap, HashSet};

/// One point of a knelpunt's trend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TrendPoint {
    pub quarter: String,
    pub label: String,
    /// As published: a number or `<5`.
    pub value: String,
    /// Taken from the published brief of that quarter rather than recounted.
    pub from_snapshot: bool,
}

/// Waiting times of a knelpunt's signals this quarter, against the norm.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Waits {
    pub with_wait: String,
    pub median_days: i64,
    pub p25_days: i64,
    pub p75_days: i64,
    pub norm_days: Option<i64>,
    pub norm_name: Option<String>,
    pub above_norm: bool,
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
    #[serde(skip)]
    pub raw_signals: i64,
    /// Signals per wijk this quarter, before the disclosure step.
    #[serde(skip)]
    pub area_counts: BTreeMap<String, i64>,
}

/// The figures of a set of clusters in a period.
#[derive(Debug, Default, Clone, PartialEq)]
struct Figures {
    signals: i64,
    sources: i64,
    areas: BTreeMap<String, i64>,
    waits: Vec<i64>,
}

async fn figures(store: &Store, clusters: &[String], quarter: Quarter) -> anyhow::Result<Figures> {
    let mut figures = Figures::default();
    if clusters.is_empty() {
        return Ok(figures);
    }
    let placeholders: Vec<String> = (3..clusters.len() + 3).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT b.source, s.area, b.wait_days FROM signal_barriers b \
         JOIN signals s ON s.source = b.source AND s.id = b.signal_id \
         WHERE b.observed_on >= $1 AND b.observed_on < $2 AND b.cluster_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(quarter.start().to_string())
        .bind(quarter.end().to_string());
    for cluster in clusters {
        query = query.bind(cluster);
    }
    let rows = query
        .fetch_all(store.pool())
        .await
        .context("cijfers van knelpunten lezen")?;
    let mut sources = HashSet::new();
    for row in &rows {
        let source: String = row.try_get("source")?;
        let area: String = row.try_get("area")?;
        let wait: Option<i64> = row.try_get("wait_days")?;
        sources.insert(source);
        *figures.areas.entry(area.trim().to_string()).or_default() += 1;
        if let Some(wait) = wait {
            figures.waits.push(wait);
        }
    }
    figures.signals = rows.len() as i64;
    figures.sources = sources.len() as i64;
    figures.waits.sort_unstable();
    Ok(figures)
}

/// A published brief's knelpunt counts, by barrier (see [`crate::snapshot`]).
pub type Published = BTreeMap<String, String>;

/// Gathers the knelpunten of `quarter`. `programme` limits them to one municipality programme;
/// `published` holds, per earlier quarter, the counts as published.
pub async fn gather(
    store: &Store,
    rules: &RuleSet,
    quarter: Quarter,
    programme: Option<&str>,
    min: i64,
    published: &BTreeMap<String, Published>,
    today: chrono::NaiveDate,
) -> anyhow::Result<Vec<Knelpunt>> {
    let reviewed = reviewed_clusters(store, today).await?;
    let decisions = all_decisions(store).await?;
    let selected: Vec<&crate::review_store::ReviewedCluster> = reviewed
        .iter()
        .filter(|c| {
            matches!(c.standing.state, State::Bevestigd | State::Opgelost) || c.standing.terug
        })
        .filter(|c| programme.is_none_or(|p| c.standing.programme.as_deref() == Some(p)))
        .collect();
    let mut by_barrier: BTreeMap<&str, Vec<&crate::review_store::ReviewedCluster>> =
        BTreeMap::new();
    for cluster in &selected {
        by_barrier
            .entry(cluster.cluster.barrier.as_str())
            .or_default()
            .push(cluster);
    }
    let mut knelpunten = Vec::new();
    for (barrier_id, clusters) in by_barrier {
        let barrier = rules.barriers().iter().find(|b| b.id == barrier_id);
        let mut ids: Vec<String> = clusters.iter().map(|c| c.cluster.id.clone()).collect();
        // Clusters merged into one of these count with it.
        ids.extend(
            reviewed
                .iter()
                .filter(|c| {
                    c.standing.state == State::Samengevoegd
                        && c.standing
                            .merged_into
                            .as_ref()
                            .is_some_and(|target| clusters.iter().any(|t| &t.cluster.id == target))
                })
                .map(|c| c.cluster.id.clone()),
        );
        ids.sort();
        let now = figures(store, &ids, quarter).await?;
        let mut trend = Vec::new();
        let mut previous_raw = 0;
        let mut q = quarter;
        let mut quarters = Vec::new();
        for _ in 0..4 {
            q = q.previous();
            quarters.push(q);
        }
        quarters.reverse();
        for q in quarters {
            let recount = figures(store, &ids, q).await?.signals;
            if q == quarter.previous() {
                previous_raw = recount;
            }
            let snapshot = published
                .get(&q.to_string())
                .and_then(|p| p.get(barrier_id));
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
            .and_then(|p| p.get(barrier_id).cloned());
        let all_solved = clusters.iter().all(|c| c.standing.state == State::Opgelost);
        let section = if clusters.iter().any(|c| c.standing.terug) {
            "terug"
        } else if all_solved {
            "opgelost"
        } else if previous_raw == 0 && previous_published.is_none() {
            "nieuw"
        } else if now.signals >= min
            && now.signals - previous_raw >= min
            && now.signals as f64 >= 1.25 * previous_raw as f64
        {
            "groeiend"
        } else {
            "aanhoudend"
        };
        let waits = (now.waits.len() as i64 >= min).then(|| {
            let norm_days = barrier.and_then(|b| b.promotion.wait_norm_days);
            let median = quantile(&now.waits, 0.5).unwrap_or_default().round() as i64;
            Waits {
                with_wait: suppress(now.waits.len() as i64, min),
                median_days: median,
                p25_days: quantile(&now.waits, 0.25).unwrap_or_default().round() as i64,
                p75_days: quantile(&now.waits, 0.75).unwrap_or_default().round() as i64,
                norm_days,
                norm_name: barrier.and_then(|b| b.promotion.wait_norm_name.clone()),
                above_norm: norm_days.is_some_and(|n| median > n),
            }
        });
        let notes: Vec<String> = ids
            .iter()
            .flat_map(|id| decisions.get(id).map(Vec::as_slice).unwrap_or(&[]))
            .filter(|d| matches!(d.action, Action::Notitie) && !d.reason.is_empty())
            .map(|d| d.reason.clone())
            .collect();
        // The latest recommendation of any of its clusters.
        let aanbeveling = ids
            .iter()
            .flat_map(|id| decisions.get(id).map(Vec::as_slice).unwrap_or(&[]))
            .filter(|d| matches!(d.action, Action::Aanbeveling) && !d.reason.is_empty())
            .max_by_key(|d| d.seq)
            .map(|d| d.reason.clone());
        let owner = clusters
            .iter()
            .find_map(|c| c.standing.owner.clone())
            .or_else(|| barrier.map(|b| b.owner.clone()))
            .unwrap_or_default();
        knelpunten.push(Knelpunt {
            barrier: barrier_id.to_string(),
            title: barrier.map_or(barrier_id.to_string(), |b| b.title.clone()),
            kader: barrier.map(|b| b.kader.clone()).unwrap_or_default(),
            owner,
            programme: clusters.iter().find_map(|c| c.standing.programme.clone()),
            section,
            signals: suppress(now.signals, min),
            sources: crate::release::breadth(now.sources, min),
            areas: crate::release::breadth(now.areas.len() as i64, min),
            area_names: now
                .areas
                .iter()
                .filter(|(_, n)| **n >= min)
                .map(|(a, _)| a.clone())
                .collect(),
            previous: previous_published.unwrap_or_else(|| suppress(previous_raw, min)),
            trend_svg: String::new(),
            trend,
            waits,
            co_occurring: co_occurring(store, rules, &ids, quarter, min).await?,
            vignettes: vignettes(store, &ids).await?,
            notes,
            cluster_ids: ids,
            level: "",
            aanbeveling,
            raw_signals: now.signals,
            area_counts: now.areas.clone(),
        });
    }
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

/// Other barriers in the same signals this quarter, only pairs of at least `min` signals.
async fn co_occurring(
    store: &Store,
    rules: &RuleSet,
    ids: &[String],
    quarter: Quarter,
    min: i64,
) -> anyhow::Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (3..ids.len() + 3).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT o.barrier, COUNT(*) AS n FROM signal_barriers b JOIN signal_barriers o \
         ON o.source = b.source AND o.signal_id = b.signal_id AND o.barrier <> b.barrier \
         WHERE b.observed_on >= $1 AND b.observed_on < $2 AND b.cluster_id IN ({}) \
         GROUP BY o.barrier ORDER BY n DESC, o.barrier",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql)
        .bind(quarter.start().to_string())
        .bind(quarter.end().to_string());
    for id in ids {
        query = query.bind(id);
    }
    let rows = query
        .fetch_all(store.pool())
        .await
        .context("samenloop van knelpunten lezen")?;
    let mut out = Vec::new();
    for row in &rows {
        let barrier: String = row.try_get("barrier")?;
        let n: i64 = row.try_get("n")?;
        if n >= min {
            let title = rules
                .barriers()
                .iter()
                .find(|b| b.id == barrier)
                .map_or(barrier.clone(), |b| b.title.clone());
            out.push(format!("{title} ({n})"));
        }
    }
    Ok(out)
}

/// Up to two reviewer-approved vignettes (scrubbed texts) of these clusters.
async fn vignettes(store: &Store, ids: &[String]) -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::new();
    for id in ids {
        let rows = sqlx::query(
            "SELECT s.text FROM vignettes v JOIN signals s ON s.source = v.source AND s.id = v.signal_id \
             WHERE v.cluster_id = $1 ORDER BY v.approved_at",
        )
        .bind(id)
        .fetch_all(store.pool())
        .await
        .context("vignetten lezen")?;
        for row in &rows {
            texts.push(row.try_get::<String, _>("text")?);
        }
    }
    texts.truncate(2);
    Ok(texts)
}

/// Approves a scrubbed signal of a cluster as a vignette for the brief.
pub async fn approve_vignette(
    store: &Store,
    cluster_id: &str,
    source: &str,
    signal_id: &str,
    by: &str,
) -> anyhow::Result<bool> {
    let member = sqlx::query(
        "SELECT 1 AS one FROM signal_barriers WHERE cluster_id = $1 AND source = $2 AND signal_id = $3",
    )
    .bind(cluster_id)
    .bind(source)
    .bind(signal_id)
    .fetch_optional(store.pool())
    .await
    .context("signaal van cluster zoeken")?
    .is_some();
    if !member {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO vignettes (cluster_id, source, signal_id, approved_by, approved_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cluster_id, source, signal_id) DO NOTHING",
    )
    .bind(cluster_id)
    .bind(source)
    .bind(signal_id)
    .bind(by)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(store.pool())
    .await
    .context("vignet vastleggen")?;
    Ok(true)
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
            .filter(|(level, _)| level.level != crate::release::Level::Gemeente)
            .map(|(level, row)| {
                level
                    .table
                    .columns
                    .iter()
                    .enumerate()
                    .filter(|(column, _)| {
                        matches!(
                            level.table.get(Position::Cell { row, column: *column }),
                            Some(Cell::Shown(n)) if n > 0
                        )
                    })
                    .map(|(_, area)| area.clone())
                    .collect()
            })
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
