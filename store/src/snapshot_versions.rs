//! Published briefs in versions (`brief_versions`, migration 0024): the original publication
//! is version 1, every *rectificatie* a new version beside it with its reason. Rows are only
//! added: the original in `brief_snapshots` and every earlier version stay as published.
//!
//! Each version keeps, besides its figures as published, the counts behind them (JSON of the
//! caller's type): the joint disclosure audit needs them to know which counts a rectificatie
//! changed. They are never shown.

use crate::snapshots::{insert_snapshot, Publication};
use crate::statement::{params, run_on};
use crate::Store;
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Serialize};

/// One published version of a quarter's brief.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotVersion<T, C> {
    pub quarter: String,
    pub programme: String,
    /// 1 for the original, 2, 3, … for rectificaties.
    pub version: i64,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub rules_version: String,
    /// Why it was rectified; empty for the original.
    pub reason: String,
    pub figures: T,
    /// The counts behind the figures; `None` for an original published before versions
    /// existed.
    pub counts: Option<C>,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    quarter: String,
    programme: String,
    version: i64,
    published_at: crate::Text<DateTime<Utc>>,
    published_by: String,
    rules_version: String,
    reason: String,
    figures: String,
    counts: Option<String>,
}

impl VersionRow {
    fn typed<T: DeserializeOwned, C: DeserializeOwned>(
        self,
    ) -> anyhow::Result<SnapshotVersion<T, C>> {
        Ok(SnapshotVersion {
            figures: serde_json::from_str(&self.figures)
                .context("gepubliceerde versie in de database onleesbaar")?,
            counts: self
                .counts
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .context("aantallen van een gepubliceerde versie onleesbaar")?,
            quarter: self.quarter,
            programme: self.programme,
            version: self.version,
            published_at: self.published_at.0,
            published_by: self.published_by,
            rules_version: self.rules_version,
            reason: self.reason,
        })
    }
}

/// Every version in `brief_versions`, and the originals from before versions existed (from
/// `brief_snapshots`, as version 1 without counts).
const ALL_VERSIONS: &str = "SELECT quarter, programme, version, published_at, published_by, \
     rules_version, reason, figures, counts FROM brief_versions \
     UNION ALL SELECT s.quarter, s.programme, 1, s.published_at, s.published_by, \
     s.rules_version, '', s.figures, NULL FROM brief_snapshots s WHERE NOT EXISTS \
     (SELECT 1 FROM brief_versions v WHERE v.quarter = s.quarter \
     AND v.programme = s.programme AND v.version = 1)";

impl Store {
    /// Publishes the original (version 1) of a quarter's brief: its figures in
    /// `brief_snapshots` and, in the same transaction, version 1 with the counts behind them.
    /// `false` when this quarter and programme were published already (nothing changes).
    pub async fn publish_original<T: Serialize, C: Serialize>(
        &self,
        publication: Publication<'_>,
        figures: &T,
        counts: &C,
    ) -> anyhow::Result<bool> {
        let figures = serde_json::to_string(figures).context("snapshot vastleggen")?;
        let counts = serde_json::to_string(counts).context("snapshot vastleggen")?;
        let now = crate::Text(Utc::now());
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        let inserted = insert_snapshot(&mut tx, &publication, now, &figures).await?;
        if !inserted {
            return Ok(false);
        }
        insert_version(&mut tx, &publication, 1, now, "", &figures, &counts).await?;
        tx.commit().await.context("snapshot vastleggen")?;
        Ok(true)
    }

    /// Adds a rectificatie: the next version of a published quarter's brief, with its reason.
    /// Returns its version number, or `None` when nothing was published for this quarter and
    /// programme. Earlier versions are not touched.
    pub async fn rectify_snapshot<T: Serialize, C: Serialize>(
        &self,
        publication: Publication<'_>,
        reason: &str,
        figures: &T,
        counts: &C,
    ) -> anyhow::Result<Option<i64>> {
        let figures = serde_json::to_string(figures).context("rectificatie vastleggen")?;
        let counts = serde_json::to_string(counts).context("rectificatie vastleggen")?;
        // Reads the latest version, then writes the next, so two rectificaties at once must
        // not both read the same one: SQLite takes its write lock from the start; PostgreSQL
        // first locks the published brief's row, and reads the latest version in a statement
        // of its own, after any rectificatie that held the lock has committed.
        let mut tx = self.begin_write().await.context("transactie starten")?;
        if self.backend == crate::Backend::Postgres {
            run_on(
                &mut tx,
                "SELECT 1 FROM brief_snapshots WHERE quarter = $1 AND programme = $2 FOR UPDATE",
                params![publication.quarter, publication.programme],
            )
            .await
            .context("gepubliceerde brief vergrendelen")?;
        }
        // Published: its latest version so far (`None` before versions existed, when only
        // the original is there).
        let published: Option<(Option<i64>,)> = sqlx::query_as_with(
            "SELECT (SELECT MAX(v.version) FROM brief_versions v WHERE v.quarter = s.quarter \
             AND v.programme = s.programme) FROM brief_snapshots s \
             WHERE s.quarter = $1 AND s.programme = $2",
            params![publication.quarter, publication.programme],
        )
        .fetch_optional(&mut *tx)
        .await
        .context("gepubliceerde brief lezen")?;
        let Some((last,)) = published else {
            return Ok(None);
        };
        let version = last.unwrap_or(1) + 1;
        let now = crate::Text(Utc::now());
        insert_version(
            &mut tx,
            &publication,
            version,
            now,
            reason,
            &figures,
            &counts,
        )
        .await?;
        tx.commit().await.context("rectificatie vastleggen")?;
        Ok(Some(version))
    }

    /// Every published version of a quarter's brief (per programme, "" for the whole brief),
    /// oldest first: the original, then its rectificaties.
    pub async fn snapshot_versions<T: DeserializeOwned, C: DeserializeOwned>(
        &self,
        quarter: &str,
        programme: &str,
    ) -> anyhow::Result<Vec<SnapshotVersion<T, C>>> {
        let sql = format!(
            "SELECT * FROM ({ALL_VERSIONS}) a WHERE a.quarter = $1 AND a.programme = $2 \
             ORDER BY a.version"
        );
        let rows: Vec<VersionRow> = self
            .rows(&sql, params![quarter, programme])
            .await
            .context("gepubliceerde versies lezen")?;
        rows.into_iter().map(VersionRow::typed).collect()
    }

    /// Every published version of every quarter and programme, by quarter, programme and
    /// version.
    pub async fn all_snapshot_versions<T: DeserializeOwned, C: DeserializeOwned>(
        &self,
    ) -> anyhow::Result<Vec<SnapshotVersion<T, C>>> {
        let sql =
            format!("SELECT * FROM ({ALL_VERSIONS}) a ORDER BY a.quarter, a.programme, a.version");
        let rows: Vec<VersionRow> = self
            .rows(&sql, params![])
            .await
            .context("gepubliceerde versies lezen")?;
        rows.into_iter().map(VersionRow::typed).collect()
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    publication: &Publication<'_>,
    version: i64,
    at: crate::Text<DateTime<Utc>>,
    reason: &str,
    figures: &str,
    counts: &str,
) -> anyhow::Result<()> {
    run_on(
        tx,
        "INSERT INTO brief_versions (quarter, programme, version, published_at, published_by, \
         rules_version, reason, figures, counts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            publication.quarter,
            publication.programme,
            version,
            at,
            publication.by,
            publication.rules_version,
            reason,
            figures,
            counts,
        ],
    )
    .await
    .context("versie van de brief vastleggen")?;
    Ok(())
}
