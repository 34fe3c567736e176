//! Clusters and their memberships (`signal_barriers`): upserting tallies, and reading
//! clusters, their summaries, events and the overleg's overrides.

use crate::*;
use anyhow::Context;
use chrono::NaiveDate;

use knooppunt_domain::cluster::*;
use knooppunt_domain::recognition::Recognition;
use knooppunt_domain::stats::quantile;
use std::collections::HashMap;

/// One row of `signal_barriers`.
pub(crate) struct Membership<'a> {
    pub(crate) source: &'a str,
    pub(crate) signal_id: &'a str,
    pub(crate) barrier: &'a str,
    pub(crate) cluster_id: String,
    pub(crate) observed_on: NaiveDate,
    pub(crate) area_key: String,
    pub(crate) wait_days: Option<i64>,
    pub(crate) confidence: f64,
    pub(crate) organisation: &'a str,
    pub(crate) found: &'a Recognition,
}

/// Adds tallies to the clusters, creating those that do not exist yet.
pub(crate) async fn upsert_clusters(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    clusters: &[ClusterTally],
    what: &'static str,
) -> anyhow::Result<()> {
    for chunk in clusters.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, last_seen, signal_count) \
             VALUES {} ON CONFLICT (id) DO UPDATE SET \
               signal_count = clusters.signal_count + excluded.signal_count, \
               first_seen = CASE WHEN excluded.first_seen < clusters.first_seen \
                            THEN excluded.first_seen ELSE clusters.first_seen END, \
               last_seen = CASE WHEN excluded.last_seen > clusters.last_seen \
                           THEN excluded.last_seen ELSE clusters.last_seen END",
            placeholders(backend, chunk.len(), 8)
        );
        let mut query = sqlx::query(&sql);
        for tally in chunk {
            query = query
                .bind(&tally.id)
                .bind(&tally.barrier)
                .bind(&tally.key.area_key)
                .bind(&tally.key.area)
                .bind(&tally.key.organisation)
                .bind(Text(tally.first_seen))
                .bind(Text(tally.last_seen))
                .bind(tally.signal_count);
        }
        query.execute(&mut **tx).await.context(what)?;
    }
    Ok(())
}

pub(crate) async fn insert_memberships(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    rows: &[Membership<'_>],
) -> anyhow::Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO signal_barriers (source, signal_id, barrier, cluster_id, observed_on, \
             area_key, wait_days, confidence, organisation, found_by, rule, model_score, model_terms) \
             VALUES {} ON CONFLICT (source, signal_id, barrier) DO NOTHING",
            placeholders(backend, chunk.len(), 13)
        );
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = query
                .bind(row.source)
                .bind(row.signal_id)
                .bind(row.barrier)
                .bind(&row.cluster_id)
                .bind(Text(row.observed_on))
                .bind(&row.area_key)
                .bind(row.wait_days)
                .bind(row.confidence)
                .bind(row.organisation)
                .bind(row.found.how.as_str())
                .bind(row.found.rule_column())
                .bind(row.found.model_score.map(f64::from))
                .bind(row.found.terms_column());
        }
        query
            .execute(&mut **tx)
            .await
            .context("barrières van signalen opslaan")?;
    }
    Ok(())
}

/// A `clusters` row as stored; [`ClusterRow`] is its typed form.
#[derive(sqlx::FromRow)]
struct StoredCluster {
    id: String,
    barrier: String,
    area: String,
    organisation: String,
    first_seen: Text<NaiveDate>,
    last_seen: Text<NaiveDate>,
    signal_count: i64,
}

impl From<StoredCluster> for ClusterRow {
    fn from(row: StoredCluster) -> Self {
        ClusterRow {
            id: row.id,
            barrier: row.barrier,
            area: row.area,
            organisation: row.organisation,
            first_seen: row.first_seen.0,
            last_seen: row.last_seen.0,
            signal_count: row.signal_count,
        }
    }
}

const CLUSTER_COLUMNS: &str =
    "SELECT id, barrier, area, organisation, first_seen, last_seen, signal_count FROM clusters";

/// Overrides keyed by (source, signal id, barrier): the cluster's id and key values.
pub type Overrides = HashMap<(String, String, String), (String, ClusterKeyValues)>;

