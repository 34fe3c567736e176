use super::*;
use proptest::prelude::*;
use serde_json::json;

/// serde_json's bytes for `value`.
fn serde<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("serializes")
}

fn escaped(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    string(&mut out, s);
    out
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    let mut tricky: Vec<String> = [
        "",
        "a",
        "gewoon een zin zonder iets bijzonders erin",
        "\"",
        "\\",
        "\\w+ (bang|angst|durf\\w* (het )?niet)",
        "zeg \"nee\" en \\ of / nu",
        "tab\there, line\nfeed, cr\r, ff\u{c}, bs\u{8}, nul\u{0}, us\u{1f}, del\u{7f}",
        "é ë ĳ ’ ‘ “ ” … — 你好 🙂 \u{2028} \u{2029} \u{feff} \u{ad}",
        "herkend door regel ‘(wacht\\w*|wachtlijst)\\W+(\\w+\\W+){0,12}?\"maanden\"’",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every byte that may need escaping at every position of a string of up to 20 bytes,
    // with a multi-byte character before or after it.
    for c in (0u8..0x80).map(char::from).chain(['é', '\u{2028}', '🙂']) {
        for len in 0..20 {
            for at in 0..=len {
                let mut s: String = "abcdefghijklmnopqrst"[..len].to_string();
                s.insert(at, c);
                tricky.push(s.clone());
                tricky.push(format!("ë{s}"));
                tricky.push(format!("{s}\u{2028}"));
            }
        }
    }
    for s in &tricky {
        assert_eq!(escaped(s), serde(s.as_str()), "{s:?}");
    }
}

#[test]
fn floats_are_formatted_as_serde_json_formats_them() {
    let values = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        0.5,
        1e-7,
        1e21,
        1e22,
        123456789012345680.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::from(0.87f32),
        f64::from(0.999_999_9_f32),
    ];
    for value in values {
        assert_eq!(floated(value), serde(&value), "{value:?}");
    }
}

#[test]
fn numbers_are_written_as_serde_json_writes_them() {
    for value in [None, Some(0), Some(9), Some(10), Some(98), Some(u32::MAX)] {
        assert_eq!(numbered(value), serde(&value), "{value:?}");
    }
}

fn floated(value: f64) -> Vec<u8> {
    let mut out = Vec::new();
    float(&mut out, value).expect("writes");
    out
}

fn numbered(value: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    optional_u32(&mut out, value);
    out
}

/// Strings from an alphabet heavy in what is escaped.
fn strings() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "aZ09 \"\\/\n\r\t\u{0}\u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}é€\u{2028}🙂"
        .chars()
        .collect();
    proptest::collection::vec(proptest::sample::select(alphabet), 0..40)
        .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn any_string_is_escaped_as_serde_json_escapes_it(s in strings()) {
        prop_assert_eq!(escaped(&s), serde(s.as_str()));
    }

    /// Any bit pattern, a confidence in [0, 1], and a model score widened from f32.
    #[test]
    fn any_float_is_formatted_as_serde_json_formats_it(bits in any::<u64>()) {
        for value in [
            f64::from_bits(bits),
            (bits >> 11) as f64 / (1u64 << 53) as f64,
            f64::from(f32::from_bits(bits as u32)),
        ] {
            prop_assert_eq!(floated(value), serde(&value));
        }
    }

    #[test]
    fn any_number_is_written_as_serde_json_writes_it(value in any::<Option<u32>>()) {
        prop_assert_eq!(numbered(value), serde(&value));
    }
}

fn match_line(rule: Option<&str>, model_score: Option<f64>) -> MatchLine {
    MatchLine {
        barrier: "corporatie-reactietijd".into(),
        confidence: 0.873_456_789,
        found_by: "regel",
        model_score,
        rule: rule.map(str::to_string),
        terms: vec!["\"schimmel\"".into(), "al\\weken".into(), "ë".into()],
        uitleg: "herkend door regel ‘schimmel\\w*’ \u{2028}".into(),
        wait_days: Some(98),
    }
}

#[test]
fn whole_lines_are_the_bytes_serde_json_writes() {
    let ids = [
        json!("a1"),
        json!("id met \"quotes\" en \\ en \u{1}"),
        json!(7),
        json!(-7.25),
        json!(null),
        json!(true),
        json!({"b": [1, 2.5, "x"], "a": null}),
        json!([]),
    ];
    let mut lines = Vec::new();
    for id in ids {
        lines.push(Line::Error {
            error: "regel 1: \"observed_on\" ontbreekt\n".into(),
            id: id.clone(),
        });
        lines.push(Line::Classified(Box::new(Classified {
            barriers: vec![],
            id: id.clone(),
            matches: vec![],
            model_version: None,
            organisation: None,
            pii: vec![],
            rules_version: "2026.11-8".into(),
            text: String::new(),
            wait_days: None,
        })));
        lines.push(Line::Classified(Box::new(Classified {
            barriers: vec!["corporatie-reactietijd".into(), "b\"2".into()],
            id,
            matches: vec![
                match_line(
                    Some("(wacht\\w*|\"reactie\")"),
                    Some(f64::from(0.912_345_6_f32)),
                ),
                match_line(None, None),
            ],
            model_version: Some("29409d0c".into()),
            organisation: Some("Staedion".into()),
            pii: vec!["naam", "bsn"],
            rules_version: "2026.11-8".into(),
            text: "Mevrouw [NAAM] (bsn [BSN]) meldde \"schimmel\"\tbij\r\nStaedion ’ \u{2028}"
                .into(),
            wait_days: Some(u32::MAX),
        })));
    }
    for line in &lines {
        let mut out = Vec::new();
        write(&mut out, line).expect("writes");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&serde(line))
        );
    }
}

#[test]
fn classified_notes_are_the_bytes_serde_json_writes() {
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().expect("default rules");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    let notes = [
        r#"{"id": "a1", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Mevrouw Yilmaz (bsn 111222333) meldde schimmel bij Staedion, al 14 weken geen reactie."}"#,
        r#"{"id": 7, "observed_on": "2099-01-01", "source": "t", "area": "Laak", "text": "x"}"#,
        "geen json",
        r#"{"id": "b\"2", "observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Ze durft haar dochter niet in te schrijven vanwege de kostendelersnorm.\nBang voor \"korting\"\t\\ van de uitkering."}"#,
        r#"{"observed_on": "2026-09-01", "source": "t", "area": "Laak", "text": "Gezellige buurtmaaltijd."}"#,
    ];
    for note in notes {
        let line = crate::classify::classify_line(note, &rules, today);
        let mut out = Vec::new();
        write(&mut out, &line).expect("writes");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&serde(&line))
        );
    }
}
