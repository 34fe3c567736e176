//! What a team sent: its stored (scrubbed) signals, newest first, and the barriers and
//! clusters each signal belongs to ("Mijn signalen" on the website).

use crate::Store;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

/// A stored signal of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSignal {
    pub id: String,
    pub observed_on: NaiveDate,
    pub stored_at: DateTime<Utc>,
    pub area: String,
    /// The scrubbed text.
    pub text: String,
    /// The barriers it was recognised as (ids).
    pub barriers: Vec<String>,
}

/// A barrier a signal carries, and the cluster it counts in there (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub barrier: String,
    pub cluster_id: Option<String>,
}

impl Store {
    /// How many signals `source` has stored.
    pub async fn source_signal_count(&self, source: &str) -> anyhow::Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM signals WHERE source = $1")
            .bind(source)
            .fetch_one(self.pool())
            .await
            .context("signalen tellen")?;
        Ok(row.try_get("n")?)
    }

    /// A page of `source`'s signals, newest stored first.
    pub async fn source_signals(
        &self,
        source: &str,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<TeamSignal>> {
        let rows = sqlx::query(
            "SELECT id, observed_on, stored_at, area, text, barriers FROM signals WHERE source = $1 \
             ORDER BY stored_at DESC, id LIMIT $2 OFFSET $3",
        )
        .bind(source)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await
        .context("signalen lezen")?;
        rows.iter()
            .map(|row| {
                let observed_on: String = row.try_get("observed_on")?;
                let stored_at: String = row.try_get("stored_at")?;
                let barriers: String = row.try_get("barriers")?;
                Ok(TeamSignal {
                    id: row.try_get("id")?,
                    observed_on: observed_on
                        .parse()
                        .context("observed_on: geen geldige datum in de database")?,
                    stored_at: DateTime::parse_from_rfc3339(&stored_at)
                        .context("stored_at: geen geldige tijd in de database")?
                        .with_timezone(&Utc),
                    area: row.try_get("area")?,
                    text: row.try_get("text")?,
                    barriers: barriers
                        .split(',')
                        .map(str::trim)
                        .filter(|b| !b.is_empty())
                        .map(str::to_string)
                        .collect(),
                })
            })
            .collect()
    }

    /// The barriers signal (`source`, `id`) carries and the clusters it counts in.
    pub async fn memberships(&self, source: &str, id: &str) -> anyhow::Result<Vec<Membership>> {
        let rows = sqlx::query(
            "SELECT barrier, cluster_id FROM signal_barriers WHERE source = $1 AND signal_id = $2",
        )
        .bind(source)
        .bind(id)
        .fetch_all(self.pool())
        .await
        .context("indeling van een signaal lezen")?;
        rows.iter()
            .map(|row| {
                Ok(Membership {
                    barrier: row.try_get("barrier")?,
                    cluster_id: row.try_get("cluster_id")?,
                })
            })
            .collect()
    }

    /// The (source, signal) pairs approved as vignettes of a cluster.
    pub async fn approved_vignettes(
        &self,
        cluster_id: &str,
    ) -> anyhow::Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT source, signal_id FROM vignettes WHERE cluster_id = $1")
            .bind(cluster_id)
            .fetch_all(self.pool())
            .await
            .context("vignetten lezen")?;
        rows.iter()
            .map(|r| Ok((r.try_get("source")?, r.try_get("signal_id")?)))
            .collect()
    }

    /// Whether the overleg recorded a meeting on `day`.
    pub async fn meeting_recorded(&self, day: NaiveDate) -> anyhow::Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM meetings WHERE meeting_on = $1")
            .bind(day.to_string())
            .fetch_optional(self.pool())
            .await
            .context("vergadering lezen")?;
        Ok(row.is_some())
    }
}
