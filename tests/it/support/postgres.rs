//! A PostgreSQL server of one test's own, which the test can stop and start again.

use super::free_port;
use sqlx::{Connection, Executor, PgConnection};
use std::process::Command;

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
