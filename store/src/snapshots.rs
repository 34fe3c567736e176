//! Published briefs, frozen (`brief_snapshots`): a quarter's figures (per programme, "" for
//! the whole brief) stored exactly as published, as JSON of the caller's figures type. The
//! figures read here are those in force: the latest rectificatie's
//! ([`crate::snapshot_versions`]) when there is one, else the original.

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

impl Store {
    /// Stores a published brief's figures once: false when this quarter and programme were
    /// published already (the first publication stays as it is).
    pub async fn publish_snapshot<T: Serialize>(
        &self,
        publication: Publication<'_>,
        figures: &T,
    ) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO brief_snapshots (quarter, programme, published_at, published_by, \
             rules_version, figures) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (quarter, programme) DO NOTHING",
        )
        .bind(publication.quarter)
        .bind(publication.programme)
        .bind(crate::Text(chrono::Utc::now()))
        .bind(publication.by)
        .bind(publication.rules_version)
        .bind(serde_json::to_string(figures).context("snapshot vastleggen")?)
        .execute(&self.pool)
        .await
        .context("snapshot vastleggen")?
        .rows_affected();
        Ok(inserted > 0)
    }

    /// The published figures of a quarter and programme in force (the latest version), if
    /// published.
    pub async fn snapshot<T: DeserializeOwned>(
        &self,
        quarter: &str,
        programme: &str,
    ) -> anyhow::Result<Option<Snapshot<T>>> {
        let row: Option<SnapshotRow> = sqlx::query_as(concat!(
            "SELECT s.quarter, s.programme, ",
            current_figures!(),
            " FROM brief_snapshots s WHERE s.quarter = $1 AND s.programme = $2"
        ))
        .bind(quarter)
        .bind(programme)
        .fetch_optional(&self.pool)
        .await
        .context("snapshot lezen")?;
        row.map(SnapshotRow::typed).transpose()
    }

    /// Every published snapshot, by quarter and programme, each with the figures in force.
    pub async fn snapshots<T: DeserializeOwned>(&self) -> anyhow::Result<Vec<Snapshot<T>>> {
        let rows: Vec<SnapshotRow> = sqlx::query_as(concat!(
            "SELECT s.quarter, s.programme, ",
            current_figures!(),
            " FROM brief_snapshots s ORDER BY s.quarter, s.programme"
        ))
        .fetch_all(&self.pool)
        .await
        .context("gepubliceerde snapshots lezen")?;
        rows.into_iter().map(SnapshotRow::typed).collect()
    }

    /// The latest published snapshot of a programme ("" for the whole brief).
    pub async fn latest_snapshot<T: DeserializeOwned>(
        &self,
        programme: &str,
    ) -> anyhow::Result<Option<Snapshot<T>>> {
        let row: Option<SnapshotRow> = sqlx::query_as(concat!(
            "SELECT s.quarter, s.programme, ",
            current_figures!(),
            " FROM brief_snapshots s WHERE s.programme = $1 ORDER BY s.quarter DESC LIMIT 1"
        ))
        .bind(programme)
        .fetch_optional(&self.pool)
        .await
        .context("laatste gepubliceerde snapshot lezen")?;
        row.map(SnapshotRow::typed).transpose()
    }
}
