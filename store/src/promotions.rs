//! Promotions: computing which clusters meet their criteria on a day (read-only), recording
//! a day's promotions (the engine's promotion step, a recorded meeting), and reading the
//! recorded promotions back.

use crate::*;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster::*;
use knooppunt_domain::promotion::{evaluate_recent, lookback_days, CriteriaSource, Event, History};
use std::collections::HashMap;

/// One signal of a cluster as promotion reads it.
#[derive(sqlx::FromRow)]
struct EventRow {
    cluster_id: String,
    observed_on: Text<NaiveDate>,
    source: String,
    area_key: String,
    wait_days: Option<i64>,
}

impl EventRow {
    fn into_event(self) -> (String, Event) {
        let event = Event {
            observed_on: self.observed_on.0,
            source: self.source,
            area: self.area_key,
            wait_days: self.wait_days,
        };
        (self.cluster_id, event)
    }
}

/// A cluster's whole history up to a day.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    cluster_id: String,
    first_seen: Text<NaiveDate>,
    n: i64,
    sources: i64,
}

/// A recorded promotion, every column.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PromotionRow {
    pub cluster_id: String,
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub evaluated_on: NaiveDate,
    pub barrier: String,
    /// [`knooppunt_domain::promotion::Reason`]s, as JSON.
    #[sqlx(try_from = "Text<serde_json::Value>")]
    pub reasons: serde_json::Value,
    pub waarom: String,
    pub rules_version: String,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub recorded_at: DateTime<Utc>,
}

/// A recorded promotion joined with its cluster.
#[derive(sqlx::FromRow)]
struct JoinedRow {
    cluster_id: String,
    barrier: String,
    area: String,
    organisation: String,
    evaluated_on: Text<NaiveDate>,
    reasons: Text<serde_json::Value>,
    waarom: String,
    rules_version: String,
}

impl From<JoinedRow> for StoredPromotion {
    fn from(row: JoinedRow) -> Self {
        StoredPromotion {
            reasons: row.reasons.0,
            cluster_id: row.cluster_id,
            barrier: row.barrier,
            area: row.area,
            organisation: row.organisation,
            evaluated_on: row.evaluated_on.0,
            waarom: row.waarom,
            rules_version: row.rules_version,
        }
    }
}

/// A promotion criterion, as `promotion_criteria` stores it (the `criterion` tag of
/// [`knooppunt_domain::promotion::Reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Criterion {
    Frequency,
    Spike,
    New,
    NormBreach,
}

impl Criterion {
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Frequency => "frequency",
            Criterion::Spike => "spike",
            Criterion::New => "new",
            Criterion::NormBreach => "norm_breach",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Criterion::Frequency,
            Criterion::Spike,
            Criterion::New,
            Criterion::NormBreach,
        ]
        .into_iter()
        .find(|c| c.as_str() == value)
    }

    /// The criteria a promotion's reasons name.
    fn of(promotion: &StoredPromotion) -> Vec<Self> {
        let reasons = promotion
            .reasons
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        reasons
            .iter()
            .filter_map(|r| r.get("criterion").and_then(serde_json::Value::as_str))
            .filter_map(Criterion::parse)
            .collect()
    }
}

