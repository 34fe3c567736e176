//! Signals: the idempotent batch write (with quarantine and id conflicts), and the reads
//! of stored signals and their per-barrier figures.

use crate::clusters::{insert_memberships, upsert_clusters, Membership};
use crate::*;
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster::*;
use knooppunt_domain::envelope::partition_key;
use std::collections::HashMap;

type Tx = sqlx::Transaction<'static, sqlx::Any>;
type Key = (String, String);
/// A `signals` row as [`Store::signal`] reads it.
type SignalColumns = (
    String,
    String,
    Text<NaiveDate>,
    String,
    String,
    Text<Vec<String>>,
    Option<i64>,
    String,
);

fn key_of(item: &Classified) -> Key {
    (
        item.envelope.signal.source.clone(),
        item.envelope.id().to_string(),
    )
}

/// A batch's signals after the insert: the new ones (with their content hashes) and the
/// ones that were already there.
#[derive(Default)]
struct Inserted<'a> {
    new: Vec<&'a Classified>,
    not_inserted: Vec<&'a Classified>,
    hashes: HashMap<Key, String>,
}

impl Store {
    /// Stores a batch in one transaction. Signals already stored (same source and id) are
    /// skipped, so replaying a batch changes nothing.
    pub async fn write_batch(
        &self,
        batch: &[Classified],
        quarantined: &[Quarantined],
    ) -> anyhow::Result<WriteOutcome> {
        self.write_batch_logged(batch, quarantined, &[]).await
    }

    /// Like [`Store::write_batch`], and appends `log` (the batch's processing-log rows) in
    /// the same transaction: one commit (and one fsync) for the batch and its log, and the
    /// log is there exactly when the batch is.
    pub async fn write_batch_logged(
        &self,
        batch: &[Classified],
        quarantined: &[Quarantined],
        log: &[crate::processing_log::LogRow],
    ) -> anyhow::Result<WriteOutcome> {
        let mut outcome = WriteOutcome::default();
        if batch.is_empty() && quarantined.is_empty() && log.is_empty() {
            return Ok(outcome);
        }
        let stored_at = Text(Utc::now());
        let mut tx = self.pool.begin().await.context("transactie starten")?;
        outcome.quarantined = insert_quarantined(&mut tx, quarantined, stored_at)
            .await
            .context("geweigerd signaal registreren")?;
        let inserted = self
            .insert_signals(&mut tx, batch, stored_at)
            .await
            .context("signalen opslaan")?;
        // Not inserted: a true duplicate (same content: idempotent), or a conflict (the key is
        // stored, or came earlier in this batch, with other content), which is refused and
        // recorded without its text.
        for item in &inserted.not_inserted {
            let counted = record_if_conflict(&mut tx, item, &inserted.hashes, stored_at)
                .await
                .context("geweigerd signaal (id met andere inhoud) registreren")?;
            match counted {
                Some(conflicts) => outcome.conflicts += conflicts,
                None => outcome.duplicates += 1,
            }
        }
        outcome.stored = inserted.new.len();
        outcome.unclassified = inserted.new.iter().filter(|c| c.matches.is_empty()).count();
        self.add_to_clusters(&mut tx, &inserted.new).await?;
        crate::processing_log::append_on(&mut tx, log)
            .await
            .context("verwerkingslog bijschrijven")?;
        tx.commit().await.context("transactie vastleggen")?;
        Ok(outcome)
    }

