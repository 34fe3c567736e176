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
// Transitional: the website's SQL is moving into the store crate (issue 10).
#[allow(clippy::disallowed_methods)]
pub mod web;
