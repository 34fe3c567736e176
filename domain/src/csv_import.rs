//! Reading signals from the CSV files teams keep in Excel.
//!
//! Dutch Excel writes `;` as separator, may start the file with a UTF-8 byte-order mark (or, for
//! "CSV (gescheiden door lijstscheidingsteken)", use Windows-1252 instead of UTF-8), ends lines
//! with CRLF, quotes fields that contain `;` or line breaks, and writes dates as `dd-mm-jjjj`.
//! Column headers are Dutch (`datum;bron;wijk;thema's;omschrijving`); the contract's English
//! names are accepted too. Pure: bytes in, one result per data row out.

use crate::signal::{FieldError, Signal};
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
    #[error("{}", crate::text_file::UTF16_MESSAGE)]
    Utf16,
    #[error("de kopregel heeft {0} kolommen; maximaal {MAX_COLUMNS}")]
    TooManyColumns(usize),
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

/// The encoding a CSV file was read in; chosen once per file, never per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark ("CSV UTF-8" in Excel).
    Utf8Bom,
    Utf8,
    /// Older Excel's "CSV (gescheiden door lijstscheidingsteken)".
    Windows1252,
}

impl std::fmt::Display for CsvEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CsvEncoding::Utf8Bom => "UTF-8 (met BOM)",
            CsvEncoding::Utf8 => "UTF-8",
            CsvEncoding::Windows1252 => "Windows-1252",
        })
    }
}

/// A read CSV file: its encoding and one outcome per data row.
#[derive(Debug)]
pub struct CsvFile {
    pub encoding: CsvEncoding,
    pub rows: Vec<CsvRow>,
    /// The header's columns as (contract field, header as written): to name the fields of
    /// errors found later (the register's, intake's) as the file names them.
    pub columns: Vec<(String, String)>,
}

/// Most columns a header may have: the contract has eight, Excel adds a few empty ones.
pub const MAX_COLUMNS: usize = 100;

/// The refusal for a row with bytes that are not UTF-8 in a file that is otherwise UTF-8.
const NOT_UTF8: &str =
    "geen geldige UTF-8; het bestand mengt coderingen — sla het op als 'CSV UTF-8'";

/// Decodes the whole file in one encoding: UTF-8 when it has a BOM or is valid UTF-8 (or holds
/// valid UTF-8 beyond ASCII, so reading it as Windows-1252 would garble those characters; its
/// invalid bytes then mark their rows as refused), else Windows-1252. Never mixes the two.
fn decode(bytes: &[u8]) -> (Cow<'_, str>, CsvEncoding, bool) {
    if let Some(rest) = bytes.strip_prefix(crate::text_file::UTF8_BOM) {
        let text = String::from_utf8_lossy(rest);
        let lossy = matches!(text, Cow::Owned(_));
        return (text, CsvEncoding::Utf8Bom, lossy);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), CsvEncoding::Utf8, false);
    }
    if holds_utf8_beyond_ascii(bytes) {
        return (String::from_utf8_lossy(bytes), CsvEncoding::Utf8, true);
    }
    let text = encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0;
    (text, CsvEncoding::Windows1252, false)
}

/// Whether the bytes contain at least one valid multi-byte UTF-8 sequence.
fn holds_utf8_beyond_ascii(mut bytes: &[u8]) -> bool {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => return !text.is_ascii(),
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                if valid.iter().any(|b| !b.is_ascii()) {
                    return true;
                }
                let skip = e.error_len().unwrap_or(bytes.len() - e.valid_up_to());
                bytes = &bytes[e.valid_up_to() + skip..];
            }
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
    parse_csv_file(bytes, today).map(|file| file.rows)
}

/// Like [`parse_csv`], also saying which encoding the file was read in.
pub fn parse_csv_file(bytes: &[u8], today: NaiveDate) -> Result<CsvFile, CsvFileError> {
    parse_csv_file_with(bytes, today, None)
}

/// Like [`parse_csv_file`], for a file a team uploads as itself: the `bron` column may be left
/// out, and a row without a source is the team's. (Whether a source that is given is the
/// team's own is checked once the register has mapped it: see the intake's import.)
pub fn parse_team_csv_file(
    bytes: &[u8],
    today: NaiveDate,
    team: &str,
) -> Result<CsvFile, CsvFileError> {
    parse_csv_file_with(bytes, today, Some(team))
}

fn parse_csv_file_with(
    bytes: &[u8],
    today: NaiveDate,
    team: Option<&str>,
) -> Result<CsvFile, CsvFileError> {
    if crate::text_file::looks_like_utf16(bytes) {
        return Err(CsvFileError::Utf16);
    }
    let (text, encoding, lossy) = decode(bytes);
    if text.trim().is_empty() {
        return Err(CsvFileError::Empty);
    }
    let lines = crate::text_file::LineIndex::new(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(&text))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let columns = columns(&mut reader, team.is_none())?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                rows.push(CsvRow {
                    line,
                    result: Err(vec![FieldError::new("regel", csv_error_kind(&e))]),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue; // Excel writes ";;;;" for rows that only had formatting.
        }
        let result = parse_record(&record, &columns, lossy, today, team);
        rows.push(CsvRow { line, result });
    }
    Ok(CsvFile {
        encoding,
        rows,
        columns,
    })
}

