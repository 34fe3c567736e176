//! Writing and reading the processing log (*verwerkingslog*, after the Logius standard *Logboek
//! Dataverwerkingen*, LDV). What a record is — its activity, trace context, status and the
//! register of processing activities — lives in `knooppunt_domain::processing_log`.
//!
//! Records are appended, never changed: the table has no update or delete path. They hold ids,
//! codes and counts — never signal text. Writes are batched ([`append`] takes a slice and writes
//! it in a few multi-row statements), so logging the intake of a thousand signals costs a
//! handful of round trips, not a thousand.

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use knooppunt_domain::processing_log::{actions, Activity, Record, Status};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_store::processing_log::{LogEntryRow, LogRow};
use knooppunt_store::Store;
use serde::Serialize;
use serde_json::{json, Value};

/// The records of one engine batch: per stored signal its intake (from the moment intake
/// received it) and its recognition, a child span in the same trace as the HTTP request that
/// brought it in; per quarantined signal its refusal. Ids, channel, source and barriers only.
pub fn engine_records(
    classified: &[knooppunt_domain::cluster::Classified],
    quarantined: &[knooppunt_domain::cluster::Quarantined],
) -> Vec<Record> {
    let now = Utc::now();
    let mut records = Vec::with_capacity(classified.len() * 2 + quarantined.len());
    for item in classified {
        let envelope = &item.envelope;
        let request = TraceContext::from_header(envelope.traceparent.as_deref());
        let intake = if envelope.traceparent.is_some() {
            request.child()
        } else {
            request
        };
        let channel = knooppunt_domain::cluster::channel_name(envelope);
        records.push(Record {
            trace: intake.clone(),
            name: actions::SIGNAL_RECEIVED.into(),
            start: envelope.received_at,
            end: now,
            status: Status::Ok,
            actor: format!("system:intake-{channel}"),
            activity: Activity::Intake,
            attributes: json!({
                "signal_id": envelope.id(),
                "source": envelope.signal.source,
                "channel": channel,
            }),
        });
        records.push(Record {
            trace: intake.child(),
            name: actions::SIGNAL_CLASSIFIED.into(),
            start: now,
            end: now,
            status: Status::Ok,
            actor: "system:regelmotor".into(),
            activity: Activity::Recognition,
            attributes: json!({
                "signal_id": envelope.id(),
                "source": envelope.signal.source,
                "barriers": item.barriers().collect::<Vec<_>>(),
                "rules_version": item.rules_version,
            }),
        });
    }
    for item in quarantined {
        records.push(Record {
            trace: TraceContext::new_root(),
            name: actions::SIGNAL_QUARANTINED.into(),
            start: now,
            end: now,
            status: Status::Error,
            actor: "system:regelmotor".into(),
            activity: Activity::Recognition,
            attributes: json!({
                "signal_id": item.signal_id,
                "source": item.source,
                "channel": item.channel,
                "kinds": item.kinds,
            }),
        });
    }
    records
}

/// A record as read back, shaped after the LDV interface (one JSON line in the export).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub name: String,
    pub start_time: String,
    pub end_time: String,
    pub status: String,
    pub status_code: String,
    pub actor: String,
    pub processing_activity_id: String,
    pub attributes: Value,
}

impl Entry {
    /// The export line: the LDV fields, with the activity and actor as attributes.
    pub fn to_ldv(&self) -> Value {
        let mut attributes = match &self.attributes {
            Value::Object(map) => map.clone(),
            _ => serde_json::Map::new(),
        };
        attributes.insert(
            "dpl.core.processing_activity_id".into(),
            json!(self.processing_activity_id),
        );
        attributes.insert("knooppunt.actor".into(), json!(self.actor));
        json!({
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": (!self.parent_span_id.is_empty()).then_some(&self.parent_span_id),
            "name": self.name,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "status_code": self.status_code,
            "resource": {"name": "knooppunt", "version": env!("CARGO_PKG_VERSION")},
            "attributes": attributes,
        })
    }
}

/// What to show.
pub use knooppunt_store::processing_log::Filter;

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The records as the store keeps them.
pub fn rows(records: &[Record]) -> Vec<LogRow> {
    records.iter().map(LogRow::from).collect()
}

/// Appends records on a connection (or inside a transaction), in a few statements.
pub async fn append_on(conn: &mut sqlx::AnyConnection, records: &[Record]) -> anyhow::Result<()> {
    knooppunt_store::processing_log::append_on(conn, &rows(records))
        .await
        .context("verwerkingslog bijschrijven")
}

/// Appends records in one transaction.
pub async fn append(store: &Store, records: &[Record]) -> anyhow::Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    store
        .append_processing_log(&rows(records))
        .await
        .context("verwerkingslog vastleggen")
}

/// Appends records; a failure is reported in the service log (ids and counts only) and does
/// not fail the action that was logged, which already happened.
pub async fn append_or_warn(store: &Store, records: &[Record]) {
    if let Err(error) = append(store, records).await {
        tracing::error!(error = %format!("{error:#}"), records = records.len(), "Processing log write failed");
    }
}

/// The records that pass `filter`, newest first.
pub async fn entries(store: &Store, filter: &Filter) -> anyhow::Result<Vec<Entry>> {
    let rows = store
        .processing_log(filter)
        .await
        .context("verwerkingslog lezen")?;
    Ok(rows.into_iter().map(Entry::from).collect())
}

impl From<LogEntryRow> for Entry {
    fn from(LogEntryRow { seq, record }: LogEntryRow) -> Self {
        Entry {
            seq,
            trace_id: record.trace_id,
            span_id: record.span_id,
            parent_span_id: record.parent_span_id,
            name: record.name,
            start_time: time(&record.start_time),
            end_time: time(&record.end_time),
            status_code: if record.status == "ok" {
                Status::Ok.code().to_string()
            } else {
                Status::Error.code().to_string()
            },
            status: record.status,
            actor: record.actor,
            processing_activity_id: record.activity_id,
            attributes: record.attributes,
        }
    }
}

/// The entries as JSON lines in the LDV shape, oldest first.
pub fn to_json_lines(entries: &[Entry]) -> String {
    let mut out = String::new();
    for entry in entries.iter().rev() {
        out.push_str(&entry.to_ldv().to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_line_has_the_ldv_fields() {
        let entry = Entry {
            seq: 1,
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
            span_id: "00f067aa0ba902b7".into(),
            parent_span_id: String::new(),
            name: actions::SIGNAL_RECEIVED.into(),
            start_time: "2026-11-30T10:00:00.000000Z".into(),
            end_time: "2026-11-30T10:00:00.000000Z".into(),
            status: "ok".into(),
            status_code: "STATUS_CODE_OK".into(),
            actor: "token:wijkteam".into(),
            processing_activity_id: "RvA-17".into(),
            attributes: json!({"channel": "http"}),
        };
        let line = entry.to_ldv();
        for field in [
            "trace_id",
            "span_id",
            "name",
            "start_time",
            "end_time",
            "status_code",
        ] {
            assert!(line.get(field).is_some(), "{field}");
        }
        assert_eq!(
            line["attributes"]["dpl.core.processing_activity_id"],
            "RvA-17"
        );
        assert!(line["parent_span_id"].is_null());
    }
}
