//! What the review pages read from the signals: scrubbed examples of a cluster, a source's
//! own submissions, the spikes that wake parked clusters, the signals behind "silence".

use crate::{Store, Text};
use anyhow::Context;
use chrono::NaiveDate;
use knooppunt_domain::recognition::Recognition;
use serde::Serialize;

/// A scrubbed signal as the review shows it (never to the municipality).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, sqlx::FromRow)]
pub struct ExampleSignal {
    pub source: String,
    pub id: String,
    #[sqlx(try_from = "Text<NaiveDate>")]
    pub observed_on: NaiveDate,
    pub area: String,
    pub text: String,
    /// Barrier ids; empty = unclassified.
    #[sqlx(try_from = "Text<Vec<String>>")]
    pub barriers: Vec<String>,
    /// How the cluster's barrier was found in this signal, in Dutch ("herkend aan ‘…’",
    /// "herkend door het model (zekerheid 0,87; woorden die meewogen: …)"); empty outside a cluster.
    #[sqlx(skip)]
    pub herkend: String,
}

/// The signal with the columns saying how its barrier was found.
#[derive(sqlx::FromRow)]
struct ExampleRow {
    #[sqlx(flatten)]
    signal: ExampleSignal,
    found_by: Option<String>,
    rule: Option<String>,
    model_score: Option<f64>,
    model_terms: Option<String>,
}

impl From<ExampleRow> for ExampleSignal {
    fn from(row: ExampleRow) -> Self {
        let herkend = row
            .found_by
            .as_deref()
            .map_or_else(String::new, |found_by| {
                Recognition::from_columns(found_by, row.rule, row.model_score, row.model_terms)
                    .dutch()
            });
        ExampleSignal {
            herkend,
            ..row.signal
        }
    }
}

impl Store {
    /// The most recent scrubbed signals of the clusters `cluster_ids` (a cluster and those
    /// merged into it), newest first, at most `limit`.
    pub async fn example_signals(
        &self,
        cluster_ids: &[String],
        limit: i64,
    ) -> anyhow::Result<Vec<ExampleSignal>> {
        let mut examples = Vec::new();
        for cluster in cluster_ids {
            let rows: Vec<ExampleRow> = sqlx::query_as(
                "SELECT s.source, s.id, s.observed_on, s.area, s.text, s.barriers, b.found_by, \
                 b.rule, b.model_score, b.model_terms FROM signals s \
                 JOIN signal_barriers b ON b.source = s.source AND b.signal_id = s.id \
                 WHERE b.cluster_id = $1 ORDER BY s.observed_on DESC, s.id LIMIT $2",
            )
            .bind(cluster)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .context("voorbeeldsignalen lezen")?;
            examples.extend(rows.into_iter().map(ExampleSignal::from));
        }
        examples.sort_by_key(|e| std::cmp::Reverse(e.observed_on));
        examples.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(examples)
    }

    /// The signals one source (team or partner) submitted, newest first.
    pub async fn signals_of_source(
        &self,
        source: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<ExampleSignal>> {
        let rows: Vec<ExampleRow> = sqlx::query_as(
            "SELECT source, id, observed_on, area, text, barriers, NULL AS found_by, \
             NULL AS rule, NULL AS model_score, NULL AS model_terms FROM signals \
             WHERE source = $1 ORDER BY stored_at DESC, id LIMIT $2",
        )
        .bind(source)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("eigen signalen lezen")?;
        Ok(rows.into_iter().map(ExampleSignal::from).collect())
    }

    /// Per cluster that ever spiked, the last day it was promoted for a spike.
    pub async fn last_spikes(&self) -> anyhow::Result<Vec<(String, NaiveDate)>> {
        self.last_promoted_for(crate::promotions::Criterion::Spike)
            .await
            .context("pieken lezen")
    }

    /// (source, day observed) of every signal observed from `from` to `to`, both included.
    pub async fn signal_days_by_source(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<(String, NaiveDate)>> {
        let rows: Vec<(String, Text<NaiveDate>)> = self
            .fetch_period(
                "SELECT source, observed_on FROM signals WHERE observed_on >= $1 \
                 AND observed_on <= $2",
                from,
                to,
            )
            .await
            .context("signalen per bron lezen")?;
        Ok(rows
            .into_iter()
            .map(|(source, day)| (source, day.0))
            .collect())
    }

    /// The days the signals of a cluster were observed on, from `from` to `to` (included).
    pub async fn cluster_signal_days(
        &self,
        cluster_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<NaiveDate>> {
        let days: Vec<Text<NaiveDate>> = sqlx::query_scalar(
            "SELECT observed_on FROM signal_barriers WHERE cluster_id = $1 AND observed_on >= $2 \
             AND observed_on <= $3",
        )
        .bind(cluster_id)
        .bind(Text(from))
        .bind(Text(to))
        .fetch_all(&self.pool)
        .await
        .context("signalen van knelpunt lezen")?;
        Ok(days.into_iter().map(|day| day.0).collect())
    }

    /// The other barriers of a cluster's signals with their counts, most frequent first, at
    /// most `limit`.
    pub async fn cluster_co_occurrence(
        &self,
        cluster_id: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<(String, i64)>> {
        sqlx::query_as(
            "SELECT o.barrier, COUNT(*) AS n FROM signal_barriers b JOIN signal_barriers o \
             ON o.source = b.source AND o.signal_id = b.signal_id AND o.barrier <> b.barrier \
             WHERE b.cluster_id = $1 GROUP BY o.barrier ORDER BY n DESC, o.barrier LIMIT $2",
        )
        .bind(cluster_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("samenloop lezen")
    }

    /// The distinct (source, wijk) pairs of the signals observed in `[from, to)`.
    pub async fn sources_by_area(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<(String, String)>> {
        self.fetch_period("SELECT DISTINCT source, area FROM signals WHERE observed_on >= $1 AND observed_on < $2", from, to).await
        .context("bronnen per wijk lezen")
    }
}
