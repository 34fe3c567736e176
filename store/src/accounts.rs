//! Accounts of the website: users, sign-in sessions, partner API tokens and failed sign-ins.
//! Secrets arrive here already hashed (SHA-256 of a token, an Argon2 PHC string of a
//! password); times are stored as RFC 3339 (UTC) or Unix seconds and come back typed.

use crate::Store;
use anyhow::Context;
use chrono::{DateTime, Utc};

/// An account as stored. The role is the stored word; the website parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    pub display_name: String,
    pub role: String,
    pub source: String,
    /// Area keys; empty = every area.
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

/// A new session: the SHA-256 of its token, its CSRF token, and when it ends.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: &'a str,
    pub csrf: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// A partner API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRow {
    pub id: String,
    pub source: String,
    pub label: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Failed sign-ins counted under one key (a hash of name and client, or of the client).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInFailures {
    pub key: String,
    pub failures: i64,
}

/// An account as the table holds it; [`UserRow`] once its areas are split.
#[derive(sqlx::FromRow)]
struct StoredUser {
    name: String,
    display_name: String,
    role: String,
    source: String,
    areas: String,
}

impl From<StoredUser> for UserRow {
    fn from(row: StoredUser) -> Self {
        Self {
            name: row.name,
            display_name: row.display_name,
            role: row.role,
            source: row.source,
            areas: row
                .areas
                .split(',')
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }
}

/// An account with a secret beside it (its password hash, or a session's CSRF token).
#[derive(sqlx::FromRow)]
struct UserWith {
    #[sqlx(flatten)]
    user: StoredUser,
    secret: String,
}

/// A stored RFC 3339 time.
fn parse_time(text: &str, column: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{column}: geen geldige tijd in de database"))
}

/// An API token as the table holds it; [`ApiTokenRow`] once its times are parsed.
#[derive(sqlx::FromRow)]
struct StoredToken {
    id: String,
    source: String,
    label: String,
    created_by: String,
    created_at: String,
    revoked_at: Option<String>,
}

impl TryFrom<StoredToken> for ApiTokenRow {
    type Error = anyhow::Error;

