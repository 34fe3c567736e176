//! No personal data anywhere: an end-to-end run on Kafka + PostgreSQL with personal data in
//! the input, after which the logs (at debug level), the API's answers, the metrics, the
//! signals topic, the dead-letter topic and every table are scanned for it. A partner message that still holds a
//! BSN when it reaches the engine is quarantined, not stored.

use crate::support::*;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection, Row};
use std::time::Duration;

/// Personal data used in the input; none of it may appear in any output.
const PERSONAL: &[&str] = &[
    "Fatima",
    "El Amrani",
    "Yilmaz",
    "111222333",
    "0612345678",
    "NL91ABNA0417164300",
    "0417164300",
    "j.devries@example.nl",
    "Heeswijkplein 12",
    "Heeswijkplein",
    "2531 AB",
    "2531AB",
    "12-03-1987",
    "Xhafervoli",
];

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect()
}

fn assert_clean(what: &str, content: &str) {
    let compacted = compact(content);
    for value in PERSONAL {
        assert!(!content.contains(value), "{what} contains {value:?}");
        if value.chars().any(|c| c.is_ascii_digit()) {
            assert!(
                !compacted.contains(&compact(value)),
                "{what} contains {value:?} (compacted)"
            );
        }
    }
}

#[tokio::test]
async fn personal_data_reaches_no_log_topic_table_or_answer() {
    let KafkaStack {
        broker: _broker,
        pg,
        mut config,
        store,
    } = kafka_stack().await;
    config.intake.listen = format!("127.0.0.1:{}", free_port());

    let dir = tempfile::tempdir().unwrap();
    let ops = format!("127.0.0.1:{}", free_port());
    let mut env = config_env(&config);
    env.push(("KNOOPPUNT__WEB__OPS_LISTEN".into(), ops.clone()));
    let spawn =
        |args: &[&str], log: &str| spawn_knooppunt(args, &env, &dir.path().join(log), "debug");
    let mut intake = spawn(&["intake"], "intake.log");
    let mut engine = spawn(&["engine"], "engine.log");
    let url = format!("http://{}", config.intake.listen);
    wait_ready(&url).await;

    let signals = json!([
        signal("p1", "verbinders", "Moerwijk", "2026-09-01",
            "Mevrouw Fatima El Amrani (geb. 12-03-1987, BSN 111222333) woont Heeswijkplein 12, 2531 AB. Zoon wil weer thuis wonen maar dan gaat haar bijstand omlaag."),
        signal("p2", "moeders", "Laak", "2026-09-02",
            "Bel 06-12345678 of mail j.devries@example.nl: schimmel, Haag Wonen reageert al 9 weken niet."),
        signal("p3", "helpdesk", "Laak", "2026-09-03",
            "Rekening NL91ABNA0417164300 geblokkeerd door beslag; schuldhulp heeft een wachtlijst."),
        signal("p4", "ggd", "Transvaal", "2026-09-04",
            "Meneer Yilmaz wacht al 16 weken op een intake bij Parnassia; mw. Xhafervoli ook."),
        {"observed_on": "2026-09-04", "source": "ggd", "area": "Laak", "text": "x",
         "naam": "Fatima El Amrani", "telefoon": "0612345678"},
        {"observed_on": "2026-09-04", "source": "ggd", "area": "Laak",
         "text": "Fatima El Amrani 0612345678 j.devries@example.nl"},
    ]);
    let (_, answer_text) = post_signals(&url, signals.to_string()).await;
    let answer_json: Value = serde_json::from_str(&answer_text).unwrap();
    assert_eq!(answer_json["accepted"], 4, "{answer_text}");
    assert_eq!(
        answer_json["results"][5]["errors"][0]["field"], "text",
        "mostly personal data is refused"
    );
    assert_clean("the API's answer", &answer_text);

    // Straight onto the topic: a partner record with a BSN (quarantined) and a poison message.
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", &config.kafka.brokers)
        .create()
        .unwrap();
    let partner = json!({"v": 1, "signal": {"id": "partner-1", "observed_on": "2026-09-05",
        "source": "corporatie", "area": "Laak",
        "text": "Huurder met BSN 111222333 heeft huurachterstand van drie maanden."}})
    .to_string();
    for payload in [partner.as_str(), "Fatima El Amrani 0612345678 {kapot"] {
        producer
            .send(
                FutureRecord::to(&config.kafka.signals_topic)
                    .key("laak")
                    .payload(payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
    }

    wait_stored(&store, 4, Duration::from_secs(60), "the engine to store").await;
    eventually(
        "the engine to quarantine",
        Duration::from_secs(60),
        || async { store.quarantine_counts().await.is_ok_and(|c| !c.is_empty()) },
    )
    .await;
    let dead = read_topic(&config.kafka.brokers, &config.kafka.dead_letter_topic, 1);
    let metrics = get_text(&format!("http://{ops}/metrics")).await;
    assert!(
        metrics.contains(r#"knooppunt_intake_signals_total{channel="http",outcome="accepted"} 4"#),
        "{metrics}"
    );
    assert_clean("the metrics", &metrics);
    // The engine has handled every message (the poison one included) once its group committed
    // the topic's end; only then are its logs complete.
    wait_engine_caught_up(&config, Duration::from_secs(30)).await;
    intake.kill().unwrap();
    engine.kill().unwrap();
    intake.wait().unwrap();
    engine.wait().unwrap();

    assert_eq!(store.signal_count().await.unwrap(), 4);
    assert!(
        store
            .signal("corporatie", "partner-1")
            .await
            .unwrap()
            .is_none(),
        "quarantined, not stored"
    );
    let counts = store.quarantine_counts().await.unwrap();
    assert_eq!((counts[0].count, counts[0].kinds.as_str()), (1, "bsn"));
    let p1 = store.signal("verbinders", "p1").await.unwrap().unwrap();
    assert_eq!(p1.barriers, ["kostendelersnorm"], "{}", p1.text);
    for kind in [
        "[NAAM]",
        "[GEBOORTEDATUM]",
        "[BSN]",
        "[ADRES]",
        "[POSTCODE]",
    ] {
        assert!(p1.text.contains(kind), "{kind} in {}", p1.text);
    }

    // Every artefact of the run.
    for log in ["intake.log", "engine.log"] {
        let content = std::fs::read_to_string(dir.path().join(log)).unwrap();
        assert!(content.len() > 200, "{log} was written at debug level");
        assert_clean(log, &content);
    }
    for message in read_topic(&config.kafka.brokers, &config.kafka.signals_topic, 6) {
        // The partner's raw record and the poison message are theirs; everything intake wrote is clean.
        if message.payload.contains("partner-1") || message.payload.contains("{kapot") {
            continue;
        }
        assert_clean("the signals topic", &message.payload);
    }
    for message in &dead {
        assert_clean("the dead-letter topic", &format!("{message:?}"));
    }
    let mut conn = PgConnection::connect(&pg).await.unwrap();
    // Every table that holds what came in; those marked may be empty in this run.
    let may_be_empty = ["quarantine", "id_conflicts", "cluster_events"];
    for table in [
        "signals",
        "signal_barriers",
        "clusters",
        "quarantine",
        "processing_log",
        "id_conflicts",
        "cluster_events",
    ] {
        let rows = conn
            .fetch_all(format!("SELECT row_to_json(t)::text AS j FROM {table} t").as_str())
            .await
            .unwrap();
        let dump: String = rows
            .iter()
            .map(|r| r.get::<String, _>("j"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !dump.is_empty() || may_be_empty.contains(&table),
            "{table} has rows"
        );
        assert_clean(table, &dump);
    }
}
