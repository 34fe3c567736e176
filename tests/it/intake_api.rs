//! The intake API: bad input per field, limits, idempotent ids, and broker faults injected with
//! rdkafka's mock cluster.

use crate::support::*;
use knooppunt::app;
use knooppunt::config::Config;
use knooppunt_transport::kafka::KafkaPublisher;
use rdkafka::mocking::MockCluster;
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

struct Running {
    addr: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

async fn start(config_change: impl FnOnce(&mut Config)) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let mut config = embedded_config(dir.path());
    config_change(&mut config);
    start_with(config, None, dir).await
}

async fn start_with(
    config: Config,
    publisher: Option<Arc<dyn knooppunt_transport::publisher::Publisher>>,
    dir: tempfile::TempDir,
) -> Running {
    let store = app::open_store(&config).await.unwrap();
    let publisher = match publisher {
        Some(p) => p,
        None => app::publisher(&config).await.unwrap(),
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let rules = app::load_rules(&config).unwrap();
    let intake = app::start_intake(&config, publisher, store, rules, async move {
        let _ = rx.await;
    })
    .await
    .unwrap();
    Running {
        addr: intake.addr,
        _stop: tx,
        _dir: dir,
    }
}

/// Posts `body` and expects it refused as a whole with `status` and an error naming `phrase`.
async fn assert_refused(addr: std::net::SocketAddr, body: &'static str, status: u16, phrase: &str) {
    let (answered, answer) = post(addr, body).await;
    assert_eq!(answered, status, "{body}: {answer}");
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains(phrase), "{body}: {answer}");
}

async fn post(addr: std::net::SocketAddr, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let (status, text) = crate::support::post_signals(&format!("http://{addr}"), body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn valid() -> Value {
    signal(
        "v1",
        "verbinders",
        "Moerwijk",
        "2026-09-14",
        "Bijstand omlaag door kostendelersnorm.",
    )
}

#[tokio::test]
async fn one_signal_is_accepted_with_its_id() {
    let app = start(|_| {}).await;
    let (status, body) = post(app.addr, valid().to_string()).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["results"][0]["id"], "v1");
}

#[tokio::test]
async fn each_bad_field_is_named_in_dutch() {
    let app = start(|_| {}).await;
    let cases = [
        ("observed_on", json!("2099-01-01"), "toekomst"),
        ("observed_on", json!("1999-12-31"), "vóór 2000"),
        ("observed_on", json!("14/14/2026"), "geen geldige datum"),
        ("source", json!(""), "verplicht"),
        ("area", json!(42), "verwacht tekst"),
        ("text", json!("x".repeat(4001)), "te lang"),
        ("themes", json!(["onbekend"]), "onbekend thema"),
        ("wait_days", json!(-1), "tussen 0 en"),
        ("id", json!("met spatie"), "alleen letters"),
        ("bsn", json!("111222333"), "persoonsgegevens"),
        ("telefoon", json!("0612345678"), "persoonsgegevens"),
        ("kleur", json!("rood"), "onbekend veld"),
    ];
    for (field, value, expect) in cases {
        let mut item = valid();
        item[field] = value;
        let (status, body) = post(app.addr, item.to_string()).await;
        assert_eq!(status, 422, "{field}: {body}");
        let error = &body["results"][0]["errors"][0];
        assert_eq!(error["field"], field, "{body}");
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(expect), "{field}: {message}");
        assert!(
            !body.to_string().contains("111222333") && !body.to_string().contains("0612345678")
        );
    }
}

#[tokio::test]
async fn a_bad_item_never_costs_the_good_ones() {
    let app = start(|_| {}).await;
    let mut bad = valid();
    bad["observed_on"] = json!("morgen");
    let mut other = valid();
    other["id"] = json!("v2");
    let (status, body) = post(app.addr, json!([valid(), bad, other]).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["accepted"].as_u64(), body["refused"].as_u64()),
        (Some(2), Some(1))
    );
    let results = body["results"].as_array().unwrap();
    let statuses: Vec<&serde_json::Value> = results.iter().map(|r| &r["status"]).collect();
    assert_eq!(json!(statuses), json!(["accepted", "refused", "accepted"]));
}

