//! Published briefs, frozen. A published quarter's figures are stored exactly as published
//! (after suppression); later briefs compare against them, never against a recount.

use crate::disclosure::PublishedTable;
use crate::knelpunten::Published;
use anyhow::Context;
use knooppunt_rules::store::Store;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

/// What a snapshot holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Figures {
    /// The knelpunt × wijk table as published.
    pub table: PublishedTable,
    /// Per knelpunt (barrier id): its count as published.
    pub totals: Published,
    /// Per knelpunt: the clusters its figures came from.
    pub clusters: BTreeMap<String, Vec<String>>,
    /// Per knelpunt: the approved vignettes as published. They stay here after retention
    /// removes them from the live store.
    #[serde(default)]
    pub vignettes: BTreeMap<String, Vec<String>>,
}

/// Freezes a quarter's brief. A quarter (per programme) is published once: a second attempt
/// is refused, so what the municipality received stays what the next brief compares with.
pub async fn publish(
    store: &Store,
    quarter: &str,
    programme: &str,
    by: &str,
    rules_version: &str,
    figures: &Figures,
) -> anyhow::Result<()> {
    let inserted = sqlx::query(
        "INSERT INTO brief_snapshots (quarter, programme, published_at, published_by, rules_version, figures) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (quarter, programme) DO NOTHING",
    )
    .bind(quarter)
    .bind(programme)
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(by)
    .bind(rules_version)
    .bind(serde_json::to_string(figures).context("snapshot vastleggen")?)
    .execute(store.pool())
    .await
    .context("snapshot vastleggen")?
    .rows_affected();
    if inserted == 0 {
        anyhow::bail!(
            "kwartaal {quarter}{}: de brief is al gepubliceerd en blijft zoals hij is",
            if programme.is_empty() {
                String::new()
            } else {
                format!(" (programma {programme})")
            }
        );
    }
    Ok(())
}

/// The published figures of a quarter, if it was published.
pub async fn load(
    store: &Store,
    quarter: &str,
    programme: &str,
) -> anyhow::Result<Option<Figures>> {
    let row =
        sqlx::query("SELECT figures FROM brief_snapshots WHERE quarter = $1 AND programme = $2")
            .bind(quarter)
            .bind(programme)
            .fetch_optional(store.pool())
            .await
            .context("snapshot lezen")?;
    row.map(|row| -> anyhow::Result<Figures> {
        let text: String = row.try_get("figures")?;
        serde_json::from_str(&text).context("snapshot in de database onleesbaar")
    })
    .transpose()
}
