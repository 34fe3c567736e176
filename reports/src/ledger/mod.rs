//! Everything published from the same data, audited together.
//!
//! [`crate::disclosure`] protects one table. But the municipality reads more than one table of
//! the same signals: last quarter's brief, other programmes' briefs of this quarter, the
//! stadsdeel table of knelpunten that were rolled up, the website. A hidden cell of one can
//! follow from shown figures of the others ("all-time 19, Q2 8, Q1 0, so Q3 is 11").
//!
//! The ledger describes every published figure by the smallest counts it is a sum of, its
//! [`Atom`]s: the signals of one knelpunt (barrier) in one wijk in one quarter. A shown figure is
//! a linear equation over atoms; a hidden figure is recovered exactly when its atoms' sum lies in
//! the span of the shown figures. [`Ledger::audit`] decides that for all outputs at once
//! (Gaussian elimination over the rationals, sparse). [`protect_in_context`] runs the
//! disclosure step on a new table, adds it to what was already published, and hides more in the
//! new table until the joint audit finds nothing that the new table gives away.
//!
//! Besides hidden figures, [`Ledger::disclosures`] looks for small groups no table shows that
//! follow from two outputs counting the same signals over different spans: a month inside a
//! published quarter ("6 in Q3, 5 in September: 1 in July and August"), or a knelpunt for the
//! whole municipality after a monthly overview per wijk; or the correction a rectificatie makes
//! ("was 16, wordt 14": two signals went).
//!
//! Not covered here: inference from the bounds of a hidden figure (`1 ≤ x ≤ min − 1`) across
//! outputs; within one table [`crate::disclosure::protect`] covers them.

use crate::disclosure::{
    protect_forcing, Cell, CountTable, Disclosure, DisclosureError, DisclosureOptions, Position,
    PublishedTable,
};
use std::collections::{BTreeMap, BTreeSet};
pub use system::month_atom;
use system::System;

mod system;

/// The period of an atom whose count an earlier version of a rectified output published and
/// a rectificatie corrected since: `"2026Q3 #4"`. It is an unknown of its own (the old count
/// is not the new one), compared with the new one by [`base_period`].
pub fn corrected_period(period: &str, count: i64) -> String {
    format!("{period} #{count}")
}

/// The period a (possibly [`corrected_period`]) atom's period stands for.
pub fn base_period(period: &str) -> &str {
    period.split_once(" #").map_or(period, |(base, _)| base)
}

/// The smallest count any output is a sum of.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Atom {
    pub barrier: String,
    pub area: String,
    pub quarter: String,
}

impl Atom {
    /// The same signals as counted now: a corrected count's atom ([`corrected_period`]) in the
    /// period it stands for, any other atom itself.
    pub fn counted_now(&self) -> Atom {
        Atom {
            quarter: base_period(&self.quarter).to_string(),
            ..self.clone()
        }
    }

    /// Whether this is a corrected count's atom ([`corrected_period`]).
    fn corrected(&self) -> bool {
        base_period(&self.quarter) != self.quarter
    }
}

/// One published figure: which output, which figure, what it sums, and its value when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub output: String,
    pub name: String,
    pub atoms: BTreeSet<Atom>,
    pub value: Option<u64>,
}

/// A hidden figure, or a difference of two figures, that follows from the shown ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Leak {
    pub output: String,
    pub name: String,
    pub value: i64,
    /// The atoms of the figure that gives it away: the hidden figure itself, or the larger of
    /// two nested figures. A repair hides a figure that shares them.
    pub atoms: BTreeSet<Atom>,
}

/// Everything published (or about to be) from the same signals.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub figures: Vec<Figure>,
}

/// Which wijken a published column stands for: the wijk itself, or for a stadsdeel (a wider
/// area of the roll-up) all wijken mapped to it.
pub fn column_areas(column: &str, wider_areas: &BTreeMap<String, String>) -> Vec<String> {
    let members: Vec<String> = wider_areas
        .iter()
        .filter(|(_, wider)| wider.as_str() == column)
        .map(|(wijk, _)| wijk.clone())
        .collect();
    if members.is_empty() || wider_areas.contains_key(column) {
        vec![column.to_string()]
    } else {
        members
    }
}

