use super::table::Shape;
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

/// `raw` protected with the default minimum, checked against the `previous` publication.
fn protect_after(raw: &CountTable, previous: &PublishedTable) -> Disclosure {
    let options = DisclosureOptions {
        previous: Some(previous),
        ..DisclosureOptions::default()
    };
    protect(raw, &options).unwrap()
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
    let err = CountTable::new(vec!["a".into()], vec!["x".into()], vec![vec![1, 2]]).unwrap_err();
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
    let with = protect_after(&now, &previous.table);
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
    let current = protect_after(&now, &previous.table);
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
    let d = protect_after(&now, &leaky);
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
