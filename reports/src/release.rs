//! Publishing the knelpunten of a quarter: suppress less, say more.
//!
//! A knelpunt whose wijk figures would be hidden for more than [`ROLL_UP_SHARE`] of its wijken
//! is not shown as a row of `x` but one level up: per stadsdeel, or for the whole municipality
//! when that still hides too much. Each level is a table of its own, and every table goes
//! through the disclosure step *together with* everything published before it
//! ([`crate::ledger::protect_in_context`]): earlier levels of this brief, earlier quarters and
//! other programmes' briefs.
//!
//! Which stadsdeel a wijk belongs to is asked of one function, [`stadsdeel_of`], so that a wijken
//! register can replace the configured `[brief.wider_areas]` mapping in one place.

use crate::disclosure::{Cell, CountTable, DisclosureOptions, Position, PublishedTable};
use crate::ledger::{protect_in_context, Leak, Ledger};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A knelpunt goes one level up when more than this share of its non-zero figures would be
/// hidden.
pub const ROLL_UP_SHARE: f64 = 0.25;

/// The column of the municipality-wide level.
pub const MUNICIPALITY: &str = "Hele gemeente";

/// The column for wijken without a stadsdeel at the stadsdeel level.
pub const OTHER_AREAS: &str = "Overige wijken";

/// The stadsdeel of a wijk, from the configured mapping (names compared without case).
pub fn stadsdeel_of(wijk: &str, wider_areas: &BTreeMap<String, String>) -> Option<String> {
    wider_areas
        .iter()
        .find(|(name, _)| name.trim().eq_ignore_ascii_case(wijk.trim()))
        .map(|(_, wider)| wider.clone())
}

/// The levels, from fine to coarse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Wijk,
    Stadsdeel,
    Gemeente,
}

impl Level {
    /// How the brief names the level.
    pub fn caption(self) -> &'static str {
        match self {
            Level::Wijk => "Knelpunten per wijk",
            Level::Stadsdeel => "Knelpunten per stadsdeel",
            Level::Gemeente => "Knelpunten voor de hele gemeente",
        }
    }
}

/// One published table of a level, with the wijken each of its columns stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedLevel {
    pub level: Level,
    pub table: PublishedTable,
    /// Column → the wijken it sums (a column that is one wijk maps to itself).
    pub areas: BTreeMap<String, Vec<String>>,
}

impl PublishedLevel {
    /// The wijken a column stands for.
    pub fn members(&self, column: &str) -> Vec<String> {
        self.areas
            .get(column)
            .cloned()
            .unwrap_or_else(|| vec![column.to_string()])
    }

    /// The row of a knelpunt in this level, if it is published here.
    pub fn row(&self, barrier: &str) -> Option<usize> {
        self.table.rows.iter().position(|r| r == barrier)
    }

    /// The columns (wijken or stadsdelen) where `row` shows a count above zero; none at
    /// municipality level, which names no place.
    pub fn shown_areas(&self, row: usize) -> Vec<String> {
        if self.level == Level::Gemeente {
            return Vec::new();
        }
        self.table
            .columns
            .iter()
            .enumerate()
            .filter(|(column, _)| {
                matches!(
                    self.table.get(Position::Cell { row, column: *column }),
                    Some(Cell::Shown(n)) if n > 0
                )
            })
            .map(|(_, area)| area.clone())
            .collect()
    }
}

/// The result of [`release`].
#[derive(Debug, Clone)]
pub struct Release {
    pub levels: Vec<PublishedLevel>,
    /// Figures that already followed from earlier publications (see
    /// [`crate::ledger::Protected::context_leaks`]).
    pub context_leaks: Vec<Leak>,
}

impl Release {
    /// The level and row where a knelpunt is published.
    pub fn find(&self, barrier: &str) -> Option<(&PublishedLevel, usize)> {
        self.levels
            .iter()
            .find_map(|level| level.row(barrier).map(|row| (level, row)))
    }
}

/// Per knelpunt (barrier id), its signals per wijk this quarter.
pub type Counts = BTreeMap<String, BTreeMap<String, i64>>;

