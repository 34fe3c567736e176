//! The rules engine: classifies signals with the barrier rules and the learned model beside
//! them, and stores them in clusters. It may not write SQL (the store does) or serve pages.
//!
//! - [`extract`]: waiting times and the responsible organisation read from a note;
//! - [`model`]: the learned classifier beside the rules and how it combines with them;
//! - [`learning`]: training the model on labelled notes and measuring rules and model;
//! - [`ruleset`]: the rules file and its compiled matcher (pure);
//! - [`labels`]: the overleg's labels on recognition, applied at once and in replays;
//! - [`replay`]: re-running a rule set over stored history, with a diff before applying;
//! - [`fixtures`]: example notes per barrier and the precision/recall rules reach on them;
//! - [`engine`]: the consume → classify → store → acknowledge loop, reading through
//!   `knooppunt_transport::Source` (the spool or the Kafka consumer group);
//! - [`retention`], [`verwerkingslog`], [`events`]: data governance — retention terms, the
//!   processing log and cluster events out (signals that stop: `knooppunt_domain::silence`).

/// The runner of the recognition cases kept as plain text in `tests/cases/`.
#[cfg(test)]
mod cases;
pub mod engine;
pub mod events;
// `patterns!` (declared in `extract`) serves the modules after it too.
#[macro_use]
pub mod extract;
pub mod fixtures;
mod isolate;
pub mod labels;
pub mod learning;
pub mod model;
pub mod replay;
pub mod retention;
pub mod ruleset;
pub mod verwerkingslog;