#[tokio::test]
async fn resubmission_gets_the_same_id_with_or_without_a_client_id() {
    let app = start(|_| {}).await;
    let mut anonymous = valid();
    anonymous.as_object_mut().unwrap().remove("id");
    let (_, first) = post(app.addr, anonymous.to_string()).await;
    let (_, second) = post(app.addr, anonymous.to_string()).await;
    let id = first["results"][0]["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a derived UUID");
    assert_eq!(second["results"][0]["id"], id);
}

#[tokio::test]
async fn malformed_and_oversized_requests_get_a_dutch_answer() {
    let app = start(|c| {
        c.intake.max_body_bytes = 4096;
        c.intake.max_batch = 3;
    })
    .await;
    assert_refused(app.addr, "{\"observed_on\": ", 400, "geen geldige JSON").await;
    assert_refused(app.addr, "\"tekst\"", 400, "verwacht één signaal").await;
    let (status, _) = post(app.addr, "[]").await;
    assert_eq!(status, 422);
    let (status, body) = post(
        app.addr,
        json!([valid(), valid(), valid(), valid()]).to_string(),
    )
    .await;
    assert_eq!(status, 413);
    assert!(body["error"].as_str().unwrap().contains("maximaal 3"));
    let mut big = valid();
    big["text"] = json!("a".repeat(5000));
    let (status, body) = post(app.addr, big.to_string()).await;
    assert_eq!(status, 413);
    assert!(body["error"].as_str().unwrap().contains("te groot"));
}

#[tokio::test]
async fn health_and_readiness() {
    let app = start(|_| {}).await;
    let health = reqwest::get(format!("http://{}/healthz", app.addr))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready: Value = reqwest::get(format!("http://{}/readyz", app.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["checks"]["spool"], "ok");
    assert_eq!(ready["checks"]["database"], "ok");
}

/// Kafka publisher pointed at an in-process mock cluster.
fn mock_config(
    mock: &MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    dir: &std::path::Path,
) -> Config {
    let mut config = embedded_config(dir);
    config.transport.kind = knooppunt::config::TransportKind::Kafka;
    config.kafka.brokers = mock.bootstrap_servers();
    config.kafka.signals_topic = "signals".into();
    config.kafka.delivery_timeout_ms = 1500;
    config
}

#[tokio::test]
async fn broker_down_means_failed_not_accepted_and_not_ready() {
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("signals", 1, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = mock_config(&mock, dir.path());
    let publisher: Arc<dyn knooppunt_transport::publisher::Publisher> =
        Arc::new(KafkaPublisher::new(&config.kafka).unwrap());
    let app = start_with(config, Some(publisher), dir).await;

    let (status, _) = post(app.addr, valid().to_string()).await;
    assert_eq!(status, 202, "healthy broker accepts");

    mock.broker_down(1).unwrap();
    let (status, body) = post(app.addr, valid().to_string()).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["results"][0]["status"], "failed");
    assert!(body["results"][0]["error"]
        .as_str()
        .unwrap()
        .contains("probeer het later opnieuw"));
    let ready = reqwest::get(format!("http://{}/readyz", app.addr))
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);

    mock.broker_up(1).unwrap();
    eventually(
        "the broker to accept again",
        Duration::from_secs(20),
        || async { post(app.addr, valid().to_string()).await.0 == 202 },
    )
    .await;
}

#[tokio::test]
async fn transient_produce_errors_and_latency_are_retried_not_reported() {
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("signals", 1, 1).unwrap();
    mock.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; 3],
    );
    mock.broker_round_trip_time(1, Duration::from_millis(200))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = mock_config(&mock, dir.path());
    config.kafka.delivery_timeout_ms = 10_000;
    let publisher: Arc<dyn knooppunt_transport::publisher::Publisher> =
        Arc::new(KafkaPublisher::new(&config.kafka).unwrap());
    let app = start_with(config, Some(publisher), dir).await;
    let (status, body) = post(app.addr, valid().to_string()).await;
    assert_eq!(status, 202, "{body}");
}
