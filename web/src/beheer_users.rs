//! Beheer of one account: its own page (`/beheer/gebruikers/{naam}`) with a new role, source
//! and wijken, a password reset (a temporary password shown once, to be changed at the next
//! sign-in), deactivating and reactivating, and unlocking the name after failed sign-ins.
//! A beheerder cannot deactivate their own account or take away their own beheer role (the
//! last way in). Every change is a post/redirect/get and is recorded in the processing log.

use crate::accounts::{accounts, area_keys, Account};
use crate::beheer::{audit, reveal_redirect, role_choices, take_once, Reveal, RoleChoice};
use crate::error::WebError;
use crate::extract::{Admins, Confirm, CsrfForm, SignedIn};
use crate::render::with_status;
use crate::{flash, WebState};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::CookieJar;
use knooppunt_reports::review::Role;
use knooppunt_store::account_admin::RoleChange;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// One account's page and what beheer changes on it.
pub(crate) fn routes() -> Router<WebState> {
    let account = |tail: &str| format!("/beheer/gebruikers/{{naam}}{tail}");
    Router::new()
        .route(&account(""), get(account_page))
        .route(&account("/rol"), post(change_role))
        .route(&account("/wachtwoord"), post(reset_password))
        .route(&account("/deactiveren"), post(set_active::<false>))
        .route(&account("/activeren"), post(set_active::<true>))
        .route(&account("/deblokkeren"), post(unlock))
}

#[derive(Serialize)]
struct AccountPage {
    account: Account,
    role_label: &'static str,
    areas_text: String,
    roles: Vec<RoleChoice>,
    locked: bool,
    own: bool,
    error: Option<String>,
    notice: Option<String>,
    reveal: Option<Reveal>,
}

async fn account(state: &WebState, name: &str) -> Result<Account, WebError> {
    accounts(&state.store)
        .await?
        .into_iter()
        .find(|a| a.user.name == name)
        .ok_or(WebError::NotFound("Deze gebruiker bestaat niet."))
}

async fn account_view(
    me: &SignedIn<Admins>,
    name: &str,
    error: Option<String>,
    notice: Option<String>,
    reveal: Option<Reveal>,
) -> Result<Response, WebError> {
    let account = account(&me.state, name).await?;
    let locked = !me.state.throttle.locked(&[name]).await?.is_empty();
    let data = AccountPage {
        role_label: account.user.role.label(),
        areas_text: account.user.areas.join(", "),
        roles: role_choices(account.user.role.as_str()),
        own: account.user.name == me.user.name,
        account,
        locked,
        error,
        notice,
        reveal,
    };
    let title = format!("Gebruiker {name}");
    me.page("beheer_gebruiker", &title, &data)
}

fn back(me: &SignedIn<Admins>, name: &str, code: &str) -> Response {
    flash::redirect(
        &format!("beheer:{code}"),
        &format!("/beheer/gebruikers/{name}"),
        me.state.secure_cookies,
    )
}

