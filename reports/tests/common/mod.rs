//! What the golden-file tests share: where the expected outputs live, and the comparison.

use std::path::PathBuf;

/// The committed expected output `name` (`reports/tests/golden/`).
fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the golden file `name`; with `UPDATE_GOLDEN` set, writes it first.
pub fn check(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{name} differs from {}; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

/// Compares what `actual` changes in `base` (the output `base_name` pins, as rendered in this
/// run) with the golden file `name`, a unified diff from `base` to `actual`: a variant of an
/// output (the rectified brief) is pinned by exactly what it adds and alters, and `base_name`'s
/// own test pins the rest. Diffing against this run's rendering, not the golden file, keeps the
/// two tests independent (with `UPDATE_GOLDEN` set they may run in either order).
#[allow(dead_code)] // Each test binary uses the helpers it needs.
pub fn check_changes(name: &str, base_name: &str, base: &str, actual: &str) {
    let changes = similar::TextDiff::from_lines(base, actual)
        .unified_diff()
        .context_radius(2)
        .header(base_name, name)
        .to_string();
    check(name, &changes);
}
