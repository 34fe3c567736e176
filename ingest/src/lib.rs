//! Intake: everything a signal passes through before it reaches the rules engine.
//!
//! - [`signal`]: the validated input contract;
//! - [`scrub`]: removes personal data from free text;
//! - [`csv_import`]: reads Dutch Excel CSV files;
//! - [`envelope`]: the versioned message on the transport;
//! - [`transport`]: Kafka and the embedded spool, behind one [`transport::Publisher`] trait
//!   (in `knooppunt_transport`, which holds both halves of each);
//! - [`http`]: the intake API;
//! - [`normalise`], [`json`]: text normalisation and strict JSON at the boundary;
//! - [`register`]: the register of areas and sources every signal is mapped to.

pub mod api;
pub mod conflicts;
pub mod http;
pub mod openapi;
pub mod trace;

// Transitional: the transport (producer, spool, `Publisher`) moved to `knooppunt_transport`;
// these paths keep older callers compiling until they name the transport crate themselves.
pub use knooppunt_transport::publisher as transport;
pub use knooppunt_transport::{kafka, spool};

// Transitional: the pure contract moved to `knooppunt_domain`; these paths keep older
// callers compiling until they name the domain crate themselves.
pub use knooppunt_domain::{
    csv_import, envelope, json, jsonl, normalise, register, scrub, signal, text_file,
};

use chrono::{DateTime, NaiveDate, Utc};
use envelope::{Channel, Envelope};
use serde_json::Value;
use signal::{parse_signal, FieldError, Signal};

/// Today's date in the Netherlands, which decides whether a date lies in the future.
pub fn today_nl() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive()
}

/// Validates and prepares one submitted item: the shared path of every intake channel.
/// A text that is mostly personal data is refused: there is no barrier left to record.
pub fn accept(
    value: &Value,
    today: NaiveDate,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Envelope, Vec<FieldError>> {
    prepare(parse_signal(value, today)?, channel, now)
}

/// Maps a validated signal's area and source through the register, then scrubs it into its
/// envelope, refusing an unknown area or source and a text that is mostly personal data.
pub fn prepare(
    mut signal: Signal,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Envelope, Vec<FieldError>> {
    register::active().apply(&mut signal)?;
    let (mut envelope, screening) = Envelope::prepare_screened(signal, channel, now);
    envelope.traceparent = trace::current();
    if screening.mostly_personal {
        return Err(vec![FieldError::new("text", MOSTLY_PERSONAL)]);
    }
    Ok(envelope)
}

/// The refusal for a text that is mostly personal data.
pub const MOSTLY_PERSONAL: &str =
    "bestaat vooral uit persoonsgegevens; beschrijf de barrière zonder namen, nummers of adressen";
