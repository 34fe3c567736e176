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
//! The message is a versioned envelope like the signals topic's (`docs/asyncapi.yaml`); its
//! types and the event a decision causes are in `knooppunt_domain::cluster_event`.

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use knooppunt_domain::cluster_event::{event_id, ClusterEvent, ClusterRef, Kind, EVENT_VERSION};
use knooppunt_store::events::{self as store_events, ClusterBrief, OutboxEvent};
use knooppunt_store::Store;
use knooppunt_transport::kafka::{send_event, KafkaProducer, KafkaSettings};
use serde_json::Value;

/// The events topic's default name.
pub const TOPIC: &str = "knooppunt.clusters.v1";

/// Writes an event to the outbox; an event with the same id is written once.
pub async fn record_on(conn: &mut sqlx::AnyConnection, event: &ClusterEvent) -> anyhow::Result<()> {
    let row = OutboxEvent {
        event_id: event.id.clone(),
        occurred_at: DateTime::parse_from_rfc3339(&event.occurred_at)
            .context("gebeurtenis: ongeldige tijd")?
            .with_timezone(&Utc),
        kind: event.kind.as_str().to_string(),
        cluster_id: event.cluster.id.clone(),
        payload: event.payload().context("gebeurtenis vastleggen")?,
    };
    store_events::record_event_on(conn, &row)
        .await
        .context("gebeurtenis vastleggen")
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
        cluster: ClusterRef {
            id: cluster.id,
            barrier: cluster.barrier,
            wijk: cluster.area,
            organisation: cluster.organisation,
        },
        state: String::new(),
        reasons,
        related: Vec::new(),
    }
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
