//! `deploy/compose.yaml`: Apache Kafka of the tests' major version as a three-node KRaft
//! cluster with replication factor 3 and `min.insync.replicas` 2, Knooppunt reading
//! `deploy/kafka-postgres.toml`, and healthchecks that really ask `/healthz` and `/readyz`.

use crate::support::{embedded_config, free_port};
use knooppunt::app;
use knooppunt::config::{Config, TransportKind};
use serde_norway::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The Apache Kafka major version the test suite runs against.
const KAFKA_MAJOR: u32 = 4;

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

/// The compose file with its `<<` merge keys resolved, as Compose reads it.
fn compose() -> Value {
    let text = std::fs::read_to_string(deploy().join("compose.yaml")).unwrap();
    let mut value: Value = serde_norway::from_str(&text).expect("compose.yaml is YAML");
    value.apply_merge().expect("merge keys");
    value
}

fn services(compose: &Value) -> BTreeMap<String, Value> {
    compose["services"]
        .as_mapping()
        .expect("services")
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v.clone()))
        .collect()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

fn env(service: &Value) -> BTreeMap<String, String> {
    service["environment"]
        .as_mapping()
        .expect("environment as a mapping")
        .iter()
        .map(|(k, v)| (text(k), text(v)))
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_sequence()
        .unwrap_or_else(|| panic!("not a list: {value:?}"))
        .iter()
        .map(text)
        .collect()
}

