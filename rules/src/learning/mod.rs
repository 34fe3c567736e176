//! Teaching and measuring the learned model: the project's labelled notes ([`notes`]), training
//! with LIBLINEAR ([`train`]) and measuring rules, model and both against labels ([`measure`]).
//! It builds on the model, the rule set and the engine's classification; none of them on it.

pub mod measure;
pub mod notes;
pub mod train;

#[cfg(test)]
mod tests;
