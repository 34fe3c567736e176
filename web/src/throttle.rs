//! Sign-in throttling that a stranger cannot turn into a lock-out.
//!
//! Failed sign-ins are counted in the database (table `sign_in_failures`), so the limits hold
//! across restarts and for every replica behind a load balancer, in two ways:
//!
//! - per **(account name, client)**: after [`Limits::per_pair`] failures from one client for
//!   one name, that client may not try that name again until the window has passed. The owner
//!   signing in from their own computer is another pair and is not affected, so knowing
//!   someone's account name (it appears in the agenda's "Door" column) no longer lets anyone
//!   lock them out;
//! - per **client**: after [`Limits::per_client`] failures from one client across all names,
//!   that client may not sign in at all until the window has passed. This stops password
//!   spraying (one guess for many names) from one address.
//!
//! A client is its IP address (an IPv6 client its /64 network, which one subscriber usually
//! gets whole); behind a TLS proxy, `web.client_ip_header` names the header the proxy sets.
//! Keys are SHA-256 hashes, so the table holds neither typed names nor addresses, every row
//! has the same small size, and rows of past windows are deleted when the next failure is
//! recorded: the table stays bounded by the failures of one window.

use anyhow::Context;
use knooppunt_rules::store::Store;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// How many failures are allowed within one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failures for one account name from one client.
    pub per_pair: i64,
    /// Failures from one client, all names together.
    pub per_client: i64,
    /// Length of the window, in seconds, counted from its first failure.
    pub window_secs: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_pair: 5,
            per_client: 20,
            window_secs: 15 * 60,
        }
    }
}

/// Whether a sign-in may be tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Too many failures for this name from this client.
    PairLocked,
    /// Too many failures from this client.
    ClientThrottled,
}

#[derive(Clone)]
pub struct Throttle {
    store: Store,
    pub limits: Limits,
}

fn key(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

fn pair_key(name: &str, client: &str) -> String {
    key(&["pair", name, client])
}

fn client_key(client: &str) -> String {
    key(&["client", client])
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Throttle {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            limits: Limits::default(),
        }
    }

    /// Whether `client` may try to sign in as `name` now.
    pub async fn check(&self, name: &str, client: &str) -> anyhow::Result<Verdict> {
        let (pair, whole) = (pair_key(name, client), client_key(client));
        let rows = sqlx::query(
            "SELECT key, failures FROM sign_in_failures \
             WHERE key IN ($1, $2) AND window_start > $3",
        )
        .bind(&pair)
        .bind(&whole)
        .bind(now() - self.limits.window_secs)
        .fetch_all(self.store.pool())
        .await
        .context("mislukte inlogpogingen lezen")?;
        let mut verdict = Verdict::Allowed;
        for row in rows {
            let (key, failures): (String, i64) = (row.try_get("key")?, row.try_get("failures")?);
            if key == whole && failures >= self.limits.per_client {
                return Ok(Verdict::ClientThrottled);
            }
            if key == pair && failures >= self.limits.per_pair {
                verdict = Verdict::PairLocked;
            }
        }
        Ok(verdict)
    }

    /// Counts a failed sign-in of `client` as `name`, and clears windows that have passed.
    pub async fn record_failure(&self, name: &str, client: &str) -> anyhow::Result<()> {
        let now = now();
        let expired = now - self.limits.window_secs;
        // On its own, before the transaction: concurrent sign-ins must not hold locks on
        // each other's old rows.
        sqlx::query("DELETE FROM sign_in_failures WHERE window_start <= $1")
            .bind(expired)
            .execute(self.store.pool())
            .await
            .context("oude inlogpogingen opruimen")?;
        let mut tx = self.store.pool().begin().await.context("transactie")?;
        for key in [pair_key(name, client), client_key(client)] {
            sqlx::query(
                "INSERT INTO sign_in_failures (key, failures, window_start) VALUES ($1, 1, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN sign_in_failures.window_start <= $3 THEN 1 \
                                 ELSE sign_in_failures.failures + 1 END, \
                 window_start = CASE WHEN sign_in_failures.window_start <= $3 THEN $2 \
                                     ELSE sign_in_failures.window_start END",
            )
            .bind(key)
            .bind(now)
            .bind(expired)
            .execute(&mut *tx)
            .await
            .context("mislukte inlogpoging opslaan")?;
        }
        tx.commit().await.context("mislukte inlogpoging opslaan")?;
        Ok(())
    }

    /// After a successful sign-in: this client's failures for this name no longer count. The
    /// client's total stays, so signing in to one's own account does not reset a spray.
    pub async fn clear_pair(&self, name: &str, client: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(pair_key(name, client))
            .execute(self.store.pool())
            .await
            .context("inlogpogingen wissen")?;
        Ok(())
    }
}
