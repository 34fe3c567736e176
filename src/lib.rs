//! The `knooppunt` binary's library: configuration, wiring and the commands that span crates.
//! It holds no domain logic or SQL of its own; tests in `tests/` use it to start the real
//! application in process.

pub mod app;
pub mod classify;
pub mod config;
pub mod demo;
pub mod import;
pub mod labels;
pub mod recognition;
pub mod server;
