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
}

/// Freezes a quarter's brief. A quarter (per programme) is published once: a second attempt
/// is refused, so what the municipality received stays what the next brief compares with.
pub async fn publish(
    store: &Store,
    quarter: &str,
    programme: &str,
    by: &str,
    rules_version: &str,
    figures: &Figures,
) -> anyhow::Result<()> {
    let publication = knooppunt_store::snapshots::Publication {
        quarter,
        programme,
        by,
        rules_version,
    };
    let inserted = store.publish_snapshot(publication, figures).await?;
    if !inserted {
        anyhow::bail!(
            "kwartaal {quarter}{}: de brief is al gepubliceerd en blijft zoals hij is",
            if programme.is_empty() {
                String::new()
            } else {
                format!(" (programma {programme})")
            }
        );
    }
    Ok(())
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

/// Every published snapshot: quarter, programme ("" for the whole brief) and figures.
pub async fn all(store: &Store) -> anyhow::Result<Vec<(String, String, Figures)>> {
    Ok(store
        .snapshots::<Figures>()
        .await?
        .into_iter()
        .map(|s| (s.quarter, s.programme, s.figures))
        .collect())
}

/// The name of a published output in the joint audit.
pub fn output_name(quarter: &str, programme: &str) -> String {
    if programme.is_empty() {
        format!("brief {quarter}")
    } else {
        format!("brief {quarter} programma {programme}")
    }
}

/// Everything published except `(quarter, programme)` itself, as a ledger for the joint audit.
/// Snapshots from before levels existed count with their one table, its columns read with the
/// configured stadsdelen.
pub fn context(
    snapshots: &[(String, String, Figures)],
    quarter: &str,
    programme: &str,
    wider_areas: &BTreeMap<String, String>,
) -> crate::ledger::Ledger {
    let mut ledger = crate::ledger::Ledger::default();
    for (q, p, figures) in snapshots {
        if q == quarter && p == programme {
            continue;
        }
        let output = output_name(q, p);
        if figures.levels.is_empty() {
            ledger.add_table(&output, q, &figures.table, &|c| {
                crate::ledger::column_areas(c, wider_areas)
            });
        }
        for level in &figures.levels {
            ledger.add_table(&output, q, &level.table, &|c| level.members(c));
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
