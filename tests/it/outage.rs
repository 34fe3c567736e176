//! Outages of the services Knooppunt depends on, with the real binaries: the Kafka broker and
//! the PostgreSQL server each stopped for 30 s mid-stream. Nothing acknowledged is lost or
//! counted twice, and intake and engine recover by themselves within seconds.

use crate::scale_out::{assert_clusters_exact, EngineProcess};
use crate::support::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const OUTAGE: Duration = Duration::from_secs(30);

/// Posts `ids` as signals; returns the ids intake accepted (the others it answered `failed`).
async fn post(client: &reqwest::Client, url: &str, ids: &[String]) -> Vec<String> {
    let batch: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let area = ["Moerwijk", "Laak", "Transvaal", "Escamp"][i % 4];
            serde_json::json!({
                "id": id,
                "observed_on": "2026-09-14",
                "source": format!("team{}", i % 5),
                "area": area,
                "text": "Huurachterstand, de corporatie reageert al 9 weken niet op de regeling.",
            })
        })
        .collect();
    let Ok(answer) = client
        .post(format!("{url}/api/v1/signals"))
        .json(&batch)
        .send()
        .await
    else {
        return Vec::new();
    };
    let body: serde_json::Value = answer.json().await.unwrap_or_default();
    let results = body["results"].as_array().cloned().unwrap_or_default();
    for result in &results {
        let status = result["status"].as_str().unwrap_or_default();
        assert!(
            status == "accepted" || status == "failed",
            "unexpected answer {result}"
        );
    }
    results
        .iter()
        .filter(|r| r["status"] == "accepted")
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

async fn readyz(client: &reqwest::Client, url: &str) -> (u16, String) {
    match client.get(format!("{url}/readyz")).send().await {
        Ok(r) => (r.status().as_u16(), r.text().await.unwrap_or_default()),
        Err(e) => (0, e.to_string()),
    }
}

fn ids(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}{i}")).collect()
}

/// Lines of `log` that contain `needle`.
fn lines_with(log: &std::path::Path, needle: &str) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(needle))
        .count()
}

/// [`post`]s `ids` and fails, saying `when`, unless every one was accepted; their ids.
async fn post_all(client: &reqwest::Client, url: &str, ids: &[String], when: &str) -> Vec<String> {
    let taken = post(client, url, ids).await;
    assert_eq!(taken.len(), ids.len(), "{when}");
    taken
}

