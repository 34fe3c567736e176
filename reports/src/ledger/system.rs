//! The shown figures of a ledger as one system of linear equations over its atoms, and what
//! follows from it exactly (see [`super::Ledger::disclosures`]).

use super::{Atom, Figure, Leak};
use crate::disclosure::DisclosureError;
use crate::frac::Frac;
use std::collections::{BTreeMap, BTreeSet};

/// The shown figures of a ledger as a reduced system of linear equations over its atoms.
pub(super) struct System {
    /// A monthly output counts months: then every quarter is the sum of its three months.
    monthly: bool,
    index: BTreeMap<Atom, usize>,
    /// The atoms by their number in `index`.
    atoms: Vec<Atom>,
    /// Reduced basis of the shown figures: pivot variable → (row, right-hand side).
    basis: BTreeMap<usize, (Row, Frac)>,
    /// Each figure of the ledger as a sum of atoms, in the ledger's order.
    vectors: Vec<Row>,
}

impl System {
    pub(super) fn of(ledger: &super::Ledger) -> Result<System, DisclosureError> {
        let mut system = System::indexed(&ledger.figures);
        system.add_shown(&ledger.figures, 0)?;
        Ok(system)
    }

    /// The atoms and vectors of `figures`, with no equation yet.
    pub(super) fn indexed(figures: &[Figure]) -> System {
        let monthly = counts_months(figures);
        let mut system = System {
            monthly,
            index: BTreeMap::new(),
            atoms: Vec::new(),
            basis: BTreeMap::new(),
            vectors: Vec::new(),
        };
        for figure in figures {
            for atom in figure.atoms.iter().flat_map(|a| expand(monthly, a)) {
                if !system.index.contains_key(&atom) {
                    system.index.insert(atom.clone(), system.atoms.len());
                    system.atoms.push(atom);
                }
            }
        }
        system.vectors = figures.iter().map(|f| system.vector(f)).collect();
        system
    }

    /// Adds the shown figures from `figures[from..]` (the figures it was indexed with, or
    /// the same figures with other values) as equations.
    pub(super) fn add_shown(
        &mut self,
        figures: &[Figure],
        from: usize,
    ) -> Result<(), DisclosureError> {
        for (figure, vector) in figures.iter().zip(&self.vectors).skip(from) {
            if let Some(value) = figure.value {
                let (row, rhs) = (vector.clone(), Frac::int(value as i128));
                add(&mut self.basis, row, rhs)?;
            }
        }
        Ok(())
    }

    /// The equations so far, to go back to ([`System::restore`]).
    pub(super) fn equations(&self) -> BTreeMap<usize, (Row, Frac)> {
        self.basis.clone()
    }

    pub(super) fn restore(&mut self, equations: BTreeMap<usize, (Row, Frac)>) {
        self.basis = equations;
    }

    /// [`super::Ledger::disclosures`] of `figures`, the figures this system was indexed with.
    pub(super) fn leaks(&self, figures: &[Figure], min: u64) -> Result<Vec<Leak>, DisclosureError> {
        let values = self.values(figures)?;
        let small = |value: i64| value > 0 && (value as u64) < min;
        let mut leaks = self.recovered(figures, &values);
        leaks.extend(self.differences(figures, &values, &small));
        leaks.extend(self.sub_periods(figures, &values)?);
        leaks.extend(self.corrections(figures)?);
        leaks.retain(|leak| small(leak.value));
        leaks.sort();
        leaks.dedup();
        Ok(leaks)
    }

    fn vector(&self, figure: &Figure) -> Row {
        figure
            .atoms
            .iter()
            .flat_map(|a| expand(self.monthly, a))
            .filter_map(|a| self.index.get(&a).map(|&i| (i, Frac::ONE)))
            .collect()
    }

    /// The value of a sum of atoms, when it follows exactly from the shown figures.
    fn solve(&self, row: Row) -> Result<Option<i64>, DisclosureError> {
        let (rest, value) = reduce(&self.basis, row, Frac::ZERO)?;
        // `row = Σ basis rows · factors`, and reduce subtracted their right-hand sides from 0.
        Ok(rest.is_empty().then(|| -value.round()))
    }