impl Store {
    /// Every cluster, largest first.
    pub async fn clusters(&self) -> anyhow::Result<Vec<ClusterRow>> {
        let rows: Vec<StoredCluster> = sqlx::query_as(&format!(
            "{CLUSTER_COLUMNS} ORDER BY signal_count DESC, barrier, area_key, organisation"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ClusterRow::from).collect())
    }

    /// One cluster by id.
    pub async fn cluster(&self, id: &str) -> anyhow::Result<Option<ClusterRow>> {
        let row: Option<StoredCluster> =
            sqlx::query_as(&format!("{CLUSTER_COLUMNS} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(ClusterRow::from))
    }

    /// Every cluster with distinct sources and areas and its waiting times (median, 75th
    /// percentile), largest first.
    pub async fn cluster_summaries(&self) -> anyhow::Result<Vec<ClusterSummary>> {
        let clusters = self.clusters().await?;
        let breadth: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT cluster_id, COUNT(DISTINCT source) AS sources, COUNT(DISTINCT area_key) AS areas \
             FROM signal_barriers GROUP BY cluster_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let spread: HashMap<String, (i64, i64)> = breadth
            .into_iter()
            .map(|(id, sources, areas)| (id, (sources, areas)))
            .collect();
        let waits: Vec<(String, i64)> = sqlx::query_as(
            "SELECT cluster_id, wait_days FROM signal_barriers WHERE wait_days IS NOT NULL \
             ORDER BY cluster_id, wait_days",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_cluster: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, wait) in waits {
            by_cluster.entry(id).or_default().push(wait);
        }
        Ok(clusters
            .into_iter()
            .map(|cluster| {
                let (sources, areas) = spread.get(&cluster.id).copied().unwrap_or_default();
                let waits = by_cluster.remove(&cluster.id).unwrap_or_default();
                ClusterSummary {
                    sources,
                    areas,
                    with_wait: waits.len(),
                    median_wait_days: quantile(&waits, 0.5),
                    p75_wait_days: quantile(&waits, 0.75),
                    cluster,
                }
            })
            .collect())
    }

    /// Signals the overleg split off, by (source, signal id, barrier): their cluster's id and
    /// key values.
    pub async fn cluster_overrides(&self) -> anyhow::Result<Overrides> {
        type Columns = (String, String, String, String, String, String, String);
        let rows: Vec<Columns> = sqlx::query_as(
            "SELECT o.source, o.signal_id, o.barrier, o.cluster_id, c.area_key, c.area, c.organisation \
             FROM cluster_overrides o JOIN clusters c ON c.id = o.cluster_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(source, signal_id, barrier, cluster_id, area_key, area, organisation)| {
                    let key = ClusterKeyValues {
                        area_key,
                        area,
                        organisation,
                    };
                    ((source, signal_id, barrier), (cluster_id, key))
                },
            )
            .collect())
    }
}

/// One membership of a signal in a cluster, as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MembershipRow {
    pub barrier: String,
    pub cluster_id: String,
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub observed_on: NaiveDate,
    pub wait_days: Option<i64>,
    pub confidence: f64,
    /// How the barrier was found: `regel`, `model`, `overleg`.
    pub found_by: String,
    /// For `regel`: the rule's pattern as far as its explanation shows it
    /// ([`Recognition::rule_column`]); rows stored before hold the whole pattern.
    pub rule: Option<String>,
}

/// A cluster whose stored count differs from its member rows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CountMismatch {
    pub id: String,
    pub signal_count: i64,
    pub members: i64,
}

impl Store {
    /// A signal's memberships, by barrier.
    pub async fn memberships(
        &self,
        source: &str,
        signal_id: &str,
    ) -> crate::StoreResult<Vec<MembershipRow>> {
        Ok(sqlx::query_as(
            "SELECT barrier, cluster_id, observed_on, wait_days, confidence, found_by, rule \
             FROM signal_barriers WHERE source = $1 AND signal_id = $2 ORDER BY barrier",
        )
        .bind(source)
        .bind(signal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The clusters whose count is not the number of their member rows (none, when the
    /// counts are exact).
    pub async fn cluster_count_mismatches(&self) -> crate::StoreResult<Vec<CountMismatch>> {
        Ok(sqlx::query_as(
            "SELECT id, signal_count, members FROM (SELECT c.id, c.signal_count, \
             (SELECT COUNT(*) FROM signal_barriers m WHERE m.cluster_id = c.id) AS members \
             FROM clusters c) counted WHERE signal_count <> members ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
