//! The embedded spool's settings: where its file is (`transport.spool`) and how it is used.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the spool adapter is configured with. Only `path` comes from the configuration
/// file (`[transport] spool`); the rest are the adapter's tuned defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpoolSettings {
    /// The spool's SQLite file; its directory is created when missing.
    pub path: PathBuf,
    /// Connections that read, acknowledge and dead-letter (the group-commit writer has its own).
    pub readers: u32,
    /// How long a statement waits for a lock held by another connection.
    pub busy_timeout: Duration,
    /// Most rows one group commit writes; the rest waits for the next.
    pub max_group_rows: usize,
    /// Batches that may wait for the group-commit writer before publishers wait too.
    pub queue_depth: usize,
    /// How long the engine waits (at most) before it looks again when the spool was empty.
    pub poll: Duration,
}

impl SpoolSettings {
    /// The spool at `path`, with the adapter's defaults.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            readers: 4,
            busy_timeout: Duration::from_secs(10),
            max_group_rows: 5_000,
            queue_depth: 1024,
            poll: Duration::from_millis(50),
        }
    }
}

impl From<&Path> for SpoolSettings {
    fn from(path: &Path) -> Self {
        Self::new(path)
    }
}
