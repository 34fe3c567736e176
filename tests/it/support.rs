//! Real services for tests: a fresh PostgreSQL database per test and one Apache Kafka broker
//! for the whole run (topics and consumer groups unique per test).
//!
//! Neither is ever skipped: when PostgreSQL or the broker cannot be reached the test fails
//! with a message that says how to start it (`tests/run.sh` does all of it).
//!
//! This file holds the configurations and stores; `support/` the rest, one concern a file:
//! waiting for work (`wait.rs`), reading the broker (`kafka.rs`), the application in process
//! or as the binary (`process.rs`), signals as posted and as classified (`signals.rs`), a
//! PostgreSQL server of a test's own (`postgres.rs`), the review website with its accounts and
//! a browser-like client (`site.rs`), real Chromium over WebDriver (`browser.rs`). The bench
//! binaries include this file too (`#[path]`), hence the `allow`s.
#![allow(dead_code)]

#[path = "support/browser.rs"]
mod browser;
#[path = "support/kafka.rs"]
mod kafka;
#[path = "kafka_broker.rs"]
mod kafka_broker;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/process.rs"]
mod process;
#[path = "support/signals.rs"]
mod signals;
#[path = "support/site.rs"]
mod site;
#[path = "support/wait.rs"]
mod wait;
#[path = "support/wijken.rs"]
mod wijken;
#[allow(unused_imports)] // each bench uses what it needs
pub use browser::*;
#[allow(unused_imports)]
pub use kafka::*;
#[allow(unused_imports)]
pub use kafka_broker::{shared_brokers, Broker};
#[allow(unused_imports)]
pub use postgres::*;
#[allow(unused_imports)]
pub use process::*;
#[allow(unused_imports)]
pub use signals::*;
#[allow(unused_imports)]
pub use site::*;
#[allow(unused_imports)]
pub use wait::*;
#[allow(unused_imports)]
pub use wijken::*;

use knooppunt::config::{Config, TransportKind};
use sqlx::{Connection, Executor, PgConnection};
use std::net::TcpListener;

/// The Dutch days (`dd-mm-jjjj`) from `since` to today: what a page may show as the day of
/// something done since (two when the test ran past midnight in Amsterdam).
pub fn dutch_days_since(since: chrono::NaiveDate) -> Vec<String> {
    let today = knooppunt_ingest::today_nl();
    since
        .iter_days()
        .take_while(|day| *day <= today)
        .map(knooppunt_reports::dutch::date)
        .collect()
}

/// The PostgreSQL server the tests use (trust auth), overridable with `KNOOPPUNT_TEST_PG`.
pub fn pg_admin_url() -> String {
    std::env::var("KNOOPPUNT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates an empty database with a random name and returns its URL.
pub async fn fresh_pg_database() -> String {
    let admin = pg_admin_url();
    let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is not reachable at {admin}: {e}. Start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
             or run the suite through tests/run.sh"
        )
    });
    let name = format!("kp_test_{}", uuid::Uuid::new_v4().simple());
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// A store on a fresh SQLite file, which lives as long as the returned directory.
pub async fn sqlite_store() -> (tempfile::TempDir, knooppunt_store::Store) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let store = knooppunt_store::Store::connect(&url, 4)
        .await
        .expect("open SQLite store");
    (dir, store)
}

/// A store on a fresh, migrated PostgreSQL database.
pub async fn pg_store() -> knooppunt_store::Store {
    let store = knooppunt_store::Store::connect(&fresh_pg_database().await, 4)
        .await
        .expect("open PostgreSQL store");
    store.migrate().await.expect("migrate");
    store
}

/// Two tests that run `suite(store)`, one on SQLite and one on PostgreSQL:
/// `on_both_backends!(label_suite: labels_on_sqlite, labels_on_postgres);`
#[allow(unused_macros)] // the benches include this file too
macro_rules! on_both_backends {
    ($suite:ident: $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            let (_dir, store) = $crate::support::sqlite_store().await;
            $suite(store).await;
        }

        #[tokio::test]
        async fn $postgres() {
            $suite($crate::support::pg_store().await).await;
        }
    };
}
#[allow(unused_imports)]
pub(crate) use on_both_backends;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Embedded configuration in a temporary directory, API on a free port.
/// The defaults, with the built-in register accepting sources it does not list (the tests
/// use many short source codes); installed for the in-process components too.
fn test_defaults() -> Config {
    let mut config = Config::load_with_env(None, Vec::new()).expect("defaults load");
    config.intake.register.unknown_sources = knooppunt_domain::register::UnknownSources::Accept;
    knooppunt::app::install_register(&config).expect("the built-in register loads");
    config
}

