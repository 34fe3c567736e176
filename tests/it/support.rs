//! Real services for tests: a fresh PostgreSQL database per test and one Apache Kafka broker
//! for the whole run (topics and consumer groups unique per test).
//!
//! Neither is ever skipped: when PostgreSQL or the broker cannot be reached the test fails
//! with a message that says how to start it (`tests/run.sh` does all of it).
#![allow(dead_code)]

#[path = "kafka_broker.rs"]
mod kafka_broker;
#[allow(unused_imports)] // each bench uses what it needs
pub use kafka_broker::{shared_brokers, Broker};

use knooppunt::config::{Config, TransportKind};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::ClientConfig;
use sqlx::{Connection, Executor, PgConnection};
use std::net::TcpListener;
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

/// Polls `check` every 50 ms until it returns true; fails after `limit`, naming `what`.
/// The one way tests wait for work: never a sleep followed by an assertion.
pub async fn eventually(what: &str, limit: Duration, mut check: impl AsyncFnMut() -> bool) {
    eventually_ok(what, limit, async || {
        if check().await {
            Ok(())
        } else {
            Err("the condition still does not hold".to_string())
        }
    })
    .await
}

/// Polls `check` every 50 ms until it returns `Ok`, and returns its value; fails after
/// `limit`, naming `what` and what the last attempt found.
pub async fn eventually_ok<T>(
    what: &str,
    limit: Duration,
    mut check: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let started = Instant::now();
    loop {
        match check().await {
            Ok(value) => return value,
            Err(found) => assert!(
                started.elapsed() < limit,
                "timed out after {limit:?} waiting for {what}: {found}"
            ),
        }
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

/// The shared broker's address, a fresh migrated PostgreSQL database, and a Kafka configuration
/// for both, with topics created.
pub struct KafkaStack {
    pub broker: String,
    pub pg: String,
    pub config: Config,
    pub store: knooppunt_rules::store::Store,
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

/// Per partition of `topic`: the offsets `group` has committed (absent: none yet) and the end
/// of the partition (its high watermark), as the broker has them now.
pub async fn group_progress(
    brokers: &str,
    group: &str,
    topic: &str,
) -> (
    std::collections::BTreeMap<i32, i64>,
    std::collections::BTreeMap<i32, i64>,
) {
    let (brokers, group, topic) = (brokers.to_string(), group.to_string(), topic.to_string());
    tokio::task::spawn_blocking(move || {
        // Not subscribed: it asks the group coordinator without joining the group.
        let client: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &brokers)
            .set("group.id", &group)
            .set("enable.auto.commit", "false")
            .create()
            .expect("offset reader");
        let timeout = Duration::from_secs(10);
        let metadata = client
            .fetch_metadata(Some(&topic), timeout)
            .expect("topic metadata");
        let partitions: Vec<i32> = metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect();
        let mut list = rdkafka::TopicPartitionList::new();
        let mut ends = std::collections::BTreeMap::new();
        for &partition in &partitions {
            list.add_partition(&topic, partition);
            let (_, high) = client
                .fetch_watermarks(&topic, partition, timeout)
                .expect("watermarks");
            ends.insert(partition, high);
        }
        let committed = client
            .committed_offsets(list, timeout)
            .expect("committed offsets")
            .elements()
            .iter()
            .filter_map(|e| match e.offset() {
                rdkafka::Offset::Offset(o) => Some((e.partition(), o)),
                _ => None,
            })
            .collect();
        (committed, ends)
    })
    .await
    .expect("offset reader task")
}

/// Waits until `group` has committed every message of `topic`, i.e. the engine has handled
/// all there is (fails after `limit`).
pub async fn wait_committed_to_end(brokers: &str, group: &str, topic: &str, limit: Duration) {
    let what = format!("group {group} to commit to the end of {topic}");
    eventually_ok(&what, limit, async || {
        let (committed, ends) = group_progress(brokers, group, topic).await;
        let done = ends
            .iter()
            .all(|(p, end)| *end == 0 || committed.get(p) == Some(end));
        if done {
            Ok(())
        } else {
            Err(format!("committed {committed:?}, ends {ends:?}"))
        }
    })
    .await
}

/// A PostgreSQL server of one test's own (initdb into a temporary directory, a free port,
/// trust on loopback), which the test can stop and start again. PostgreSQL refuses to run as
/// root, so under root it runs as the `postgres` user.
pub struct OwnPostgres {
    dir: std::path::PathBuf,
    bin: std::path::PathBuf,
    pub port: u16,
}

fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl OwnPostgres {
    /// The newest `/usr/lib/postgresql/<version>/bin` with `initdb`.
    fn bin_dir() -> std::path::PathBuf {
        let mut versions: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .filter_map(|e| {
                        let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
                        let bin = e.path().join("bin");
                        bin.join("initdb").is_file().then_some((version, bin))
                    })
                    .collect()
            })
            .unwrap_or_default();
        versions.sort();
        versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
            panic!("no PostgreSQL server binaries in /usr/lib/postgresql: run tests/run.sh")
        })
    }

    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let program = self.bin.join(tool);
        let output = if as_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
        output.unwrap_or_else(|e| panic!("running {}: {e}", program.display()))
    }

    pub fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("kp-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("PostgreSQL directory");
        let server = Self {
            bin: Self::bin_dir(),
            port: free_port(),
            dir,
        };
        if as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&server.dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of {}", server.dir.display());
        }
        let data = server.dir.join("data").display().to_string();
        let out = server.run(
            "initdb",
            &["-D", &data, "-U", "postgres", "-A", "trust", "--no-sync"],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        server.resume();
        server
    }

    /// Starts the server (again) on its port and data; waits until it accepts connections.
    pub fn resume(&self) {
        let data = self.dir.join("data").display().to_string();
        let log = self.dir.join("server.log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let out = self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server at once (`immediate`: no checkpoint, as a crash would).
    pub fn stop(&self) {
        let data = self.dir.join("data").display().to_string();
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }

    /// A fresh database on this server; its URL.
    pub async fn database(&self) -> String {
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        let mut conn = PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("the test's own PostgreSQL at {admin}: {e}"));
        conn.execute("CREATE DATABASE knooppunt")
            .await
            .expect("create database");
        format!("postgres://postgres@127.0.0.1:{}/knooppunt", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
