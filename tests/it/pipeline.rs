//! End to end: HTTP intake → transport → rules engine → store → brief, on Kafka + PostgreSQL
//! and on the embedded defaults (SQLite, spool).

use crate::support::*;
use knooppunt::app;
use knooppunt::config::Config;
use knooppunt_reports::{Brief, Quarter};
use knooppunt_store::Store;
use serde_json::{json, Value};
use std::time::Duration;

/// Ten valid signals and one refused, with the clusters they must produce.
pub fn scenario() -> Vec<Value> {
    vec![
        signal("k1", "verbinders", "Moerwijk", "2026-08-03", "Zoon van 23 wil weer thuis wonen, maar dan gaat de bijstand van moeder omlaag."),
        signal("k2", "moeders", "Moerwijk", "2026-08-10", "Kostendelersnorm: dochter slaapt bij vriendin zodat moeder niet gekort wordt. Bel 06-12345678."),
        signal("k3", "ggd", "moerwijk", "2026-09-01", "Kleinzoon mag niet inwonen bij oma, haar AOW gaat dan omlaag."),
        signal("k4", "verbinders", "Moerwijk", "2026-09-15", "Weer de kostendelersnorm: broer trekt in, uitkering verlaagd."),
        signal("c1", "verbinders", "Laak", "2026-07-07", "Schimmel gemeld bij Haag Wonen, al 8 weken geen reactie."),
        signal("c2", "moeders", "Laak", "2026-07-20", "Portiek onveilig door dealer, corporatie reageert niet op meldingen."),
        signal("c3", "ggd", "Laak", "2026-08-28", "Lekkage sinds 3 maanden, Staedion laat het liggen. Mail naar huurder@example.nl."),
        signal("g1", "parnassia", "Schilderswijk", "2026-07-02", "Aangemeld bij Parnassia, wachtlijst voor intake van vier maanden."),
        signal("g2", "huisarts", "Schilderswijk", "2026-09-29", "Psycholoog heeft aanmeldstop, cliënt moet nog 14 weken wachten."),
        signal("u1", "verbinders", "Moerwijk", "2026-08-12", "Gezellige buurtmaaltijd in de buurtkamer, veel nieuwe gezichten."),
        json!({"id": "bad", "observed_on": "2026-08-12", "source": "verbinders", "area": "Moerwijk",
               "text": "Met naam erbij", "naam": "Jan Jansen"}),
    ]
}

/// Posts the scenario and checks the answer item by item.
pub async fn post_scenario(addr: std::net::SocketAddr) {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/signals"))
        .json(&scenario())
        .send()
        .await
        .expect("post signals");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json answer");
    assert_eq!(body["accepted"], 10, "{body}");
    assert_eq!(body["refused"], 1, "{body}");
    assert_eq!(body["results"][0]["status"], "accepted");
    assert_eq!(body["results"][0]["id"], "k1");
    assert_eq!(body["results"][10]["status"], "refused");
    assert_eq!(body["results"][10]["errors"][0]["field"], "naam");
    assert!(
        !body.to_string().contains("Jan Jansen"),
        "no personal data echoed"
    );
}

