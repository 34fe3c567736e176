//! What a team sent: its stored (scrubbed) signals, newest first, and the barriers and
//! clusters each signal belongs to ("Mijn signalen" on the website).

use crate::Store;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};

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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Membership {
    pub barrier: String,
    pub cluster_id: Option<String>,
}

/// A signal as the table holds it; [`TeamSignal`] once its date, time and barriers are parsed.
#[derive(sqlx::FromRow)]
struct StoredSignal {
    id: String,
    observed_on: String,
    stored_at: String,
    area: String,
    text: String,
    barriers: String,
}

impl TryFrom<StoredSignal> for TeamSignal {
    type Error = anyhow::Error;

    fn try_from(row: StoredSignal) -> anyhow::Result<Self> {
        Ok(Self {
            observed_on: row
                .observed_on
                .parse()
                .context("observed_on: geen geldige datum in de database")?,
            stored_at: DateTime::parse_from_rfc3339(&row.stored_at)
                .context("stored_at: geen geldige tijd in de database")?
                .with_timezone(&Utc),
            barriers: row
                .barriers
                .split(',')
                .map(str::trim)
                .filter(|b| !b.is_empty())
                .map(str::to_string)
                .collect(),
            id: row.id,
            area: row.area,
            text: row.text,
        })
    }
}

impl Store {
    /// How many signals `source` has stored.
    pub async fn source_signal_count(&self, source: &str) -> anyhow::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM signals WHERE source = $1")
            .bind(source)
            .fetch_one(self.pool())
            .await
            .context("signalen tellen")
    }

    /// A page of `source`'s signals, newest stored first.
    pub async fn source_signals(
        &self,
        source: &str,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<TeamSignal>> {
        let rows = sqlx::query_as::<_, StoredSignal>(
            "SELECT id, observed_on, stored_at, area, text, barriers FROM signals WHERE source = $1 \
             ORDER BY stored_at DESC, id LIMIT $2 OFFSET $3",
        )
        .bind(source)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await
        .context("signalen lezen")?;
        rows.into_iter().map(TeamSignal::try_from).collect()
    }

    /// The barriers signal (`source`, `id`) carries and the clusters it counts in.
    pub async fn signal_clusters(&self, source: &str, id: &str) -> anyhow::Result<Vec<Membership>> {
        sqlx::query_as(
            "SELECT barrier, cluster_id FROM signal_barriers WHERE source = $1 AND signal_id = $2",
        )
        .bind(source)
        .bind(id)
        .fetch_all(self.pool())
        .await
        .context("indeling van een signaal lezen")
    }

    /// The (source, signal) pairs approved as vignettes of a cluster.
    pub async fn approved_vignettes(
        &self,
        cluster_id: &str,
    ) -> anyhow::Result<Vec<(String, String)>> {
        sqlx::query_as("SELECT source, signal_id FROM vignettes WHERE cluster_id = $1")
            .bind(cluster_id)
            .fetch_all(self.pool())
            .await
            .context("vignetten lezen")
    }

    /// Whether the overleg recorded a meeting on `day`.
    pub async fn meeting_recorded(&self, day: NaiveDate) -> anyhow::Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT COUNT(*) AS n FROM meetings WHERE meeting_on = $1")
                .bind(day.to_string())
                .fetch_optional(self.pool())
                .await
                .context("vergadering lezen")?;
        Ok(found.unwrap_or(0) > 0)
    }
}
