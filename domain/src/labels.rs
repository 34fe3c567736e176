//! The overleg's labels on recognition: verdicts, the latest label per (signal, barrier), and
//! how a label changes a signal's barriers. Pure: the store records them, the rules measure them.

use crate::cluster::{BarrierMatch, ClusterKey, ClusterKeyValues};
use crate::recognition::{How, Recognition};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the overleg said about a barrier on a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The barrier belongs on the signal ("ook: <barrière>", or triaged into it).
    Belongs,
    /// It does not ("hoort niet bij deze barrière").
    DoesNotBelong,
    /// The signal shows no barrier at all ("geen barrière").
    NoBarrier,
}

crate::named::stored_names!(Verdict {
    Belongs => "hoort-erbij",
    DoesNotBelong => "hoort-er-niet-bij",
    NoBarrier => "geen-barriere",
});

/// A label to record. For [`Verdict::NoBarrier`] the barrier is ignored (stored as '').
#[derive(Debug, Clone)]
pub struct NewLabel<'a> {
    pub source: &'a str,
    pub signal_id: &'a str,
    pub barrier: &'a str,
    pub verdict: Verdict,
    /// The account name of the overleg member.
    pub actor: &'a str,
    /// The cluster whose page the label was made on (`None`: from *Niet ingedeeld*).
    pub cluster_id: Option<&'a str>,
}

/// A stored label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Label {
    pub seq: i64,
    pub source: String,
    pub signal_id: String,
    pub barrier: String,
    pub verdict: Verdict,
    pub actor: String,
    pub labelled_at: DateTime<Utc>,
    /// The cluster whose page the label was made on.
    pub cluster_id: Option<String>,
    /// The cluster the label added the signal to.
    pub joined_cluster: Option<String>,
    /// Taken back, by whom and when: the label no longer holds.
    pub withdrawn: Option<Withdrawal>,
}

/// A label taken back: an entry of its own, the label itself stays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Withdrawal {
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// Why a label cannot be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotWithdrawn {
    /// There is no such label.
    Unknown,
    /// It was taken back already.
    Already,
    /// It was not made on this Dutch day (the meeting that is on).
    NotThatDay,
    /// A later label on the same signal holds: that one goes first.
    Later,
}

impl Label {
    /// The signal's id as people read it: the first eight characters, "…" when cut.
    pub fn short_kenmerk(&self) -> String {
        short_kenmerk(&self.signal_id)
    }

    /// Whether the label can be taken back on the Dutch day `today`, given whether a later
    /// label on the same signal holds (`followed`): only the last label in force on a signal,
    /// made that day, like the last decision of a meeting.
    pub fn withdrawable(&self, followed: bool, today: NaiveDate) -> Result<(), NotWithdrawn> {
        if self.withdrawn.is_some() {
            Err(NotWithdrawn::Already)
        } else if crate::dutch_time::local_day(&self.labelled_at) != today {
            Err(NotWithdrawn::NotThatDay)
        } else if followed {
            Err(NotWithdrawn::Later)
        } else {
            Ok(())
        }
    }
}

/// A signal's id as people read it: whole when it is a team's own short kenmerk
/// ("MW-2026-0142", "demo-0291": cutting those would leave "demo-029…" for ten signals), else
/// the first eight characters and "…" (a UUID).
pub fn short_kenmerk(id: &str) -> String {
    if id.chars().count() <= WHOLE_KENMERK {
        return id.to_string();
    }
    let short: String = id.chars().take(8).collect();
    format!("{short}…")
}

/// The longest kenmerk shown whole.
const WHOLE_KENMERK: usize = 16;

/// A label in a cluster's history: whether a later label on the same signal holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLabel {
    pub label: Label,
    pub followed: bool,
}

/// What taking a label back did.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawn {
    pub label: Label,
    /// The cluster the signal left (one the label had added it to) and the cluster it is back
    /// in (one the label had taken it out of).
    pub effect: LabelEffect,
}

