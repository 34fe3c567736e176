//! Accounts, sign-in sessions and partner API tokens.
//!
//! Passwords are hashed with Argon2id (PHC strings, per-password salt). Session and API
//! tokens are 244 random bits (two UUIDv4) shown once; the database keeps only their SHA-256,
//! which is enough for secrets of that entropy and lets a lookup use the index.

use anyhow::Context;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{Duration, Utc};
use knooppunt_reports::review::Role;
use knooppunt_rules::store::Store;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// A signed-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    /// For an indiener: the source (team or partner) they submit as.
    pub source: String,
    /// For an overleg member: the area keys they review; empty = every area.
    pub areas: Vec<String>,
}

impl User {
    /// Whether this account may see clusters of `area_key`.
    pub fn covers_area(&self, area_key: &str) -> bool {
        self.areas.is_empty() || self.areas.iter().any(|a| a == area_key)
    }
}

/// A new account, as `knooppunt user add` or the admin page creates it.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub source: &'a str,
    pub areas: &'a str,
    pub password: &'a str,
}

pub use super::passwords::{MAX_PASSWORD, MIN_PASSWORD};

/// Longest account name (also: longer names typed at sign-in are refused before any lookup).
pub const MAX_NAME: usize = 64;

/// Argon2 runs at most this many at a time (each takes 19 MiB and tens of milliseconds of CPU
/// on purpose); further sign-ins wait for a slot instead of piling up threads.
static ARGON2_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Hashes a password with Argon2id on a blocking thread (the async workers keep serving
/// meanwhile).
pub async fn hash_password(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    let _slot = ARGON2_SLOTS.acquire().await.context("Argon2")?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("wachtwoord versleutelen mislukt: {e}"))
    })
    .await
    .context("wachtwoord versleutelen")?
}

/// Whether `password` matches the stored Argon2 `hash`, checked on a blocking thread.
async fn password_matches(password: &str, hash: String) -> anyhow::Result<bool> {
    let password = password.to_string();
    let _slot = ARGON2_SLOTS.acquire().await.context("Argon2")?;
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| anyhow::anyhow!("opgeslagen wachtwoord onleesbaar: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("wachtwoord controleren")?
}

fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random secret: 244 bits from the OS generator.
pub fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Checks a new account; the errors name the field, in Dutch.
pub fn validate_new_user(user: &NewUser<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    let name_ok = !user.name.is_empty()
        && user.name.len() <= MAX_NAME
        && user
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !name_ok {
        errors.push("naam: 1 tot 64 tekens, alleen letters, cijfers en . - _ @".to_string());
    }
    if user.display_name.trim().is_empty() {
        errors.push("weergavenaam: vul een naam in".into());
    }
    if let Err(error) = super::passwords::check(user.password, user.name) {
        errors.push(error);
    }
    if user.role == Role::Indiener && user.source.trim().is_empty() {
        errors.push("bron: een indiener hoort bij een team of partner (bron)".into());
    }
    errors
}

/// Sets a new password for an existing account and ends its sessions, except `keep` (the
/// session of the user who changed their own password); `false` when there is no such account.
pub async fn set_password(
    store: &Store,
    name: &str,
    password: &str,
    keep: Option<&str>,
) -> anyhow::Result<bool> {
    if let Err(error) = super::passwords::check(password, name) {
        anyhow::bail!("{error}");
    }
    let hash = hash_password(password).await?;
    let mut tx = store.pool().begin().await.context("transactie")?;
    let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
        .bind(hash)
        .bind(name)
        .execute(&mut *tx)
        .await
        .context("wachtwoord opslaan")?
        .rows_affected();
    sqlx::query("DELETE FROM sessions WHERE user_name = $1 AND token_hash <> $2")
        .bind(name)
        .bind(keep.map(sha256_hex).unwrap_or_default())
        .execute(&mut *tx)
        .await
        .context("andere sessies beëindigen")?;
    tx.commit().await.context("wachtwoord opslaan")?;
    Ok(updated > 0)
}

pub async fn create_user(store: &Store, user: &NewUser<'_>) -> anyhow::Result<()> {
    let errors = validate_new_user(user);
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("; "));
    }
    let hash = hash_password(user.password).await?;
    let areas: Vec<String> = user
        .areas
        .split(',')
        .map(knooppunt_ingest::envelope::partition_key)
        .filter(|a| !a.is_empty())
        .collect();
    let inserted = sqlx::query(
        "INSERT INTO users (name, display_name, role, source, areas, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (name) DO NOTHING",
    )
    .bind(user.name)
    .bind(user.display_name.trim())
    .bind(user.role.as_str())
    .bind(user.source.trim())
    .bind(areas.join(","))
    .bind(hash)
    .bind(Utc::now().to_rfc3339())
    .execute(store.pool())
    .await
    .context("gebruiker opslaan")?
    .rows_affected();
    if inserted == 0 {
        anyhow::bail!("naam: gebruiker {} bestaat al", user.name);
    }
    Ok(())
}

