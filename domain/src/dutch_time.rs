//! Time for people: stored in UTC, shown and grouped by day in Europe/Amsterdam. The one
//! conversion every page, agenda, minutes and brief goes through.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

/// The Dutch calendar day of a UTC instant.
pub fn local_day(at: &DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Amsterdam).date_naive()
}

/// A UTC instant in Dutch local time, the Dutch way: "30-11-2026 09:15".
pub fn local_time(at: &DateTime<Utc>) -> String {
    at.with_timezone(&Amsterdam)
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

/// A time of day on a Dutch day, in UTC (the earliest, should the local time be ambiguous;
/// a local time skipped by the clock change is read as UTC+1's).
pub fn at_local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// The UTC instants a Dutch day starts and ends at: `[start, end)`.
pub fn day_bounds_utc(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let next = day.succ_opt().unwrap_or(day);
    (at_local(day, 0, 0), at_local(next, 0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_past_midnight_dutch_time_is_the_next_day() {
        let at: DateTime<Utc> = "2026-11-30T23:30:00Z".parse().unwrap();
        assert_eq!(local_day(&at), "2026-12-01".parse::<NaiveDate>().unwrap());
        assert_eq!(local_time(&at), "01-12-2026 00:30");
        let summer: DateTime<Utc> = "2026-09-03T12:05:00Z".parse().unwrap();
        assert_eq!(local_time(&summer), "03-09-2026 14:05");
        let (start, end) = day_bounds_utc("2026-12-01".parse().unwrap());
        assert_eq!(start.to_rfc3339(), "2026-11-30T23:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-01T23:00:00+00:00");
    }
}
