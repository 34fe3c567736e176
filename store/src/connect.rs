//! Connecting: the backend a URL names, the pool, migrating it, and the
//! placeholders a multi-row statement needs on each backend.

use crate::*;
use anyhow::Context;

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!("database-URL moet beginnen met sqlite: of postgres:")
        }
    }
}

/// Rows per multi-row statement: 200 × 15 parameters stays far below PostgreSQL's 65,535 and
/// SQLite's 32,766 bound parameters.
pub(crate) const ROWS_PER_STATEMENT: usize = 200;

/// `($1, $2, $3), ($4, $5, $6)` for `rows` rows of `columns` values on PostgreSQL;
/// `(?, ?, ?), (?, ?, ?)` on SQLite, where a numbered parameter is looked up by name, one
/// linear search per parameter (30 % of the engine's time with 3,000 per statement).
pub(crate) fn placeholders(backend: Backend, rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        out.push_str(if row == 0 { "(" } else { ", (" });
        for column in 1..=columns {
            if column > 1 {
                out.push_str(", ");
            }
            match backend {
                Backend::Sqlite => out.push('?'),
                Backend::Postgres => {
                    out.push('$');
                    out.push_str(&(row * columns + column).to_string());
                }
            }
        }
        out.push(')');
    }
    out
}

/// The database file an SQLite URL names (`sqlite://path?…`), read as sqlx reads it (the path
/// percent-decoded: `my%20map` is `my map`); `None` for another backend, for a database in
/// memory, and for a path that is no UTF-8 once decoded (sqlx refuses that URL itself).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if Backend::from_url(url).ok()? != Backend::Sqlite || url.contains("mode=memory") {
        return None;
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    Some(std::path::PathBuf::from(decoded.as_ref()))
}

impl Store {
    /// Connects. SQLite files are created and migrated on the spot; PostgreSQL is migrated by
    /// `knooppunt migrate` (see [`Store::migrate`]).
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let store = Self::connect_unmigrated(url, max_connections).await?;
        if store.backend == Backend::Sqlite {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Connects without migrating, for watching a database another process owns (and
    /// migrates).
    pub async fn connect_unmigrated(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            if let Some(path) = sqlite_file(&url) {
                private_database_file(&path)?;
            }
            if !url.contains('?') {
                url.push_str("?mode=rwc");
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets the brief read while the engine writes; FULL makes a commit
                        // durable before the engine acknowledges the message upstream (the
                        // spool's acknowledgement is not fsync'ed, so the store's must be).
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        // Chosen by measurement (README, Measurements): statement journals
                        // in memory instead of temporary files, a 64 MiB page cache instead
                        // of 2 MiB (no spilling mid-transaction), and reads of the database
                        // through a memory map instead of a system call per page.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        conn.execute("PRAGMA cache_size = -65536").await?;
                        conn.execute("PRAGMA mmap_size = 1073741824").await?;
                        // Checkpoint the WAL every 16,384 pages (64 MiB) instead of 1,000:
                        // a page the engine rewrites batch after batch (index and cluster
                        // pages) is copied back to the database once per checkpoint.
                        conn.execute("PRAGMA wal_autocheckpoint = 16384").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .context("verbinden met de database")?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for the review and account tables that live beside the
    /// signals (see `knooppunt-reports` and the web review).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies this backend's migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        crate::migrations::migrator(self.backend)
            .run(&self.pool)
            .await
            .context("databasemigraties uitvoeren")
    }

    /// Whether the database answers, for readiness checks.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .context("database antwoordt niet")
    }
}

/// Creates a SQLite database's folder and empty file where they do not exist yet, readable by
/// their owner alone: the file holds signal texts and the sessions, and other users of a shared
/// machine have no business there. SQLite gives its `-wal` and `-shm` files the database
/// file's permissions. An existing file keeps the permissions its operator gave it.
pub fn private_database_file(path: &std::path::Path) -> anyhow::Result<()> {
    if path.as_os_str().is_empty() || path.to_str() == Some(":memory:") || path.exists() {
        return Ok(());
    }
    let mut folder = std::fs::DirBuilder::new();
    let mut file = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        folder.mode(0o700);
        file.mode(0o600);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        folder
            .recursive(true)
            .create(dir)
            .with_context(|| format!("map {} aanmaken", dir.display()))?;
    }
    file.write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("database {} aanmaken", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_an_sqlite_url_is_read_as_sqlx_reads_it() {
        let cases = [
            ("sqlite://data/k.db", Some("data/k.db")),
            ("sqlite:k.db?mode=rwc", Some("k.db")),
            ("sqlite:///tmp/my%20map/k.db", Some("/tmp/my map/k.db")),
            ("sqlite:///tmp/a%3Fb.db", Some("/tmp/a?b.db")),
            ("sqlite::memory:", None),
            ("sqlite://k.db?mode=memory", None),
            ("postgres://postgres@127.0.0.1/k", None),
            // No UTF-8 once decoded: sqlx refuses the URL itself.
            ("sqlite:///tmp/%FF.db", None),
        ];
        for (url, file) in cases {
            let found = sqlite_file(url);
            assert_eq!(found.as_deref(), file.map(std::path::Path::new), "{url}");
        }
    }

    /// The file made private before sqlx opens it is the file sqlx opens: a percent-encoded
    /// folder name leaves no stray folder, and the database is readable by its owner only.
    #[tokio::test]
    async fn a_percent_encoded_path_makes_private_the_file_that_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/my%20map/k.db", dir.path().display());
        let store = Store::connect(&url, 1).await.unwrap();
        store.pool.close().await;
        let opened = dir.path().join("my map").join("k.db");
        assert!(opened.exists(), "{}", opened.display());
        assert!(!dir.path().join("my%20map").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&opened).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
