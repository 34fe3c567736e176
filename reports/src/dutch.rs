//! Dutch formats for what the review pages and minutes show: `dd-mm-jjjj`, waits in weeks
//! with a decimal comma (never ",0"), and times in Europe/Amsterdam. Decisions are stored in
//! UTC; a meeting's decisions are those of its Dutch calendar day.

use chrono::NaiveDate;

/// "1 signaal", "3 signalen".
pub fn signals(count: i64) -> String {
    if count == 1 {
        "1 signaal".into()
    } else {
        format!("{count} signalen")
    }
}

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

pub use knooppunt_domain::dutch_number::weeks;
pub use knooppunt_domain::dutch_time::{at_local, day_bounds_utc, local_day};

/// An instant as people read it: "30-11-2026 09:15" in Europe/Amsterdam.
/// Transitional: also takes a stored RFC 3339 text (returned as it is when unparsable) until
/// the website's rows come back typed.
pub fn local_time<T: Instant + ?Sized>(at: &T) -> String {
    at.local_time()
}

/// Something that can be shown as a Dutch local time.
pub trait Instant {
    fn local_time(&self) -> String;
}

impl Instant for chrono::DateTime<chrono::Utc> {
    fn local_time(&self) -> String {
        knooppunt_domain::dutch_time::local_time(self)
    }
}

impl Instant for str {
    fn local_time(&self) -> String {
        chrono::DateTime::parse_from_rfc3339(self).map_or_else(
            |_| self.to_string(),
            |t| knooppunt_domain::dutch_time::local_time(&t.with_timezone(&chrono::Utc)),
        )
    }
}

impl Instant for String {
    fn local_time(&self) -> String {
        self.as_str().local_time()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_dutch() {
        let day: NaiveDate = "2026-09-03".parse().unwrap();
        assert_eq!(date(day), "03-09-2026");
        assert_eq!(date_text("2026-09-03"), "03-09-2026");
        // Summer time: UTC+2; winter: UTC+1.
        let summer: chrono::DateTime<chrono::Utc> = "2026-09-03T12:05:00Z".parse().unwrap();
        assert_eq!(local_time(&summer), "03-09-2026 14:05");
        assert_eq!(
            day_bounds_utc(day).0.to_rfc3339(),
            "2026-09-02T22:00:00+00:00"
        );
    }
}
