//! `knooppunt classify`: offline classification of JSON-lines signals, with the same
//! anonymiser and rules as the pipeline and no database or broker.
//!
//! One output line per input line, in order:
//! `{"id": …, "barriers": […], "matches": [per barrier: confidence, wait, how it was found and
//! why], "wait_days": …, "organisation": …, "rules_version", "model_version", "text": "…",
//! "pii": […]}`,
//! or `{"id": …, "error": "…"}` for a line that is not a valid signal.

use chrono::NaiveDate;
use knooppunt_ingest::envelope::{Channel, Envelope};
use knooppunt_ingest::signal::{describe, parse_signal};
use knooppunt_rules::ruleset::RuleSet;
use serde_json::{json, Value};
use std::io::{BufRead, Write};

/// Classifies one input line.
pub fn classify_line(line: &str, rules: &RuleSet, today: NaiveDate) -> Value {
    let value: Value = match knooppunt_ingest::json::from_str(line) {
        Ok(value) => value,
        Err(e) => return json!({"id": null, "error": e.to_string()}),
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let signal = match parse_signal(&value, today) {
        Ok(signal) => signal,
        Err(errors) => return json!({"id": id, "error": describe(&errors)}),
    };
    let (envelope, screening) =
        Envelope::prepare_screened(signal, Channel::Jsonl, chrono::Utc::now());
    let classified = knooppunt_rules::engine::classify(rules, envelope);
    let barriers: Vec<&str> = classified.barriers().collect();
    let matches: Vec<serde_json::Value> = classified
        .matches
        .iter()
        .map(|m| {
            json!({
                "barrier": m.barrier,
                "confidence": m.confidence,
                "wait_days": m.wait_days,
                "found_by": m.found.how.as_str(),
                "rule": m.found.rule,
                "model_score": m.found.model_score,
                "terms": m.found.terms,
                "uitleg": m.found.dutch(),
            })
        })
        .collect();
    let wait_days = classified.wait_days;
    let signal = &classified.envelope.signal;
    let organisation = &signal.organisation;
    let pii: Vec<&str> = screening.found.iter().map(|k| k.as_str()).collect();
    json!({
        "id": id,
        "barriers": barriers,
        "matches": matches,
        "wait_days": wait_days,
        "organisation": organisation,
        "rules_version": classified.rules_version,
        "model_version": classified.model_version,
        "text": signal.text,
        "pii": pii,
    })
}

/// Classifies every line of `input` into `output`; blank lines are skipped. Returns
/// (classified, errors).
pub fn run(
    input: impl BufRead,
    mut output: impl Write,
    rules: &RuleSet,
    today: NaiveDate,
) -> std::io::Result<(usize, usize)> {
    let (mut classified, mut errors) = (0, 0);
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let result = classify_line(&line, rules, today);
        if result.get("error").is_some() {
            errors += 1;
        } else {
            classified += 1;
        }
        serde_json::to_writer(&mut output, &result)?;
        output.write_all(b"\n")?;
    }
    output.flush()?;
    Ok((classified, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
