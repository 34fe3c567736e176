//! Statistical disclosure control: the one suppression step every published number goes through.
//!
//! Input is a [`CountTable`]: counts per knelpunt (rows) and area (columns). Its totals are the
//! sums of its cells (a signal is counted once per row and column). [`protect`] returns a
//! [`PublishedTable`] in which every cell, row total, column total and the grand total is either
//! [`Cell::Shown`] or [`Cell::Suppressed`], and a record of why each suppressed figure is hidden.
//!
//! # Rules, in the order they are applied
//!
//! 1. **Area roll-up.** When a mapping of areas to wider areas is given (wijk → stadsdeel), every
//!    wider area that has at least one area whose column total is below the minimum is published
//!    as one column: *all* its areas are merged, not only the small ones, so a small area can
//!    never be recovered as "stadsdeel minus the published wijken". Areas without a mapping stay
//!    as they are and are protected by the rules below.
//! 2. **Primary suppression.** A figure with `0 < count < min` is suppressed. **A zero is shown**:
//!    it says that nobody is in the group, which reveals nothing about a person, and showing it
//!    keeps tables readable. This holds for cells and totals alike, and for single counts
//!    ([`knooppunt_domain::published::suppress`]).
//!    Consequence, used by the audit: a suppressed figure in a table from this module is known to
//!    be at least 1.
//! 3. **Secondary suppression.** Every row and every column, each with its total as an extra
//!    figure (and the row of column totals and the column of row totals with the grand total), is
//!    a linear relation `sum of cells = total`. If exactly one figure of a relation is suppressed,
//!    it follows by subtraction, so a second one is suppressed: the smallest non-zero shown figure
//!    of that relation (a cell before the total on equal values). A reader also knows bounds:
//!    a suppressed figure is at least 1 (zeros are shown) and, as it reads `<5`, at most 4. If
//!    the suppressed cells of a relation add up (total minus the shown cells) to their number
//!    times 1 or times 4 (`min − 1`), each of them is that bound; this too is treated as a leak
//!    and gets a complement. Rows and columns interact,
//!    so this repeats until nothing changes. Finally an exact check ([`audit`], Gaussian
//!    elimination over the rationals) looks for values that follow from *combinations* of
//!    relations (e.g. a cell that joins two otherwise protected blocks); each one found gets
//!    another suppression in its row, and the whole step repeats.
//! 4. **Previous quarter.** The previous published snapshot adds relations: for every row and
//!    column present in both, `(now − previous)` of the cells sums to `(now − previous)` of the
//!    total. [`audit`] includes these. For independent quarterly counts they are implied by the
//!    two quarters' own sums (the combined system is block-diagonal), so a table protected by
//!    rule 3 can only leak by difference if the previous snapshot itself had a relation with a
//!    single hidden figure (e.g. it was published with primary suppression only). That cannot be
//!    repaired by hiding more now; [`protect`] reports such previous leaks in
//!    [`Disclosure::previous_leaks`] instead of silently over-suppressing.
//!
//! Not covered: interval inference beyond these two exact cases (a hidden cell narrowed to,
//! say, 3 or 4 is not widened), and figures that are not sums of these cells (a count of distinct
//! signals over several knelpunten is a different number and needs its own protection).

use crate::frac::Frac;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The minimum group size used when nothing else is configured.
pub const DEFAULT_MIN_GROUP_SIZE: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisclosureError {
    #[error("de tabel heeft {rows} rijen maar {cells} rijen met cellen")]
    RowCount { rows: usize, cells: usize },
    #[error("rij '{row}' heeft {found} cellen, verwacht {expected} (één per wijk)")]
    ColumnCount {
        row: String,
        found: usize,
        expected: usize,
    },
    #[error("de naam '{0}' komt twee keer voor; rijen en kolommen moeten unieke namen hebben")]
    DuplicateLabel(String),
    #[error("de minimale groepsgrootte moet minstens 1 zijn")]
    MinimumTooSmall,
    #[error("de samengevoegde kolom '{0}' heeft dezelfde naam als een bestaande wijk")]
    RollUpCollision(String),
    #[error("de aantallen zijn te groot om te controleren")]
    Overflow,
}

impl From<crate::frac::Overflow> for DisclosureError {
    fn from(_: crate::frac::Overflow) -> Self {
        DisclosureError::Overflow
    }
}

/// Raw counts: rows are knelpunten (barriers), columns are areas (wijken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    rows: Vec<String>,
    columns: Vec<String>,
    cells: Vec<Vec<u64>>,
}

impl CountTable {
    /// `cells[r][c]` is the count of knelpunt `rows[r]` in area `columns[c]`.
    pub fn new(
        rows: Vec<String>,
        columns: Vec<String>,
        cells: Vec<Vec<u64>>,
    ) -> Result<Self, DisclosureError> {
        if cells.len() != rows.len() {
            return Err(DisclosureError::RowCount {
                rows: rows.len(),
                cells: cells.len(),
            });
        }
        for (row, line) in rows.iter().zip(&cells) {
            if line.len() != columns.len() {
                return Err(DisclosureError::ColumnCount {
                    row: row.clone(),
                    found: line.len(),
                    expected: columns.len(),
                });
            }
        }
        check_unique(&rows)?;
        check_unique(&columns)?;
        // Totals must be representable; checked once here so later sums cannot overflow.
        let mut grand: u64 = 0;
        for line in &cells {
            for &v in line {
                grand = grand.checked_add(v).ok_or(DisclosureError::Overflow)?;
            }
        }
        if grand > i64::MAX as u64 / 4 {
            return Err(DisclosureError::Overflow);
        }
        Ok(Self {
            rows,
            columns,
            cells,
        })
    }

    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    pub fn cell(&self, row: usize, column: usize) -> Option<u64> {
        self.cells.get(row)?.get(column).copied()
    }

    pub fn row_total(&self, row: usize) -> Option<u64> {
        Some(self.cells.get(row)?.iter().sum())
    }

    pub fn column_total(&self, column: usize) -> Option<u64> {
        if column >= self.columns.len() {
            return None;
        }
        Some(self.cells.iter().map(|line| line[column]).sum())
    }

    pub fn grand_total(&self) -> u64 {
        self.cells.iter().flatten().sum()
    }

