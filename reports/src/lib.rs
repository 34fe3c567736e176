//! What people read: the agenda, the minutes and the quarterly brief ("terug het systeem in").
//! It may not touch SQL (it reads and records through the store) or serve pages itself.
//!
//! [`Brief::gather`] reads the figures from the store; [`Brief::render`] turns them into Dutch
//! Markdown and HTML with handlebars, and is pure. Every number passes [`suppress`] first:
//! counts below the minimum group size are shown as `x`, never as themselves.
//!
//! The room for what people read: agenda, brief, disclosure, charts and exports. It reads and
//! records through the store and never touches SQL; this file only declares and re-exports.

pub mod accuracy;
pub mod agenda;
pub mod archive;
pub mod brief;
pub mod chart;
pub mod compose;
pub mod coverage;
pub mod decision_text;
pub mod digest;
pub mod disclosure;
pub mod dutch;
pub mod export;
mod frac;
pub mod free_text;
pub mod governance;
pub mod knelpunten;
pub mod ledger;
pub mod methods;
pub mod minutes;
pub mod pdf;
pub mod presentation;
pub mod program;
pub mod rectification;
pub mod release;
pub mod review;
pub mod review_store;
pub mod snapshot;
pub mod trend;

pub use brief::{Brief, BriefRow, Cover, PairRow, Rendered, Section, TableRow, TableView};
pub use compose::{change, dutch_date, markdown_escape, template_source};
pub use knooppunt_domain::published::suppress;
/// Transitional: the quarter lives in `knooppunt_domain::quarter`.
pub use knooppunt_domain::quarter::Quarter;
