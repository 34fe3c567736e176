//! What a team sent: its stored (scrubbed) signals, newest first, and the barriers and
//! clusters each signal belongs to ("Mijn signalen" on the website).

use crate::statement::params;
use crate::{Store, Text};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

/// A stored signal of one source.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamSignal {
    pub id: String,
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub observed_on: NaiveDate,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub stored_at: DateTime<Utc>,
    pub area: String,
    /// The scrubbed text.
    pub text: String,
    /// The barriers it was recognised as (ids).
    #[sqlx(try_from = "Text<Vec<String>>")]
    pub barriers: Vec<String>,
}

/// A barrier a signal carries, and the cluster it counts in there (if any).
/// How many of one source's signals a cluster holds.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClusterShare {
    pub cluster_id: String,
    pub signals: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub barrier: String,
    pub cluster_id: Option<String>,
}

impl Store {
    /// How many signals `source` has stored.
    pub async fn source_signal_count(&self, source: &str) -> anyhow::Result<i64> {
        let sql = "SELECT COUNT(*) AS n FROM signals WHERE source = $1";
        let count = self.value(sql, params![source]).await;
        Ok(count.context("signalen tellen")?.unwrap_or(0))
    }

    /// A page of `source`'s signals, newest stored first.
    pub async fn source_signals(
        &self,
        source: &str,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<TeamSignal>> {
        self.rows(
            "SELECT id, observed_on, stored_at, area, text, barriers FROM signals \
             WHERE source = $1 ORDER BY stored_at DESC, id LIMIT $2 OFFSET $3",
            params![source, limit, offset],
        )
        .await
        .context("signalen lezen")
    }

    /// The barriers signal (`source`, `id`) carries and the clusters it counts in.
    pub async fn signal_clusters(&self, source: &str, id: &str) -> anyhow::Result<Vec<Membership>> {
        let sql =
            "SELECT barrier, cluster_id FROM signal_barriers WHERE source = $1 AND signal_id = $2";
        self.rows(sql, params![source, id])
            .await
            .context("indeling van een signaal lezen")
    }

    /// The vignettes approved of a cluster: (source, signal, the overleg's own words if it
    /// rewrote the text).
    /// Per cluster, how many of the source's own signals are in it: what a team knows of a
    /// cluster's count already, so that its page can keep the rest from being worked out.
    pub async fn source_cluster_counts(&self, source: &str) -> anyhow::Result<Vec<ClusterShare>> {
        let sql = "SELECT cluster_id, COUNT(*) AS signals FROM signal_barriers \
                   WHERE source = $1 AND cluster_id IS NOT NULL GROUP BY cluster_id";
        self.rows(sql, params![source])
            .await
            .context("signalen per cluster tellen")
    }

    pub async fn approved_vignettes(
        &self,
        cluster_id: &str,
    ) -> anyhow::Result<Vec<(String, String, Option<String>)>> {
        let sql = "SELECT source, signal_id, edited_text FROM vignettes WHERE cluster_id = $1";
        self.rows(sql, params![cluster_id])
            .await
            .context("vignetten lezen")
    }

    /// Whether the overleg recorded a meeting on `day`.
    pub async fn meeting_recorded(&self, day: NaiveDate) -> anyhow::Result<bool> {
        let sql = "SELECT COUNT(*) AS n FROM meetings WHERE meeting_on = $1";
        let found: Option<i64> = self
            .value(sql, params![Text(day)])
            .await
            .context("vergadering lezen")?;
        Ok(found.unwrap_or(0) > 0)
    }
}