impl Ledger {
    pub fn add(&mut self, figure: Figure) {
        self.figures.push(figure);
    }

    /// Adds every figure of a published knelpunt × wijk table of `quarter` (rows are barrier
    /// ids). `areas` says which wijken a column stands for (see [`column_areas`]).
    pub fn add_table(
        &mut self,
        output: &str,
        quarter: &str,
        table: &PublishedTable,
        areas: &dyn Fn(&str) -> Vec<String>,
    ) {
        self.add_table_tagged(output, table, areas, &|_, _| quarter.to_string());
    }

    /// [`Ledger::add_table`] with the quarter of each atom given per (barrier, wijk): an
    /// earlier version of a rectified brief names a count that was corrected since as an atom
    /// of its own (`"2026Q3 #4"`), so the versions of one period are audited together without
    /// pretending that a corrected count is the same unknown as its correction.
    pub fn add_table_tagged(
        &mut self,
        output: &str,
        table: &PublishedTable,
        areas: &dyn Fn(&str) -> Vec<String>,
        quarter: &dyn Fn(&str, &str) -> String,
    ) {
        let column_areas: Vec<Vec<String>> = table.columns.iter().map(|c| areas(c)).collect();
        let atoms = |rows: &[usize], columns: &[usize]| -> BTreeSet<Atom> {
            let mut set = BTreeSet::new();
            for &r in rows {
                for &c in columns {
                    for area in &column_areas[c] {
                        set.insert(Atom {
                            barrier: table.rows[r].clone(),
                            area: area.clone(),
                            quarter: quarter(&table.rows[r], area),
                        });
                    }
                }
            }
            set
        };
        let all_rows: Vec<usize> = (0..table.rows.len()).collect();
        let all_columns: Vec<usize> = (0..table.columns.len()).collect();
        let mut push = |name: String, atoms: BTreeSet<Atom>, cell: Option<Cell>| {
            if let Some(cell) = cell {
                self.figures.push(Figure {
                    output: output.to_string(),
                    name,
                    atoms,
                    value: cell.value(),
                });
            }
        };
        for (r, row) in table.rows.iter().enumerate() {
            for (c, column) in table.columns.iter().enumerate() {
                push(
                    format!("{row} × {column}"),
                    atoms(&[r], &[c]),
                    table.get(Position::Cell { row: r, column: c }),
                );
            }
            push(
                format!("{row} totaal"),
                atoms(&[r], &all_columns),
                table.get(Position::RowTotal { row: r }),
            );
        }
        for (c, column) in table.columns.iter().enumerate() {
            push(
                format!("{column} totaal"),
                atoms(&all_rows, &[c]),
                table.get(Position::ColumnTotal { column: c }),
            );
        }
        push(
            "totaal".into(),
            atoms(&all_rows, &all_columns),
            Some(table.grand_total),
        );
    }

    /// Adds, as hidden figures to watch, the sums a later output will publish over a group of
    /// knelpunten (a programme's brief): per wijk and in total. A table published now must not
    /// give away a small sum of such a group, or that programme's brief could not hide it.
    pub fn watch_groups(
        &mut self,
        quarter: &str,
        groups: &BTreeMap<String, Vec<String>>,
        areas: &[String],
    ) {
        for (name, barriers) in groups {
            let atoms = |wijken: &[String]| -> BTreeSet<Atom> {
                barriers
                    .iter()
                    .flat_map(|b| {
                        wijken.iter().map(move |w| Atom {
                            barrier: b.clone(),
                            area: w.clone(),
                            quarter: quarter.to_string(),
                        })
                    })
                    .collect()
            };
            for area in areas {
                self.add(Figure {
                    output: format!("programma {name}"),
                    name: format!("{area} totaal"),
                    atoms: atoms(std::slice::from_ref(area)),
                    value: None,
                });
            }
            self.add(Figure {
                output: format!("programma {name}"),
                name: "totaal".into(),
                atoms: atoms(areas),
                value: None,
            });
        }
    }

