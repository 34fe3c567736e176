//! Labelled notes for training and measuring: read from directories of JSON Lines
//! (`{"text", "barriers", "wait_days", "organisation", …}`, or `{"text", "expect"}` as in
//! `rules/fixtures/paraphrases.jsonl`) and of rule fixture files (`<barrier>.toml`).
//!
//! A fixture file's positives are full labels (single-barrier notes); its negatives only say
//! that the note is not *that* barrier — many are another barrier's note — so they are
//! labelled for that barrier alone ([`Note::labelled_for`]). Labels exported from the store
//! (the overleg's, later) are JSON Lines of the same form.

use crate::fixtures::FixtureFile;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One labelled note.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    /// The barriers the note is evidence of.
    pub barriers: Vec<String>,
    /// `None`: labelled for every barrier. `Some(ids)`: only these barriers' labels are known.
    pub labelled_for: Option<Vec<String>>,
    /// The labelled waiting time, when the note's labels include one (`Some(None)`: none).
    pub wait_days: Option<Option<u32>>,
    /// The labelled organisation, when the note's labels include one (`Some(None)`: none).
    pub organisation: Option<Option<String>>,
    /// Where it came from, e.g. `rules/training/writer-a.jsonl:12`.
    pub origin: String,
}

impl Note {
    /// Whether the note's label for `barrier` is known.
    pub fn labelled(&self, barrier: &str) -> bool {
        self.labelled_for
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|id| id == barrier))
    }

    /// Whether the note is evidence of `barrier`.
    pub fn is(&self, barrier: &str) -> bool {
        self.barriers.iter().any(|b| b == barrier)
    }
}

/// Reads every `*.jsonl` and `*.toml` file of the directories (in name order), checking
/// barrier ids against `known`. Errors name the file and line, in Dutch; all are listed.
pub fn read_dirs(dirs: &[PathBuf], known: &[&str]) -> Result<Vec<Note>, Vec<String>> {
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    for dir in dirs {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                errors.push(format!("map {} lezen: {e}", dir.display()));
                continue;
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl" || e == "toml"))
            .collect();
        files.sort();
        for file in files {
            match std::fs::read_to_string(&file) {
                Ok(text) => read_file(&file, &text, known, &mut notes, &mut errors),
                Err(e) => errors.push(format!("{} lezen: {e}", file.display())),
            }
        }
    }
    if errors.is_empty() {
        Ok(notes)
    } else {
        Err(errors)
    }
}

fn read_file(
    path: &Path,
    text: &str,
    known: &[&str],
    notes: &mut Vec<Note>,
    errors: &mut Vec<String>,
) {
    let name = path.display();
    let check = |ids: &[String], at: &str, errors: &mut Vec<String>| {
        for id in ids {
            if !known.contains(&id.as_str()) {
                errors.push(format!("{at}: onbekende barrière '{id}'"));
            }
        }
    };
    if path.extension().is_some_and(|e| e == "toml") {
        let file = match FixtureFile::parse(text) {
            Ok(file) => file,
            Err(e) => return errors.push(format!("{name}: {e}")),
        };
        check(
            std::slice::from_ref(&file.barrier),
            &name.to_string(),
            errors,
        );
        for (i, positive) in file.positive.iter().enumerate() {
            notes.push(Note {
                text: positive.clone(),
                barriers: vec![file.barrier.clone()],
                labelled_for: None,
                wait_days: None,
                organisation: None,
                origin: format!("{name}: positive {}", i + 1),
            });
        }
        for (i, negative) in file.negative.iter().enumerate() {
            notes.push(Note {
                text: negative.clone(),
                barriers: Vec::new(),
                labelled_for: Some(vec![file.barrier.clone()]),
                wait_days: None,
                organisation: None,
                origin: format!("{name}: negative {}", i + 1),
            });
        }
        return;
    }
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{name}:{}", number + 1);
        match parse_line(line) {
            Ok(mut note) => {
                check(&note.barriers, &at, errors);
                if let Some(ids) = &note.labelled_for {
                    check(ids, &at, errors);
                }
                note.origin = at;
                notes.push(note);
            }
            Err(e) => errors.push(format!("{at}: {e}")),
        }
    }
}