    /// Every figure's value where it follows exactly: shown, or solved from the shown ones.
    pub(super) fn values(&self, figures: &[Figure]) -> Result<Vec<Option<i64>>, DisclosureError> {
        figures
            .iter()
            .zip(&self.vectors)
            .map(|(figure, vector)| match figure.value {
                Some(value) => Ok(Some(value as i64)),
                None => self.solve(vector.clone()),
            })
            .collect()
    }

    /// The hidden figures that follow exactly.
    pub(super) fn recovered(&self, figures: &[Figure], values: &[Option<i64>]) -> Vec<Leak> {
        figures
            .iter()
            .zip(values)
            .filter(|(figure, _)| figure.value.is_none())
            .filter_map(|(figure, value)| {
                value.map(|value| Leak {
                    output: figure.output.clone(),
                    name: figure.name.clone(),
                    value,
                    atoms: figure.atoms.clone(),
                })
            })
            .collect()
    }

    /// The `small` differences of nested figures of two outputs whose values both follow (see
    /// [`super::Ledger::disclosures`]); named after both, reported with the larger one's atoms.
    pub(super) fn differences(
        &self,
        figures: &[Figure],
        values: &[Option<i64>],
        small: &dyn Fn(i64) -> bool,
    ) -> Vec<Leak> {
        let nesting = Nesting::new(&self.vectors, figures);
        let mut leaks = Vec::new();
        for (inner, known) in values.iter().enumerate() {
            let Some(known) = known else { continue };
            for outer in nesting.around(inner) {
                let (a, b) = (&figures[outer], &figures[inner]);
                let Some(value) = values[outer].map(|v| v - known) else {
                    continue;
                };
                if a.output == b.output || !small(value) {
                    continue;
                }
                let rest = without(&nesting.vectors[outer], &nesting.vectors[inner]);
                if group(a) != group(b)
                    && (nesting.sum_of_cells(&rest, &a.output)
                        || nesting.sum_of_cells(&rest, &b.output))
                {
                    continue;
                }
                leaks.push(Leak {
                    output: a.output.clone(),
                    name: format!("{} zonder {}: {}", a.name, b.output, b.name),
                    value,
                    atoms: a.atoms.clone(),
                });
            }
        }
        leaks
    }

    /// The differences between a count a rectificatie corrected and its correction that
    /// follow exactly: "16 → 14" gives away the 2 signals taken out (or put in), a group no
    /// table shows. An earlier version names a corrected count's atoms with a period of their
    /// own ([`super::corrected_period`]); for every figure that holds such atoms, and for
    /// every such atom alone, the difference with the same signals counted now is solved.
    /// Reported with the atoms as counted now, so a repair hides a figure of the new version.
    pub(super) fn corrections(&self, figures: &[Figure]) -> Result<Vec<Leak>, DisclosureError> {
        let mut leaks = Vec::new();
        let mut difference = |output: &str, name: String, then: BTreeSet<Atom>| {
            let current: BTreeSet<Atom> = then.iter().map(Atom::counted_now).collect();
            let (Some(mut row), Some(then_row)) = (self.row(&current), self.row(&then)) else {
                return Ok(());
            };
            subtract_scaled(&mut row, Frac::ONE, &then_row)?;
            if let Some(value) = self.solve(row)? {
                leaks.push(Leak {
                    output: output.to_string(),
                    name,
                    value: value.abs(),
                    atoms: current,
                });
            }
            Ok::<(), DisclosureError>(())
        };
        let mut atoms_seen = BTreeSet::new();
        for figure in figures
            .iter()
            .filter(|f| f.atoms.iter().any(Atom::corrected))
        {
            difference(
                &figure.output,
                format!("{}, verschil met nu", figure.name),
                figure.atoms.clone(),
            )?;
            for atom in figure.atoms.iter().filter(|a| a.corrected()) {
                if atoms_seen.insert(atom.clone()) {
                    difference(
                        &figure.output,
                        format!(
                            "{} × {} ({}), verschil met nu",
                            atom.barrier, atom.area, atom.quarter
                        ),
                        [atom.clone()].into(),
                    )?;
                }
            }
        }
        Ok(leaks)
    }

