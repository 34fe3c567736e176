//! `knooppunt import FILE`: JSON lines or Dutch Excel CSV, validated, scrubbed and handed to
//! the transport in chunks. Bad lines are reported with their line number; good lines go on.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use knooppunt_domain::csv_import::{parse_csv_file, CsvRow};
use knooppunt_domain::envelope::Channel;
use knooppunt_domain::jsonl::parse_jsonl;
use knooppunt_ingest::conflicts::StoredContent;
use knooppunt_ingest::import::{Importer, ReadRows};
use knooppunt_transport::publisher::Publisher;
use std::path::Path;

pub use knooppunt_ingest::import::{ImportSummary, LineProblem};

/// A file read into one outcome per line, with the encoding a CSV file was read in.
pub struct ReadFile {
    pub rows: Vec<CsvRow>,
    /// "UTF-8", "UTF-8 (met BOM)" or "Windows-1252" for CSV; JSON lines are always UTF-8.
    pub encoding: Option<String>,
    /// A CSV file's columns as (contract field, header as written); empty for JSON lines.
    pub columns: Vec<(String, String)>,
}

/// Reads `.jsonl`/`.ndjson` or `.csv` into one outcome per line.
pub fn read_file(path: &Path) -> anyhow::Result<ReadFile> {
    let bytes = std::fs::read(path).with_context(|| format!("{} lezen", path.display()))?;
    let today = knooppunt_ingest::today_nl();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" => parse_csv_file(&bytes, today)
            .map(|file| ReadFile {
                rows: file.rows,
                encoding: Some(file.encoding.to_string()),
                columns: file.columns,
            })
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        "jsonl" | "ndjson" | "json" => parse_jsonl(&bytes, today)
            .map(|rows| ReadFile {
                rows,
                encoding: None,
                columns: Vec::new(),
            })
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        _ => anyhow::bail!(
            "{}: onbekend bestandstype; gebruik .csv of .jsonl",
            path.display()
        ),
    }
}

/// Imports a file through `publisher`, with a progress bar on a terminal.
pub async fn import_file(path: &Path, publisher: &dyn Publisher) -> anyhow::Result<ImportSummary> {
    import_file_checked(path, publisher, None).await
}

/// Like [`import_file`]; a line whose `(source, id)` came earlier in the file, or is in the
/// store (`stored`), with other content is refused on `id`.
pub async fn import_file_checked(
    path: &Path,
    publisher: &dyn Publisher,
    stored: Option<&dyn StoredContent>,
) -> anyhow::Result<ImportSummary> {
    let ReadFile {
        rows,
        encoding,
        columns,
    } = read_file(path)?;
    let channel = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        Channel::Csv
    } else {
        Channel::Jsonl
    };
    let progress = ProgressBar::new(rows.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} signalen ({eta} te gaan)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let importer = Importer {
        publisher,
        stored,
        team: None,
        progress: &|lines| progress.inc(lines),
    };
    let read = ReadRows {
        rows,
        columns,
        encoding,
        channel,
    };
    let summary = importer.import(read).await;
    progress.finish_and_clear();
    Ok(summary)
}
