//! The ledger across periods: months inside a published quarter, in any order.

use super::system::refine;
use super::tests::{names, plain, publish_hiding_first_cell, random_raw, table_of, Rng, CORP};
use super::*;
use crate::disclosure::{protect, Cell, DisclosureOptions};

/// A table of one period: `cells[r][c]` for `rows` × `columns`.
fn period_table(rows: &[&str], columns: &[&str], cells: Vec<Vec<u64>>) -> CountTable {
    CountTable::new(names(rows), names(columns), cells).unwrap()
}

#[test]
fn a_month_inside_a_published_quarter_gives_away_the_rest_of_the_quarter() {
    let rows = ["angst-jeugdhulp", CORP];
    let columns = ["Bouwlust", "Laak"];
    let q3 = protect(
        &period_table(&rows, &columns, vec![vec![6, 0], vec![0, 10]]),
        &DisclosureOptions::default(),
    )
    .unwrap()
    .table;
    let mut ledger = Ledger::default();
    ledger.add_table("brief 2026Q3", "2026Q3", &q3, &plain);
    let september = period_table(&rows, &columns, vec![vec![5, 0], vec![0, 5]]);
    // Each table alone shows everything: no figure is below 5.
    let naive = protect(&september, &DisclosureOptions::default())
        .unwrap()
        .table;
    let mut joint = ledger.clone();
    joint.add_table("maandoverzicht 2026-09", "2026-09", &naive, &plain);
    let leaks = joint.disclosures(5).unwrap();
    assert!(
        leaks
            .iter()
            .any(|l| l.value == 1 && l.name.contains("zonder maandoverzicht 2026-09")),
        "6 in the quarter and 5 in September give 1 in July and August: {leaks:#?}"
    );
    let protected = protect_in_context(
        &september,
        &DisclosureOptions::default(),
        "maandoverzicht 2026-09",
        "2026-09",
        &plain,
        &ledger,
    )
    .unwrap();
    publish_hiding_first_cell(
        &mut ledger,
        ("maandoverzicht 2026-09", "2026-09"),
        &protected,
    );
    // The total of September, 10 of the quarter's 16, gives nothing small away.
    assert_eq!(protected.disclosure.table.grand_total, Cell::Shown(10));
}

#[test]
fn random_months_and_quarters_published_in_any_order_leak_nothing_together() {
    let months = ["2026-07", "2026-08", "2026-09"];
    for seed in 1..=30u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5151);
        let rows: Vec<String> = (0..2 + rng.below(2)).map(|i| format!("b{i}")).collect();
        let columns: Vec<String> = (0..2 + rng.below(2)).map(|i| format!("w{i}")).collect();
        let raw = random_raw(&mut rng, &rows, &columns, &months);
        let quarter = CountTable::new(
            rows.clone(),
            columns.clone(),
            rows.iter()
                .map(|r| {
                    columns
                        .iter()
                        .map(|c| {
                            months
                                .iter()
                                .map(|m| {
                                    raw[&Atom {
                                        barrier: r.clone(),
                                        area: c.clone(),
                                        quarter: m.to_string(),
                                    }]
                                })
                                .sum()
                        })
                        .collect()
                })
                .collect(),
        )
        .unwrap();
        // The brief comes after 0 to 3 of the monthly overviews (the order they appear in).
        let brief_after = rng.below(4) as usize;
        let mut outputs: Vec<(String, String, CountTable)> = months
            .iter()
            .map(|m| {
                let table = table_of(&raw, &rows, &columns, m);
                (format!("maandoverzicht {m}"), m.to_string(), table)
            })
            .collect();
        outputs.insert(
            brief_after,
            ("brief 2026Q3".into(), "2026Q3".into(), quarter),
        );
        let mut ledger = Ledger::default();
        for (output, period, table) in &outputs {
            let protected = protect_in_context(
                table,
                &DisclosureOptions::default(),
                output,
                period,
                &plain,
                &ledger,
            )
            .unwrap();
            assert_eq!(protected.context_leaks, vec![], "seed {seed} {output}");
            ledger.add_table(output, period, &protected.disclosure.table, &plain);
            assert_eq!(
                ledger.disclosures(5).unwrap(),
                vec![],
                "seed {seed} {output}"
            );
        }
        for figure in &ledger.figures {
            if let Some(v) = figure.value {
                let truth: u64 = figure.atoms.iter().flat_map(refine).map(|a| raw[&a]).sum();
                assert_eq!(v, truth, "seed {seed}: {} {}", figure.output, figure.name);
                assert!(v == 0 || v >= 5, "seed {seed}: {} shows {v}", figure.name);
            }
        }
    }
}

