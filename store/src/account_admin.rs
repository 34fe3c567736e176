//! What a beheerder changes on accounts: every account (active or not) as listed, activating
//! and deactivating, a new role and wijken, a password reset that must be changed at the next
//! sign-in, and unlocking a name the sign-in throttle holds (its failures under a name key,
//! the SHA-256 the throttle computes).

use crate::accounts::UserRow;
use crate::Store;
use anyhow::Context;

/// An account as the beheer page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub user: UserRow,
    pub active: bool,
    /// A beheerder reset the password; it must be changed at the next sign-in.
    pub must_change_password: bool,
}

#[derive(sqlx::FromRow)]
struct StoredAccount {
    name: String,
    display_name: String,
    role: String,
    source: String,
    areas: String,
    active: i64,
    must_change_password: i64,
}

impl From<StoredAccount> for AccountRow {
    fn from(row: StoredAccount) -> Self {
        Self {
            user: UserRow {
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
            },
            active: row.active != 0,
            must_change_password: row.must_change_password != 0,
        }
    }
}

/// A new role for an account: the role word, the source (an indiener's) and the area keys.
#[derive(Debug, Clone)]
pub struct RoleChange<'a> {
    pub role: &'a str,
    pub source: &'a str,
    pub areas: &'a [String],
}

/// Ends every session of an account, inside the change's transaction.
async fn end_sessions(conn: &mut sqlx::AnyConnection, name: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_name = $1")
        .bind(name)
        .execute(conn)
        .await
        .context("sessies beëindigen")?;
    Ok(())
}

impl Store {
    /// Every account, active or not, by name.
    pub async fn accounts(&self) -> anyhow::Result<Vec<AccountRow>> {
        let rows = sqlx::query_as::<_, StoredAccount>(
            "SELECT name, display_name, role, source, areas, active, must_change_password \
             FROM users ORDER BY name",
        )
        .fetch_all(self.pool())
        .await
        .context("gebruikers lezen")?;
        Ok(rows.into_iter().map(AccountRow::from).collect())
    }

    /// Activates or deactivates an account; deactivating ends its sessions. `false` when there
    /// is no such account or it already was so.
    pub async fn set_user_active(&self, name: &str, active: bool) -> anyhow::Result<bool> {
        let mut tx = self.pool().begin().await.context("transactie starten")?;
        let changed = sqlx::query("UPDATE users SET active = $1 WHERE name = $2 AND active <> $1")
            .bind(i64::from(active))
            .bind(name)
            .execute(&mut *tx)
            .await
            .context("gebruiker (de)activeren")?
            .rows_affected();
        if !active {
            end_sessions(&mut tx, name).await?;
        }
        tx.commit().await.context("gebruiker (de)activeren")?;
        Ok(changed > 0)
    }

    /// Gives an account a new role, source and wijken; `false` when there is no such account.
    pub async fn change_user_role(
        &self,
        name: &str,
        change: &RoleChange<'_>,
    ) -> anyhow::Result<bool> {
        let changed =
            sqlx::query("UPDATE users SET role = $1, source = $2, areas = $3 WHERE name = $4")
                .bind(change.role)
                .bind(change.source)
                .bind(change.areas.join(","))
                .bind(name)
                .execute(self.pool())
                .await
                .context("rol en wijken opslaan")?
                .rows_affected();
        Ok(changed > 0)
    }

    /// A beheerder's password reset: the new hash, to be changed at the next sign-in; every
    /// session of the account ends. `false` when there is no such account.
    pub async fn reset_password_hash(&self, name: &str, hash: &str) -> anyhow::Result<bool> {
        let mut tx = self.pool().begin().await.context("transactie starten")?;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = 1 WHERE name = $2",
        )
        .bind(hash)
        .bind(name)
        .execute(&mut *tx)
        .await
        .context("wachtwoord opnieuw instellen")?
        .rows_affected();
        end_sessions(&mut tx, name).await?;
        tx.commit().await.context("wachtwoord opnieuw instellen")?;
        Ok(changed > 0)
    }

    /// Whether the account must change its password before anything else.
    pub async fn password_change_due(&self, name: &str) -> anyhow::Result<bool> {
        let due: Option<i64> =
            sqlx::query_scalar("SELECT must_change_password FROM users WHERE name = $1")
                .bind(name)
                .fetch_optional(self.pool())
                .await
                .context("gebruiker lezen")?;
        Ok(due.unwrap_or(0) != 0)
    }

    /// The account changed its own password: no change is due any more.
    pub async fn clear_password_change(&self, name: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE users SET must_change_password = 0 WHERE name = $1")
            .bind(name)
            .execute(self.pool())
            .await
            .context("gebruiker bijwerken")?;
        Ok(())
    }

    /// Marks the failure row `key` as one of the name whose key is `name_key`.
    pub async fn tag_sign_in_failure(&self, key: &str, name_key: &str) -> anyhow::Result<()> {
        sqlx::query("UPDATE sign_in_failures SET name_key = $1 WHERE key = $2")
            .bind(name_key)
            .bind(key)
            .execute(self.pool())
            .await
            .context("mislukte inlogpoging bijwerken")?;
        Ok(())
    }

    /// The name keys with at least `failures` failures from one client in a window that
    /// started after `since` (Unix seconds): the names the throttle holds somewhere.
    pub async fn locked_name_keys(&self, failures: i64, since: i64) -> anyhow::Result<Vec<String>> {
        sqlx::query_scalar(
            "SELECT DISTINCT name_key FROM sign_in_failures \
             WHERE name_key <> '' AND failures >= $1 AND window_start > $2",
        )
        .bind(failures)
        .bind(since)
        .fetch_all(self.pool())
        .await
        .context("geblokkeerde namen lezen")
    }

    /// Forgets every failure counted for the name whose key is `name_key`, from any client;
    /// returns how many rows went.
    pub async fn unlock_name(&self, name_key: &str) -> anyhow::Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE name_key = $1")
            .bind(name_key)
            .execute(self.pool())
            .await
            .context("naam deblokkeren")?;
        Ok(done.rows_affected())
    }
}