    /// Inserts the signals not stored yet, in multi-row statements: a batch costs a handful
    /// of round trips, not three per signal.
    async fn insert_signals<'a>(
        &self,
        tx: &mut Tx,
        batch: &'a [Classified],
        stored_at: Text<DateTime<Utc>>,
    ) -> StoreResult<Inserted<'a>> {
        let mut out = Inserted::default();
        for chunk in batch.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO signals (source, id, observed_on, area, area_key, text, themes, \
                 organisation, wait_days, barriers, rules_version, channel, received_at, stored_at, \
                 classification, content_hash, model_version) \
                 VALUES {} ON CONFLICT (source, id) DO NOTHING RETURNING source, id",
                placeholders(self.backend, chunk.len(), 17)
            );
            // Hashed once per signal: bound here, and kept for the new ones below.
            let hashes: Vec<String> = chunk
                .iter()
                .map(|item| content_hash(signal_content(item)))
                .collect();
            let mut query = sqlx::query_as::<_, Key>(&sql);
            for (item, hash) in chunk.iter().zip(&hashes) {
                let signal = &item.envelope.signal;
                let themes: Vec<&str> = signal.themes.iter().map(|t| t.as_str()).collect();
                query = query
                    .bind(&signal.source)
                    .bind(item.envelope.id())
                    .bind(Text(signal.observed_on))
                    .bind(&signal.area)
                    .bind(partition_key(&signal.area))
                    .bind(&signal.text)
                    .bind(themes.join(","))
                    .bind(signal.organisation.as_deref())
                    .bind(item.wait_days.map(i64::from))
                    .bind(item.barriers().collect::<Vec<_>>().join(","))
                    .bind(&item.rules_version)
                    .bind(channel_name(&item.envelope))
                    .bind(Text(item.envelope.received_at))
                    .bind(stored_at)
                    .bind(Text(item.classification()))
                    .bind(hash)
                    .bind(item.model_version.as_deref());
            }
            let inserted: std::collections::HashSet<Key> =
                query.fetch_all(&mut **tx).await?.into_iter().collect();
            for (item, hash) in chunk.iter().zip(hashes) {
                let key = key_of(item);
                // A signal twice in one batch is inserted once.
                if inserted.contains(&key) && !out.hashes.contains_key(&key) {
                    out.hashes.insert(key, hash);
                    out.new.push(item);
                } else {
                    out.not_inserted.push(item);
                }
            }
        }
        Ok(out)
    }

    /// Cluster counts grow by the new signals only, one upsert row per cluster.
    async fn add_to_clusters(
        &self,
        tx: &mut Tx,
        new_signals: &[&Classified],
    ) -> anyhow::Result<()> {
        let mut clusters: std::collections::BTreeMap<String, ClusterTally> = Default::default();
        let mut memberships = Vec::new();
        for item in new_signals {
            let signal = &item.envelope.signal;
            let observed_on = signal.observed_on;
            for found in &item.matches {
                let id = found.cluster_id();
                clusters
                    .entry(id.clone())
                    .or_insert_with(|| ClusterTally::new(id.clone(), found))
                    .count(observed_on);
                memberships.push(Membership {
                    source: &signal.source,
                    signal_id: item.envelope.id(),
                    barrier: &found.barrier,
                    cluster_id: id,
                    observed_on,
                    area_key: cluster_area_key(&signal.area),
                    wait_days: found.wait_days.map(i64::from),
                    confidence: found.confidence,
                    organisation: &found.cluster.organisation,
                    found: &found.found,
                });
            }
        }
        let clusters: Vec<ClusterTally> = clusters.into_values().collect();
        upsert_clusters(tx, self.backend, &clusters, "clusters bijwerken").await?;
        insert_memberships(tx, self.backend, &memberships).await
    }

    /// The stored content hash per `(source, id)` among `keys` (signals stored before the
    /// hash existed are left out: they are not compared).
    pub async fn content_hashes(
        &self,
        keys: &[(String, String)],
    ) -> anyhow::Result<HashMap<(String, String), String>> {
        let mut found = HashMap::new();
        for chunk in keys.chunks(ROWS_PER_STATEMENT) {
            let conditions: Vec<String> = (0..chunk.len())
                .map(|i| format!("(source = ${} AND id = ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "SELECT source, id, content_hash FROM signals WHERE content_hash IS NOT NULL AND ({})",
                conditions.join(" OR ")
            );
            let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
            for (source, id) in chunk {
                query = query.bind(source).bind(id);
            }
            for (source, id, hash) in query.fetch_all(&self.pool).await? {
                found.insert((source, id), hash);
            }
        }
        Ok(found)
    }

    /// Signals refused because their id was stored with other content.
    pub async fn id_conflict_count(&self) -> anyhow::Result<i64> {
        self.count("SELECT COUNT(*) FROM id_conflicts").await
    }

    /// Refused signals grouped by reason and kinds ("geweigerd wegens persoonsgegevens").
    pub async fn quarantine_counts(&self) -> anyhow::Result<Vec<QuarantineCount>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT reason, kinds, COUNT(*) AS n FROM quarantine GROUP BY reason, kinds ORDER BY n DESC, reason, kinds",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(reason, kinds, count)| QuarantineCount {
                reason,
                kinds,
                count,
            })
            .collect())
    }

    pub async fn signal_count(&self) -> anyhow::Result<i64> {
        self.count("SELECT COUNT(*) FROM signals").await
    }

    /// The day the earliest stored signal was observed: before it, Knooppunt measured nothing.
    pub async fn first_observed_on(&self) -> anyhow::Result<Option<NaiveDate>> {
        let row: Option<(Option<crate::Text<NaiveDate>>,)> =
            sqlx::query_as("SELECT MIN(observed_on) FROM signals")
                .fetch_optional(&self.pool)
                .await
                .context("eerste signaal lezen")?;
        Ok(row.and_then(|(day,)| day).map(|day| day.0))
    }

    pub async fn unclassified_count(&self) -> anyhow::Result<i64> {
        self.count("SELECT COUNT(*) FROM signals WHERE barriers = ''")
            .await
    }

    /// One stored signal, for tests and the review pages.
    pub async fn signal(&self, source: &str, id: &str) -> anyhow::Result<Option<StoredSignal>> {
        let row: Option<SignalColumns> = sqlx::query_as(
            "SELECT source, id, observed_on, area, text, barriers, wait_days, rules_version \
             FROM signals WHERE source = $1 AND id = $2",
        )
        .bind(source)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(source, id, observed_on, area, text, barriers, wait_days, rules_version)| {
                StoredSignal {
                    source,
                    id,
                    observed_on: observed_on.0,
                    area,
                    text,
                    barriers: barriers.0,
                    wait_days,
                    rules_version,
                }
            },
        ))
    }

    /// Per barrier: signals, distinct sources and distinct areas observed in `[from, to)`.
    pub async fn barrier_stats(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<BarrierStats>> {
        let rows: Vec<(String, i64, i64, i64)> = self
            .fetch_period(
                "SELECT barrier, COUNT(*) AS signals, COUNT(DISTINCT source) AS sources, \
             COUNT(DISTINCT area_key) AS areas FROM signal_barriers \
             WHERE observed_on >= $1 AND observed_on < $2 GROUP BY barrier ORDER BY barrier",
                from,
                to,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(barrier, signals, sources, areas)| BarrierStats {
                barrier,
                signals,
                sources,
                areas,
            })
            .collect())
    }

    /// Samenloop: per pair of barriers, the signals observed in `[from, to)` that carry both,
    /// most frequent first.
    pub async fn co_occurrence(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<Vec<CoOccurrence>> {
        // The signals with more than one barrier, by their barrier list (a small partial index
        // answers this); the pairs are counted here, instead of joining `signal_barriers` with
        // itself per signal of the period.
        let rows: Vec<(String, i64)> = self
            .fetch_period(
                "SELECT barriers, COUNT(*) AS n FROM signals \
             WHERE barriers LIKE '%,%' AND observed_on >= $1 AND observed_on < $2 \
             GROUP BY barriers",
                from,
                to,
            )
            .await?;
        let mut pairs: std::collections::BTreeMap<(String, String), i64> = Default::default();
        for (barriers, n) in &rows {
            let mut ids: Vec<&str> = barriers.split(',').filter(|b| !b.is_empty()).collect();
            ids.sort_unstable();
            ids.dedup();
            for (i, first) in ids.iter().enumerate() {
                for second in &ids[i + 1..] {
                    *pairs
                        .entry((first.to_string(), second.to_string()))
                        .or_default() += n;
                }
            }
        }
        let mut pairs: Vec<CoOccurrence> = pairs
            .into_iter()
            .map(|((first, second), signals)| CoOccurrence {
                first,
                second,
                signals,
            })
            .collect();
        pairs.sort_by(|a, b| {
            b.signals
                .cmp(&a.signals)
                .then_with(|| a.first.cmp(&b.first))
                .then_with(|| a.second.cmp(&b.second))
        });
        Ok(pairs)
    }

    /// Signals observed in `[from, to)` that matched no barrier.
    pub async fn unclassified_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM signals WHERE barriers = '' AND observed_on >= $1 AND observed_on < $2",
        )
        .bind(Text(from))
        .bind(Text(to))
        .fetch_one(&self.pool)
        .await?)
    }

    async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar(sql).fetch_one(&self.pool).await?)
    }
}

