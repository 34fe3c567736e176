//! Promotions: evaluating the criteria over the stored clusters and reading the recorded
//! promotions back.

use crate::*;
use anyhow::Context;
use chrono::{NaiveDate, Utc};
use knooppunt_domain::cluster::*;
use knooppunt_domain::promotion::CriteriaSource;
use sqlx::Row;

impl Store {
    /// Evaluates every cluster's promotion criteria on `today` and stores the promotions of
    /// that day (replacing an earlier evaluation of the same day). Reads only the signals of
    /// the criteria's look-back window, plus one aggregate per cluster for its history.
    pub async fn evaluate_promotions(
        &self,
        rules: &impl CriteriaSource,
        today: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        use knooppunt_domain::promotion::{evaluate_recent, lookback_days, Event, History};
        let criteria = rules.promotion_criteria();
        let lookback = criteria
            .iter()
            .map(|(_, c)| lookback_days(c))
            .max()
            .unwrap_or(0);
        let cutoff = today - chrono::Duration::days(lookback);
        let rows = sqlx::query(
            "SELECT cluster_id, observed_on, source, area_key, wait_days FROM signal_barriers \
             WHERE observed_on >= $1 AND observed_on <= $2 ORDER BY cluster_id, observed_on",
        )
        .bind(cutoff.to_string())
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await
        .context("recente signalen per cluster lezen")?;
        let mut events: std::collections::HashMap<String, Vec<Event>> = Default::default();
        for row in &rows {
            let observed_on: String = row.try_get("observed_on")?;
            events
                .entry(row.try_get("cluster_id")?)
                .or_default()
                .push(Event {
                    observed_on: observed_on
                        .parse()
                        .with_context(|| format!("datum {observed_on} in de database"))?,
                    source: row.try_get("source")?,
                    area: row.try_get("area_key")?,
                    wait_days: row.try_get("wait_days")?,
                });
        }
        let rows = sqlx::query(
            "SELECT cluster_id, MIN(observed_on) AS first_seen, COUNT(*) AS n, \
             COUNT(DISTINCT source) AS sources FROM signal_barriers WHERE observed_on <= $1 \
             GROUP BY cluster_id",
        )
        .bind(today.to_string())
        .fetch_all(&self.pool)
        .await
        .context("geschiedenis per cluster lezen")?;
        let mut histories: std::collections::HashMap<String, History> = Default::default();
        for row in &rows {
            let first_seen: String = row.try_get("first_seen")?;
            let signals: i64 = row.try_get("n")?;
            let sources: i64 = row.try_get("sources")?;
            histories.insert(
                row.try_get("cluster_id")?,
                History {
                    first_seen: first_seen.parse().ok(),
                    signals: signals as usize,
                    sources: sources as usize,
                },
            );
        }
        let mut promotions = Vec::new();
        for cluster in self.clusters().await? {
            let Some((_, barrier_criteria)) =
                criteria.iter().find(|(id, _)| *id == cluster.barrier)
            else {
                continue;
            };
            let Some(history) = histories.get(&cluster.id) else {
                continue;
            };
            let recent = events.remove(&cluster.id).unwrap_or_default();
            if let Some(promotion) = evaluate_recent(&recent, history, barrier_criteria, today) {
                promotions.push(StoredPromotion {
                    cluster_id: cluster.id,
                    barrier: cluster.barrier,
                    area: cluster.area,
                    organisation: cluster.organisation,
                    evaluated_on: today.to_string(),
                    reasons: serde_json::to_value(&promotion.reasons)
                        .context("redenen vastleggen")?,
                    waarom: promotion.waarom,
                    rules_version: rules.criteria_version().to_string(),
                });
            }
        }
        let recorded_at = Utc::now().to_rfc3339();
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        sqlx::query("DELETE FROM promotions WHERE evaluated_on = $1")
            .bind(today.to_string())
            .execute(&mut *tx)
            .await
            .context("eerdere beoordeling van vandaag vervangen")?;
        for chunk in promotions.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO promotions (cluster_id, evaluated_on, barrier, reasons, waarom, \
                 rules_version, recorded_at) VALUES {}",
                placeholders(self.backend, chunk.len(), 7)
            );
            let mut query = sqlx::query(&sql);
            for p in chunk {
                query = query
                    .bind(&p.cluster_id)
                    .bind(&p.evaluated_on)
                    .bind(&p.barrier)
                    .bind(p.reasons.to_string())
                    .bind(&p.waarom)
                    .bind(&p.rules_version)
                    .bind(&recorded_at);
            }
            query.execute(&mut *tx).await.context("promoties opslaan")?;
        }
        tx.commit().await.context("promoties vastleggen")?;
        Ok(promotions)
    }

    /// Stored promotions evaluated in `[from, to]`, newest first.
    pub async fn promotions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        let rows = sqlx::query(
            "SELECT p.cluster_id, p.barrier, COALESCE(c.area, '') AS area, \
             COALESCE(c.organisation, '') AS organisation, p.evaluated_on, p.reasons, p.waarom, \
             p.rules_version FROM promotions p LEFT JOIN clusters c ON c.id = p.cluster_id \
             WHERE p.evaluated_on >= $1 AND p.evaluated_on <= $2 \
             ORDER BY p.evaluated_on DESC, p.barrier, p.cluster_id",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .context("promoties lezen")?;
        rows.iter()
            .map(|row| {
                let reasons: String = row.try_get("reasons")?;
                Ok(StoredPromotion {
                    cluster_id: row.try_get("cluster_id")?,
                    barrier: row.try_get("barrier")?,
                    area: row.try_get("area")?,
                    organisation: row.try_get("organisation")?,
                    evaluated_on: row.try_get("evaluated_on")?,
                    reasons: serde_json::from_str(&reasons).context("redenen in de database")?,
                    waarom: row.try_get("waarom")?,
                    rules_version: row.try_get("rules_version")?,
                })
            })
            .collect()
    }
}