/// The labels of one signal that hold: the latest per barrier, and the latest "geen barrière".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalLabels {
    /// Sequence number of the latest "geen barrière".
    pub geen: Option<i64>,
    /// Barrier → (latest verdict, its sequence number).
    pub barriers: BTreeMap<String, (Verdict, i64)>,
}

impl SignalLabels {
    pub fn add(&mut self, label: &Label) {
        self.record(label.seq, &label.barrier, label.verdict);
    }

    /// Records the verdict with sequence number `seq` on `barrier` (any barrier for "geen
    /// barrière"): per barrier, the latest verdict holds.
    pub fn record(&mut self, seq: i64, barrier: &str, verdict: Verdict) {
        match verdict {
            Verdict::NoBarrier => self.geen = self.geen.max(Some(seq)),
            verdict => {
                let entry = self
                    .barriers
                    .entry(barrier.to_string())
                    .or_insert((verdict, seq));
                if seq >= entry.1 {
                    *entry = (verdict, seq);
                }
            }
        }
    }

    /// Whether the overleg says `barrier` belongs on the signal (a later "geen barrière"
    /// overrules an earlier "hoort erbij").
    pub fn belongs(&self, barrier: &str) -> Option<bool> {
        match (self.barriers.get(barrier), self.geen) {
            (Some((Verdict::Belongs, seq)), geen) if geen.is_none_or(|g| *seq > g) => Some(true),
            (Some(_), _) => Some(false),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    /// The barriers a signal carries once the labels are applied to what recognition found:
    /// (recognised barriers that stay, barriers the overleg adds), each in a stable order.
    pub fn settle<'a>(&'a self, recognised: &[&'a str]) -> (Vec<&'a str>, Vec<&'a str>) {
        let kept = recognised
            .iter()
            .copied()
            .filter(|b| self.belongs(b) != Some(false))
            .collect();
        let added = self
            .barriers
            .keys()
            .map(String::as_str)
            .filter(|b| !recognised.contains(b) && self.belongs(b) == Some(true))
            .collect();
        (kept, added)
    }

    /// The barriers the overleg labelled positive.
    pub fn positives(&self) -> Vec<&str> {
        self.barriers
            .keys()
            .map(String::as_str)
            .filter(|b| self.belongs(b) == Some(true))
            .collect()
    }

    /// As a training note (the format `knooppunt model train` reads): the positives as
    /// `barriers`; `labelled_for` the barriers labelled, or every barrier after "geen barrière".
    pub fn training_note(&self, signal: &LabelledSignal) -> serde_json::Value {
        let mut note = serde_json::json!({
            "text": signal.text,
            "barriers": self.positives(),
            "wait_days": signal.wait_days,
            "organisation": signal.organisation,
            "voice": "overleg",
        });
        if self.geen.is_none() {
            note["labelled_for"] = serde_json::json!(self.barriers.keys().collect::<Vec<_>>());
        }
        note
    }
}

/// A labelled signal with what training and measuring need (scrubbed text only).
#[derive(Debug, Clone)]
pub struct LabelledSignal {
    pub source: String,
    pub id: String,
    pub observed_on: NaiveDate,
    pub text: String,
    pub organisation: Option<String>,
    pub wait_days: Option<i64>,
    pub labels: SignalLabels,
}

/// An unclassified signal in the *Niet ingedeeld* queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuedSignal {
    pub source: String,
    pub id: String,
    pub observed_on: NaiveDate,
    pub area: String,
    pub text: String,
}

/// What recording a label changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelEffect {
    /// The label's sequence number.
    pub seq: i64,
    /// The cluster the signal left.
    pub left: Option<String>,
    /// The cluster the signal joined.
    pub joined: Option<String>,
}

/// A barrier the overleg put on a signal, as replay and the store record it.
pub fn overleg_match(
    barrier: &str,
    key: ClusterKey,
    area: &str,
    organisation: Option<&str>,
    wait_days: Option<i64>,
) -> BarrierMatch {
    BarrierMatch {
        barrier: barrier.to_string(),
        confidence: 1.0,
        wait_days: wait_days.and_then(|w| u32::try_from(w).ok()),
        cluster: ClusterKeyValues::new(key, area, organisation),
        split_to: None,
        found: Recognition {
            how: How::Review,
            ..Recognition::default()
        },
    }
}