/// Publishes the knelpunten of `quarter` level by level (see the module documentation).
/// `context` is everything published before; the published levels are added to it.
pub fn release(
    counts: &Counts,
    quarter: &str,
    output: &str,
    min: u64,
    previous: Option<&PublishedTable>,
    wider_areas: &BTreeMap<String, String>,
    context: &mut Ledger,
) -> anyhow::Result<Release> {
    let mut levels = Vec::new();
    let mut context_leaks = Vec::new();
    let mut remaining: Vec<String> = counts.keys().cloned().collect();
    let mut order = vec![Level::Wijk];
    if !wider_areas.is_empty() {
        order.push(Level::Stadsdeel);
    }
    order.push(Level::Gemeente);
    for (i, &level) in order.iter().enumerate() {
        if remaining.is_empty() {
            break;
        }
        let last = i + 1 == order.len();
        let mut rows = remaining.clone();
        // Rows that hide too much move up; the rest is protected again without them.
        let published = loop {
            let published = protect_level(
                counts,
                &rows,
                level,
                quarter,
                output,
                min,
                (level == Level::Wijk).then_some(previous).flatten(),
                wider_areas,
                context,
            )?;
            if last {
                break published;
            }
            // One at a time, the thinnest first (most small wijken): the complements hidden
            // for it in other rows disappear with it.
            let moving = rows
                .iter()
                .enumerate()
                .filter(|(row, _)| hides_too_much(&published.0.table, *row))
                .max_by(|(_, a), (_, b)| {
                    small_share(counts, a, min).total_cmp(&small_share(counts, b, min))
                })
                .map(|(_, id)| id.clone());
            let Some(moving) = moving else {
                break published;
            };
            rows.retain(|r| *r != moving);
            if rows.is_empty() {
                break published;
            }
        };
        let (level_table, leaks) = published;
        context_leaks.extend(leaks);
        if rows.is_empty() {
            continue;
        }
        context.add_table(output, quarter, &level_table.table, &|c| {
            level_table.members(c)
        });
        remaining.retain(|r| !rows.contains(r));
        levels.push(level_table);
    }
    Ok(Release {
        levels,
        context_leaks,
    })
}

/// Whether more than [`ROLL_UP_SHARE`] of a row's non-zero cells (or its total) is hidden.
fn hides_too_much(table: &PublishedTable, row: usize) -> bool {
    let Some(line) = table.cells.get(row) else {
        return false;
    };
    let nonzero = line.iter().filter(|c| **c != Cell::Shown(0)).count();
    let hidden = line.iter().filter(|c| **c == Cell::Suppressed).count();
    table.get(Position::RowTotal { row }) == Some(Cell::Suppressed)
        || (nonzero > 0 && hidden as f64 > ROLL_UP_SHARE * nonzero as f64)
}

/// The share of a knelpunt's non-zero wijken below the minimum.
fn small_share(counts: &Counts, barrier: &str, min: u64) -> f64 {
    let Some(areas) = counts.get(barrier) else {
        return 0.0;
    };
    let nonzero = areas.values().filter(|n| **n > 0).count();
    let small = areas
        .values()
        .filter(|n| **n > 0 && (**n as u64) < min)
        .count();
    if nonzero == 0 {
        0.0
    } else {
        small as f64 / nonzero as f64
    }
}

/// The knelpunten's counts at one level — a column per wijk, per stadsdeel or one for the
/// municipality — with the wijken each column sums.
fn level_counts(
    counts: &Counts,
    rows: &[String],
    level: Level,
    wider_areas: &BTreeMap<String, String>,
) -> anyhow::Result<(CountTable, BTreeMap<String, Vec<String>>)> {
    let wijken: BTreeSet<&String> = rows
        .iter()
        .filter_map(|r| counts.get(r))
        .flat_map(|areas| areas.keys())
        .collect();
    let column_of = |wijk: &str| -> String {
        match level {
            Level::Wijk => wijk.to_string(),
            Level::Stadsdeel => {
                stadsdeel_of(wijk, wider_areas).unwrap_or_else(|| OTHER_AREAS.to_string())
            }
            Level::Gemeente => MUNICIPALITY.to_string(),
        }
    };
    let mut areas: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for wijk in &wijken {
        areas
            .entry(column_of(wijk))
            .or_default()
            .push(wijk.to_string());
    }
    let columns: Vec<String> = areas.keys().cloned().collect();
    let cells: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| {
            let empty = BTreeMap::new();
            let line = counts.get(r).unwrap_or(&empty);
            columns
                .iter()
                .map(|c| {
                    areas[c]
                        .iter()
                        .map(|w| line.get(w).copied().unwrap_or(0).max(0) as u64)
                        .sum()
                })
                .collect()
        })
        .collect();
    let table = CountTable::new(rows.to_vec(), columns, cells)
        .map_err(|e| anyhow::anyhow!("tabel knelpunten ({}): {e}", level.caption()))?;
    Ok((table, areas))
}