fn kafka_nodes(services: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    services
        .iter()
        .filter(|(_, s)| {
            s["image"]
                .as_str()
                .is_some_and(|i| i.starts_with("apache/kafka:"))
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The services built from this repository, with the configuration each one runs with.
fn knooppunt_services(services: &BTreeMap<String, Value>) -> BTreeMap<String, (Value, Config)> {
    let mut found = BTreeMap::new();
    for (name, service) in services.iter().filter(|(_, s)| s.get("build").is_some()) {
        let vars = env(service);
        let config_path = &vars["KNOOPPUNT_CONFIG"];
        let mounts = strings(&service["volumes"]);
        let mount = format!("./kafka-postgres.toml:{config_path}:ro");
        assert!(mounts.contains(&mount), "{name}: {mounts:?} lacks {mount}");
        let knooppunt_vars = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("KNOOPPUNT__"));
        let file = deploy().join("kafka-postgres.toml");
        let config = Config::load_with_env(Some(&file), knooppunt_vars)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        found.insert(name.clone(), (service.clone(), config));
    }
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        ["engine", "intake", "migrate"]
    );
    found
}

#[test]
fn kafka_is_a_three_node_kraft_cluster_of_the_tested_major_version() {
    let services = services(&compose());
    let nodes = kafka_nodes(&services);
    assert_eq!(
        nodes.len(),
        3,
        "three brokers, so that RF 3 and min ISR 2 are real"
    );
    let mut node_ids = Vec::new();
    let voters: Vec<String> = nodes.keys().map(|n| format!("@{n}:9093")).collect();
    for (name, node) in &nodes {
        let image = node["image"].as_str().unwrap();
        let version = image.rsplit_once(':').unwrap().1;
        let major: u32 = version.split('.').next().unwrap().parse().unwrap();
        assert_eq!(major, KAFKA_MAJOR, "{name}: {image}");
        assert!(node.get("healthcheck").is_some(), "{name}: no healthcheck");

        let e = env(node);
        assert_eq!(
            e["KAFKA_PROCESS_ROLES"], "broker,controller",
            "{name}: KRaft"
        );
        let quorum = &e["KAFKA_CONTROLLER_QUORUM_VOTERS"];
        for voter in &voters {
            assert!(
                quorum.contains(voter.as_str()),
                "{name}: {quorum} lacks {voter}"
            );
        }
        assert_eq!(
            e["KAFKA_ADVERTISED_LISTENERS"],
            format!("PLAINTEXT://{name}:9092")
        );
        node_ids.push(e["KAFKA_NODE_ID"].clone());
        for (key, value) in [
            ("KAFKA_DEFAULT_REPLICATION_FACTOR", "3"),
            ("KAFKA_MIN_INSYNC_REPLICAS", "2"),
            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3"),
            ("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3"),
            ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2"),
            ("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"),
            ("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE", "false"),
        ] {
            assert_eq!(e.get(key).map(String::as_str), Some(value), "{name}: {key}");
        }
        // Data on a volume of its own, where the broker writes it.
        let data = format!("{name}-data:{}", e["KAFKA_LOG_DIRS"]);
        assert_eq!(strings(&node["volumes"]), [data], "{name}");
    }
    node_ids.sort();
    node_ids.dedup();
    assert_eq!(node_ids.len(), 3, "distinct node ids");
}

#[test]
fn knooppunt_creates_topics_with_rf_3_min_isr_2_and_explicit_retention() {
    let compose = compose();
    let services = services(&compose);
    let nodes = kafka_nodes(&services);
    let advertised: Vec<String> = nodes
        .values()
        .map(|n| env(n)["KAFKA_ADVERTISED_LISTENERS"].replace("PLAINTEXT://", ""))
        .collect();
    for (name, (service, config)) in knooppunt_services(&services) {
        assert_eq!(config.transport.kind, TransportKind::Kafka, "{name}");
        let k = &config.kafka;
        assert_eq!(
            (k.replication_factor, k.min_insync_replicas),
            (3, 2),
            "{name}"
        );
        assert!(k.replication_factor as usize <= nodes.len());
        let brokers: Vec<String> = k.brokers.split(',').map(str::to_string).collect();
        assert_eq!(brokers, advertised, "{name}: every broker, as advertised");
        assert!(config.store.url.contains("@postgres:5432/"), "{name}");
        assert_eq!(strings(&service["command"]), [name.as_str()]);
        // Hardened like the Kubernetes pods.
        assert_eq!(service["read_only"], Value::Bool(true), "{name}");
        assert_eq!(strings(&service["cap_drop"]), ["ALL"], "{name}");

        let depends = service["depends_on"].as_mapping().expect("depends_on");
        let condition = |on: &str| depends.get(on).map(|d| text(&d["condition"]));
        if name == "migrate" {
            for node in nodes.keys().map(String::as_str).chain(["postgres"]) {
                assert_eq!(
                    condition(node).as_deref(),
                    Some("service_healthy"),
                    "{node}"
                );
            }
        } else {
            assert_eq!(
                condition("migrate").as_deref(),
                Some("service_completed_successfully"),
                "{name}"
            );
        }
    }
    // Retention is set in the file, not inherited from the built-in defaults.
    let toml: toml::Table = std::fs::read_to_string(deploy().join("kafka-postgres.toml"))
        .unwrap()
        .parse()
        .unwrap();
    for key in [
        "retention_ms",
        "dead_letter_retention_ms",
        "min_insync_replicas",
    ] {
        assert!(toml["kafka"].get(key).is_some(), "kafka.{key} not set");
    }
}

/// The healthcheck of a service as the shell command Compose runs (`$$` is Compose's `$`).
fn healthcheck(service: &Value) -> (String, Vec<String>) {
    let test = strings(&service["healthcheck"]["test"]);
    assert_eq!(&test[..3], ["CMD", "bash", "-c"]);
    (test[3].replace("$$", "$"), test)
}

/// The port of a listen address (`host:port`).
fn port(listen: &str) -> &str {
    listen.rsplit(':').next().unwrap()
}

#[test]
fn intake_and_engine_healthchecks_ask_healthz_and_readyz_on_their_ports() {
    let services = services(&compose());
    assert!(services["postgres"].get("healthcheck").is_some());
    let knooppunt = knooppunt_services(&services);
    let (intake, intake_config) = &knooppunt["intake"];
    let (command, _) = healthcheck(intake);
    // On the operations listener (web.ops_listen), which deploy/kafka-postgres.toml sets.
    let ops = port(&intake_config.web.ops_listen);
    for needed in ["/healthz", "/readyz", &format!("/127.0.0.1/{ops}")] {
        assert!(
            command.contains(needed),
            "intake healthcheck lacks {needed}: {command}"
        );
    }
    let (engine, engine_config) = &knooppunt["engine"];
    let (command, _) = healthcheck(engine);
    let metrics = port(&engine_config.engine.metrics_listen);
    for needed in ["/healthz", &format!("/127.0.0.1/{metrics}")] {
        assert!(
            command.contains(needed),
            "engine healthcheck lacks {needed}: {command}"
        );
    }
}

/// Runs a healthcheck command with its port replaced; true when it exits 0.
fn run_check(command: &str, from_port: &str, to_port: u16) -> bool {
    let command = command.replace(&format!("/{from_port}"), &format!("/{to_port}"));
    std::process::Command::new("bash")
        .args(["-c", &command])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("bash")
        .success()
}

#[tokio::test]
async fn the_healthcheck_commands_pass_on_a_ready_process_and_fail_otherwise() {
    let services = services(&compose());
    let knooppunt = knooppunt_services(&services);
    let (intake_check, _) = healthcheck(&knooppunt["intake"].0);
    let (engine_check, _) = healthcheck(&knooppunt["engine"].0);
    let dir = tempfile::tempdir().unwrap();

    // A ready intake (embedded transport, SQLite) passes; one whose Kafka does not answer
    // is alive (/healthz) but not ready (/readyz), and fails.
    let mut ready = embedded_config(dir.path());
    ready.web.ops_listen = "127.0.0.1:0".into();
    let mut unready = ready.clone();
    unready.transport.kind = TransportKind::Kafka;
    unready.kafka.brokers = format!("127.0.0.1:{}", free_port());
    for (config, passes) in [(ready, true), (unready, false)] {
        let store = app::open_store(&config).await.unwrap();
        let publisher = app::publisher(&config).await.unwrap();
        let rules = app::load_rules(&config).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let intake = app::start_intake(&config, publisher, store, rules, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
        let port = intake.ops_addr.expect("operations listener").port();
        let check = intake_check.clone();
        let passed = tokio::task::spawn_blocking(move || run_check(&check, "9464", port))
            .await
            .unwrap();
        assert_eq!(
            passed, passes,
            "intake healthcheck, transport {:?}",
            config.transport.kind
        );
        let _ = stop.send(());
        intake.handle.await.unwrap().unwrap();
    }

    // The engine's metrics listener passes; a port where nothing listens fails.
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics = app::start_engine_metrics("127.0.0.1:0", async move {
        let _ = stopped.await;
    })
    .await
    .unwrap();
    let port = metrics.addr.port();
    let closed = free_port();
    let passed = tokio::task::spawn_blocking(move || {
        (
            run_check(&engine_check, "9091", port),
            run_check(&engine_check, "9091", closed),
        )
    })
    .await
    .unwrap();
    assert_eq!(passed, (true, false));
    let _ = stop.send(());
    metrics.handle.await.unwrap().unwrap();
}

/// `knooppunt migrate`'s topic creation on the test broker: partitions, replication factor,
/// `min.insync.replicas` and `retention.ms` as configured, and a second run leaves them be.
#[tokio::test]
async fn migrate_creates_topics_with_the_configured_min_isr_and_retention() {
    use rdkafka::admin::{AdminClient, AdminOptions, ResourceSpecifier};
    use rdkafka::client::DefaultClientContext;

    let stack = crate::support::kafka_stack().await;
    let mut kafka = stack.config.kafka.clone();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    kafka.signals_topic = format!("signals-{unique}");
    kafka.dead_letter_topic = format!("dlq-{unique}");
    kafka.partitions = 4;
    kafka.replication_factor = 1; // one test broker
    kafka.min_insync_replicas = 1;
    kafka.retention_ms = 2 * 86_400_000;
    kafka.dead_letter_retention_ms = 3 * 86_400_000;
    kafka.ensure_topics().await.expect("create topics");
    kafka.ensure_topics().await.expect("a second run is fine");

    let admin: AdminClient<DefaultClientContext> = kafka.client_config().create().unwrap();
    let options = AdminOptions::new().request_timeout(Some(std::time::Duration::from_secs(10)));
    for (topic, partitions, retention) in [
        (&kafka.signals_topic, 4, "172800000"),
        (&kafka.dead_letter_topic, 1, "259200000"),
    ] {
        let described = admin
            .describe_configs(&[ResourceSpecifier::Topic(topic)], &options)
            .await
            .expect("describe configs");
        let resource = described[0].as_ref().expect("topic configs");
        let value = |key: &str| {
            resource
                .get(key)
                .and_then(|entry| entry.value.clone())
                .unwrap_or_else(|| panic!("{topic}: no {key}"))
        };
        assert_eq!(value("retention.ms"), retention, "{topic}");
        assert_eq!(value("min.insync.replicas"), "1", "{topic}");
        assert_eq!(value("cleanup.policy"), "delete", "{topic}");
        let metadata = admin
            .inner()
            .fetch_metadata(Some(topic), std::time::Duration::from_secs(10))
            .expect("metadata");
        assert_eq!(
            metadata.topics()[0].partitions().len(),
            partitions,
            "{topic}"
        );
    }
}