async fn refused(me: &SignedIn<Admins>, name: &str, error: String) -> Result<Response, WebError> {
    let page = account_view(me, name, Some(error), None, None).await;
    with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

pub(crate) async fn account_page(
    me: SignedIn<Admins>,
    Path(name): Path<String>,
    jar: CookieJar,
) -> Result<Response, WebError> {
    let (jar, reveal, notice) = take_once(jar);
    let page = account_view(&me, &name, None, notice, reveal).await?;
    Ok((jar, page).into_response())
}

/// What an account may do: its role, its source (teams and partners) and its wijken.
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub(crate) struct RoleForm {
    #[serde(rename = "rol")]
    pub(crate) role: String,
    #[serde(rename = "bron")]
    pub(crate) source: String,
    #[serde(rename = "wijken")]
    pub(crate) areas: String,
}

pub(crate) async fn change_role(
    me: SignedIn<Admins>,
    Path(name): Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, WebError> {
    account(&me.state, &name).await?;
    let Some(role) = Role::parse(&form.role) else {
        return refused(&me, &name, "Rol: kies een rol".into()).await;
    };
    if name == me.user.name && role != Role::Admin {
        let text =
            "Rol: u kunt uw eigen beheerrol niet afnemen; laat een andere beheerder dat doen";
        return refused(&me, &name, text.into()).await;
    }
    let source = form.source.trim();
    if role == Role::Submitter && source.is_empty() {
        let text = "Bron: een indiener hoort bij een team of partner (bron)";
        return refused(&me, &name, text.into()).await;
    }
    let areas = match area_keys(&form.areas) {
        Ok(areas) => areas,
        Err(error) => return refused(&me, &name, crate::accounts::dutch_fields(&error)).await,
    };
    let change = RoleChange {
        role: role.as_str(),
        source,
        areas: &areas,
    };
    if !me.state.store.change_user_role(&name, &change).await? {
        return Err(WebError::NotFound("Deze gebruiker bestaat niet."));
    }
    tracing::info!(
        role = role.as_str(),
        areas = areas.len(),
        "Account role changed"
    );
    let attributes = json!({
        "change": "rol-wijzigen", "account": name, "role": role.as_str(), "areas": areas.len(),
    });
    audit(&me, attributes).await?;
    Ok(back(&me, &name, "rol-gewijzigd"))
}

/// Deactivates (`ACTIVE` = false) or reactivates an account.
pub(crate) async fn set_active<const ACTIVE: bool>(
    me: SignedIn<Admins>,
    Path(name): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    account(&me.state, &name).await?;
    if !ACTIVE && name == me.user.name {
        let text = "Deactiveren: u kunt uw eigen account niet deactiveren";
        return refused(&me, &name, text.into()).await;
    }
    me.state.store.set_user_active(&name, ACTIVE).await?;
    let (change, code) = if ACTIVE {
        ("gebruiker-activeren", "geactiveerd")
    } else {
        ("gebruiker-deactiveren", "gedeactiveerd")
    };
    tracing::info!(change, "Account (de)activated");
    audit(&me, json!({"change": change, "account": name})).await?;
    Ok(back(&me, &name, code))
}

/// A temporary password: 100 random bits in five groups of five, easy to read out.
fn temporary_password() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    let chars: Vec<char> = hex.chars().take(25).collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub(crate) async fn reset_password(
    me: SignedIn<Admins>,
    Path(name): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    account(&me.state, &name).await?;
    if name == me.user.name {
        let text = "Wachtwoord: wijzig uw eigen wachtwoord via ‘Wachtwoord wijzigen’";
        return refused(&me, &name, text.into()).await;
    }
    let password = temporary_password();
    let hash = crate::accounts::hash_password(&password).await?;
    if !me.state.store.reset_password_hash(&name, &hash).await? {
        return Err(WebError::NotFound("Deze gebruiker bestaat niet."));
    }
    tracing::info!("Password reset by beheer; sessions ended");
    audit(
        &me,
        json!({"change": "wachtwoord-resetten", "account": name}),
    )
    .await?;
    Ok(reveal_redirect(
        &me.state,
        &format!("/beheer/gebruikers/{name}"),
        "beheer:wachtwoord-gereset",
        ("wachtwoord", &name, &password),
    ))
}

pub(crate) async fn unlock(
    me: SignedIn<Admins>,
    Path(name): Path<String>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Result<Response, WebError> {
    account(&me.state, &name).await?;
    let cleared = me.state.throttle.unlock(&name).await?;
    tracing::info!(cleared, "Name unlocked");
    audit(
        &me,
        json!({"change": "naam-deblokkeren", "account": name, "windows": cleared}),
    )
    .await?;
    let code = if cleared > 0 {
        "gedeblokkeerd"
    } else {
        "niet-geblokkeerd"
    };
    Ok(back(&me, &name, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_form_fields_and_temporary_passwords_pass_the_policy() {
        assert_eq!(
            crate::accounts::dutch_fields(
                "naam: gebruiker x bestaat al; wachtwoord: minstens 12 tekens"
            ),
            "Gebruikersnaam: gebruiker x bestaat al; Wachtwoord: minstens 12 tekens"
        );
        let password = temporary_password();
        assert_eq!(password.len(), 29, "{password}");
        assert!(crate::passwords::check(&password, "iemand").is_ok());
        assert_ne!(password, temporary_password());
    }
}
