//! Retention (*bewaartermijnen*): what is past its term is purged, what the overleg and the
//! municipality rely on stays.
//!
//! - the free text of signals observed before the cutoff (default 24 months) is replaced by
//!   [`PURGED_TEXT`]; their date, source, area, themes, organisation, barriers, waits and
//!   cluster memberships stay, so counts, clusters, waits and briefs are unchanged;
//! - approved vignettes of those signals leave the live store (a published brief keeps the
//!   vignette texts it printed in its snapshot);
//! - quarantine rows older than `quarantine_days` are deleted;
//! - expired sign-in sessions, and partner tokens revoked more than `revoked_token_days` ago,
//!   are deleted.
//!
//! [`plan`] counts what a run would do (`knooppunt bewaartermijn --dry-run`); [`apply`] does it
//! in one transaction, records the run in `retention_purges` and logs it in the processing log.

use crate::store::Store;
use crate::verwerkingslog::{self, actions, Activity, Record, TraceContext};
use anyhow::Context;
use chrono::{DateTime, Duration, Months, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// What a purged signal's text becomes.
pub const PURGED_TEXT: &str = "[verwijderd na bewaartermijn]";

/// The terms, from `[retention]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Signal text is kept this many months after the day it was observed.
    pub text_months: u32,
    /// Quarantine rows are kept this many days.
    pub quarantine_days: u32,
    /// Revoked partner tokens are kept this many days after revocation.
    pub revoked_token_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            text_months: 24,
            quarantine_days: 90,
            revoked_token_days: 90,
        }
    }
}

/// The moments before which things go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cutoffs {
    /// Signals observed before this day lose their text.
    pub text: NaiveDate,
    /// Quarantine rows recorded before this moment are deleted (RFC 3339).
    pub quarantine: String,
    /// Tokens revoked before this moment are deleted (RFC 3339).
    pub revoked_tokens: String,
    /// Sessions that expired before this moment are deleted (RFC 3339).
    pub sessions: String,
}

impl Policy {
    /// The cutoffs on `today` (Europe/Amsterdam) at `now`.
    pub fn cutoffs(&self, today: NaiveDate, now: DateTime<Utc>) -> Cutoffs {
        let moment = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        Cutoffs {
            text: today
                .checked_sub_months(Months::new(self.text_months))
                .unwrap_or(NaiveDate::MIN),
            quarantine: moment(now - Duration::days(i64::from(self.quarantine_days))),
            revoked_tokens: moment(now - Duration::days(i64::from(self.revoked_token_days))),
            sessions: moment(now),
        }
    }
}

/// What a run does (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub cutoffs: Cutoffs,
    pub signals_purged: i64,
    pub vignettes_removed: i64,
    pub quarantine_deleted: i64,
    pub sessions_deleted: i64,
    pub tokens_deleted: i64,
}

impl Outcome {
    pub fn is_empty(&self) -> bool {
        self.signals_purged
            + self.vignettes_removed
            + self.quarantine_deleted
            + self.sessions_deleted
            + self.tokens_deleted
            == 0
    }

    /// In Dutch, for `knooppunt bewaartermijn`.
    pub fn report(&self, applied: bool) -> String {
        let n = |count: i64, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let date = self.cutoffs.text.format("%d-%m-%Y");
        let signals = n(self.signals_purged, "signaal", "signalen");
        let rest = format!(
            "{}, {}, {} en {}",
            n(
                self.vignettes_removed,
                "goedgekeurd vignet",
                "goedgekeurde vignetten"
            ),
            n(
                self.quarantine_deleted,
                "quarantaineregel",
                "quarantaineregels"
            ),
            n(self.sessions_deleted, "verlopen sessie", "verlopen sessies"),
            n(
                self.tokens_deleted,
                "ingetrokken token",
                "ingetrokken tokens"
            ),
        );
        if applied {
            format!(
                "Bewaartermijn: tekst verwijderd van {signals} van vóór {date}; verwijderd: {rest}.\n"
            )
        } else {
            format!(
                "Bewaartermijn: zou de tekst verwijderen van {signals} van vóór {date}, en {rest} \
                 (niets gewijzigd: --apply voert het uit).\n"
            )
        }
    }
}

const TEXT_WHERE: &str = "observed_on < $1 AND text <> $2";
const VIGNETTE_WHERE: &str = "EXISTS (SELECT 1 FROM signals s WHERE s.source = vignettes.source \
     AND s.id = vignettes.signal_id AND s.observed_on < $1)";

