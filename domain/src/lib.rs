//! The leaf of the house: Knooppunt's plain domain types and the pure logic on them.
//! It may not touch I/O — no tokio, sqlx, rdkafka or axum; every other crate builds on it.
//!
//! - [`signal`]: the validated input contract;
//! - [`scrub`]: removes personal data from free text;
//! - [`csv_import`], [`jsonl`], [`text_file`]: reads Dutch Excel CSV and JSON Lines files;
//! - [`envelope`]: the versioned message on the transport;
//! - [`normalise`], [`json`]: text normalisation and strict JSON at the boundary;
//! - [`register`]: the register of areas and sources every signal is mapped to;
//! - [`traceparent`]: the W3C trace context a signal carries.

pub mod csv_import;
pub mod envelope;
pub mod json;
pub mod jsonl;
pub mod normalise;
pub mod register;
pub mod scrub;
pub mod signal;
pub mod text_file;
pub mod traceparent;
