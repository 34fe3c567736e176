//! Recognition corrections in a cluster's history, and taking one back. A label keeps the
//! memberships it took off a signal (`taken_off`) and the cluster it added the signal to
//! (`joined_cluster`); taking it back is an entry of its own (`label_withdrawals`) that puts
//! those back and takes the added one off, in one transaction, with the cluster counts.

use crate::labels::{ensure_cluster, lock_signal, recount, set_classification, Tx};
use crate::{Store, Text};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster::{Classification, ClassifiedBarrier};
use knooppunt_domain::labels::{
    HistoryLabel, Label, LabelEffect, NotWithdrawn, Verdict, Withdrawal, Withdrawn,
};
use serde::{Deserialize, Serialize};

/// A membership (`signal_barriers` row) a label took off a signal, with what is needed to put
/// it back exactly: its place among the signal's barriers, its detail in the classification
/// and its cluster's key values (the cluster disappears when the label empties it).
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct TakenOff {
    pub(crate) barrier: String,
    pub(crate) cluster_id: String,
    pub(crate) wait_days: Option<i64>,
    pub(crate) confidence: f64,
    pub(crate) organisation: String,
    pub(crate) found_by: String,
    pub(crate) rule: Option<String>,
    pub(crate) model_score: Option<f64>,
    pub(crate) model_terms: Option<String>,
    #[sqlx(skip)]
    pub(crate) position: usize,
    #[sqlx(skip)]
    pub(crate) detail: Option<ClassifiedBarrier>,
    #[sqlx(skip)]
    pub(crate) cluster: Option<ClusterValues>,
}

/// A cluster's key values, to create it again.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ClusterValues {
    area_key: String,
    area: String,
    organisation: String,
}

/// Takes `barrier` off the signal (at `position` among its barriers); what was taken off.
pub(crate) async fn take_off(
    tx: &mut Tx,
    (source, signal_id): (&str, &str),
    barrier: &str,
    position: usize,
    detail: Option<ClassifiedBarrier>,
) -> anyhow::Result<Option<TakenOff>> {
    let removed: Option<TakenOff> = sqlx::query_as(
        "DELETE FROM signal_barriers WHERE source = $1 AND signal_id = $2 AND barrier = $3 \
         RETURNING barrier, cluster_id, wait_days, confidence, organisation, found_by, rule, \
         model_score, model_terms",
    )
    .bind(source)
    .bind(signal_id)
    .bind(barrier)
    .fetch_optional(&mut **tx)
    .await
    .context("barrière van signaal verwijderen")?;
    let Some(mut removed) = removed else {
        return Ok(None);
    };
    removed.cluster =
        sqlx::query_as("SELECT area_key, area, organisation FROM clusters WHERE id = $1")
            .bind(&removed.cluster_id)
            .fetch_optional(&mut **tx)
            .await
            .context("cluster lezen")?;
    removed.position = position;
    removed.detail = detail;
    Ok(Some(removed))
}

/// What was taken off, as stored with the label (`NULL` when nothing was).
/// The model's terms are left out: they are words of the signal's text, which retention
/// purges, while a label is kept for good (a membership put back shows its score without them).
pub(crate) fn taken_off_text(taken: &[TakenOff]) -> anyhow::Result<Option<String>> {
    if taken.is_empty() {
        return Ok(None);
    }
    let kept: Vec<TakenOff> = taken
        .iter()
        .cloned()
        .map(|gone| TakenOff {
            model_terms: None,
            ..gone
        })
        .collect();
    Ok(Some(
        serde_json::to_string(&kept).context("weggehaalde barrières vastleggen")?,
    ))
}

/// A label's columns with its withdrawal, if any, from [`LABEL_FROM`].
pub(crate) const LABEL_COLUMNS: &str = "l.seq, l.source, l.signal_id, l.barrier, l.verdict, \
     l.actor, l.labelled_at, l.cluster_id, l.joined_cluster, w.actor AS withdrawn_by, \
     w.withdrawn_at";

/// The labels (`l`) with their withdrawal (`w`).
pub(crate) const LABEL_FROM: &str =
    "FROM signal_labels l LEFT JOIN label_withdrawals w ON w.label_seq = l.seq";

