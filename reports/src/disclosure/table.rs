//! The tables of disclosure control: raw counts in, published figures out.

use super::DisclosureError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Raw counts: rows are knelpunten (barriers), columns are areas (wijken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    pub(super) rows: Vec<String>,
    pub(super) columns: Vec<String>,
    pub(super) cells: Vec<Vec<u64>>,
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
    pub(super) fn grid(&self) -> Vec<Vec<u64>> {
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
    pub(super) fn grid(&self) -> Option<Vec<Vec<Option<u64>>>> {
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

/// Table dimensions (without totals) and the mapping between grid coordinates and positions.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub(super) rows: usize,
    pub(super) columns: usize,
}

impl Shape {
    pub(super) fn position(self, r: usize, c: usize) -> Position {
        match (r == self.rows, c == self.columns) {
            (false, false) => Position::Cell { row: r, column: c },
            (false, true) => Position::RowTotal { row: r },
            (true, false) => Position::ColumnTotal { column: c },
            (true, true) => Position::GrandTotal,
        }
    }

    pub(super) fn coordinates(self, position: Position) -> (usize, usize) {
        match position {
            Position::Cell { row, column } => (row, column),
            Position::RowTotal { row } => (row, self.columns),
            Position::ColumnTotal { column } => (self.rows, column),
            Position::GrandTotal => (self.rows, self.columns),
        }
    }

    pub(super) fn row_relation(self, r: usize) -> Relation {
        if r == self.rows {
            Relation::ColumnTotals
        } else {
            Relation::Row { row: r }
        }
    }

    pub(super) fn column_relation(self, c: usize) -> Relation {
        if c == self.columns {
            Relation::RowTotals
        } else {
            Relation::Column { column: c }
        }
    }

    pub(super) fn relations(self) -> Vec<Relation> {
        (0..=self.rows)
            .map(|r| self.row_relation(r))
            .chain((0..=self.columns).map(|c| self.column_relation(c)))
            .collect()
    }

    /// All figures of a relation, the total last.
    pub(super) fn members(self, relation: Relation) -> Vec<(usize, usize)> {
        match relation {
            Relation::Row { row } => (0..=self.columns).map(|c| (row, c)).collect(),
            Relation::ColumnTotals => (0..=self.columns).map(|c| (self.rows, c)).collect(),
            Relation::Column { column } => (0..=self.rows).map(|r| (r, column)).collect(),
            Relation::RowTotals => (0..=self.rows).map(|r| (r, self.columns)).collect(),
        }
    }

    pub(super) fn total_of(self, relation: Relation) -> (usize, usize) {
        match relation {
            Relation::Row { row } => (row, self.columns),
            Relation::Column { column } => (self.rows, column),
            Relation::ColumnTotals | Relation::RowTotals => (self.rows, self.columns),
        }
    }
}
