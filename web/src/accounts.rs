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
use knooppunt_store::accounts::{NewSession as StoredSession, NewUserRow, UserRow};
use knooppunt_store::Store;
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    /// Whether this account may see clusters and signals of `area_key`.
    /// The same as [`User::covered_area_keys`] containing `area_key`, with a register lookup
    /// per wijk of the account instead of a walk through the register (once per cluster on a
    /// page).
    pub fn covers_area(&self, area_key: &str) -> bool {
        use knooppunt_domain::envelope::partition_key;
        if self.sees_every_wijk() || self.areas.iter().any(|a| a == area_key) {
            return true;
        }
        let register = knooppunt_domain::register::active();
        // A buurt of one of the account's wijken, or the wijk of one of its buurten.
        self.areas
            .contains(&partition_key(register.cluster_area(area_key)))
            || self
                .areas
                .iter()
                .any(|a| partition_key(register.cluster_area(a)) == area_key)
    }

    /// The area keys of this account's wijken and of their buurten in the process's register:
    /// a signal keeps the buurt a team chose, and its cluster is the wijk's
    /// ([`knooppunt_domain::register::Register::cluster_area`]); for a buurt the account was
    /// given, also its wijk's. Empty: every area.
    pub fn covered_area_keys(&self) -> Vec<String> {
        use knooppunt_domain::envelope::partition_key;
        use knooppunt_domain::register::AreaKind;
        let mut keys = self.areas.clone();
        let register = knooppunt_domain::register::active();
        // A member given a buurt reviews its wijk's clusters: a cluster is the wijk's.
        for area in &self.areas {
            let wijk = partition_key(register.cluster_area(area));
            if !keys.contains(&wijk) {
                keys.push(wijk);
            }
        }
        for area in register.areas() {
            let Some(wijk) = area
                .wijk
                .as_deref()
                .filter(|_| area.kind == AreaKind::Buurt)
            else {
                continue;
            };
            let buurt = partition_key(&area.name);
            if self.areas.contains(&partition_key(wijk)) && !keys.contains(&buurt) {
                keys.push(buurt);
            }
        }
        keys
    }

    /// Whether this account is restricted to no wijken: what covers every wijk (the
    /// decisions list, the brief, the monthly overview) is theirs to record or publish.
    pub fn sees_every_wijk(&self) -> bool {
        self.areas.is_empty()
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
    if user.role == Role::Submitter && user.source.trim().is_empty() {
        errors.push("bron: een indiener hoort bij een team of partner (bron)".into());
    }
    if let Err(error) = area_keys(user.areas) {
        errors.push(error);
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
    let keep = keep.map(sha256_hex);
    store.set_password_hash(name, &hash, keep.as_deref()).await
}

/// The wijken an account is limited to, typed as a comma-separated list of names, aliases or
/// CBS codes from the register of areas: the keys of the names signals are stored under (none:
/// every wijk), or a Dutch refusal on `wijken` naming the first one the register does not know
/// (a misspelt wijk would leave an overleg member with empty pages, silently).
pub fn area_keys(typed: &str) -> Result<Vec<String>, String> {
    let register = knooppunt_domain::register::active();
    let mut keys: Vec<String> = Vec::new();
    for part in typed.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let area = register
            .resolve_area(part)
            .map_err(|refusal| format!("wijken: ‘{part}’ is een {refusal}"))?;
        let key = knooppunt_domain::envelope::partition_key(&area.name);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

pub async fn create_user(store: &Store, user: &NewUser<'_>) -> anyhow::Result<()> {
    let errors = validate_new_user(user);
    if !errors.is_empty() {
        anyhow::bail!("{}", errors.join("; "));
    }
    let areas = area_keys(user.areas).map_err(|error| anyhow::anyhow!(error))?;
    let hash = hash_password(user.password).await?;
    let row = NewUserRow {
        name: user.name,
        display_name: user.display_name.trim(),
        role: user.role.as_str(),
        source: user.source.trim(),
        areas: &areas,
        password_hash: &hash,
    };
    if !store.insert_user(&row).await? {
        anyhow::bail!("naam: gebruiker {} bestaat al", user.name);
    }
    Ok(())
}

/// The account of a stored row: its role parsed (the one place a stored role is read).
fn user_of(row: UserRow) -> anyhow::Result<User> {
    Ok(User {
        role: Role::parse(&row.role).with_context(|| format!("onbekende rol {}", row.role))?,
        name: row.name,
        display_name: row.display_name,
        source: row.source,
        areas: row.areas,
    })
}

/// The account, when the name and password match an active account.
pub async fn verify_password(
    store: &Store,
    name: &str,
    password: &str,
) -> anyhow::Result<Option<User>> {
    let Some((row, hash)) = store.user_with_password(name).await? else {
        // Same work as a wrong password, so a name cannot be probed by timing.
        let _ = hash_password(password).await;
        return Ok(None);
    };
    if !password_matches(password, hash).await? {
        return Ok(None);
    }
    user_of(row).map(Some)
}

pub async fn users(store: &Store) -> anyhow::Result<Vec<User>> {
    store.users().await?.into_iter().map(user_of).collect()
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
    let csrf = csrf_of(&token);
    let now = Utc::now();
    let session = StoredSession {
        token_hash: &sha256_hex(&token),
        user,
        csrf: &sha256_hex(&csrf),
        expires_at: now + limits.lifetime,
    };
    // Expired and idle sessions are of no use to anyone: cleared on the way.
    store.create_session(&session, now - limits.idle).await?;
    Ok(NewSession { token, csrf })
}

/// The account and CSRF token of a live session: not past its lifetime, and used within the
/// idle time (each use, at most once a minute, moves its last use on).
pub async fn session(
    store: &Store,
    token: &str,
    idle: Duration,
) -> anyhow::Result<Option<LiveSession>> {
    let found = store
        .live_session(&sha256_hex(token), Utc::now() - idle)
        .await?;
    found
        .map(|live| {
            // A session stored before the form token was derived holds no hash of it: its
            // forms are refused as expired, and signing in again mends that.
            let csrf = csrf_of(token);
            let csrf = match sha256_hex(&csrf) == live.csrf {
                true => csrf,
                false => String::new(),
            };
            Ok(LiveSession {
                user: user_of(live.user)?,
                csrf,
                password_due: live.password_due,
            })
        })
        .transpose()
}

/// A session's form (CSRF) token, derived from the session's own secret: the database keeps
/// only hashes of both, so reading its file gives no one a token that a form would accept.
fn csrf_of(session_token: &str) -> String {
    sha256_hex(&format!("knooppunt-formulier\0{session_token}"))
}

/// A live session: who, the session's CSRF token, and whether a beheerder's reset means the
/// password must be changed first.
pub struct LiveSession {
    pub user: User,
    pub csrf: String,
    pub password_due: bool,
}

pub async fn end_session(store: &Store, token: &str) -> anyhow::Result<()> {
    store.end_session(&sha256_hex(token)).await
}

/// A partner API token as the admin page lists it (never the token itself).
pub use knooppunt_store::accounts::ApiTokenRow as ApiToken;

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
    store
        .insert_api_token(&id, &sha256_hex(&token), source.trim(), label.trim(), by)
        .await?;
    Ok((id, token))
}

pub async fn revoke_api_token(store: &Store, id: &str) -> anyhow::Result<bool> {
    store.revoke_api_token(id).await
}

pub async fn api_tokens(store: &Store) -> anyhow::Result<Vec<ApiToken>> {
    store.api_tokens().await
}

/// The source a live (not revoked) API token submits as.
pub async fn api_token_source(store: &Store, token: &str) -> anyhow::Result<Option<String>> {
    store.api_token_source(&sha256_hex(token)).await
}

/// An account with its standing, as beheer sees it.
#[derive(Serialize, Clone)]
pub(crate) struct Account {
    pub user: User,
    pub active: bool,
    pub must_change_password: bool,
}

/// Every account, active or not, by name.
pub(crate) async fn accounts(store: &Store) -> anyhow::Result<Vec<Account>> {
    store
        .accounts()
        .await?
        .into_iter()
        .map(|row| {
            let role = Role::parse(&row.user.role)
                .ok_or_else(|| anyhow::anyhow!("onbekende rol {}", row.user.role))?;
            Ok(Account {
                user: User {
                    name: row.user.name,
                    display_name: row.user.display_name,
                    role,
                    source: row.user.source,
                    areas: row.user.areas,
                },
                active: row.active,
                must_change_password: row.must_change_password,
            })
        })
        .collect()
}

/// An account's error text with its fields under their form labels ("naam: …" becomes
/// "Gebruikersnaam: …").
pub(crate) fn dutch_fields(text: &str) -> String {
    text.split("; ")
        .map(|part| {
            let Some((field, rest)) = part.split_once(": ") else {
                return part.to_string();
            };
            let label = match field {
                "naam" => "Gebruikersnaam",
                "weergavenaam" => "Weergavenaam",
                "wachtwoord" => "Wachtwoord",
                "bron" => "Bron",
                "rol" => "Rol",
                "wijken" => "Wijken",
                other => return format!("{other}: {rest}"),
            };
            format!("{label}: {rest}")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::{area_keys, User};
    use knooppunt_domain::review::Role;

    #[test]
    fn a_member_of_a_wijk_covers_its_buurten() {
        let member = User {
            name: "m".into(),
            display_name: "M".into(),
            role: Role::Reviewer,
            source: String::new(),
            areas: vec!["moerwijk".into()],
        };
        for covered in ["moerwijk", "moerwijk-zuid", "moerwijk-oost"] {
            assert!(member.covers_area(covered), "{covered}");
        }
        for other in ["laak", "schildersbuurt-noord", "escamp"] {
            assert!(!member.covers_area(other), "{other}");
        }
        let keys = member.covered_area_keys();
        assert_eq!(keys[0], "moerwijk");
        assert!(keys.contains(&"moerwijk-zuid".to_string()), "{keys:?}");
        let everyone = User {
            areas: vec![],
            ..member
        };
        assert!(everyone.covers_area("laak") && everyone.covered_area_keys().is_empty());
        // Given a buurt: its own signals and its wijk's clusters, not the other buurten's.
        let buurt = User {
            areas: vec!["moerwijk-zuid".into()],
            ..everyone
        };
        assert!(buurt.covers_area("moerwijk-zuid") && buurt.covers_area("moerwijk"));
        assert!(!buurt.covers_area("moerwijk-oost"));
    }

    #[test]
    fn wijken_are_read_from_the_register() {
        assert_eq!(area_keys(""), Ok(vec![]));
        assert_eq!(area_keys(" , "), Ok(vec![]));
        // Names, aliases and CBS codes become the key of the name signals are stored under;
        // a wijk typed twice counts once.
        let keys = area_keys("Laak, WK051838, laakkwartier, LAAK").expect("known wijken");
        assert_eq!(keys, vec!["laak", "laakkwartier en spoorwijk"]);
        let refusal = area_keys("Laak, Moerwyk").expect_err("a misspelt wijk");
        assert!(
            refusal.starts_with(
                "wijken: ‘Moerwyk’ is een onbekende wijk of buurt; bedoelt u 'Moerwijk'?"
            ),
            "{refusal}"
        );
    }
}
