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

mod audit;
mod protect;
mod table;
#[cfg(test)]
mod tests;

pub use audit::audit;
pub use protect::{protect, protect_forcing, roll_up};
pub use table::{
    Cell, CountTable, Position, PublishedTable, Reason, Relation, RollUp, Suppression, SUPPRESSED,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
