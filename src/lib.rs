//! The `knooppunt` binary's library: configuration, wiring and the commands that span crates.
//! Tests in `tests/` use it to start the real application in process.

pub mod app;
pub mod classify;
pub mod config;
pub mod demo;
pub mod import;
pub mod labels;
pub mod recognition;
pub mod server;
/// The review website lives in its own crate; the old path keeps working for the commands.
pub use knooppunt_web as web;
