//! The overleg's labels on recognition (issue 11, the review loop): on a cluster page a signal
//! "hoort niet bij deze barrière" or "ook: <barrière>"; in the *Niet ingedeeld* queue an
//! unclassified signal gets a barrier or "geen barrière".
//!
//! Labels are stored append-only (`signal_labels`) and the latest label per (signal, barrier)
//! holds. They take effect at once — the signal's barriers, its memberships and the cluster
//! counts follow in the same transaction — and a replay applies them again after
//! re-classifying ([`SignalLabels::settle`]). They are training notes for the next model
//! ([`SignalLabels::training_note`]) and the measure of real-world accuracy ([`measure`]).

use crate::model::measure::{Counts, Report};
use crate::model::record::{How, Recognition};
use crate::ruleset::{normalise, ClusterKey, RuleSet};
use crate::store::{
    classification_of, cluster_id, BarrierMatch, ClusterKeyValues, Store, CLUSTER_KEY_SETTING,
};
use anyhow::Context;
use chrono::Utc;
use serde::Serialize;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// What the overleg said about a barrier on a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    /// The barrier belongs on the signal ("ook: <barrière>", or triaged into it).
    HoortErbij,
    /// It does not ("hoort niet bij deze barrière").
    HoortErNietBij,
    /// The signal shows no barrier at all.
    GeenBarriere,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::HoortErbij => "hoort-erbij",
            Verdict::HoortErNietBij => "hoort-er-niet-bij",
            Verdict::GeenBarriere => "geen-barriere",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "hoort-erbij" => Some(Verdict::HoortErbij),
            "hoort-er-niet-bij" => Some(Verdict::HoortErNietBij),
            "geen-barriere" => Some(Verdict::GeenBarriere),
            _ => None,
        }
    }
}

/// A label to record. For [`Verdict::GeenBarriere`] the barrier is ignored (stored as '').
#[derive(Debug, Clone)]
pub struct NewLabel<'a> {
    pub source: &'a str,
    pub signal_id: &'a str,
    pub barrier: &'a str,
    pub verdict: Verdict,
    /// The account name of the overleg member.
    pub actor: &'a str,
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
    pub labelled_at: String,
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
    fn add(&mut self, label: &Label) {
        match label.verdict {
            Verdict::GeenBarriere => self.geen = self.geen.max(Some(label.seq)),
            verdict => {
                let entry = self
                    .barriers
                    .entry(label.barrier.clone())
                    .or_insert((verdict, label.seq));
                if label.seq >= entry.1 {
                    *entry = (verdict, label.seq);
                }
            }
        }
    }

    /// Whether the overleg says `barrier` belongs on the signal (a later "geen barrière"
    /// overrules an earlier "hoort erbij").
    pub fn belongs(&self, barrier: &str) -> Option<bool> {
        match (self.barriers.get(barrier), self.geen) {
            (Some((Verdict::HoortErbij, seq)), geen) if geen.is_none_or(|g| *seq > g) => Some(true),
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
    pub observed_on: String,
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
    pub observed_on: String,
    pub area: String,
    pub text: String,
}

/// What recording a label changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelEffect {
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
            how: How::Overleg,
            ..Recognition::default()
        },
    }
}

