//! Settings: recorded facts about the stored data, such as the key clusters are grouped by.

use crate::*;
use anyhow::Context;

use knooppunt_domain::cluster::*;

/// The setting that records which key the stored clusters were grouped by.
pub const CLUSTER_KEY_SETTING: &str = "cluster_key";

pub(crate) async fn set_setting(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &str,
    value: &str,
) -> anyhow::Result<()> {
    statement::run_on(
        tx,
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        statement::params![key, value],
    )
    .await
    .context("instelling vastleggen")?;
    Ok(())
}

impl Store {
    /// A recorded fact about the stored data (see [`CLUSTER_KEY_SETTING`]).
    pub async fn setting(&self, key: &str) -> anyhow::Result<Option<String>> {
        let sql = "SELECT value FROM settings WHERE key = $1";
        Ok(self.value(sql, statement::params![key]).await?)
    }

    /// Checks that the stored clusters were grouped by `key`, and records it when nothing
    /// was recorded yet. A rule set with another key must be applied with a replay first,
    /// or new signals would land in clusters of another shape than the stored ones.
    pub async fn check_cluster_key(&self, key: ClusterKey) -> anyhow::Result<()> {
        let wanted = key.describe();
        let mut stored = self.setting(CLUSTER_KEY_SETTING).await?;
        if stored.is_none() && !self.clusters().await?.is_empty() {
            // Clusters stored before the key was recorded were keyed by barrier and area.
            stored = Some(
                ClusterKey {
                    area: true,
                    organisation: false,
                }
                .describe(),
            );
        }
        match stored {
            Some(stored) if stored == wanted => Ok(()),
            Some(stored) => anyhow::bail!(
                "de regels groeperen clusters op {wanted}, de opgeslagen clusters op {stored}: \
                 voer eerst `knooppunt rules replay --apply` uit met deze regels"
            ),
            None => {
                let mut tx = self.pool.begin().await.context("transactie starten")?;
                set_setting(&mut tx, CLUSTER_KEY_SETTING, &wanted).await?;
                tx.commit().await.context("instelling vastleggen")
            }
        }
    }
}