#[allow(clippy::too_many_arguments)]
fn protect_level(
    counts: &Counts,
    rows: &[String],
    level: Level,
    quarter: &str,
    output: &str,
    min: u64,
    previous: Option<&PublishedTable>,
    wider_areas: &BTreeMap<String, String>,
    context: &Ledger,
) -> anyhow::Result<(PublishedLevel, Vec<Leak>)> {
    let (table, areas) = level_counts(counts, rows, level, wider_areas)?;
    // Small wijken are still merged into their stadsdeel at the wijk level.
    let wider: BTreeMap<String, String> = if level == Level::Wijk {
        areas
            .values()
            .flatten()
            .filter_map(|w| stadsdeel_of(w, wider_areas).map(|s| (w.clone(), s)))
            .collect()
    } else {
        BTreeMap::new()
    };
    let options = DisclosureOptions {
        min_group_size: min.max(1),
        wider_area: (!wider.is_empty()).then_some(&wider),
        previous,
    };
    let members = |column: &str| -> Vec<String> {
        match areas.get(column) {
            Some(list) => list.clone(),
            // A stadsdeel made by the roll-up of small wijken.
            None => wider
                .iter()
                .filter(|(_, s)| s.as_str() == column)
                .map(|(w, _)| w.clone())
                .collect(),
        }
    };
    let protected = protect_in_context(&table, &options, output, quarter, &members, context)
        .map_err(|e| anyhow::anyhow!("onthullingscontrole: {e}"))?;
    let published = protected.disclosure.table;
    let areas = published
        .columns
        .iter()
        .map(|c| (c.clone(), members(c)))
        .collect();
    Ok((
        PublishedLevel {
            level,
            table: published,
            areas,
        },
        protected.context_leaks,
    ))
}

