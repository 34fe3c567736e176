//! Reading a JSON-lines file: one signal per line, each line decoded and validated on its own.
//!
//! A line that is not valid UTF-8 is refused with its number ("geen geldige UTF-8"), never
//! repaired with U+FFFD; a UTF-8 byte-order mark at the start is skipped; LF, CRLF and a lone CR
//! all end a line; a UTF-16 file is refused as a whole with one clear message. Pure.

use crate::csv_import::CsvRow;
use crate::signal::FieldError;
use crate::text_file::{lines, looks_like_utf16, strip_bom, UTF16_MESSAGE};
use chrono::NaiveDate;

/// The file as a whole cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonlFileError {
    #[error("{UTF16_MESSAGE}")]
    Utf16,
}

/// One outcome per non-empty line.
pub fn parse_jsonl(bytes: &[u8], today: NaiveDate) -> Result<Vec<CsvRow>, JsonlFileError> {
    if looks_like_utf16(bytes) {
        return Err(JsonlFileError::Utf16);
    }
    let mut rows = Vec::new();
    for (line, raw) in lines(strip_bom(bytes)) {
        let result = match std::str::from_utf8(raw) {
            Err(e) => Err(vec![FieldError::new(
                "regel",
                format!(
                    "geen geldige UTF-8 (byte {}); sla het bestand op als UTF-8",
                    e.valid_up_to() + 1
                ),
            )]),
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => match crate::json::from_str(text) {
                Ok(value) => crate::register::parse_signal(&value, today),
                Err(e) => Err(vec![FieldError::new("regel", e.to_string())]),
            },
        };
        rows.push(CsvRow { line, result });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    const GOOD: &str =
        r#"{"observed_on":"2026-09-14","source":"t","area":"Laak","text":"Portiek onveilig"}"#;

    #[test]
    fn invalid_utf8_is_refused_per_line_and_the_rest_read() {
        let mut file = b"\xEF\xBB\xBF".to_vec();
        file.extend_from_slice(GOOD.as_bytes());
        file.extend_from_slice(b"\r\n{\"text\":\"Financi\xEBn\"}\r");
        file.extend_from_slice(GOOD.as_bytes());
        file.extend_from_slice(b"\r\r");
        file.extend_from_slice(GOOD.as_bytes());
        let rows = parse_jsonl(&file, today()).unwrap();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 5]);
        assert!(rows[0].result.is_ok(), "the BOM is skipped");
        let errors = rows[1].result.as_ref().unwrap_err();
        assert_eq!(errors[0].field, "regel");
        assert!(errors[0].message.contains("geen geldige UTF-8"));
        assert!(rows[2].result.is_ok() && rows[3].result.is_ok());
    }

    #[test]
    fn a_utf16_file_gets_one_error() {
        let file = crate::text_file::tests::utf16le(GOOD);
        assert_eq!(
            parse_jsonl(&file, today()).unwrap_err(),
            JsonlFileError::Utf16
        );
    }

    #[test]
    fn bad_json_names_the_column_not_the_content() {
        let rows = parse_jsonl(b"{\"text\": Jan Jansen}\n", today()).unwrap();
        let message = &rows[0].result.as_ref().unwrap_err()[0].message;
        assert!(message.contains("kolom"), "{message}");
        assert!(!message.contains("Jan"));
    }
}