/// The header's columns as (contract field, header as written), after checking that there
/// are not too many, none twice and every required one (`bron` only when `source_required`).
fn columns(
    reader: &mut csv::Reader<&[u8]>,
    source_required: bool,
) -> Result<Vec<(String, String)>, CsvFileError> {
    let headers = reader
        .headers()
        .map_err(|e| CsvFileError::Unreadable(csv_error_kind(&e)))?
        .clone();
    let columns: Vec<(String, String)> = headers
        .iter()
        .map(|h| (contract_field(h).into_owned(), h.trim().to_string()))
        .collect();
    if columns.len() > MAX_COLUMNS {
        return Err(CsvFileError::TooManyColumns(columns.len()));
    }
    let mut seen = std::collections::HashSet::with_capacity(columns.len());
    for (field, header) in &columns {
        if !seen.insert(field.as_str()) {
            return Err(CsvFileError::DuplicateColumn(
                crate::signal::shown_field_name(header),
            ));
        }
    }
    let missing: Vec<&str> = [
        ("observed_on", "datum"),
        ("source", "bron"),
        ("area", "wijk"),
        ("text", "omschrijving"),
    ]
    .iter()
    .filter(|(field, _)| source_required || *field != "source")
    .filter(|(field, _)| !columns.iter().any(|(f, _)| f == field))
    .map(|(_, dutch)| *dutch)
    .collect();
    if !missing.is_empty() {
        return Err(CsvFileError::MissingColumns(missing.join(", ")));
    }
    Ok(columns)
}

