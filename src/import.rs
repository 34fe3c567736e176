//! `knooppunt import FILE`: JSON lines or Dutch Excel CSV, validated, scrubbed and handed to
//! the transport in chunks. Bad lines are reported with their line number; good lines go on.

use anyhow::Context;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use knooppunt_ingest::csv_import::{parse_csv, CsvRow};
use knooppunt_ingest::envelope::{Channel, Envelope};
use knooppunt_ingest::signal::{describe, parse_signal, FieldError};
use knooppunt_ingest::transport::Publisher;
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
    pub accepted: usize,
    pub refused: Vec<LineProblem>,
    /// Valid lines the transport did not take; importing the file again is safe.
    pub failed: Vec<LineProblem>,
}

impl ImportSummary {
    /// The closing summary, in Dutch.
    pub fn report(&self) -> String {
        let mut out = format!(
            "Import klaar: {} geaccepteerd, {} geweigerd, {} niet verstuurd.\n",
            self.accepted,
            self.refused.len(),
            self.failed.len()
        );
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

/// Reads `.jsonl`/`.ndjson` or `.csv` into one outcome per line.
pub fn read_file(path: &Path) -> anyhow::Result<Vec<CsvRow>> {
    let bytes = std::fs::read(path).with_context(|| format!("{} lezen", path.display()))?;
    let today = knooppunt_ingest::today_nl();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" => {
            parse_csv(&bytes, today).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        "jsonl" | "ndjson" | "json" => {
            let text = String::from_utf8_lossy(&bytes);
            Ok(text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .map(|(index, line)| {
                    let result = match serde_json::from_str(line) {
                        Ok(value) => parse_signal(&value, today),
                        Err(e) => Err(vec![FieldError::new(
                            "regel",
                            format!("geen geldige JSON (kolom {})", e.column()),
                        )]),
                    };
                    CsvRow {
                        line: index as u64 + 1,
                        result,
                    }
                })
                .collect())
        }
        _ => anyhow::bail!(
            "{}: onbekend bestandstype; gebruik .csv of .jsonl",
            path.display()
        ),
    }
}

/// Imports a file through `publisher`, with a progress bar on a terminal.
pub async fn import_file(path: &Path, publisher: &dyn Publisher) -> anyhow::Result<ImportSummary> {
    let rows = read_file(path)?;
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
    let mut summary = ImportSummary::default();
    let mut chunk: Vec<(u64, Envelope)> = Vec::with_capacity(CHUNK);
    let now = Utc::now();
    for CsvRow { line, result } in rows {
        match result.and_then(|signal| knooppunt_ingest::prepare(signal, channel, now)) {
            Ok(envelope) => chunk.push((line, envelope)),
            Err(errors) => {
                summary.refused.push(LineProblem {
                    line,
                    reason: describe(&errors),
                });
                progress.inc(1);
            }
        }
        if chunk.len() == CHUNK {
            flush(&mut chunk, publisher, &mut summary, &progress).await;
        }
    }
    flush(&mut chunk, publisher, &mut summary, &progress).await;
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

async fn flush(
    chunk: &mut Vec<(u64, Envelope)>,
    publisher: &dyn Publisher,
    summary: &mut ImportSummary,
    progress: &ProgressBar,
) {
    if chunk.is_empty() {
        return;
    }
    let envelopes: Vec<Envelope> = chunk.iter().map(|(_, e)| e.clone()).collect();
    let outcomes = publisher.publish(&envelopes).await;
    for ((line, _), outcome) in chunk.drain(..).zip(outcomes) {
        match outcome {
            Ok(()) => summary.accepted += 1,
            Err(error) => summary.failed.push(LineProblem {
                line,
                reason: error.to_string(),
            }),
        }
        progress.inc(1);
    }
}
