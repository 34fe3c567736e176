//! Cluster events (`knooppunt.clusters.v1`): what happens to a knelpunt, for partners to
//! subscribe to — promoted by the engine; confirmed, dismissed, assigned, merged, split,
//! snoozed, solved and back (reopened) by the overleg. Ids, barrier, wijk, counts and reason
//! codes; never signal text, never a reviewer's note or name.
//!
//! Every event is first written to the `cluster_events` table (an outbox), in the same
//! transaction as the decision or promotion it reports, so an event exists exactly when its
//! cause does. On Kafka, [`run_relay`] publishes the outbox in order to the events topic and
//! marks what was delivered; on the embedded transport the table is the feed. The Kafka half
//! (the topic, the keyed send) is in `knooppunt_transport::kafka`; the outbox stays here.
//!
//! The message is a versioned envelope like the signals topic's (`docs/asyncapi.yaml`):
//!
//! ```json
//! {"v": 1, "id": "…", "type": "confirmed", "occurred_at": "2026-11-30T10:00:00Z",
//!  "cluster": {"id": "…", "barrier": "wachtlijst-ggz", "wijk": "Moerwijk", "organisation": ""},
//!  "signal_count": 12, "state": "bevestigd", "reasons": ["bevestigen"], "related": []}
//! ```

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use knooppunt_store::events::{self as store_events, ClusterBrief, OutboxEvent};
use knooppunt_store::Store;
use knooppunt_transport::kafka::{send_event, KafkaProducer, KafkaSettings};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The events topic's default name.
pub const TOPIC: &str = "knooppunt.clusters.v1";
/// The envelope version this build writes.
pub const EVENT_VERSION: u64 = 1;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The engine put the cluster on the overleg's agenda.
    Promoted,
    Confirmed,
    Dismissed,
    Assigned,
    /// Merged into another cluster (`related` holds the target).
    Merged,
    /// Signals split off into new clusters (`related` holds them).
    Split,
    Snoozed,
    Solved,
    /// Reopened: a solved or dismissed knelpunt is back.
    Back,
}

impl Kind {
    /// The event a review decision causes (by the decision's action name); `None` for a note.
    pub fn of_decision(action: &str) -> Option<Self> {
        Some(match action {
            "bevestigen" => Kind::Confirmed,
            "afwijzen" => Kind::Dismissed,
            "toewijzen" => Kind::Assigned,
            "samenvoegen" => Kind::Merged,
            "splitsen" => Kind::Split,
            "parkeren" => Kind::Snoozed,
            "oplossen" => Kind::Solved,
            "heropenen" => Kind::Back,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Promoted => "promoted",
            Kind::Confirmed => "confirmed",
            Kind::Dismissed => "dismissed",
            Kind::Assigned => "assigned",
            Kind::Merged => "merged",
            Kind::Split => "split",
            Kind::Snoozed => "snoozed",
            Kind::Solved => "solved",
            Kind::Back => "back",
        }
    }
}

/// The cluster an event is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterRef {
    pub id: String,
    pub barrier: String,
    /// The wijk ("" when clusters are not keyed by area).
    pub wijk: String,
    /// The organisation ("" when clusters are not keyed by organisation).
    pub organisation: String,
}

/// One event, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterEvent {
    pub v: u64,
    /// Unique and stable: a consumer deduplicates on it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: Kind,
    pub occurred_at: String,
    pub cluster: ClusterRef,
    pub signal_count: i64,
    /// The review state after the event (`open`, `bevestigd`, …); "" for promotions.
    pub state: String,
    /// Machine-readable reason codes: promotion criteria (`frequency`, `spike`, `new`, `norm_breach`) or the
    /// decision's action.
    pub reasons: Vec<String>,
    /// Other clusters involved: the merge target, the split-off clusters.
    pub related: Vec<String>,
}

impl From<ClusterBrief> for ClusterRef {
    fn from(brief: ClusterBrief) -> Self {
        ClusterRef {
            id: brief.id,
            barrier: brief.barrier,
            wijk: brief.area,
            organisation: brief.organisation,
        }
    }
}

/// Writes an event to the outbox; an event with the same id is written once.
pub async fn record_on(conn: &mut sqlx::AnyConnection, event: &ClusterEvent) -> anyhow::Result<()> {
    let row = OutboxEvent {
        event_id: event.id.clone(),
        occurred_at: DateTime::parse_from_rfc3339(&event.occurred_at)
            .context("gebeurtenis: ongeldige tijd")?
            .with_timezone(&Utc),
        kind: event.kind.as_str().to_string(),
        cluster_id: event.cluster.id.clone(),
        payload: serde_json::to_string(event).context("gebeurtenis vastleggen")?,
    };
    store_events::record_event_on(conn, &row)
        .await
        .context("gebeurtenis vastleggen")
}

/// The outbox row of a review decision's event, written by the store in the decision's
/// transaction; `None` for a decision without an event (a note). The event id derives from
/// the decision's sequence number.
pub fn decision_event(
    decision: &knooppunt_domain::review::Decision,
    cluster: &knooppunt_store::review::DecidedCluster,
    related: &[String],
) -> anyhow::Result<Option<OutboxEvent>> {
    let action = decision.action.name();
    let Some(kind) = Kind::of_decision(action) else {
        return Ok(None);
    };
    let event = ClusterEvent {
        v: EVENT_VERSION,
        id: event_id(&format!("besluit:{}", decision.seq)),
        kind,
        occurred_at: decision.decided_at.to_rfc3339(),
        cluster: ClusterRef {
            id: decision.cluster_id.clone(),
            barrier: cluster.barrier.clone(),
            wijk: cluster.area.clone(),
            organisation: cluster.organisation.clone(),
        },
        signal_count: decision.signal_count,
        state: decision.state_after.as_str().to_string(),
        reasons: vec![action.to_string()],
        related: related.to_vec(),
    };
    Ok(Some(OutboxEvent {
        payload: serde_json::to_string(&event).context("gebeurtenis vastleggen")?,
        event_id: event.id,
        occurred_at: decision.decided_at,
        kind: kind.as_str().to_string(),
        cluster_id: event.cluster.id,
    }))
}

