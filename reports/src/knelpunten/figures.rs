//! What the knelpunten of one brief read from the store, per cluster, and their figures.

use knooppunt_domain::quarter::Quarter;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The figures of a set of clusters in a period.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Figures {
    pub(super) signals: i64,
    pub(super) sources: i64,
    pub(super) areas: BTreeMap<String, i64>,
    pub(super) waits: Vec<i64>,
}

/// What the knelpunten of one brief need from `signal_barriers`, per cluster, read in a fixed
/// number of queries whatever the number of knelpunten (each query names every selected
/// cluster at once and is answered from the indexes on `cluster_id`).
#[derive(Debug, Default)]
pub(super) struct ClusterFigures {
    /// Signals per cluster and quarter (this quarter and the four before it).
    counts: BTreeMap<(String, Quarter), i64>,
    /// This quarter: signals per cluster and wijk (by its area key).
    areas: HashMap<String, BTreeMap<String, i64>>,
    /// This quarter: the sources per cluster.
    sources: HashMap<String, HashSet<String>>,
    /// This quarter: per cluster, (waiting time, signals with it).
    waits: HashMap<String, Vec<(i64, i64)>>,
    /// This quarter: per cluster, signals that also carry another barrier.
    co_occurring: HashMap<String, BTreeMap<String, i64>>,
    /// Approved vignettes per cluster, oldest approval first.
    vignettes: HashMap<String, Vec<String>>,
    /// The day of the earliest stored signal: quarters before it were not measured.
    pub(super) measured_from: Option<chrono::NaiveDate>,
    /// A wijk's name per area key.
    area_names: HashMap<String, String>,
}

impl ClusterFigures {
    pub(super) async fn read(
        store: &Store,
        ids: &[String],
        quarter: Quarter,
    ) -> anyhow::Result<Self> {
        let mut out = Self {
            measured_from: store.first_observed_on().await?,
            ..Self::default()
        };
        if ids.is_empty() {
            return Ok(out);
        }
        let first = (0..4).fold(quarter, |q, _| q.previous());
        let rows = store
            .knelpunt_rows(
                ids,
                (first.start(), quarter.end()),
                (quarter.start(), quarter.end()),
            )
            .await?;
        let mut area_keys = std::collections::BTreeSet::new();
        for row in rows.monthly {
            let q = row.month.quarter();
            *out.counts.entry((row.cluster_id.clone(), q)).or_default() += row.n;
            if q == quarter {
                *out.areas
                    .entry(row.cluster_id)
                    .or_default()
                    .entry(row.area_key.clone())
                    .or_default() += row.n;
                area_keys.insert(row.area_key);
            }
        }
        for (cluster, source) in rows.sources {
            out.sources.entry(cluster).or_default().insert(source);
        }
        for wait in rows.waits {
            out.waits
                .entry(wait.cluster_id)
                .or_default()
                .push((wait.wait_days, wait.n));
        }
        for co in rows.co_occurring {
            *out.co_occurring
                .entry(co.cluster_id)
                .or_default()
                .entry(co.barrier)
                .or_default() += co.n;
        }
        for (cluster, text) in rows.vignettes {
            out.vignettes.entry(cluster).or_default().push(text);
        }
        out.area_names = store.area_names(&area_keys).await?;
        Ok(out)
    }

    /// The figures of a knelpunt (its clusters together) this quarter.
    pub(super) fn now(&self, ids: &[String], quarter: Quarter) -> Figures {
        let mut figures = Figures::default();
        let mut sources = HashSet::new();
        for id in ids {
            figures.signals += self.count(id, quarter);
            for (area_key, n) in self.areas.get(id).into_iter().flatten() {
                let name = self
                    .area_names
                    .get(area_key)
                    .cloned()
                    .unwrap_or_else(|| area_key.clone());
                *figures.areas.entry(name).or_default() += n;
            }
            sources.extend(self.sources.get(id).into_iter().flatten());
            for (wait, n) in self.waits.get(id).into_iter().flatten() {
                figures
                    .waits
                    .extend(std::iter::repeat_n(*wait, (*n).max(0) as usize));
            }
        }
        figures.sources = sources.len() as i64;
        figures.waits.sort_unstable();
        figures
    }

    /// Other barriers in the same signals this quarter, most frequent first, only those of at
    /// least `min` signals: "title (n)".
    pub(super) fn co_occurring(&self, catalog: &Catalog, ids: &[String], min: i64) -> Vec<String> {
        let mut per_barrier: BTreeMap<&str, i64> = BTreeMap::new();
        for id in ids {
            for (barrier, n) in self.co_occurring.get(id).into_iter().flatten() {
                *per_barrier.entry(barrier).or_default() += n;
            }
        }
        let mut pairs: Vec<(&str, i64)> = per_barrier.into_iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        pairs
            .into_iter()
            .filter(|(_, n)| *n >= min)
            .map(|(barrier, n)| {
                let title = catalog.title(barrier);
                format!("{title} ({n})")
            })
            .collect()
    }

    /// Up to two reviewer-approved vignettes (scrubbed texts) of these clusters.
    pub(super) fn vignettes(&self, ids: &[String]) -> Vec<String> {
        ids.iter()
            .flat_map(|id| self.vignettes.get(id).into_iter().flatten())
            .take(2)
            .cloned()
            .collect()
    }

    pub(super) fn count(&self, id: &str, quarter: Quarter) -> i64 {
        self.counts
            .get(&(id.to_string(), quarter))
            .copied()
            .unwrap_or(0)
    }
}