/// The stored cluster key ("barrier×area…"); by area when none was recorded.
fn key_from_setting(setting: Option<&str>) -> ClusterKey {
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

fn label_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<Label> {
    let verdict: String = row.try_get("verdict")?;
    Ok(Label {
        seq: row.try_get("seq")?,
        source: row.try_get("source")?,
        signal_id: row.try_get("signal_id")?,
        barrier: row.try_get("barrier")?,
        verdict: Verdict::parse(&verdict)
            .with_context(|| format!("onbekend oordeel '{verdict}' in de database"))?,
        actor: row.try_get("actor")?,
        labelled_at: row.try_get("labelled_at")?,
    })
}

impl Store {
    /// Records a label and applies it at once, in one transaction: the signal's barriers and
    /// memberships follow, and so do the counts of the clusters it leaves or joins (a cluster
    /// left empty disappears, as after a replay; one joined is created when needed).
    pub async fn record_label(&self, label: &NewLabel<'_>) -> anyhow::Result<LabelEffect> {
        let barrier = match label.verdict {
            Verdict::GeenBarriere => "",
            _ => label.barrier,
        };
        let mut tx = self.pool().begin().await.context("transactie starten")?;
        // PostgreSQL: lock the signal's row, so two labels at once cannot lose one another's
        // change (SQLite serialises writing transactions anyway).
        let lock = match self.backend() {
            crate::store::Backend::Postgres => " FOR UPDATE",
            crate::store::Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT area, area_key, organisation, observed_on, wait_days, barriers, classification \
             FROM signals WHERE source = $1 AND id = $2{lock}"
        );
        let signal = sqlx::query(&sql)
            .bind(label.source)
            .bind(label.signal_id)
            .fetch_optional(&mut *tx)
            .await
            .context("signaal lezen")?
            .context("signaal: bestaat niet")?;
        let area: String = signal.try_get("area")?;
        let organisation: Option<String> = signal.try_get("organisation")?;
        let observed_on: String = signal.try_get("observed_on")?;
        let wait_days: Option<i64> = signal.try_get("wait_days")?;
        let barriers: String = signal.try_get("barriers")?;
        let classification: String = signal.try_get("classification")?;
        let mut current: Vec<String> = barriers
            .split(',')
            .filter(|b| !b.is_empty())
            .map(str::to_string)
            .collect();
        let mut detail: Vec<String> = classification
            .split(';')
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .collect();
        sqlx::query(
            "INSERT INTO signal_labels (source, signal_id, barrier, verdict, actor, labelled_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(label.source)
        .bind(label.signal_id)
        .bind(barrier)
        .bind(label.verdict.as_str())
        .bind(label.actor)
        .bind(Utc::now().to_rfc3339())
        .execute(&mut *tx)
        .await
        .context("label vastleggen")?;

        let mut effect = LabelEffect::default();
        let removed: Vec<String> = match label.verdict {
            Verdict::HoortErNietBij => current.iter().filter(|b| *b == barrier).cloned().collect(),
            Verdict::GeenBarriere => current.clone(),
            Verdict::HoortErbij => Vec::new(),
        };
        let mut touched = Vec::new();
        for gone in &removed {
            let row = sqlx::query(
                "DELETE FROM signal_barriers WHERE source = $1 AND signal_id = $2 AND barrier = $3 \
                 RETURNING cluster_id",
            )
            .bind(label.source)
            .bind(label.signal_id)
            .bind(gone)
            .fetch_optional(&mut *tx)
            .await
            .context("barrière van signaal verwijderen")?;
            if let Some(row) = row {
                let cluster: String = row.try_get("cluster_id")?;
                effect.left = Some(cluster.clone());
                touched.push(cluster);
            }
            current.retain(|b| b != gone);
            detail.retain(|d| d.split('|').next() != Some(gone.as_str()));
        }
        if label.verdict == Verdict::HoortErbij && !current.iter().any(|b| b == barrier) {
            let setting = sqlx::query("SELECT value FROM settings WHERE key = $1")
                .bind(CLUSTER_KEY_SETTING)
                .fetch_optional(&mut *tx)
                .await
                .context("clustersleutel lezen")?
                .map(|row| row.try_get::<String, _>("value"))
                .transpose()?;
            let key = key_from_setting(setting.as_deref());
            let found = overleg_match(barrier, key, &area, organisation.as_deref(), wait_days);
            let cluster = cluster_id(barrier, &found.cluster);
            sqlx::query(
                "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, \
                 last_seen, signal_count) VALUES ($1, $2, $3, $4, $5, $6, $6, 0) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&cluster)
            .bind(barrier)
            .bind(&found.cluster.area_key)
            .bind(&found.cluster.area)
            .bind(&found.cluster.organisation)
            .bind(&observed_on)
            .execute(&mut *tx)
            .await
            .context("cluster aanmaken")?;
            sqlx::query(
                "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, \
                 area_key, wait_days, confidence, organisation, found_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(label.source)
            .bind(label.signal_id)
            .bind(barrier)
            .bind(&cluster)
            .bind(&observed_on)
            .bind(signal.try_get::<String, _>("area_key")?)
            .bind(found.wait_days.map(i64::from))
            .bind(found.confidence)
            .bind(&found.cluster.organisation)
            .bind(How::Overleg.as_str())
            .execute(&mut *tx)
            .await
            .context("barrière aan signaal toevoegen")?;
            current.push(barrier.to_string());
            detail.push(classification_of(std::slice::from_ref(&found)));
            effect.joined = Some(cluster.clone());
            touched.push(cluster);
        }
        sqlx::query(
            "UPDATE signals SET barriers = $1, classification = $2 WHERE source = $3 AND id = $4",
        )
        .bind(current.join(","))
        .bind(detail.join(";"))
        .bind(label.source)
        .bind(label.signal_id)
        .execute(&mut *tx)
        .await
        .context("indeling van signaal bijwerken")?;
        for cluster in &touched {
            sqlx::query(
                "UPDATE clusters SET \
                 signal_count = (SELECT COUNT(*) FROM signal_barriers WHERE cluster_id = $1), \
                 first_seen = COALESCE((SELECT MIN(observed_on) FROM signal_barriers WHERE cluster_id = $1), first_seen), \
                 last_seen = COALESCE((SELECT MAX(observed_on) FROM signal_barriers WHERE cluster_id = $1), last_seen) \
                 WHERE id = $1",
            )
            .bind(cluster)
            .execute(&mut *tx)
            .await
            .context("clustertelling bijwerken")?;
            sqlx::query("DELETE FROM clusters WHERE id = $1 AND signal_count = 0")
                .bind(cluster)
                .execute(&mut *tx)
                .await
                .context("leeg cluster opruimen")?;
        }
        tx.commit().await.context("label vastleggen")?;
        Ok(effect)
    }

    /// Every label, oldest first (append-only: nothing is ever changed or removed).
    pub async fn labels(&self) -> anyhow::Result<Vec<Label>> {
        let rows = sqlx::query(
            "SELECT seq, source, signal_id, barrier, verdict, actor, labelled_at FROM signal_labels \
             ORDER BY seq",
        )
        .fetch_all(self.pool())
        .await
        .context("labels lezen")?;
        rows.iter().map(label_from_row).collect()
    }

    /// The labels that hold, per signal (source, id).
    pub async fn signal_labels(&self) -> anyhow::Result<HashMap<(String, String), SignalLabels>> {
        let mut by_signal: HashMap<(String, String), SignalLabels> = HashMap::new();
        for label in self.labels().await? {
            by_signal
                .entry((label.source.clone(), label.signal_id.clone()))
                .or_default()
                .add(&label);
        }
        Ok(by_signal)
    }

    /// Every labelled signal with its (scrubbed) text and the labels that hold, in key order.
    pub async fn labelled_signals(&self) -> anyhow::Result<Vec<LabelledSignal>> {
        let labels = self.signal_labels().await?;
        let rows = sqlx::query(
            "SELECT source, id, observed_on, text, organisation, wait_days FROM signals s \
             WHERE EXISTS (SELECT 1 FROM signal_labels l WHERE l.source = s.source AND l.signal_id = s.id) \
             ORDER BY source, id",
        )
        .fetch_all(self.pool())
        .await
        .context("gelabelde signalen lezen")?;
        rows.iter()
            .map(|row| {
                let source: String = row.try_get("source")?;
                let id: String = row.try_get("id")?;
                let labels = labels
                    .get(&(source.clone(), id.clone()))
                    .cloned()
                    .unwrap_or_default();
                Ok(LabelledSignal {
                    source,
                    id,
                    observed_on: row.try_get("observed_on")?,
                    text: row.try_get("text")?,
                    organisation: row.try_get("organisation")?,
                    wait_days: row.try_get("wait_days")?,
                    labels,
                })
            })
            .collect()
    }

    /// The *Niet ingedeeld* queue: unclassified signals nobody labelled yet, oldest first,
    /// in `area_keys` (empty: every area); one page of `limit` after `offset`, and the total.
    pub async fn unclassified_queue(
        &self,
        area_keys: &[String],
        offset: i64,
        limit: i64,
    ) -> anyhow::Result<(Vec<QueuedSignal>, i64)> {
        let filter = if area_keys.is_empty() {
            String::new()
        } else {
            let marks: Vec<String> = (0..area_keys.len())
                .map(|i| format!("${}", i + 1))
                .collect();
            format!(" AND s.area_key IN ({})", marks.join(", "))
        };
        let from = format!(
            "FROM signals s WHERE s.barriers = ''{filter} AND NOT EXISTS \
             (SELECT 1 FROM signal_labels l WHERE l.source = s.source AND l.signal_id = s.id)"
        );
        let n = area_keys.len();
        let sql = format!(
            "SELECT s.source, s.id, s.observed_on, s.area, s.text {from} \
             ORDER BY s.observed_on, s.source, s.id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut query = sqlx::query(&sql);
        for key in area_keys {
            query = query.bind(key);
        }
        let rows = query
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await
            .context("niet ingedeelde signalen lezen")?;
        let count_sql = format!("SELECT COUNT(*) AS n {from}");
        let mut count = sqlx::query(&count_sql);
        for key in area_keys {
            count = count.bind(key);
        }
        let total: i64 = count
            .fetch_one(self.pool())
            .await
            .context("niet ingedeelde signalen tellen")?
            .try_get("n")?;
        let signals = rows
            .iter()
            .map(|row| {
                Ok(QueuedSignal {
                    source: row.try_get("source")?,
                    id: row.try_get("id")?,
                    observed_on: row.try_get("observed_on")?,
                    area: row.try_get("area")?,
                    text: row.try_get("text")?,
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok((signals, total))
    }

    /// The area key of a stored signal, for the overleg's area check.
    pub async fn signal_area_key(&self, source: &str, id: &str) -> anyhow::Result<Option<String>> {
        sqlx::query("SELECT area_key FROM signals WHERE source = $1 AND id = $2")
            .bind(source)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .context("signaal lezen")?
            .map(|row| row.try_get("area_key").map_err(anyhow::Error::from))
            .transpose()
    }
}

/// One quarter measured against the labels: the counts per mode and barrier, and how many
/// labelled positives and negatives each barrier had.
#[derive(Debug, Clone)]
pub struct LabelReport {
    pub report: Report,
    pub positives: Vec<usize>,
    pub negatives: Vec<usize>,
}

/// Precision and recall of the rules, the model and the combination against the overleg's
/// own labels, per quarter of observation. A barrier counts only on signals labelled for it
/// (positive: hoort erbij or ook; negative: hoort er niet bij, or geen barrière).
pub fn measure(rules: &RuleSet, signals: &[LabelledSignal]) -> BTreeMap<String, LabelReport> {
    let rules_only = rules.without_model();
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    let model = rules.model().zip(rules.model_thresholds());
    let mut quarters: BTreeMap<String, LabelReport> = BTreeMap::new();
    for signal in signals {
        let quarter = quarters
            .entry(quarter_of(&signal.observed_on))
            .or_insert_with(|| LabelReport {
                report: Report {
                    barriers: barriers.clone(),
                    counts: std::array::from_fn(|_| vec![Counts::default(); barriers.len()]),
                    ..Report::default()
                },
                positives: vec![0; barriers.len()],
                negatives: vec![0; barriers.len()],
            });
        let report = &mut quarter.report;
        report.notes += 1;
        let alone = rules_only.classify(&signal.text);
        let both = rules.classify(&signal.text);
        let probabilities = model.map(|(m, _)| m.probabilities(&normalise(&signal.text)));
        for (b, barrier) in barriers.iter().enumerate() {
            let Some(truth) = signal.labels.belongs(barrier) else {
                continue;
            };
            if truth {
                quarter.positives[b] += 1;
            } else {
                quarter.negatives[b] += 1;
            }
            let by_model = match (&probabilities, model) {
                (Some(p), Some((_, thresholds))) => p[b] >= thresholds[b],
                _ => false,
            };
            let found = [
                alone.contains(&barrier.as_str()),
                by_model,
                both.contains(&barrier.as_str()),
            ];
            for (mode, found) in found.into_iter().enumerate() {
                let counts = &mut report.counts[mode][b];
                match (truth, found) {
                    (true, true) => counts.tp += 1,
                    (true, false) => counts.fn_ += 1,
                    (false, true) => counts.fp += 1,
                    _ => {}
                }
            }
        }
    }
    quarters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(seq: i64, barrier: &str, verdict: Verdict) -> Label {
        Label {
            seq,
            source: "s".into(),
            signal_id: "1".into(),
            barrier: barrier.into(),
            verdict,
            actor: "a".into(),
            labelled_at: String::new(),
        }
    }

    #[test]
    fn the_latest_label_holds() {
        let mut labels = SignalLabels::default();
        labels.add(&label(1, "a", Verdict::HoortErbij));
        labels.add(&label(2, "b", Verdict::HoortErNietBij));
        assert_eq!(labels.settle(&["b", "c"]), (vec!["c"], vec!["a"]));
        labels.add(&label(3, "a", Verdict::HoortErNietBij));
        labels.add(&label(4, "b", Verdict::HoortErbij));
        assert_eq!(labels.settle(&["b", "c"]), (vec!["b", "c"], vec![]));
        // "geen barrière" removes everything not labelled positive after it.
        labels.add(&label(5, "", Verdict::GeenBarriere));
        assert_eq!(labels.settle(&["b", "c"]), (vec![], vec![]));
        labels.add(&label(6, "c", Verdict::HoortErbij));
        assert_eq!(labels.settle(&["b"]), (vec![], vec!["c"]));
        assert_eq!(labels.belongs("zzz"), Some(false));
    }

    #[test]
    fn training_notes_say_what_was_labelled() {
        let mut labels = SignalLabels::default();
        labels.add(&label(1, "a", Verdict::HoortErbij));
        labels.add(&label(2, "b", Verdict::HoortErNietBij));
        let signal = LabelledSignal {
            source: "s".into(),
            id: "1".into(),
            observed_on: "2026-05-01".into(),
            text: "tekst".into(),
            organisation: None,
            wait_days: Some(63),
            labels: labels.clone(),
        };
        let note = labels.training_note(&signal);
        let parsed = crate::model::notes::parse_line(&note.to_string()).unwrap();
        assert_eq!(parsed.barriers, ["a"]);
        assert!(parsed.labelled("a") && parsed.labelled("b") && !parsed.labelled("c"));
        assert_eq!(note["voice"], "overleg");
        labels.add(&label(3, "", Verdict::GeenBarriere));
        let parsed =
            crate::model::notes::parse_line(&labels.training_note(&signal).to_string()).unwrap();
        assert!(parsed.barriers.is_empty() && parsed.labelled("c"));
    }

    #[test]
    fn quarters() {
        assert_eq!(quarter_of("2026-01-31"), "2026-K1");
        assert_eq!(quarter_of("2026-09-14"), "2026-K3");
        assert_eq!(quarter_of("2026-12-01"), "2026-K4");
        assert_eq!(
            key_from_setting(Some("barrier×area×organisation")),
            ClusterKey {
                area: true,
                organisation: true
            }
        );
    }
}
