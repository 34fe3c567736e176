//! Time of `knooppunt model train` on 2,000 labelled notes (target: under 30 s): the project's
//! notes (`rules/training`, `rules/fixtures`, `rules/holdout`), cycled to exactly 2,000, trained
//! with the default settings (5-fold cross-validation for calibration and thresholds, then the
//! final model). Reports the median of several runs, wall clock and CPU.
//!
//! ```sh
//! cargo bench --bench train -- --runs 3
//! ```

mod common;

use common::{arg, listed, median};
use knooppunt_rules::learning::{notes, train};
use knooppunt_rules::ruleset::{RuleSet, DEFAULT_RULES};
use std::time::Instant;

fn main() {
    let runs = arg("--runs", 3).max(1);
    let size = arg("--notes", 2000usize).max(1);
    let rules = RuleSet::from_toml(DEFAULT_RULES).expect("default rules");
    let ids: Vec<&str> = rules.barriers().iter().map(|b| b.id.as_str()).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs: Vec<_> = ["rules/training", "rules/fixtures", "rules/holdout"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let own = notes::read_dirs(&dirs, &ids).expect("the project's notes read");
    let sample: Vec<notes::Note> = own.iter().cycle().take(size).cloned().collect();
    println!("{} notes ({} distinct)", sample.len(), own.len().min(size));
    let mut walls = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let outcome = train::train(&sample, &rules, &train::Options::default()).expect("trains");
        let wall = started.elapsed().as_secs_f64();
        std::hint::black_box(outcome);
        walls.push(wall);
    }
    println!(
        "model train on {} notes: median {:.1} s wall (runs: {})",
        sample.len(),
        median(walls.clone()),
        listed(&walls, 1)
    );
}
