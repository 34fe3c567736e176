//! The other direction of the generated fixture tests (`fixtures.rs`): every barrier of the
//! default rules has its fixture file, so a deleted file cannot silently drop a test.

use knooppunt_rules::ruleset::RuleSet;
use std::path::Path;

#[test]
fn every_barrier_has_a_fixture_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let rules = RuleSet::default_rules().expect("default rules");
    let missing: Vec<&str> = rules
        .barriers()
        .iter()
        .map(|b| b.id.as_str())
        .filter(|id| !dir.join(format!("{id}.toml")).is_file())
        .collect();
    assert!(missing.is_empty(), "no fixture file for {missing:?}");
}
