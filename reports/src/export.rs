//! The brief's figures as CSV (for Dutch Excel) and JSON.
//!
//! Rows are built only from a [`PublishedTable`], i.e. after [`crate::disclosure::protect`]:
//! an [`ExportRow`]'s figure cannot be set from outside this module, and [`rows`] refuses a
//! table that shows a count between 0 and its minimum (defence in depth against a table that was
//! edited by hand). Every row carries its provenance: the cluster ids of its knelpunt and the
//! rule-set version.
//!
//! Provenance is per knelpunt, not per cell: listing the clusters of one (hidden) cell would
//! give a lower bound on its count when every cluster holds at least one signal.

use crate::disclosure::{Cell, PublishedTable};
use knooppunt_domain::quarter::Quarter;
use serde::Serialize;
use std::collections::BTreeMap;

/// The label of totals in the area and knelpunt columns.
pub const TOTAL_LABEL: &str = "Totaal";

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "de tabel toont {value} bij '{barrier}' / '{area}', onder de minimale groepsgrootte {min}: \
         exporteer alleen tabellen die door de onderdrukking zijn gegaan"
    )]
    Unsuppressed {
        barrier: String,
        area: String,
        value: u64,
        min: u64,
    },
    #[error("de tabel is onvolledig: rijen, kolommen en totalen hebben niet dezelfde lengte")]
    Malformed,
    #[error("CSV schrijven mislukt: {0}")]
    Csv(#[from] csv::Error),
    #[error("JSON schrijven mislukt: {0}")]
    Json(#[from] serde_json::Error),
}

/// Where the figures come from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// Rule-set version that classified the signals.
    pub rules_version: String,
    /// Cluster ids per knelpunt id.
    pub clusters: BTreeMap<String, Vec<String>>,
}

/// One exported figure: a knelpunt in an area (or a total).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRow {
    #[serde(rename = "kwartaal")]
    pub quarter: String,
    #[serde(rename = "knelpunt")]
    pub barrier: String,
    #[serde(rename = "omschrijving")]
    pub title: String,
    #[serde(rename = "wijk")]
    pub area: String,
    /// The count, or `None` when suppressed.
    #[serde(rename = "aantal")]
    count: Option<u64>,
    /// How the figure is shown: the count or `x` (suppressed).
    #[serde(rename = "weergave")]
    display: String,
    #[serde(rename = "onderdrukt")]
    suppressed: bool,
    #[serde(rename = "clusters")]
    pub cluster_ids: Vec<String>,
    #[serde(rename = "regelset_versie")]
    pub rules_version: String,
    /// The table the figure stands in ("Knelpunten per wijk", "… per stadsdeel", "… voor de
    /// hele gemeente"): a brief may have more than one, each with its own totals. Last, so
    /// that a spreadsheet reading the columns by position still finds the others.
    #[serde(rename = "tabel")]
    pub table: String,
}

impl ExportRow {
    pub fn count(&self) -> Option<u64> {
        self.count
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn suppressed(&self) -> bool {
        self.suppressed
    }
}

/// The rows of a published table named `table_name`: per knelpunt each area and its total,
/// then the area totals and the grand total (knelpunt "Totaal"). `titles` maps knelpunt ids to
/// Dutch titles (the id is used when missing).
pub fn rows(
    quarter: Quarter,
    table_name: &str,
    table: &PublishedTable,
    titles: &BTreeMap<String, String>,
    provenance: &Provenance,
) -> Result<Vec<ExportRow>, ExportError> {
    let width = table.columns.len();
    if table.cells.len() != table.rows.len()
        || table.row_totals.len() != table.rows.len()
        || table.column_totals.len() != width
        || table.cells.iter().any(|line| line.len() != width)
    {
        return Err(ExportError::Malformed);
    }
    let maker = RowMaker {
        quarter: quarter.to_string(),
        table: table_name,
        min: table.min_group_size,
        rules_version: &provenance.rules_version,
    };
    let make = |barrier: &str, title: &str, area: &str, cell: Cell, clusters: Vec<String>| {
        maker.row(barrier, title, area, cell, clusters)
    };
    let mut out = Vec::new();
    for (r, barrier) in table.rows.iter().enumerate() {
        let title = titles.get(barrier).unwrap_or(barrier);
        let clusters = provenance
            .clusters
            .get(barrier)
            .cloned()
            .unwrap_or_default();
        for (area, cell) in table.columns.iter().zip(&table.cells[r]) {
            out.push(make(barrier, title, area, *cell, clusters.clone())?);
        }
        out.push(make(
            barrier,
            title,
            TOTAL_LABEL,
            table.row_totals[r],
            clusters,
        )?);
    }
    let all_clusters: Vec<String> = {
        let mut all: Vec<String> = provenance.clusters.values().flatten().cloned().collect();
        all.sort();
        all.dedup();
        all
    };
    for (area, cell) in table.columns.iter().zip(&table.column_totals) {
        out.push(make(
            TOTAL_LABEL,
            "Alle knelpunten",
            area,
            *cell,
            all_clusters.clone(),
        )?);
    }
    out.push(make(
        TOTAL_LABEL,
        "Alle knelpunten",
        TOTAL_LABEL,
        table.grand_total,
        all_clusters,
    )?);
    Ok(out)
}

/// Makes the rows of one published table, refusing a shown figure below the minimum.
struct RowMaker<'a> {
    quarter: String,
    table: &'a str,
    min: u64,
    rules_version: &'a str,
}

