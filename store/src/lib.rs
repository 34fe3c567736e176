//! The store: the one room that owns Knooppunt's database — every table, the migrations and
//! every SQL statement. It may not know rules, reports or pages; nothing outside
//! it sees a query.
//!
//! Signals, their barriers and the clusters, in SQLite (embedded default) or
//! PostgreSQL. One set of queries serves both through sqlx's `Any` driver, and one migration
//! file per version (`store/migrations/`) with blocks for the lines that differ.
//!
//! Writes are idempotent: a signal is keyed by `(source, id)` and a replayed message changes
//! nothing, so the rules engine can consume at-least-once and still count exactly once.

// The store is the one room that writes SQL (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use chrono::NaiveDate;
use sqlx::AnyPool;

#[cfg(feature = "bench-data")]
pub mod bench_data;
mod clusters;
mod connect;
mod convert;
mod decide_error;
mod error;
pub mod events;
pub mod figures;
mod label_withdrawals;
mod labels;
mod migrations;
pub mod minutes;
pub mod processing_log;
pub mod promotions;
mod replay;
pub mod retention;
pub mod review;
mod review_signals;
mod review_split;
mod settings;
mod signals;
pub mod snapshot_versions;
pub mod snapshots;
mod statement;

pub use minutes::{ActionPoint, Attendee, MeetingRecord, Reversal};
pub use processing_log::LogRow;
pub use review::{DecideError, DecisionEffects, NewDecision, OutboxEvent, Undo};
pub use review_signals::ExampleSignal;

/// What a beheerder changes on accounts: (de)activating, role and wijken, password resets,
/// unlocking a name.
pub mod account_admin;
/// The website's accounts, sessions, API tokens and failed sign-ins.
pub mod accounts;
/// A team's own signals, their memberships, and the overleg's vignettes and meetings.
pub mod team_signals;
/// The werkroutes the overleg approves for knelpunten.
pub mod werkroutes;

pub(crate) use connect::{placeholders, ROWS_PER_STATEMENT};
pub use connect::{sqlite_file, Backend};
pub(crate) use convert::Text;
pub use error::{class_of, classify, ErrorClass, StoreError, StoreResult};
pub use replay::{ReplayDecision, ReplayWriter};
pub use settings::CLUSTER_KEY_SETTING;

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// A transaction that reads and then writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a concurrent writer makes it wait (busy timeout) instead of
    /// failing with "database is locked" when a deferred transaction upgrades its read lock.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Every row `sql` selects for the period whose bounds are its parameters `$1` and `$2`
    /// (ISO dates), as `T`.
    async fn fetch_period<T>(
        &self,
        sql: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<T>, sqlx::Error>
    where
        T: statement::Row,
    {
        self.rows(sql, statement::params![Text(from), Text(to)])
            .await
    }
}
