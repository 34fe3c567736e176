#![allow(dead_code)] // each bench uses what it needs
//! What both bench binaries share.

/// The value after `--name` on the command line, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Measured values as a list with `decimals` after the point: `1.2, 3.4`.
pub fn listed(values: &[f64], decimals: usize) -> String {
    values
        .iter()
        .map(|v| format!("{v:.decimals$}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The median of measured rates.
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or_default()
}

// The benches that include the tests' support (`#[path]`) load this file a second time there.
#[allow(clippy::duplicate_mod)]
#[path = "../../tests/it/support/wijken.rs"]
mod wijken;

/// The benches spread their signals over the first eight wijken.
const AREAS: &[&str] = wijken::WIJKEN.split_at(8).0;

/// Synthetic signal number `i`, as intake hands it over: validated, anonymised, enveloped.
pub fn synthetic(
    i: usize,
    observed_on: &str,
    text: &str,
) -> Option<knooppunt_domain::envelope::Envelope> {
    use knooppunt_domain::envelope::{Channel, Envelope};
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 1)?;
    let value = serde_json::json!({
        "id": format!("s{i}"),
        "observed_on": observed_on,
        "source": format!("team{}", i % 13),
        "area": AREAS[i % AREAS.len()],
        "text": text,
    });
    let signal = knooppunt_domain::signal::parse_signal(&value, today).ok()?;
    Some(Envelope::prepare(
        signal,
        Channel::Kafka,
        chrono::Utc::now(),
    ))
}

pub mod procs;