impl RowMaker<'_> {
    fn row(
        &self,
        barrier: &str,
        title: &str,
        area: &str,
        cell: Cell,
        cluster_ids: Vec<String>,
    ) -> Result<ExportRow, ExportError> {
        let min = self.min;
        if let Cell::Shown(value) = cell {
            if value > 0 && value < min {
                return Err(ExportError::Unsuppressed {
                    barrier: barrier.to_string(),
                    area: area.to_string(),
                    value,
                    min,
                });
            }
        }
        Ok(ExportRow {
            quarter: self.quarter.clone(),
            table: self.table.to_string(),
            barrier: barrier.to_string(),
            title: title.to_string(),
            area: area.to_string(),
            count: cell.value(),
            display: cell.render(min),
            suppressed: cell == Cell::Suppressed,
            cluster_ids,
            rules_version: self.rules_version.to_string(),
        })
    }
}

/// Protects a field against formula injection in spreadsheets (`=`, `+`, `-`, `@`, tab, CR).
fn spreadsheet_safe(field: &str) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field.to_string(),
    }
}

/// CSV for Dutch Excel: UTF-8 with byte-order mark, `;` as separator, Dutch header.
pub fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record([
        "Kwartaal",
        "Knelpunt",
        "Omschrijving",
        "Wijk",
        "Aantal signalen",
        "Onderdrukt",
        "Clusters",
        "Regelsetversie",
        "Tabel",
    ])?;
    for row in rows {
        writer.write_record([
            row.quarter.clone(),
            spreadsheet_safe(&row.barrier),
            spreadsheet_safe(&row.title),
            spreadsheet_safe(&row.area),
            row.display.clone(),
            if row.suppressed { "ja" } else { "nee" }.to_string(),
            spreadsheet_safe(&row.cluster_ids.join(", ")),
            spreadsheet_safe(&row.rules_version),
            spreadsheet_safe(&row.table),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

#[derive(Serialize)]
struct JsonExport<'a> {
    minimale_groepsgrootte: u64,
    cijfers: &'a [ExportRow],
}

/// JSON: `{"minimale_groepsgrootte": 5, "cijfers": [...]}`; a suppressed figure has
/// `"aantal": null`, `"weergave": "x"`, `"onderdrukt": true`.
pub fn to_json(rows: &[ExportRow], min_group_size: u64) -> Result<String, ExportError> {
    Ok(serde_json::to_string_pretty(&JsonExport {
        minimale_groepsgrootte: min_group_size,
        cijfers: rows,
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::{protect, CountTable, DisclosureOptions};

    fn published() -> PublishedTable {
        let raw = CountTable::new(
            vec!["kostendelersnorm".into(), "wachtlijst-ggz".into()],
            vec!["Noord".into(), "Zuid".into(), "=Haven".into()],
            vec![vec![3, 10, 12], vec![8, 9, 20]],
        )
        .unwrap();
        protect(&raw, &DisclosureOptions::default()).unwrap().table
    }

    fn provenance() -> Provenance {
        Provenance {
            rules_version: "2026.3".into(),
            clusters: [
                (
                    "kostendelersnorm".to_string(),
                    vec!["c-7".to_string(), "c-2".to_string()],
                ),
                ("wachtlijst-ggz".to_string(), vec!["c-9".to_string()]),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn titles() -> BTreeMap<String, String> {
        [(
            "kostendelersnorm".to_string(),
            "Kostendelersnorm; verlaagt \"uitkering\"".to_string(),
        )]
        .into_iter()
        .collect()
    }

    const WIJK: &str = "Knelpunten per wijk";
    const Q3: Quarter = Quarter {
        year: 2026,
        quarter: 3,
    };

    /// The rows of the protected test table for 2026Q3.
    fn published_rows() -> Vec<ExportRow> {
        rows(Q3, WIJK, &published(), &titles(), &provenance()).unwrap()
    }

    #[test]
    fn rows_carry_suppressed_figures_and_provenance() {
        let rows = published_rows();
        // 2 knelpunten × (3 areas + total) + 3 area totals + grand total.
        assert_eq!(rows.len(), 12);
        let first = &rows[0];
        assert_eq!(first.area, "Noord");
        assert_eq!(first.count(), None);
        assert_eq!(first.display(), "x");
        assert!(first.suppressed());
        assert_eq!(first.cluster_ids, vec!["c-7", "c-2"]);
        assert_eq!(first.rules_version, "2026.3");
        assert_eq!(rows[1].count(), None, "secondary suppression survives");
        assert_eq!(rows[3].area, TOTAL_LABEL);
        assert_eq!(rows[3].count(), Some(25));
        assert_eq!(rows[5].title, "wachtlijst-ggz", "id when no title");
        let grand = rows.last().unwrap();
        assert_eq!(
            (grand.barrier.as_str(), grand.area.as_str()),
            ("Totaal", "Totaal")
        );
        assert_eq!(grand.count(), Some(62));
        assert_eq!(grand.cluster_ids, vec!["c-2", "c-7", "c-9"]);
    }

    #[test]
    fn an_unprotected_table_is_refused() {
        let mut table = published();
        table.cells[0][0] = Cell::Shown(3);
        let err = rows(Q3, WIJK, &table, &titles(), &provenance()).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("toont 3"), "{message}");
        assert!(message.contains("onderdrukking"));
        table.row_totals.pop();
        assert!(matches!(
            rows(Q3, WIJK, &table, &titles(), &provenance()),
            Err(ExportError::Malformed)
        ));
    }

    #[test]
    fn csv_is_for_dutch_excel() {
        let rows = published_rows();
        let bytes = to_csv(&rows).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("Kwartaal;Knelpunt;Omschrijving;Wijk;Aantal signalen;Onderdrukt;Clusters;Regelsetversie;Tabel")
        );
        assert_eq!(
            lines.next(),
            Some("2026Q3;kostendelersnorm;\"Kostendelersnorm; verlaagt \"\"uitkering\"\"\";Noord;x;ja;c-7, c-2;2026.3;Knelpunten per wijk")
        );
        assert!(text.contains(";'=Haven;"), "formula injection is defused");
        assert!(text.contains(
            "2026Q3;Totaal;Alle knelpunten;Totaal;62;nee;c-2, c-7, c-9;2026.3;Knelpunten per wijk"
        ));
        // Read back with the same dialect: one record per row, nine fields each.
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), rows.len());
        assert!(records.iter().all(|r| r.len() == 9));
        assert!(!text.contains(";3;"), "the hidden 3 is nowhere");
    }

    #[test]
    fn json_has_dutch_keys_and_null_for_suppressed() {
        let rows = published_rows();
        let json = to_json(&rows, 5).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["minimale_groepsgrootte"], 5);
        let first = &value["cijfers"][0];
        assert_eq!(first["aantal"], serde_json::Value::Null);
        assert_eq!(first["weergave"], "x");
        assert_eq!(first["onderdrukt"], true);
        assert_eq!(first["clusters"][1], "c-2");
        assert_eq!(first["regelset_versie"], "2026.3");
        assert_eq!(first["tabel"], "Knelpunten per wijk");
        assert_eq!(value["cijfers"][3]["aantal"], 25);
        assert_eq!(value["cijfers"].as_array().unwrap().len(), 12);
    }
}
