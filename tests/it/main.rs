//! Integration tests: the real application against real services (PostgreSQL, Apache Kafka
//! broker, rdkafka's mock cluster for injected faults). One test binary keeps link time low.

mod bad_input;
mod browser;
mod browser_review;
mod cli;
mod cli_rules;
mod consumer_faults;
mod crash;
mod deploy_compose;
mod deploy_kubernetes;
mod events_contract;
// This suite back-dates rows to simulate time passing, or inspects what is stored (hashes,
// counts) where no product code may read it: the only SQL outside the store crate.
#[allow(clippy::disallowed_methods)]
mod governance;
mod governance_attendees;
mod intake_api;
mod labels;
mod minutes;
mod outage;
mod pipeline;
mod poison;
mod privacy;
mod scale_out;
// This suite back-dates rows to simulate time passing, or inspects what is stored (hashes,
// counts) where no product code may read it: the only SQL outside the store crate.
#[allow(clippy::disallowed_methods)]
mod security;
mod security_http;
mod store_accounts;
mod store_errors;
mod store_review_suite;
mod store_suite;
mod support;
mod teams_loop;
mod theme;
mod verwerkingslog_web;
// This suite back-dates rows to simulate time passing, or inspects what is stored (hashes,
// counts) where no product code may read it: the only SQL outside the store crate.
#[allow(clippy::disallowed_methods)]
mod web;