async fn count(store: &Store, sql: &str, binds: &[&str]) -> anyhow::Result<i64> {
    let mut query = sqlx::query(sql);
    for value in binds {
        query = query.bind(*value);
    }
    let row = query
        .fetch_one(store.pool())
        .await
        .context("bewaartermijn tellen")?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Counts what [`apply`] would do, changing nothing.
pub async fn plan(store: &Store, policy: &Policy, today: NaiveDate) -> anyhow::Result<Outcome> {
    let cutoffs = policy.cutoffs(today, Utc::now());
    let text = cutoffs.text.to_string();
    Ok(Outcome {
        signals_purged: count(
            store,
            &format!("SELECT COUNT(*) FROM signals WHERE {TEXT_WHERE}"),
            &[&text, PURGED_TEXT],
        )
        .await?,
        vignettes_removed: count(
            store,
            &format!("SELECT COUNT(*) FROM vignettes WHERE {VIGNETTE_WHERE}"),
            &[&text],
        )
        .await?,
        quarantine_deleted: count(
            store,
            "SELECT COUNT(*) FROM quarantine WHERE quarantined_at < $1",
            &[&cutoffs.quarantine],
        )
        .await?,
        sessions_deleted: count(
            store,
            "SELECT COUNT(*) FROM sessions WHERE expires_at < $1",
            &[&cutoffs.sessions],
        )
        .await?,
        tokens_deleted: count(
            store,
            "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < $1",
            &[&cutoffs.revoked_tokens],
        )
        .await?,
        cutoffs,
    })
}

/// Purges what is past its term in one transaction; records the run (when it changed
/// anything) in `retention_purges` and the processing log. `actor` is the user or
/// `system:<component>` that started it.
pub async fn apply(
    store: &Store,
    policy: &Policy,
    today: NaiveDate,
    actor: &str,
) -> anyhow::Result<Outcome> {
    let started = Utc::now();
    let cutoffs = policy.cutoffs(today, started);
    let text = cutoffs.text.to_string();
    let mut tx = store.pool().begin().await.context("transactie starten")?;
    // Vignettes first: they are found through the signals' dates.
    let vignettes_removed = sqlx::query(&format!("DELETE FROM vignettes WHERE {VIGNETTE_WHERE}"))
        .bind(&text)
        .execute(&mut *tx)
        .await
        .context("vignetten na bewaartermijn verwijderen")?
        .rows_affected() as i64;
    let signals_purged = sqlx::query(&format!("UPDATE signals SET text = $2 WHERE {TEXT_WHERE}"))
        .bind(&text)
        .bind(PURGED_TEXT)
        .execute(&mut *tx)
        .await
        .context("signaalteksten na bewaartermijn verwijderen")?
        .rows_affected() as i64;
    let quarantine_deleted = sqlx::query("DELETE FROM quarantine WHERE quarantined_at < $1")
        .bind(&cutoffs.quarantine)
        .execute(&mut *tx)
        .await
        .context("quarantaine na bewaartermijn verwijderen")?
        .rows_affected() as i64;
    let sessions_deleted = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(&cutoffs.sessions)
        .execute(&mut *tx)
        .await
        .context("verlopen sessies verwijderen")?
        .rows_affected() as i64;
    let tokens_deleted =
        sqlx::query("DELETE FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < $1")
            .bind(&cutoffs.revoked_tokens)
            .execute(&mut *tx)
            .await
            .context("ingetrokken tokens verwijderen")?
            .rows_affected() as i64;
    let outcome = Outcome {
        cutoffs,
        signals_purged,
        vignettes_removed,
        quarantine_deleted,
        sessions_deleted,
        tokens_deleted,
    };
    if !outcome.is_empty() {
        sqlx::query(
            "INSERT INTO retention_purges (run_at, actor, text_cutoff, quarantine_cutoff, \
             signals_purged, vignettes_removed, quarantine_deleted, sessions_deleted, \
             tokens_deleted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(started.to_rfc3339_opts(SecondsFormat::Secs, true))
        .bind(actor)
        .bind(&text)
        .bind(&outcome.cutoffs.quarantine)
        .bind(signals_purged)
        .bind(vignettes_removed)
        .bind(quarantine_deleted)
        .bind(sessions_deleted)
        .bind(tokens_deleted)
        .execute(&mut *tx)
        .await
        .context("opschoning registreren")?;
        let record = Record::instant(
            TraceContext::new_root(),
            actions::RETENTION_PURGE,
            actor,
            Activity::Retention,
            json!({
                "text_cutoff": text,
                "quarantine_cutoff": outcome.cutoffs.quarantine,
                "signals_purged": signals_purged,
                "vignettes_removed": vignettes_removed,
                "quarantine_deleted": quarantine_deleted,
                "sessions_deleted": sessions_deleted,
                "tokens_deleted": tokens_deleted,
            }),
        )
        .started(started);
        verwerkingslog::append_on(&mut tx, &[record]).await?;
    }
    tx.commit().await.context("opschoning vastleggen")?;
    tracing::info!(
        signals_purged,
        vignettes_removed,
        quarantine_deleted,
        sessions_deleted,
        tokens_deleted,
        "Retention applied"
    );
    Ok(outcome)
}

/// The stored classification of a purged signal, as replay uses it: the same barriers,
/// waits and confidences, grouped by the rules' cluster key.
pub fn kept_classification(
    rules: &crate::ruleset::RuleSet,
    signal: &crate::store::ReplaySignal,
) -> (Vec<crate::store::BarrierMatch>, String, String) {
    let key = crate::store::ClusterKeyValues::new(
        rules.cluster_key(),
        &signal.area,
        signal.organisation.as_deref(),
    );
    let matches = signal
        .classification
        .split(';')
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let mut fields = part.split('|');
            let barrier = fields.next()?.to_string();
            let wait_days = fields.next().and_then(|w| w.parse::<u32>().ok());
            let confidence = fields.next().and_then(|c| c.parse::<f64>().ok())?;
            // A fourth field says how the barrier was found when it was not by a rule.
            let how = crate::model::record::How::parse(fields.next().unwrap_or("regel"));
            Some(crate::store::BarrierMatch {
                barrier,
                confidence,
                wait_days,
                cluster: key.clone(),
                split_to: None,
                found: crate::model::record::Recognition {
                    how,
                    ..Default::default()
                },
            })
        })
        .collect::<Vec<_>>();
    // Signals stored before the detail was recorded carry only their barriers.
    let matches = if matches.is_empty() && !signal.barriers.is_empty() {
        signal
            .barriers
            .split(',')
            .filter(|b| !b.is_empty())
            .map(|barrier| crate::store::BarrierMatch {
                barrier: barrier.to_string(),
                confidence: 1.0,
                wait_days: signal.wait_days.and_then(|w| u32::try_from(w).ok()),
                cluster: key.clone(),
                split_to: None,
                found: crate::model::record::Recognition::default(),
            })
            .collect()
    } else {
        matches
    };
    (
        matches,
        signal.barriers.clone(),
        signal.classification.clone(),
    )
}

