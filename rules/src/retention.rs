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
//!   are deleted;
//! - the attendees of meetings older than `attendee_months` are renamed "deelnemer 1..n" (their
//!   role stays, and action points they owned follow); the decisions stay.
//!
//! [`plan`] counts what a run would do (`knooppunt bewaartermijn --dry-run`); [`apply`] does it
//! in one transaction, records the run in `retention_purges` and logs it in the processing log.

use crate::verwerkingslog;
use anyhow::Context;
use chrono::{DateTime, Duration, Months, NaiveDate, SubsecRound, Utc};
use knooppunt_domain::processing_log::{actions, Activity, Record};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_store::retention::Counts;
use knooppunt_store::Store;
use serde::Serialize;
use serde_json::json;

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
    /// Attendees' names are kept this many months after the meeting.
    pub attendee_months: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            text_months: 24,
            quarantine_days: 90,
            revoked_token_days: 90,
            attendee_months: 24,
        }
    }
}

/// The moments before which things go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cutoffs {
    /// Signals observed before this day lose their text.
    pub text: NaiveDate,
    /// Quarantine rows recorded before this moment are deleted (whole seconds).
    pub quarantine: DateTime<Utc>,
    /// Tokens revoked before this moment are deleted (whole seconds).
    pub revoked_tokens: DateTime<Utc>,
    /// Sessions that expired before this moment are deleted (whole seconds).
    pub sessions: DateTime<Utc>,
    /// Meetings before this day have their attendees' names replaced.
    pub attendees: NaiveDate,
}

impl Policy {
    /// The cutoffs on `today` (Europe/Amsterdam) at `now`.
    pub fn cutoffs(&self, today: NaiveDate, now: DateTime<Utc>) -> Cutoffs {
        let moment = |t: DateTime<Utc>| t.trunc_subsecs(0);
        Cutoffs {
            text: today
                .checked_sub_months(Months::new(self.text_months))
                .unwrap_or(NaiveDate::MIN),
            quarantine: moment(now - Duration::days(i64::from(self.quarantine_days))),
            revoked_tokens: moment(now - Duration::days(i64::from(self.revoked_token_days))),
            sessions: moment(now),
            attendees: today
                .checked_sub_months(Months::new(self.attendee_months))
                .unwrap_or(NaiveDate::MIN),
        }
    }
}

/// What a run does (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub cutoffs: Cutoffs,
    #[serde(flatten)]
    pub counts: Counts,
}

