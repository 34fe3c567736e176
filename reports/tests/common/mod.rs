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