/// A recorded retention run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purge {
    pub run_at: String,
    pub actor: String,
    pub text_cutoff: String,
    pub signals_purged: i64,
    pub vignettes_removed: i64,
    pub quarantine_deleted: i64,
    pub sessions_deleted: i64,
    pub tokens_deleted: i64,
}

/// The recorded runs, oldest first.
pub async fn purges(store: &Store) -> anyhow::Result<Vec<Purge>> {
    let rows = sqlx::query(
        "SELECT run_at, actor, text_cutoff, signals_purged, vignettes_removed, \
         quarantine_deleted, sessions_deleted, tokens_deleted FROM retention_purges ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await
    .context("opschoningen lezen")?;
    rows.iter()
        .map(|row| {
            Ok(Purge {
                run_at: row.try_get("run_at")?,
                actor: row.try_get("actor")?,
                text_cutoff: row.try_get("text_cutoff")?,
                signals_purged: row.try_get("signals_purged")?,
                vignettes_removed: row.try_get("vignettes_removed")?,
                quarantine_deleted: row.try_get("quarantine_deleted")?,
                sessions_deleted: row.try_get("sessions_deleted")?,
                tokens_deleted: row.try_get("tokens_deleted")?,
            })
        })
        .collect()
}

/// Runs [`apply`] once a day (and once at start) until `shutdown` resolves.
pub async fn run_daily(
    store: Store,
    policy: Policy,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut timer = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            _ = timer.tick() => {
                let today = knooppunt_ingest::today_nl();
                if let Err(error) = apply(&store, &policy, today, "system:bewaartermijn").await {
                    tracing::error!(error = %format!("{error:#}"), "Retention run failed");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutoffs_count_back_from_today() {
        let policy = Policy {
            text_months: 24,
            quarantine_days: 30,
            revoked_token_days: 7,
        };
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let cutoffs = policy.cutoffs(today, now);
        assert_eq!(cutoffs.text, NaiveDate::from_ymd_opt(2024, 11, 30).unwrap());
        assert_eq!(cutoffs.quarantine, "2026-10-31T12:00:00Z");
        assert_eq!(cutoffs.revoked_tokens, "2026-11-23T12:00:00Z");
        // The last day of a month counts back to the last day of the shorter month.
        let cutoffs = policy.cutoffs(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(), now);
        assert_eq!(cutoffs.text, NaiveDate::from_ymd_opt(2024, 2, 28).unwrap());
    }
}
