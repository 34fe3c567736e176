//! The processing log (`processing_log`): appending records (alone or inside another
//! write's transaction) and reading them back by filter. The record's meaning (activities,
//! trace context, the LDV shape) lives in `knooppunt_domain::processing_log`; here it is rows.

use crate::{Store, StoreResult, Text};
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::processing_log::{register, Record};

/// One record as stored: ids, codes and counts, never signal text.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogRow {
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    pub name: String,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub start_time: DateTime<Utc>,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub end_time: DateTime<Utc>,
    pub status: String,
    pub actor: String,
    pub activity_id: String,
    #[sqlx(try_from = "Text<serde_json::Value>")]
    pub attributes: serde_json::Value,
}

impl From<&Record> for LogRow {
    /// A record as stored, with its activity's id from the process's register.
    fn from(record: &Record) -> Self {
        LogRow {
            trace_id: record.trace.trace_id.clone(),
            span_id: record.trace.span_id.clone(),
            parent_span_id: record.trace.parent_span_id.clone(),
            name: record.name.clone(),
            start_time: record.start,
            end_time: record.end,
            status: record.status.as_str().to_string(),
            actor: record.actor.clone(),
            activity_id: register().id(record.activity).to_string(),
            attributes: record.attributes.clone(),
        }
    }
}

/// One stored record: its place in the log and what was appended.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogEntryRow {
    pub seq: i64,
    #[sqlx(flatten)]
    pub record: LogRow,
}

/// What to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub actor: Option<String>,
    pub name: Option<String>,
    pub trace_id: Option<String>,
    /// From this day (inclusive, UTC).
    pub from: Option<NaiveDate>,
    /// Up to this day (inclusive, UTC).
    pub to: Option<NaiveDate>,
    /// At most this many, newest first; 0: no limit.
    pub limit: i64,
}

/// Rows per statement: 10 parameters each, far below either database's limit.
const ROWS: usize = 500;
const COLUMNS: usize = 10;

/// Appends rows on a connection (or inside a transaction), in a few statements. On SQLite
/// with `?` placeholders: it looks a numbered `$N` up by name, one linear search per
/// parameter, which with 5,000 parameters per statement was a third of the engine's time.
pub async fn append_on(conn: &mut sqlx::AnyConnection, rows: &[LogRow]) -> StoreResult<()> {
    let backend = if conn.backend_name().eq_ignore_ascii_case("sqlite") {
        crate::Backend::Sqlite
    } else {
        crate::Backend::Postgres
    };
    for chunk in rows.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO processing_log (trace_id, span_id, parent_span_id, name, start_time, \
             end_time, status, actor, activity_id, attributes) VALUES {}",
            crate::connect::placeholders(backend, chunk.len(), COLUMNS)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(&row.trace_id)
                .bind(&row.span_id)
                .bind(&row.parent_span_id)
                .bind(&row.name)
                .bind(Text(row.start_time))
                .bind(Text(row.end_time))
                .bind(&row.status)
                .bind(&row.actor)
                .bind(&row.activity_id)
                .bind(Text(row.attributes.clone()));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Store {
    /// Appends rows in one transaction.
    pub async fn append_processing_log(&self, rows: &[LogRow]) -> StoreResult<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        append_on(&mut tx, rows).await?;
        Ok(tx.commit().await?)
    }

    /// The records that pass `filter`, newest first.
    pub async fn processing_log(&self, filter: &Filter) -> StoreResult<Vec<LogEntryRow>> {
        let mut sql = String::from(
            "SELECT seq, trace_id, span_id, parent_span_id, name, start_time, end_time, status, \
             actor, activity_id, attributes FROM processing_log WHERE 1 = 1",
        );
        let mut binds: Vec<String> = Vec::new();
        let mut condition = |sql: &mut String, clause: &str, value: String| {
            binds.push(value);
            sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(actor) = given(&filter.actor) {
            condition(&mut sql, " AND actor = ?", actor.to_string());
        }
        if let Some(name) = given(&filter.name) {
            condition(&mut sql, " AND name = ?", name.to_string());
        }
        if let Some(trace) = given(&filter.trace_id) {
            condition(&mut sql, " AND trace_id = ?", trace.to_lowercase());
        }
        if let Some(from) = filter.from {
            condition(&mut sql, " AND start_time >= ?", from.to_string());
        }
        if let Some(to) = filter.to.and_then(|to| to.succ_opt()) {
            condition(&mut sql, " AND start_time < ?", to.to_string());
        }
        sql.push_str(" ORDER BY seq DESC");
        if filter.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", filter.limit));
        }
        let mut query = sqlx::query_as::<_, LogEntryRow>(&sql);
        for value in binds {
            query = query.bind(value);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }
}
