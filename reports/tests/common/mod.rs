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

/// Runs a poppler tool (Debian's poppler-utils, installed by tests/run.sh) and returns stdout.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} could not run ({e}): install poppler-utils"));
    assert!(output.status.success(), "{tool} failed: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// veraPDF's verdict on a PDF for a PDF/A flavour ("2a"): its text report, `PASS …` or `FAIL …`
/// with the failed clauses. The jars come from `KNOOPPUNT_VERAPDF_HOME` (tests/run.sh sets it),
/// else from `tests/verapdf/fetch.sh` (Maven Central, cached).
fn verapdf(pdf: &std::path::Path, flavour: &str) -> String {
    let home = match std::env::var_os("KNOOPPUNT_VERAPDF_HOME") {
        Some(home) => std::path::PathBuf::from(home),
        None => {
            let fetch = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/verapdf/fetch.sh");
            let output = std::process::Command::new(fetch)
                .output()
                .unwrap_or_else(|e| panic!("{fetch} could not run: {e}"));
            assert!(output.status.success(), "{fetch} failed: {output:?}");
            std::path::PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
        }
    };
    let output = std::process::Command::new("java")
        .arg("-cp")
        .arg(home.join("libs").join("*"))
        .args([
            "org.verapdf.apps.GreenfieldCliWrapper",
            "--flavour",
            flavour,
        ])
        .args(["--format", "text", "-v"])
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("veraPDF (java) could not run: {e}"));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts that `pdf` is an A4 PDF/A-2a and PDF/UA-1 as veraPDF checks them, with `title` and
/// `author`, and that Chromium's own print is gone; returns `pdfinfo`'s report for more checks.
pub fn assert_archived(pdf: &std::path::Path, title: &str, author: &str) -> String {
    let bytes = std::fs::read(pdf).unwrap();
    assert_eq!(
        knooppunt_reports::archive::pdfa_identification(&bytes),
        Some((2, "A".to_string())),
        "PDF/A-2a: {}",
        pdf.display()
    );
    for flavour in ["2a", "ua1"] {
        let report = verapdf(pdf, flavour);
        assert!(report.starts_with("PASS "), "{}: {report}", pdf.display());
    }
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(
        info.contains(&format!("Title:           {title}\n")),
        "{info}"
    );
    assert!(
        info.contains(&format!("Author:          {author}\n")),
        "{info}"
    );
    assert!(
        knooppunt_reports::archive::page_sizes(&bytes)
            .into_iter()
            .all(knooppunt_reports::archive::is_a4),
        "A4"
    );
    // Chromium's own print and the numbered copy are not left beside it.
    let folder = pdf.parent().expect("the PDF is in a folder");
    let left: Vec<_> = std::fs::read_dir(folder)
        .expect("the PDF's folder")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".afdruk"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    info
}