/// The stored cluster key ("barrier×area…"); by area when none was recorded.
pub fn key_from_setting(setting: Option<&str>) -> ClusterKey {
    match setting {
        Some(described) => {
            let parts: Vec<&str> = described.split('×').collect();
            ClusterKey {
                area: parts.contains(&"area"),
                organisation: parts.contains(&"organisation"),
            }
        }
        None => ClusterKey {
            area: true,
            organisation: false,
        },
    }
}

/// "2026-K3" for an ISO date.
pub fn quarter_of(date: &str) -> String {
    let year = date.get(..4).unwrap_or("?");
    let month: u32 = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!("{year}-K{}", (month.clamp(1, 12) - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_label_holds() {
        let mut labels = SignalLabels::default();
        labels.record(1, "a", Verdict::Belongs);
        labels.record(2, "b", Verdict::DoesNotBelong);
        assert_eq!(labels.settle(&["b", "c"]), (vec!["c"], vec!["a"]));
        labels.record(3, "a", Verdict::DoesNotBelong);
        labels.record(4, "b", Verdict::Belongs);
        assert_eq!(labels.settle(&["b", "c"]), (vec!["b", "c"], vec![]));
        // "geen barrière" removes everything not labelled positive after it.
        labels.record(5, "", Verdict::NoBarrier);
        assert_eq!(labels.settle(&["b", "c"]), (vec![], vec![]));
        labels.record(6, "c", Verdict::Belongs);
        assert_eq!(labels.settle(&["b"]), (vec![], vec!["c"]));
        assert_eq!(labels.belongs("zzz"), Some(false));
    }

    fn made(at: &str) -> Label {
        Label {
            seq: 1,
            source: "s".into(),
            signal_id: "abcdefghijklmnopq".into(),
            barrier: "b".into(),
            verdict: Verdict::DoesNotBelong,
            actor: "overleg".into(),
            labelled_at: at.parse().expect("test instant"),
            cluster_id: None,
            joined_cluster: None,
            withdrawn: None,
        }
    }

    #[test]
    fn only_the_last_label_in_force_of_the_dutch_day_can_be_taken_back() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        // 23:30 UTC on the 6th is 00:30 on the 7th in Amsterdam.
        let label = made("2026-12-06T23:30:00Z");
        assert_eq!(label.withdrawable(false, today), Ok(()));
        assert_eq!(
            label.withdrawable(true, today),
            Err(NotWithdrawn::Later),
            "a later label on the signal goes first"
        );
        let yesterday = made("2026-12-06T22:30:00Z");
        assert_eq!(
            yesterday.withdrawable(false, today),
            Err(NotWithdrawn::NotThatDay)
        );
        let mut taken_back = made("2026-12-07T09:00:00Z");
        taken_back.withdrawn = Some(Withdrawal {
            actor: "overleg".into(),
            at: taken_back.labelled_at,
        });
        assert_eq!(
            taken_back.withdrawable(false, today),
            Err(NotWithdrawn::Already)
        );
    }

    #[test]
    fn a_long_kenmerk_is_shortened_to_eight_characters_a_short_one_kept_whole() {
        assert_eq!(made("2026-12-07T09:00:00Z").short_kenmerk(), "abcdefgh…");
        assert_eq!(
            short_kenmerk("7d11046a-5c1e-4f7e-9a55-0b6f3c2d1e00"),
            "7d11046a…"
        );
        assert_eq!(short_kenmerk("s1"), "s1");
        assert_eq!(short_kenmerk("demo-0291"), "demo-0291");
        assert_eq!(short_kenmerk("MW-2026-00000142"), "MW-2026-00000142");
        assert_eq!(short_kenmerk("MW-2026-000000142"), "MW-2026-…");
    }
}
