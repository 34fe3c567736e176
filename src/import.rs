//! `knooppunt import FILE`: JSON lines or Dutch Excel CSV, validated, scrubbed and handed to
//! the transport in chunks. Bad lines are reported with their line number; good lines go on.

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use knooppunt_domain::csv_import::{named_as_in_file, parse_csv_file, CsvRow};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::jsonl::parse_jsonl;
use knooppunt_domain::signal::describe;
use knooppunt_ingest::conflicts::{IdCheck, StoredContent};
use knooppunt_transport::publisher::Publisher;
use std::path::Path;

/// Envelopes handed to the transport at once.
const CHUNK: usize = 500;

/// A refused or failed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ImportSummary {
    /// The encoding a CSV file was read in, reported so a garbled file is explained.
    pub encoding: Option<String>,
    pub accepted: usize,
    pub refused: Vec<LineProblem>,
    /// Valid lines the transport did not take; importing the file again is safe.
    pub failed: Vec<LineProblem>,
}

impl ImportSummary {
    /// The closing summary, in Dutch.
    pub fn report(&self) -> String {
        let mut out = String::new();
        if let Some(encoding) = &self.encoding {
            out.push_str(&format!("Gelezen als {encoding}.\n"));
        }
        out.push_str(&format!(
            "Import klaar: {} geaccepteerd, {} geweigerd, {} niet verstuurd.\n",
            self.accepted,
            self.refused.len(),
            self.failed.len()
        ));
        for problem in &self.refused {
            out.push_str(&format!("  regel {}: {}\n", problem.line, problem.reason));
        }
        for problem in &self.failed {
            out.push_str(&format!("  regel {}: {}\n", problem.line, problem.reason));
        }
        if !self.failed.is_empty() {
            out.push_str("Importeer het bestand opnieuw: al verstuurde signalen worden niet dubbel opgeslagen.\n");
        }
        out
    }

    pub fn is_complete(&self) -> bool {
        self.refused.is_empty() && self.failed.is_empty()
    }
}

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
    let mut batch = Batch {
        chunk: Vec::with_capacity(CHUNK),
        publisher,
        stored,
        ids: IdCheck::new(),
        summary: ImportSummary {
            encoding,
            ..ImportSummary::default()
        },
        progress: &progress,
    };
    let now = Utc::now();
    for CsvRow { line, result } in rows {
        match result.and_then(|signal| knooppunt_ingest::prepare(signal, channel, now)) {
            Ok(envelope) => batch.chunk.push((line, envelope)),
            Err(errors) => batch.refuse(line, describe(&named_as_in_file(&columns, errors))),
        }
        if batch.chunk.len() == CHUNK {
            batch.flush().await;
        }
    }
    batch.flush().await;
    let mut summary = batch.summary;
    progress.finish_and_clear();
    summary.refused.sort_by_key(|p| p.line);
    knooppunt_ingest::http::count_intake(
        if channel == Channel::Csv {
            "csv"
        } else {
            "jsonl"
        },
        summary.accepted,
        summary.refused.len(),
        summary.failed.len(),
    );
    tracing::info!(
        accepted = summary.accepted,
        refused = summary.refused.len(),
        failed = summary.failed.len(),
        "Import finished"
    );
    Ok(summary)
}

/// The lines on their way to the transport, [`CHUNK`] at a time, and what became of the rest.
struct Batch<'a> {
    chunk: Vec<(u64, Envelope)>,
    publisher: &'a dyn Publisher,
    stored: Option<&'a dyn StoredContent>,
    ids: IdCheck,
    summary: ImportSummary,
    progress: &'a ProgressBar,
}

impl Batch<'_> {
    fn refuse(&mut self, line: u64, reason: String) {
        self.summary.refused.push(LineProblem { line, reason });
        self.progress.inc(1);
    }

    /// Refuses the lines whose id came before with other content, and hands the rest over.
    async fn flush(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        if let Some(stored) = self.stored {
            let all: Vec<&Envelope> = self.chunk.iter().map(|(_, e)| e).collect();
            self.ids.learn_stored(stored, &all).await;
        }
        let mut refused = Vec::new();
        let ids = &mut self.ids;
        self.chunk
            .retain(|(line, envelope)| match ids.check(envelope) {
                Ok(()) => true,
                Err(error) => {
                    refused.push((*line, describe(&[error])));
                    false
                }
            });
        for (line, reason) in refused {
            self.refuse(line, reason);
        }
        if self.chunk.is_empty() {
            return;
        }
        let envelopes: Vec<Envelope> = self.chunk.iter().map(|(_, e)| e.clone()).collect();
        let outcomes = self.publisher.publish(&envelopes).await;
        for ((line, _), outcome) in self.chunk.drain(..).zip(outcomes) {
            match outcome {
                Ok(()) => self.summary.accepted += 1,
                Err(error) => self.summary.failed.push(LineProblem {
                    line,
                    reason: error.to_string(),
                }),
            }
            self.progress.inc(1);
        }
    }
}
