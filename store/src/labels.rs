//! The labels in the store: recording one (applied at once), reading them back, and the
//! *Niet ingedeeld* queue.

use crate::label_withdrawals::{
    take_off, taken_off_text, LabelRow, TakenOff, IN_FORCE, LABEL_COLUMNS, LABEL_FROM,
};
use crate::{Store, Text, CLUSTER_KEY_SETTING};
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use knooppunt_domain::cluster::{cluster_id, Classification, ClassifiedBarrier, ClusterKey};
use knooppunt_domain::labels::{
    key_from_setting, overleg_match, Label, LabelEffect, LabelledSignal, NewLabel, QueuedSignal,
    SignalLabels, Verdict,
};
use knooppunt_domain::recognition::How;
use std::collections::HashMap;

/// Recounts the clusters a label changed; one left empty disappears.
/// Writes a signal's barriers and their classification, as a label or its withdrawal left them.
pub(crate) async fn set_classification(
    tx: &mut Tx,
    (source, signal_id): (&str, &str),
    barriers: Vec<String>,
    detail: Classification,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE signals SET barriers = $1, classification = $2 WHERE source = $3 AND id = $4",
    )
    .bind(Text(barriers))
    .bind(Text(detail))
    .bind(source)
    .bind(signal_id)
    .execute(&mut **tx)
    .await
    .context("indeling van signaal bijwerken")?;
    Ok(())
}

pub(crate) async fn recount(tx: &mut Tx, touched: &[String]) -> anyhow::Result<()> {
    for cluster in touched {
        sqlx::query(
                "UPDATE clusters SET \
                 signal_count = (SELECT COUNT(*) FROM signal_barriers WHERE cluster_id = $1), \
                 first_seen = COALESCE((SELECT MIN(observed_on) FROM signal_barriers WHERE cluster_id = $1), first_seen), \
                 last_seen = COALESCE((SELECT MAX(observed_on) FROM signal_barriers WHERE cluster_id = $1), last_seen) \
                 WHERE id = $1",
            )
            .bind(cluster)
            .execute(&mut **tx)
            .await
            .context("clustertelling bijwerken")?;
        sqlx::query("DELETE FROM clusters WHERE id = $1 AND signal_count = 0")
            .bind(cluster)
            .execute(&mut **tx)
            .await
            .context("leeg cluster opruimen")?;
    }
    Ok(())
}

/// Creates cluster (id, barrier) with its key values (area key, area, organisation), empty
/// and first seen `on`, unless it exists; [`recount`] gives it its count.
pub(crate) async fn ensure_cluster(
    tx: &mut Tx,
    (id, barrier): (&str, &str),
    (area_key, area, organisation): (&str, &str, &str),
    on: NaiveDate,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, \
         last_seen, signal_count) VALUES ($1, $2, $3, $4, $5, $6, $6, 0) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(barrier)
    .bind(area_key)
    .bind(area)
    .bind(organisation)
    .bind(Text(on))
    .execute(&mut **tx)
    .await
    .context("cluster aanmaken")?;
    Ok(())
}

