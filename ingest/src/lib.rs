//! Intake: everything a signal passes through before it reaches the rules engine.
//!
//! - [`signal`]: the validated input contract;
//! - [`scrub`]: removes personal data from free text;
//! - [`csv_import`]: reads Dutch Excel CSV files;
//! - [`envelope`]: the versioned message on the transport;
//! - [`transport`]: Kafka and the embedded spool, behind one [`transport::Publisher`] trait;
//! - [`http`]: the intake API.

pub mod csv_import;
pub mod envelope;
pub mod http;
pub mod kafka;
pub mod scrub;
pub mod signal;
pub mod spool;
pub mod transport;

use chrono::{DateTime, NaiveDate, Utc};
use envelope::{Channel, Envelope};
use serde_json::Value;
use signal::{parse_signal, FieldError};

/// Today's date in the Netherlands, which decides whether a date lies in the future.
pub fn today_nl() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
}

/// Validates and prepares one submitted item: the shared path of every intake channel.
pub fn accept(
    value: &Value,
    today: NaiveDate,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Envelope, Vec<FieldError>> {
    parse_signal(value, today).map(|signal| Envelope::prepare(signal, channel, now))
}