/// Replaces the criteria recorded for `day` by those of `promotions`.
async fn record_criteria(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    day: NaiveDate,
    promotions: &[StoredPromotion],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM promotion_criteria WHERE evaluated_on = $1")
        .bind(Text(day))
        .execute(&mut **tx)
        .await?;
    for promotion in promotions {
        for criterion in Criterion::of(promotion) {
            sqlx::query(
                "INSERT INTO promotion_criteria (cluster_id, evaluated_on, criterion) \
                 VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(&promotion.cluster_id)
            .bind(Text(promotion.evaluated_on))
            .bind(criterion.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Which clusters meet their criteria on `today`, changing nothing: what an agenda for
    /// that day shows. Reads only the signals of the criteria's look-back window, plus one
    /// aggregate per cluster for its history.
    pub async fn compute_promotions(
        &self,
        rules: &impl CriteriaSource,
        today: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        let criteria = rules.promotion_criteria();
        let lookback = criteria
            .iter()
            .map(|(_, c)| lookback_days(c))
            .max()
            .unwrap_or(0);
        let mut events = self
            .recent_events(today - chrono::Duration::days(lookback), today)
            .await?;
        let histories = self.histories(today).await?;
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
                    evaluated_on: today,
                    reasons: serde_json::to_value(&promotion.reasons)
                        .context("redenen vastleggen")?,
                    waarom: promotion.waarom,
                    rules_version: rules.criteria_version().to_string(),
                });
            }
        }
        Ok(promotions)
    }

    /// Computes the promotions of `today` and records them, replacing an earlier evaluation
    /// of the same day. Only the engine's promotion step and a recorded meeting call this;
    /// looking at an agenda uses [`Store::compute_promotions`].
    pub async fn evaluate_promotions(
        &self,
        rules: &impl CriteriaSource,
        today: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        let promotions = self.compute_promotions(rules, today).await?;
        self.record_promotions(today, &promotions).await?;
        Ok(promotions)
    }

    /// Records `promotions` as the evaluation of `day`, replacing an earlier one.
    pub async fn record_promotions(
        &self,
        day: NaiveDate,
        promotions: &[StoredPromotion],
    ) -> StoreResult<()> {
        let recorded_at = Text(Utc::now());
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM promotions WHERE evaluated_on = $1")
            .bind(Text(day))
            .execute(&mut *tx)
            .await?;
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
                    .bind(Text(p.evaluated_on))
                    .bind(&p.barrier)
                    .bind(Text(p.reasons.clone()))
                    .bind(&p.waarom)
                    .bind(&p.rules_version)
                    .bind(recorded_at);
            }
            query.execute(&mut *tx).await?;
        }
        record_criteria(&mut tx, day, promotions).await?;
        Ok(tx.commit().await?)
    }

    /// Per cluster, the last day it was promoted for `criterion`.
    pub async fn last_promoted_for(
        &self,
        criterion: Criterion,
    ) -> StoreResult<Vec<(String, NaiveDate)>> {
        let rows: Vec<(String, Text<NaiveDate>)> = sqlx::query_as(
            "SELECT cluster_id, MAX(evaluated_on) AS last_on FROM promotion_criteria \
             WHERE criterion = $1 GROUP BY cluster_id ORDER BY cluster_id",
        )
        .bind(criterion.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, day)| (id, day.0)).collect())
    }

    /// The signals observed in `[from, to]` per cluster.
    async fn recent_events(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<HashMap<String, Vec<Event>>> {
        let rows: Vec<EventRow> = self
            .fetch_period(
                "SELECT cluster_id, observed_on, source, area_key, wait_days FROM signal_barriers \
             WHERE observed_on >= $1 AND observed_on <= $2 ORDER BY cluster_id, observed_on",
                from,
                to,
            )
            .await?;
        let mut events: HashMap<String, Vec<Event>> = HashMap::new();
        for row in rows {
            let (cluster_id, event) = row.into_event();
            events.entry(cluster_id).or_default().push(event);
        }
        Ok(events)
    }

    /// Per cluster: its first day, signals and distinct sources up to `today`.
    async fn histories(&self, today: NaiveDate) -> StoreResult<HashMap<String, History>> {
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT cluster_id, MIN(observed_on) AS first_seen, COUNT(*) AS n, \
             COUNT(DISTINCT source) AS sources FROM signal_barriers WHERE observed_on <= $1 \
             GROUP BY cluster_id",
        )
        .bind(Text(today))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let history = History {
                    first_seen: Some(row.first_seen.0),
                    signals: row.n as usize,
                    sources: row.sources as usize,
                };
                (row.cluster_id, history)
            })
            .collect())
    }

    /// Every cluster's signals as promotion sees them: (cluster id, event).
    pub async fn cluster_events(&self) -> anyhow::Result<Vec<(String, Event)>> {
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT cluster_id, observed_on, source, area_key, wait_days FROM signal_barriers \
             ORDER BY cluster_id, observed_on",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(EventRow::into_event).collect())
    }

    /// Stored promotions evaluated in `[from, to]`, newest first.
    pub async fn promotions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<StoredPromotion>> {
        let sql = "SELECT p.cluster_id, p.barrier, COALESCE(c.area, '') AS area, \
             COALESCE(c.organisation, '') AS organisation, p.evaluated_on, p.reasons, p.waarom, \
             p.rules_version FROM promotions p LEFT JOIN clusters c ON c.id = p.cluster_id \
             WHERE p.evaluated_on >= $1 AND p.evaluated_on <= $2 \
             ORDER BY p.evaluated_on DESC, p.barrier, p.cluster_id";
        let rows: Vec<JoinedRow> = self.fetch_period(sql, from, to).await?;
        Ok(rows.into_iter().map(StoredPromotion::from).collect())
    }

    /// Every recorded promotion row in `[from, to]` as stored (with the moment it was
    /// recorded), in key order.
    pub async fn promotion_rows(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<PromotionRow>> {
        let sql = "SELECT cluster_id, evaluated_on, barrier, reasons, waarom, rules_version, \
             recorded_at FROM promotions WHERE evaluated_on >= $1 AND evaluated_on <= $2 \
             ORDER BY evaluated_on, cluster_id";
        Ok(self.fetch_period(sql, from, to).await?)
    }
}
