//! Real services for tests: a fresh PostgreSQL database and a tansu Kafka broker per test.
//!
//! Neither is ever skipped: when PostgreSQL or the broker cannot be reached the test fails
//! with a message that says how to start it (`tests/run.sh` does all of it).
#![allow(dead_code)]

use knooppunt::config::{Config, TransportKind};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::ClientConfig;
use sqlx::{Connection, Executor, PgConnection};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tansu_binary() -> PathBuf {
    if let Ok(path) = std::env::var("TANSU_BIN") {
        return PathBuf::from(path);
    }
    let candidates = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("tansu"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let home = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tansu"));
    candidates
        .into_iter()
        .chain(home)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the tansu Kafka broker is not installed: run tests/run.sh, or \
                 `cargo install tansu --version 0.6.0 --locked --features libsql`"
            )
        })
}

/// A real Kafka-protocol broker (tansu, SQLite storage) on a free loopback port.
pub struct Broker {
    child: Option<Child>,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Broker {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir for the broker");
        let mut broker = Broker {
            child: None,
            port: free_port(),
            dir,
        };
        broker.launch();
        broker
    }

    fn launch(&mut self) {
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let log = std::fs::File::create(self.dir.path().join("tansu.log")).expect("broker log");
        let child = Command::new(tansu_binary())
            .arg("broker")
            .arg("--storage-engine")
            // tansu resolves the path against its working directory, also with a leading '/'.
            .arg("sqlite://tansu.db")
            .current_dir(self.dir.path())
            .arg("--listener-url")
            .arg(&url)
            .arg("--advertised-listener-url")
            .arg(&url)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start tansu");
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                let log =
                    std::fs::read_to_string(self.dir.path().join("tansu.log")).unwrap_or_default();
                panic!("tansu exited ({status}) before listening:\n{log}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "tansu did not listen on port {} within 30 s; see its log in {}",
                self.port,
                self.dir.path().display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Stops the broker abruptly and starts it again on the same storage.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Embedded configuration in a temporary directory, API on a free port.
/// The defaults, with the built-in register accepting sources it does not list (the tests
/// use many short source codes); installed for the in-process components too.
fn test_defaults() -> Config {
    let mut config = Config::load_with_env(None, Vec::new()).expect("defaults load");
    config.intake.register.unknown_sources = knooppunt_ingest::register::UnknownSources::Accept;
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
pub fn kafka_config(broker: &Broker, pg_url: &str) -> Config {
    let mut config = test_defaults();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    config.transport.kind = TransportKind::Kafka;
    config.kafka.brokers = broker.brokers();
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
    vec![
        ("KNOOPPUNT__TRANSPORT__KIND".into(), kind.into()),
        (
            "KNOOPPUNT__TRANSPORT__SPOOL".into(),
            config.transport.spool.display().to_string(),
        ),
        ("KNOOPPUNT__STORE__URL".into(), config.store.url.clone()),
        (
            "KNOOPPUNT__INTAKE__LISTEN".into(),
            config.intake.listen.clone(),
        ),
        (
            "KNOOPPUNT__KAFKA__BROKERS".into(),
            config.kafka.brokers.clone(),
        ),
        (
            "KNOOPPUNT__KAFKA__SIGNALS_TOPIC".into(),
            config.kafka.signals_topic.clone(),
        ),
        (
            "KNOOPPUNT__KAFKA__DEAD_LETTER_TOPIC".into(),
            config.kafka.dead_letter_topic.clone(),
        ),
        (
            "KNOOPPUNT__KAFKA__GROUP_ID".into(),
            config.kafka.group_id.clone(),
        ),
        (
            "KNOOPPUNT__ENGINE__BATCH_SIZE".into(),
            config.engine.batch_size.to_string(),
        ),
        (
            "KNOOPPUNT__INTAKE__REGISTER__UNKNOWN_SOURCES".into(),
            match config.intake.register.unknown_sources {
                knooppunt_ingest::register::UnknownSources::Refuse => "refuse",
                knooppunt_ingest::register::UnknownSources::Accept => "accept",
            }
            .into(),
        ),
    ]
}

/// A message read back from a topic: payload and headers as text.
#[derive(Debug)]
pub struct ReadBack {
    pub key: Option<String>,
    pub payload: String,
    pub headers: Vec<(String, String)>,
}

/// Reads `expected` messages from `topic` with a consumer of its own (fails after 30 s).
pub fn read_topic(brokers: &str, topic: &str, expected: usize) -> Vec<ReadBack> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set(
            "group.id",
            format!("reader-{}", uuid::Uuid::new_v4().simple()),
        )
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .expect("reader consumer");
    consumer.subscribe(&[topic]).expect("subscribe reader");
    let mut out = Vec::new();
    let started = Instant::now();
    while out.len() < expected {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "read {} of {expected} messages from {topic} in 30 s",
            out.len()
        );
        if let Some(message) = consumer.poll(Duration::from_millis(200)) {
            let message = message.expect("read message");
            let headers = message
                .headers()
                .map(|h| {
                    h.iter()
                        .map(|header| {
                            (
                                header.key.to_string(),
                                String::from_utf8_lossy(header.value.unwrap_or_default())
                                    .into_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(ReadBack {
                key: message
                    .key()
                    .map(|k| String::from_utf8_lossy(k).into_owned()),
                payload: String::from_utf8_lossy(message.payload().unwrap_or_default())
                    .into_owned(),
                headers,
            });
        }
    }
    out
}

/// Polls `check` every 50 ms until it returns true; fails after `limit`.
pub async fn eventually<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A signal as a partner would post it.
pub fn signal(id: &str, source: &str, area: &str, date: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "observed_on": date,
        "source": source,
        "area": area,
        "text": text,
    })
}

/// A broker, a fresh migrated PostgreSQL database, and a Kafka configuration for both, with
/// topics created.
pub struct KafkaStack {
    pub broker: Broker,
    pub pg: String,
    pub config: Config,
    pub store: knooppunt_rules::store::Store,
}

pub async fn kafka_stack() -> KafkaStack {
    let broker = Broker::start();
    let pg = fresh_pg_database().await;
    let config = kafka_config(&broker, &pg);
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

/// The real application in this process: the intake API and, optionally, the rules engine.
pub struct InProcess {
    pub addr: std::net::SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    intake: tokio::task::JoinHandle<anyhow::Result<()>>,
    engine: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

async fn stopped(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

impl InProcess {
    pub async fn start(config: &Config, store: &knooppunt_rules::store::Store) -> Self {
        let publisher = knooppunt::app::publisher(config).await.expect("publisher");
        let (stop, rx) = tokio::sync::watch::channel(false);
        let rules = knooppunt::app::load_rules(config).expect("rules");
        let intake =
            knooppunt::app::start_intake(config, publisher, store.clone(), rules, stopped(rx))
                .await
                .expect("start intake");
        Self {
            addr: intake.addr,
            stop,
            intake: intake.handle,
            engine: None,
        }
    }

    /// Starts the rules engine next to the intake.
    pub fn start_engine(&mut self, config: &Config, store: &knooppunt_rules::store::Store) {
        let (config, store) = (config.clone(), store.clone());
        let rules = knooppunt::app::load_rules(&config).expect("rules");
        let stop = stopped(self.stop.subscribe());
        self.engine = Some(tokio::spawn(async move {
            knooppunt::app::run_engine(&config, store, rules, stop).await
        }));
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Some(engine) = self.engine {
            engine.await.expect("engine task").expect("engine");
        }
        self.intake.await.expect("intake task").expect("intake");
    }
}

/// Starts the `knooppunt` binary with `args` and `env`, its log (at `level`) in `log`.
pub fn spawn_knooppunt(
    args: &[&str],
    env: &[(String, String)],
    log: &std::path::Path,
    level: &str,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_knooppunt"))
        .args(args)
        .envs(env.iter().cloned())
        .env("KNOOPPUNT_LOG", level)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("start knooppunt")
}

/// Waits until the API at `url` answers `/readyz` with 200 (fails after 30 s).
pub async fn wait_ready(url: &str) {
    let client = reqwest::Client::new();
    eventually("the API to be ready", Duration::from_secs(30), || async {
        client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
}

/// All cluster counts added up: equals the stored (signal, barrier) pairs when nothing is
/// counted twice.
pub async fn cluster_total(store: &knooppunt_rules::store::Store) -> i64 {
    store
        .clusters()
        .await
        .expect("clusters")
        .iter()
        .map(|c| c.signal_count)
        .sum()
}