pub fn embedded_config(dir: &std::path::Path) -> Config {
    let mut config = test_defaults();
    config.transport.spool = dir.join("spool.db");
    config.store.url = format!("sqlite://{}", dir.join("knooppunt.db").display());
    config.intake.listen = "127.0.0.1:0".into();
    config
}

/// Kafka + PostgreSQL configuration with topics and group unique to this test.
pub fn kafka_config(brokers: &str, pg_url: &str) -> Config {
    let mut config = test_defaults();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    config.transport.kind = TransportKind::Kafka;
    config.kafka.brokers = brokers.to_string();
    config.kafka.signals_topic = format!("signals-{unique}");
    config.kafka.dead_letter_topic = format!("dlq-{unique}");
    config.kafka.group_id = format!("rules-{unique}");
    config.kafka.partitions = 3;
    config.kafka.delivery_timeout_ms = 10_000;
    config.store.url = pg_url.to_string();
    config.intake.listen = "127.0.0.1:0".into();
    config
}

/// Environment variables that give a child `knooppunt` process this configuration.
pub fn config_env(config: &Config) -> Vec<(String, String)> {
    let kind = match config.transport.kind {
        TransportKind::Embedded => "embedded",
        TransportKind::Kafka => "kafka",
    };
    let unknown_sources = match config.intake.register.unknown_sources {
        knooppunt_domain::register::UnknownSources::Refuse => "refuse",
        knooppunt_domain::register::UnknownSources::Accept => "accept",
    };
    let kafka = &config.kafka;
    [
        ("TRANSPORT__KIND", kind.to_string()),
        (
            "TRANSPORT__SPOOL",
            config.transport.spool.display().to_string(),
        ),
        ("STORE__URL", config.store.url.clone()),
        ("INTAKE__LISTEN", config.intake.listen.clone()),
        ("KAFKA__BROKERS", kafka.brokers.clone()),
        ("KAFKA__SIGNALS_TOPIC", kafka.signals_topic.clone()),
        ("KAFKA__DEAD_LETTER_TOPIC", kafka.dead_letter_topic.clone()),
        ("KAFKA__GROUP_ID", kafka.group_id.clone()),
        ("ENGINE__BATCH_SIZE", config.engine.batch_size.to_string()),
        (
            "INTAKE__REGISTER__UNKNOWN_SOURCES",
            unknown_sources.to_string(),
        ),
    ]
    .into_iter()
    .map(|(key, value)| (format!("KNOOPPUNT__{key}"), value))
    .collect()
}

/// The shared broker's address, a fresh migrated PostgreSQL database, and a Kafka configuration
/// for both, with topics created.
pub struct KafkaStack {
    pub broker: String,
    pub pg: String,
    pub config: Config,
    pub store: knooppunt_store::Store,
}

pub async fn kafka_stack() -> KafkaStack {
    kafka_stack_with_partitions(3).await
}

/// As [`kafka_stack`], with a signals topic of `partitions` partitions.
pub async fn kafka_stack_with_partitions(partitions: i32) -> KafkaStack {
    let broker = tokio::task::spawn_blocking(shared_brokers)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let pg = fresh_pg_database().await;
    kafka_stack_on(broker, pg, partitions).await
}

/// A Kafka configuration for `broker` and the (empty) database `pg`, the database migrated
/// and the topics created, the signals topic with `partitions` partitions.
pub async fn kafka_stack_on(broker: String, pg: String, partitions: i32) -> KafkaStack {
    let mut config = kafka_config(&broker, &pg);
    config.kafka.partitions = partitions;
    let store = knooppunt::app::open_store(&config)
        .await
        .expect("open store");
    store.migrate().await.expect("migrate");
    config.kafka.ensure_topics().await.expect("create topics");
    KafkaStack {
        broker,
        pg,
        config,
        store,
    }
}

/// All cluster counts added up: equals the stored (signal, barrier) pairs when nothing is
/// counted twice.
pub async fn cluster_total(store: &knooppunt_store::Store) -> i64 {
    store
        .clusters()
        .await
        .expect("clusters")
        .iter()
        .map(|c| c.signal_count)
        .sum()
}
