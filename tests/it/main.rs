//! Integration tests: the real application against real services (PostgreSQL, Apache Kafka
//! broker, rdkafka's mock cluster for injected faults). One test binary keeps link time low.

mod bad_input;
mod browser;
mod browser_review;
mod cli;
mod consumer_faults;
mod crash;
mod deploy_compose;
mod deploy_kubernetes;
mod events_contract;
// Transitional: reads tables through SQL until the store has functions for them (issue 10).
#[allow(clippy::disallowed_methods)]
mod governance;
mod intake_api;
mod labels;
mod outage;
mod pipeline;
mod poison;
mod privacy;
mod scale_out;
// Transitional: reads tables through SQL until the store has functions for them (issue 10).
#[allow(clippy::disallowed_methods)]
mod security;
mod security_http;
mod store_accounts;
mod store_errors;
mod store_review_suite;
mod store_suite;
mod support;
mod verwerkingslog_web;
// Transitional: reads tables through SQL until the store has functions for them (issue 10).
#[allow(clippy::disallowed_methods)]
mod web;
