//! Benches that run the `knooppunt` binary as a user does, optionally side by side with
//! another build of it (`--baseline PATH`), interleaved run by run so both meet the same
//! machine load.

use super::{listed, median};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The value after `--name`, as text.
pub fn arg_text(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The builds to compare: `("new", this build)` and, with `--baseline PATH`,
/// `("baseline", PATH)` first.
pub fn builds() -> Vec<(&'static str, PathBuf)> {
    let mut builds = Vec::new();
    if let Some(path) = arg_text("--baseline") {
        builds.push(("baseline", PathBuf::from(path)));
    }
    builds.push(("new", PathBuf::from(env!("CARGO_BIN_EXE_knooppunt"))));
    builds
}

/// CPU seconds (user + system) of this process's children that have ended so far.
pub fn children_cpu() -> f64 {
    // SAFETY: an all-zero rusage is a valid value, filled in by getrusage.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_CHILDREN with a valid pointer to an rusage.
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(done, 0, "getrusage");
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The embedded defaults in `dir`: spool and store files there, the API on `port`.
pub fn embedded_env(dir: &Path, port: u16) -> Vec<(String, String)> {
    vec![
        ("KNOOPPUNT__TRANSPORT__KIND".into(), "embedded".into()),
        (
            "KNOOPPUNT__TRANSPORT__SPOOL".into(),
            dir.join("spool.db").display().to_string(),
        ),
        (
            "KNOOPPUNT__STORE__URL".into(),
            format!("sqlite://{}", dir.join("knooppunt.db").display()),
        ),
        (
            "KNOOPPUNT__INTAKE__LISTEN".into(),
            format!("127.0.0.1:{port}"),
        ),
    ]
}

/// A running `knooppunt serve`, killed when dropped.
pub struct Serve {
    child: Child,
    pub url: String,
}

impl Serve {
    /// Starts `serve` of `binary` on the embedded defaults in `dir` and waits until it is ready.
    pub async fn start(binary: &Path, dir: &Path) -> Self {
        let port = free_port();
        let child = Command::new(binary)
            .arg("serve")
            .envs(embedded_env(dir, port))
            .env("KNOOPPUNT_LOG", "warn")
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("serve.log")).expect("log file"))
            .spawn()
            .expect("start knooppunt serve");
        let serve = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let ready = client
                .get(format!("{}/readyz", serve.url))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "serve did not become ready; see {}",
                dir.join("serve.log").display()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        serve
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prints per build the median of `values` (one per run) and, with a baseline, the median of
/// the per-run ratios new/baseline (runs were interleaved, so each pair met the same load).
pub fn report(what: &str, unit: &str, values: &[(&str, Vec<f64>)]) {
    for (build, runs) in values {
        println!(
            "{what:<44} {build:<8} median {:>10.1} {unit}  (runs: {})",
            median(runs.clone()),
            listed(runs, 1)
        );
    }
    if let [(_, base), (_, new)] = values {
        let ratios: Vec<f64> = new.iter().zip(base).map(|(n, b)| n / b).collect();
        println!(
            "{what:<44} new/baseline median ratio {:.2} (pairs: {})",
            median(ratios.clone()),
            listed(&ratios, 2)
        );
    }
}