/// Wijken the municipality column of the test below stands for.
fn municipality(_: &str) -> Vec<String> {
    names(&["Bouwlust", "Laak", "Transvaal"])
}

/// The brief of Q3 with `count` signals of the knelpunt for the whole municipality, protected
/// against `context`.
fn q3_for_the_municipality(count: u64, context: &Ledger) -> Protected {
    let q3 = period_table(&["angst-jeugdhulp"], &["Hele gemeente"], vec![vec![count]]);
    let options = DisclosureOptions::default();
    protect_in_context(
        &q3,
        &options,
        "brief 2026Q3",
        "2026Q3",
        &municipality,
        context,
    )
    .unwrap()
}

#[test]
fn a_quarter_for_the_whole_municipality_after_a_month_per_wijk_hides_the_rest() {
    // September's overview showed 5 in Bouwlust; the brief of Q3 has the knelpunt for the
    // whole municipality (Bouwlust, Laak, Transvaal) at 6: "1 elsewhere or earlier".
    let september = protect(
        &period_table(
            &["angst-jeugdhulp", CORP],
            &["Bouwlust", "Laak"],
            vec![vec![5, 0], vec![0, 5]],
        ),
        &DisclosureOptions::default(),
    )
    .unwrap()
    .table;
    let mut ledger = Ledger::default();
    ledger.add_table("maandoverzicht 2026-09", "2026-09", &september, &plain);
    let context = ledger.clone();
    let protected = q3_for_the_municipality(6, &ledger);
    assert_eq!(protected.context_leaks, vec![]);
    let table = &protected.disclosure.table;
    assert_eq!(table.grand_total, Cell::Suppressed);
    ledger.add_table("brief 2026Q3", "2026Q3", table, &municipality);
    assert_eq!(ledger.disclosures(5).unwrap(), vec![]);
    // With 10 in the quarter the rest is 5: nothing small, and the brief shows it.
    let protected = q3_for_the_municipality(10, &context);
    assert_eq!(protected.disclosure.table.grand_total, Cell::Shown(10));
}

#[test]
fn only_the_figures_that_share_signals_with_a_table_are_audited_with_it() {
    let rows = ["angst-jeugdhulp", CORP];
    let columns = ["Bouwlust", "Laak"];
    // "brief 2026Q2": the output, and after the space its period.
    let publish = |ledger: &mut Ledger, output: &str, cells: [[u64; 2]; 2]| {
        let period = output.rsplit(' ').next().unwrap_or_default();
        let cells = cells.iter().map(|line| line.to_vec()).collect();
        let table = protect(
            &period_table(&rows, &columns, cells),
            &DisclosureOptions::default(),
        )
        .unwrap()
        .table;
        ledger.add_table(output, period, &table, &plain);
    };
    let mut history = Ledger::default();
    publish(&mut history, "brief 2026Q2", [[9, 7], [6, 8]]);
    publish(&mut history, "maandoverzicht 2026-07", [[5, 6], [7, 5]]);
    // A corrected count of the quarter: compared with it, so connected to it.
    history.add(Figure {
        output: "brief 2026Q3".into(),
        name: "oud".into(),
        atoms: [Atom {
            barrier: CORP.into(),
            area: "Laak".into(),
            quarter: corrected_period("2026Q3", 4),
        }]
        .into(),
        value: Some(4),
    });
    let mut quarter = Ledger::default();
    publish(&mut quarter, "brief 2026Q3", [[15, 6], [7, 9]]);
    let connected = history.connected_to(&quarter);
    let outputs: BTreeSet<&str> = connected
        .figures
        .iter()
        .map(|f| f.output.as_str())
        .collect();
    assert_eq!(
        outputs,
        ["brief 2026Q3", "maandoverzicht 2026-07"].into(),
        "July lies inside the third quarter, the second quarter does not"
    );
    assert_eq!(
        connected.figures.len(),
        history.figures.len() - 9,
        "every figure of July and the corrected count, none of the second quarter's nine"
    );
}