    /// What a reader must never learn: the groups of signals whose count follows exactly from
    /// the shown figures *and* is small (`0 < value < min`). Two kinds:
    ///
    /// - a hidden figure of any output ([`Ledger::audit`]). One that follows but is zero or at
    ///   least `min` reveals no small group: it could have been shown (a complement that follows
    ///   would give away its small partner, which is then found itself);
    /// - the difference of two figures of different outputs where one counts a part of the
    ///   other's signals: "Bouwlust 6 in the third quarter" in the brief and "Bouwlust 5 in
    ///   September" in the monthly overview give "1 in July and August", a group no table
    ///   shows. A difference that is the sum of two or more cells of one of the two tables
    ///   ("this knelpunt in the other wijken") is what that table's own rules
    ///   ([`crate::disclosure`]) let a reader know of its hidden cells, and is not a leak;
    ///   a hidden cell that follows alone is found as a hidden figure.
    /// - a part of one figure's period ([`System::sub_periods`]);
    /// - the difference between two versions of the same figure, the "was 16, wordt 14" of a
    ///   rectificatie ([`System::corrections`]).
    pub fn disclosures(&self, min: u64) -> Result<Vec<Leak>, DisclosureError> {
        System::of(self)?.leaks(&self.figures, min)
    }

    /// The figures of this ledger connected to those of `other`: sharing an atom with one of
    /// them, or with a figure that is connected itself. The equations of the figures left out
    /// share no unknown with these, so nothing follows from them together that does not
    /// follow from each part alone. Atoms are compared as the system counts them (in months
    /// when either ledger counts months), and a corrected count's atom
    /// ([`corrected_period`]) as the count it corrects.
    pub fn connected_to(&self, other: &Ledger) -> Ledger {
        let monthly = system::counts_months(self.figures.iter().chain(&other.figures));
        let keys = |figure: &Figure| -> Vec<Atom> {
            figure
                .atoms
                .iter()
                .flat_map(|atom| system::expand(monthly, &atom.counted_now()))
                .collect()
        };
        let mut holding: BTreeMap<Atom, Vec<usize>> = BTreeMap::new();
        let figure_keys: Vec<Vec<Atom>> = self.figures.iter().map(keys).collect();
        for (f, atoms) in figure_keys.iter().enumerate() {
            for atom in atoms {
                holding.entry(atom.clone()).or_default().push(f);
            }
        }
        let mut seen: BTreeSet<Atom> = BTreeSet::new();
        let mut queue: Vec<Atom> = other.figures.iter().flat_map(keys).collect();
        let mut taken = vec![false; self.figures.len()];
        while let Some(atom) = queue.pop() {
            if !seen.insert(atom.clone()) {
                continue;
            }
            for &f in holding.get(&atom).into_iter().flatten() {
                if !taken[f] {
                    taken[f] = true;
                    queue.extend(figure_keys[f].iter().cloned());
                }
            }
        }
        Ledger {
            figures: self
                .figures
                .iter()
                .zip(taken)
                .filter(|(_, taken)| *taken)
                .map(|(figure, _)| figure.clone())
                .collect(),
        }
    }

    /// Every hidden figure of any output that follows exactly from the shown figures of all
    /// outputs together, with its value.
    pub fn audit(&self) -> Result<Vec<Leak>, DisclosureError> {
        let system = System::of(self)?;
        let mut leaks = system.recovered(&self.figures, &system.values(&self.figures)?);
        leaks.sort();
        leaks.dedup();
        Ok(leaks)
    }
}

/// The result of [`protect_in_context`].
#[derive(Debug, Clone)]
pub struct Protected {
    pub disclosure: Disclosure,
    /// Figures that already follow from what was published before, whatever this table hides
    /// (an earlier output published too much), in the part of it that shares signals with this
    /// table ([`Ledger::connected_to`]). Reported, never silently accepted.
    pub context_leaks: Vec<Leak>,
}

