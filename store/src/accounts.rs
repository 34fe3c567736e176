//! Accounts of the website: users, sign-in sessions, partner API tokens and failed sign-ins.
//! Secrets arrive here already hashed (SHA-256 of a token, an Argon2 PHC string of a
//! password); times are stored as RFC 3339 (UTC) or Unix seconds and come back typed.

use crate::statement::{params, run_on};
use crate::{Store, Text};
use anyhow::Context;
use chrono::{DateTime, Utc};

/// An account as stored. The role is the stored word; the website parses it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub role: String,
    pub source: String,
    /// Area keys; empty = every area.
    #[sqlx(try_from = "Text<Vec<String>>")]
    pub areas: Vec<String>,
}

/// A new account: the name, what is shown, and the Argon2 hash of its password.
#[derive(Debug, Clone)]
pub struct NewUserRow<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub source: &'a str,
    pub areas: &'a [String],
    pub password_hash: &'a str,
}

/// A new session: the SHA-256 of its token, the SHA-256 of its CSRF token (the web derives
/// that token from the session's own), and when it ends.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: &'a str,
    pub csrf: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// A partner API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: String,
    pub source: String,
    pub label: String,
    pub created_by: String,
    #[sqlx(try_from = "Text<DateTime<Utc>>")]
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "Text<Option<DateTime<Utc>>>")]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Failed sign-ins counted under one key (a hash of name and client, or of the client).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInFailures {
    pub key: String,
    pub failures: i64,
}

/// An account with a secret beside it (its password hash, or a session's CSRF token).
#[derive(sqlx::FromRow)]
struct UserWith {
    #[sqlx(flatten)]
    user: UserRow,
    secret: String,
}

/// A session's row: the account, the CSRF secret and the password-change flag.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    secret: String,
    must_change_password: i64,
}

/// A live session: its account, the SHA-256 of its CSRF token, and whether a beheerder's reset means the
/// password must be changed before anything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub user: UserRow,
    pub csrf: String,
    pub password_due: bool,
}

impl Store {
    /// Stores a new active account; `false` when the name is taken.
    pub async fn insert_user(&self, user: &NewUserRow<'_>) -> anyhow::Result<bool> {
        let areas = Text(user.areas.to_vec());
        let inserted = self
            .run(
                "INSERT INTO users (name, display_name, role, source, areas, password_hash, \
                 active, created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7) \
                 ON CONFLICT (name) DO NOTHING",
                params![
                    user.name,
                    user.display_name,
                    user.role,
                    user.source,
                    areas,
                    user.password_hash,
                    Text(Utc::now())
                ],
            )
            .await
            .context("gebruiker opslaan")?;
        Ok(inserted > 0)
    }

    /// Sets an account's password hash and ends its sessions except the one whose token hash
    /// is `keep`; `false` when there is no such account.
    pub async fn set_password_hash(
        &self,
        name: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> anyhow::Result<bool> {
        let mut tx = self.pool().begin().await.context("transactie")?;
        let sql = "UPDATE users SET password_hash = $1 WHERE name = $2";
        let updated = run_on(&mut tx, sql, params![password_hash, name])
            .await
            .context("wachtwoord opslaan")?;
        let sql = "DELETE FROM sessions WHERE user_name = $1 AND token_hash <> $2";
        run_on(&mut tx, sql, params![name, keep.unwrap_or_default()])
            .await
            .context("andere sessies beëindigen")?;
        tx.commit().await.context("wachtwoord opslaan")?;
        Ok(updated > 0)
    }

    /// An active account and its password hash.
    pub async fn user_with_password(
        &self,
        name: &str,
    ) -> anyhow::Result<Option<(UserRow, String)>> {
        let row: Option<UserWith> = self
            .row(
                "SELECT name, display_name, role, source, areas, password_hash AS secret \
                 FROM users WHERE name = $1 AND active = 1",
                params![name],
            )
            .await
            .context("gebruiker lezen")?;
        Ok(row.map(|row| (row.user, row.secret)))
    }

    /// Whether an account of this name exists, active or not.
    pub async fn account_exists(&self, name: &str) -> anyhow::Result<bool> {
        let sql = "SELECT COUNT(*) AS n FROM users WHERE name = $1";
        let found: Option<i64> = self
            .value(sql, params![name])
            .await
            .context("gebruiker lezen")?;
        Ok(found.unwrap_or(0) > 0)
    }

    /// The active accounts, by name.
    pub async fn users(&self) -> anyhow::Result<Vec<UserRow>> {
        self.rows(
            "SELECT name, display_name, role, source, areas FROM users WHERE active = 1 \
             ORDER BY name",
            params![],
        )
        .await
        .context("gebruikers lezen")
    }

    /// Stores a session, clearing sessions past their end or unused since `idle_since`.
    pub async fn create_session(
        &self,
        session: &NewSession<'_>,
        idle_since: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        self.run(
            "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2",
            params![Text(now), idle_since.timestamp()],
        )
        .await
        .context("verlopen sessies opruimen")?;
        self.run(
            "INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at, \
             last_seen) VALUES ($1, $2, $3, $4, $5, $6)",
            params![
                session.token_hash,
                session.user,
                session.csrf,
                Text(now),
                Text(session.expires_at),
                now.timestamp()
            ],
        )
        .await
        .context("sessie opslaan")?;
        Ok(())
    }

    /// The account, CSRF token and password-change flag of a live session (not past its end,
    /// used since `idle_since`, of an active account); its last use moves on, at most once a
    /// minute.
    pub async fn live_session(
        &self,
        token_hash: &str,
        idle_since: DateTime<Utc>,
    ) -> anyhow::Result<Option<LiveSession>> {
        let now = Utc::now();
        let row: Option<SessionRow> = self
            .row(
                "SELECT u.name, u.display_name, u.role, u.source, u.areas, s.csrf AS secret, \
                 u.must_change_password \
                 FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = $1 \
                 AND s.expires_at > $2 AND s.last_seen > $3 AND u.active = 1",
                params![token_hash, Text(now), idle_since.timestamp()],
            )
            .await
            .context("sessie lezen")?;
        let Some(row) = row else {
            return Ok(None);
        };
        self.run(
            "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $3",
            params![now.timestamp(), token_hash, now.timestamp() - 60],
        )
        .await
        .context("sessie bijwerken")?;
        Ok(Some(LiveSession {
            user: row.user,
            csrf: row.secret,
            password_due: row.must_change_password != 0,
        }))
    }

    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        self.delete_by(sql, token_hash)
            .await
            .context("sessie beëindigen")
    }