/// `knooppunt intake` on `port` and `knooppunt engine` with `env`, logging into a temporary
/// directory; returns once the API is ready, with its URL.
async fn start_intake_and_engine(
    env: &[(String, String)],
    port: u16,
) -> (
    tempfile::TempDir,
    std::process::Child,
    EngineProcess,
    String,
) {
    let dir = tempfile::tempdir().unwrap();
    let intake = spawn_knooppunt(&["intake"], env, &dir.path().join("intake.log"), "info");
    let engine = EngineProcess::start(env, dir.path(), "engine");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url).await;
    (dir, intake, engine, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_outage_fails_intake_and_both_recover_by_themselves() {
    // A broker of this test's own: it is stopped and started again.
    let mut broker = tokio::task::spawn_blocking(Broker::start).await.unwrap();
    let KafkaStack {
        mut config,
        store,
        pg,
        ..
    } = kafka_stack_on(broker.brokers(), fresh_pg_database().await, 3).await;
    config.kafka.delivery_timeout_ms = 3000;
    let port = free_port();
    config.intake.listen = format!("127.0.0.1:{port}");
    let mut env = config_env(&config);
    env.push((
        "KNOOPPUNT__KAFKA__DELIVERY_TIMEOUT_MS".into(),
        "3000".into(),
    ));
    let (_dir, mut intake, engine, url) = start_intake_and_engine(&env, port).await;
    let client = reqwest::Client::new();

    let mut accepted: BTreeSet<String> = BTreeSet::new();
    let first = ids("a", 0..300);
    accepted.extend(post_all(&client, &url, &first, "all accepted while the broker runs").await);
    wait_stored(
        &store,
        300,
        Duration::from_secs(60),
        "the first signals stored",
    )
    .await;

    // The broker goes away for 30 s while intake keeps receiving.
    tokio::task::block_in_place(|| broker.stop());
    let down = Instant::now();
    let mut failed_seen = false;
    let mut not_ready_seen = false;
    let mut round = 0;
    while down.elapsed() < OUTAGE {
        let batch = ids(&format!("b{round}-"), 0..10);
        let taken = post(&client, &url, &batch).await;
        failed_seen |= taken.len() < batch.len();
        accepted.extend(taken);
        let (status, body) = readyz(&client, &url).await;
        if status == 503 {
            assert!(body.contains("kafka"), "{body}");
            not_ready_seen = true;
        }
        round += 1;
    }
    assert!(
        failed_seen,
        "intake answered `failed` while the broker was down"
    );
    assert!(
        not_ready_seen,
        "/readyz said not ready while the broker was down"
    );

    tokio::task::block_in_place(|| broker.resume());
    let back = Instant::now();
    // Intake recovers by itself: a new batch is accepted again.
    let mut round = 0;
    eventually(
        "intake to accept a whole batch again after the broker's return",
        Duration::from_secs(30),
        async || {
            let batch = ids(&format!("c{round}-"), 0..10);
            round += 1;
            let taken = post(&client, &url, &batch).await;
            let all = taken.len() == batch.len();
            accepted.extend(taken);
            all
        },
    )
    .await;
    let intake_back = back.elapsed();
    let last = ids("d", 0..300);
    accepted.extend(
        post_all(
            &client,
            &url,
            &last,
            "all accepted after the broker's return",
        )
        .await,
    );

    // The engine recovers by itself and stores everything intake acknowledged, once.
    let expected = accepted.len() as i64;
    let what = "every acknowledged signal stored after the outage";
    wait_stored(&store, expected, Duration::from_secs(30), what).await;
    let engine_back = back.elapsed();
    eprintln!(
        "broker outage: intake accepted again {intake_back:?} and the engine caught up \
         {engine_back:?} after the broker's return; {expected} signals acknowledged"
    );
    wait_engine_caught_up(&config, Duration::from_secs(30)).await;
    assert_eq!(store.signal_count().await.unwrap(), expected);
    for (i, id) in [(0, &first[0]), (299, &last[299])] {
        let source = format!("team{}", i % 5);
        assert!(
            store.signal(&source, id).await.unwrap().is_some(),
            "{id} stored"
        );
    }
    assert_eq!(cluster_total(&store).await, expected, "counted once each");
    let log = std::fs::read_to_string(&engine.log).unwrap_or_default();
    for line in log.lines().filter(|l| {
        ["Kafka", "Partitions", "recovered", "failed"]
            .iter()
            .any(|w| l.contains(w))
    }) {
        eprintln!("engine: {line}");
    }
    // A 30 s outage is a few log lines (its start and its end), not one per retry.
    let outage_lines = lines_with(&engine.log, "Kafka not reachable")
        + lines_with(&engine.log, "Kafka reachable again");
    assert!(
        (1..=6).contains(&outage_lines),
        "the engine logged the outage in {outage_lines} lines"
    );
    engine.stop().await;
    intake.kill().unwrap();
    intake.wait().unwrap();
    assert_clusters_exact(&pg).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_stops_acknowledging_and_the_engine_resumes() {
    let server = tokio::task::spawn_blocking(OwnPostgres::start)
        .await
        .unwrap();
    let brokers = tokio::task::spawn_blocking(shared_brokers).await.unwrap();
    let KafkaStack {
        mut config,
        store,
        pg,
        ..
    } = kafka_stack_on(brokers, server.database().await, 3).await;
    let port = free_port();
    config.intake.listen = format!("127.0.0.1:{port}");
    config.engine.batch_size = 50;
    let mut env = config_env(&config);
    env.push(("KNOOPPUNT__ENGINE__STALL_AFTER_SECS".into(), "5".into()));
    let (_dir, mut intake, engine, url) = start_intake_and_engine(&env, port).await;
    let client = reqwest::Client::new();
    let health = format!("http://127.0.0.1:{}/healthz", engine.metrics);

    let mut accepted: BTreeSet<String> = BTreeSet::new();
    accepted.extend(post(&client, &url, &ids("a", 0..500)).await);
    assert_eq!(accepted.len(), 500);
    wait_stored(&store, 100, Duration::from_secs(60), "a first part stored").await;

    // PostgreSQL stops mid-stream; intake keeps accepting (Kafka holds the signals).
    tokio::task::block_in_place(|| server.stop());
    let down = Instant::now();
    let asked = Instant::now();
    let (status, body) = readyz(&client, &url).await;
    assert!(
        asked.elapsed() < Duration::from_secs(2) && status == 503,
        "/readyz answered {status} after {:?}: {body}",
        asked.elapsed()
    );
    assert!(body.contains("database antwoordt niet"), "{body}");
    let mut round = 0;
    let mut unhealthy_seen = false;
    // A steady stream of posts, one round every 250 ms, for as long as the broker is down.
    let mut pace = tokio::time::interval(Duration::from_millis(250));
    while down.elapsed() < OUTAGE {
        pace.tick().await;
        accepted.extend(post(&client, &url, &ids(&format!("b{round}-"), 0..20)).await);
        if let Ok(answer) = client.get(&health).send().await {
            unhealthy_seen |= answer.status() == 503;
        }
        round += 1;
    }
    assert!(
        unhealthy_seen,
        "the engine reported itself unhealthy while it made no progress and its lag grew"
    );

    tokio::task::block_in_place(|| server.resume());
    let back = Instant::now();
    let expected = accepted.len() as i64;
    let what = "every acknowledged signal stored after the database returned";
    wait_stored(&store, expected, Duration::from_secs(30), what).await;
    eprintln!(
        "database outage: the engine caught up {:?} after the database's return; {expected} \
         signals acknowledged",
        back.elapsed()
    );
    wait_engine_caught_up(&config, Duration::from_secs(30)).await;
    eventually(
        "the engine healthy again",
        Duration::from_secs(30),
        || async {
            client
                .get(&health)
                .send()
                .await
                .is_ok_and(|a| a.status() == 200)
        },
    )
    .await;
    assert_eq!(store.signal_count().await.unwrap(), expected);
    assert_eq!(cluster_total(&store).await, expected, "counted once each");
    engine.stop().await;
    intake.kill().unwrap();
    intake.wait().unwrap();
    assert_clusters_exact(&pg).await;
}
