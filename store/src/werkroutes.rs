//! Werkroutes: the workaround or contact the overleg approved for a knelpunt (one per
//! cluster), with every change kept (`werkroute_changes`) and its processing-log record written
//! in the same transaction. The text arrives checked for personal data; here it is rows.

use crate::{LogRow, Store};
use anyhow::Context;
use chrono::{DateTime, Utc};

/// A cluster's approved werkroute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Werkroute {
    pub cluster_id: String,
    pub text: String,
    /// The overleg member who approved this text.
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
}

/// One change of a werkroute: its new text, or `None` when it was removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WerkrouteChange {
    pub text: Option<String>,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct StoredWerkroute {
    cluster_id: String,
    text: String,
    approved_by: String,
    approved_at: String,
}

#[derive(sqlx::FromRow)]
struct StoredChange {
    text: String,
    changed_by: String,
    changed_at: String,
}

fn parse_time(text: &str, column: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{column}: geen geldige tijd in de database"))
}

impl TryFrom<StoredWerkroute> for Werkroute {
    type Error = anyhow::Error;

    fn try_from(row: StoredWerkroute) -> anyhow::Result<Self> {
        Ok(Self {
            approved_at: parse_time(&row.approved_at, "approved_at")?,
            cluster_id: row.cluster_id,
            text: row.text,
            approved_by: row.approved_by,
        })
    }
}

impl TryFrom<StoredChange> for WerkrouteChange {
    type Error = anyhow::Error;

    fn try_from(row: StoredChange) -> anyhow::Result<Self> {
        Ok(Self {
            changed_at: parse_time(&row.changed_at, "changed_at")?,
            text: Some(row.text).filter(|t| !t.is_empty()),
            changed_by: row.changed_by,
        })
    }
}

impl Store {
    /// The werkroute of a cluster, if the overleg approved one.
    pub async fn werkroute(&self, cluster_id: &str) -> anyhow::Result<Option<Werkroute>> {
        let row = sqlx::query_as::<_, StoredWerkroute>(
            "SELECT cluster_id, text, approved_by, approved_at FROM werkroutes WHERE cluster_id = $1",
        )
        .bind(cluster_id)
        .fetch_optional(self.pool())
        .await
        .context("werkroute lezen")?;
        row.map(Werkroute::try_from).transpose()
    }

    /// Sets (or, with `None`, removes) a cluster's werkroute as approved by `by` at `at`; the
    /// change and `log` are recorded in the same transaction. `false` when there was nothing
    /// to remove.
    pub async fn set_werkroute(
        &self,
        cluster_id: &str,
        text: Option<&str>,
        by: &str,
        at: DateTime<Utc>,
        log: &[LogRow],
    ) -> anyhow::Result<bool> {
        let at = at.to_rfc3339();
        let mut tx = self.pool().begin().await.context("transactie starten")?;
        let changed = match text {
            Some(text) => sqlx::query(
                "INSERT INTO werkroutes (cluster_id, text, approved_by, approved_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (cluster_id) DO UPDATE SET \
                 text = excluded.text, approved_by = excluded.approved_by, \
                 approved_at = excluded.approved_at",
            )
            .bind(cluster_id)
            .bind(text)
            .bind(by)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .context("werkroute opslaan")?,
            None => sqlx::query("DELETE FROM werkroutes WHERE cluster_id = $1")
                .bind(cluster_id)
                .execute(&mut *tx)
                .await
                .context("werkroute verwijderen")?,
        }
        .rows_affected()
            > 0;
        if !changed {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO werkroute_changes (cluster_id, text, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(cluster_id)
        .bind(text.unwrap_or_default())
        .bind(by)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .context("wijziging van de werkroute vastleggen")?;
        crate::processing_log::append_on(&mut tx, log)
            .await
            .context("verwerkingslog")?;
        tx.commit().await.context("werkroute opslaan")?;
        Ok(true)
    }

    /// Every change of a cluster's werkroute, oldest first.
    pub async fn werkroute_changes(
        &self,
        cluster_id: &str,
    ) -> anyhow::Result<Vec<WerkrouteChange>> {
        let rows = sqlx::query_as::<_, StoredChange>(
            "SELECT text, changed_by, changed_at FROM werkroute_changes WHERE cluster_id = $1 \
             ORDER BY seq",
        )
        .bind(cluster_id)
        .fetch_all(self.pool())
        .await
        .context("wijzigingen van de werkroute lezen")?;
        rows.into_iter().map(WerkrouteChange::try_from).collect()
    }
}
