//! The figures the brief's knelpunten are built from: counts per cluster, wijk and month,
//! sources, waiting times, samenloop and approved vignettes — read in a fixed number of
//! queries whatever the number of knelpunten (each names every selected cluster at once and
//! is answered from the indexes on `cluster_id`). Also the wijk names and the vignettes.

use crate::{Backend, Store, Text};
use anyhow::Context;
use chrono::NaiveDate;
use knooppunt_domain::quarter::Month;
use std::collections::{BTreeSet, HashMap};

/// Signals of a cluster in a wijk (by its area key) in a month (`2026-08`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthlyCount {
    pub cluster_id: String,
    pub area_key: String,
    #[sqlx(try_from = "Text<Month>")]
    pub month: Month,
    pub n: i64,
}

/// Signals of a cluster with a waiting time (in days).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitCount {
    pub cluster_id: String,
    pub wait_days: i64,
    pub n: i64,
}

/// Signals of a cluster that also carry `barrier`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CoOccurrence {
    pub cluster_id: String,
    pub barrier: String,
    pub n: i64,
}

/// What the knelpunten of one brief read from `signal_barriers` and `vignettes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnelpuntRows {
    /// Over the whole period (this quarter and the ones before it).
    pub monthly: Vec<MonthlyCount>,
    /// The quarter: (cluster, source) pairs.
    pub sources: Vec<(String, String)>,
    pub waits: Vec<WaitCount>,
    pub co_occurring: Vec<CoOccurrence>,
    /// Approved vignettes' texts, (cluster, text), oldest approval first.
    pub vignettes: Vec<(String, String)>,
}

/// Parameter number `i`: `$i` on PostgreSQL, `?` on SQLite (which looks numbered parameters
/// up by name, one linear search each). Only used where every parameter appears once, in order.
fn param(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Postgres => format!("${i}"),
        Backend::Sqlite => "?".to_string(),
    }
}

/// `$first, …` (PostgreSQL) or `?, …` (SQLite) for `count` parameters.
fn param_list(backend: Backend, first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| param(backend, i))
        .collect::<Vec<_>>()
        .join(", ")
}

type Period = (NaiveDate, NaiveDate);