/// The labels in force: not taken back (on `signal_labels l`).
pub(crate) const IN_FORCE: &str =
    "NOT EXISTS (SELECT 1 FROM label_withdrawals w0 WHERE w0.label_seq = l.seq)";

/// A label row as sqlx decodes it.
#[derive(sqlx::FromRow)]
pub(crate) struct LabelRow {
    seq: i64,
    source: String,
    signal_id: String,
    barrier: String,
    verdict: String,
    actor: String,
    labelled_at: Text<DateTime<Utc>>,
    cluster_id: Option<String>,
    joined_cluster: Option<String>,
    withdrawn_by: Option<String>,
    withdrawn_at: Text<Option<DateTime<Utc>>>,
}

impl TryFrom<LabelRow> for Label {
    type Error = anyhow::Error;

    fn try_from(row: LabelRow) -> anyhow::Result<Label> {
        let verdict = Verdict::from_name(&row.verdict).ok_or_else(|| {
            crate::StoreError::corrupt(format!("onbekend oordeel '{}' in de database", row.verdict))
        })?;
        let withdrawn = match (row.withdrawn_by, row.withdrawn_at.0) {
            (Some(actor), Some(at)) => Some(Withdrawal { actor, at }),
            _ => None,
        };
        Ok(Label {
            seq: row.seq,
            source: row.source,
            signal_id: row.signal_id,
            barrier: row.barrier,
            verdict,
            actor: row.actor,
            labelled_at: row.labelled_at.0,
            cluster_id: row.cluster_id,
            joined_cluster: row.joined_cluster,
            withdrawn,
        })
    }
}

/// A label with whether a later label on its signal holds.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    #[sqlx(flatten)]
    label: LabelRow,
    later: i64,
}

/// A label with the wijk of its signal.
#[derive(sqlx::FromRow)]
struct AreaRow {
    #[sqlx(flatten)]
    label: LabelRow,
    area: String,
}

/// How many labels in force follow label `l` on its signal.
const LATER: &str = "(SELECT COUNT(*) FROM signal_labels n WHERE n.source = l.source \
     AND n.signal_id = l.signal_id AND n.seq > l.seq AND NOT EXISTS \
     (SELECT 1 FROM label_withdrawals x WHERE x.label_seq = n.seq)) AS later";

/// The label `seq` with whether a later label holds, read in `tx`.
async fn label_in(tx: &mut Tx, seq: i64) -> anyhow::Result<Option<HistoryLabel>> {
    let sql = format!("SELECT {LABEL_COLUMNS}, {LATER} {LABEL_FROM} WHERE l.seq = $1");
    let row: Option<HistoryRow> = sqlx::query_as(&sql)
        .bind(seq)
        .fetch_optional(&mut **tx)
        .await
        .context("label lezen")?;
    row.map(history_label).transpose()
}

fn history_label(row: HistoryRow) -> anyhow::Result<HistoryLabel> {
    Ok(HistoryLabel {
        label: row.label.try_into()?,
        followed: row.later > 0,
    })
}

/// Puts back a membership a label took off; the cluster it is back in.
async fn put_back(
    tx: &mut Tx,
    label: &Label,
    taken: &TakenOff,
    (observed_on, area_key): (NaiveDate, &str),
) -> anyhow::Result<String> {
    if let Some(cluster) = &taken.cluster {
        let values = (
            cluster.area_key.as_str(),
            cluster.area.as_str(),
            cluster.organisation.as_str(),
        );
        let id = (taken.cluster_id.as_str(), taken.barrier.as_str());
        ensure_cluster(tx, id, values, observed_on).await?;
    }
    sqlx::query(
        "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, \
         area_key, wait_days, confidence, organisation, found_by, rule, model_score, model_terms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (source, signal_id, barrier) DO NOTHING",
    )
    .bind(&label.source)
    .bind(&label.signal_id)
    .bind(&taken.barrier)
    .bind(&taken.cluster_id)
    .bind(Text(observed_on))
    .bind(area_key)
    .bind(taken.wait_days)
    .bind(taken.confidence)
    .bind(&taken.organisation)
    .bind(&taken.found_by)
    .bind(&taken.rule)
    .bind(taken.model_score)
    .bind(&taken.model_terms)
    .execute(&mut **tx)
    .await
    .context("barrière van signaal terugzetten")?;
    Ok(taken.cluster_id.clone())
}

