//! The intake bad-input suite: one file of hostile lines, fed through `knooppunt import` and,
//! line by line, through the API of a running `knooppunt serve` (embedded, the built-in
//! register refusing unknown sources). Per line: refused with its line or field named, or
//! stored normalised — and the valid lines around the bad ones are stored.

use crate::support::{
    config_env, embedded_config, eventually, free_port, spawn_knooppunt, wait_ready,
};
use knooppunt_store::Store;
use std::time::Duration;

/// What must become of a line.
#[derive(Debug, Clone)]
enum Expect {
    /// Refused; the answer names this field (or "regel" for the line as a whole).
    Refused(&'static str),
    /// Stored under (source, id) with this area and text.
    Stored {
        source: &'static str,
        area: &'static str,
        text: &'static str,
    },
}

struct Line {
    /// The line's bytes; `{P}` is replaced by a prefix so the two runs use their own ids.
    bytes: Vec<u8>,
    id: &'static str,
    expect: Expect,
    /// Text that must not appear in any answer (personal data, hostile keys).
    never_echo: Option<&'static str>,
}

fn raw(bytes: Vec<u8>, id: &'static str, expect: Expect) -> Line {
    Line {
        bytes,
        id,
        expect,
        never_echo: None,
    }
}

fn line(json: &str, id: &'static str, expect: Expect) -> Line {
    raw(json.as_bytes().to_vec(), id, expect)
}

fn valid(id: &'static str, area: &str, text: &str) -> String {
    format!(
        r#"{{"id":"{{P}}-{id}","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"{area}","text":"{text}"}}"#
    )
}

/// A valid line, stored as it is.
fn kept(id: &'static str, area: &'static str, text: &'static str) -> Line {
    let stored = Expect::Stored {
        source: "verbinders-moerwijk",
        area,
        text,
    };
    line(&valid(id, area, text), id, stored)
}

/// More of the 100,000-character key than an error may echo.
const FORTY_ONE_KS: &str = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

fn hostile_lines() -> Vec<Line> {
    use Expect::*;
    let stored = |area, text| Stored {
        source: "verbinders-moerwijk",
        area,
        text,
    };
    let mut invalid_utf8 = valid("11", "Moerwijk", "Financi").into_bytes();
    let at = invalid_utf8.len() - 2;
    invalid_utf8.splice(at..at, [0xEB, b'n']);
    let deep = format!(
        r#"{{"id":"{{P}}-14","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":{}"x"{}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let long_key = "k".repeat(100_000);
    vec![
        kept(
            "01",
            "Moerwijk",
            "Zoon weer thuis, bijstand van moeder omlaag door de kostendelersnorm.",
        ),
        line(r#"{"id":"{P}-02","observed_on": "#, "02", Refused("regel")),
        line(
            r#"{"id":"{P}-03","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":42}"#,
            "03",
            Refused("text"),
        ),
        line(
            r#"{"id":"{P}-04","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":"Schuld","themes":"financien"}"#,
            "04",
            Refused("themes"),
        ),
        line(
            &valid("05", "Laak", r"Portiek\u0007 onveilig\u001b[31m al weken"),
            "05",
            stored("Laak", "Portiek  onveilig [31m al weken"),
        ),
        line(
            &valid(
                "06",
                r"Moer\u202ewijk",
                r"Wacht\u2066lijst\u2069 GGZ \u202bal\u202c maanden",
            ),
            "06",
            stored("Moerwijk", "Wachtlijst GGZ al maanden"),
        ),
        line(
            r#"{"id":"{P}-07","observed_on":"2026-09-01","source":"verbinders\u200b-moerwijk","area":"Laak","text":"Zero\u2060width\ufeff weg"}"#,
            "07",
            stored("Laak", "Zerowidth weg"),
        ),
        line(
            &valid(
                "08",
                "Transvaal",
                r"Financie\u0308n: schulden bij de gemeente",
            ),
            "08",
            stored("Transvaal", "Financiën: schulden bij de gemeente"),
        ),
        line(
            &valid(
                "09",
                "Schilderswijk",
                r"Regel een\r\nregel twee\u2028regel drie\u0085vier",
            ),
            "09",
            stored("Schilderswijk", "Regel een\nregel twee\nregel drie\nvier"),
        ),
        line(
            &valid(
                "10",
                "Moerwijk Zuid",
                "Buurthuis dicht, geen plek meer voor de inloop.",
            ),
            "10",
            stored(
                "Moerwijk-Zuid",
                "Buurthuis dicht, geen plek meer voor de inloop.",
            ),
        ),
        raw(invalid_utf8, "11", Refused("regel")),
        kept("12", "Laak", "Eerste versie van de melding over de lift."),
        line(
            &valid("12", "Laak", "Andere tekst onder hetzelfde id."),
            "12",
            Refused("id"),
        ),
        raw(deep.into_bytes(), "14", Refused("regel")),
        line(
            &valid("15", "Laak", &"lang ".repeat(1_000)),
            "15",
            Refused("text"),
        ),
        line(
            &valid("16", &"Laak".repeat(40), "Wijknaam te lang"),
            "16",
            Refused("area"),
        ),
        Line {
            never_echo: Some("123456782"),
            ..line(
                r#"{"id":"123456782","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":"Id is een BSN"}"#,
                "17",
                Refused("id"),
            )
        },
        Line {
            never_echo: Some("Amrani"),
            ..line(
                r#"{"id":"{P}-18","observed_on":"2026-09-01","source":"Fatima El Amrani","area":"Laak","text":"Bron is een naam"}"#,
                "18",
                Refused("source"),
            )
        },
        line(
            &valid("19", "Moerwyk", "Onbekende wijk met tikfout"),
            "19",
            Refused("area"),
        ),
        line(
            r#"{"id":"{P}-20","observed_on":"2026-09-01","source":"Schilderswijk Moeders","area":"schilderswijk","text":"Bron en wijk anders gespeld"}"#,
            "20",
            Stored {
                source: "schilderswijk-moeders",
                area: "Schilderswijk",
                text: "Bron en wijk anders gespeld",
            },
        ),
        line(
            r#"{"id":"{P}-21","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":"eerste","text":"tweede"}"#,
            "21",
            Refused("text"),
        ),
        Line {
            never_echo: Some(FORTY_ONE_KS),
            ..line(
                &format!(
                    r#"{{"id":"{{P}}-22","observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":"Lange sleutel","{long_key}":1}}"#
                ),
                "22",
                Refused("kkkk"),
            )
        },
        line(
            &valid("23", "Laak", r"\u200b\u2060 \ufeff"),
            "23",
            Refused("text"),
        ),
        line(
            r#"{"id":"{P}-24","observed_on":"2026-09-01","source":"onbekend-team","area":"Laak","text":"Bron staat niet in het register"}"#,
            "24",
            Refused("source"),
        ),
        line(
            &valid("25", "WK051836", "CBS-code als wijk"),
            "25",
            stored("Moerwijk", "CBS-code als wijk"),
        ),
        kept("26", "Laak", "Laatste geldige regel, na alle foute."),
    ]
}

fn with_prefix(bytes: &[u8], prefix: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{P}") {
            out.extend_from_slice(prefix.as_bytes());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The file: a BOM first, CRLF line ends, one lone CR.
fn hostile_file(lines: &[Line], prefix: &str) -> Vec<u8> {
    let mut file = b"\xEF\xBB\xBF".to_vec();
    for (n, l) in lines.iter().enumerate() {
        file.extend_from_slice(&with_prefix(&l.bytes, prefix));
        file.extend_from_slice(if n == 4 { b"\r" } else { b"\r\n" });
    }
    file
}

/// The embedded configuration in `dir` with the API on `port` and the built-in register
/// refusing unknown sources (the production default, whatever the other tests use), as the
/// environment of a `knooppunt` process; and the store's URL.
fn env(dir: &std::path::Path, port: u16) -> (Vec<(String, String)>, String) {
    let mut config = embedded_config(dir);
    config.intake.listen = format!("127.0.0.1:{port}");
    config.intake.register.unknown_sources = knooppunt_domain::register::UnknownSources::Refuse;
    let mut env = config_env(&config);
    let promotions = "KNOOPPUNT__ENGINE__PROMOTION_INTERVAL_SECS";
    env.push((promotions.into(), "3600".into()));
    (env, config.store.url)
}

async fn assert_stored(store: &Store, lines: &[Line], prefix: &str) {
    for l in lines {
        let Expect::Stored { source, area, text } = &l.expect else {
            continue;
        };
        let id = format!("{prefix}-{}", l.id);
        eventually(
            &format!("line {} stored", l.id),
            Duration::from_secs(30),
            || async { store.signal(source, &id).await.ok().flatten().is_some() },
        )
        .await;
        let stored = store.signal(source, &id).await.unwrap().unwrap();
        assert_eq!(
            (stored.area.as_str(), stored.text.as_str()),
            (*area, *text),
            "line {}",
            l.id
        );
    }
    // Refused lines left nothing behind, under any source.
    for l in lines
        .iter()
        .filter(|l| matches!(l.expect, Expect::Refused(_)))
    {
        let id = format!("{prefix}-{}", l.id);
        for source in [
            "verbinders-moerwijk",
            "schilderswijk-moeders",
            "onbekend-team",
        ] {
            if l.id == "12" {
                continue; // its first version is stored, the other refused
            }
            assert!(
                store.signal(source, &id).await.unwrap().is_none(),
                "line {} stored",
                l.id
            );
        }
    }
}

#[tokio::test]
async fn hostile_lines_through_import_and_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let (env, store_url) = env(dir.path(), port);
    let lines = hostile_lines();

    // 1. `knooppunt import`: one answer per line, by line number.
    let file = dir.path().join("vijandig.jsonl");
    std::fs::write(&file, hostile_file(&lines, "imp")).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_knooppunt"))
        .arg("import")
        .arg(&file)
        .envs(env.iter().cloned())
        .env("KNOOPPUNT_LOG", "warn")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    assert_eq!(output.status.code(), Some(1), "{report}");
    let stored_lines = lines
        .iter()
        .filter(|l| matches!(l.expect, Expect::Stored { .. }))
        .count();
    let refused_lines = lines.len() - stored_lines;
    assert!(
        report.contains(&format!(
            "{stored_lines} geaccepteerd, {refused_lines} geweigerd"
        )),
        "{report}"
    );
    for (n, l) in lines.iter().enumerate() {
        let number = n + 1;
        let answer = report
            .lines()
            .find(|r| r.trim_start().starts_with(&format!("regel {number}:")));
        match &l.expect {
            Expect::Refused(field) => {
                let answer =
                    answer.unwrap_or_else(|| panic!("line {number} not refused: {report}"));
                assert!(
                    answer.contains(&format!(": {field}")),
                    "line {number}: {answer}"
                );
            }
            Expect::Stored { .. } => assert!(answer.is_none(), "line {number}: {answer:?}"),
        }
        if let Some(secret) = l.never_echo {
            assert!(!report.contains(secret), "line {number} echoed: {report}");
        }
    }
    assert!(report.contains("geen geldige UTF-8"), "{report}");
    assert!(report.contains("bedoelt u 'Moerwijk"), "{report}");

    // 2. The API of a running `knooppunt serve`, one request per line.
    let mut serve = spawn_knooppunt(&["serve"], &env, &dir.path().join("serve.log"), "info");
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&base).await;
    let store = Store::connect(&store_url, 2).await.unwrap();
    for (n, l) in lines.iter().enumerate() {
        if l.id == "12" && matches!(l.expect, Expect::Refused(_)) {
            // The other version must be stored first: then intake compares with the store.
            eventually(
                "the first version stored",
                Duration::from_secs(30),
                || async {
                    store
                        .signal("verbinders-moerwijk", "api-12")
                        .await
                        .ok()
                        .flatten()
                        .is_some()
                },
            )
            .await;
        }
        let mut body = with_prefix(&l.bytes, "api");
        if n == 0 {
            body.splice(0..0, *b"\xEF\xBB\xBF"); // a BOM at the start of a body is skipped
        }
        let (status, answer) = crate::support::post_signals(&base, body).await;
        match &l.expect {
            Expect::Stored { .. } => assert_eq!(status, 202, "line {}: {answer}", l.id),
            Expect::Refused("regel") => {
                assert_eq!(status, 400, "line {}: {answer}", l.id);
                assert!(answer.contains("regel"), "line {}: {answer}", l.id);
            }
            Expect::Refused(field) => {
                assert_eq!(status, 422, "line {}: {answer}", l.id);
                assert!(
                    answer.contains(&format!("\"field\":\"{field}")),
                    "line {}: {answer}",
                    l.id
                );
            }
        }
        if let Some(secret) = l.never_echo {
            assert!(!answer.contains(secret), "line {} echoed: {answer}", l.id);
        }
    }

    // 3. Both runs' valid lines are stored, normalised; the refused ones are not.
    assert_stored(&store, &lines, "api").await;
    assert_stored(&store, &lines, "imp").await;
    let _ = serve.kill();
    let _ = serve.wait();
}

#[test]
fn a_utf16_file_gets_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("utf16.jsonl");
    let text =
        r#"{"observed_on":"2026-09-01","source":"verbinders-moerwijk","area":"Laak","text":"x"}"#;
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&file, bytes).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_knooppunt"))
        .arg("import")
        .arg(&file)
        .env("KNOOPPUNT__TRANSPORT__SPOOL", dir.path().join("s.db"))
        .env(
            "KNOOPPUNT__STORE__URL",
            format!("sqlite://{}", dir.path().join("k.db").display()),
        )
        .env("KNOOPPUNT_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("UTF-16") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("UTF-16").count(), 1, "one error: {stderr}");
}

/// The engine's side of finding 8: whatever reaches it with an id stored (or earlier in the
/// batch) with other content is refused, recorded without text, and never replaces the first.
async fn conflicts_suite(store: Store) {
    use knooppunt_domain::envelope::{Channel, Envelope};
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let classified = |id: &str, text: &str| {
        let value = serde_json::json!({"id": id, "observed_on": "2026-09-01",
            "source": "verbinders-moerwijk", "area": "Moerwijk", "text": text});
        let signal = knooppunt_domain::signal::parse_signal(&value, today).unwrap();
        knooppunt_rules::engine::classify(
            &rules,
            Envelope::prepare(signal, Channel::Kafka, chrono::Utc::now()),
        )
    };
    let first = classified("c1", "Wachtlijst GGZ al vijf maanden.");
    let outcome = store
        .write_batch(std::slice::from_ref(&first), &[])
        .await
        .unwrap();
    assert_eq!((outcome.stored, outcome.conflicts), (1, 0));
    let outcome = store
        .write_batch(std::slice::from_ref(&first), &[])
        .await
        .unwrap();
    assert_eq!(
        (outcome.duplicates, outcome.conflicts),
        (1, 0),
        "same content: idempotent"
    );
    let changed = classified("c1", "Heel andere tekst onder hetzelfde id.");
    let outcome = store.write_batch(&[changed], &[]).await.unwrap();
    assert_eq!(
        (outcome.stored, outcome.duplicates, outcome.conflicts),
        (0, 0, 1)
    );
    let batch = [
        classified("c2", "Eerste in de batch."),
        classified("c2", "Tweede in de batch, ander verhaal."),
        classified("c2", "Eerste in de batch."),
    ];
    let outcome = store.write_batch(&batch, &[]).await.unwrap();
    assert_eq!(
        (outcome.stored, outcome.duplicates, outcome.conflicts),
        (1, 1, 1)
    );
    assert_eq!(store.id_conflict_count().await.unwrap(), 2);
    let kept = store
        .signal("verbinders-moerwijk", "c1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.text, "Wachtlijst GGZ al vijf maanden.");
    let hashes = store
        .content_hashes(&[
            ("verbinders-moerwijk".into(), "c1".into()),
            ("x".into(), "y".into()),
        ])
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
}

crate::support::on_both_backends!(
    conflicts_suite: the_engine_refuses_ids_stored_with_other_content_on_sqlite,
    the_engine_refuses_ids_stored_with_other_content_on_postgres
);