impl Store {
    /// Runs a query over `[from, to)` and the clusters `ids`: `{p1}`, `{p2}` and `{list}` in
    /// `sql` become the period's and the ids' parameters.
    async fn per_cluster<T>(
        &self,
        sql: &str,
        (from, to): Period,
        ids: &[String],
        what: &'static str,
    ) -> anyhow::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let sql = sql
            .replace("{list}", &param_list(self.backend, 3, ids.len()))
            .replace("{p1}", &param(self.backend, 1))
            .replace("{p2}", &param(self.backend, 2));
        let mut query = sqlx::query_as(&sql)
            .bind(from.to_string())
            .bind(to.to_string());
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(&self.pool).await.context(what)
    }

    /// The knelpunten's rows: monthly counts over `history`, the rest over `quarter` (each
    /// `[first day, first day after)`), for the clusters `ids`.
    pub async fn knelpunt_rows(
        &self,
        ids: &[String],
        history: Period,
        quarter: Period,
    ) -> anyhow::Result<KnelpuntRows> {
        if ids.is_empty() {
            return Ok(KnelpuntRows::default());
        }
        let monthly = self
            .per_cluster(
                "SELECT cluster_id, area_key, substr(observed_on, 1, 7) AS month, COUNT(*) AS n \
                 FROM signal_barriers WHERE observed_on >= {p1} AND observed_on < {p2} \
                 AND cluster_id IN ({list}) \
                 GROUP BY cluster_id, area_key, substr(observed_on, 1, 7)",
                history,
                ids,
                "cijfers van knelpunten lezen",
            )
            .await?;
        let sources = self
            .per_cluster(
                "SELECT cluster_id, source FROM signal_barriers WHERE observed_on >= {p1} \
                 AND observed_on < {p2} AND cluster_id IN ({list}) GROUP BY cluster_id, source",
                quarter,
                ids,
                "bronnen van knelpunten lezen",
            )
            .await?;
        let waits = self
            .per_cluster(
                "SELECT cluster_id, wait_days, COUNT(*) AS n FROM signal_barriers \
                 WHERE observed_on >= {p1} AND observed_on < {p2} AND cluster_id IN ({list}) \
                 AND wait_days IS NOT NULL GROUP BY cluster_id, wait_days",
                quarter,
                ids,
                "wachttijden van knelpunten lezen",
            )
            .await?;
        let co_occurring = self
            .per_cluster(
                "SELECT b.cluster_id, o.barrier, COUNT(*) AS n FROM signal_barriers b \
                 JOIN signal_barriers o \
                 ON o.source = b.source AND o.signal_id = b.signal_id AND o.barrier <> b.barrier \
                 WHERE b.observed_on >= {p1} AND b.observed_on < {p2} \
                 AND b.cluster_id IN ({list}) GROUP BY b.cluster_id, o.barrier",
                quarter,
                ids,
                "samenloop van knelpunten lezen",
            )
            .await?;
        let sql = format!(
            "SELECT v.cluster_id, COALESCE(v.edited_text, s.text) FROM vignettes v \
             JOIN signals s ON s.source = v.source AND s.id = v.signal_id \
             WHERE v.cluster_id IN ({}) ORDER BY v.approved_at",
            param_list(self.backend, 1, ids.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        let vignettes = query
            .fetch_all(&self.pool)
            .await
            .context("vignetten lezen")?;
        Ok(KnelpuntRows {
            monthly,
            sources,
            waits,
            co_occurring,
            vignettes,
        })
    }

    /// The wijk's name for each area key (which is the name trimmed and in lower case): as
    /// the clusters keyed by area spell it, else as a stored signal does.
    pub async fn area_names(
        &self,
        keys: &BTreeSet<String>,
    ) -> anyhow::Result<HashMap<String, String>> {
        let mut names = HashMap::new();
        if keys.is_empty() {
            return Ok(names);
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT area_key, MIN(area) AS area FROM clusters WHERE area <> '' GROUP BY area_key",
        )
        .fetch_all(&self.pool)
        .await
        .context("wijken lezen")?;
        for (key, area) in rows {
            if keys.contains(&key) {
                names.insert(key, area.trim().to_string());
            }
        }
        let missing: Vec<&String> = keys.iter().filter(|k| !names.contains_key(*k)).collect();
        if !missing.is_empty() {
            // Clusters not keyed by area: one name per key from the signals (index on area_key).
            let sql = format!(
                "SELECT area_key, MIN(area) AS area FROM signals WHERE area_key IN ({}) \
                 GROUP BY area_key",
                param_list(self.backend, 1, missing.len())
            );
            let mut query = sqlx::query_as(&sql);
            for key in missing {
                query = query.bind(key);
            }
            let rows: Vec<(String, String)> =
                query.fetch_all(&self.pool).await.context("wijken lezen")?;
            for (key, area) in rows {
                names.insert(key, area.trim().to_string());
            }
        }
        Ok(names)
    }

    /// The scrubbed text of a signal of a cluster, as a vignette would quote it; `None` when
    /// the signal is not in the cluster.
    pub async fn cluster_signal_text(
        &self,
        cluster_id: &str,
        (source, signal_id): (&str, &str),
    ) -> anyhow::Result<Option<String>> {
        sqlx::query_scalar(
            "SELECT s.text FROM signal_barriers b \
             JOIN signals s ON s.source = b.source AND s.id = b.signal_id \
             WHERE b.cluster_id = $1 AND b.source = $2 AND b.signal_id = $3",
        )
        .bind(cluster_id)
        .bind(source)
        .bind(signal_id)
        .fetch_optional(&self.pool)
        .await
        .context("tekst van signaal van cluster lezen")
    }

    /// Approves a scrubbed signal of a cluster as a vignette for the brief, in the overleg's
    /// own words when `edited` is given (checked by the caller); false when the signal is not
    /// in the cluster. Approving it again (a second tab, a corrected rewrite) replaces the
    /// words, who and when.
    pub async fn approve_vignette(
        &self,
        cluster_id: &str,
        (source, signal_id): (&str, &str),
        edited: Option<&str>,
        by: &str,
    ) -> anyhow::Result<bool> {
        let member: Option<String> = sqlx::query_scalar(
            "SELECT cluster_id FROM signal_barriers \
             WHERE cluster_id = $1 AND source = $2 AND signal_id = $3",
        )
        .bind(cluster_id)
        .bind(source)
        .bind(signal_id)
        .fetch_optional(&self.pool)
        .await
        .context("signaal van cluster zoeken")?;
        if member.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO vignettes \
             (cluster_id, source, signal_id, approved_by, approved_at, edited_text) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cluster_id, source, signal_id) \
             DO UPDATE SET edited_text = excluded.edited_text, \
             approved_by = excluded.approved_by, approved_at = excluded.approved_at",
        )
        .bind(cluster_id)
        .bind(source)
        .bind(signal_id)
        .bind(by)
        .bind(crate::Text(chrono::Utc::now()))
        .bind(edited)
        .execute(&self.pool)
        .await
        .context("vignet vastleggen")?;
        Ok(true)
    }
}
