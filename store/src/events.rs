//! The cluster-events outbox (`cluster_events`): writing an event (alone or inside the
//! transaction of its cause), reading the outbox, and marking what was delivered. The
//! event's shape lives in `knooppunt_rules::events`; here it is a row with a JSON payload.

use crate::{Store, StoreResult, Text};
use chrono::{DateTime, Utc};
use knooppunt_domain::cluster_event::{ClusterEvent, ClusterRef};

/// The cluster an event is about, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClusterBrief {
    pub id: String,
    pub barrier: String,
    pub area: String,
    pub organisation: String,
    pub signal_count: i64,
}

/// An event to write to the outbox (`cluster_events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub event_id: String,
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    pub cluster_id: String,
    /// The event as published (JSON).
    pub payload: String,
}

/// An event in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub seq: i64,
    pub payload: String,
    #[sqlx(try_from = "Text<Option<DateTime<Utc>>>")]
    pub published_at: Option<DateTime<Utc>>,
}

/// The cluster an event is about, read on the cause's connection.
pub async fn cluster_brief_on(
    conn: &mut sqlx::AnyConnection,
    cluster_id: &str,
) -> StoreResult<Option<ClusterBrief>> {
    Ok(sqlx::query_as(
        "SELECT id, barrier, area, organisation, signal_count FROM clusters WHERE id = $1",
    )
    .bind(cluster_id)
    .fetch_optional(conn)
    .await?)
}

/// Writes an event to the outbox on the cause's connection; an event with the same id is
/// written once.
pub async fn record_event_on(
    conn: &mut sqlx::AnyConnection,
    event: &OutboxEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO cluster_events (event_id, occurred_at, kind, cluster_id, payload) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&event.event_id)
    .bind(Text(event.occurred_at))
    .bind(&event.kind)
    .bind(&event.cluster_id)
    .bind(&event.payload)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Writes events in one transaction; `make` builds each from its cluster as stored now
    /// (clusters that no longer exist are left out). Returns how many were offered.
    pub async fn record_cluster_events(
        &self,
        cluster_ids: &[&str],
        make: impl Fn(&ClusterBrief) -> Option<OutboxEvent>,
    ) -> StoreResult<usize> {
        // Reads each cluster, then writes its event: the write lock from the start.
        let mut tx = self.begin_write().await?;
        for id in cluster_ids {
            let Some(cluster) = cluster_brief_on(&mut tx, id).await? else {
                continue;
            };
            if let Some(event) = make(&cluster) {
                record_event_on(&mut tx, &event).await?;
            }
        }
        tx.commit().await?;
        Ok(cluster_ids.len())
    }

    /// How the latest event about each of `cluster_ids` named it (barrier, wijk,
    /// organisation): for clusters that no longer exist (a replay emptied them), whose events
    /// are all that still names them. Read in one statement; ids without a readable event are
    /// left out.
    pub async fn clusters_named_by_events(
        &self,
        cluster_ids: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, ClusterRef>> {
        let mut named = std::collections::HashMap::new();
        if cluster_ids.is_empty() {
            return Ok(named);
        }
        let sql = format!(
            "SELECT cluster_id, payload FROM cluster_events WHERE cluster_id IN (VALUES {}) \
             ORDER BY seq",
            crate::placeholders(self.backend, cluster_ids.len(), 1)
        );
        let mut query = sqlx::query_as::<_, (String, String)>(&sql);
        for id in cluster_ids {
            query = query.bind(*id);
        }
        // Oldest first: each cluster's latest readable event is the one kept.
        for (id, payload) in query.fetch_all(&self.pool).await? {
            if let Ok(event) = serde_json::from_str::<ClusterEvent>(&payload) {
                named.insert(id, event.cluster);
            }
        }
        Ok(named)
    }

    /// The outbox after `after` (its sequence number), oldest first, at most `limit`.
    pub async fn event_outbox(
        &self,
        after: i64,
        limit: i64,
        unpublished_only: bool,
    ) -> StoreResult<Vec<OutboxRow>> {
        let sql = format!(
            "SELECT seq, payload, published_at FROM cluster_events WHERE seq > $1 {} \
             ORDER BY seq LIMIT $2",
            if unpublished_only {
                "AND published_at IS NULL"
            } else {
                ""
            }
        );
        Ok(sqlx::query_as(&sql)
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Marks an outbox event as delivered at `at`.
    pub async fn mark_event_published(&self, seq: i64, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("UPDATE cluster_events SET published_at = $1 WHERE seq = $2")
            .bind(Text(at))
            .bind(seq)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
