//! The rules engine: classifies signals against versioned barrier rules, groups them into
//! clusters and stores them (SQLite or PostgreSQL).
//!
//! - [`extract`]: waiting times and the responsible organisation read from a note;
//! - [`text`]: Unicode cleaning before any matching (NFC, invisible characters removed);
//! - [`model`]: the learned classifier beside the rules and how it combines with them;
//! - [`learning`]: training the model on labelled notes and measuring rules and model;
//! - [`ruleset`]: the rules file and its compiled matcher (pure);
//! - [`promotion`]: when a cluster goes on the overleg's agenda, and why (pure);
//! - [`labels`]: the overleg's labels on recognition, applied at once and in replays;
//! - [`replay`]: re-running a rule set over stored history, with a diff before applying;
//! - [`fixtures`]: example notes per barrier and the precision/recall rules reach on them;
//! - [`store`]: the idempotent store, one query set for both backends;
//! - [`engine`]: the consume → classify → store → acknowledge loop, reading through
//!   `knooppunt_transport::Source` (the spool or the Kafka consumer group);
//! - [`retention`], [`verwerkingslog`], [`events`], [`silence`]: data governance — retention
//!   terms, the processing log, cluster events out, and signals that stop.

pub mod engine;
pub mod events;
pub mod extract;
pub mod fixtures;
mod isolate;
pub mod labels;
pub mod learning;
pub mod model;
pub mod replay;
pub mod retention;
pub mod ruleset;
pub mod silence;
pub mod verwerkingslog;

// Transitional: these moved to the domain and store crates; the paths keep older callers
// compiling until they name those crates themselves.
pub use knooppunt_domain::{promotion, text};
pub mod store {
    pub use knooppunt_domain::cluster::*;
    pub use knooppunt_domain::stats::quantile;
    pub use knooppunt_store::*;
}

// Transitional: the engine's sources and the consumer's context moved to `knooppunt_transport`;
// these paths keep older callers compiling until they name the transport crate themselves.
pub use knooppunt_transport::kafka::context as kafka_context;
pub mod sources {
    //! Transitional: see `knooppunt_transport::{kafka, spool}`.
    pub use knooppunt_transport::kafka::{offsets_to_store, KafkaSource};
    pub use knooppunt_transport::spool::SpoolSource;
}