    fn try_from(row: StoredToken) -> anyhow::Result<Self> {
        Ok(Self {
            created_at: parse_time(&row.created_at, "created_at")?,
            revoked_at: row
                .revoked_at
                .map(|t| parse_time(&t, "revoked_at"))
                .transpose()?,
            id: row.id,
            source: row.source,
            label: row.label,
            created_by: row.created_by,
        })
    }
}

impl Store {
    /// Stores a new active account; `false` when the name is taken.
    pub async fn insert_user(&self, user: &NewUserRow<'_>) -> anyhow::Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO users (name, display_name, role, source, areas, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (name) DO NOTHING",
        )
        .bind(user.name)
        .bind(user.display_name)
        .bind(user.role)
        .bind(user.source)
        .bind(user.areas.join(","))
        .bind(user.password_hash)
        .bind(Utc::now().to_rfc3339())
        .execute(self.pool())
        .await
        .context("gebruiker opslaan")?
        .rows_affected();
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
        let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&mut *tx)
            .await
            .context("wachtwoord opslaan")?
            .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_name = $1 AND token_hash <> $2")
            .bind(name)
            .bind(keep.unwrap_or_default())
            .execute(&mut *tx)
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
        let row = sqlx::query_as::<_, UserWith>(
            "SELECT name, display_name, role, source, areas, password_hash AS secret FROM users \
             WHERE name = $1 AND active = 1",
        )
        .bind(name)
        .fetch_optional(self.pool())
        .await
        .context("gebruiker lezen")?;
        Ok(row.map(|row| (row.user.into(), row.secret)))
    }

    /// The active accounts, by name.
    pub async fn users(&self) -> anyhow::Result<Vec<UserRow>> {
        let rows = sqlx::query_as::<_, StoredUser>(
            "SELECT name, display_name, role, source, areas FROM users WHERE active = 1 ORDER BY name",
        )
        .fetch_all(self.pool())
        .await
        .context("gebruikers lezen")?;
        Ok(rows.into_iter().map(UserRow::from).collect())
    }

    /// Stores a session, clearing sessions past their end or unused since `idle_since`.
    pub async fn create_session(
        &self,
        session: &NewSession<'_>,
        idle_since: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let now = Utc::now();
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2")
            .bind(now.to_rfc3339())
            .bind(idle_since.timestamp())
            .execute(self.pool())
            .await
            .context("verlopen sessies opruimen")?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at, last_seen) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.token_hash)
        .bind(session.user)
        .bind(session.csrf)
        .bind(now.to_rfc3339())
        .bind(session.expires_at.to_rfc3339())
        .bind(now.timestamp())
        .execute(self.pool())
        .await
        .context("sessie opslaan")?;
        Ok(())
    }

    /// The account and CSRF token of a live session (not past its end, used since
    /// `idle_since`, of an active account); its last use moves on, at most once a minute.
    pub async fn live_session(
        &self,
        token_hash: &str,
        idle_since: DateTime<Utc>,
    ) -> anyhow::Result<Option<(UserRow, String)>> {
        let now = Utc::now();
        let row = sqlx::query_as::<_, UserWith>(
            "SELECT u.name, u.display_name, u.role, u.source, u.areas, s.csrf AS secret \
             FROM sessions s JOIN users u ON u.name = s.user_name \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.active = 1",
        )
        .bind(token_hash)
        .bind(now.to_rfc3339())
        .bind(idle_since.timestamp())
        .fetch_optional(self.pool())
        .await
        .context("sessie lezen")?;
        let Some(row) = row else {
            return Ok(None);
        };
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $3")
            .bind(now.timestamp())
            .bind(token_hash)
            .bind(now.timestamp() - 60)
            .execute(self.pool())
            .await
            .context("sessie bijwerken")?;
        Ok(Some((row.user.into(), row.secret)))
    }

    pub async fn end_session(&self, token_hash: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await
            .context("sessie beëindigen")?;
        Ok(())
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
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, source, label, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(source)
        .bind(label)
        .bind(by)
        .bind(Utc::now().to_rfc3339())
        .execute(self.pool())
        .await
        .context("token opslaan")?;
        Ok(())
    }

    /// Revokes a live token; `false` when there is none with this id.
    pub async fn revoke_api_token(&self, id: &str) -> anyhow::Result<bool> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(Utc::now().to_rfc3339())
        .bind(id)
        .execute(self.pool())
        .await
        .context("token intrekken")?;
        Ok(done.rows_affected() > 0)
    }

    /// Every API token, newest first.
    pub async fn api_tokens(&self) -> anyhow::Result<Vec<ApiTokenRow>> {
        let rows = sqlx::query_as::<_, StoredToken>(
            "SELECT id, source, label, created_by, created_at, revoked_at FROM api_tokens \
             ORDER BY created_at DESC",
        )
        .fetch_all(self.pool())
        .await
        .context("tokens lezen")?;
        rows.into_iter().map(ApiTokenRow::try_from).collect()
    }

    /// The source a live (not revoked) API token submits as.
    pub async fn api_token_source(&self, token_hash: &str) -> anyhow::Result<Option<String>> {
        sqlx::query_scalar(
            "SELECT source FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
        .context("token controleren")
    }

    /// The failures counted under `keys` in windows that started after `since` (Unix seconds).
    pub async fn sign_in_failures(
        &self,
        keys: [&str; 2],
        since: i64,
    ) -> anyhow::Result<Vec<SignInFailures>> {
        sqlx::query_as(
            "SELECT key, failures FROM sign_in_failures \
             WHERE key IN ($1, $2) AND window_start > $3",
        )
        .bind(keys[0])
        .bind(keys[1])
        .bind(since)
        .fetch_all(self.pool())
        .await
        .context("mislukte inlogpogingen lezen")
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
        sqlx::query("DELETE FROM sign_in_failures WHERE window_start <= $1")
            .bind(expired)
            .execute(self.pool())
            .await
            .context("oude inlogpogingen opruimen")?;
        let mut tx = self.pool().begin().await.context("transactie")?;
        for key in keys {
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

    pub async fn clear_sign_in_failures(&self, key: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await
            .context("inlogpogingen wissen")?;
        Ok(())
    }
}