/// The signal a withdrawal changes, as it is now, and what the label took off it.
#[derive(sqlx::FromRow)]
struct Target {
    observed_on: Text<NaiveDate>,
    area_key: String,
    barriers: Text<Vec<String>>,
    classification: Text<Classification>,
    #[sqlx(skip)]
    taken_off: Option<String>,
}

/// Reverses what `label` did to its signal: the barrier it added comes off, the barriers it
/// took off come back where they were; the clusters touched.
async fn reverse(tx: &mut Tx, label: &Label, target: Target) -> anyhow::Result<LabelEffect> {
    let mut barriers = target.barriers.0;
    let mut detail = target.classification.0;
    let mut effect = LabelEffect {
        seq: label.seq,
        ..LabelEffect::default()
    };
    if let Some(joined) = &label.joined_cluster {
        let left: Option<String> = sqlx::query_scalar(
            "DELETE FROM signal_barriers WHERE source = $1 AND signal_id = $2 AND barrier = $3 \
             AND cluster_id = $4 RETURNING cluster_id",
        )
        .bind(&label.source)
        .bind(&label.signal_id)
        .bind(&label.barrier)
        .bind(joined)
        .fetch_optional(&mut **tx)
        .await
        .context("toegevoegde barrière weghalen")?;
        if left.is_some() {
            barriers.retain(|b| *b != label.barrier);
            detail.0.retain(|d| d.barrier != label.barrier);
            effect.left = left;
        }
    }
    let taken: Vec<TakenOff> = match &target.taken_off {
        Some(text) => serde_json::from_str(text).map_err(|e| {
            crate::StoreError::corrupt(format!("geen geldige weggehaalde barrières: {e}"))
        })?,
        None => Vec::new(),
    };
    // Every cluster the signal goes back into is recounted, not only the last. Each position
    // was taken after the ones before it were removed: put back in the reverse order.
    let mut touched: Vec<String> = effect.left.iter().cloned().collect();
    let area_key = knooppunt_domain::cluster::cluster_area_key(&target.area_key);
    for gone in taken.iter().rev() {
        let back = (target.observed_on.0, area_key.as_str());
        let joined = put_back(tx, label, gone, back).await?;
        touched.push(joined.clone());
        effect.joined = Some(joined);
        if !barriers.contains(&gone.barrier) {
            barriers.insert(gone.position.min(barriers.len()), gone.barrier.clone());
        }
        if let Some(found) = gone.detail.clone() {
            if !detail.0.iter().any(|d| d.barrier == found.barrier) {
                detail.0.insert(gone.position.min(detail.0.len()), found);
            }
        }
    }
    let signal_key = (label.source.as_str(), label.signal_id.as_str());
    set_classification(tx, signal_key, barriers, detail).await?;
    recount(tx, &touched).await?;
    Ok(effect)
}