/// A count of sources or wijken as a range that identifies nobody: "1–4", "5–9", "10–19",
/// "20 of meer"; zero stays zero.
pub fn breadth(count: i64, min: i64) -> String {
    if min <= 1 {
        // Nothing is hidden at a minimum group size of one.
        return count.max(0).to_string();
    }
    match count {
        n if n <= 0 => "0".into(),
        n if n < min => format!("1–{}", min - 1),
        n if n < 2 * min => format!("{}–{}", min, 2 * min - 1),
        n if n < 4 * min => format!("{}–{}", 2 * min, 4 * min - 1),
        _ => format!("{} of meer", 4 * min),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `counts` released for the brief of 2026Q3 (threshold 5) with no earlier table and
    /// nothing published before, with these wider areas; and the ledger after it.
    fn release_in(counts: &Counts, wider: &BTreeMap<String, String>) -> (Release, Ledger) {
        let mut ledger = Ledger::default();
        let published = release(counts, "2026Q3", "brief", 5, None, wider, &mut ledger).unwrap();
        (published, ledger)
    }

    /// [`release_in`] without wider areas.
    fn release_alone(counts: &Counts) -> Release {
        release_in(counts, &BTreeMap::new()).0
    }

    /// Asserts `barrier` is published at `at` with `total` signals; its level and row.
    fn published_at<'a>(
        published: &'a Release,
        barrier: &str,
        at: Level,
        total: u64,
    ) -> (&'a PublishedLevel, usize) {
        let (level, row) = published.find(barrier).unwrap();
        assert_eq!(level.level, at, "{barrier}");
        assert_eq!(level.table.row_totals[row], Cell::Shown(total), "{barrier}");
        (level, row)
    }

    fn counts(rows: &[(&str, &[(&str, i64)])]) -> Counts {
        rows.iter()
            .map(|(r, cells)| {
                (
                    r.to_string(),
                    cells.iter().map(|(a, n)| (a.to_string(), *n)).collect(),
                )
            })
            .collect()
    }

    fn wider() -> BTreeMap<String, String> {
        [
            ("Moerwijk", "Escamp"),
            ("Bouwlust", "Escamp"),
            ("Laak", "Laak"),
            ("Schilderswijk", "Centrum"),
            ("Transvaal", "Centrum"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    #[test]
    fn a_knelpunt_with_mostly_hidden_wijken_is_published_per_stadsdeel() {
        // "b" is spread thinly: 3 + 3 + 4 + 4, every wijk below five.
        let counts = counts(&[
            (
                "a",
                &[
                    ("Moerwijk", 20),
                    ("Bouwlust", 15),
                    ("Schilderswijk", 12),
                    ("Transvaal", 9),
                ],
            ),
            (
                "b",
                &[
                    ("Moerwijk", 3),
                    ("Bouwlust", 3),
                    ("Schilderswijk", 4),
                    ("Transvaal", 4),
                ],
            ),
        ]);
        let (published, ledger) = release_in(&counts, &wider());
        let (level, row) = published_at(&published, "b", Level::Stadsdeel, 14);
        assert_eq!(level.table.columns, vec!["Centrum", "Escamp"]);
        assert_eq!(level.table.cells[row], vec![Cell::Shown(8), Cell::Shown(6)]);
        published_at(&published, "a", Level::Wijk, 56);
        assert_eq!(ledger.disclosures(5).unwrap(), vec![]);
    }

    #[test]
    fn a_knelpunt_too_thin_for_stadsdelen_is_published_for_the_municipality() {
        let counts = counts(&[
            ("a", &[("Moerwijk", 20), ("Schilderswijk", 12)]),
            ("b", &[("Moerwijk", 3), ("Schilderswijk", 4)]),
        ]);
        let (published, ledger) = release_in(&counts, &wider());
        published_at(&published, "b", Level::Gemeente, 7);
        assert_eq!(ledger.disclosures(5).unwrap(), vec![]);
    }

    #[test]
    fn the_threshold_is_a_quarter_of_the_non_zero_wijken() {
        // Five wijken, one hidden (20 %): stays per wijk.
        let five = counts(&[
            (
                "a",
                &[("W1", 3), ("W2", 9), ("W3", 9), ("W4", 9), ("W5", 9)],
            ),
            (
                "c",
                &[("W1", 9), ("W2", 9), ("W3", 9), ("W4", 9), ("W5", 9)],
            ),
        ]);
        let published = release_alone(&five);
        // The small cell and its complement are two of five (40 %): it moves up.
        assert_eq!(published.find("a").unwrap().0.level, Level::Gemeente);
        // Eight wijken with one small cell and one complement: 25 %, not more, stays.
        let cells: Vec<(String, i64)> = (1..=8)
            .map(|i| (format!("W{i}"), if i == 1 { 3 } else { 9 }))
            .collect();
        let mut eight: Counts = BTreeMap::new();
        eight.insert("a".into(), cells.iter().cloned().collect());
        eight.insert(
            "c".into(),
            cells.iter().map(|(w, _)| (w.clone(), 9)).collect(),
        );
        let published = release_alone(&eight);
        assert_eq!(published.find("a").unwrap().0.level, Level::Wijk);
    }

    #[test]
    fn breadth_is_a_range_that_identifies_nobody() {
        assert_eq!(breadth(0, 5), "0");
        assert_eq!(breadth(1, 5), "1–4");
        assert_eq!(breadth(4, 5), "1–4");
        assert_eq!(breadth(5, 5), "5–9");
        assert_eq!(breadth(12, 5), "10–19");
        assert_eq!(breadth(31, 5), "20 of meer");
    }
}
