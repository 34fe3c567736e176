//! Published briefs, frozen. A published quarter's figures are stored exactly as published
//! (after suppression); later briefs compare against them, never against a recount.

use crate::disclosure::PublishedTable;
use knooppunt_store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A published brief's knelpunt counts, by barrier.
pub type Published = BTreeMap<String, String>;

/// What a snapshot holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    /// The knelpunt × wijk table as published.
    pub table: PublishedTable,
    /// Per knelpunt (barrier id): its count as published.
    pub totals: Published,
    /// Per knelpunt: the clusters its figures came from.
    pub clusters: BTreeMap<String, Vec<String>>,
    /// Per knelpunt: the approved vignettes as published. They stay here after retention
    /// removes them from the live store.
    #[serde(default)]
    pub vignettes: BTreeMap<String, Vec<String>>,
    /// Every table as published, per level (wijk, stadsdeel, gemeente), with the wijken each
    /// column stands for. Empty in snapshots from before levels existed: then `table` is all.
    #[serde(default)]
    pub levels: Vec<crate::release::PublishedLevel>,
    /// How accurate recognition was when it was published, and the ranges it gave each
    /// knelpunt count: frozen with the figures, so the brief reads the same later, also
    /// after labels or the model changed. `None` in snapshots from before it was kept.
    #[serde(default)]
    pub recognition: Option<FrozenRecognition>,
    /// The brief as published, Markdown and HTML: served as it was for this version ever
    /// after (the PDF printed from it), so two downloads of one version never differ — a
    /// difference would give away late signals and small counts. `None` in snapshots from
    /// before 2026-12-02: those are composed again around their frozen figures.
    #[serde(default)]
    pub documents: Option<Documents>,
}

impl Figures {
    /// A table and its totals, with nothing else kept beside them (no clusters, vignettes,
    /// levels, recognition or documents): what a caller fills in further.
    pub fn of(table: PublishedTable, totals: Published) -> Self {
        Self {
            table,
            totals,
            clusters: BTreeMap::new(),
            vignettes: BTreeMap::new(),
            levels: Vec::new(),
            recognition: None,
            documents: None,
        }
    }
}

/// A published brief's text, as it went out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Documents {
    pub markdown: String,
    pub html: String,
}

/// Recognition as published: the methods appendix and, per knelpunt (barrier id), its range
/// ("34–41").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FrozenRecognition {
    pub view: crate::accuracy::View,
    pub ranges: BTreeMap<String, String>,
}

/// The counts behind a version's figures, per knelpunt and wijk (never shown).
pub type Counts = crate::release::Counts;

/// One published version of a quarter's brief: the original (1) or a rectificatie.
#[derive(Debug, Clone)]
pub struct Version {
    pub quarter: String,
    pub programme: String,
    pub number: i64,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub published_by: String,
    pub reason: String,
    pub figures: Figures,
    /// `None` for an original published before versions were kept.
    pub counts: Option<Counts>,
}

impl Version {
    fn from_store(v: knooppunt_store::snapshot_versions::SnapshotVersion<Figures, Counts>) -> Self {
        Self {
            quarter: v.quarter,
            programme: v.programme,
            number: v.version,
            published_at: v.published_at,
            published_by: v.published_by,
            reason: v.reason,
            figures: v.figures,
            counts: v.counts,
        }
    }

    /// The day it was published, in Dutch time.
    pub fn published_on(&self) -> chrono::NaiveDate {
        knooppunt_domain::dutch_time::local_day(&self.published_at)
    }

    /// Its name in the joint audit.
    pub fn output(&self) -> String {
        versioned_output_name(&self.quarter, &self.programme, self.number)
    }
}

/// The name of a version of a published output: the original keeps [`output_name`].
pub fn versioned_output_name(quarter: &str, programme: &str, version: i64) -> String {
    if version <= 1 {
        output_name(quarter, programme)
    } else {
        format!("{} versie {version}", output_name(quarter, programme))
    }
}

/// The refusal to publish what is published already (Dutch, naming the period): another
/// publication won, perhaps a moment ago in another process. Callers tell it from a failure by
/// its type (`anyhow::Error::downcast_ref`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AlreadyPublished(pub String);

/// The message when a published brief is published again.
fn already_published(quarter: &str, programme: &str) -> String {
    format!(
        "kwartaal {quarter}{}: de brief is al gepubliceerd en blijft zoals hij is; een \
         correctie kan alleen met een rectificatie (knooppunt brief --quarter {quarter}{} \
         --rectificatie \"reden\")",
        programme_suffix(programme),
        if programme.is_empty() {
            String::new()
        } else {
            format!(" --programme {programme}")
        }
    )
}

fn programme_suffix(programme: &str) -> String {
    if programme.is_empty() {
        String::new()
    } else {
        format!(" (programma {programme})")
    }
}

/// Freezes a quarter's brief (version 1) with the counts behind it. A quarter (per
/// programme) is published once: a second attempt is refused and points to a rectificatie,
/// so what the municipality received stays what the next brief compares with.
pub async fn publish(
    store: &Store,
    publication: knooppunt_store::snapshots::Publication<'_>,
    figures: &Figures,
    counts: &Counts,
) -> anyhow::Result<()> {
    let inserted = store.publish_original(publication, figures, counts).await?;
    if !inserted {
        return Err(AlreadyPublished(already_published(
            publication.quarter,
            publication.programme,
        ))
        .into());
    }
    Ok(())
}

