//! The runner of the case files in `rules/tests/cases/`: recognition cases kept as plain text,
//! one case a line, that a policy officer can read and extend without touching Rust. A file is
//! compiled into the test binary (`include_str!`), so the tests need no path at run time.
//!
//! The lines of every file: blank lines and lines starting with `#` (comments) are passed over;
//! a line `[…]` is a header that holds for the cases below it, in the files that have headers;
//! every other line is a case, which the test of that file reads and checks. A case that fails,
//! or that cannot be read, is a failure: the test fails after checking the whole file, naming
//! every such case by file and line with what was expected and what was found. A file without
//! cases fails too.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// A case file, as compiled into the test binary.
pub(crate) struct CaseFile {
    /// The file's path in the repository, for the failure messages.
    pub name: &'static str,
    pub source: &'static str,
}

/// The case file `rules/tests/cases/<name>`.
macro_rules! case_file {
    ($name:literal) => {
        $crate::cases::CaseFile {
            name: concat!("rules/tests/cases/", $name),
            source: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/", $name)),
        }
    };
}
pub(crate) use case_file;

impl CaseFile {
    /// Checks every case of a file without headers (a header in it is a failure).
    pub fn run(&self, mut check: impl FnMut(&str) -> Result<(), String>) {
        self.run_lines(false, |_, case| check(case));
    }

    /// Checks every case of a file with headers, each with the header above it (a case above
    /// the first header is a failure).
    pub fn run_under_headers(&self, mut check: impl FnMut(&str, &str) -> Result<(), String>) {
        self.run_lines(true, |header, case| match header {
            Some(header) => check(header, case),
            None => Err("a case above the first [header]".to_string()),
        });
    }

    fn run_lines(
        &self,
        headers: bool,
        mut check: impl FnMut(Option<&str>, &str) -> Result<(), String>,
    ) {
        let mut failures = Vec::new();
        let mut header = None;
        let mut cases = 0;
        for (index, line) in self.source.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let result = if let Some(inside) = line.strip_prefix('[') {
                match inside.strip_suffix(']') {
                    Some(inside) if headers => {
                        header = Some(inside.trim());
                        continue;
                    }
                    Some(_) => Err("a [header] in a file without headers".to_string()),
                    None => Err("a header without its closing ']'".to_string()),
                }
            } else {
                cases += 1;
                // A case that panics is a failure of its own; the others are still checked.
                catch_unwind(AssertUnwindSafe(|| check(header, line)))
                    .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_message(&*panic))))
            };
            if let Err(message) = result {
                failures.push(format!(
                    "{}:{}: {message}\n    {line}",
                    self.name,
                    index + 1
                ));
            }
        }
        if cases == 0 {
            failures.push(format!("{}: no cases", self.name));
        }
        assert!(
            failures.is_empty(),
            "{} of the {cases} cases of {} failed or could not be read:\n{}",
            failures.len(),
            self.name,
            failures.join("\n")
        );
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// The `N` fields of a case, separated by ` | ` (the last takes the rest of the line), each
/// trimmed and none empty.
pub(crate) fn fields<const N: usize>(case: &str) -> Result<[&str; N], String> {
    let mut parts = case.splitn(N, " | ").map(str::trim);
    let fields: [&str; N] = std::array::from_fn(|_| parts.next().unwrap_or(""));
    if fields.iter().any(|field| field.is_empty()) {
        return Err(format!("expected {N} fields separated by ' | '"));
    }
    Ok(fields)
}

/// A note as a case file writes it: `\n` stands for a line break; any other backslash is an
/// error.
pub(crate) fn note(field: &str) -> Result<String, String> {
    let mut note = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            note.push(c);
        } else if chars.next() == Some('n') {
            note.push('\n');
        } else {
            return Err("a backslash other than \\n".to_string());
        }
    }
    Ok(note)
}

/// Checks a file of waits: in each case the days (`-` for none), ` | `, the note, the days
/// `read` from the note.
pub(crate) fn check_waits(file: CaseFile, read: impl Fn(&str) -> Option<u32>) {
    file.run(|case| {
        let [wait, text] = fields(case)?;
        expect(days(wait)?, read(&note(text)?))
    });
}

/// Barrier ids separated by ", ", each one that `known` knows.
pub(crate) fn barrier_ids(field: &str, known: impl Fn(&str) -> bool) -> Result<Vec<&str>, String> {
    field
        .split(',')
        .map(str::trim)
        .map(|id| match id {
            "" => Err("an empty barrier id".to_string()),
            id if known(id) => Ok(id),
            id => Err(format!("no barrier '{id}' in the rules")),
        })
        .collect()
}

/// An expected value or `-` for none.
pub(crate) fn optional(field: &str) -> Option<&str> {
    (field != "-").then_some(field)
}

/// A number of days or `-` for none.
pub(crate) fn days(field: &str) -> Result<Option<u32>, String> {
    optional(field)
        .map(|days| {
            days.parse()
                .map_err(|_| format!("'{days}' is no number of days, nor '-'"))
        })
        .transpose()
}

/// `Ok` when `found` is what was `expected`; otherwise a message with both, `-` for none.
pub(crate) fn expect<T: PartialEq + std::fmt::Display>(
    expected: Option<T>,
    found: Option<T>,
) -> Result<(), String> {
    let show = |value: &Option<T>| value.as_ref().map_or("-".to_string(), T::to_string);
    if expected == found {
        Ok(())
    } else {
        Err(format!(
            "expected {}, found {}",
            show(&expected),
            show(&found)
        ))
    }
}

/// A line the runner cannot read fails its file, named by its line, as does a file without
/// cases.
#[test]
fn lines_that_cannot_be_read_fail_the_file() {
    let failures = |source: &'static str, headers: bool| -> String {
        let file = CaseFile {
            name: "t.txt",
            source,
        };
        let panic = catch_unwind(AssertUnwindSafe(|| {
            if headers {
                file.run_under_headers(|_, _| Ok(()));
            } else {
                file.run(|_| Ok(()));
            }
        }))
        .expect_err("the file fails");
        panic_message(&*panic).to_string()
    };
    let message = failures("# only a comment\n\n", false);
    assert!(message.contains("t.txt: no cases"), "{message}");
    let message = failures("[a]\ncase\n", false);
    assert!(
        message.contains("t.txt:1: a [header] in a file without headers"),
        "{message}"
    );
    let message = failures("case\n[a\n[a]\ncase\n", true);
    assert!(
        message.contains("t.txt:1: a case above the first [header]")
            && message.contains("t.txt:2: a header without its closing ']'")
            && !message.contains("t.txt:4"),
        "{message}"
    );
    assert!(fields::<2>("42 |").is_err());
    assert!(fields::<2>("42|note").is_err());
    assert_eq!(fields::<2>("42 | a | b"), Ok(["42", "a | b"]));
    assert_eq!(note("a\\nb"), Ok("a\nb".to_string()));
    assert!(note("a\\tb").is_err());
    assert!(days("6 weken").is_err());
}
