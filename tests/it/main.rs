//! Integration tests: the real application against real services (PostgreSQL, a tansu Kafka
//! broker, rdkafka's mock cluster for injected faults). One test binary keeps link time low.

mod browser;
mod browser_review;
mod cli;
mod crash;
mod intake_api;
mod pipeline;
mod poison;
mod privacy;
mod security;
mod security_http;
mod store_suite;
mod support;
mod web;