/// The disclosure step for a new table of `quarter`, together with everything in `context`:
/// after [`crate::disclosure::protect`], every small figure that the new table would give away
/// in combination with the context ([`Ledger::disclosures`]) is treated as a leak, and one more figure of the new table
/// (the smallest non-zero shown one that shares atoms with the leak, else the smallest one) is
/// hidden, until none is left.
pub fn protect_in_context(
    table: &CountTable,
    options: &DisclosureOptions<'_>,
    output: &str,
    quarter: &str,
    areas: &dyn Fn(&str) -> Vec<String>,
    context: &Ledger,
) -> Result<Protected, DisclosureError> {
    let min = options.min_group_size;
    let mut all_hidden = protect_forcing(table, options, &BTreeSet::new())?.table;
    hide_all(&mut all_hidden);
    let mut new = Ledger::default();
    new.add_table(output, quarter, &all_hidden, areas);
    // Only what shares signals with the new table, directly or through other figures, can
    // combine with it: the rest of the history is a separate system of equations.
    let mut joint = context.connected_to(&new);
    let start = joint.figures.len();
    joint.figures.extend(new.figures);
    // The context's equations are solved once; each try adds the new table's shown figures
    // to them (its figures' atoms are the same whatever it hides).
    let mut system = System::indexed(&joint.figures);
    system.add_shown(&joint.figures, 0)?;
    let context_equations = system.equations();
    // What the context gives away, of itself or of the new table even if all of the new table
    // were hidden: no suppression here can repair that, so it is reported rather than chased.
    let before: BTreeSet<Leak> = system.leaks(&joint.figures, min)?.into_iter().collect();
    let known = |leak: &Leak| {
        before
            .iter()
            .any(|b| b.output == leak.output && b.name == leak.name)
    };
    let positions = positions(&all_hidden);
    let mut forced = BTreeSet::new();
    loop {
        let disclosure = protect_forcing(table, options, &forced)?;
        // The new table's figures are in the order of `positions` (as `add_table` adds them).
        for (figure, position) in joint.figures[start..].iter_mut().zip(&positions) {
            figure.value = disclosure.table.get(*position).and_then(Cell::value);
        }
        system.restore(context_equations.clone());
        system.add_shown(&joint.figures, start)?;
        let new: Vec<Leak> = system
            .leaks(&joint.figures, min)?
            .into_iter()
            .filter(|leak| !known(leak))
            .collect();
        let Some(leak) = new.first() else {
            return Ok(Protected {
                disclosure,
                context_leaks: before.into_iter().collect(),
            });
        };
        let leaked_atoms = &leak.atoms;
        let candidate = joint.figures[start..]
            .iter()
            .zip(&positions)
            .filter(|(f, p)| f.value.is_some() && !forced.contains(*p))
            .min_by_key(|(f, _)| {
                let value = f.value.unwrap_or(0);
                (f.atoms.is_disjoint(leaked_atoms), value == 0, value)
            })
            .map(|(_, p)| *p);
        match candidate {
            Some(position) => {
                forced.insert(position);
            }
            // Everything of the new table is hidden already: what is left comes from the
            // context alone.
            None => {
                return Ok(Protected {
                    disclosure,
                    context_leaks: before.into_iter().chain(new).collect(),
                })
            }
        }
    }
}

fn hide_all(table: &mut PublishedTable) {
    for line in &mut table.cells {
        line.fill(Cell::Suppressed);
    }
    table.row_totals.fill(Cell::Suppressed);
    table.column_totals.fill(Cell::Suppressed);
    table.grand_total = Cell::Suppressed;
}

/// The positions of a table in the order [`Ledger::add_table`] adds its figures.
fn positions(table: &PublishedTable) -> Vec<Position> {
    let mut out = Vec::new();
    for row in 0..table.rows.len() {
        for column in 0..table.columns.len() {
            out.push(Position::Cell { row, column });
        }
        out.push(Position::RowTotal { row });
    }
    for column in 0..table.columns.len() {
        out.push(Position::ColumnTotal { column });
    }
    out.push(Position::GrandTotal);
    out
}

#[cfg(test)]
mod period_tests;
#[cfg(test)]
mod tests;
