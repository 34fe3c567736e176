//! The overview from the store: its candidates, the month's release through the disclosure
//! step (or the frozen one of a published overview), and publishing it.

use super::*;
use crate::digest::Digest;
use crate::release::{Counts, Release};
use anyhow::Context;
use knooppunt_domain::review::assigned;
use knooppunt_store::Store;
use std::collections::{BTreeMap, BTreeSet};

/// A published overview as stored: the snapshot's figures (read by every later audit as
/// [`Figures`]) and why each knelpunt was listed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Frozen {
    #[serde(flatten)]
    figures: Figures,
    reasons: BTreeMap<String, Reason>,
}

impl MonthlyOverview {
    /// The overview of `month` from the store: frozen figures when it was published, else
    /// the month's counts through the disclosure step with everything published.
    pub async fn gather(
        store: &Store,
        catalog: &Catalog,
        month: Month,
        min: i64,
        wider_areas: &BTreeMap<String, String>,
        today: NaiveDate,
    ) -> anyhow::Result<Self> {
        let key = month.to_string();
        let frozen = store.snapshot::<Frozen>(&key, SNAPSHOT_KEY).await?;
        let mut candidates = candidates(store, month, min, today).await?;
        let mut documents = None;
        let (release, published) = match frozen {
            Some(snapshot) => {
                documents = snapshot.figures.figures.documents.clone();
                (as_published(&mut candidates, snapshot.figures), true)
            }
            None => (
                audited(store, &candidates, (month, min), wider_areas).await?,
                false,
            ),
        };
        let previous = store
            .snapshot::<Frozen>(&month.previous().to_string(), SNAPSHOT_KEY)
            .await?
            .map(|s| s.figures.figures.totals);
        let brief = crate::snapshot::latest(store, "").await?;
        let mut overview = compose(
            month,
            &candidates,
            release,
            Published {
                previous: previous.as_ref(),
                brief: brief.as_ref().map(|(q, f)| (q.as_str(), f)),
            },
            catalog,
            min,
            today,
        );
        overview.published = published;
        overview.documents = documents;
        Ok(overview)
    }

    fn already_published(&self) -> crate::snapshot::AlreadyPublished {
        crate::snapshot::AlreadyPublished(format!(
            "maand {}: het maandoverzicht is al gepubliceerd en blijft zoals het is",
            self.month
        ))
    }

    /// Freezes the overview as published (once per month): later briefs and overviews are
    /// audited together with it.
    pub async fn publish(&mut self, store: &Store, by: &str) -> anyhow::Result<()> {
        if self.published {
            return Err(self.already_published().into());
        }
        let totals = self
            .reasons
            .keys()
            .map(|barrier| {
                let total = self
                    .release
                    .find(barrier)
                    .and_then(|(level, row)| level.table.get(Position::RowTotal { row }))
                    .unwrap_or(Cell::Suppressed)
                    .render(self.min_group_size as u64);
                (barrier.clone(), total)
            })
            .collect();
        let table = self
            .release
            .levels
            .first()
            .map_or_else(empty_table, |l| l.table.clone());
        // The text as it goes out, frozen with the figures.
        let mut published = self.clone();
        published.published = true;
        let (markdown, html) = published.render()?;
        let documents = crate::snapshot::Documents { markdown, html };
        let frozen = Frozen {
            figures: Figures {
                clusters: self.clusters.clone(),
                levels: self.release.levels.clone(),
                documents: Some(documents.clone()),
                ..Figures::of(table, totals)
            },
            reasons: self.reasons.clone(),
        };
        let publication = knooppunt_store::snapshots::Publication {
            quarter: &self.month,
            programme: SNAPSHOT_KEY,
            by,
            rules_version: &self.rules_version,
        };
        // Published as the original version, with the counts behind it (never shown), so
        // every later audit reads it like a published brief.
        if !store
            .publish_original(publication, &frozen, &self.counts)
            .await?
        {
            return Err(self.already_published().into());
        }
        self.published = true;
        self.documents = Some(documents);
        Ok(())
    }
}

