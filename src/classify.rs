//! `knooppunt classify`: offline classification of JSON-lines signals, with the same
//! anonymiser and rules as the pipeline and no database or broker.
//!
//! One output line per input line, in order:
//! `{"id": …, "barriers": […], "matches": [per barrier: confidence, wait, how it was found and
//! why], "wait_days": …, "organisation": …, "rules_version", "model_version", "text": "…",
//! "pii": […]}`,
//! or `{"id": …, "error": "…"}` for a line that is not a valid signal.
//!
//! With `--jobs N` the lines are classified on N threads in batches; each batch is written in
//! input order, so the output is the same whatever N is.

use chrono::NaiveDate;
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::{describe, parse_signal};
use knooppunt_rules::ruleset::RuleSet;
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, Write};

mod json_line;

/// One output line. The fields are in alphabetical order, as the lines have always been
/// written (a JSON object's keys sorted). Written by [`json_line`], byte for byte as
/// `serde_json` writes it (which its tests compare).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Line {
    Classified(Box<Classified>),
    Error { error: String, id: Value },
}

/// A classified signal.
#[derive(Debug, Serialize)]
pub struct Classified {
    barriers: Vec<String>,
    id: Value,
    matches: Vec<MatchLine>,
    model_version: Option<String>,
    organisation: Option<String>,
    pii: Vec<&'static str>,
    rules_version: String,
    text: String,
    wait_days: Option<u32>,
}

/// One barrier of a classified signal.
#[derive(Debug, Serialize)]
struct MatchLine {
    barrier: String,
    confidence: f64,
    found_by: &'static str,
    /// Written as the 64-bit number it always was (the f32 widened).
    model_score: Option<f64>,
    rule: Option<String>,
    terms: Vec<String>,
    uitleg: String,
    wait_days: Option<u32>,
}

impl Line {
    pub fn is_error(&self) -> bool {
        matches!(self, Line::Error { .. })
    }
}

/// Classifies one input line.
pub fn classify_line(line: &str, rules: &RuleSet, today: NaiveDate) -> Line {
    let value: Value = match knooppunt_domain::json::from_str(line) {
        Ok(value) => value,
        Err(e) => {
            return Line::Error {
                error: e.to_string(),
                id: Value::Null,
            }
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let signal = match parse_signal(&value, today) {
        Ok(signal) => signal,
        Err(errors) => {
            return Line::Error {
                error: describe(&errors),
                id,
            }
        }
    };
    let (envelope, screening) =
        Envelope::prepare_screened(signal, Channel::Jsonl, chrono::Utc::now());
    let Some(classified) = knooppunt_rules::engine::classify_caught(rules, envelope) else {
        return Line::Error {
            error: knooppunt_rules::engine::PANIC_REASON.to_string(),
            id,
        };
    };
    let barriers: Vec<String> = classified.barriers().map(str::to_string).collect();
    let matches: Vec<MatchLine> = classified
        .matches
        .into_iter()
        .map(|m| MatchLine {
            uitleg: m.found.dutch(),
            barrier: m.barrier,
            confidence: m.confidence,
            wait_days: m.wait_days,
            found_by: m.found.how.as_str(),
            rule: m.found.rule,
            model_score: m.found.model_score.map(f64::from),
            terms: m.found.terms,
        })
        .collect();
    let signal = classified.envelope.signal;
    Line::Classified(Box::new(Classified {
        barriers,
        id,
        matches,
        model_version: classified.model_version,
        organisation: signal.organisation,
        pii: screening.found.iter().map(|k| k.as_str()).collect(),
        rules_version: classified.rules_version,
        text: signal.text,
        wait_days: classified.wait_days,
    }))
}

/// Classifies every line of `input` into `output` on one thread; blank lines are skipped.
/// Returns (classified, errors).
pub fn run(
    input: impl BufRead,
    output: impl Write,
    rules: &RuleSet,
    today: NaiveDate,
) -> std::io::Result<(usize, usize)> {
    run_jobs(input, output, rules, today, 1)
}

/// Lines per thread in one batch: large enough that starting the threads does not count, small
/// enough that a batch of notes stays a few megabytes.
const CHUNK: usize = 512;

/// Like [`run`], on `jobs` threads; the output is in input order.
///
/// The threads live for the whole run (each keeps its regex caches and its allocator arena):
/// per batch each gets one consecutive part of the lines, and the parts are written in order.
pub fn run_jobs(
    input: impl BufRead,
    mut output: impl Write,
    rules: &RuleSet,
    today: NaiveDate,
    jobs: usize,
) -> std::io::Result<(usize, usize)> {
    use std::sync::mpsc;
    let jobs = jobs.max(1);
    let (mut classified, mut errors) = (0, 0);
    let mut lines = input.lines();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..jobs)
            .map(|_| {
                let (to_worker, lines) = mpsc::channel::<Vec<String>>();
                let (to_main, results) = mpsc::channel();
                scope.spawn(move || {
                    for part in lines {
                        if to_main.send(write_lines(&part, rules, today)).is_err() {
                            break;
                        }
                    }
                });
                (to_worker, results)
            })
            .collect();
        loop {
            let mut batch: Vec<String> = Vec::with_capacity(CHUNK * jobs);
            for line in lines.by_ref() {
                let line = line?;
                if line.trim().is_empty() {
                    continue;
                }
                batch.push(line);
                if batch.len() == CHUNK * jobs {
                    break;
                }
            }
            if batch.is_empty() {
                break;
            }
            classified += batch.len();
            let part = batch.len().div_ceil(jobs);
            // The main thread classifies the first part itself, the workers the others.
            let mut rest = batch.split_off(part.min(batch.len()));
            let mut sent = Vec::with_capacity(workers.len());
            for (to_worker, results) in &workers {
                if rest.is_empty() {
                    break;
                }
                let tail = rest.split_off(part.min(rest.len()));
                if to_worker.send(std::mem::replace(&mut rest, tail)).is_err() {
                    return Err(std::io::Error::other("classificatie mislukt"));
                }
                sent.push(results);
            }
            let (bytes, part_errors) = write_lines(&batch, rules, today)?;
            output.write_all(&bytes)?;
            errors += part_errors;
            for results in sent {
                let (bytes, part_errors) = results
                    .recv()
                    .map_err(|_| std::io::Error::other("classificatie mislukt"))??;
                output.write_all(&bytes)?;
                errors += part_errors;
            }
        }
        Ok::<(), std::io::Error>(())
    })?;
    output.flush()?;
    Ok((classified - errors, errors))
}

