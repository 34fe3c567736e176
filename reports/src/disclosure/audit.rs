//! The exact audit: what an outsider can work out from the published figures (rule 4 and
//! the final check of rule 3).

use super::table::Shape;
use super::*;
use crate::frac::Frac;
use std::collections::HashMap;

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
