//! Reading big or hostile import files: the CSV paths that used to be quadratic (duplicate
//! headers, line numbers) and the per-line JSONL reader. Reports the median wall time of
//! several runs per case.
//!
//! ```sh
//! cargo bench --bench csv_import -- --runs 7
//! ```

mod common;

use common::{arg, median};
use knooppunt_domain::csv_import::parse_csv;
use knooppunt_domain::jsonl::parse_jsonl;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let runs = arg("--runs", 5).max(1);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    let wide: String = (0..100_000).map(|i| format!("kolom{i};")).collect();
    let widest_allowed = format!(
        "datum;bron;wijk;omschrijving{}\n14-09-2026;t;Laak;x\n",
        (0..96).map(|i| format!(";extra{i}")).collect::<String>()
    );
    let mut rows = String::from("datum;bron;wijk;omschrijving\r\n");
    let mut lines = String::new();
    for i in 0..60_000 {
        rows.push_str(&format!(
            "14-09-2026;team;Laak;\"Melding {i}; portiek\r\nonveilig\"\r\n"
        ));
        lines.push_str(&format!(
            "{{\"id\":\"l{i}\",\"observed_on\":\"2026-09-14\",\"source\":\"team\",\"area\":\"Laak\",\"text\":\"Melding {i}\"}}\r\n"
        ));
    }
    let cases: [(&str, &dyn Fn() -> usize); 4] = [
        ("CSV header of 100,000 columns (refused)", &|| {
            parse_csv(black_box(wide.as_bytes()), today).map_or(0, |r| r.len())
        }),
        ("CSV header of 100 columns", &|| {
            parse_csv(black_box(widest_allowed.as_bytes()), today).map_or(0, |r| r.len())
        }),
        ("CSV of 60,000 rows (two lines each)", &|| {
            parse_csv(black_box(rows.as_bytes()), today).map_or(0, |r| r.len())
        }),
        ("JSON lines, 60,000 lines", &|| {
            parse_jsonl(black_box(lines.as_bytes()), today).map_or(0, |r| r.len())
        }),
    ];
    for (name, case) in cases {
        let mut times = Vec::new();
        let mut read = 0;
        for _ in 0..runs {
            let started = Instant::now();
            read = case();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!("{name}: median {:.2} ms ({read} rows)", median(times));
    }
}