/// Adds a rectificatie of a published quarter: the next version, beside the earlier ones.
/// Returns its number; refused when nothing was published for the quarter and programme.
pub async fn rectify(
    store: &Store,
    publication: knooppunt_store::snapshots::Publication<'_>,
    reason: &str,
    figures: &Figures,
    counts: &Counts,
) -> anyhow::Result<i64> {
    match store
        .rectify_snapshot(publication, reason, figures, counts)
        .await?
    {
        Some(version) => Ok(version),
        None => Err(not_published(publication.quarter, publication.programme)),
    }
}

/// The refusal of a rectificatie of a quarter that was never published.
pub fn not_published(quarter: &str, programme: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "kwartaal {quarter}{}: er is nog geen gepubliceerde brief, dus niets te rectificeren; \
         publiceer eerst met --publish",
        programme_suffix(programme)
    )
}

/// Every published version of a quarter's brief, oldest first.
pub async fn versions(
    store: &Store,
    quarter: &str,
    programme: &str,
) -> anyhow::Result<Vec<Version>> {
    Ok(store
        .snapshot_versions::<Figures, Counts>(quarter, programme)
        .await?
        .into_iter()
        .map(Version::from_store)
        .collect())
}

/// Every published version of every quarter and programme.
pub async fn all_versions(store: &Store) -> anyhow::Result<Vec<Version>> {
    Ok(store
        .all_snapshot_versions::<Figures, Counts>()
        .await?
        .into_iter()
        .map(Version::from_store)
        .collect())
}

/// The published figures of a quarter, if it was published.
pub async fn load(
    store: &Store,
    quarter: &str,
    programme: &str,
) -> anyhow::Result<Option<Figures>> {
    Ok(store
        .snapshot::<Figures>(quarter, programme)
        .await?
        .map(|s| s.figures))
}

/// The name of a published output in the joint audit.
pub fn output_name(quarter: &str, programme: &str) -> String {
    if programme.is_empty() {
        format!("brief {quarter}")
    } else {
        format!("brief {quarter} programma {programme}")
    }
}

/// Everything published, every version, as a ledger for the joint audit of a new table of
/// `quarter` whose counts are `current`. The versions of `(quarter, programme)` itself count
/// only with `own` (a rectificatie is audited together with what it corrects).
///
/// Versions of one period share their unknowns where their counts agree: a count that a
/// rectificatie changed is an atom of its own in the version that had the old value
/// ([`crate::ledger::Ledger::add_table_tagged`]). Assuming the reader knows every count that
/// stayed the same is on the safe side (the list of changes says as much). Each other
/// quarter is read against its most recent version. Snapshots from before levels existed
/// count with their one table, its columns read with the configured stadsdelen.
pub fn context(
    versions: &[Version],
    target: (&str, &str),
    own: bool,
    current: &Counts,
    wider_areas: &BTreeMap<String, String>,
) -> crate::ledger::Ledger {
    let (quarter, programme) = target;
    let mut ledger = crate::ledger::Ledger::default();
    for version in versions {
        let (q, p) = (version.quarter.as_str(), version.programme.as_str());
        if q == quarter && p == programme && !own {
            continue;
        }
        let reference = if q == quarter {
            Some(current)
        } else {
            versions
                .iter()
                .filter(|v| v.quarter == q && v.counts.is_some())
                .max_by_key(|v| v.published_at)
                .and_then(|v| v.counts.as_ref())
        };
        let tag = |barrier: &str, area: &str| -> String {
            let count = |counts: &Counts| {
                counts
                    .get(barrier)
                    .and_then(|areas| areas.get(area))
                    .copied()
                    .unwrap_or(0)
            };
            match (version.counts.as_ref(), reference) {
                (Some(own), Some(reference)) if count(own) != count(reference) => {
                    crate::ledger::corrected_period(q, count(own))
                }
                _ => q.to_string(),
            }
        };
        let output = version.output();
        let figures = &version.figures;
        if figures.levels.is_empty() {
            ledger.add_table_tagged(
                &output,
                &figures.table,
                &|c| crate::ledger::column_areas(c, wider_areas),
                &tag,
            );
        }
        for level in &figures.levels {
            ledger.add_table_tagged(&output, &level.table, &|c| level.members(c), &tag);
        }
    }
    ledger
}

/// The latest published quarter of a programme ("" for the whole brief) with its figures.
pub async fn latest(store: &Store, programme: &str) -> anyhow::Result<Option<(String, Figures)>> {
    Ok(store
        .latest_snapshot::<Figures>(programme)
        .await?
        .map(|s| (s.quarter, s.figures)))
}

impl Figures {
    /// A knelpunt as published: its count and the areas (wijken or stadsdelen) with a shown,
    /// non-zero figure. Only what the brief itself showed, so a page that repeats it adds
    /// nothing to the joint audit.
    pub fn published(&self, barrier: &str) -> Option<(String, Vec<String>)> {
        use crate::disclosure::{Cell, Position};
        let total = self.totals.get(barrier)?.clone();
        let tables: Vec<&PublishedTable> = if self.levels.is_empty() {
            vec![&self.table]
        } else {
            self.levels.iter().map(|l| &l.table).collect()
        };
        let areas = tables
            .into_iter()
            .find_map(|table| {
                let row = table.rows.iter().position(|r| r == barrier)?;
                Some(
                    table
                        .columns
                        .iter()
                        .enumerate()
                        .filter(|(column, name)| {
                            name.as_str() != crate::release::MUNICIPALITY
                                && matches!(
                                    table.get(Position::Cell { row, column: *column }),
                                    Some(Cell::Shown(n)) if n > 0
                                )
                        })
                        .map(|(_, name)| name.clone())
                        .collect(),
                )
            })
            .unwrap_or_default();
        Some((total, areas))
    }
}
