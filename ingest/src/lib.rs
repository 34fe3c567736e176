//! Intake: the doors a signal comes in by — the HTTP API, its contract, and the shared path
//! every channel takes to an envelope. It may not touch the store or the rules; it hands
//! envelopes to a `knooppunt_transport::Publisher`.
//!
//! - [`api`]: the routes and the published OpenAPI document;
//! - [`http`]: the handlers (submission, health, readiness);
//! - [`openapi`]: the contract's schemas and its Dutch problem details;
//! - [`conflicts`]: one `(source, id)`, one content;
//! - [`import`]: a file of signals (CSV or JSON lines), line by line, to the transport;
//! - [`trace`]: the request's trace context, carried into the envelope;
//! - [`accept`] / [`prepare`]: validate, map through the register, scrub.

pub mod api;
pub mod conflicts;
pub mod http;
pub mod import;
pub mod openapi;
pub mod trace;

use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::register;
use knooppunt_domain::signal::{FieldError, Signal};
use serde_json::Value;

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
    prepare(register::parse_signal(value, today)?, channel, now)
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