/// Adds the signal to the overleg's cluster for `barrier`, creating the cluster when needed;
/// returns its id.
async fn join(
    tx: &mut Tx,
    label: &NewLabel<'_>,
    barrier: &str,
    found: &knooppunt_domain::cluster::BarrierMatch,
    observed_on: NaiveDate,
    area_key: &str,
) -> anyhow::Result<String> {
    let cluster = cluster_id(barrier, &found.cluster);
    let key = &found.cluster;
    let values = (
        key.area_key.as_str(),
        key.area.as_str(),
        key.organisation.as_str(),
    );
    ensure_cluster(tx, (&cluster, barrier), values, observed_on).await?;
    sqlx::query(
        "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, \
         area_key, wait_days, confidence, organisation, found_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(label.source)
    .bind(label.signal_id)
    .bind(barrier)
    .bind(&cluster)
    .bind(Text(observed_on))
    .bind(area_key)
    .bind(found.wait_days.map(i64::from))
    .bind(found.confidence)
    .bind(&found.cluster.organisation)
    .bind(How::Review.as_str())
    .execute(&mut **tx)
    .await
    .context("barrière aan signaal toevoegen")?;
    Ok(cluster)
}

/// The signal (source, id) with `columns`, locked for the transaction that changes it.
pub(crate) async fn lock_signal<T>(
    tx: &mut Tx,
    backend: crate::Backend,
    columns: &str,
    (source, id): (&str, &str),
) -> anyhow::Result<Option<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    // PostgreSQL: lock the signal's row, so two labels at once cannot lose one another's
    // change (SQLite serialises writing transactions anyway).
    let lock = match backend {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    let sql = format!("SELECT {columns} FROM signals WHERE source = $1 AND id = $2{lock}");
    sqlx::query_as::<_, T>(&sql)
        .bind(source)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .context("signaal lezen")
}

/// Appends the label (append-only) with where it was made and what it changed; its sequence
/// number.
async fn insert_label(
    tx: &mut Tx,
    label: &NewLabel<'_>,
    barrier: &str,
    (joined, taken_off): (Option<&str>, &[TakenOff]),
) -> anyhow::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO signal_labels (source, signal_id, barrier, verdict, actor, labelled_at, \
         cluster_id, joined_cluster, taken_off) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING seq",
    )
    .bind(label.source)
    .bind(label.signal_id)
    .bind(barrier)
    .bind(label.verdict.as_str())
    .bind(label.actor)
    .bind(Text(Utc::now()))
    .bind(label.cluster_id)
    .bind(joined)
    .bind(taken_off_text(taken_off)?)
    .fetch_one(&mut **tx)
    .await
    .context("label vastleggen")
}

pub(crate) type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The signal a label is about, as the label needs it.
#[derive(sqlx::FromRow)]
struct LabelTarget {
    area: String,
    area_key: String,
    organisation: Option<String>,
    observed_on: Text<NaiveDate>,
    wait_days: Option<i64>,
    barriers: Text<Vec<String>>,
    classification: Text<Classification>,
}

/// The key the stored clusters are grouped by.
async fn cluster_key(tx: &mut Tx) -> anyhow::Result<ClusterKey> {
    let setting: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(CLUSTER_KEY_SETTING)
        .fetch_optional(&mut **tx)
        .await
        .context("clustersleutel lezen")?;
    Ok(key_from_setting(setting.as_deref()))
}

impl Store {
    /// Records a label and applies it at once, in one transaction: the signal's barriers and
    /// memberships follow, and so do the counts of the clusters it leaves or joins (a cluster
    /// left empty disappears, as after a replay; one joined is created when needed). The label
    /// keeps what it took off and the cluster it added the signal to, so that it can be taken
    /// back ([`Store::withdraw_label`]).
    pub async fn record_label(&self, label: &NewLabel<'_>) -> anyhow::Result<LabelEffect> {
        let barrier = match label.verdict {
            Verdict::NoBarrier => "",
            _ => label.barrier,
        };
        let mut tx = self.begin_write().await.context("transactie starten")?;
        let columns = "area, area_key, organisation, observed_on, wait_days, barriers, \
                       classification";
        let signal: LabelTarget = lock_signal(
            &mut tx,
            self.backend(),
            columns,
            (label.source, label.signal_id),
        )
        .await?
        .context("signaal: bestaat niet")?;
        let mut current = signal.barriers.0.clone();
        let mut detail = signal.classification.0.clone();
        let removed: Vec<String> = match label.verdict {
            Verdict::DoesNotBelong => current.iter().filter(|b| *b == barrier).cloned().collect(),
            Verdict::NoBarrier => current.clone(),
            Verdict::Belongs => Vec::new(),
        };
        let mut effect = LabelEffect::default();
        let mut taken = Vec::new();
        for gone in &removed {
            let position = current
                .iter()
                .position(|b| b == gone)
                .unwrap_or(current.len());
            let found = detail.0.iter().find(|d| d.barrier == *gone).cloned();
            let signal_key = (label.source, label.signal_id);
            if let Some(off) = take_off(&mut tx, signal_key, gone, position, found).await? {
                effect.left = Some(off.cluster_id.clone());
                taken.push(off);
            }
            current.retain(|b| b != gone);
            detail.0.retain(|d| d.barrier != *gone);
        }
        if label.verdict == Verdict::Belongs && !current.iter().any(|b| b == barrier) {
            let key = cluster_key(&mut tx).await?;
            let organisation = signal.organisation.as_deref();
            let found = overleg_match(barrier, key, &signal.area, organisation, signal.wait_days);
            let on = signal.observed_on.0;
            let area_key = knooppunt_domain::cluster::cluster_area_key(&signal.area_key);
            let cluster = join(&mut tx, label, barrier, &found, on, &area_key).await?;
            current.push(barrier.to_string());
            detail.0.push(ClassifiedBarrier::of(&found));
            effect.joined = Some(cluster);
        }
        let changes = (effect.joined.as_deref(), taken.as_slice());
        effect.seq = insert_label(&mut tx, label, barrier, changes).await?;
        let signal_key = (label.source, label.signal_id);
        set_classification(&mut tx, signal_key, current, detail).await?;
        let touched: Vec<String> = taken
            .iter()
            .map(|t| t.cluster_id.clone())
            .chain(effect.joined.clone())
            .collect();
        recount(&mut tx, &touched).await?;
        tx.commit().await.context("label vastleggen")?;
        Ok(effect)
    }

