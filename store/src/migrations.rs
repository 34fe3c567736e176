//! The migrations: one file a migration in `store/migrations/`, shared SQL with the lines that
//! differ between the backends in `-- @sqlite` / `-- @postgres` / `-- @end` blocks (see
//! [`render`]). `store/build.rs` embeds the folder; this renders each file for a backend into
//! the migrator `sqlx::migrate!` would build from a folder holding the rendered files.
//!
//! A database stores each applied migration's SHA-384 checksum and sqlx refuses to start on a
//! mismatch, so the rendered SQL of a migration must never change: `tests.rs` pins them.

use crate::Backend;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;
use std::sync::LazyLock;

mod render;
#[cfg(test)]
mod tests;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

impl Backend {
    /// The tag of this backend's blocks in a migration file (`-- @sqlite`).
    fn tag(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The backend's migrator, built once.
pub(crate) fn migrator(backend: Backend) -> &'static Migrator {
    static SQLITE: LazyLock<Migrator> = LazyLock::new(|| build(Backend::Sqlite));
    static POSTGRES: LazyLock<Migrator> = LazyLock::new(|| build(Backend::Postgres));
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

/// What `sqlx::migrate!` expands to (sqlx 0.8): the migrations and otherwise the defaults.
fn build(backend: Backend) -> Migrator {
    Migrator {
        migrations: Cow::Owned(migrations(backend)),
        ..Migrator::DEFAULT
    }
}

/// Every embedded file rendered for `backend`, named and ordered as sqlx's folder source
/// (`sqlx_core::migrate::resolve_blocking`) does it.
fn migrations(backend: Backend) -> Vec<Migration> {
    let mut migrations: Vec<Migration> = embedded::FILES
        .iter()
        .filter_map(|(name, source)| {
            // build.rs has split and rendered every file already: these cannot fail here.
            let (version, rest) = render::split_name(name)?.unwrap_or_else(|e| panic!("{e}"));
            let sql = render::render(name, source, backend.tag()).unwrap_or_else(|e| panic!("{e}"));
            let migration_type = MigrationType::from_filename(rest);
            let description = rest
                .trim_end_matches(migration_type.suffix())
                .replace('_', " ");
            let no_tx = sql.starts_with("-- no-transaction");
            Some(Migration::new(
                version,
                description.into(),
                migration_type,
                sql.into(),
                no_tx,
            ))
        })
        .collect();
    migrations.sort_by_key(|migration| migration.version);
    migrations
}
