//! The overview of all signals: per barrier this quarter against the previous one.

use super::{change, dutch_date};
use crate::brief::{Brief, BriefRow, Cover, PairRow};
use crate::{disclosure, release};
use chrono::NaiveDate;
use knooppunt_domain::cluster::{BarrierStats, CoOccurrence};
use knooppunt_domain::published::suppress;
use knooppunt_domain::quarter::Quarter;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;

impl Brief {
    /// Builds the brief from per-barrier figures of this and the previous quarter.
    #[allow(clippy::too_many_arguments)]
    pub fn from_stats(
        quarter: Quarter,
        catalog: &Catalog,
        current: &[BarrierStats],
        previous: &[BarrierStats],
        pairs: &[CoOccurrence],
        unclassified: i64,
        min_group_size: i64,
        generated_on: NaiveDate,
    ) -> Self {
        let rows = overview_rows(catalog, current, previous, min_group_size);
        let shown = |r: &BriefRow| r.raw_signals >= min_group_size;
        let top = rows.first().filter(|r| shown(r)).cloned();
        let end = quarter.end().pred_opt().unwrap_or_default();
        Brief {
            quarter: quarter.to_string(),
            quarter_label: quarter.dutch_label(),
            previous_label: quarter.previous().dutch_label(),
            period_from: dutch_date(quarter.start()),
            period_to: dutch_date(end),
            barriers_with_signals: rows.iter().filter(|r| shown(r)).count(),
            barrier_total: rows.len(),
            rows,
            top,
            unclassified: suppress(unclassified, min_group_size),
            co_occurrence: pairs
                .iter()
                .filter(|p| p.signals >= min_group_size)
                .map(|p| PairRow {
                    first: catalog.title(&p.first),
                    second: catalog.title(&p.second),
                    signals: p.signals,
                })
                .collect(),
            rules_version: catalog.version().to_string(),
            model_version: catalog.model_version().map(str::to_string),
            min_group_size,
            generated_on: dutch_date(generated_on),
            product_version: env!("CARGO_PKG_VERSION"),
            programme: None,
            sections: Vec::new(),
            knelpunten_total: 0,
            tables: Vec::new(),
            suppressed_symbol: disclosure::SUPPRESSED,
            cluster_key: catalog.cluster_key().describe_nl(),
            release: None,
            context_leaks: 0,
            knelpunten: Vec::new(),
            templates_dir: None,
            cover: Cover::default(),
            generated: generated_on,
            published: false,
            coverage: None,
            accuracy: None,
            version: None,
            rectification: None,
            recognition_frozen: false,
            frozen_documents: None,
        }
    }

    /// Reads this quarter's and the previous quarter's figures from the store.
    pub async fn gather(
        store: &Store,
        catalog: &Catalog,
        quarter: Quarter,
        min_group_size: i64,
        generated_on: NaiveDate,
    ) -> anyhow::Result<Self> {
        let current = store.barrier_stats(quarter.start(), quarter.end()).await?;
        let previous_quarter = quarter.previous();
        let previous = store
            .barrier_stats(previous_quarter.start(), previous_quarter.end())
            .await?;
        let unclassified = store
            .unclassified_between(quarter.start(), quarter.end())
            .await?;
        let pairs = store.co_occurrence(quarter.start(), quarter.end()).await?;
        Ok(Self::from_stats(
            quarter,
            catalog,
            &current,
            &previous,
            &pairs,
            unclassified,
            min_group_size,
            generated_on,
        ))
    }
}

/// A row per barrier of the catalog: published counts first, largest first; suppressed rows
/// after them in the catalog's order, so their position says nothing about their size either.
fn overview_rows(
    catalog: &Catalog,
    current: &[BarrierStats],
    previous: &[BarrierStats],
    min_group_size: i64,
) -> Vec<BriefRow> {
    let find = |stats: &[BarrierStats], id: &str| {
        stats
            .iter()
            .find(|s| s.barrier == id)
            .cloned()
            .unwrap_or(BarrierStats {
                barrier: id.to_string(),
                signals: 0,
                sources: 0,
                areas: 0,
            })
    };
    let mut rows: Vec<BriefRow> = catalog
        .barriers()
        .iter()
        .map(|barrier| {
            let now = find(current, &barrier.id);
            let before = find(previous, &barrier.id);
            BriefRow {
                barrier: barrier.id.clone(),
                title: barrier.title.clone(),
                kader: barrier.kader.clone(),
                owner: barrier.owner.clone(),
                signals: suppress(now.signals, min_group_size),
                sources: release::breadth(now.sources, min_group_size),
                areas: release::breadth(now.areas, min_group_size),
                previous_signals: suppress(before.signals, min_group_size),
                change: change(now.signals, before.signals, min_group_size),
                raw_signals: now.signals,
            }
        })
        .collect();
    let shown = |r: &BriefRow| r.raw_signals >= min_group_size;
    rows.sort_by(|a, b| match (shown(a), shown(b)) {
        (true, true) => b
            .raw_signals
            .cmp(&a.raw_signals)
            .then(a.title.cmp(&b.title)),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => std::cmp::Ordering::Equal,
    });
    rows
}
