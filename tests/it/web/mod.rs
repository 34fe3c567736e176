//! The review website over real HTTP, against the embedded stack (spool + SQLite + engine),
//! one file an area: who may open and post what (`access`), the overleg's decisions
//! (`decisions`), recognition labels and the queue of unclassified signals (`labels`), the
//! intake form, inert signal text and partner tokens (`intake`), and the quarterly brief
//! (`brief`). The site, its accounts and the browser-like client are in `support/site.rs`.

mod access;
mod brief;
mod decisions;
mod intake;
mod labels;

// The website harness lives in `support/site.rs`; these names stay reachable under `web::`
// for the suites written against the old `web.rs` (minutes, teams_loop) until they import
// from `support`.
#[allow(unused_imports)]
pub use crate::support::{
    confirm_as_overleg, csrf_in, post_and_wait, seeded_site, sign_in, Client, Site, PASSWORD,
};
