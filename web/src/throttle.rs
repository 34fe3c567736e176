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

use knooppunt_store::accounts::SignInFailures;
use knooppunt_store::Store;
use sha2::{Digest, Sha256};

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

/// The key of an account name alone, beside its (name, client) rows: what unlocking a name
/// on every client at once looks for.
fn name_key(name: &str) -> String {
    key(&["name", name])
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
        // This attempt is not counted yet: it would be one more.
        self.verdict(name, client, 1).await
    }

    /// Whether the failures counted now for (`name`, `client`) and for `client`, with
    /// `uncounted` attempts more, stay within the limits.
    async fn verdict(&self, name: &str, client: &str, uncounted: i64) -> anyhow::Result<Verdict> {
        let (pair, whole) = (pair_key(name, client), client_key(client));
        let counted = self
            .store
            .sign_in_failures([&pair, &whole], now() - self.limits.window_secs)
            .await?;
        let mut verdict = Verdict::Allowed;
        for SignInFailures { key, failures } in counted {
            if key == whole && failures + uncounted > self.limits.per_client {
                return Ok(Verdict::ClientThrottled);
            }
            if key == pair && failures + uncounted > self.limits.per_pair {
                verdict = Verdict::PairLocked;
            }
        }
        Ok(verdict)
    }

    /// An attempt of `client` as `name`: refused without writing anything when the limits are
    /// already reached, else [reserved](Self::reserve).
    pub async fn attempt(&self, name: &str, client: &str) -> anyhow::Result<Verdict> {
        match self.check(name, client).await? {
            Verdict::Allowed => self.reserve(name, client).await,
            locked => Ok(locked),
        }
    }

    /// Counts an attempt of `client` as `name` as a failure *before* its password is checked,
    /// then whether it may go on: attempts sent at the same moment each count the others
    /// that came first, so no burst gets more than the limits' number of passwords checked.
    /// An attempt that turns out right is taken back with [`Self::release`]; a wrong one
    /// stays counted.
    pub async fn reserve(&self, name: &str, client: &str) -> anyhow::Result<Verdict> {
        self.record_failure(name, client).await?;
        self.verdict(name, client, 0).await
    }

    /// After a right password: this client's failures for this name no longer count, and the
    /// attempt [reserved](Self::reserve) is taken back from the client's total (which keeps
    /// its earlier failures, so signing in to one's own account does not reset a spray).
    pub async fn release(&self, name: &str, client: &str) -> anyhow::Result<()> {
        self.clear_pair(name, client).await?;
        self.store
            .release_sign_in_failure(&client_key(client))
            .await
    }

    /// Counts a failed sign-in of `client` as `name`, and clears windows that have passed.
    pub async fn record_failure(&self, name: &str, client: &str) -> anyhow::Result<()> {
        let now = now();
        let keys = [pair_key(name, client), client_key(client)];
        self.store
            .add_sign_in_failure([&keys[0], &keys[1]], now, now - self.limits.window_secs)
            .await?;
        self.store
            .tag_sign_in_failure(&keys[0], &name_key(name))
            .await
    }

    /// Beheer: forgets the failures for `name` from every client (the clients' totals stay);
    /// returns how many (name, client) windows were cleared.
    pub async fn unlock(&self, name: &str) -> anyhow::Result<u64> {
        self.store.unlock_name(&name_key(name)).await
    }

    /// Which of `names` are locked on some client now.
    pub async fn locked<'a>(&self, names: &[&'a str]) -> anyhow::Result<Vec<&'a str>> {
        let keys = self
            .store
            .locked_name_keys(self.limits.per_pair, now() - self.limits.window_secs)
            .await?;
        Ok(names
            .iter()
            .copied()
            .filter(|n| keys.contains(&name_key(n)))
            .collect())
    }

    /// After a successful sign-in: this client's failures for this name no longer count. The
    /// client's total stays, so signing in to one's own account does not reset a spray.
    pub async fn clear_pair(&self, name: &str, client: &str) -> anyhow::Result<()> {
        self.store
            .clear_sign_in_failures(&pair_key(name, client))
            .await
    }
}
