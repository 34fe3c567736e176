//! Times and dates as people read them: in Europe/Amsterdam, the Dutch way (`30-11-2026`,
//! `30-11-2026 09:15`). Stored times are UTC (RFC 3339); every page shows them through here.

use crate::error::WebError;
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;
use knooppunt_reports::dutch;

/// `30-11-2026`.
pub fn day(day: NaiveDate) -> String {
    dutch::date(day)
}

/// `30-11-2026` from a stored `2026-11-30` (or the start of a stored time); other text as it is.
pub fn day_text(stored: &str) -> String {
    dutch::date_text(stored)
}

/// `30-11-2026 09:15` in Dutch local time, from a stored UTC time; other text as it is.
pub fn moment(stored: &str) -> String {
    local(stored, "%d-%m-%Y %H:%M")
}

/// `30-11-2026 09:15:03`: the processing log, where the second matters.
pub fn moment_to_the_second(stored: &str) -> String {
    local(stored, "%d-%m-%Y %H:%M:%S")
}

/// `30-11-2026 09:15` in Dutch local time.
pub fn moment_at(at: DateTime<Utc>) -> String {
    in_amsterdam(at, "%d-%m-%Y %H:%M")
}

/// A stored UTC time (RFC 3339) in Dutch local time, formatted with `pattern`; other text as
/// it is.
fn local(stored: &str, pattern: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| in_amsterdam(t.with_timezone(&Utc), pattern))
        .unwrap_or_else(|_| stored.to_string())
}

/// The one place a time is turned into what a person reads.
fn in_amsterdam(at: DateTime<Utc>, pattern: &str) -> String {
    at.with_timezone(&Amsterdam).format(pattern).to_string()
}

/// Days the overleg can meaningfully ask about: the agenda and its windows are computed from
/// them, and dates near chrono's limits would overflow that arithmetic.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2100;

/// The day a form or query names (today when empty), or a Dutch error naming the field.
pub(crate) fn parse_day(text: Option<&str>) -> Result<NaiveDate, String> {
    match crate::extract::filled(text) {
        None => Ok(knooppunt_ingest::today_nl()),
        Some(day) => {
            // Only the field is named: a long or odd value is not echoed back.
            // `dd-mm-jjjj` as people write it, or `jjjj-mm-dd` as a date field sends it.
            let parsed: NaiveDate = NaiveDate::parse_from_str(day, "%d-%m-%Y")
                .or_else(|_| day.parse())
                .map_err(|_| "datum: geen geldige datum (dd-mm-jjjj)".to_string())?;
            if (FIRST_YEAR..=LAST_YEAR).contains(&parsed.year()) {
                Ok(parsed)
            } else {
                Err(format!(
                    "datum: kies een datum tussen {FIRST_YEAR} en {LAST_YEAR}"
                ))
            }
        }
    }
}

/// [`parse_day`] for a page, download or form that names a day: a bad day is refused as a
/// page ("Ongeldige datum").
pub(crate) fn requested_day(text: Option<&str>) -> Result<NaiveDate, WebError> {
    parse_day(text)
        .map_err(|text| WebError::refused(StatusCode::BAD_REQUEST, "Ongeldige datum", text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_read_the_dutch_way_or_as_a_date_field_sends_it() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(parse_day(Some("30-11-2026")), Ok(day));
        assert_eq!(parse_day(Some(" 2026-11-30 ")), Ok(day));
        let refused = parse_day(Some("30/11/2026")).unwrap_err();
        assert!(
            refused.contains("dd-mm-jjjj") && !refused.contains("30/11"),
            "{refused}"
        );
        assert!(parse_day(Some("01-01-1900"))
            .unwrap_err()
            .contains("tussen"));
    }

    #[test]
    fn stored_utc_is_shown_in_dutch_local_time() {
        // Winter: UTC+1; summer: UTC+2; just before midnight UTC is the next Dutch day.
        assert_eq!(moment("2026-11-30T08:15:00Z"), "30-11-2026 09:15");
        assert_eq!(moment("2026-07-01T08:15:00+00:00"), "01-07-2026 10:15");
        assert_eq!(moment("2026-11-30T23:30:00Z"), "01-12-2026 00:30");
        assert_eq!(
            moment_to_the_second("2026-11-30T10:12:03.000000Z"),
            "30-11-2026 11:12:03"
        );
        assert_eq!(day("2026-11-30".parse().unwrap()), "30-11-2026");
        assert_eq!(day_text("2026-11-30"), "30-11-2026");
        assert_eq!(moment("gisteren"), "gisteren");
        let stored = DateTime::parse_from_rfc3339("2026-03-29T01:30:00Z").unwrap();
        // The night summer time starts: 02:00 becomes 03:00.
        assert_eq!(moment_at(stored.with_timezone(&Utc)), "29-03-2026 03:30");
    }
}
