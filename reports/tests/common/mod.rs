//! What the golden-file tests share: where the expected outputs live, and the comparison.

use std::path::{Path, PathBuf};

/// The committed expected output `name` (`reports/tests/golden/`).
fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// The golden file at `path`.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()))
}

/// Compares `actual` with the golden file `name`; with `UPDATE_GOLDEN` set, writes it first.
pub fn check(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = read(&path);
    assert!(
        expected == actual,
        "{name} differs from {}; if the change is intended, run with UPDATE_GOLDEN=1 and review the diff",
        path.display()
    );
}

/// Compares what `actual` changes in the golden file `base` with the golden file `name`, a
/// unified diff from `base` to `actual`: a variant of an output (the rectified brief) is pinned
/// by exactly what it adds and alters, and `base` alone pins the rest. With `UPDATE_GOLDEN`
/// set, `base` must be up to date first (its test runs in the same binary; run it again if
/// this one still fails).
#[allow(dead_code)] // Each test binary uses the helpers it needs.
pub fn check_changes(name: &str, base: &str, actual: &str) {
    let base_text = read(&golden(base));
    let changes = similar::TextDiff::from_lines(base_text.as_str(), actual)
        .unified_diff()
        .context_radius(2)
        .header(base, name)
        .to_string();
    check(name, &changes);
}
