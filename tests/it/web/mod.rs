//! The review website over real HTTP, against the embedded stack (spool + SQLite + engine),
//! one file an area: who may open and post what (`access`), the overleg's decisions
//! (`decisions`), the digest for people who never sign in (`digest`), recognition labels and the queue of unclassified signals (`labels`), the
//! intake form, inert signal text and partner tokens (`intake`), a team's file upload (`upload`), and the quarterly brief
//! (`brief`). The site, its accounts and the browser-like client are in `support/site.rs`.

mod access;
mod brief;
mod decisions;
mod digest;
mod forgery;
mod intake;
mod labels;
mod publish;
mod rectification;
mod upload;
mod vignettes;