/// Checks what the engine stored and that a brief renders from it.
pub async fn assert_stored(store: &Store, config: &Config) {
    wait_stored(
        store,
        10,
        Duration::from_secs(60),
        "the engine to store 10 signals",
    )
    .await;
    assert_eq!(store.signal_count().await.unwrap(), 10);
    assert_eq!(store.unclassified_count().await.unwrap(), 1);
    let clusters = store.clusters().await.unwrap();
    let count = |barrier: &str, area: &str| {
        clusters
            .iter()
            .find(|c| c.barrier == barrier && c.area.eq_ignore_ascii_case(area))
            .map(|c| c.signal_count)
    };
    assert_eq!(
        count("kostendelersnorm", "Moerwijk"),
        Some(4),
        "{clusters:?}"
    );
    assert_eq!(
        count("corporatie-reactietijd", "Laak"),
        Some(3),
        "{clusters:?}"
    );
    assert_eq!(
        count("wachtlijst-ggz", "Schilderswijk"),
        Some(2),
        "{clusters:?}"
    );
    let k2 = store
        .signal("moeders", "k2")
        .await
        .unwrap()
        .expect("k2 stored");
    assert!(
        k2.text.contains("[TELEFOON]") && !k2.text.contains("12345678"),
        "{}",
        k2.text
    );
    let c3 = store.signal("ggd", "c3").await.unwrap().expect("c3 stored");
    assert_eq!(c3.wait_days, Some(90), "wait extracted from '3 maanden'");

    let rules = app::load_rules(config).unwrap();
    let brief = Brief::gather(
        store,
        &rules.catalog(),
        "2026Q3".parse::<Quarter>().unwrap(),
        1,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
    )
    .await
    .unwrap();
    let markdown = brief.render().unwrap().markdown;
    assert!(
        markdown.contains(
            "| Kostendelersnorm verlaagt de uitkering bij samenwonen | 4 | 3 | 1 | n.v.t. |"
        ),
        "{markdown}"
    );
    // With the default minimum group size the same figures are suppressed.
    let suppressed = Brief::gather(
        store,
        &rules.catalog(),
        "2026Q3".parse().unwrap(),
        5,
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
    )
    .await
    .unwrap()
    .render()
    .unwrap()
    .markdown;
    assert!(suppressed.contains(
        "| Kostendelersnorm verlaagt de uitkering bij samenwonen | x | 1–4 | 1–4 | n.v.t. |"
    ));
}

#[tokio::test]
async fn end_to_end_on_kafka_and_postgres() {
    let KafkaStack { config, store, .. } = kafka_stack().await;
    let mut app = InProcess::start(&config, &store).await;
    let ready = reqwest::get(format!("http://{}/readyz", app.addr))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "{}", ready.text().await.unwrap());

    post_scenario(app.addr).await;

    // The signals are on the topic, keyed by area, scrubbed, in the versioned envelope.
    let messages = read_topic(&config.kafka.brokers, &config.kafka.signals_topic, 10);
    assert_eq!(messages.len(), 10);
    assert!(messages
        .iter()
        .all(|m| !m.payload.contains("12345678") && !m.payload.contains("@example.nl")));
    let k1 = messages
        .iter()
        .find(|m| m.payload.contains("\"id\":\"k1\""))
        .expect("k1 on the topic");
    assert_eq!(k1.key.as_deref(), Some("moerwijk"));
    let envelope: Value = serde_json::from_str(&k1.payload).unwrap();
    assert_eq!(envelope["v"], 1);
    assert_eq!(envelope["channel"], "http");

    app.start_engine(&config, &store);
    assert_stored(&store, &config).await;

    // Posting the same signals again changes nothing: the ids are the same.
    post_scenario(app.addr).await;
    read_topic(&config.kafka.brokers, &config.kafka.signals_topic, 20);
    // The engine has read the second round when its group committed the topic's end.
    wait_engine_caught_up(&config, Duration::from_secs(30)).await;
    assert_eq!(store.signal_count().await.unwrap(), 10);
    assert_eq!(
        cluster_total(&store).await,
        9,
        "replayed messages do not inflate clusters"
    );
    app.stop().await;
}

#[tokio::test]
async fn end_to_end_on_embedded_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = embedded_config(dir.path());
    let store = app::open_store(&config).await.unwrap();
    let mut running = InProcess::start(&config, &store).await;
    let ready = reqwest::get(format!("http://{}/readyz", running.addr))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    post_scenario(running.addr).await;
    running.start_engine(&config, &store);
    assert_stored(&store, &config).await;
    post_scenario(running.addr).await;
    let spool = app::open_spool(&config).await.unwrap();
    eventually("the spool to drain", Duration::from_secs(30), || async {
        spool.pending().await.unwrap_or(1) == 0
    })
    .await;
    assert_eq!(
        store.signal_count().await.unwrap(),
        10,
        "resubmission is idempotent"
    );
    running.stop().await;
}
