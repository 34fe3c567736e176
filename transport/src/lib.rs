//! The transport room: how a signal crosses to the engine, publish and consume, per adapter.
//! It may not touch the rules, the store or the website: it carries envelopes, never judges them.
//!
//! Two adapters, each with its settings in one struct: Kafka and the embedded spool.
//!
//! - [`publisher`]: [`Publisher`], intake's durable hand-over;
//! - [`source`]: [`Source`], [`Delivery`] and [`AckToken`], the engine's side;
//! - [`kafka`]: the producer, the consumer group member, their contexts and the topics;
//! - [`spool`]: the embedded SQLite queue (its own file and migrations, `migrations/spool`).
//!
//! Dependencies point one way: `knooppunt-domain` (the envelope) ← this crate ← intake and the
//! rules engine ← the binary.

pub mod kafka;
pub mod publisher;
pub mod source;
pub mod spool;

pub use publisher::{PublishError, Publisher};
pub use source::{AckToken, Delivery, Source};