    /// The table as an (R+1)×(C+1) grid: the last column holds the row totals, the last row the
    /// column totals, the corner the grand total.
    fn grid(&self) -> Vec<Vec<u64>> {
        let mut grid: Vec<Vec<u64>> = self
            .cells
            .iter()
            .map(|line| {
                let mut line = line.clone();
                line.push(line.iter().sum());
                line
            })
            .collect();
        let width = self.columns.len() + 1;
        let totals = (0..width)
            .map(|c| grid.iter().map(|line| line[c]).sum())
            .collect();
        grid.push(totals);
        grid
    }
}

fn check_unique(labels: &[String]) -> Result<(), DisclosureError> {
    let mut seen = BTreeSet::new();
    for label in labels {
        if !seen.insert(label.as_str()) {
            return Err(DisclosureError::DuplicateLabel(label.clone()));
        }
    }
    Ok(())
}

/// A published figure (one representation: [`knooppunt_domain::published::Figure`]).
pub type Cell = knooppunt_domain::published::Figure;

pub use knooppunt_domain::published::SUPPRESSED;

/// Where a figure sits in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Position {
    Cell { row: usize, column: usize },
    RowTotal { row: usize },
    ColumnTotal { column: usize },
    GrandTotal,
}

/// A relation `sum of cells = total` of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Relation {
    /// A knelpunt's cells and its row total.
    Row { row: usize },
    /// An area's cells and its column total.
    Column { column: usize },
    /// The row totals and the grand total.
    RowTotals,
    /// The column totals and the grand total.
    ColumnTotals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// The count itself is between 0 and the minimum.
    Primary,
    /// Hidden so that another hidden figure of this relation cannot be worked out.
    Secondary { relation: Relation },
    /// Hidden so that it cannot be worked out together with other published outputs of the
    /// same data (see [`crate::ledger`]).
    Joint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub position: Position,
    pub reason: Reason,
}

/// An area that is not published on its own but as part of a wider area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollUp {
    pub area: String,
    pub into: String,
    /// Whether this area itself was below the minimum (the others were merged with it).
    pub below_minimum: bool,
}

/// A table as published: safe to render, export or keep as next quarter's previous snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedTable {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub grand_total: Cell,
    pub min_group_size: u64,
    /// True when no zero is hidden, so a suppressed figure is at least 1. [`protect`] sets this
    /// unless it had to hide a zero as a complement; set it to false for tables published under
    /// other rules (e.g. the older `<5`-for-zero rule).
    pub zeros_shown: bool,
}

impl PublishedTable {
    pub fn get(&self, position: Position) -> Option<Cell> {
        match position {
            Position::Cell { row, column } => self.cells.get(row)?.get(column).copied(),
            Position::RowTotal { row } => self.row_totals.get(row).copied(),
            Position::ColumnTotal { column } => self.column_totals.get(column).copied(),
            Position::GrandTotal => Some(self.grand_total),
        }
    }

    /// A figure as text: the number or `<min`.
    pub fn render(&self, position: Position) -> Option<String> {
        self.get(position).map(|c| c.render(self.min_group_size))
    }

    /// The published figures as a grid with totals (`None` = suppressed); `None` overall when
    /// the table's parts do not have matching sizes.
    fn grid(&self) -> Option<Vec<Vec<Option<u64>>>> {
        let width = self.columns.len();
        if self.cells.len() != self.rows.len()
            || self.row_totals.len() != self.rows.len()
            || self.column_totals.len() != width
            || self.cells.iter().any(|line| line.len() != width)
        {
            return None;
        }
        let mut grid: Vec<Vec<Option<u64>>> = self
            .cells
            .iter()
            .zip(&self.row_totals)
            .map(|(line, total)| {
                line.iter()
                    .chain(std::iter::once(total))
                    .map(|c| c.value())
                    .collect()
            })
            .collect();
        grid.push(
            self.column_totals
                .iter()
                .chain(std::iter::once(&self.grand_total))
                .map(|c| c.value())
                .collect(),
        );
        Some(grid)
    }
}

/// Settings of [`protect`].
#[derive(Debug, Clone, Copy)]
pub struct DisclosureOptions<'a> {
    pub min_group_size: u64,
    /// Area → wider area (wijk → stadsdeel).
    pub wider_area: Option<&'a BTreeMap<String, String>>,
    /// Last quarter's table as published.
    pub previous: Option<&'a PublishedTable>,
}

impl Default for DisclosureOptions<'_> {
    fn default() -> Self {
        Self {
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
            wider_area: None,
            previous: None,
        }
    }
}

/// The result of [`protect`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disclosure {
    pub table: PublishedTable,
    /// One entry per suppressed figure, in the order they were suppressed. For the audit trail
    /// only: never publish it, the reasons tell small counts (primary) from complements.
    pub suppressions: Vec<Suppression>,
    pub roll_ups: Vec<RollUp>,
    /// Figures of the *previous* snapshot that can be recovered from that snapshot alone (it
    /// was published under weaker rules); hiding more now cannot undo that.
    pub previous_leaks: Vec<Recovered>,
}

impl Disclosure {
    pub fn reason(&self, position: Position) -> Option<Reason> {
        self.suppressions
            .iter()
            .find(|s| s.position == position)
            .map(|s| s.reason)
    }
}

/// Which published table a recovered figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Snapshot {
    Current,
    Previous,
}

/// A suppressed figure that follows from the published ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Recovered {
    pub snapshot: Snapshot,
    pub position: Position,
    pub value: i64,
}

/// Merges areas below the minimum into their wider area (see the module documentation).
pub fn roll_up(
    table: &CountTable,
    min_group_size: u64,
    wider_area: &BTreeMap<String, String>,
) -> Result<(CountTable, Vec<RollUp>), DisclosureError> {
    let small: BTreeSet<usize> = (0..table.columns.len())
        .filter(|&c| table.column_total(c).unwrap_or(0) < min_group_size)
        .collect();
    let merged_wider: BTreeSet<&String> = small
        .iter()
        .filter_map(|&c| wider_area.get(&table.columns[c]))
        .collect();
    if merged_wider.is_empty() {
        return Ok((table.clone(), Vec::new()));
    }
    // New column order: each merged wider area takes the place of its first member.
    let mut columns: Vec<String> = Vec::new();
    let mut sources: Vec<Vec<usize>> = Vec::new();
    let mut roll_ups = Vec::new();
    for (c, name) in table.columns.iter().enumerate() {
        match wider_area.get(name).filter(|w| merged_wider.contains(w)) {
            Some(wider) => {
                roll_ups.push(RollUp {
                    area: name.clone(),
                    into: wider.clone(),
                    below_minimum: small.contains(&c),
                });
                if let Some(i) = columns.iter().position(|existing| existing == wider) {
                    sources[i].push(c);
                } else {
                    columns.push(wider.clone());
                    sources.push(vec![c]);
                }
            }
            None => {
                if merged_wider.contains(name) {
                    return Err(DisclosureError::RollUpCollision(name.clone()));
                }
                columns.push(name.clone());
                sources.push(vec![c]);
            }
        }
    }
    let cells = table
        .cells
        .iter()
        .map(|line| {
            sources
                .iter()
                .map(|from| from.iter().map(|&c| line[c]).sum())
                .collect()
        })
        .collect();
    let rolled = CountTable::new(table.rows.clone(), columns, cells)?;
    Ok((rolled, roll_ups))
}

