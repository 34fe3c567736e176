//! Dutch formats for what the review pages and minutes show: `dd-mm-jjjj`, waits in weeks
//! with a decimal comma (never ",0"), and times in Europe/Amsterdam. Decisions are stored in
//! UTC; a meeting's decisions are those of its Dutch calendar day.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Amsterdam;

/// "03-09-2026".
pub fn date(day: NaiveDate) -> String {
    day.format("%d-%m-%Y").to_string()
}

/// "03-09-2026" from "2026-09-03"; any other text unchanged.
pub fn date_text(text: &str) -> String {
    text.get(..10)
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .map_or_else(|| text.to_string(), date)
}

/// A wait in days as weeks: "18 weken", "21,7 weken", "1 week".
pub fn weeks(days: f64) -> String {
    let weeks = (days / 7.0 * 10.0).round() / 10.0;
    let text = if weeks.fract() == 0.0 {
        format!("{weeks:.0}")
    } else {
        format!("{weeks:.1}").replace('.', ",")
    };
    if text == "1" {
        "1 week".into()
    } else {
        format!("{text} weken")
    }
}

/// A stored UTC time (RFC 3339) in Dutch local time: "03-09-2026 14:05"; unparsable text is
/// returned as it is.
pub fn local_time(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&Amsterdam)
                .format("%d-%m-%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}

/// The Dutch calendar day of a stored UTC time.
pub fn local_day(stored: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|t| t.with_timezone(&Amsterdam).date_naive())
}

/// The UTC instant a Dutch day starts at (the earliest, should midnight be ambiguous).
pub fn day_start_utc(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    Amsterdam
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// A time of day on a Dutch day, in UTC: when the demo's meeting took its decisions.
pub fn at_local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_have_a_decimal_comma_and_no_trailing_zero() {
        assert_eq!(weeks(126.0), "18 weken");
        assert_eq!(weeks(152.0), "21,7 weken");
        assert_eq!(weeks(7.0), "1 week");
        assert_eq!(weeks(10.0), "1,4 weken");
    }

    #[test]
    fn dates_and_times_are_dutch() {
        let day: NaiveDate = "2026-09-03".parse().unwrap();
        assert_eq!(date(day), "03-09-2026");
        assert_eq!(date_text("2026-09-03"), "03-09-2026");
        // Summer time: UTC+2; winter: UTC+1.
        assert_eq!(local_time("2026-09-03T12:05:00+00:00"), "03-09-2026 14:05");
        assert_eq!(local_time("2026-11-30T23:30:00+00:00"), "01-12-2026 00:30");
        assert_eq!(
            local_day("2026-11-30T23:30:00+00:00"),
            "2026-12-01".parse().ok()
        );
        assert_eq!(day_start_utc(day).to_rfc3339(), "2026-09-02T22:00:00+00:00");
    }
}
