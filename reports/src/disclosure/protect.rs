//! Roll-up, primary and secondary suppression (rules 1 to 3 of the module documentation).

use super::table::Shape;
use super::*;
use std::collections::{BTreeMap, BTreeSet};

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
    let mut step = Suppressor::new(&table, min);
    step.primary(forced);
    loop {
        if step.secondary() {
            continue;
        }
        // Exact check for values that follow from combinations of relations.
        if !step.complement_recovered()? {
            break;
        }
    }
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
        table: step.publish(),
        suppressions: step.suppressions,
        roll_ups,
        previous_leaks,
    })
}

/// The suppression step's state: the table's figures (with totals) and which are hidden, and
/// why, in the order they were hidden.
struct Suppressor<'t> {
    table: &'t CountTable,
    shape: Shape,
    values: Vec<Vec<u64>>,
    hidden: Vec<Vec<bool>>,
    suppressions: Vec<Suppression>,
    min: u64,
}

impl<'t> Suppressor<'t> {
    fn new(table: &'t CountTable, min: u64) -> Self {
        let shape = Shape {
            rows: table.rows.len(),
            columns: table.columns.len(),
        };
        Self {
            table,
            shape,
            values: table.grid(),
            hidden: vec![vec![false; shape.columns + 1]; shape.rows + 1],
            suppressions: Vec::new(),
            min,
        }
    }

    fn hide(&mut self, (r, c): (usize, usize), reason: Reason) {
        self.hidden[r][c] = true;
        self.suppressions.push(Suppression {
            position: self.shape.position(r, c),
            reason,
        });
    }

    /// Rule 2, and the figures that must be hidden in any case.
    fn primary(&mut self, forced: &BTreeSet<Position>) {
        for r in 0..=self.shape.rows {
            for c in 0..=self.shape.columns {
                let v = self.values[r][c];
                if v > 0 && v < self.min {
                    self.hide((r, c), Reason::Primary);
                }
            }
        }
        for &position in forced {
            let (r, c) = self.shape.coordinates(position);
            if r <= self.shape.rows && c <= self.shape.columns && !self.hidden[r][c] {
                self.hide((r, c), Reason::Joint);
            }
        }
    }

    /// Whether a relation gives a hidden figure away: exactly one hidden, or all hidden ones
    /// cells (the total shown) whose sum is their number times a bound (1 or min − 1).
    fn leaks(&self, relation: Relation) -> bool {
        let hidden: Vec<(usize, usize)> = self
            .shape
            .members(relation)
            .into_iter()
            .filter(|&(r, c)| self.hidden[r][c])
            .collect();
        match hidden.len() {
            0 => false,
            1 => true,
            n => {
                let (tr, tc) = self.shape.total_of(relation);
                let sum: u64 = hidden.iter().map(|&(r, c)| self.values[r][c]).sum();
                let n = n as u64;
                !self.hidden[tr][tc] && (sum == n || sum == n.saturating_mul(self.min - 1))
            }
        }
    }

    /// One pass of rule 3 over every relation; whether anything was hidden.
    fn secondary(&mut self) -> bool {
        let mut changed = false;
        for relation in self.shape.relations() {
            if !self.leaks(relation) {
                continue;
            }
            if let Some(at) = complement(&self.shape, relation, &self.values, &self.hidden) {
                self.hide(at, Reason::Secondary { relation });
                changed = true;
            }
        }
        changed
    }

    /// Hides a complement for the first figure the exact audit recovers (the better one of its
    /// row and its column: a zero only when both have nothing else left); whether it did.
    fn complement_recovered(&mut self) -> Result<bool, DisclosureError> {
        let recovered = audit(&self.publish(), None)?;
        for found in recovered.iter().filter(|r| r.snapshot == Snapshot::Current) {
            let (r, c) = self.shape.coordinates(found.position);
            let best = [self.shape.row_relation(r), self.shape.column_relation(c)]
                .into_iter()
                .filter_map(|rel| {
                    complement(&self.shape, rel, &self.values, &self.hidden).map(|p| (rel, p))
                })
                .min_by_key(|&(rel, p)| complement_key(&self.shape, rel, &self.values, p));
            if let Some((relation, at)) = best {
                self.hide(at, Reason::Secondary { relation });
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn publish(&self) -> PublishedTable {
        publish(self.table, &self.values, &self.hidden, self.min)
    }
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