/// The suppression step: roll-up, primary and secondary suppression (see the module docs).
pub fn protect(
    table: &CountTable,
    options: &DisclosureOptions<'_>,
) -> Result<Disclosure, DisclosureError> {
    protect_forcing(table, options, &BTreeSet::new())
}

/// [`protect`] with figures that must be hidden in any case (positions in the table after the
/// roll-up), e.g. because [`crate::ledger`] found that other outputs would give them away.
pub fn protect_forcing(
    table: &CountTable,
    options: &DisclosureOptions<'_>,
    forced: &BTreeSet<Position>,
) -> Result<Disclosure, DisclosureError> {
    let min = options.min_group_size;
    if min == 0 {
        return Err(DisclosureError::MinimumTooSmall);
    }
    let (table, roll_ups) = match options.wider_area {
        Some(mapping) => roll_up(table, min, mapping)?,
        None => (table.clone(), Vec::new()),
    };
    let values = table.grid();
    let shape = Shape {
        rows: table.rows.len(),
        columns: table.columns.len(),
    };
    let mut hidden = vec![vec![false; shape.columns + 1]; shape.rows + 1];
    let mut suppressions = Vec::new();
    for (r, line) in values.iter().enumerate() {
        for (c, &v) in line.iter().enumerate() {
            if v > 0 && v < min {
                hidden[r][c] = true;
                suppressions.push(Suppression {
                    position: shape.position(r, c),
                    reason: Reason::Primary,
                });
            }
        }
    }
    for &position in forced {
        let (r, c) = shape.coordinates(position);
        if r <= shape.rows && c <= shape.columns && !hidden[r][c] {
            hidden[r][c] = true;
            suppressions.push(Suppression {
                position,
                reason: Reason::Joint,
            });
        }
    }
    loop {
        let mut changed = false;
        for relation in shape.relations() {
            let members = shape.members(relation);
            let hidden_members: Vec<(usize, usize)> = members
                .iter()
                .copied()
                .filter(|&(r, c)| hidden[r][c])
                .collect();
            let leaks = match hidden_members.len() {
                0 => false,
                1 => true,
                n => {
                    // All hidden figures are cells (the total is shown), read as 1 to min − 1:
                    // if their sum is their number times a bound, each is that bound.
                    let (tr, tc) = shape.total_of(relation);
                    !hidden[tr][tc] && {
                        let hidden_sum: u64 =
                            hidden_members.iter().map(|&(r, c)| values[r][c]).sum();
                        let n = n as u64;
                        hidden_sum == n || hidden_sum == n.saturating_mul(min - 1)
                    }
                }
            };
            if leaks {
                if let Some((r, c)) = complement(&shape, relation, &values, &hidden) {
                    hidden[r][c] = true;
                    suppressions.push(Suppression {
                        position: shape.position(r, c),
                        reason: Reason::Secondary { relation },
                    });
                    changed = true;
                }
            }
        }
        if changed {
            continue;
        }
        // Exact check for values that follow from combinations of relations.
        let published = publish(&table, &values, &hidden, min);
        let recovered = audit(&published, None)?;
        let mut fixed = false;
        for found in recovered.iter().filter(|r| r.snapshot == Snapshot::Current) {
            let (r, c) = shape.coordinates(found.position);
            // The better complement of its row and its column (a zero only when both have
            // nothing else left).
            let best = [shape.row_relation(r), shape.column_relation(c)]
                .into_iter()
                .filter_map(|rel| complement(&shape, rel, &values, &hidden).map(|p| (rel, p)))
                .min_by_key(|&(rel, p)| complement_key(&shape, rel, &values, p));
            if let Some((relation, (cr, cc))) = best {
                hidden[cr][cc] = true;
                suppressions.push(Suppression {
                    position: shape.position(cr, cc),
                    reason: Reason::Secondary { relation },
                });
                fixed = true;
                break;
            }
        }
        if !fixed {
            break;
        }
    }
    let published = publish(&table, &values, &hidden, min);
    let previous_leaks = match options.previous {
        Some(previous) => audit(previous, None)?
            .into_iter()
            .map(|r| Recovered {
                snapshot: Snapshot::Previous,
                ..r
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Disclosure {
        table: published,
        suppressions,
        roll_ups,
        previous_leaks,
    })
}

fn publish(
    table: &CountTable,
    values: &[Vec<u64>],
    hidden: &[Vec<bool>],
    min: u64,
) -> PublishedTable {
    let cell = |r: usize, c: usize| {
        if hidden[r][c] {
            Cell::Suppressed
        } else {
            Cell::Shown(values[r][c])
        }
    };
    let (rows, columns) = (table.rows.len(), table.columns.len());
    PublishedTable {
        rows: table.rows.clone(),
        columns: table.columns.clone(),
        cells: (0..rows)
            .map(|r| (0..columns).map(|c| cell(r, c)).collect())
            .collect(),
        row_totals: (0..rows).map(|r| cell(r, columns)).collect(),
        column_totals: (0..columns).map(|c| cell(rows, c)).collect(),
        grand_total: cell(rows, columns),
        min_group_size: min,
        // A zero is only hidden as a last-resort complement; then "hidden ⇒ at least 1" no
        // longer holds and the table says so.
        zeros_shown: !values
            .iter()
            .flatten()
            .zip(hidden.iter().flatten())
            .any(|(&v, &h)| h && v == 0),
    }
}

/// The smallest non-zero shown figure of a relation (a cell before the total on equal values);
/// a shown zero only when nothing else is left.
fn complement(
    shape: &Shape,
    relation: Relation,
    values: &[Vec<u64>],
    hidden: &[Vec<bool>],
) -> Option<(usize, usize)> {
    shape
        .members(relation)
        .into_iter()
        .filter(|&(r, c)| !hidden[r][c])
        .min_by_key(|&p| complement_key(shape, relation, values, p))
}

/// Order of preference for complements: non-zero first, then smallest, then cells before the
/// total, then position (deterministic).
fn complement_key(
    shape: &Shape,
    relation: Relation,
    values: &[Vec<u64>],
    (r, c): (usize, usize),
) -> (bool, u64, bool, usize, usize) {
    let v = values[r][c];
    (v == 0, v, (r, c) == shape.total_of(relation), r, c)
}

/// Table dimensions (without totals) and the mapping between grid coordinates and positions.
#[derive(Debug, Clone, Copy)]
struct Shape {
    rows: usize,
    columns: usize,
}

impl Shape {
    fn position(self, r: usize, c: usize) -> Position {
        match (r == self.rows, c == self.columns) {
            (false, false) => Position::Cell { row: r, column: c },
            (false, true) => Position::RowTotal { row: r },
            (true, false) => Position::ColumnTotal { column: c },
            (true, true) => Position::GrandTotal,
        }
    }

    fn coordinates(self, position: Position) -> (usize, usize) {
        match position {
            Position::Cell { row, column } => (row, column),
            Position::RowTotal { row } => (row, self.columns),
            Position::ColumnTotal { column } => (self.rows, column),
            Position::GrandTotal => (self.rows, self.columns),
        }
    }

    fn row_relation(self, r: usize) -> Relation {
        if r == self.rows {
            Relation::ColumnTotals
        } else {
            Relation::Row { row: r }
        }
    }

    fn column_relation(self, c: usize) -> Relation {
        if c == self.columns {
            Relation::RowTotals
        } else {
            Relation::Column { column: c }
        }
    }

    fn relations(self) -> Vec<Relation> {
        (0..=self.rows)
            .map(|r| self.row_relation(r))
            .chain((0..=self.columns).map(|c| self.column_relation(c)))
            .collect()
    }

    /// All figures of a relation, the total last.
    fn members(self, relation: Relation) -> Vec<(usize, usize)> {
        match relation {
            Relation::Row { row } => (0..=self.columns).map(|c| (row, c)).collect(),
            Relation::ColumnTotals => (0..=self.columns).map(|c| (self.rows, c)).collect(),
            Relation::Column { column } => (0..=self.rows).map(|r| (r, column)).collect(),
            Relation::RowTotals => (0..=self.rows).map(|r| (r, self.columns)).collect(),
        }
    }

    fn total_of(self, relation: Relation) -> (usize, usize) {
        match relation {
            Relation::Row { row } => (row, self.columns),
            Relation::Column { column } => (self.rows, column),
            Relation::ColumnTotals | Relation::RowTotals => (self.rows, self.columns),
        }
    }
}

/// Tries to recover every suppressed figure of `published` (and of `previous`, when given) from
/// the linear relations an outsider can use: row sums, column sums, the sums over the totals,
/// the differences `now − previous` of rows and columns present in both snapshots (matched by
/// name), and the bounds of a suppressed figure (1 or 0 to `min − 1`). Returns every figure that
/// is determined, with its value. An empty result means nothing can be worked out this way.
///
/// Published tables whose parts have inconsistent sizes yield nothing for that snapshot.
pub fn audit(
    published: &PublishedTable,
    previous: Option<&PublishedTable>,
) -> Result<Vec<Recovered>, DisclosureError> {
    let mut system = System::default();
    let current = system.add_snapshot(Snapshot::Current, published);
    let before = previous.and_then(|p| system.add_snapshot(Snapshot::Previous, p));
    if let (Some(now), Some(then)) = (&current, &before) {
        system.add_differences(now, then);
    }
    let mut recovered = system.solve()?;
    for view in current.iter().chain(before.iter()) {
        recovered.extend(view.bounds());
    }
    recovered.sort();
    recovered.dedup_by(|a, b| a.snapshot == b.snapshot && a.position == b.position);
    Ok(recovered)
}

/// One snapshot's figures in the linear system.
struct View<'a> {
    snapshot: Snapshot,
    table: &'a PublishedTable,
    shape: Shape,
    grid: Vec<Vec<Option<u64>>>,
    /// Variable index of each hidden figure.
    vars: Vec<Vec<Option<usize>>>,
}

impl View<'_> {
    /// Terms of a relation: `+1` for cells, `−1` for the total; known figures go into the
    /// constant (returned as the right-hand side of `sum(terms) = rhs`).
    fn relation(&self, relation: Relation, sign: i128) -> (Vec<(usize, i128)>, i128) {
        let total = self.shape.total_of(relation);
        let mut terms = Vec::new();
        let mut rhs: i128 = 0;
        for (r, c) in self.shape.members(relation) {
            let coefficient = if (r, c) == total { -sign } else { sign };
            match (self.vars[r][c], self.grid[r][c]) {
                (Some(v), _) => terms.push((v, coefficient)),
                (None, Some(value)) => rhs -= coefficient * value as i128,
                (None, None) => {}
            }
        }
        (terms, rhs)
    }

    /// Cells pinned by their bounds: a suppressed figure reads `<min`, so it is at most
    /// `min − 1`, and at least 1 when zeros are shown (else 0). In a relation whose total is
    /// shown, hidden cells adding up to their number times a bound all equal that bound.
    fn bounds(&self) -> Vec<Recovered> {
        let mut found = Vec::new();
        let low = u64::from(self.table.zeros_shown);
        let high = self.table.min_group_size.saturating_sub(1);
        for relation in self.shape.relations() {
            let (tr, tc) = self.shape.total_of(relation);
            let Some(total) = self.grid[tr][tc] else {
                continue;
            };
            let mut shown_sum: u64 = 0;
            let mut hidden = Vec::new();
            for (r, c) in self.shape.members(relation) {
                if (r, c) == (tr, tc) {
                    continue;
                }
                match self.grid[r][c] {
                    Some(v) => shown_sum = shown_sum.saturating_add(v),
                    None => hidden.push((r, c)),
                }
            }
            let (Some(sum), k) = (total.checked_sub(shown_sum), hidden.len() as u64) else {
                continue;
            };
            let pinned = [low, high]
                .into_iter()
                .find(|&bound| k > 0 && low <= high && Some(sum) == k.checked_mul(bound));
            if let Some(value) = pinned {
                found.extend(hidden.into_iter().map(|(r, c)| Recovered {
                    snapshot: self.snapshot,
                    position: self.shape.position(r, c),
                    value: i64::try_from(value).unwrap_or(i64::MAX),
                }));
            }
        }
        found
    }
}

