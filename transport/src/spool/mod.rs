//! The embedded spool: a durable SQLite queue in the process, for a single team without Kafka.
//!
//! - [`settings`]: where the file is and how the adapter uses it;
//! - [`queue`]: the file itself — group-committed writes, reads, acknowledgements, dead letters;
//! - [`publish`]: intake's half ([`crate::Publisher`]);
//! - [`consume`]: the rules engine's half ([`crate::Source`]).

pub mod consume;
pub mod publish;
// The embedded spool is the transport's own SQLite file, not the store's: its SQL stays here
// (clippy.toml forbids SQL everywhere else outside the store crate).
#[allow(clippy::disallowed_methods)]
pub mod queue;
pub mod settings;

pub use consume::SpoolSource;
pub use queue::{Spool, SpoolRecord};
pub use settings::SpoolSettings;