/// One JSON line; `text` and `barriers` (or `expect`) are required.
pub fn parse_line(line: &str) -> Result<Note, String> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| format!("geen geldige JSON (kolom {})", e.column()))?;
    let text = value
        .get("text")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or("veld 'text' ontbreekt of is leeg")?
        .to_string();
    let ids = |field: &str| -> Result<Option<Vec<String>>, String> {
        match value.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        format!("veld '{field}' moet een lijst van barrière-ids zijn")
                    })
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(format!(
                "veld '{field}' moet een lijst van barrière-ids zijn"
            )),
        }
    };
    let barriers = match (ids("barriers")?, ids("expect")?) {
        (Some(b), _) | (None, Some(b)) => b,
        (None, None) => return Err("veld 'barriers' ontbreekt".into()),
    };
    let wait_days = match value.get("wait_days") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => {
            Some(Some(v.as_u64().and_then(|d| u32::try_from(d).ok()).ok_or(
                "veld 'wait_days' moet een geheel aantal dagen zijn",
            )?))
        }
    };
    let organisation = match value.get("organisation") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => return Err("veld 'organisation' moet tekst zijn".into()),
    };
    Ok(Note {
        text,
        barriers,
        labelled_for: ids("labelled_for")?,
        wait_days,
        organisation,
        origin: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_lines_carry_wait_and_organisation() {
        let note = parse_line(
            r#"{"text": "Vestia reageert al 9 weken niet", "barriers": ["corporatie-reactietijd"], "wait_days": 63, "organisation": "Vestia", "voice": "wijkagent"}"#,
        )
        .unwrap();
        assert_eq!(note.barriers, ["corporatie-reactietijd"]);
        assert_eq!(note.wait_days, Some(Some(63)));
        assert_eq!(note.organisation, Some(Some("Vestia".into())));
        assert!(note.labelled("huisuitzetting"));
    }

    #[test]
    fn paraphrase_lines_and_partial_labels() {
        let note = parse_line(r#"{"text": "x", "expect": [], "labelled_for": ["loket-drempel"]}"#)
            .unwrap();
        assert!(note.barriers.is_empty());
        assert_eq!(note.wait_days, None);
        assert!(note.labelled("loket-drempel") && !note.labelled("huisuitzetting"));
    }

    #[test]
    fn bad_lines_name_the_field() {
        assert!(parse_line(r#"{"barriers": []}"#)
            .unwrap_err()
            .contains("'text'"));
        assert!(parse_line(r#"{"text": "x"}"#)
            .unwrap_err()
            .contains("'barriers'"));
        assert!(parse_line(r#"{"text": "x", "barriers": "a"}"#)
            .unwrap_err()
            .contains("'barriers'"));
        assert!(
            parse_line(r#"{"text": "x", "barriers": [], "wait_days": -3}"#)
                .unwrap_err()
                .contains("'wait_days'")
        );
        assert!(parse_line("{").unwrap_err().contains("JSON"));
    }

    #[test]
    fn directories_are_read_and_unknown_barriers_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.jsonl"),
            "{\"text\": \"t\", \"barriers\": [\"x\"]}\n\n{\"text\": \"u\", \"barriers\": [\"zzz\"]}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("x.toml"),
            "barrier = \"x\"\npositive = ['p']\nnegative = ['n']\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("README.md"), "niet lezen").unwrap();
        let errors = read_dirs(&[dir.path().to_path_buf()], &["x"]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("a.jsonl:3") && errors[0].contains("zzz"));
        let notes = read_dirs(&[dir.path().to_path_buf()], &["x", "zzz"]).unwrap();
        assert_eq!(notes.len(), 4);
        assert_eq!(notes[3].labelled_for, Some(vec!["x".to_string()]));
    }

    /// A label the rules cannot produce would count as a miss in `rules test` forever
    /// ("HaagWonen" for Haag Wonen): every shipped note names a body by its canonical name.
    #[test]
    fn the_shipped_notes_label_bodies_by_their_canonical_names() {
        let rules: toml::Value = toml::from_str(crate::ruleset::DEFAULT_RULES).expect("rules");
        let names = |table: &str, key: &str| -> Vec<String> {
            rules[table]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|entry| entry[key].as_str().map(String::from))
                .collect()
        };
        let (organisations, barriers) = (names("organisation", "name"), names("barrier", "id"));
        let known: Vec<&str> = barriers.iter().map(String::as_str).collect();
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/training"));
        let notes = read_dirs(&[dir], &known).expect("the training notes");
        assert!(notes.len() > 5000, "{}", notes.len());
        let unknown: Vec<String> = notes
            .iter()
            .filter_map(|note| note.organisation.clone().flatten())
            .filter(|name| !organisations.contains(name))
            .collect();
        assert!(unknown.is_empty(), "{unknown:?}");
    }
}