    /// A set of atoms as a row of the system, or `None` when an atom is in no figure (then no
    /// sum holding it follows).
    fn row(&self, atoms: &BTreeSet<Atom>) -> Option<Row> {
        atoms
            .iter()
            .flat_map(|a| expand(self.monthly, a))
            .map(|a| self.index.get(&a).map(|&i| (i, Frac::ONE)))
            .collect()
    }

    /// The parts of one figure's period that follow exactly: of a figure counting several
    /// periods (a quarter in months, or several quarters), each period alone and all but each
    /// period. This finds the month a quarter's brief gives away together with the overviews
    /// of its other months before that month's own overview exists.
    pub(super) fn sub_periods(
        &self,
        figures: &[Figure],
        values: &[Option<i64>],
    ) -> Result<Vec<Leak>, DisclosureError> {
        let mut leaks = Vec::new();
        for ((figure, value), vector) in figures.iter().zip(values).zip(&self.vectors) {
            if value.is_none() {
                continue;
            }
            let mut periods: BTreeMap<&str, Row> = BTreeMap::new();
            for (&k, &v) in vector {
                if let Some(atom) = self.atoms.get(k) {
                    periods
                        .entry(atom.quarter.as_str())
                        .or_default()
                        .insert(k, v);
                }
            }
            if periods.len() < 2 {
                continue;
            }
            let mut parts: Vec<(String, Row)> = Vec::new();
            for (period, row) in &periods {
                parts.push((format!("alleen {period}"), row.clone()));
                if periods.len() > 2 {
                    parts.push((format!("zonder {period}"), without(vector, row)));
                }
            }
            for (part, row) in parts {
                if let Some(value) = self.solve(row)? {
                    leaks.push(Leak {
                        output: figure.output.clone(),
                        name: format!("{}, {part}", figure.name),
                        value,
                        atoms: figure.atoms.clone(),
                    });
                }
            }
        }
        Ok(leaks)
    }
}

type Row = BTreeMap<usize, Frac>;

/// The entries of `whole` whose atoms are not in `part`.
fn without(whole: &Row, part: &Row) -> Row {
    whole
        .iter()
        .filter(|(k, _)| !part.contains_key(k))
        .map(|(&k, &v)| (k, v))
        .collect()
}

/// The figures of a ledger as sets of atoms, to find which lie inside which.
struct Nesting<'a> {
    figures: &'a [Figure],
    vectors: &'a [Row],
    /// The figures that hold each atom.
    holding: BTreeMap<usize, Vec<usize>>,
}

impl<'a> Nesting<'a> {
    fn new(vectors: &'a [Row], figures: &'a [Figure]) -> Self {
        let mut holding: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (f, vector) in vectors.iter().enumerate() {
            for &atom in vector.keys() {
                holding.entry(atom).or_default().push(f);
            }
        }
        Nesting {
            figures,
            vectors,
            holding,
        }
    }

    /// Whether figure `part` lies strictly inside `whole`.
    fn inside(&self, part: usize, whole: usize) -> bool {
        let (part, whole) = (&self.vectors[part], &self.vectors[whole]);
        part.len() < whole.len() && part.keys().all(|k| whole.contains_key(k))
    }

    /// The figures that `part` lies strictly inside (they all hold its first atom).
    fn around(&self, part: usize) -> impl Iterator<Item = usize> + '_ {
        let first = self.vectors[part].keys().next();
        first
            .and_then(|atom| self.holding.get(atom))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&whole| self.inside(part, whole))
    }

    /// A table's cell: a figure with no other figure of its own output inside it.
    fn is_cell(&self, f: usize) -> bool {
        let output = &self.figures[f].output;
        !self.vectors[f]
            .keys()
            .filter_map(|atom| self.holding.get(atom))
            .flatten()
            .any(|&g| self.figures[g].output == *output && self.inside(g, f))
    }

    /// Whether `rest` is the sum of two or more cells of `output`: a sum of hidden cells,
    /// which the disclosure rules of that one table govern.
    fn sum_of_cells(&self, rest: &Row, output: &str) -> bool {
        let cells: BTreeSet<usize> = rest
            .keys()
            .filter_map(|atom| self.holding.get(atom))
            .flatten()
            .copied()
            .filter(|&g| {
                self.figures[g].output == output
                    && self.vectors[g].keys().all(|k| rest.contains_key(k))
                    && self.is_cell(g)
            })
            .collect();
        let union: BTreeSet<usize> = cells
            .iter()
            .flat_map(|&g| self.vectors[g].keys().copied())
            .collect();
        cells.len() >= 2 && union.len() == rest.len()
    }
}

