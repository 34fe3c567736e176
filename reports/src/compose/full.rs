//! The whole brief: the knelpunten the overleg confirmed, their tables through the disclosure
//! step, and the sections they are listed in.

use crate::brief::{Brief, Section, TableView};
use crate::disclosure;
use crate::{coverage, knelpunten, rectification, release, snapshot};
use chrono::NaiveDate;
use knooppunt_domain::quarter::Quarter;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_store::Store;
use std::collections::{BTreeMap, BTreeSet};

const SECTIONS: [(&str, &str); 5] = [
    ("nieuw", "Nieuw"),
    ("groeiend", "Groeiend"),
    ("aanhoudend", "Aanhoudend"),
    ("terug", "Terug"),
    ("opgelost", "Opgelost"),
];

/// What the brief's quarter needs from the published history: the previous quarter's table
/// (the disclosure step checks against it) and the totals of the four quarters before, as
/// published.
struct History {
    previous_table: Option<disclosure::PublishedTable>,
    totals: BTreeMap<String, snapshot::Published>,
}

/// Which edition of a quarter's brief to gather.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// The version in force when published (the latest rectificatie), else a draft.
    Current,
    /// One published version (1 for the original).
    Version(i64),
    /// A rectificatie of a published brief: counted anew and audited together with every
    /// version published before.
    Rectification,
}

impl Brief {
    /// The whole brief: the overview of all signals plus the knelpunten the overleg confirmed,
    /// their table through the disclosure step (checked against last quarter's published
    /// brief), trends against the four quarters before (as published where they were).
    pub async fn gather_full(
        store: &Store,
        catalog: &Catalog,
        quarter: Quarter,
        programme: Option<&str>,
        min_group_size: i64,
        wider_areas: &BTreeMap<String, String>,
        generated_on: NaiveDate,
    ) -> anyhow::Result<Self> {
        Self::gather_edition(
            store,
            catalog,
            (quarter, programme),
            min_group_size,
            wider_areas,
            generated_on,
            Edition::Current,
        )
        .await
    }

    /// [`Brief::gather_full`] for one edition: the version in force, a published version, or
    /// a new rectificatie (see [`Edition`]).
    pub async fn gather_edition(
        store: &Store,
        catalog: &Catalog,
        (quarter, programme): (Quarter, Option<&str>),
        min_group_size: i64,
        wider_areas: &BTreeMap<String, String>,
        generated_on: NaiveDate,
        edition: Edition,
    ) -> anyhow::Result<Self> {
        let mut brief = Self::gather(store, catalog, quarter, min_group_size, generated_on).await?;
        let programme_key = programme.unwrap_or_default();
        let versions = snapshot::versions(store, &quarter.to_string(), programme_key).await?;
        let shown = shown_version(&versions, edition, quarter, programme_key)?;
        let history = history(store, quarter, programme_key).await?;
        let scope = knelpunten::Scope {
            store,
            catalog,
            quarter,
            programme,
            min_group_size,
            today: generated_on,
        };
        let mut knelpunten = knelpunten::gather(scope, &history.totals).await?;
        // A published quarter shows the vignettes it published, also after retention
        // removed them from the live store.
        if let Some(own) = shown.or(versions.last()) {
            for knelpunt in knelpunten.iter_mut().filter(|k| k.vignettes.is_empty()) {
                if let Some(published) = own.figures.vignettes.get(&knelpunt.barrier) {
                    knelpunt.vignettes = published.clone();
                }
            }
        }
        let target = Target {
            quarter: quarter.to_string(),
            programme,
            min_group_size,
            wider_areas,
        };
        let frozen = shown.filter(|v| !v.figures.levels.is_empty());
        let (release, published) = match frozen {
            Some(version) => {
                let release = release::Release {
                    levels: version.figures.levels.clone(),
                    context_leaks: Vec::new(),
                };
                knelpunten::apply(&mut knelpunten, &release, min_group_size);
                (release, true)
            }
            None => {
                self::release(
                    store,
                    &target,
                    &mut knelpunten,
                    history.previous_table.as_ref(),
                    edition == Edition::Rectification,
                )
                .await?
            }
        };
        // A version that was published is shown as published, also when it published no
        // table at any level (every count too small) or dates from before levels were kept.
        let published = published || shown.is_some();
        brief.published = published;
        brief.tables = tables(&release, &knelpunten);
        brief.sections = sections(&knelpunten);
        brief.knelpunten_total = knelpunten.len();
        brief.programme = programme.map(str::to_string);
        brief.context_leaks = release.context_leaks.len();
        brief.coverage = Some(coverage::gather(store, quarter, min_group_size).await?);
        brief.release = Some(release);
        brief.knelpunten = knelpunten;
        brief.mark_version(shown.filter(|_| published), &versions, edition);
        brief.frozen_documents = shown
            .filter(|_| published)
            .and_then(|version| version.figures.documents.clone());
        Ok(brief)
    }

