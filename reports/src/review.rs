//! Transitional: the review's states, actions and transitions live in
//! `knooppunt_domain::review`; this path keeps the website's imports working.

pub use knooppunt_domain::review::*;
