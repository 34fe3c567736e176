//! The processing log (*verwerkingslog*) after the Logius standard *Logboek Dataverwerkingen*
//! (LDV): one record per action on signal data, with the W3C Trace Context ids that tie the
//! actions of one signal together (`trace_id`, `span_id`, `parent_span_id`), the action's
//! `name`, `start_time` and `end_time`, its status, the actor (a user, a partner token's source,
//! or `system:<component>`) and the processing activity it belongs to, from a configured
//! register ([`Register`]).
//!
//! Records are appended, never changed: the table has no update or delete path. They hold ids,
//! codes and counts — never signal text. Writes are batched ([`append`] takes a slice and writes
//! it in a few multi-row statements), so logging the intake of a thousand signals costs a
//! handful of round trips, not a thousand.

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use knooppunt_store::processing_log::{LogEntryRow, LogRow};
use knooppunt_store::Store;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The processing activities (*verwerkingsactiviteiten*) Knooppunt performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Activity {
    /// Receiving signals: API, form, CSV import, Kafka.
    Intake,
    /// Classifying, clustering and promoting (the rules engine).
    Recognition,
    /// The overleg's review: decisions, views of signal text, sign-ins, administration.
    Review,
    /// Briefs, exports and downloads.
    Publication,
    /// Retention: purging what is past its term.
    Retention,
}

impl Activity {
    pub const ALL: [Activity; 5] = [
        Activity::Intake,
        Activity::Recognition,
        Activity::Review,
        Activity::Publication,
        Activity::Retention,
    ];

    /// The key used in the configuration (`[processing_log.activities]`).
    pub fn key(self) -> &'static str {
        match self {
            Activity::Intake => "intake",
            Activity::Recognition => "recognition",
            Activity::Review => "review",
            Activity::Publication => "publication",
            Activity::Retention => "retention",
        }
    }
}

/// The register of processing activities: the id of each activity in the organisation's
/// register (*register van verwerkingsactiviteiten*, AVG art. 30).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    ids: BTreeMap<Activity, String>,
}

impl Default for Register {
    fn default() -> Self {
        Self {
            ids: Activity::ALL
                .iter()
                .map(|a| (*a, format!("knooppunt-{}", a.key())))
                .collect(),
        }
    }
}

impl Register {
    /// From the configured key → id map; a missing key keeps its default id. Unknown keys are
    /// returned as errors (in Dutch).
    pub fn from_config(configured: &BTreeMap<String, String>) -> Result<Self, Vec<String>> {
        let mut register = Self::default();
        let mut errors = Vec::new();
        for (key, id) in configured {
            match Activity::ALL.iter().find(|a| a.key() == key) {
                Some(activity) if !id.trim().is_empty() => {
                    register.ids.insert(*activity, id.trim().to_string());
                }
                Some(_) => errors.push(format!("processing_log.activities.{key}: leeg id")),
                None => errors.push(format!(
                    "processing_log.activities.{key}: onbekende verwerkingsactiviteit \
                     (bekend: intake, recognition, review, publication, retention)"
                )),
            }
        }
        if errors.is_empty() {
            Ok(register)
        } else {
            Err(errors)
        }
    }

    pub fn id(&self, activity: Activity) -> &str {
        self.ids.get(&activity).map_or("", String::as_str)
    }
}

static REGISTER: OnceLock<Register> = OnceLock::new();

/// Sets the process's register of processing activities (once, at start-up).
pub fn set_register(register: Register) {
    let _ = REGISTER.set(register);
}

fn register() -> &'static Register {
    REGISTER.get_or_init(Register::default)
}

/// W3C Trace Context: the trace a record belongs to and its own span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceContext {
    pub trace_id: String,
    pub span_id: String,
    /// The span that caused this one, "" for the first of a trace.
    pub parent_span_id: String,
}

fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    // Random v4 UUIDs (122 random bits each); a few bits are fixed, which W3C allows.
    out.truncate(bytes * 2);
    out
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && text.bytes().any(|b| b != b'0')
}

impl TraceContext {
    /// A new trace with its first span.
    pub fn new_root() -> Self {
        Self {
            trace_id: random_hex(16),
            span_id: random_hex(8),
            parent_span_id: String::new(),
        }
    }