/// Records a `promoted` event per cluster promoted on `day` (once per cluster and day).
pub async fn record_promotions(
    store: &Store,
    promotions: &[knooppunt_domain::cluster::StoredPromotion],
) -> anyhow::Result<usize> {
    if promotions.is_empty() {
        return Ok(0);
    }
    let now = Utc::now().trunc_subsecs(0);
    let by_cluster: std::collections::HashMap<&str, &knooppunt_domain::cluster::StoredPromotion> =
        promotions
            .iter()
            .map(|p| (p.cluster_id.as_str(), p))
            .collect();
    let ids: Vec<&str> = promotions.iter().map(|p| p.cluster_id.as_str()).collect();
    let make = |brief: &ClusterBrief| {
        let promotion = by_cluster.get(brief.id.as_str())?;
        let event = promoted(promotion, brief.clone(), now);
        Some(OutboxEvent {
            payload: serde_json::to_string(&event).ok()?,
            event_id: event.id,
            occurred_at: now,
            kind: Kind::Promoted.as_str().to_string(),
            cluster_id: event.cluster.id,
        })
    };
    store
        .record_cluster_events(&ids, make)
        .await
        .context("gebeurtenissen vastleggen")
}

/// The `promoted` event of one promotion (once per cluster and day).
fn promoted(
    promotion: &knooppunt_domain::cluster::StoredPromotion,
    cluster: ClusterBrief,
    now: DateTime<Utc>,
) -> ClusterEvent {
    let reasons = match &promotion.reasons {
        Value::Array(items) => items
            .iter()
            .filter_map(|r| r.get("criterion").and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    ClusterEvent {
        v: EVENT_VERSION,
        id: event_id(&format!(
            "promotie:{}:{}",
            promotion.cluster_id, promotion.evaluated_on
        )),
        kind: Kind::Promoted,
        occurred_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        signal_count: cluster.signal_count,
        cluster: cluster.into(),
        state: String::new(),
        reasons,
        related: Vec::new(),
    }
}

fn event_id(name: &str) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0015);
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// An event as stored in the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub seq: i64,
    pub event: ClusterEvent,
    pub published: bool,
}

/// The outbox after `after` (its sequence number), oldest first, at most `limit`.
pub async fn outbox(
    store: &Store,
    after: i64,
    limit: i64,
    unpublished_only: bool,
) -> anyhow::Result<Vec<Stored>> {
    let rows = store
        .event_outbox(after, limit, unpublished_only)
        .await
        .context("gebeurtenissen lezen")?;
    rows.into_iter()
        .map(|row| {
            Ok(Stored {
                seq: row.seq,
                event: serde_json::from_str(&row.payload).context("gebeurtenis onleesbaar")?,
                published: row.published_at.is_some(),
            })
        })
        .collect()
}

/// Creates the events topic if it does not exist yet (partitions as the signals topic).
pub async fn ensure_topic(settings: &KafkaSettings, topic: &str) -> anyhow::Result<()> {
    settings.ensure_events_topic(topic).await
}

/// Publishes unpublished events in order, one batch; returns how many were delivered.
/// Delivery is at-least-once: an event delivered but not yet marked goes again, with the
/// same id.
pub async fn relay_once(
    store: &Store,
    producer: &KafkaProducer,
    topic: &str,
) -> anyhow::Result<usize> {
    let pending = outbox(store, 0, 500, true).await?;
    let mut delivered = 0;
    for stored in &pending {
        let payload = serde_json::to_string(&stored.event).context("gebeurtenis")?;
        send_event(producer, topic, &stored.event.cluster.id, &payload).await?;
        store
            .mark_event_published(stored.seq, Utc::now().trunc_subsecs(0))
            .await
            .context("gebeurtenis als verstuurd markeren")?;
        delivered += 1;
    }
    Ok(delivered)
}

/// Publishes the outbox to `topic` every second until `shutdown` resolves.
pub async fn run_relay(
    store: Store,
    producer: KafkaProducer,
    topic: String,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut timer = tokio::time::interval(std::time::Duration::from_secs(1));
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = timer.tick() => {
                match relay_once(&store, &producer, &topic).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(events = n, "Cluster events published"),
                    Err(error) => tracing::warn!(error = %format!("{error:#}"), "Publishing cluster events failed; retrying"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_map_to_event_types() {
        assert_eq!(Kind::of_decision("bevestigen"), Some(Kind::Confirmed));
        assert_eq!(Kind::of_decision("heropenen"), Some(Kind::Back));
        assert_eq!(Kind::of_decision("notitie"), None);
        assert_eq!(
            serde_json::to_value(Kind::Snoozed).unwrap(),
            serde_json::json!("snoozed")
        );
        assert_ne!(event_id("besluit:1"), event_id("besluit:2"));
        assert_eq!(event_id("besluit:1"), event_id("besluit:1"));
    }
}