    /// The version number a brief carries, its frozen recognition, and what a rectification
    /// changed against the version before.
    fn mark_version(
        &mut self,
        shown: Option<&snapshot::Version>,
        versions: &[snapshot::Version],
        edition: Edition,
    ) {
        let titles = self.titles();
        if let Some(version) = shown {
            self.version = Some(version.number);
            if let Some(frozen) = &version.figures.recognition {
                self.apply_frozen_recognition(frozen);
            }
            let before = versions.iter().rev().find(|v| v.number < version.number);
            if let Some(before) = before {
                self.rectification = Some(rectification::of_version(before, version, &titles));
            }
        }
        if edition == Edition::Rectification {
            if let (Some(last), Some(release)) = (versions.last(), &self.release) {
                self.version = Some(last.number + 1);
                self.rectification = Some(rectification::Rectification {
                    version: last.number + 1,
                    replaces: last.number,
                    replaces_date: crate::dutch::date(last.published_on()),
                    reason: String::new(),
                    changes: rectification::changes(
                        &last.figures,
                        last.counts.as_ref(),
                        &release.levels,
                        &self.counts(),
                        &titles,
                    ),
                });
            }
        }
    }

    /// Knelpunt titles by barrier id.
    fn titles(&self) -> BTreeMap<String, String> {
        self.knelpunten
            .iter()
            .map(|k| (k.barrier.clone(), k.title.clone()))
            .collect()
    }

    /// The counts behind this brief's figures, per knelpunt and wijk (never shown).
    pub fn counts(&self) -> snapshot::Counts {
        self.knelpunten
            .iter()
            .map(|k| (k.barrier.clone(), k.area_counts.clone()))
            .collect()
    }
}

/// The four quarters before `quarter`, as published for this programme.
async fn history(store: &Store, quarter: Quarter, programme: &str) -> anyhow::Result<History> {
    let mut history = History {
        previous_table: None,
        totals: BTreeMap::new(),
    };
    let mut q = quarter;
    for _ in 0..4 {
        q = q.previous();
        if let Some(figures) = snapshot::load(store, &q.to_string(), programme).await? {
            if q == quarter.previous() {
                history.previous_table = Some(figures.table.clone());
            }
            history.totals.insert(q.to_string(), figures.totals);
        }
    }
    Ok(history)
}

/// The brief a release is for.
struct Target<'a> {
    quarter: String,
    programme: Option<&'a str>,
    min_group_size: i64,
    wider_areas: &'a BTreeMap<String, String>,
}

