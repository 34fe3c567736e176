//! Apache Kafka for the tests and benches: one single-node KRaft broker (`tests/kafka/`).
//!
//! [`shared`] starts one broker for the whole test process, the first time a test asks for it,
//! and every test uses topics and consumer groups of its own. A test that stops the broker
//! takes one of its own with [`Broker::start`]. Either way the broker runs under
//! `tests/kafka/broker.sh`, which kills it when the test process ends.
//!
//! The broker's jars come from `tests/kafka/fetch.sh` (Maven Central, cached in
//! `~/.cache/knooppunt/`), or from `KNOOPPUNT_KAFKA_HOME`. With `KNOOPPUNT_TEST_KAFKA=host:port`
//! the tests use that broker instead of starting one. A broker that cannot be started or does
//! not answer fails the test with the reason; nothing is skipped.

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn kafka_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/kafka")
}

/// Where the broker's jars are: `KNOOPPUNT_KAFKA_HOME`, else what `fetch.sh` prints (it
/// fetches them the first time, from Maven Central).
fn kafka_home() -> PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        if let Some(home) = std::env::var_os("KNOOPPUNT_KAFKA_HOME") {
            return PathBuf::from(home);
        }
        let output = Command::new("bash")
            .arg(kafka_dir().join("fetch.sh"))
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("running tests/kafka/fetch.sh failed: {e}"));
        assert!(
            output.status.success(),
            "tests/kafka/fetch.sh could not fetch Apache Kafka ({}); run tests/run.sh, which \
             installs Java and Maven",
            output.status
        );
        PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
    })
    .clone()
}

/// A single-node Apache Kafka broker on free loopback ports.
pub struct Broker {
    child: Option<Child>,
    pub port: u16,
    controller_port: u16,
    pub dir: tempfile::TempDir,
}

/// The broker the whole test process shares (or the one `KNOOPPUNT_TEST_KAFKA` names).
pub fn shared_brokers() -> String {
    static SHARED: OnceLock<Result<Broker, String>> = OnceLock::new();
    if let Ok(external) = std::env::var("KNOOPPUNT_TEST_KAFKA") {
        return external;
    }
    // A panic inside the initialiser would poison nothing but leave later tests waiting for a
    // broker that never comes; keep the failure and report it to every test instead.
    match SHARED.get_or_init(|| {
        std::panic::catch_unwind(Broker::start).map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the test broker did not start".into())
        })
    }) {
        Ok(broker) => broker.brokers(),
        Err(reason) => panic!("{reason}"),
    }
}

impl Broker {
    /// Starts a broker of its own (formatted fresh), waits until it answers.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir for the broker");
        let mut broker = Broker {
            child: None,
            port: super::free_port(),
            controller_port: super::free_port(),
            dir,
        };
        broker.launch();
        broker
    }

    fn launch(&mut self) {
        let child = Command::new("bash")
            .arg(kafka_dir().join("broker.sh"))
            .arg(kafka_home())
            .arg(self.dir.path())
            .arg(self.port.to_string())
            .arg(self.controller_port.to_string())
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tests/kafka/broker.sh");
        self.child = Some(child);
        let started = Instant::now();
        let limit = Duration::from_secs(90);
        // One client waits inside each metadata request (librdkafka reconnects on its own,
        // every 100–500 ms) until the broker lists itself; nothing here sleeps.
        let client: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", self.brokers())
            .set("log_level", "0")
            .set("reconnect.backoff.ms", "100")
            .set("reconnect.backoff.max.ms", "500")
            .create()
            .expect("a metadata client");
        while !client
            .fetch_metadata(None, Duration::from_secs(2))
            .is_ok_and(|m| !m.brokers().is_empty())
        {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "Apache Kafka exited ({status}) before answering:\n{}",
                    self.log_tail()
                );
            }
            assert!(
                started.elapsed() < limit,
                "Apache Kafka did not answer on port {} within {limit:?}:\n{}",
                self.port,
                self.log_tail()
            );
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    pub fn brokers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Kills the broker (SIGKILL: no controlled shutdown); its storage stays.
    pub fn stop(&mut self) {
        if let Ok(pid) = std::fs::read_to_string(self.dir.path().join("broker.pid")) {
            let _ = Command::new("kill")
                .args(["-9", pid.trim()])
                .stderr(Stdio::null())
                .status();
        }
        if let Some(mut child) = self.child.take() {
            // The script ends once its broker is gone.
            let _ = child.wait();
        }
    }

    /// Starts the broker again on the same ports and storage; waits until it answers.
    pub fn resume(&mut self) {
        self.stop();
        self.launch();
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
    }
}
