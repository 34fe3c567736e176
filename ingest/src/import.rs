//! A file of signals, read into one outcome per line (see `knooppunt_domain::csv_import` and
//! `jsonl`), handed to the transport in chunks: the path both `knooppunt import` and a team's
//! upload on the website take. Bad lines are reported with their line number and the column
//! as the file names it; the good lines go on.

use crate::conflicts::{IdCheck, StoredContent};
use chrono::Utc;
use knooppunt_domain::csv_import::{named_as_in_file, CsvRow};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::{describe, FieldError};
use knooppunt_transport::publisher::{PublishError, Publisher};

/// Envelopes handed to the transport at once.
const CHUNK: usize = 500;

/// The refusal of a line whose source is not the uploading team's.
pub const NOT_THE_TEAMS: &str =
    "hoort bij een ander team of een andere partner; u kunt alleen signalen van uw eigen team importeren";

/// A refused or failed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    pub line: u64,
    pub reason: String,
}

/// What became of a file's lines.
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
        for problem in self.refused.iter().chain(&self.failed) {
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

/// A file's lines, read: one outcome per line, and what the file tells about itself.
pub struct ReadRows {
    pub rows: Vec<CsvRow>,
    /// A CSV file's columns as (contract field, header as written); empty for JSON lines.
    pub columns: Vec<(String, String)>,
    /// "UTF-8", "UTF-8 (met BOM)" or "Windows-1252" for CSV; `None` for JSON lines.
    pub encoding: Option<String>,
    pub channel: Channel,
}

/// Where the lines go, and what they are checked against on the way.
pub struct Importer<'a> {
    pub publisher: &'a dyn Publisher,
    /// What the store holds under an id: a line reusing a stored id for other content is
    /// refused on `id` (without it, only ids repeated within the file are).
    pub stored: Option<&'a dyn StoredContent>,
    /// The team that uploads the file as itself: a line whose source (as the register maps
    /// it) is another's is refused on `bron`. `None`: any source (the command line).
    pub team: Option<&'a str>,
    /// Called with the number of lines dealt with since the last call.
    pub progress: &'a (dyn Fn(u64) + Send + Sync),
}

impl Importer<'_> {
    /// Validates, scrubs and hands over every good line; returns what became of each.
    pub async fn import(&self, read: ReadRows) -> ImportSummary {
        let ReadRows {
            rows,
            columns,
            encoding,
            channel,
        } = read;
        let mut batch = Batch {
            importer: self,
            columns: &columns,
            chunk: Vec::with_capacity(CHUNK),
            ids: IdCheck::new(),
            summary: ImportSummary {
                encoding,
                ..ImportSummary::default()
            },
        };
        let now = Utc::now();
        for CsvRow { line, result } in rows {
            let prepared = result
                .and_then(|signal| crate::prepare(signal, channel, now))
                .and_then(|envelope| self.own(envelope));
            match prepared {
                Ok(envelope) => batch.chunk.push((line, envelope)),
                Err(errors) => batch.refuse(line, errors),
            }
            if batch.chunk.len() == CHUNK {
                batch.flush().await;
            }
        }
        batch.flush().await;
        let mut summary = batch.summary;
        summary.refused.sort_by_key(|p| p.line);
        let channel_name = if channel == Channel::Csv {
            "csv"
        } else {
            "jsonl"
        };
        crate::http::count_intake(
            channel_name,
            summary.accepted,
            summary.refused.len(),
            summary.failed.len(),
        );
        tracing::info!(
            accepted = summary.accepted,
            refused = summary.refused.len(),
            failed = summary.failed.len(),
            team_upload = self.team.is_some(),
            "Import finished"
        );
        summary
    }

    /// The envelope when its source is the uploading team's (or no team uploads).
    fn own(&self, envelope: Envelope) -> Result<Envelope, Vec<FieldError>> {
        match self.team {
            Some(team) if envelope.signal.source != team => {
                Err(vec![FieldError::new("source", NOT_THE_TEAMS)])
            }
            _ => Ok(envelope),
        }
    }
}

/// The lines on their way to the transport, [`CHUNK`] at a time, and what became of the rest.
struct Batch<'a> {
    importer: &'a Importer<'a>,
    columns: &'a [(String, String)],
    chunk: Vec<(u64, Envelope)>,
    ids: IdCheck,
    summary: ImportSummary,
}

impl Batch<'_> {
    fn refuse(&mut self, line: u64, errors: Vec<FieldError>) {
        let reason = describe(&named_as_in_file(self.columns, errors));
        self.summary.refused.push(LineProblem { line, reason });
        (self.importer.progress)(1);
    }

    /// Refuses the lines whose id came before with other content, and hands the rest over.
    async fn flush(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        if let Some(stored) = self.importer.stored {
            let all: Vec<&Envelope> = self.chunk.iter().map(|(_, e)| e).collect();
            self.ids.learn_stored(stored, &all).await;
        }
        let mut refused = Vec::new();
        let ids = &mut self.ids;
        self.chunk
            .retain(|(line, envelope)| match ids.check(envelope) {
                Ok(()) => true,
                Err(error) => {
                    refused.push((*line, error));
                    false
                }
            });
        for (line, error) in refused {
            self.refuse(line, vec![error]);
        }
        if self.chunk.is_empty() {
            return;
        }
        let envelopes: Vec<Envelope> = self.chunk.iter().map(|(_, e)| e.clone()).collect();
        let mut outcomes = self
            .importer
            .publisher
            .publish(&envelopes)
            .await
            .into_iter();
        let handed = self.chunk.len() as u64;
        for (line, _) in self.chunk.drain(..) {
            // A line the transport gave no answer for was not taken: it is reported, not lost.
            let unanswered = || Err(PublishError::Unavailable("no answer for this line".into()));
            match outcomes.next().unwrap_or_else(unanswered) {
                Ok(()) => self.summary.accepted += 1,
                Err(error) => self.summary.failed.push(LineProblem {
                    line,
                    reason: error.to_string(),
                }),
            }
        }
        (self.importer.progress)(handed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use knooppunt_domain::csv_import::parse_csv_file;

    /// A transport that answers for the first line of a batch only.
    struct AnswersOne;

    #[async_trait::async_trait]
    impl Publisher for AnswersOne {
        async fn publish(&self, batch: &[Envelope]) -> Vec<Result<(), PublishError>> {
            batch.iter().take(1).map(|_| Ok(())).collect()
        }
        async fn check(&self) -> Result<(), String> {
            Ok(())
        }
        fn name(&self) -> &'static str {
            "een-antwoord"
        }
    }

    #[tokio::test]
    async fn a_line_the_transport_does_not_answer_for_is_reported_not_lost() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        let file = "datum;bron;wijk;omschrijving\n\
            14-09-2026;verbinders-moerwijk;Moerwijk;Kostendelersnorm, bijstand omlaag\n\
            15-09-2026;verbinders-moerwijk;Moerwijk;Corporatie reageert al 9 weken niet\n";
        let read = parse_csv_file(file.as_bytes(), today).expect("a readable file");
        let importer = Importer {
            publisher: &AnswersOne,
            stored: None,
            team: None,
            progress: &|_| {},
        };
        let summary = importer
            .import(ReadRows {
                rows: read.rows,
                columns: read.columns,
                encoding: None,
                channel: Channel::Csv,
            })
            .await;
        assert_eq!(summary.accepted, 1, "{:?}", summary.refused);
        assert_eq!(summary.failed.len(), 1);
        assert_eq!(summary.failed[0].line, 3);
        assert!(summary.failed[0]
            .reason
            .contains("probeer het later opnieuw"));
    }
}