/// The content a stored signal is compared by: what intake validated, before the engine
/// filled in the organisation (see `knooppunt_ingest::conflicts`).
fn signal_content(item: &Classified) -> &knooppunt_domain::signal::Signal {
    &item.envelope.signal
}

fn content_hash(signal: &knooppunt_domain::signal::Signal) -> String {
    knooppunt_domain::identity::content_hash(signal)
}

/// Records refused signals (counts, reasons, never text); the rows newly recorded.
async fn insert_quarantined(
    tx: &mut Tx,
    quarantined: &[Quarantined],
    stored_at: Text<DateTime<Utc>>,
) -> StoreResult<usize> {
    let mut recorded = 0;
    for item in quarantined {
        recorded += sqlx::query(
            "INSERT INTO quarantine (source, signal_id, kinds, reason, channel, quarantined_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source, signal_id) DO NOTHING",
        )
        .bind(&item.source)
        .bind(&item.signal_id)
        .bind(item.kinds.join(","))
        .bind(&item.reason)
        .bind(&item.channel)
        .bind(stored_at)
        .execute(&mut **tx)
        .await?
        .rows_affected() as usize;
    }
    Ok(recorded)
}

/// A signal that was not inserted: `None` when it is a true duplicate, or the conflicts
/// counted when its id is stored (or came earlier in the batch) with other content.
async fn record_if_conflict(
    tx: &mut Tx,
    item: &Classified,
    batch_hashes: &HashMap<Key, String>,
    stored_at: Text<DateTime<Utc>>,
) -> StoreResult<Option<usize>> {
    let key = key_of(item);
    let hash = content_hash(signal_content(item));
    let known = match batch_hashes.get(&key) {
        Some(known) => Some(known.clone()),
        None => stored_content_hash(tx, &key).await?,
    };
    match known {
        Some(known) if known != hash => {
            tracing::warn!(
                source = %key.0,
                id = %key.1,
                "Signal refused: its id is stored with other content"
            );
            let rows = sqlx::query(
                "INSERT INTO id_conflicts (source, signal_id, content_hash, channel, refused_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, signal_id, content_hash) DO NOTHING",
            )
            .bind(&key.0)
            .bind(&key.1)
            .bind(&hash)
            .bind(channel_name(&item.envelope))
            .bind(stored_at)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            Ok(Some(rows.max(1) as usize))
        }
        _ => Ok(None),
    }
}

/// The content hash stored for one key, inside the batch's transaction.
async fn stored_content_hash(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    key: &(String, String),
) -> StoreResult<Option<String>> {
    let hash: Option<Option<String>> =
        sqlx::query_scalar("SELECT content_hash FROM signals WHERE source = $1 AND id = $2")
            .bind(&key.0)
            .bind(&key.1)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(hash.flatten())
}