/// Classifies `lines` into JSON lines; returns them and how many were errors.
fn write_lines(
    lines: &[String],
    rules: &RuleSet,
    today: NaiveDate,
) -> std::io::Result<(Vec<u8>, usize)> {
    let mut out = Vec::with_capacity(lines.len() * 640);
    let mut errors = 0;
    for line in lines {
        let result = classify_line(line, rules, today);
        errors += usize::from(result.is_error());
        json_line::write(&mut out, &result)?;
        out.push(b'\n');
    }
    Ok((out, errors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn classifies_scrubs_and_extracts_in_order() {
        let rules = RuleSet::default_rules().unwrap();
        let input = concat!(
            r#"{"id": "a1", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Mevrouw Yilmaz (bsn 111222333) meldde schimmel bij Staedion, al 14 weken geen reactie."}"#,
            "\n\n",
            r#"{"id": 7, "observed_on": "2099-01-01", "source": "t", "area": "Laak", "text": "x"}"#,
            "\n",
            "geen json\n",
            r#"{"observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Gezellige buurtmaaltijd."}"#,
            "\n"
        );
        let mut out = Vec::new();
        let counts = run(input.as_bytes(), &mut out, &rules, today()).unwrap();
        assert_eq!(counts, (2, 2));
        let lines: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["id"], "a1");
        assert_eq!(lines[0]["barriers"], json!(["corporatie-reactietijd"]));
        assert_eq!(lines[0]["wait_days"], 98);
        assert_eq!(lines[0]["organisation"], "Staedion");
        assert_eq!(
            lines[0]["text"],
            "Mevrouw [NAAM] (bsn [BSN]) meldde schimmel bij Staedion, al 14 weken geen reactie."
        );
        assert_eq!(lines[0]["pii"], json!(["naam", "bsn"]));
        assert_eq!(lines[1]["id"], 7);
        assert!(lines[1]["error"].as_str().unwrap().contains("observed_on"));
        assert_eq!(lines[2]["id"], Value::Null);
        assert!(lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("geen geldige JSON"));
        assert_eq!(lines[3]["barriers"], json!([]));
        assert_eq!(lines[3]["organisation"], Value::Null);
    }

    #[test]
    fn jobs_keep_the_input_order() {
        let rules = RuleSet::default_rules().unwrap();
        let notes = [
            r#"{"id": "%", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Mevrouw Yilmaz wacht al 14 weken op de GGZ."}"#,
            r#"{"id": "%", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Huurachterstand, de deurwaarder komt."}"#,
            "geen json",
            r#"{"id": "%", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Gezellige buurtmaaltijd."}"#,
        ];
        // More lines than one batch of two threads, so batches and threads both take part.
        let input: String = (0..CHUNK * 2 + 7)
            .map(|i| notes[i % notes.len()].replace('%', &i.to_string()) + "\n")
            .collect();
        let mut one = Vec::new();
        let counts = run_jobs(input.as_bytes(), &mut one, &rules, today(), 1).unwrap();
        let mut three = Vec::new();
        let counts3 = run_jobs(input.as_bytes(), &mut three, &rules, today(), 3).unwrap();
        assert_eq!(counts, counts3);
        assert_eq!(counts.1, (CHUNK * 2 + 7).div_ceil(4));
        assert_eq!(
            String::from_utf8(one).unwrap(),
            String::from_utf8(three).unwrap()
        );
    }
}
