//! The published brief for the archive: PDF/A-2b with document metadata.
//!
//! Chromium prints the HTML ([`crate::pdf`]); Ghostscript (`gs`, Debian's `ghostscript`, or
//! `KNOOPPUNT_GHOSTSCRIPT`) rewrites it as PDF/A-2b and sets title, author, subject and the
//! document language (`nl`). [`pdfa_identification`] and [`page_sizes`] read the result back.

use crate::program::{ProgramError, Run};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable with the path (or name on `PATH`) of Ghostscript.
pub const GHOSTSCRIPT_ENV: &str = "KNOOPPUNT_GHOSTSCRIPT";

/// The document's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error(
        "Ghostscript niet gevonden: geen gs in PATH; installeer het (bijv. `apt-get install \
         ghostscript`) of zet {GHOSTSCRIPT_ENV} op het programma"
    )]
    NotFound,
    #[error(transparent)]
    Program(#[from] ProgramError),
}

fn find_ghostscript() -> Result<PathBuf, ArchiveError> {
    let configured = std::env::var_os(GHOSTSCRIPT_ENV).filter(|v| !v.is_empty());
    let name = configured.unwrap_or_else(|| "gs".into());
    let candidate = PathBuf::from(&name);
    if candidate.is_absolute() {
        return candidate
            .is_file()
            .then_some(candidate)
            .ok_or(ArchiveError::NotFound);
    }
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(&name))
                .find(|full| full.is_file())
        })
        .ok_or(ArchiveError::NotFound)
}

/// A string for a PostScript literal in PDFDocEncoding-safe ASCII: accents folded, dashes as
/// hyphens, parentheses and backslashes escaped (Ghostscript keeps only such metadata in a
/// PDF/A document).
fn ps_string(text: &str) -> String {
    let mut out = String::from("(");
    for c in text.chars() {
        let folded = match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'É' => 'E',
            '—' | '–' => '-',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '?',
        };
        if matches!(folded, '(' | ')' | '\\') {
            out.push('\\');
        }
        out.push(folded);
    }
    out.push(')');
    out
}

/// Rewrites `input` as PDF/A-2b in `output` with the given metadata and language `nl`.
pub fn to_pdfa(
    input: &Path,
    output: &Path,
    metadata: &Metadata,
    timeout: Duration,
) -> Result<(), ArchiveError> {
    let binary = find_ghostscript()?;
    let name = binary.display().to_string();
    let _ = std::fs::remove_file(output);
    let marks = format!(
        "[ /Title {} /Author {} /Subject {} /DOCINFO pdfmark [ {{Catalog}} << /Lang (nl) >> /PUT pdfmark",
        ps_string(&metadata.title),
        ps_string(&metadata.author),
        ps_string(&metadata.subject)
    );
    let mut out_arg = std::ffi::OsString::from("-sOutputFile=");
    out_arg.push(output.as_os_str());
    let (log_path, log) = tempfile_log().map_err(|source| ProgramError::Start {
        binary: name.clone(),
        source,
    })?;
    let run = Run {
        binary: &name,
        makes: "PDF/A",
        output,
        log: &log_path,
        log_lines: 3,
        timeout,
    };
    let outcome = run.run(
        Command::new(&binary)
            .args([
                "-q",
                "-dPDFA=2",
                "-dPDFACompatibilityPolicy=1",
                "-dBATCH",
                "-dNOPAUSE",
                "-dNOSAFER",
                "-sDEVICE=pdfwrite",
                "-sColorConversionStrategy=RGB",
                // Ghostscript 10.00's new PDF interpreter (Debian 12's) rewrites the ToUnicode
                // maps of Chromium's fonts wrongly: text copied from the PDF read "9–11" as
                // "9311" and "1–4 wijken" as "134 wijken". The older interpreter keeps them;
                // a Ghostscript without it ignores the setting, and the demo test reads the
                // text back (`tests/it/cli.rs`).
                "-dNEWPDF=false",
            ])
            .arg(out_arg)
            .arg(input)
            .arg("-c")
            .arg(marks)
            .stdout(Stdio::null())
            .stderr(log),
    );
    let failed = match outcome {
        Ok((_, true)) => None,
        Ok((status, false)) => Some(run.failed(status)),
        Err(error) => Some(error),
    };
    let _ = std::fs::remove_file(&log_path);
    match failed {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

fn tempfile_log() -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!(
        "knooppunt-gs-{}-{}.log",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}

/// The PDF/A identification in a PDF's XMP metadata: (part, conformance), e.g. `(2, "B")`.
pub fn pdfa_identification(pdf: &[u8]) -> Option<(u32, String)> {
    let text = String::from_utf8_lossy(pdf);
    let value = |key: &str| -> Option<String> {
        let at = text.find(key)? + key.len();
        let rest = &text[at..];
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix('=')
            .map(|r| r.trim_start().trim_start_matches(['\'', '"']))
            .or_else(|| rest.strip_prefix('>'))?;
        Some(
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect(),
        )
    };
    let part = value("pdfaid:part")?.parse().ok()?;
    let conformance = value("pdfaid:conformance")?;
    Some((part, conformance))
}

/// Every page's MediaBox width and height in points (uncompressed page objects, as Chromium and
/// Ghostscript write them).
pub fn page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(at, _)| {
            let rest = &text[at + "/MediaBox".len()..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let numbers: Vec<f64> = rest[open + 1..close]
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers[..] {
                [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
                _ => None,
            }
        })
        .collect()
}

/// Whether a page size is A4 (595 × 842 pt, within a point).
pub fn is_a4((width, height): (f64, f64)) -> bool {
    (width - 595.28).abs() < 1.0 && (height - 841.89).abs() < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pdfa_identification_in_both_xmp_forms() {
        let attr = b"<rdf:Description pdfaid:part='2' pdfaid:conformance='B'/>";
        assert_eq!(pdfa_identification(attr), Some((2, "B".into())));
        let element = b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
        assert_eq!(pdfa_identification(element), Some((2, "B".into())));
        assert_eq!(pdfa_identification(b"%PDF-1.7 nothing"), None);
    }

    #[test]
    fn reads_page_sizes() {
        let pdf = b"/MediaBox [0 0 594.96 841.92] /MediaBox[0 0 612 792]";
        let sizes = page_sizes(pdf);
        assert_eq!(sizes.len(), 2);
        assert!(is_a4(sizes[0]));
        assert!(!is_a4(sizes[1]), "US Letter");
    }

    #[test]
    fn metadata_strings_are_safe_postscript() {
        assert_eq!(
            ps_string("Brief — 3e kwartaal (één)"),
            "(Brief - 3e kwartaal \\(een\\))"
        );
        assert_eq!(ps_string("a\\b"), "(a\\\\b)");
    }
}