    /// Every label, oldest first, with its withdrawal if it was taken back (append-only:
    /// nothing is ever changed or removed).
    pub async fn labels(&self) -> anyhow::Result<Vec<Label>> {
        let sql = format!("SELECT {LABEL_COLUMNS} {LABEL_FROM} ORDER BY l.seq");
        let rows: Vec<LabelRow> = sqlx::query_as(&sql)
            .fetch_all(self.pool())
            .await
            .context("labels lezen")?;
        rows.into_iter().map(Label::try_from).collect()
    }

    /// The labels that hold, per signal (source, id): taken-back labels do not.
    pub async fn signal_labels(&self) -> anyhow::Result<HashMap<(String, String), SignalLabels>> {
        let mut by_signal: HashMap<(String, String), SignalLabels> = HashMap::new();
        for label in self.labels().await? {
            if label.withdrawn.is_some() {
                continue;
            }
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
        type Columns = (
            String,
            String,
            Text<NaiveDate>,
            String,
            Option<String>,
            Option<i64>,
        );
        // From the labels in force to their signals (by key), not a scan of every signal.
        let sql = format!(
            "SELECT source, id, observed_on, text, organisation, wait_days FROM signals s \
             WHERE (s.source, s.id) IN (SELECT l.source, l.signal_id FROM signal_labels l \
             WHERE {IN_FORCE}) ORDER BY source, id"
        );
        let rows: Vec<Columns> = sqlx::query_as(&sql)
            .fetch_all(self.pool())
            .await
            .context("gelabelde signalen lezen")?;
        Ok(rows
            .into_iter()
            .map(|(source, id, observed_on, text, organisation, wait_days)| {
                let labels = labels
                    .get(&(source.clone(), id.clone()))
                    .cloned()
                    .unwrap_or_default();
                LabelledSignal {
                    source,
                    id,
                    observed_on: observed_on.0,
                    text,
                    organisation,
                    wait_days,
                    labels,
                }
            })
            .collect())
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
             (SELECT 1 FROM signal_labels l WHERE l.source = s.source AND l.signal_id = s.id \
             AND {IN_FORCE})"
        );
        let n = area_keys.len();
        let sql = format!(
            "SELECT s.source, s.id, s.observed_on, s.area, s.text {from} \
             ORDER BY s.observed_on, s.source, s.id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        type Columns = (String, String, Text<NaiveDate>, String, String);
        let mut query = sqlx::query_as::<_, Columns>(&sql);
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
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for key in area_keys {
            count = count.bind(key);
        }
        let total: i64 = count
            .fetch_one(self.pool())
            .await
            .context("niet ingedeelde signalen tellen")?;
        let signals = rows
            .into_iter()
            .map(|(source, id, observed_on, area, text)| QueuedSignal {
                source,
                id,
                observed_on: observed_on.0,
                area,
                text,
            })
            .collect();
        Ok((signals, total))
    }

    /// The area key of a stored signal, for the overleg's area check.
    pub async fn signal_area_key(&self, source: &str, id: &str) -> anyhow::Result<Option<String>> {
        sqlx::query_scalar("SELECT area_key FROM signals WHERE source = $1 AND id = $2")
            .bind(source)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .context("signaal lezen")
    }
}