impl Store {
    /// Takes back (by `actor`) label `seq`, if it was made on the Dutch day `day` and is the
    /// last label in force on its signal. Labels stay append-only: the withdrawal is an entry
    /// of its own, and the signal, its memberships and the cluster counts are as before the
    /// label, in one transaction.
    pub async fn withdraw_label(
        &self,
        seq: i64,
        day: NaiveDate,
        actor: &str,
    ) -> anyhow::Result<Result<Withdrawn, NotWithdrawn>> {
        let mut tx = self.begin_write().await.context("transactie starten")?;
        let Some(found) = label_in(&mut tx, seq).await? else {
            return Ok(Err(NotWithdrawn::Unknown));
        };
        // The signal's row is locked first, so two withdrawals or a new label cannot cross.
        let signal = (found.label.source.as_str(), found.label.signal_id.as_str());
        let columns = "observed_on, area_key, barriers, classification";
        let target: Option<Target> = lock_signal(&mut tx, self.backend(), columns, signal).await?;
        let Some(mut target) = target else {
            return Ok(Err(NotWithdrawn::Unknown));
        };
        target.taken_off = sqlx::query_scalar("SELECT taken_off FROM signal_labels WHERE seq = $1")
            .bind(seq)
            .fetch_one(&mut *tx)
            .await
            .context("weggehaalde barrières lezen")?;
        // Read again under the lock: a label made meanwhile counts.
        let found = label_in(&mut tx, seq).await?.context("label lezen")?;
        if let Err(why) = found.label.withdrawable(found.followed, day) {
            return Ok(Err(why));
        }
        let effect = reverse(&mut tx, &found.label, target).await?;
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO label_withdrawals (label_seq, actor, withdrawn_at) VALUES ($1, $2, $3)",
        )
        .bind(seq)
        .bind(actor)
        .bind(Text(now))
        .execute(&mut *tx)
        .await
        .context("terugdraaien vastleggen")?;
        tx.commit().await.context("label terugdraaien")?;
        let mut label = found.label;
        label.withdrawn = Some(Withdrawal {
            actor: actor.to_string(),
            at: now,
        });
        Ok(Ok(Withdrawn { label, effect }))
    }

    /// The labels made on cluster `cluster_id`'s page or that added a signal to it, oldest
    /// first, each with whether a later label on its signal holds.
    pub async fn cluster_labels(&self, cluster_id: &str) -> anyhow::Result<Vec<HistoryLabel>> {
        let sql = format!(
            "SELECT {LABEL_COLUMNS}, {LATER} {LABEL_FROM} \
             WHERE l.cluster_id = $1 OR l.joined_cluster = $1 ORDER BY l.seq"
        );
        let rows: Vec<HistoryRow> = sqlx::query_as(&sql)
            .bind(cluster_id)
            .fetch_all(self.pool())
            .await
            .context("labels van cluster lezen")?;
        rows.into_iter().map(history_label).collect()
    }

    /// The labels made on the Dutch calendar day `day`, oldest first, each with the wijk of
    /// its signal (a day's decisions list shows them, a member's only in their wijken).
    pub async fn labels_on(&self, day: NaiveDate) -> anyhow::Result<Vec<(Label, String)>> {
        let (start, end) = knooppunt_domain::dutch_time::day_bounds_utc(day);
        let sql = format!(
            "SELECT {LABEL_COLUMNS}, s.area {LABEL_FROM} JOIN signals s \
             ON s.source = l.source AND s.id = l.signal_id \
             WHERE l.labelled_at >= $1 AND l.labelled_at < $2 ORDER BY l.seq"
        );
        let rows: Vec<AreaRow> = sqlx::query_as(&sql)
            .bind(Text(start))
            .bind(Text(end))
            .fetch_all(self.pool())
            .await
            .context("labels van de dag lezen")?;
        rows.into_iter()
            .map(|row| Ok((Label::try_from(row.label)?, row.area)))
            .collect()
    }

    /// Label `seq`, if there is one.
    pub async fn label(&self, seq: i64) -> anyhow::Result<Option<Label>> {
        let sql = format!("SELECT {LABEL_COLUMNS} {LABEL_FROM} WHERE l.seq = $1");
        let row: Option<LabelRow> = sqlx::query_as(&sql)
            .bind(seq)
            .fetch_optional(self.pool())
            .await
            .context("label lezen")?;
        row.map(Label::try_from).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_keeps_no_words_of_the_text() {
        let gone = TakenOff {
            barrier: "kostendelersnorm".into(),
            cluster_id: "c1".into(),
            wait_days: None,
            confidence: 0.9,
            organisation: String::new(),
            found_by: "model".into(),
            rule: None,
            model_score: Some(0.91),
            model_terms: Some(r#"["bijstand","omlaag"]"#.into()),
            position: 0,
            detail: None,
            cluster: None,
        };
        let stored = taken_off_text(&[gone])
            .unwrap()
            .expect("something taken off");
        assert!(!stored.contains("bijstand"), "{stored}");
        let back: Vec<TakenOff> = serde_json::from_str(&stored).unwrap();
        assert_eq!(
            (back[0].model_terms.clone(), back[0].model_score),
            (None, Some(0.91))
        );
    }
}
