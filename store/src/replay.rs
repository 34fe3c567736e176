//! Replay: reading stored signals page by page and writing a replay's changes in one
//! transaction.

use crate::clusters::{insert_memberships, upsert_clusters, Membership};
use crate::review::{insert_decision, write_effects, DecidedCluster, DecisionEffects};
use crate::settings::set_setting;
use crate::*;
use anyhow::Context;
use chrono::{DateTime, Utc};
use knooppunt_domain::cluster::*;
use knooppunt_domain::review::{Action, State};

/// A decision a replay records in its transaction: the overleg's decisions carried from a
/// cluster that vanishes to the one that takes its signals (`knooppunt_domain::review::carry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayDecision {
    pub cluster_id: String,
    /// The cluster as its event names it.
    pub cluster: DecidedCluster,
    pub action: Action,
    pub state_after: State,
    pub actor: String,
    pub reason: String,
    pub signal_count: i64,
    /// The other clusters involved (a merge's target), for the event.
    pub related: Vec<String>,
}

/// Writes a replay inside one transaction; nothing is visible until [`ReplayWriter::finish`].
pub struct ReplayWriter {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
}

impl ReplayWriter {
    /// Stores the new classification of the signals whose classification or cluster changed.
    pub async fn write_changes(
        &mut self,
        changes: &[(ReplaySignal, Vec<BarrierMatch>)],
        version: &str,
        model_version: Option<&str>,
    ) -> anyhow::Result<()> {
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE signals SET barriers = v.column3, classification = v.column4, \
                 rules_version = v.column5, model_version = v.column6 FROM (VALUES {}) AS v \
                 WHERE signals.source = v.column1 AND signals.id = v.column2",
                placeholders(self.backend, chunk.len(), 6)
            );
            let mut update = sqlx::query(&sql);
            for (signal, matches) in chunk {
                update = update
                    .bind(&signal.source)
                    .bind(&signal.id)
                    .bind(
                        matches
                            .iter()
                            .map(|m| m.barrier.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    )
                    .bind(Text(Classification::of(matches)))
                    .bind(version)
                    .bind(model_version);
            }
            update
                .execute(&mut *self.tx)
                .await
                .context("nieuwe indeling opslaan")?;
            let sql = format!(
                "DELETE FROM signal_barriers WHERE (source, signal_id) IN (VALUES {})",
                placeholders(self.backend, chunk.len(), 2)
            );
            let mut delete = sqlx::query(&sql);
            for (signal, _) in chunk {
                delete = delete.bind(&signal.source).bind(&signal.id);
            }
            delete
                .execute(&mut *self.tx)
                .await
                .context("oude indeling verwijderen")?;
        }
        let rows: Vec<Membership> = changes
            .iter()
            .flat_map(|(signal, matches)| {
                matches.iter().map(move |m| Membership {
                    source: &signal.source,
                    signal_id: &signal.id,
                    barrier: &m.barrier,
                    cluster_id: m.cluster_id(),
                    observed_on: signal.observed_on,
                    area_key: knooppunt_domain::cluster::cluster_area_key(&signal.area_key),
                    wait_days: m.wait_days.map(i64::from),
                    confidence: m.confidence,
                    organisation: &m.cluster.organisation,
                    found: &m.found,
                })
            })
            .collect();
        insert_memberships(&mut self.tx, self.backend, &rows).await
    }

    /// Replaces the clusters by the rebuilt ones (ids derive from barrier and key, so
    /// surviving clusters keep theirs), records the cluster key, the replay and `decisions`
    /// (each with its event and processing-log entry, at the same moment), and commits.
    /// Signals whose classification did not change keep the version that produced it; the
    /// `replays` row records that they were checked against `version`.
    pub async fn finish(
        mut self,
        version: &str,
        key: ClusterKey,
        clusters: &[ClusterTally],
        counts: (u64, u64, u64),
        decisions: &[ReplayDecision],
    ) -> anyhow::Result<()> {
        let (signals, changed, rewritten) = counts;
        sqlx::query(
            "INSERT INTO replays (version, cluster_key, applied_at, signals, changed, rewritten) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(version)
        .bind(key.describe())
        .bind(Text(Utc::now()))
        .bind(signals as i64)
        .bind(changed as i64)
        .bind(rewritten as i64)
        .execute(&mut *self.tx)
        .await
        .context("replay registreren")?;
        sqlx::query("DELETE FROM clusters")
            .execute(&mut *self.tx)
            .await
            .context("clusters legen")?;
        upsert_clusters(
            &mut self.tx,
            self.backend,
            clusters,
            "clusters opnieuw opbouwen",
        )
        .await?;
        set_setting(&mut self.tx, CLUSTER_KEY_SETTING, &key.describe()).await?;
        let at = Utc::now();
        for carried in decisions {
            let decision = insert_decision(
                &mut self.tx,
                &carried.cluster_id,
                &carried.action,
                carried.state_after,
                (&carried.actor, &carried.reason),
                carried.signal_count,
                at,
            )
            .await?;
            let effects =
                DecisionEffects::of_decision(&decision, &carried.cluster, &carried.related)?;
            write_effects(&mut self.tx, &effects).await?;
        }
        self.tx.commit().await.context("replay vastleggen")
    }
}

