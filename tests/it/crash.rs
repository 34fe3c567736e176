//! Crash safety with the real binary: `kill -9` of the rules engine mid-stream, and of the
//! intake right after it acknowledged a signal.

use crate::support::*;
use knooppunt::app;
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::parse_signal;
use serde_json::json;
use std::process::Child;
use std::time::Duration;

fn kill_9(child: &mut Child) {
    // Child::kill sends SIGKILL on Unix: no shutdown hooks, no final commit.
    child.kill().expect("kill -9");
    child.wait().expect("reap");
}

#[tokio::test]
async fn engine_killed_mid_stream_stores_every_signal_exactly_once() {
    const N: usize = 3000;
    let KafkaStack {
        broker: _broker,
        mut config,
        store,
        ..
    } = kafka_stack().await;
    config.engine.batch_size = 5;

    let publisher = app::publisher(&config).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let areas = ["Moerwijk", "Laak", "Transvaal", "Schilderswijk", "Bouwlust"];
    let envelopes: Vec<Envelope> = (0..N)
        .map(|i| {
            let value = json!({
                "id": format!("s{i}"),
                "observed_on": "2026-09-01",
                "source": format!("team{}", i % 7),
                "area": areas[i % areas.len()],
                "text": format!("Melding {i}: schimmel bij de corporatie, al {} weken geen reactie.", i % 20 + 1),
            });
            Envelope::prepare(parse_signal(&value, today).unwrap(), Channel::Kafka, chrono::Utc::now())
        })
        .collect();
    for chunk in envelopes.chunks(250) {
        assert!(publisher.publish(chunk).await.iter().all(Result::is_ok));
    }

    let dir = tempfile::tempdir().unwrap();
    let env = config_env(&config);
    let mut engine = spawn_knooppunt(&["engine"], &env, &dir.path().join("engine-1.log"), "info");
    let what = "the engine to store a first part";
    wait_stored(&store, 100, Duration::from_secs(60), what).await;
    kill_9(&mut engine);
    let at_kill = store.signal_count().await.unwrap();
    assert!(
        (at_kill as usize) < N,
        "the engine finished ({at_kill}) before it could be killed mid-stream"
    );
    // Offsets are committed per batch: what the next engine reads again is what was stored
    // after the last commit that landed, a few batches at most (not the whole topic).
    let (committed, _) = engine_progress(&config).await;
    let redelivered = at_kill - committed.values().sum::<i64>();
    eprintln!("stored at SIGKILL: {at_kill}, committed: {committed:?}, to re-read: {redelivered}");
    assert!(
        (0..=10 * config.engine.batch_size as i64).contains(&redelivered),
        "after SIGKILL {redelivered} stored messages are not committed (committed {committed:?})"
    );

    let mut engine = spawn_knooppunt(&["engine"], &env, &dir.path().join("engine-2.log"), "info");
    // Waits until it has read everything, replayed uncommitted offsets included (its group
    // committed the topic's end); a replay must not have added anything.
    wait_all_handled(
        &store,
        &config,
        N as i64,
        Duration::from_secs(120),
        "the restarted engine to store the rest",
    )
    .await;
    kill_9(&mut engine);
    assert_eq!(store.signal_count().await.unwrap(), N as i64);
    assert_eq!(
        cluster_total(&store).await,
        N as i64,
        "clusters count every signal once"
    );
    crate::scale_out::assert_signals_stored(&store, &[0, N / 2, N - 1]).await;
}

#[tokio::test]
async fn an_acknowledged_signal_survives_kill_9_of_the_intake() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = embedded_config(dir.path());
    let port = free_port();
    config.intake.listen = format!("127.0.0.1:{port}");
    let env = config_env(&config);
    // Intake alone, so nothing is processed before the kill: the spool must hold it all.
    let mut server = spawn_knooppunt(&["intake"], &env, &dir.path().join("intake.log"), "info");
    let url = format!("http://127.0.0.1:{port}");
    wait_ready(&url).await;
    let batch: Vec<_> = (0..50)
        .map(|i| {
            signal(
                &format!("d{i}"),
                "verbinders",
                "Moerwijk",
                "2026-09-01",
                "Zoon weer thuis, bijstand van moeder gaat omlaag door de kostendelersnorm.",
            )
        })
        .collect();
    let (status, answer) = post_signals(&url, serde_json::to_string(&batch).unwrap()).await;
    assert_eq!(status, 200, "{answer}");
    kill_9(&mut server);

    let mut server = spawn_knooppunt(&["engine"], &env, &dir.path().join("engine.log"), "info");
    let store = app::open_store(&config).await.unwrap();
    let what = "every acknowledged signal to be stored";
    wait_stored(&store, 50, Duration::from_secs(30), what).await;
    kill_9(&mut server);
    assert_eq!(store.signal_count().await.unwrap(), 50);
}
