//! Prints an HTML file to PDF with headless Chromium.
//!
//! The binary is `KNOOPPUNT_CHROMIUM` when set, otherwise the first of `chromium`,
//! `chromium-browser` and `google-chrome` on `PATH`. Chromium runs with its own temporary
//! profile, its output goes to a log file (never to a pipe that could fill up and stall it), and
//! it is stopped when it exceeds the timeout. Every error names the binary in Dutch.

use crate::program::{ProgramError, Run};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Environment variable with the path (or name on `PATH`) of the Chromium binary.
pub const CHROMIUM_ENV: &str = "KNOOPPUNT_CHROMIUM";

/// Names tried on `PATH` when [`CHROMIUM_ENV`] is not set.
pub const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// A sensible default for one brief.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "Chromium niet gevonden: geen chromium, chromium-browser of google-chrome in PATH; \
         installeer Chromium (bijv. `apt-get install chromium`) of zet {CHROMIUM_ENV} op het programma"
    )]
    NotFound,
    #[error(
        "{CHROMIUM_ENV} wijst naar '{0}', maar dat programma bestaat niet of is niet uitvoerbaar"
    )]
    ConfiguredMissing(String),
    #[error("HTML-bestand '{path}' kan niet worden gelezen: {source}")]
    Input {
        path: String,
        source: std::io::Error,
    },
    #[error("tijdelijke map voor Chromium kon niet worden gemaakt: {0}")]
    TempDir(std::io::Error),
    #[error(transparent)]
    Program(#[from] ProgramError),
    #[error("'{binary}' maakte geen geldige PDF in '{output}'")]
    NoPdf { binary: String, output: String },
}

/// Finds Chromium from [`CHROMIUM_ENV`] and `PATH`.
pub fn find_chromium() -> Result<PathBuf, PdfError> {
    find_chromium_in(std::env::var_os(CHROMIUM_ENV), std::env::var_os("PATH"))
}

/// [`find_chromium`] with the environment passed in, for tests.
pub fn find_chromium_in(
    configured: Option<OsString>,
    path: Option<OsString>,
) -> Result<PathBuf, PdfError> {
    let search = |name: &OsStr| -> Option<PathBuf> {
        let candidate = Path::new(name);
        if candidate.components().count() > 1 || candidate.is_absolute() {
            return is_executable(candidate).then(|| candidate.to_path_buf());
        }
        path.as_ref().and_then(|p| {
            std::env::split_paths(p)
                .map(|dir| dir.join(name))
                .find(|full| is_executable(full))
        })
    };
    match configured.filter(|c| !c.is_empty()) {
        Some(configured) => search(&configured)
            .ok_or_else(|| PdfError::ConfiguredMissing(configured.to_string_lossy().into_owned())),
        None => CHROMIUM_NAMES
            .iter()
            .find_map(|name| search(OsStr::new(name)))
            .ok_or(PdfError::NotFound),
    }
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        true
    }
}

/// `file://` URL of an absolute path, percent-encoding everything but unreserved characters
/// and `/`.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// Prints `input` (an HTML file) to `output` with the Chromium found by [`find_chromium`].
pub fn html_to_pdf(input: &Path, output: &Path, timeout: Duration) -> Result<(), PdfError> {
    let binary = find_chromium()?;
    html_to_pdf_with(&binary, input, output, timeout)
}

/// How many Chromium processes print at once in this process: each starts some five
/// processes of its own, so a burst of downloads waits its turn rather than starting dozens
/// (six parallel downloads started thirty, each taking six times as long).
const PRINTING_AT_ONCE: usize = 2;

/// A place among the [`PRINTING_AT_ONCE`], held while printing.
struct PrintSlot;

static PRINT_SLOTS: (std::sync::Mutex<usize>, std::sync::Condvar) =
    (std::sync::Mutex::new(0), std::sync::Condvar::new());

