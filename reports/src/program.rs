//! Running a helper program that writes a PDF (Chromium, which prints): started with a time
//! limit, killed when it overstays, and reported with the tail of its log.

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A helper program that did not deliver: it could not start, took too long, or failed.
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    #[error("'{binary}' kon niet worden gestart: {source}")]
    Start {
        binary: String,
        source: std::io::Error,
    },
    #[error("'{binary}' gaf binnen de tijdslimiet van {seconds} s geen {makes} en is gestopt")]
    Timeout {
        binary: String,
        makes: &'static str,
        seconds: u64,
    },
    #[error("'{binary}' stopte met {status} zonder {makes} te maken: {log}")]
    Failed {
        binary: String,
        makes: &'static str,
        status: String,
        log: String,
    },
}

/// One run of a helper program: what it is called, what it makes ("PDF", "PDF/A") in
/// `output`, where its log goes (the last `log_lines` lines are quoted on failure) and how
/// long it may take.
pub(crate) struct Run<'a> {
    pub binary: &'a str,
    pub makes: &'static str,
    pub output: &'a Path,
    pub log: &'a Path,
    pub log_lines: usize,
    pub timeout: Duration,
}

impl Run<'_> {
    /// Starts `command` (stdin closed; its stdout and stderr as the caller set them up) and
    /// waits for it; a failed exit is an error. Returns the exit status and whether `output`
    /// is now a PDF.
    pub(crate) fn run(&self, command: &mut Command) -> Result<(ExitStatus, bool), ProgramError> {
        let mut child = command
            .stdin(Stdio::null())
            .spawn()
            .map_err(|source| self.start(source))?;
        let status = match wait_or_kill(&mut child, self.timeout) {
            Ok(status) => status,
            Err(Waited::TimedOut) => {
                return Err(ProgramError::Timeout {
                    binary: self.binary.to_string(),
                    makes: self.makes,
                    seconds: self.timeout.as_secs(),
                })
            }
            Err(Waited::Failed(source)) => return Err(self.start(source)),
        };
        if !status.success() {
            return Err(self.failed(status));
        }
        let is_pdf = std::fs::read(self.output)
            .map(|bytes| bytes.starts_with(b"%PDF"))
            .unwrap_or(false);
        Ok((status, is_pdf))
    }

    /// The program could not be started (or its log not opened).
    fn start(&self, source: std::io::Error) -> ProgramError {
        ProgramError::Start {
            binary: self.binary.to_string(),
            source,
        }
    }

    /// The program ended with `status` without making its output, with its log's last lines.
    pub(crate) fn failed(&self, status: ExitStatus) -> ProgramError {
        let text = std::fs::read_to_string(self.log).unwrap_or_default();
        let mut tail: Vec<&str> = text.lines().rev().take(self.log_lines).collect();
        tail.reverse();
        ProgramError::Failed {
            binary: self.binary.to_string(),
            makes: self.makes,
            status: status.to_string(),
            log: tail.join(" | "),
        }
    }
}

/// How waiting for a child process with a time limit ended, when it did not exit by itself.
enum Waited {
    TimedOut,
    Failed(std::io::Error),
}

/// Waits for `child` up to `timeout`; a child that overstays, or cannot be waited for, is
/// killed and reaped.
fn wait_or_kill(
    child: &mut std::process::Child,
    timeout: Duration,
) -> Result<std::process::ExitStatus, Waited> {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(50))
            }
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(match outcome {
                    Err(source) => Waited::Failed(source),
                    _ => Waited::TimedOut,
                });
            }
        }
    }
}