/// The knelpunten's figures through the disclosure step, counted anew. Everything already
/// published (earlier quarters, other programmes, and for a rectificatie every earlier
/// version of this brief) is audited together with this brief. The second value says
/// whether the figures are published ones (never: they were just counted).
async fn release(
    store: &Store,
    target: &Target<'_>,
    knelpunten: &mut [knelpunten::Knelpunt],
    previous_table: Option<&disclosure::PublishedTable>,
    rectifying: bool,
) -> anyhow::Result<(release::Release, bool)> {
    let programme_key = target.programme.unwrap_or_default();
    let versions = snapshot::all_versions(store).await?;
    let current: snapshot::Counts = knelpunten
        .iter()
        .map(|k| (k.barrier.clone(), k.area_counts.clone()))
        .collect();
    let mut context = snapshot::context(
        &versions,
        (&target.quarter, programme_key),
        rectifying,
        &current,
        target.wider_areas,
    );
    if target.programme.is_none() {
        // The programmes' briefs of this quarter will publish their own sums.
        let (groups, areas) = programme_groups(knelpunten);
        context.watch_groups(&target.quarter, &groups, &areas);
    }
    let output = if rectifying {
        let next = versions
            .iter()
            .filter(|v| v.quarter == target.quarter && v.programme == programme_key)
            .map(|v| v.number)
            .max()
            .unwrap_or(1)
            + 1;
        snapshot::versioned_output_name(&target.quarter, programme_key, next)
    } else {
        snapshot::output_name(&target.quarter, programme_key)
    };
    let release = knelpunten::publish(
        knelpunten,
        target.min_group_size,
        previous_table,
        target.wider_areas,
        &target.quarter,
        &output,
        &mut context,
    )?;
    Ok((release, false))
}

/// The knelpunten by programme, and every area they have counts in.
fn programme_groups(
    knelpunten: &[knelpunten::Knelpunt],
) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in knelpunten {
        if let Some(p) = &k.programme {
            groups.entry(p.clone()).or_default().push(k.barrier.clone());
        }
    }
    let areas: BTreeSet<String> = knelpunten
        .iter()
        .flat_map(|k| k.area_counts.keys().cloned())
        .collect();
    (groups, areas.into_iter().collect())
}

/// The released tables as the templates show them, rows by knelpunt title.
fn tables(release: &release::Release, knelpunten: &[knelpunten::Knelpunt]) -> Vec<TableView> {
    let title = |id: &str| {
        knelpunten
            .iter()
            .find(|k| k.barrier == id)
            .map_or(id.to_string(), |k| k.title.clone())
    };
    release
        .levels
        .iter()
        .map(|level| TableView::of_level(level, title))
        .collect()
}

/// The knelpunten by section, in the sections' order, leaving out empty ones.
fn sections(knelpunten: &[knelpunten::Knelpunt]) -> Vec<Section> {
    SECTIONS
        .iter()
        .map(|(id, label)| Section {
            id,
            label,
            knelpunten: knelpunten
                .iter()
                .filter(|k| k.section == *id)
                .cloned()
                .collect(),
        })
        .filter(|s| !s.knelpunten.is_empty())
        .collect()
}

/// The published version a brief shows: the one asked for, the one in force, or none for a
/// rectification (which needs every earlier version's counts).
fn shown_version<'v>(
    versions: &'v [snapshot::Version],
    edition: Edition,
    quarter: Quarter,
    programme_key: &str,
) -> anyhow::Result<Option<&'v snapshot::Version>> {
    Ok(match edition {
        Edition::Current => versions.last(),
        Edition::Version(n) => Some(versions.iter().find(|v| v.number == n).ok_or_else(|| {
            anyhow::anyhow!(
                "versie: de brief van {quarter} heeft geen versie {n} (er zijn er {})",
                versions.len()
            )
        })?),
        Edition::Rectification => {
            if versions.is_empty() {
                return Err(snapshot::not_published(&quarter.to_string(), programme_key));
            }
            if versions.iter().any(|v| v.counts.is_none()) {
                anyhow::bail!(
                    "kwartaal {quarter}: deze brief is gepubliceerd voordat Knooppunt de \
                     aantallen achter een publicatie bewaarde; een rectificatie kan daarom \
                     niet veilig worden gecontroleerd"
                );
            }
            None
        }
    })
}
