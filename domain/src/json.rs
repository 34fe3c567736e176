//! Strict JSON reading for every intake channel (API body, JSONL lines, envelopes).
//!
//! `serde_json` keeps the *last* of two equal keys in an object, so `{"text": "a", "text": "b"}`
//! would silently become "b". Knooppunt refuses such an object instead: the parser keeps the
//! first value and marks the key as duplicated, so [`crate::signal::parse_signal`] refuses that
//! one item with a Dutch error on the field, and the other items of a batch go on.
//! Nesting deeper than `serde_json`'s limit (128) is refused as a whole.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Number, Value};
use std::fmt;

/// Prefix of the marker key that records a duplicated key in a parsed object.
/// Contains NUL, so no real field name of the contract can start with it.
pub const DUPLICATE_MARKER: &str = "\u{0}dubbel\u{0}";

/// Why a document is not JSON. Holds positions, never content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    #[error("geen geldige JSON (regel {line}, kolom {column})")]
    Syntax { line: usize, column: usize },
    #[error("te diep genest (regel {line}, kolom {column}); een signaal is een plat JSON-object")]
    TooDeep { line: usize, column: usize },
}

impl JsonError {
    fn from_serde(error: &serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        if error.to_string().starts_with("recursion limit exceeded") {
            JsonError::TooDeep { line, column }
        } else {
            JsonError::Syntax { line, column }
        }
    }

    pub fn column(&self) -> usize {
        match self {
            JsonError::Syntax { column, .. } | JsonError::TooDeep { column, .. } => *column,
        }
    }
}

/// Parses JSON, marking duplicated keys instead of letting the last one win.
pub fn from_slice(bytes: &[u8]) -> Result<Value, JsonError> {
    serde_json::from_slice::<Strict>(bytes)
        .map(|s| s.0)
        .map_err(|e| JsonError::from_serde(&e))
}

/// Like [`from_slice`], for text.
pub fn from_str(text: &str) -> Result<Value, JsonError> {
    from_slice(text.as_bytes())
}

/// The key names an object marks as duplicated, in order.
pub fn duplicated_keys(object: &Map<String, Value>) -> impl Iterator<Item = &str> {
    object
        .keys()
        .filter_map(|k| k.strip_prefix(DUPLICATE_MARKER))
}

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Strict::deserialize(d).map(|s| s.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if object.contains_key(&key) {
                object.insert(format!("{DUPLICATE_MARKER}{key}"), Value::Null);
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_marked_and_the_first_value_kept() {
        let value = from_str(r#"{"text": "eerste", "area": "Laak", "text": "tweede"}"#).unwrap();
        let object = value.as_object().unwrap();
        assert_eq!(object["text"], "eerste");
        assert_eq!(duplicated_keys(object).collect::<Vec<_>>(), vec!["text"]);
    }

    #[test]
    fn ordinary_json_is_unchanged() {
        let text = r#"[{"a": 1, "b": [true, null, 2.5, -3, "x"], "c": {"d": "é"}}]"#;
        assert_eq!(
            from_str(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn syntax_errors_and_deep_nesting_are_positions_only() {
        assert_eq!(
            from_str("{\"a\": Jan}").unwrap_err(),
            JsonError::Syntax { line: 1, column: 7 }
        );
        let deep = "[".repeat(10_000);
        assert!(matches!(
            from_str(&deep).unwrap_err(),
            JsonError::TooDeep { .. }
        ));
        assert!(!from_str("{\"a\": Jan}")
            .unwrap_err()
            .to_string()
            .contains("Jan"));
    }
}
