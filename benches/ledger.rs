//! The joint audit of everything published, at a mature deployment's scale.
//!
//! Builds `--years` of publications for `--knelpunten` knelpunten in `--wijken` wijken: three
//! monthly overviews and the brief of every quarter, each table protected on its own (fast, and
//! enough to give the ledger its size), then times, `--runs` times:
//!
//! - `Ledger::disclosures` over the whole history (what an audit costs);
//! - `protect_in_context` of the last quarter's brief, published after its three monthly
//!   overviews, against the whole history (what publishing costs).
//!
//! ```sh
//! cargo bench --bench ledger -- --knelpunten 40 --wijken 8 --years 2 --runs 3
//! ```

mod common;

use common::{arg, listed, median};
use knooppunt_reports::disclosure::{protect, CountTable, DisclosureOptions, PublishedTable};
use knooppunt_reports::ledger::{protect_in_context, Ledger};
use std::time::Instant;

/// A small deterministic generator (the same history on every run and machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A month's count of one knelpunt in one wijk: mostly small, sometimes none, now and
    /// then large, as signals are.
    fn count(&mut self) -> u64 {
        match self.next() % 10 {
            0..=2 => 0,
            3..=6 => 1 + self.next() % 4,
            _ => 5 + self.next() % 12,
        }
    }
}

/// How many figures of a published table are hidden.
fn hidden(table: &PublishedTable) -> usize {
    let all = table.cells.iter().flatten();
    all.chain(&table.row_totals)
        .chain(&table.column_totals)
        .chain(std::iter::once(&table.grand_total))
        .filter(|cell| cell.value().is_none())
        .count()
}

/// FNV-1a of a published table's figures, to compare two builds' tables at a glance.
fn fingerprint(table: &PublishedTable) -> u64 {
    format!("{table:?}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn table(rows: &[String], columns: &[String], cells: Vec<Vec<u64>>) -> CountTable {
    CountTable::new(rows.to_vec(), columns.to_vec(), cells).expect("a rectangular table")
}

fn main() {
    let knelpunten: usize = arg("--knelpunten", 40);
    let wijken: usize = arg("--wijken", 8);
    let years: i32 = arg("--years", 2);
    let runs: usize = arg("--runs", 3);
    let rows: Vec<String> = (0..knelpunten).map(|k| format!("knelpunt-{k}")).collect();
    let columns: Vec<String> = (0..wijken).map(|w| format!("Wijk {w}")).collect();
    let plain = |column: &str| vec![column.to_string()];
    let options = DisclosureOptions::default();
    let mut random = Lcg(2026);
    let mut month = || -> Vec<Vec<u64>> {
        (0..knelpunten)
            .map(|_| (0..wijken).map(|_| random.count()).collect())
            .collect()
    };

    let started = Instant::now();
    let mut ledger = Ledger::default();
    let mut last_quarter = Vec::new();
    // The history ends with 2025's fourth quarter: its three months are published, its brief
    // is what is timed.
    for year in 2026 - years..2026 {
        for quarter in 1..=4u32 {
            let mut sum = vec![vec![0u64; wijken]; knelpunten];
            for m in 1..=3u32 {
                let period = format!("{year}-{:02}", (quarter - 1) * 3 + m);
                let cells = month();
                for (total, line) in sum.iter_mut().zip(&cells) {
                    for (t, c) in total.iter_mut().zip(line) {
                        *t += c;
                    }
                }
                let published = protect(&table(&rows, &columns, cells), &options)
                    .expect("protect")
                    .table;
                ledger.add_table(
                    &format!("maandoverzicht {period}"),
                    &period,
                    &published,
                    &plain,
                );
            }
            let period = format!("{year}Q{quarter}");
            if year == 2025 && quarter == 4 {
                last_quarter = sum;
                continue;
            }
            let published = protect(&table(&rows, &columns, sum), &options)
                .expect("protect")
                .table;
            ledger.add_table(&format!("brief {period}"), &period, &published, &plain);
        }
    }
    println!(
        "history: {knelpunten} knelpunten × {wijken} wijken, {years} years: {} figures \
         (built in {:.1} s)",
        ledger.figures.len(),
        started.elapsed().as_secs_f64()
    );

    let brief = table(&rows, &columns, last_quarter);
    let (mut audits, mut publications) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let started = Instant::now();
        let leaks = ledger.disclosures(5).expect("audit");
        audits.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let protected =
            protect_in_context(&brief, &options, "brief 2025Q4", "2025Q4", &plain, &ledger)
                .expect("protect in context");
        publications.push(started.elapsed().as_secs_f64());
        println!(
            "  run: audit {:.3} s ({} leaks in the history), the brief {:.3} s ({} figures \
             hidden, {} context leaks; table {:016x})",
            audits.last().copied().unwrap_or_default(),
            leaks.len(),
            publications.last().copied().unwrap_or_default(),
            hidden(&protected.disclosure.table),
            protected.context_leaks.len(),
            fingerprint(&protected.disclosure.table),
        );
    }
    println!(
        "audit of the whole history: median {:.3} s ({} s)",
        median(audits.clone()),
        listed(&audits, 3)
    );
    println!(
        "protecting the last quarter's brief against it: median {:.3} s ({} s)",
        median(publications.clone()),
        listed(&publications, 3)
    );
}