impl PrintSlot {
    /// Waits for a free place.
    fn take() -> Self {
        let (busy, freed) = &PRINT_SLOTS;
        let mut busy = busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        while *busy >= PRINTING_AT_ONCE {
            busy = freed
                .wait(busy)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *busy += 1;
        PrintSlot
    }
}

impl Drop for PrintSlot {
    fn drop(&mut self) {
        let (busy, freed) = &PRINT_SLOTS;
        let mut busy = busy.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *busy = busy.saturating_sub(1);
        freed.notify_one();
    }
}

/// Prints `input` to `output` with the given Chromium binary (at most [`PRINTING_AT_ONCE`] at a
/// time in this process; the others wait).
pub fn html_to_pdf_with(
    binary: &Path,
    input: &Path,
    output: &Path,
    timeout: Duration,
) -> Result<(), PdfError> {
    let _slot = PrintSlot::take();
    let name = binary.display().to_string();
    let input = std::fs::canonicalize(input).map_err(|source| PdfError::Input {
        path: input.display().to_string(),
        source,
    })?;
    // An existing output must not pass for a fresh PDF.
    let _ = std::fs::remove_file(output);
    let work = TempDir::new()?;
    let log_path = work.path.join("chromium.log");
    let log = std::fs::File::create(&log_path).map_err(PdfError::TempDir)?;
    let log_err = log.try_clone().map_err(PdfError::TempDir)?;
    let mut print_arg = OsString::from("--print-to-pdf=");
    print_arg.push(output.as_os_str());
    let mut profile_arg = OsString::from("--user-data-dir=");
    profile_arg.push(work.path.join("profiel").as_os_str());
    let run = Run {
        binary: &name,
        makes: "PDF",
        output,
        log: &log_path,
        log_lines: 5,
        timeout,
    };
    let (_, is_pdf) = run.run(
        Command::new(binary)
            .arg("--headless")
            .arg("--disable-gpu")
            .arg("--no-sandbox")
            .arg("--no-pdf-header-footer")
            .arg("--no-first-run")
            .arg("--disable-dev-shm-usage")
            .arg(profile_arg)
            .arg(print_arg)
            .arg(file_url(&input))
            // Chromium's own temporary files (`org.chromium.*`) go with the work folder.
            .env("TMPDIR", &work.path)
            .stdout(log)
            .stderr(log_err),
    )?;
    if !is_pdf {
        return Err(PdfError::NoPdf {
            binary: name,
            output: output.display().to_string(),
        });
    }
    Ok(())
}

/// Counts page objects (`/Type /Page`, not `/Type /Pages`) in a PDF.
pub fn count_pages(pdf: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while let Some(found) = find(&pdf[i..], b"/Type") {
        let mut j = i + found + b"/Type".len();
        while j < pdf.len() && pdf[j].is_ascii_whitespace() {
            j += 1;
        }
        if pdf[j..].starts_with(b"/Page") {
            let after = pdf.get(j + b"/Page".len()).copied();
            if !matches!(after, Some(c) if c.is_ascii_alphanumeric()) {
                count += 1;
            }
        }
        i = j;
    }
    count
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A temporary directory removed on drop (no extra dependency needed).
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<Self, PdfError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("knooppunt-pdf-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).map_err(PdfError::TempDir)?;
        Ok(Self { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn no_more_print_at_once_than_the_slots() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NOW: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let threads: Vec<_> = (0..6)
            .map(|_| {
                std::thread::spawn(|| {
                    let _slot = PrintSlot::take();
                    let now = NOW.fetch_add(1, Ordering::SeqCst) + 1;
                    MOST.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    NOW.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("printing thread");
        }
        let most = MOST.load(Ordering::SeqCst);
        assert!((1..=PRINTING_AT_ONCE).contains(&most), "{most} at once");
    }
    use super::*;

    const TWO_PAGES: &str = r#"<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Kwartaalbrief</title>
<style>.pagina { page-break-after: always; } .pagina:last-child { page-break-after: auto; }</style>
</head><body>
<section class="pagina"><h1>Kwartaalbrief 3e kwartaal 2026</h1><p>Eerste pagina.</p></section>
<section class="pagina"><h2>Bijlage</h2><p>Tweede pagina: knelpunten &amp; cijfers.</p></section>
</body></html>"#;

    #[test]
    fn prints_a_two_page_html_to_a_two_page_pdf() {
        // Fails, not skips, without Chromium: the PDF is part of the brief.
        let binary = find_chromium().unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("brief met spatie.html");
        let output = dir.path().join("brief.pdf");
        std::fs::write(&input, TWO_PAGES).unwrap();
        html_to_pdf_with(&binary, &input, &output, Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{e}"));
        let pdf = std::fs::read(&output).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(count_pages(&pdf), 2);
    }

    #[test]
    fn counts_page_objects_not_the_page_tree() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >>\n2 0 obj << /Type /Page >>\n3 0 obj <</Type/Page/Parent 1 0 R>>\n4 0 obj << /Type /PageLabel >>";
        assert_eq!(count_pages(pdf), 2);
        assert_eq!(count_pages(b""), 0);
        assert_eq!(count_pages(b"/Type"), 0);
    }

    #[cfg(unix)]
    fn fake_binary(dir: &Path, name: &str, script: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn finds_the_binary_from_the_variable_or_path() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let path = Some(bin.clone().into_os_string());
        assert!(matches!(
            find_chromium_in(None, path.clone()),
            Err(PdfError::NotFound)
        ));
        let message = find_chromium_in(None, path.clone())
            .unwrap_err()
            .to_string();
        assert!(message.contains("Chromium niet gevonden") && message.contains(CHROMIUM_ENV));
        // Not executable: not found.
        std::fs::write(bin.join("chromium"), "").unwrap();
        assert!(find_chromium_in(None, path.clone()).is_err());
        let chrome = fake_binary(&bin, "google-chrome", "exit 0");
        assert_eq!(find_chromium_in(None, path.clone()).unwrap(), chrome);
        let browser = fake_binary(&bin, "chromium-browser", "exit 0");
        assert_eq!(find_chromium_in(None, path.clone()).unwrap(), browser);
        // The variable wins, by path or by name on PATH.
        assert_eq!(
            find_chromium_in(Some(chrome.clone().into_os_string()), path.clone()).unwrap(),
            chrome
        );
        assert_eq!(
            find_chromium_in(Some("google-chrome".into()), path.clone()).unwrap(),
            chrome
        );
        let err = find_chromium_in(Some("/nergens/chromium".into()), path).unwrap_err();
        assert!(err.to_string().contains("/nergens/chromium"));
    }

    #[cfg(unix)]
    #[test]
    fn failures_name_the_binary_in_dutch() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.html");
        let output = dir.path().join("uit.pdf");
        std::fs::write(&input, "<p>x</p>").unwrap();
        let failing = fake_binary(
            dir.path(),
            "kapot",
            "echo 'kan scherm niet openen' >&2; exit 3",
        );
        let err = html_to_pdf_with(&failing, &input, &output, Duration::from_secs(10)).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("kapot") && message.contains("zonder PDF"),
            "{message}"
        );
        assert!(message.contains("kan scherm niet openen"), "{message}");

        let silent = fake_binary(dir.path(), "stil", "exit 0");
        let err = html_to_pdf_with(&silent, &input, &output, Duration::from_secs(10)).unwrap_err();
        assert!(matches!(err, PdfError::NoPdf { .. }), "{err}");
        assert!(err.to_string().contains("stil"));

        let slow = fake_binary(dir.path(), "traag", "exec sleep 30");
        let started = std::time::Instant::now();
        let err = html_to_pdf_with(&slow, &input, &output, Duration::from_secs(1)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            err.to_string().contains("traag") && err.to_string().contains("tijdslimiet van 1 s")
        );

        let err = html_to_pdf_with(
            &dir.path().join("bestaat-niet"),
            &input,
            &output,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(err.to_string().contains("bestaat-niet") && err.to_string().contains("gestart"));

        let err = html_to_pdf_with(
            &silent,
            &dir.path().join("geen.html"),
            &output,
            Duration::from_secs(1),
        )
        .unwrap_err();
        assert!(err.to_string().contains("geen.html"));
    }

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/brief met spatie#1.html")),
            "file:///tmp/brief%20met%20spatie%231.html"
        );
    }
}
