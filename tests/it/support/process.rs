//! The application under test: in this process ([`InProcess`]) or as the `knooppunt` binary,
//! and its API as a partner calls it. The intake bench includes this file too (`#[path]`).

use knooppunt::config::Config;
use std::process::{Child, Command, Stdio};

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
    pub async fn start(config: &Config, store: &knooppunt_store::Store) -> Self {
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
    pub fn start_engine(&mut self, config: &Config, store: &knooppunt_store::Store) {
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

/// The `knooppunt` binary as a command: warnings only in its log, and the register accepting
/// the short source codes the tests use.
pub fn knooppunt_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_knooppunt"));
    command.env("KNOOPPUNT_LOG", "warn");
    command.env("KNOOPPUNT__INTAKE__REGISTER__UNKNOWN_SOURCES", "accept");
    command
}

/// Runs `command` to its end and fails, showing its arguments and error output, unless it
/// succeeded.
pub fn run_ok(command: &mut Command) -> std::process::Output {
    let output = command.output().expect("run knooppunt");
    assert!(
        output.status.success(),
        "{:?}: {}",
        command.get_args().collect::<Vec<_>>(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Asserts the command behind `output` failed and said `phrase` on its error output; that
/// error output.
pub fn assert_failed_with(output: &std::process::Output, phrase: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "succeeded: {stderr}");
    assert!(stderr.contains(phrase), "{phrase:?} not in: {stderr}");
    stderr
}

/// POSTs `body` to `{base}/api/v1/signals` as JSON; the answer's status and text.
pub async fn post_signals(base: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
    post_signals_with(&reqwest::Client::new(), base, body).await
}

/// [`post_signals`] with `client` (the intake bench keeps its connections).
pub async fn post_signals_with(
    client: &reqwest::Client,
    base: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, String) {
    let response = client
        .post(format!("{base}/api/v1/signals"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("post signals");
    let status = response.status().as_u16();
    (status, response.text().await.expect("the answer's body"))
}

/// GETs `url`; the answer's text.
pub async fn get_text(url: &str) -> String {
    let response = reqwest::get(url).await.expect("get");
    response.text().await.expect("the answer's body")
}