impl Store {
    /// Up to `limit` stored signals after `after` (source, id), in key order. The row-value
    /// comparison lets both databases walk the primary key instead of scanning per page.
    pub async fn replay_page(
        &self,
        after: Option<&(String, String)>,
        limit: i64,
    ) -> anyhow::Result<Vec<ReplaySignal>> {
        let (source, id) = after.cloned().unwrap_or_default();
        let rows = sqlx::query(
            "SELECT source, id, observed_on, area, area_key, text, themes, organisation, barriers, \
             classification, wait_days FROM signals WHERE (source, id) > ($1, $2) \
             ORDER BY source, id LIMIT $3",
        )
        .bind(&source)
        .bind(&id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut page: Vec<ReplaySignal> = rows
            .iter()
            .map(replay_signal)
            .collect::<Result<_, sqlx::Error>>()?;
        let Some(last) = page.last() else {
            return Ok(page);
        };
        // The page's memberships, by the same key range.
        let memberships: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT source, signal_id, cluster_id FROM signal_barriers \
             WHERE (source, signal_id) > ($1, $2) AND (source, signal_id) <= ($3, $4) \
             ORDER BY source, signal_id, cluster_id",
        )
        .bind(&source)
        .bind(&id)
        .bind(&last.source)
        .bind(&last.id)
        .fetch_all(&self.pool)
        .await?;
        let mut clusters: std::collections::HashMap<(String, String), Vec<String>> =
            std::collections::HashMap::new();
        for (source, signal_id, cluster_id) in memberships {
            clusters
                .entry((source, signal_id))
                .or_default()
                .push(cluster_id);
        }
        for signal in &mut page {
            let key = (signal.source.clone(), signal.id.clone());
            signal.clusters = clusters.remove(&key).unwrap_or_default();
        }
        Ok(page)
    }

    /// The versions applied by replay, oldest first: (version, applied at).
    pub async fn replays(&self) -> anyhow::Result<Vec<(String, DateTime<Utc>)>> {
        let rows: Vec<(String, Text<DateTime<Utc>>)> =
            sqlx::query_as("SELECT version, applied_at FROM replays ORDER BY applied_at")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(version, at)| (version, at.0))
            .collect())
    }

    /// Starts the transaction a replay with `--apply` writes in.
    pub async fn begin_replay(&self) -> anyhow::Result<ReplayWriter> {
        Ok(ReplayWriter {
            tx: self.pool.begin().await.context("transactie starten")?,
            backend: self.backend,
        })
    }
}

/// A `signals` row, read by column name, as replay sees it.
fn replay_signal(row: &sqlx::any::AnyRow) -> Result<ReplaySignal, sqlx::Error> {
    use sqlx::Row;
    Ok(ReplaySignal {
        source: row.try_get("source")?,
        id: row.try_get("id")?,
        observed_on: row.try_get::<Text<_>, _>("observed_on")?.0,
        area: row.try_get("area")?,
        area_key: row.try_get("area_key")?,
        text: row.try_get("text")?,
        themes: row.try_get::<Text<_>, _>("themes")?.0,
        organisation: row.try_get("organisation")?,
        barriers: row.try_get::<Text<_>, _>("barriers")?.0,
        classification: row.try_get::<Text<_>, _>("classification")?.0,
        wait_days: row.try_get("wait_days")?,
        clusters: Vec::new(),
    })
}