/// A published overview's release, and its knelpunten as published whatever the counts say now.
fn as_published(candidates: &mut Vec<Candidate>, frozen: Frozen) -> Release {
    candidates.retain(|c| frozen.reasons.contains_key(&c.barrier));
    for (barrier, reason) in &frozen.reasons {
        match candidates.iter_mut().find(|c| &c.barrier == barrier) {
            Some(c) => c.reason = *reason,
            None => candidates.push(Candidate {
                barrier: barrier.clone(),
                reason: *reason,
                owner: String::new(),
                programme: None,
                counts: BTreeMap::new(),
                cluster_ids: Vec::new(),
            }),
        }
    }
    Release {
        levels: frozen.figures.levels,
        context_leaks: Vec::new(),
    }
}

/// The month's counts through the disclosure step, together with every published version and
/// the figures the brief of the month's quarter will publish, unless it is out already.
async fn audited(
    store: &Store,
    candidates: &[Candidate],
    (month, min): (Month, i64),
    wider_areas: &BTreeMap<String, String>,
) -> anyhow::Result<Release> {
    let key = month.to_string();
    let versions = crate::snapshot::all_versions(store).await?;
    let current: Counts = candidates
        .iter()
        .map(|c| (c.barrier.clone(), c.counts.clone()))
        .collect();
    let mut context = crate::snapshot::context(
        &versions,
        (&key, SNAPSHOT_KEY),
        false,
        &current,
        wider_areas,
    );
    let barriers: Vec<String> = candidates.iter().map(|c| c.barrier.clone()).collect();
    let wijken: Vec<String> = candidates
        .iter()
        .flat_map(|c| c.counts.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let quarter = month.quarter().to_string();
    if !versions
        .iter()
        .any(|v| v.quarter == quarter && v.programme.is_empty())
    {
        watch_brief(&mut context, &quarter, &barriers, &wijken);
    }
    release_month(candidates, month, min, wider_areas, &mut context)
}

/// The knelpunten (confirmed, or back) that are new or growing in `month`, with their
/// signals per wijk this month.
async fn candidates(
    store: &Store,
    month: Month,
    min: i64,
    today: NaiveDate,
) -> anyhow::Result<Vec<Candidate>> {
    let reviewed = crate::review_store::reviewed_clusters(store, today).await?;
    let decisions = crate::review_store::all_decisions(store).await?;
    let groups = crate::knelpunten::groups(&reviewed, None);
    let ids: Vec<String> = groups.iter().flat_map(|g| g.ids.clone()).collect();
    let previous = month.previous();
    let rows = store
        .knelpunt_rows(
            &ids,
            (previous.start(), month.end()),
            (month.start(), month.end()),
        )
        .await
        .context("maandcijfers lezen")?;
    let keys: BTreeSet<String> = rows.monthly.iter().map(|r| r.area_key.clone()).collect();
    let names = store.area_names(&keys).await?;
    let (this, last) = (month, previous);
    let mut out = Vec::new();
    for group in groups {
        if group
            .clusters
            .iter()
            .all(|c| c.standing.state == State::Solved && !c.standing.returned)
        {
            continue;
        }
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        let mut before = 0;
        for row in rows
            .monthly
            .iter()
            .filter(|r| group.ids.contains(&r.cluster_id))
        {
            if row.month == this {
                let wijk = names.get(&row.area_key).unwrap_or(&row.area_key);
                *counts.entry(wijk.clone()).or_default() += row.n;
            } else if row.month == last {
                before += row.n;
            }
        }
        let confirmed_now = group.ids.iter().any(|id| {
            decisions.get(id).into_iter().flatten().any(|d| {
                matches!(d.action, Action::Confirm)
                    && Month::containing(knooppunt_domain::dutch_time::local_day(&d.decided_at))
                        == month
            })
        });
        let now: i64 = counts.values().sum();
        let Some(reason) = reason(confirmed_now, now, before, min) else {
            continue;
        };
        out.push(Candidate {
            barrier: group.barrier.to_string(),
            reason,
            owner: assigned(group.clusters.iter().map(|c| c.standing.owner.as_deref()))
                .unwrap_or_default(),
            programme: assigned(
                group
                    .clusters
                    .iter()
                    .map(|c| c.standing.programme.as_deref()),
            ),
            counts,
            cluster_ids: group.ids,
        });
    }
    Ok(out)
}
