//! Cluster events (`knooppunt.clusters.v1`): what happens to a knelpunt, for partners to
//! subscribe to — promoted by the engine; confirmed, dismissed, assigned, merged, split,
//! snoozed, solved and back (reopened) by the overleg. Ids, barrier, wijk, counts and reason
//! codes; never signal text, never a reviewer's note or name. The outbox and the relay that
//! publish them are in `knooppunt_rules::events`.
//!
//! The message is a versioned envelope like the signals topic's (`docs/asyncapi.yaml`):
//!
//! ```json
//! {"v": 1, "id": "…", "type": "confirmed", "occurred_at": "2026-11-30T10:00:00Z",
//!  "cluster": {"id": "…", "barrier": "wachtlijst-ggz", "wijk": "Moerwijk", "organisation": ""},
//!  "signal_count": 12, "state": "bevestigd", "reasons": ["bevestigen"], "related": []}
//! ```

use crate::review::Decision;
use serde::{Deserialize, Serialize};

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

impl ClusterEvent {
    /// The event as published and stored in the outbox (JSON).
    pub fn payload(&self) -> serde_json::Result<String> {
        serde_json::to_string(self)
    }
}

/// The event a review decision causes on `cluster` (the decided cluster as events name it), with the other clusters involved (the merge
/// target, the split-off clusters); `None` for a decision without an event (a note). The
/// event id derives from the decision's sequence number.
pub fn decision_event(
    decision: &Decision,
    cluster: ClusterRef,
    related: &[String],
) -> Option<ClusterEvent> {
    let action = decision.action.name();
    let kind = Kind::of_decision(action)?;
    Some(ClusterEvent {
        v: EVENT_VERSION,
        id: event_id(&format!("besluit:{}", decision.seq)),
        kind,
        occurred_at: decision.decided_at.to_rfc3339(),
        cluster,
        signal_count: decision.signal_count,
        state: decision.state_after.as_str().to_string(),
        reasons: vec![action.to_string()],
        related: related.to_vec(),
    })
}

/// A stable event id from the event's name (the same cause gives the same id).
pub fn event_id(name: &str) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0015);
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
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