    /// Parses a `traceparent` header (`00-<trace-id>-<parent-id>-<flags>`); the result is the
    /// caller's span, so use [`TraceContext::child`] for the work done here.
    pub fn parse(traceparent: &str) -> Option<Self> {
        let mut parts = traceparent.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let version_ok = version.len() == 2
            && version
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !version_ok || version == "ff" {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        if flags.len() != 2 || !flags.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        (is_hex(trace, 32) && is_hex(span, 16)).then(|| Self {
            trace_id: trace.to_string(),
            span_id: span.to_string(),
            parent_span_id: String::new(),
        })
    }

    /// The caller's context from a `traceparent` header, or a new trace.
    pub fn from_header(traceparent: Option<&str>) -> Self {
        traceparent
            .and_then(Self::parse)
            .unwrap_or_else(Self::new_root)
    }

    /// A new span in this trace, caused by this one.
    pub fn child(&self) -> Self {
        Self {
            trace_id: self.trace_id.clone(),
            span_id: random_hex(8),
            parent_span_id: self.span_id.clone(),
        }
    }

    /// The `traceparent` header for this span (sampled).
    pub fn header(&self) -> String {
        format!("00-{}-{}-01", self.trace_id, self.span_id)
    }
}

/// Whether an action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Ok,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
        }
    }

    /// The LDV `status_code`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Ok => "STATUS_CODE_OK",
            Status::Error => "STATUS_CODE_ERROR",
        }
    }
}

/// One action, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub trace: TraceContext,
    /// The action, e.g. `signaal-ontvangen` (see [`actions`]).
    pub name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: Status,
    /// A user name, a partner's source (`token:<source>`), or `system:<component>`.
    pub actor: String,
    pub activity: Activity,
    /// Ids, codes and counts. Never text a person wrote.
    pub attributes: Value,
}

/// The names of the logged actions.
pub mod actions {
    pub const SIGNAL_RECEIVED: &str = "signaal-ontvangen";
    pub const SIGNAL_CLASSIFIED: &str = "signaal-ingedeeld";
    pub const SIGNAL_QUARANTINED: &str = "signaal-geweigerd";
    pub const DECISION: &str = "besluit";
    pub const CLUSTER_VIEWED: &str = "cluster-bekeken";
    pub const BRIEF_DOWNLOADED: &str = "brief-gedownload";
    pub const EXPORT: &str = "export";
    pub const SIGN_IN: &str = "aanmelden";
    pub const SIGN_IN_FAILED: &str = "aanmelden-mislukt";
    pub const ADMINISTRATION: &str = "beheer";
    pub const RETENTION_PURGE: &str = "bewaartermijn-opgeschoond";
    pub const LOG_EXPORTED: &str = "verwerkingslog-geexporteerd";
}

impl Record {
    /// An action that took no measurable time and succeeded, at `now`.
    pub fn instant(
        trace: TraceContext,
        name: &str,
        actor: &str,
        activity: Activity,
        attributes: Value,
    ) -> Self {
        let now = Utc::now();
        Self {
            trace,
            name: name.to_string(),
            start: now,
            end: now,
            status: Status::Ok,
            actor: actor.to_string(),
            activity,
            attributes,
        }
    }

    pub fn with_status(mut self, status: Status) -> Self {
        self.status = status;
        self
    }

    pub fn started(mut self, start: DateTime<Utc>) -> Self {
        self.start = start;
        self
    }
}

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

/// A record as the store keeps it.
fn row(record: &Record, register: &Register) -> LogRow {
    LogRow {
        trace_id: record.trace.trace_id.clone(),
        span_id: record.trace.span_id.clone(),
        parent_span_id: record.trace.parent_span_id.clone(),
        name: record.name.clone(),
        start_time: record.start,
        end_time: record.end,
        status: record.status.as_str().to_string(),
        actor: record.actor.clone(),
        activity_id: register.id(record.activity).to_string(),
        attributes: record.attributes.clone(),
    }
}

/// A record as a processing-log row, for the store to write inside its own transactions.
pub fn log_row(record: &Record) -> LogRow {
    row(record, register())
}

/// The records as the store keeps them.
pub fn rows(records: &[Record]) -> Vec<LogRow> {
    let register = register();
    records.iter().map(|r| row(r, register)).collect()
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
    fn traceparent_round_trip_and_children() {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let parent = TraceContext::parse(header).unwrap();
        assert_eq!(parent.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(parent.header(), header);
        let child = parent.child();
        assert_eq!(child.trace_id, parent.trace_id);
        assert_eq!(child.parent_span_id, "00f067aa0ba902b7");
        assert_ne!(child.span_id, parent.span_id);
        assert!(TraceContext::parse(&child.header()).is_some());
    }

    #[test]
    fn bad_traceparents_start_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::parse(bad).is_none(), "{bad}");
        }
        let fresh = TraceContext::from_header(Some("rommel"));
        assert!(is_hex(&fresh.trace_id, 32) && is_hex(&fresh.span_id, 16));
        assert!(fresh.parent_span_id.is_empty());
    }

    #[test]
    fn the_register_takes_configured_ids_and_refuses_unknown_keys() {
        let mut configured = BTreeMap::new();
        configured.insert("intake".to_string(), "RvA-17".to_string());
        let register = Register::from_config(&configured).unwrap();
        assert_eq!(register.id(Activity::Intake), "RvA-17");
        assert_eq!(register.id(Activity::Retention), "knooppunt-retention");
        configured.insert("marketing".to_string(), "x".to_string());
        let errors = Register::from_config(&configured).unwrap_err();
        assert!(errors[0].contains("marketing"), "{errors:?}");
    }

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
