//! Integration tests: the real application against real services (PostgreSQL, a tansu Kafka
//! broker, rdkafka's mock cluster for injected faults). One test binary keeps link time low.

mod browser;
mod cli;
mod crash;
mod intake_api;
mod labels;
mod pipeline;
mod poison;
mod privacy;
mod store_suite;
mod support;
mod web;
