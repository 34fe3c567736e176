//! The signal parsers on arbitrary input: JSON signals (through the strict parser that marks
//! duplicate keys), JSON-lines files, envelopes and Dutch Excel CSV files must be refused with
//! errors, never panic.
#![no_main]

use chrono::NaiveDate;
use knooppunt_domain::{csv_import, envelope, json, jsonl, signal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    if let Ok(value) = json::from_slice(data) {
        let _ = signal::parse_signal(&value, today);
    }
    let _ = jsonl::parse_jsonl(data, today);
    let _ = envelope::decode_screened(data, today);
    let _ = csv_import::parse_csv(data, today);
});