/// Whether any of `figures` counts months: then the system counts every quarter in months.
pub(super) fn counts_months<'f>(figures: impl IntoIterator<Item = &'f Figure>) -> bool {
    figures
        .into_iter()
        .flat_map(|f| &f.atoms)
        .any(|a| month_atom(&a.quarter))
}

/// Whether an atom's period is a month (`2026-09`, from a monthly overview) rather than a
/// quarter (`2026Q3`).
pub fn month_atom(period: &str) -> bool {
    chrono::NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").is_ok()
}

/// The knelpunten and wijken a figure counts, whatever its period.
fn group(figure: &Figure) -> BTreeSet<(&str, &str)> {
    figure
        .atoms
        .iter()
        .map(|a| (a.barrier.as_str(), a.area.as_str()))
        .collect()
}

/// An atom as the system counts it: in months when any output counts months ([`refine`]).
pub(super) fn expand(monthly: bool, atom: &Atom) -> Vec<Atom> {
    if monthly {
        refine(atom)
    } else {
        vec![atom.clone()]
    }
}

/// An atom in months: a quarter's atom is its three months' atoms, a month's is itself.
pub(super) fn refine(atom: &Atom) -> Vec<Atom> {
    match atom.quarter.parse::<knooppunt_domain::quarter::Quarter>() {
        Ok(quarter) if !month_atom(&atom.quarter) => {
            let start = quarter.start();
            (0..3)
                .filter_map(|i| start.checked_add_months(chrono::Months::new(i)))
                .map(|month| Atom {
                    quarter: month.format("%Y-%m").to_string(),
                    ..atom.clone()
                })
                .collect()
        }
        _ => vec![atom.clone()],
    }
}

/// Adds a shown figure to `basis`, keeping it fully reduced.
fn add(
    basis: &mut BTreeMap<usize, (Row, Frac)>,
    row: Row,
    value: Frac,
) -> Result<(), DisclosureError> {
    let (row, rhs) = reduce(basis, row, value)?;
    let Some((&pivot, &lead)) = row.iter().next() else {
        return Ok(());
    };
    let row: Row = row
        .into_iter()
        .map(|(k, v)| Ok((k, v.div(lead)?)))
        .collect::<Result<_, DisclosureError>>()?;
    let rhs = rhs.div(lead)?;
    // Remove the new pivot from the older rows.
    for (old_row, old_rhs) in basis.values_mut() {
        if let Some(&factor) = old_row.get(&pivot) {
            subtract_scaled(old_row, factor, &row)?;
            *old_rhs = old_rhs.sub(factor.mul(rhs)?)?;
        }
    }
    basis.insert(pivot, (row, rhs));
    Ok(())
}

/// Subtracts basis rows from `row` until no pivot of the basis is left in it; the right-hand
/// sides are subtracted from `rhs` alike.
fn reduce(
    basis: &BTreeMap<usize, (Row, Frac)>,
    mut row: Row,
    mut rhs: Frac,
) -> Result<(Row, Frac), DisclosureError> {
    let pivots: Vec<usize> = row
        .keys()
        .copied()
        .filter(|k| basis.contains_key(k))
        .collect();
    for pivot in pivots {
        let Some(factor) = row.get(&pivot).copied() else {
            continue;
        };
        let Some((base, base_rhs)) = basis.get(&pivot) else {
            continue;
        };
        subtract_scaled(&mut row, factor, base)?;
        rhs = rhs.sub(factor.mul(*base_rhs)?)?;
    }
    Ok((row, rhs))
}

/// `row − factor · other`, entry by entry; entries that become zero are dropped.
fn subtract_scaled(row: &mut Row, factor: Frac, other: &Row) -> Result<(), DisclosureError> {
    for (&k, &v) in other {
        let updated = row
            .get(&k)
            .copied()
            .unwrap_or(Frac::ZERO)
            .sub(factor.mul(v)?)?;
        if updated.is_zero() {
            row.remove(&k);
        } else {
            row.insert(k, updated);
        }
    }
    Ok(())
}