fn user_from_row(row: &sqlx::any::AnyRow) -> anyhow::Result<User> {
    let role: String = row.try_get("role")?;
    let areas: String = row.try_get("areas")?;
    Ok(User {
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).with_context(|| format!("onbekende rol {role}"))?,
        source: row.try_get("source")?,
        areas: areas
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// The account, when the name and password match an active account.
pub async fn verify_password(
    store: &Store,
    name: &str,
    password: &str,
) -> anyhow::Result<Option<User>> {
    let row = sqlx::query(
        "SELECT name, display_name, role, source, areas, password_hash FROM users \
         WHERE name = $1 AND active = 1",
    )
    .bind(name)
    .fetch_optional(store.pool())
    .await
    .context("gebruiker lezen")?;
    let Some(row) = row else {
        // Same work as a wrong password, so a name cannot be probed by timing.
        let _ = hash_password(password).await;
        return Ok(None);
    };
    let hash: String = row.try_get("password_hash")?;
    if !password_matches(password, hash).await? {
        return Ok(None);
    }
    user_from_row(&row).map(Some)
}

pub async fn users(store: &Store) -> anyhow::Result<Vec<User>> {
    let rows = sqlx::query(
        "SELECT name, display_name, role, source, areas FROM users WHERE active = 1 ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .context("gebruikers lezen")?;
    rows.iter().map(user_from_row).collect()
}

/// A session: the cookie's token (returned once) and its CSRF token.
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// How long a session lasts at most, and how long it may sit unused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLimits {
    pub lifetime: Duration,
    pub idle: Duration,
}

pub async fn create_session(
    store: &Store,
    user: &str,
    limits: SessionLimits,
) -> anyhow::Result<NewSession> {
    let token = random_token("");
    let csrf = random_token("");
    let now = Utc::now();
    // Expired and idle sessions are of no use to anyone: clear them on the way.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen <= $2")
        .bind(now.to_rfc3339())
        .bind((now - limits.idle).timestamp())
        .execute(store.pool())
        .await
        .context("verlopen sessies opruimen")?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at, last_seen) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(sha256_hex(&token))
    .bind(user)
    .bind(&csrf)
    .bind(now.to_rfc3339())
    .bind((now + limits.lifetime).to_rfc3339())
    .bind(now.timestamp())
    .execute(store.pool())
    .await
    .context("sessie opslaan")?;
    Ok(NewSession { token, csrf })
}

/// The account and CSRF token of a live session: not past its lifetime, and used within the
/// idle time (each use, at most once a minute, moves its last use on).
pub async fn session(
    store: &Store,
    token: &str,
    idle: Duration,
) -> anyhow::Result<Option<(User, String)>> {
    let now = Utc::now();
    let hash = sha256_hex(token);
    let row = sqlx::query(
        "SELECT u.name, u.display_name, u.role, u.source, u.areas, s.csrf FROM sessions s \
         JOIN users u ON u.name = s.user_name \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.active = 1",
    )
    .bind(&hash)
    .bind(now.to_rfc3339())
    .bind((now - idle).timestamp())
    .fetch_optional(store.pool())
    .await
    .context("sessie lezen")?;
    let Some(row) = row else {
        return Ok(None);
    };
    sqlx::query("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2 AND last_seen < $3")
        .bind(now.timestamp())
        .bind(&hash)
        .bind(now.timestamp() - 60)
        .execute(store.pool())
        .await
        .context("sessie bijwerken")?;
    Ok(Some((user_from_row(&row)?, row.try_get("csrf")?)))
}

pub async fn end_session(store: &Store, token: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(sha256_hex(token))
        .execute(store.pool())
        .await
        .context("sessie beëindigen")?;
    Ok(())
}

/// A partner API token as the admin page lists it (never the token itself).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub source: String,
    pub label: String,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Creates a partner API token; returns (id, token). The token is shown once.
pub async fn create_api_token(
    store: &Store,
    source: &str,
    label: &str,
    by: &str,
) -> anyhow::Result<(String, String)> {
    if source.trim().is_empty() {
        anyhow::bail!("bron: vul de bron (team of partner) van het token in");
    }
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    let token = random_token("kp_");
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, source, label, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(sha256_hex(&token))
    .bind(source.trim())
    .bind(label.trim())
    .bind(by)
    .bind(Utc::now().to_rfc3339())
    .execute(store.pool())
    .await
    .context("token opslaan")?;
    Ok((id, token))
}

pub async fn revoke_api_token(store: &Store, id: &str) -> anyhow::Result<bool> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(Utc::now().to_rfc3339())
            .bind(id)
            .execute(store.pool())
            .await
            .context("token intrekken")?;
    Ok(done.rows_affected() > 0)
}

pub async fn api_tokens(store: &Store) -> anyhow::Result<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT id, source, label, created_by, created_at, revoked_at FROM api_tokens \
         ORDER BY created_at DESC",
    )
    .fetch_all(store.pool())
    .await
    .context("tokens lezen")?;
    rows.iter()
        .map(|row| {
            Ok(ApiToken {
                id: row.try_get("id")?,
                source: row.try_get("source")?,
                label: row.try_get("label")?,
                created_by: row.try_get("created_by")?,
                created_at: row.try_get("created_at")?,
                revoked_at: row.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// The source a live (not revoked) API token submits as.
pub async fn api_token_source(store: &Store, token: &str) -> anyhow::Result<Option<String>> {
    let row =
        sqlx::query("SELECT source FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(sha256_hex(token))
            .fetch_optional(store.pool())
            .await
            .context("token controleren")?;
    Ok(row.map(|r| r.try_get("source")).transpose()?)
}
