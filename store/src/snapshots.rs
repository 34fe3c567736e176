//! Published briefs, frozen (`brief_snapshots`): a quarter's figures (per programme, "" for
//! the whole brief) stored exactly as published, as JSON of the caller's figures type. The
//! figures read here are those in force: the latest rectificatie's
//! ([`crate::snapshot_versions`]) when there is one, else the original.

use crate::statement::{params, run_on};
use crate::Store;
use anyhow::Context;
use serde::{de::DeserializeOwned, Serialize};

/// The figures in force of a row `s` of `brief_snapshots`: its latest version's.
macro_rules! current_figures {
    () => {
        "COALESCE((SELECT v.figures FROM brief_versions v WHERE v.quarter = s.quarter \
         AND v.programme = s.programme ORDER BY v.version DESC LIMIT 1), s.figures) AS figures"
    };
}

/// Who published a snapshot, with which rules.
#[derive(Debug, Clone, Copy)]
pub struct Publication<'a> {
    pub quarter: &'a str,
    pub programme: &'a str,
    pub by: &'a str,
    pub rules_version: &'a str,
}

/// A stored snapshot: its quarter, programme and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot<T> {
    pub quarter: String,
    pub programme: String,
    pub figures: T,
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    quarter: String,
    programme: String,
    figures: String,
}

impl SnapshotRow {
    fn typed<T: DeserializeOwned>(self) -> anyhow::Result<Snapshot<T>> {
        Ok(Snapshot {
            figures: serde_json::from_str(&self.figures)
                .context("snapshot in de database onleesbaar")?,
            quarter: self.quarter,
            programme: self.programme,
        })
    }
}

/// Stores a published brief's figures (JSON) once, on a connection or inside a transaction:
/// false when this quarter and programme were published already.
pub(crate) async fn insert_snapshot(
    conn: &mut sqlx::AnyConnection,
    publication: &Publication<'_>,
    at: crate::Text<chrono::DateTime<chrono::Utc>>,
    figures: &str,
) -> anyhow::Result<bool> {
    let inserted = run_on(
        conn,
        "INSERT INTO brief_snapshots (quarter, programme, published_at, published_by, \
         rules_version, figures) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (quarter, programme) DO NOTHING",
        params![
            publication.quarter,
            publication.programme,
            at,
            publication.by,
            publication.rules_version,
            figures,
        ],
    )
    .await
    .context("snapshot vastleggen")?;
    Ok(inserted > 0)
}

impl Store {
    /// Stores a published brief's figures once: false when this quarter and programme were
    /// published already (the first publication stays as it is).
    pub async fn publish_snapshot<T: Serialize>(
        &self,
        publication: Publication<'_>,
        figures: &T,
    ) -> anyhow::Result<bool> {
        let figures = serde_json::to_string(figures).context("snapshot vastleggen")?;
        let mut conn = self.pool.acquire().await.context("snapshot vastleggen")?;
        let at = crate::Text(chrono::Utc::now());
        insert_snapshot(&mut conn, &publication, at, &figures).await
    }

    /// The published snapshots `filter` (a `WHERE`/`ORDER BY` tail on `brief_snapshots s`,
    /// with `params`) selects, each with the figures in force.
    async fn read_snapshots<'q, T: DeserializeOwned>(
        &self,
        filter: &str,
        params: sqlx::any::AnyArguments<'q>,
    ) -> anyhow::Result<Vec<Snapshot<T>>> {
        let sql = format!(
            "SELECT s.quarter, s.programme, {} FROM brief_snapshots s {filter}",
            current_figures!()
        );
        let rows: Vec<SnapshotRow> = self
            .rows(&sql, params)
            .await
            .context("gepubliceerde snapshots lezen")?;
        rows.into_iter().map(SnapshotRow::typed).collect()
    }

    /// The published figures of a quarter and programme in force (the latest version), if
    /// published.
    pub async fn snapshot<T: DeserializeOwned>(
        &self,
        quarter: &str,
        programme: &str,
    ) -> anyhow::Result<Option<Snapshot<T>>> {
        let filter = "WHERE s.quarter = $1 AND s.programme = $2";
        let found = self
            .read_snapshots(filter, params![quarter, programme])
            .await?;
        Ok(found.into_iter().next())
    }

    /// Every published snapshot, by quarter and programme, each with the figures in force.
    pub async fn snapshots<T: DeserializeOwned>(&self) -> anyhow::Result<Vec<Snapshot<T>>> {
        self.read_snapshots("ORDER BY s.quarter, s.programme", params![])
            .await
    }

    /// The latest published snapshot of a programme ("" for the whole brief).
    pub async fn latest_snapshot<T: DeserializeOwned>(
        &self,
        programme: &str,
    ) -> anyhow::Result<Option<Snapshot<T>>> {
        let filter = "WHERE s.programme = $1 ORDER BY s.quarter DESC LIMIT 1";
        let found = self.read_snapshots(filter, params![programme]).await?;
        Ok(found.into_iter().next())
    }
}