#[derive(Default)]
struct System {
    equations: Vec<(Vec<(usize, i128)>, i128)>,
    /// Snapshot and position of each variable.
    variables: Vec<(Snapshot, Position)>,
}

impl System {
    fn add_snapshot<'a>(
        &mut self,
        snapshot: Snapshot,
        table: &'a PublishedTable,
    ) -> Option<View<'a>> {
        let grid = table.grid()?;
        let shape = Shape {
            rows: table.rows.len(),
            columns: table.columns.len(),
        };
        let vars = grid
            .iter()
            .enumerate()
            .map(|(r, line)| {
                line.iter()
                    .enumerate()
                    .map(|(c, value)| {
                        value.is_none().then(|| {
                            self.variables.push((snapshot, shape.position(r, c)));
                            self.variables.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let view = View {
            snapshot,
            table,
            shape,
            grid,
            vars,
        };
        for relation in shape.relations() {
            let equation = view.relation(relation, 1);
            self.equations.push(equation);
        }
        Some(view)
    }

    /// `(now − previous)` of each row and column present in both snapshots.
    fn add_differences(&mut self, now: &View<'_>, then: &View<'_>) {
        let index = |labels: &[String]| -> HashMap<String, usize> {
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), i))
                .collect()
        };
        let then_rows = index(&then.table.rows);
        let then_columns = index(&then.table.columns);
        let mut pairs = vec![
            (Relation::ColumnTotals, Relation::ColumnTotals),
            (Relation::RowTotals, Relation::RowTotals),
        ];
        for (r, label) in now.table.rows.iter().enumerate() {
            if let Some(&pr) = then_rows.get(label) {
                pairs.push((Relation::Row { row: r }, Relation::Row { row: pr }));
            }
        }
        for (c, label) in now.table.columns.iter().enumerate() {
            if let Some(&pc) = then_columns.get(label) {
                pairs.push((
                    Relation::Column { column: c },
                    Relation::Column { column: pc },
                ));
            }
        }
        for (a, b) in pairs {
            let (mut terms, rhs_now) = now.relation(a, 1);
            let (then_terms, rhs_then) = then.relation(b, -1);
            terms.extend(then_terms);
            self.equations.push((terms, rhs_now + rhs_then));
        }
    }

    /// Gaussian elimination to reduced row echelon form; a variable is determined exactly when
    /// some reduced row is that variable alone.
    fn solve(&self) -> Result<Vec<Recovered>, DisclosureError> {
        let n = self.variables.len();
        let mut rows: Vec<(Vec<Frac>, Frac)> = self
            .equations
            .iter()
            .filter(|(terms, _)| !terms.is_empty())
            .map(|(terms, rhs)| {
                let mut coefficients = vec![Frac::ZERO; n];
                for &(v, a) in terms {
                    coefficients[v] = coefficients[v].add(Frac::int(a))?;
                }
                Ok((coefficients, Frac::int(*rhs)))
            })
            .collect::<Result<_, DisclosureError>>()?;
        let mut pivot_row = 0;
        for col in 0..n {
            let Some(found) = (pivot_row..rows.len()).find(|&i| !rows[i].0[col].is_zero()) else {
                continue;
            };
            rows.swap(pivot_row, found);
            let pivot = rows[pivot_row].0[col];
            let (coefficients, rhs) = &mut rows[pivot_row];
            for a in coefficients.iter_mut() {
                *a = a.div(pivot)?;
            }
            *rhs = rhs.div(pivot)?;
            let (base, base_rhs) = rows[pivot_row].clone();
            for (i, (coefficients, rhs)) in rows.iter_mut().enumerate() {
                let factor = coefficients[col];
                if i == pivot_row || factor.is_zero() {
                    continue;
                }
                for (a, b) in coefficients.iter_mut().zip(&base) {
                    *a = a.sub(factor.mul(*b)?)?;
                }
                *rhs = rhs.sub(factor.mul(base_rhs)?)?;
            }
            pivot_row += 1;
        }
        let mut recovered = Vec::new();
        for (coefficients, rhs) in &rows {
            let mut nonzero = coefficients
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.is_zero());
            if let (Some((v, _)), None) = (nonzero.next(), nonzero.next()) {
                let (snapshot, position) = self.variables[v];
                recovered.push(Recovered {
                    snapshot,
                    position,
                    value: rhs.round(),
                });
            }
        }
        Ok(recovered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    fn table(cells: Vec<Vec<u64>>) -> CountTable {
        let rows = labels("knelpunt-", cells.len());
        let columns = labels("wijk-", cells.first().map_or(0, Vec::len));
        CountTable::new(rows, columns, cells).unwrap()
    }

    /// A small deterministic generator from `seed`: each call gives a number below `bound`.
    fn xorshift(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        }
    }

    /// The default options with another minimum group size.
    fn with_minimum(min_group_size: u64) -> DisclosureOptions<'static> {
        DisclosureOptions {
            min_group_size,
            ..DisclosureOptions::default()
        }
    }

    /// `cells` protected with the default options, checked safe by [`assert_safe`].
    fn protect_safely(cells: Vec<Vec<u64>>) -> Disclosure {
        let raw = table(cells);
        let d = protect(&raw, &DisclosureOptions::default()).unwrap();
        assert_safe(&raw, &d);
        d
    }

    fn protect_default(cells: Vec<Vec<u64>>) -> Disclosure {
        protect(&table(cells), &DisclosureOptions::default()).unwrap()
    }

    fn hidden_cells(t: &PublishedTable) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (r, line) in t.cells.iter().enumerate() {
            for (c, cell) in line.iter().enumerate() {
                if *cell == Cell::Suppressed {
                    out.push((r, c));
                }
            }
        }
        out
    }

    fn hidden_count(t: &PublishedTable) -> usize {
        hidden_cells(t).len()
            + t.row_totals
                .iter()
                .filter(|c| **c == Cell::Suppressed)
                .count()
            + t.column_totals
                .iter()
                .filter(|c| **c == Cell::Suppressed)
                .count()
            + usize::from(t.grand_total == Cell::Suppressed)
    }

    /// Every shown figure is the true one, every count below the minimum (and above zero) is
    /// hidden, and no hidden figure can be worked out.
    fn assert_safe(raw: &CountTable, d: &Disclosure) {
        let t = &d.table;
        let grid = raw.grid();
        let shape = Shape {
            rows: raw.rows.len(),
            columns: raw.columns.len(),
        };
        for (r, line) in grid.iter().enumerate() {
            for (c, &v) in line.iter().enumerate() {
                match t.get(shape.position(r, c)).unwrap() {
                    Cell::Shown(n) => {
                        assert_eq!(n, v);
                        assert!(n == 0 || n >= t.min_group_size, "{n} is shown");
                    }
                    Cell::Suppressed => assert!(
                        v > 0 || d.reason(shape.position(r, c)) != Some(Reason::Primary),
                        "a zero is never a primary suppression"
                    ),
                }
            }
        }
        assert_eq!(audit(t, None).unwrap(), vec![], "{t:#?}");
    }

    #[test]
    fn a_single_small_cell_costs_exactly_a_two_by_two_block() {
        let d = protect_default(vec![vec![3, 10, 12], vec![8, 9, 20]]);
        assert_eq!(hidden_cells(&d.table), vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
        assert_eq!(hidden_count(&d.table), 4, "no totals needed");
        assert_eq!(
            d.reason(Position::Cell { row: 0, column: 0 }),
            Some(Reason::Primary)
        );
        assert_eq!(
            d.reason(Position::Cell { row: 0, column: 1 }),
            Some(Reason::Secondary {
                relation: Relation::Row { row: 0 }
            }),
            "the smallest other cell of the row"
        );
        assert_eq!(d.suppressions.len(), 4);
        assert_eq!(d.table.row_totals[0], Cell::Shown(25));
        assert_eq!(d.table.grand_total, Cell::Shown(62));
        assert_safe(&table(vec![vec![3, 10, 12], vec![8, 9, 20]]), &d);
    }

    #[test]
    fn without_suppression_the_audit_recovers_a_lonely_hidden_cell() {
        // What the old primary-only rule would publish: the hidden 3 follows from the row.
        let mut naive = protect_default(vec![vec![30, 10, 12], vec![8, 9, 20]]).table;
        assert_eq!(hidden_count(&naive), 0);
        naive.cells[0][0] = Cell::Suppressed;
        let found = audit(&naive, None).unwrap();
        assert_eq!(
            found,
            vec![Recovered {
                snapshot: Snapshot::Current,
                position: Position::Cell { row: 0, column: 0 },
                value: 30
            }]
        );
    }

    #[test]
    fn two_small_cells_in_a_row_still_need_their_columns_protected() {
        // The row has two hidden cells, but each column isolates one of them.
        let d = protect_safely(vec![vec![2, 3, 15], vec![9, 8, 20]]);
        assert_eq!(hidden_cells(&d.table), vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
        assert_eq!(hidden_count(&d.table), 4);
    }

    #[test]
    fn a_cell_hidden_in_its_row_and_column_at_once() {
        let d = protect_safely(vec![
            vec![20, 11, 30, 40],
            vec![12, 2, 25, 17],
            vec![33, 14, 6, 50],
        ]);
        // The 2 at (1,1): its row adds the smallest other cell, 12 at (1,0); its column adds
        // 11 at (0,1); column 0 then adds 20 at (0,0): one 2×2 block, nothing more.
        assert_eq!(hidden_cells(&d.table), vec![(0, 0), (0, 1), (1, 0), (1, 1)]);
        assert_eq!(hidden_count(&d.table), 4);
    }

    #[test]
    fn hidden_cells_that_must_all_be_one_are_protected() {
        let d = protect_safely(vec![vec![1, 1, 20], vec![30, 40, 50]]);
        // Published with only the two ones hidden (plus their column partners), the row would
        // say 22 − 20 = 2 = 1 + 1.
        let mut naive = d.table.clone();
        naive.cells[0][2] = Cell::Shown(20);
        naive.row_totals[0] = Cell::Shown(22);
        let found = audit(&naive, None).unwrap();
        assert!(found
            .iter()
            .any(|r| r.position == Position::Cell { row: 0, column: 0 } && r.value == 1));
    }

    #[test]
    fn hidden_cells_that_must_all_be_the_maximum_are_protected() {
        // Two hidden cells adding up to 8 under a `<5` label can only be 4 and 4.
        let raw = table(vec![vec![4, 4, 20], vec![30, 40, 50]]);
        let d = protect(&raw, &DisclosureOptions::default()).unwrap();
        assert_safe(&raw, &d);
        let mut naive = d.table.clone();
        for c in 0..3 {
            naive.cells[1][c] = Cell::Shown(raw.cell(1, c).unwrap());
        }
        naive.cells[0][2] = Cell::Shown(20);
        naive.row_totals = vec![Cell::Shown(28), Cell::Shown(120)];
        naive.cells[0][0] = Cell::Suppressed;
        naive.cells[0][1] = Cell::Suppressed;
        // Hide the column totals so that only the bounds pin the two cells at 4.
        naive.column_totals[0] = Cell::Suppressed;
        naive.column_totals[1] = Cell::Suppressed;
        let found = audit(&naive, None).unwrap();
        let pinned = |value| Recovered {
            snapshot: Snapshot::Current,
            position: Position::Cell { row: 0, column: 1 },
            value,
        };
        assert!(found.contains(&pinned(4)), "{found:?}");
        // With 3 + 4 they could be 3 + 4 or 4 + 3: nothing follows.
        naive.row_totals[0] = Cell::Shown(27);
        let found = audit(&naive, None).unwrap();
        assert!(
            !found.iter().any(|r| r.position == pinned(4).position),
            "{found:?}"
        );
        // With a minimum of 10 the same row is not pinned (4 + 4 is neither 2 × 1 nor 2 × 9).
        let ten = protect(&raw, &with_minimum(10)).unwrap();
        assert_safe(&raw, &ten);
    }

    #[test]
    fn the_audit_finds_a_cell_joining_two_protected_blocks() {
        // Every row and column has at least two hidden cells, yet (1,2) is a bridge between two
        // 2×2 blocks and follows from the sums: the single-cell rule alone is not enough.
        let values = vec![
            vec![7, 8, 9, 10],
            vec![11, 12, 13, 14],
            vec![15, 16, 17, 18],
            vec![19, 20, 21, 22],
        ];
        let raw = table(values);
        let mut published = protect(&raw, &DisclosureOptions::default()).unwrap().table;
        assert_eq!(hidden_count(&published), 0);
        for (r, c) in [
            (0, 0),
            (0, 1),
            (1, 0),
            (1, 1),
            (1, 2),
            (2, 2),
            (2, 3),
            (3, 2),
            (3, 3),
        ] {
            published.cells[r][c] = Cell::Suppressed;
        }
        assert_eq!(
            audit(&published, None).unwrap(),
            vec![Recovered {
                snapshot: Snapshot::Current,
                position: Position::Cell { row: 1, column: 2 },
                value: 13
            }]
        );
    }

    #[test]
    fn zero_is_shown_and_never_used_as_complement_when_avoidable() {
        let d = protect_safely(vec![vec![0, 3, 9, 0], vec![0, 6, 7, 8]]);
        assert_eq!(d.table.cells[0][0], Cell::Shown(0));
        assert_eq!(d.table.cells[0][3], Cell::Shown(0));
        assert_eq!(d.table.column_totals[0], Cell::Shown(0));
        assert_eq!(d.table.cells[0][1], Cell::Suppressed);
    }

    #[test]
    fn small_totals_are_suppressed_like_cells() {
        // wijk-1 has 3 signals in total: its column total is hidden too.
        let d = protect_safely(vec![vec![1, 2, 30], vec![0, 1, 40], vec![5, 0, 25]]);
        assert_eq!(d.table.column_totals[1], Cell::Suppressed);
        assert_eq!(
            d.reason(Position::ColumnTotal { column: 1 }),
            Some(Reason::Primary)
        );
    }

    #[test]
    fn minimum_is_configurable_and_rendered() {
        let raw = table(vec![vec![7, 12, 30], vec![10, 11, 13]]);
        let five = protect(&raw, &DisclosureOptions::default()).unwrap();
        assert_eq!(hidden_count(&five.table), 0);
        let ten = protect(&raw, &with_minimum(10)).unwrap();
        assert_eq!(ten.table.cells[0][0], Cell::Suppressed);
        assert_eq!(
            ten.table.render(Position::Cell { row: 0, column: 0 }),
            Some("x".to_string())
        );
        assert_eq!(
            ten.table.render(Position::GrandTotal),
            Some("83".to_string())
        );
        assert_safe(&raw, &ten);
        assert_eq!(Cell::Suppressed.render(5), "x");
        assert_eq!(Cell::Shown(0).render(5), "0");
        assert_eq!(
            protect(&raw, &with_minimum(0)),
            Err(DisclosureError::MinimumTooSmall)
        );
    }

    #[test]
    fn small_areas_are_rolled_up_into_their_wider_area() {
        let raw = CountTable::new(
            vec!["kostendelersnorm".into(), "wachtlijst-ggz".into()],
            vec![
                "Oud-Noord".into(),
                "Vogelwijk".into(),
                "Centrum".into(),
                "Haven".into(),
            ],
            vec![vec![2, 10, 8, 9], vec![1, 12, 7, 6]],
        )
        .unwrap();
        let mapping: BTreeMap<String, String> = [
            ("Oud-Noord", "Stadsdeel Noord"),
            ("Vogelwijk", "Stadsdeel Noord"),
            ("Centrum", "Stadsdeel Zuid"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let d = protect(
            &raw,
            &DisclosureOptions {
                wider_area: Some(&mapping),
                ..DisclosureOptions::default()
            },
        )
        .unwrap();
        // Oud-Noord (3) is merged with Vogelwijk, the whole stadsdeel; Centrum's stadsdeel has
        // no small area, so it stays; Haven has no mapping.
        assert_eq!(d.table.columns, vec!["Stadsdeel Noord", "Centrum", "Haven"]);
        assert_eq!(d.table.cells[0][0], Cell::Shown(12));
        assert_eq!(d.table.cells[1][0], Cell::Shown(13));
        assert_eq!(hidden_count(&d.table), 0);
        assert_eq!(
            d.roll_ups,
            vec![
                RollUp {
                    area: "Oud-Noord".into(),
                    into: "Stadsdeel Noord".into(),
                    below_minimum: true
                },
                RollUp {
                    area: "Vogelwijk".into(),
                    into: "Stadsdeel Noord".into(),
                    below_minimum: false
                },
            ]
        );
        // Without a mapping the small area stays and is suppressed.
        let plain = protect(&raw, &DisclosureOptions::default()).unwrap();
        assert_eq!(plain.table.columns.len(), 4);
        assert_eq!(plain.table.column_totals[0], Cell::Suppressed);
        assert_safe(&raw, &plain);
    }

    #[test]
    fn a_roll_up_onto_an_existing_area_name_is_refused() {
        let raw = CountTable::new(
            vec!["k".into()],
            vec!["Noord".into(), "Oud-Noord".into()],
            vec![vec![20, 2]],
        )
        .unwrap();
        let mapping: BTreeMap<String, String> = [("Oud-Noord".to_string(), "Noord".to_string())]
            .into_iter()
            .collect();
        let err = roll_up(&raw, 5, &mapping).unwrap_err();
        assert_eq!(err, DisclosureError::RollUpCollision("Noord".into()));
        assert!(err.to_string().contains("bestaande wijk"));
    }

    #[test]
    fn malformed_tables_are_errors_not_panics() {
        let err = CountTable::new(vec!["a".into()], vec!["x".into()], vec![]).unwrap_err();
        assert!(err.to_string().contains("rijen"));
        let err =
            CountTable::new(vec!["a".into()], vec!["x".into()], vec![vec![1, 2]]).unwrap_err();
        assert!(err.to_string().contains("verwacht 1"));
        let err = CountTable::new(
            vec!["a".into(), "a".into()],
            vec!["x".into()],
            vec![vec![1], vec![2]],
        )
        .unwrap_err();
        assert_eq!(err, DisclosureError::DuplicateLabel("a".into()));
        let err =
            CountTable::new(vec!["a".into()], vec!["x".into()], vec![vec![u64::MAX]]).unwrap_err();
        assert_eq!(err, DisclosureError::Overflow);
        // A published table with parts of the wrong size yields nothing, and no panic.
        let mut broken = protect_default(vec![vec![3, 10], vec![8, 9]]).table;
        broken.row_totals.pop();
        assert_eq!(audit(&broken, None).unwrap(), vec![]);
        // An empty table is fine.
        let empty = protect(
            &CountTable::new(vec![], vec![], vec![]).unwrap(),
            &DisclosureOptions::default(),
        )
        .unwrap();
        assert_eq!(empty.table.grand_total, Cell::Shown(0));
    }

    #[test]
    fn a_previous_snapshot_from_this_module_adds_no_leak_and_no_suppression() {
        // Last quarter the row total and every cell of knelpunt-0 were shown; now one of its
        // cells is small. The totals are shown in both quarters, so `now − previous` is a
        // relation too; the audit includes it and still finds nothing.
        let before = table(vec![vec![9, 10, 12], vec![8, 9, 20]]);
        let now = table(vec![vec![3, 10, 12], vec![8, 9, 20]]);
        let previous = protect(&before, &DisclosureOptions::default()).unwrap();
        assert_eq!(hidden_count(&previous.table), 0);
        let with = protect(
            &now,
            &DisclosureOptions {
                previous: Some(&previous.table),
                ..DisclosureOptions::default()
            },
        )
        .unwrap();
        let without = protect(&now, &DisclosureOptions::default()).unwrap();
        assert_eq!(with.table, without.table, "no extra suppression needed");
        assert_eq!(with.previous_leaks, vec![]);
        assert_eq!(audit(&with.table, Some(&previous.table)).unwrap(), vec![]);
    }

    #[test]
    fn a_total_only_publication_does_not_leak_against_last_quarter() {
        // This quarter only knelpunt-0's row total is shown (its cells are all small); last
        // quarter its total and some cells were shown. The differences of the totals give no
        // cell.
        let before = table(vec![vec![6, 2, 7], vec![20, 30, 40]]);
        let now = table(vec![vec![2, 3, 4], vec![22, 31, 45]]);
        let previous = protect(&before, &DisclosureOptions::default()).unwrap();
        let current = protect(
            &now,
            &DisclosureOptions {
                previous: Some(&previous.table),
                ..DisclosureOptions::default()
            },
        )
        .unwrap();
        assert_eq!(current.table.row_totals[0], Cell::Shown(9));
        assert_eq!(previous.table.row_totals[0], Cell::Shown(15));
        assert_eq!(
            audit(&current.table, Some(&previous.table)).unwrap(),
            vec![]
        );
        assert_safe(&now, &current);
    }

    #[test]
    fn a_leaky_previous_brief_is_reported_not_hidden_again() {
        // Last quarter's brief was made with primary suppression only: knelpunt-0 in wijk-0 (3)
        // follows from its shown row total.
        let before = table(vec![vec![3, 10, 12], vec![8, 9, 20]]);
        let mut leaky = protect(&before, &DisclosureOptions::default())
            .unwrap()
            .table;
        for (r, line) in leaky.cells.iter_mut().enumerate() {
            for (c, cell) in line.iter_mut().enumerate() {
                if (r, c) != (0, 0) {
                    *cell = Cell::Shown(before.cell(r, c).unwrap());
                }
            }
        }
        leaky.zeros_shown = false;
        let now = table(vec![vec![10, 10, 12], vec![8, 9, 20]]);
        let d = protect(
            &now,
            &DisclosureOptions {
                previous: Some(&leaky),
                ..DisclosureOptions::default()
            },
        )
        .unwrap();
        assert_eq!(hidden_count(&d.table), 0, "hiding more now repairs nothing");
        assert_eq!(
            d.previous_leaks,
            vec![Recovered {
                snapshot: Snapshot::Previous,
                position: Position::Cell { row: 0, column: 0 },
                value: 3
            }]
        );
        let found = audit(&d.table, Some(&leaky)).unwrap();
        assert!(found.iter().all(|r| r.snapshot == Snapshot::Previous));
    }

    #[test]
    fn random_tables_are_always_safe() {
        // A small deterministic generator: many shapes and mixes of zeros, small and large counts.
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..300 {
            let rows = 1 + next(5) as usize;
            let columns = 1 + next(6) as usize;
            let cells: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..columns)
                        .map(|_| match next(4) {
                            0 => 0,
                            1 => 1 + next(4),
                            _ => next(40),
                        })
                        .collect()
                })
                .collect();
            let raw = table(cells);
            let d = protect(&raw, &DisclosureOptions::default()).unwrap();
            assert_safe(&raw, &d);
            assert_eq!(d.suppressions.len(), hidden_count(&d.table));
            // Against last quarter's table of the same shape, nothing of this quarter follows
            // either (the differences are relations too).
            let before: Vec<Vec<u64>> = (0..rows)
                .map(|_| (0..columns).map(|_| next(12)).collect())
                .collect();
            let previous = protect(&table(before), &DisclosureOptions::default()).unwrap();
            let found = audit(&d.table, Some(&previous.table)).unwrap();
            assert_eq!(found, vec![], "{:#?} {:#?}", d.table, previous.table);
        }
    }

    #[test]
    fn published_tables_round_trip_as_json() {
        let d = protect_default(vec![vec![3, 10, 12], vec![8, 9, 20]]);
        let json = serde_json::to_string(&d.table).unwrap();
        assert!(json.contains("\"suppressed\""));
        let back: PublishedTable = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d.table);
    }

    #[test]
    fn a_large_table_with_many_small_cells_is_protected() {
        // 25 knelpunten × 40 wijken, a third of the cells small: well under a second.
        let mut next = xorshift(42);
        let (rows, columns) = (25, 40);
        let cells: Vec<Vec<u64>> = (0..rows)
            .map(|_| {
                (0..columns)
                    .map(|_| if next(3) == 0 { 1 + next(4) } else { next(30) })
                    .collect()
            })
            .collect();
        let raw = CountTable::new(
            (0..rows).map(|i| format!("k{i}")).collect(),
            (0..columns).map(|i| format!("w{i}")).collect(),
            cells,
        )
        .unwrap();
        let d = protect(&raw, &DisclosureOptions::default()).unwrap();
        assert_safe(&raw, &d);
    }
}