impl Outcome {
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// In Dutch, for `knooppunt bewaartermijn`.
    pub fn report(&self, applied: bool) -> String {
        let n = |count: i64, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let date = self.cutoffs.text.format("%d-%m-%Y");
        let signals = n(self.counts.signals_purged, "signaal", "signalen");
        let rest = format!(
            "{}, {}, {}, {} en {}",
            n(
                self.counts.vignettes_removed,
                "goedgekeurd vignet",
                "goedgekeurde vignetten"
            ),
            n(
                self.counts.quarantine_deleted,
                "quarantaineregel",
                "quarantaineregels"
            ),
            n(
                self.counts.sessions_deleted,
                "verlopen sessie",
                "verlopen sessies"
            ),
            n(
                self.counts.tokens_deleted,
                "ingetrokken token",
                "ingetrokken tokens"
            ),
            n(
                self.counts.attendees_anonymised,
                "naam van een aanwezige (vervangen door \"deelnemer\")",
                "namen van aanwezigen (vervangen door \"deelnemer\")"
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

impl Cutoffs {
    /// The cutoffs as the store takes them.
    fn for_store(&self) -> knooppunt_store::retention::Cutoffs<'_> {
        knooppunt_store::retention::Cutoffs {
            text: self.text,
            quarantine: self.quarantine,
            revoked_tokens: self.revoked_tokens,
            sessions: self.sessions,
            purged_text: PURGED_TEXT,
            attendees: self.attendees,
        }
    }
}

/// Counts what [`apply`] would do, changing nothing.
pub async fn plan(store: &Store, policy: &Policy, today: NaiveDate) -> anyhow::Result<Outcome> {
    let cutoffs = policy.cutoffs(today, Utc::now());
    let counts = store
        .count_retention(&cutoffs.for_store())
        .await
        .context("bewaartermijn tellen")?;
    Ok(Outcome { cutoffs, counts })
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
    let log = |counts: &Counts| {
        let record = Record::instant(
            TraceContext::new_root(),
            actions::RETENTION_PURGE,
            actor,
            Activity::Retention,
            json!({
                "text_cutoff": cutoffs.text.to_string(),
                "quarantine_cutoff": cutoffs.quarantine,
                "signals_purged": counts.signals_purged,
                "vignettes_removed": counts.vignettes_removed,
                "quarantine_deleted": counts.quarantine_deleted,
                "sessions_deleted": counts.sessions_deleted,
                "tokens_deleted": counts.tokens_deleted,
                "attendee_cutoff": cutoffs.attendees.to_string(),
                "attendees_anonymised": counts.attendees_anonymised,
            }),
        )
        .started(started);
        verwerkingslog::rows(&[record])
    };
    let counts = store
        .apply_retention(&cutoffs.for_store(), started, actor, log)
        .await
        .context("opschoning vastleggen")?;
    tracing::info!(
        signals_purged = counts.signals_purged,
        vignettes_removed = counts.vignettes_removed,
        quarantine_deleted = counts.quarantine_deleted,
        sessions_deleted = counts.sessions_deleted,
        tokens_deleted = counts.tokens_deleted,
        attendees_anonymised = counts.attendees_anonymised,
        "Retention applied"
    );
    Ok(Outcome { cutoffs, counts })
}

/// The stored classification of a purged signal, as replay uses it: the same barriers,
/// waits and confidences, grouped by the rules' cluster key.
pub fn kept_classification(
    rules: &crate::ruleset::RuleSet,
    signal: &knooppunt_domain::cluster::ReplaySignal,
) -> (
    Vec<knooppunt_domain::cluster::BarrierMatch>,
    String,
    knooppunt_domain::cluster::Classification,
) {
    let key = knooppunt_domain::cluster::ClusterKeyValues::new(
        rules.cluster_key(),
        &signal.area,
        signal.organisation.as_deref(),
    );
    let matches = signal
        .classification
        .0
        .iter()
        .map(|kept| knooppunt_domain::cluster::BarrierMatch {
            barrier: kept.barrier.clone(),
            confidence: kept.confidence,
            wait_days: kept.wait_days,
            cluster: key.clone(),
            split_to: None,
            found: knooppunt_domain::recognition::Recognition {
                how: kept.found_by,
                ..Default::default()
            },
        })
        .collect::<Vec<_>>();
    // Signals stored before the detail was recorded carry only their barriers.
    let matches = if matches.is_empty() && !signal.barriers.is_empty() {
        signal
            .barriers
            .iter()
            .map(|barrier| knooppunt_domain::cluster::BarrierMatch {
                barrier: barrier.to_string(),
                confidence: 1.0,
                wait_days: signal.wait_days.and_then(|w| u32::try_from(w).ok()),
                cluster: key.clone(),
                split_to: None,
                found: knooppunt_domain::recognition::Recognition::default(),
            })
            .collect()
    } else {
        matches
    };
    (
        matches,
        signal.barriers.join(","),
        signal.classification.clone(),
    )
}

/// A recorded retention run.
pub use knooppunt_store::retention::Purge;

/// The recorded runs, oldest first.
pub async fn purges(store: &Store) -> anyhow::Result<Vec<Purge>> {
    store.retention_purges().await.context("opschoningen lezen")
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
            attendee_months: 6,
        };
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let cutoffs = policy.cutoffs(today, now);
        assert_eq!(cutoffs.text, NaiveDate::from_ymd_opt(2024, 11, 30).unwrap());
        assert_eq!(
            cutoffs.attendees,
            NaiveDate::from_ymd_opt(2026, 5, 30).unwrap()
        );
        assert_eq!(cutoffs.quarantine.to_rfc3339(), "2026-10-31T12:00:00+00:00");
        assert_eq!(
            cutoffs.revoked_tokens.to_rfc3339(),
            "2026-11-23T12:00:00+00:00"
        );
        // The last day of a month counts back to the last day of the shorter month.
        let cutoffs = policy.cutoffs(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(), now);
        assert_eq!(cutoffs.text, NaiveDate::from_ymd_opt(2024, 2, 28).unwrap());
    }
}
