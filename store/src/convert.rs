//! Typed values to and from the text the store keeps them as: the one place where a stored
//! day, instant, list or JSON value is parsed or written, for both backends. Both migration
//! folders keep these columns as `TEXT`: days as ISO dates (`2026-11-30`), instants as
//! RFC 3339 in UTC, lists comma-separated, structured values as JSON.
//!
//! A row struct reads a column typed with `#[sqlx(try_from = "Text<NaiveDate>")]` (or reads
//! a `Text<T>` and takes `.0`); a query binds `Text(value)`. A stored value that does not
//! parse is a decode error, which [`crate::StoreError`] classifies as corrupt.

use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster::Classification;
use knooppunt_domain::quarter::Month;
use sqlx::any::{Any, AnyTypeInfo};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Decode, Encode, Type, ValueRef};

/// A value of `T` as the store keeps it in a text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<T>(pub T);

/// How a value is written as, and read from, its stored text (`None`: SQL `NULL`).
pub trait Textual: Sized {
    fn from_text(text: Option<String>) -> Result<Self, String>;
    fn to_text(&self) -> Option<String>;
}

/// The stored text of a value that cannot be `NULL`.
fn required(text: Option<String>, what: &str) -> Result<String, String> {
    text.ok_or_else(|| format!("{what} ontbreekt in de database"))
}

impl Textual for NaiveDate {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        let text = required(text, "datum")?;
        text.parse()
            .map_err(|_| format!("geen geldige datum in de database: {text}"))
    }

    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl Textual for DateTime<Utc> {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        let text = required(text, "tijd")?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| format!("geen geldige tijd in de database: {text}"))
    }

    /// RFC 3339 with `+00:00`: stored instants of one column compare correctly as text.
    fn to_text(&self) -> Option<String> {
        Some(self.to_rfc3339())
    }
}

/// A month as its first seven characters (`2026-09`).
impl Textual for Month {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        required(text, "maand")?.parse()
    }

    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// A signal's classification: JSON, or the text rows had before (see [`Classification`]).
impl Textual for Classification {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        Classification::parse(&required(text, "indeling")?)
    }

    fn to_text(&self) -> Option<String> {
        Some(Classification::to_text(self))
    }
}

/// A comma-separated list (barriers, themes, areas); empty items are dropped.
impl Textual for Vec<String> {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        Ok(required(text, "lijst")?
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect())
    }

    fn to_text(&self) -> Option<String> {
        Some(self.join(","))
    }
}

/// A JSON document.
impl Textual for serde_json::Value {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        serde_json::from_str(&required(text, "JSON")?)
            .map_err(|e| format!("geen geldige JSON in de database: {e}"))
    }

    fn to_text(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl<T: Textual> Textual for Option<T> {
    fn from_text(text: Option<String>) -> Result<Self, String> {
        text.map(|text| T::from_text(Some(text))).transpose()
    }

    fn to_text(&self) -> Option<String> {
        self.as_ref().and_then(T::to_text)
    }
}

impl<T> Type<Any> for Text<T> {
    fn type_info() -> AnyTypeInfo {
        <String as Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        <String as Type<Any>>::compatible(ty)
    }
}

impl<'r, T: Textual> Decode<'r, Any> for Text<T> {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = if value.is_null() {
            None
        } else {
            Some(<String as Decode<Any>>::decode(value)?)
        };
        Ok(Text(T::from_text(text)?))
    }
}

impl<'q, T: Textual> Encode<'q, Any> for Text<T> {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <Option<String> as Encode<Any>>::encode(self.0.to_text(), buf)
    }
}

/// `From<Text<T>> for T`, for the types rows read with `#[sqlx(try_from = …)]` (a generic
/// impl is not allowed for a foreign `T`).
macro_rules! unwrap_text {
    ($($t:ty),*) => {$(
        impl From<Text<$t>> for $t {
            fn from(text: Text<$t>) -> Self {
                text.0
            }
        }
    )*};
}

unwrap_text!(
    NaiveDate,
    Month,
    Classification,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Vec<String>,
    serde_json::Value
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_their_text() {
        let day: NaiveDate = "2026-11-30".parse().unwrap();
        assert_eq!(NaiveDate::from_text(day.to_text()), Ok(day));
        let at: DateTime<Utc> = "2026-11-30T23:30:00Z".parse().unwrap();
        assert_eq!(at.to_text().as_deref(), Some("2026-11-30T23:30:00+00:00"));
        assert_eq!(DateTime::<Utc>::from_text(at.to_text()), Ok(at));
        // Written elsewhere as `Z` with microseconds: the same instant.
        let micros = Some("2026-11-30T23:30:00.000000Z".to_string());
        assert_eq!(DateTime::<Utc>::from_text(micros), Ok(at));
        let list = vec!["a".to_string(), "b".to_string()];
        assert_eq!(Vec::<String>::from_text(Some("a, b,".into())), Ok(list));
        assert_eq!(Vec::<String>::from_text(Some(String::new())), Ok(vec![]));
        assert_eq!(Option::<NaiveDate>::from_text(None), Ok(None));
        let month = Month::from_text(Some("2026-09".into()));
        assert_eq!(
            month,
            Ok(Month {
                year: 2026,
                month: 9
            })
        );
    }

    #[test]
    fn what_does_not_parse_is_refused() {
        assert!(NaiveDate::from_text(Some("2026-11-30T10:00:00Z".into())).is_err());
        assert!(NaiveDate::from_text(None).is_err());
        assert!(Month::from_text(Some("2026-13".into())).is_err());
        assert!(DateTime::<Utc>::from_text(Some("gisteren".into())).is_err());
        assert!(serde_json::Value::from_text(Some("{".into())).is_err());
    }
}