    /// Runs the `DELETE` `sql` for the key `$1`.
    async fn delete_by(&self, sql: &str, key: &str) -> sqlx::Result<()> {
        self.run(sql, params![key]).await.map(drop)
    }

    /// Stores a partner API token (its hash) under `id`.
    pub async fn insert_api_token(
        &self,
        id: &str,
        token_hash: &str,
        source: &str,
        label: &str,
        by: &str,
    ) -> anyhow::Result<()> {
        self.run(
            "INSERT INTO api_tokens (id, token_hash, source, label, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            params![id, token_hash, source, label, by, Text(Utc::now())],
        )
        .await
        .context("token opslaan")?;
        Ok(())
    }

    /// Revokes a live token; `false` when there is none with this id.
    pub async fn revoke_api_token(&self, id: &str) -> anyhow::Result<bool> {
        let done = self
            .run(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                params![Text(Utc::now()), id],
            )
            .await
            .context("token intrekken")?;
        Ok(done > 0)
    }

    /// Every API token, newest first.
    pub async fn api_tokens(&self) -> anyhow::Result<Vec<ApiTokenRow>> {
        self.rows(
            "SELECT id, source, label, created_by, created_at, revoked_at FROM api_tokens \
             ORDER BY created_at DESC",
            params![],
        )
        .await
        .context("tokens lezen")
    }

    /// The source a live (not revoked) API token submits as.
    pub async fn api_token_source(&self, token_hash: &str) -> anyhow::Result<Option<String>> {
        let sql = "SELECT source FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL";
        self.value(sql, params![token_hash])
            .await
            .context("token controleren")
    }

    /// The failures counted under `keys` in windows that started after `since` (Unix seconds).
    pub async fn sign_in_failures(
        &self,
        keys: [&str; 2],
        since: i64,
    ) -> anyhow::Result<Vec<SignInFailures>> {
        let sql = "SELECT key, failures FROM sign_in_failures \
             WHERE key IN ($1, $2) AND window_start > $3";
        let rows = self.rows(sql, params![keys[0], keys[1], since]).await;
        rows.context("mislukte inlogpogingen lezen")
    }

    /// Counts one failure under each of `keys` at `now` (a window that ended at `expired` or
    /// before starts again), after deleting the windows that ended.
    pub async fn add_sign_in_failure(
        &self,
        keys: [&str; 2],
        now: i64,
        expired: i64,
    ) -> anyhow::Result<()> {
        // On its own, before the transaction: concurrent sign-ins must not hold locks on
        // each other's old rows.
        let sql = "DELETE FROM sign_in_failures WHERE window_start <= $1";
        self.run(sql, params![expired])
            .await
            .context("oude inlogpogingen opruimen")?;
        let mut tx = self.pool().begin().await.context("transactie")?;
        for key in keys {
            let sql = "INSERT INTO sign_in_failures (key, failures, window_start) \
                 VALUES ($1, 1, $2) ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN sign_in_failures.window_start <= $3 THEN 1 \
                                 ELSE sign_in_failures.failures + 1 END, \
                 window_start = CASE WHEN sign_in_failures.window_start <= $3 THEN $2 \
                                     ELSE sign_in_failures.window_start END";
            run_on(&mut tx, sql, params![key, now, expired])
                .await
                .context("mislukte inlogpoging opslaan")?;
        }
        tx.commit().await.context("mislukte inlogpoging opslaan")?;
        Ok(())
    }

    /// Takes back one failure counted under `key` (an attempt reserved before it was checked
    /// that turned out right).
    pub async fn release_sign_in_failure(&self, key: &str) -> anyhow::Result<()> {
        let sql = "UPDATE sign_in_failures SET failures = failures - 1 \
             WHERE key = $1 AND failures > 0";
        self.run(sql, params![key])
            .await
            .context("inlogpoging terugnemen")?;
        Ok(())
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> anyhow::Result<()> {
        let sql = "DELETE FROM sign_in_failures WHERE key = $1";
        self.delete_by(sql, key)
            .await
            .context("inlogpogingen wissen")
    }
}
