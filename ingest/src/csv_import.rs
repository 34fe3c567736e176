//! Reading signals from the CSV files teams keep in Excel.
//!
//! Dutch Excel writes `;` as separator, may start the file with a UTF-8 byte-order mark (or, for
//! "CSV (gescheiden door lijstscheidingsteken)", use Windows-1252 instead of UTF-8), ends lines
//! with CRLF, quotes fields that contain `;` or line breaks, and writes dates as `dd-mm-jjjj`.
//! Column headers are Dutch (`datum;bron;wijk;thema's;omschrijving`); the contract's English
//! names are accepted too. Pure: bytes in, one result per data row out.

use crate::signal::{parse_signal, FieldError, Signal};
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// One data row: the line it starts on (1-based, counting the header) and its outcome.
#[derive(Debug)]
pub struct CsvRow {
    pub line: u64,
    pub result: Result<Signal, Vec<FieldError>>,
}

/// A problem with the file as a whole: nothing in it could be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CsvFileError {
    #[error("het bestand is leeg")]
    Empty,
    #[error("de kopregel mist verplichte kolommen: {0}")]
    MissingColumns(String),
    #[error("de kopregel bevat kolom '{0}' twee keer")]
    DuplicateColumn(String),
    #[error("het bestand is geen leesbare CSV: {0}")]
    Unreadable(String),
}

/// Maps a header cell to a contract field. Unknown headers are kept as written, so the row
/// validation refuses them by the name the user gave the column.
fn contract_field(header: &str) -> Cow<'_, str> {
    let normalised = header.trim().to_lowercase();
    let field = match normalised.as_str() {
        "datum" | "observed_on" | "datum signaal" | "waargenomen op" => "observed_on",
        "bron" | "source" | "team" | "partner" => "source",
        "wijk" | "area" | "buurt" | "gebied" => "area",
        "thema's" | "themas" | "thema" | "themes" | "thema’s" => "themes",
        "omschrijving" | "text" | "tekst" | "signaal" | "beschrijving" => "text",
        "id" | "kenmerk" | "referentie" => "id",
        "organisatie" | "organisation" | "instantie" => "organisation",
        "wachttijd" | "wachttijd (dagen)" | "wachtdagen" | "wait_days" => "wait_days",
        _ => return Cow::Borrowed(header.trim()),
    };
    Cow::Borrowed(field)
}

/// Decodes the file: UTF-8 (with or without BOM), else Windows-1252 as older Excel writes it.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Picks the separator from the header line: `;` unless the header only has commas or tabs.
fn separator(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    if header.contains(';') {
        b';'
    } else if header.contains('\t') {
        b'\t'
    } else if header.contains(',') {
        b','
    } else {
        b';'
    }
}

/// Parses a whole CSV file. Each data row is validated on its own, so one bad row never
/// costs the good ones; errors name the column as the file's header names it.
pub fn parse_csv(bytes: &[u8], today: NaiveDate) -> Result<Vec<CsvRow>, CsvFileError> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(CsvFileError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| CsvFileError::Unreadable(csv_error_kind(&e)))?
        .clone();
    let columns: Vec<(String, String)> = headers
        .iter()
        .map(|h| (contract_field(h).into_owned(), h.trim().to_string()))
        .collect();
    for (i, (field, header)) in columns.iter().enumerate() {
        if columns[..i].iter().any(|(f, _)| f == field) {
            return Err(CsvFileError::DuplicateColumn(header.clone()));
        }
    }
    let missing: Vec<&str> = [
        ("observed_on", "datum"),
        ("source", "bron"),
        ("area", "wijk"),
        ("text", "omschrijving"),
    ]
    .iter()
    .filter(|(field, _)| !columns.iter().any(|(f, _)| f == field))
    .map(|(_, dutch)| *dutch)
    .collect();
    if !missing.is_empty() {
        return Err(CsvFileError::MissingColumns(missing.join(", ")));
    }

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(&text, p.byte()));
                rows.push(CsvRow {
                    line,
                    result: Err(vec![FieldError::new("regel", csv_error_kind(&e))]),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(&text, p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // Excel writes ";;;;" for rows that only had formatting.
        }
        if record.len() > columns.len() {
            rows.push(CsvRow {
                line,
                result: Err(vec![FieldError::new(
                    "regel",
                    format!(
                        "heeft {} kolommen, de kopregel maar {}",
                        record.len(),
                        columns.len()
                    ),
                )]),
            });
            continue;
        }
        let mut object = Map::new();
        for ((field, _), cell) in columns.iter().zip(record.iter()) {
            if !cell.trim().is_empty() {
                object.insert(field.clone(), Value::String(cell.to_string()));
            }
        }
        let result = parse_signal(&Value::Object(object), today).map_err(|errors| {
            errors
                .into_iter()
                .map(|mut e| {
                    if let Some((_, header)) = columns.iter().find(|(f, _)| *f == e.field) {
                        e.field = header.clone();
                    }
                    e
                })
                .collect()
        });
        rows.push(CsvRow { line, result });
    }
    Ok(rows)
}