/// One data row as a signal, or its errors named by the file's own column headers; a row
/// without a source is `team`'s, when the file is a team's.
fn parse_record(
    record: &csv::StringRecord,
    columns: &[(String, String)],
    lossy: bool,
    today: NaiveDate,
    team: Option<&str>,
) -> Result<Signal, Vec<FieldError>> {
    if lossy && record.iter().any(|cell| cell.contains('\u{FFFD}')) {
        return Err(vec![FieldError::new("regel", NOT_UTF8)]);
    }
    if record.len() > columns.len() {
        return Err(vec![FieldError::new(
            "regel",
            format!(
                "heeft {} kolommen, de kopregel maar {}",
                record.len(),
                columns.len()
            ),
        )]);
    }
    let mut object = Map::new();
    for ((field, _), cell) in columns.iter().zip(record.iter()) {
        if cell.trim().is_empty() {
            continue;
        }
        let value = if field == "themes" {
            // A cell holds text; the contract wants a list.
            Value::Array(
                cell.split([',', '|', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
            )
        } else {
            Value::String(cell.to_string())
        };
        object.insert(field.clone(), value);
    }
    if let Some(team) = team {
        object
            .entry("source")
            .or_insert_with(|| Value::String(team.to_string()));
    }
    crate::register::parse_signal(&Value::Object(object), today)
        .map_err(|errors| named_as_in_file(columns, errors))
}

/// `errors` with each field named as the file's header names its column (`area` → `wijk`,
/// `source` → `bron`); a field without a column keeps its name.
pub fn named_as_in_file(columns: &[(String, String)], errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if let Some((_, header)) = columns.iter().find(|(f, _)| *f == e.field) {
                e.field = header.clone();
            }
            e
        })
        .collect()
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
        assert_eq!(signals[0].themes, vec![Theme::Finances, Theme::Housing]);
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
    fn a_teams_file_may_leave_out_the_source_and_its_rows_are_the_teams() {
        let file = "datum;wijk;omschrijving\n14-09-2026;Moerwijk;Bijstand omlaag\n";
        assert_eq!(
            parse_csv_file(file.as_bytes(), today()).unwrap_err(),
            CsvFileError::MissingColumns("bron".into())
        );
        let read = parse_team_csv_file(file.as_bytes(), today(), "verbinders").unwrap();
        let signals = ok_rows(&read.rows);
        assert_eq!(signals.len(), 1, "{:?}", read.rows);
        assert_eq!(signals[0].source, "verbinders");
        // A source that is given stays as given (the intake checks it is the team's), and an
        // empty cell is the team's.
        let given = "datum;bron;wijk;omschrijving\n\
            14-09-2026;moeders;Moerwijk;Bijstand omlaag\n\
            14-09-2026;;Moerwijk;Bijstand omlaag\n";
        let read = parse_team_csv_file(given.as_bytes(), today(), "verbinders").unwrap();
        let sources: Vec<&str> = ok_rows(&read.rows)
            .iter()
            .map(|s| s.source.as_str())
            .collect();
        assert_eq!(sources, ["moeders", "verbinders"]);
        // The other required columns stay required.
        let no_area = "datum;omschrijving\n14-09-2026;Bijstand omlaag\n";
        assert_eq!(
            parse_team_csv_file(no_area.as_bytes(), today(), "verbinders").unwrap_err(),
            CsvFileError::MissingColumns("wijk".into())
        );
    }

    #[test]
    fn an_unknown_wijk_is_named_beside_a_bad_date_under_its_column() {
        let file = "datum;bron;wijk;omschrijving
            31-02-2026;Schilderswijk Moeders;Nergenshuizen;Datum en wijk kloppen niet
";
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        let errors = rows[0].result.as_ref().unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(columns, ["datum", "wijk"], "{errors:?}");
        assert!(errors[1].message.starts_with("onbekende wijk of buurt"));
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

    fn file_of(bytes: &[u8]) -> CsvFile {
        parse_csv_file(bytes, today()).unwrap()
    }

    #[test]
    fn one_encoding_per_file_and_it_is_named() {
        let utf8 = "datum;bron;wijk;omschrijving\n14-09-2026;t;Laak;Financiën\n";
        assert_eq!(file_of(utf8.as_bytes()).encoding, CsvEncoding::Utf8);
        let bom = format!("\u{feff}{utf8}");
        assert_eq!(file_of(bom.as_bytes()).encoding, CsvEncoding::Utf8Bom);
        let mut cp1252 = b"datum;bron;wijk;omschrijving\n14-09-2026;t;Laak;Financi".to_vec();
        cp1252.extend_from_slice(b"\xEBn\n");
        let file = file_of(&cp1252);
        assert_eq!(file.encoding, CsvEncoding::Windows1252);
        assert_eq!(ok_rows(&file.rows)[0].text, "Financiën");
    }

    #[test]
    fn a_mixed_file_is_read_as_utf8_and_its_bad_rows_refused() {
        // Excel pasted a Windows-1252 line into a UTF-8 file: reading it all as 1252 would
        // garble the good lines ("FinanciÃ«n"), so it is UTF-8 and the bad line is refused.
        for prefix in [&b""[..], crate::text_file::UTF8_BOM] {
            let mut file = prefix.to_vec();
            file.extend_from_slice(
                "datum;bron;wijk;omschrijving\n14-09-2026;t;Laak;Financiën\n".as_bytes(),
            );
            file.extend_from_slice(b"14-09-2026;t;Laak;Financi\xEBn\n14-09-2026;t;Laak;Goed\n");
            let file = file_of(&file);
            assert_ne!(file.encoding, CsvEncoding::Windows1252);
            assert_eq!(file.rows.len(), 3);
            assert_eq!(file.rows[0].result.as_ref().unwrap().text, "Financiën");
            let bad = file.rows[1].result.as_ref().unwrap_err();
            assert_eq!((file.rows[1].line, bad[0].field.as_str()), (3, "regel"));
            assert!(bad[0].message.contains("geen geldige UTF-8"));
            assert!(file.rows[2].result.is_ok());
        }
    }

    #[test]
    fn utf16_files_get_one_error_and_cr_line_ends_are_counted() {
        let utf16 = crate::text_file::tests::utf16le("datum;bron;wijk;omschrijving\r\n");
        assert_eq!(parse_csv(&utf16, today()).unwrap_err(), CsvFileError::Utf16);
        let rows = parse_csv(
            b"datum;bron;wijk;omschrijving\r14-09-2026;t;Laak;a\r31-02-2026;t;Laak;b\r",
            today(),
        )
        .unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn header_width_is_capped_and_duplicates_found() {
        let wide = format!("datum;bron;wijk;omschrijving{}\n", ";x".repeat(MAX_COLUMNS));
        assert_eq!(
            parse_csv(wide.as_bytes(), today()).unwrap_err(),
            CsvFileError::TooManyColumns(MAX_COLUMNS + 4)
        );
        assert_eq!(
            parse_csv(b"datum;bron;wijk;omschrijving;Tekst\n", today()).unwrap_err(),
            CsvFileError::DuplicateColumn("Tekst".into())
        );
    }

    /// Bounded by work, not time: 100,000 columns and 60,000 rows both finish (the old
    /// quadratic checks took 10 s and 67 s; `cargo bench --bench csv_import` measures them).
    #[test]
    fn huge_headers_and_many_rows_are_linear() {
        let header: String = (0..100_000).map(|i| format!("kolom{i};")).collect();
        assert_eq!(
            parse_csv(header.as_bytes(), today()).unwrap_err(),
            CsvFileError::TooManyColumns(100_001)
        );
        let mut file = String::from("datum;bron;wijk;omschrijving\r\n");
        for i in 0..60_000 {
            file.push_str(&format!("14-09-2026;team;Laak;Melding {i}\r\n"));
        }
        let rows = parse_csv(file.as_bytes(), today()).unwrap();
        assert_eq!(rows.len(), 60_000);
        assert_eq!(rows[59_999].line, 60_001);
        assert!(rows.iter().all(|r| r.result.is_ok()));
    }
}