/// The 1-based line a record starting at `byte` begins on. After a CRLF line end the csv crate
/// reports both its line and its byte offset one short (pointing at the `\n`), and CRLF is
/// exactly what Excel writes; counting the byte at the offset too corrects for that.
fn line_at(text: &str, byte: u64) -> u64 {
    let end = usize::try_from(byte)
        .unwrap_or(usize::MAX)
        .saturating_add(1)
        .min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Describes a CSV error without quoting the cell contents.
fn csv_error_kind(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "bevat tekens die geen UTF-8 zijn".into(),
        csv::ErrorKind::UnequalLengths { .. } => "aantal kolommen klopt niet".into(),
        csv::ErrorKind::Io(_) => "kon niet worden gelezen".into(),
        _ => "kon niet als CSV worden gelezen".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::Theme;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn ok_rows(rows: &[CsvRow]) -> Vec<&Signal> {
        rows.iter().filter_map(|r| r.result.as_ref().ok()).collect()
    }

    #[test]
    fn reads_what_dutch_excel_writes() {
        let file = "\u{feff}datum;bron;wijk;thema's;omschrijving\r\n\
            14-09-2026;verbinders;Moerwijk;financien,huisvesting;\"Zoon weer thuis; bijstand omlaag\"\r\n\
            3-7-2026;moeders;Schilderswijk;;\"Twee regels:\r\nportiek al weken onveilig\"\r\n";
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 2);
        let signals = ok_rows(&rows);
        assert_eq!(signals.len(), 2, "{rows:?}");
        assert_eq!(signals[0].text, "Zoon weer thuis; bijstand omlaag");
        assert_eq!(
            signals[0].themes,
            vec![Theme::Financien, Theme::Huisvesting]
        );
        assert_eq!(signals[0].observed_on.to_string(), "2026-09-14");
        assert_eq!(signals[1].text, "Twee regels:\nportiek al weken onveilig");
        assert_eq!(signals[1].observed_on.to_string(), "2026-07-03");
        assert_eq!(rows[1].line, 3);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_and_column_and_good_rows_survive() {
        let file = "datum;bron;wijk;omschrijving;naam\n\
            14-09-2026;verbinders;Moerwijk;Bijstand omlaag door kostendelersnorm;\n\
            31-02-2026;verbinders;Moerwijk;Datum bestaat niet;\n\
            14-09-2026;verbinders;Moerwijk;Met naam;Fatima\n\
            14-09-2026;;Moerwijk;Zonder bron;\n";
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows[0].result.is_ok());
        let bad_date = rows[1].result.as_ref().unwrap_err();
        assert_eq!((rows[1].line, bad_date[0].field.as_str()), (3, "datum"));
        let named = rows[2].result.as_ref().unwrap_err();
        assert_eq!(named[0].field, "naam");
        assert!(named[0].message.contains("persoonsgegevens"));
        let no_source = rows[3].result.as_ref().unwrap_err();
        assert_eq!(no_source[0].field, "bron");
    }

    #[test]
    fn windows_1252_files_are_decoded() {
        let mut file = b"datum;bron;wijk;omschrijving\r\n14-09-2026;team;Moerwijk;Financi".to_vec();
        file.push(0xEB); // ë in Windows-1252
        file.extend_from_slice(b"n en schulden\r\n");
        let rows = parse_csv(&file, today()).unwrap();
        assert_eq!(ok_rows(&rows)[0].text, "Financiën en schulden");
    }

    #[test]
    fn missing_required_columns_refuse_the_file() {
        let err = parse_csv(b"datum;wijk\n14-09-2026;Moerwijk\n", today()).unwrap_err();
        assert_eq!(
            err,
            CsvFileError::MissingColumns("bron, omschrijving".into())
        );
        assert_eq!(
            parse_csv(b"\xEF\xBB\xBF \r\n", today()).unwrap_err(),
            CsvFileError::Empty
        );
    }

    #[test]
    fn extra_cells_and_empty_rows() {
        let file = "datum;bron;wijk;omschrijving\n;;;\n14-09-2026;a;b;c;d\n";
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 1, "the empty row is skipped");
        assert_eq!(rows[0].line, 3);
        assert!(rows[0].result.as_ref().unwrap_err()[0]
            .message
            .contains("kolommen"));
    }

    #[test]
    fn comma_separated_files_with_english_headers_work_too() {
        let file =
            "observed_on,source,area,text,wait_days\n2026-09-14,ggz,Moerwijk,Wachtlijst,98\n";
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(ok_rows(&rows)[0].wait_days, Some(98));
    }
}
