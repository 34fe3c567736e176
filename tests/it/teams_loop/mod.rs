//! The teams' loop and beheer (issue 14): werkroutes in the store on both backends; over real
//! HTTP who may set a werkroute (only the overleg, a restricted member only in their wijken),
//! the werkroute on the form's confirmation once the knelpunt is confirmed, "Mijn signalen"
//! with its statuses, and every beheer action (beheer only, post/redirect/get, secrets shown
//! once, a forced password change, each change in the processing log); then the same in real
//! Chromium at desktop and phone width with screenshots and axe-core.

use crate::support::*;
use chrono::{Duration as Days, Utc};
use knooppunt_reports::review::Role;
use knooppunt_store::account_admin::RoleChange;
use knooppunt_store::accounts::NewUserRow;
use knooppunt_store::processing_log::Filter;
use knooppunt_store::Store;
use std::time::Duration;

const ROUTE: &str = "Bel het Sociaal Wijkteam Moerwijk en vraag naar de consulent inkomen: \
                     die regelt een toets op de kostendelersnorm binnen een week.";

// ---------------------------------------------------------------- the store, both backends

async fn werkroute_suite(store: &Store) {
    let at = Utc::now();
    assert!(store.werkroute("c1").await.unwrap().is_none());
    assert!(
        !store
            .set_werkroute("c1", None, "overleg", at, &[])
            .await
            .unwrap(),
        "nothing to remove"
    );
    let log = knooppunt_store::LogRow {
        trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
        span_id: "b7ad6b7169203331".into(),
        parent_span_id: String::new(),
        name: "beheer".into(),
        start_time: at,
        end_time: at,
        status: "ok".into(),
        actor: "overleg".into(),
        activity_id: "signaleringsoverleg".into(),
        attributes: serde_json::json!({"change": "werkroute-vastleggen", "cluster_id": "c1"}),
    };
    for text in ["Eerste route", "Tweede route"] {
        assert!(store
            .set_werkroute("c1", Some(text), "overleg", at, std::slice::from_ref(&log))
            .await
            .unwrap());
    }
    let route = store.werkroute("c1").await.unwrap().unwrap();
    assert_eq!(
        (route.text.as_str(), route.approved_by.as_str()),
        ("Tweede route", "overleg")
    );
    assert_eq!(route.approved_at.timestamp(), at.timestamp());
    assert!(store
        .set_werkroute("c1", None, "overleg2", at, &[])
        .await
        .unwrap());
    assert!(store.werkroute("c1").await.unwrap().is_none());
    let changes = store.werkroute_changes("c1").await.unwrap();
    let texts: Vec<Option<&str>> = changes.iter().map(|c| c.text.as_deref()).collect();
    assert_eq!(texts, [Some("Eerste route"), Some("Tweede route"), None]);
    assert_eq!(changes[2].changed_by, "overleg2");
    let logged = store
        .processing_log(&Filter {
            actor: Some("overleg".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(logged.len(), 2, "each change's record in its transaction");
}

async fn account_admin_suite(store: &Store) {
    let areas: Vec<String> = Vec::new();
    for name in ["anna", "bert"] {
        let row = NewUserRow {
            name,
            display_name: name,
            role: "indiener",
            source: "team-laak",
            areas: &areas,
            password_hash: "$argon2id$oud",
        };
        assert!(store.insert_user(&row).await.unwrap());
    }
    let session = knooppunt_store::accounts::NewSession {
        token_hash: "sessie-anna",
        user: "anna",
        csrf: "csrf",
        expires_at: Utc::now() + Days::hours(1),
    };
    let idle = Utc::now() - Days::minutes(30);
    store.create_session(&session, idle).await.unwrap();

    // Deactivated: gone from sign-in and its sessions ended; listed, and back when activated.
    assert!(store.set_user_active("anna", false).await.unwrap());
    assert!(!store.set_user_active("anna", false).await.unwrap());
    assert!(store.user_with_password("anna").await.unwrap().is_none());
    assert!(store
        .live_session("sessie-anna", idle)
        .await
        .unwrap()
        .is_none());
    let listed = store.accounts().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(!listed[0].active && listed[1].active);
    assert!(store.set_user_active("anna", true).await.unwrap());
    assert!(store.user_with_password("anna").await.unwrap().is_some());

    // A new role and wijken.
    let wijken = vec!["laak".to_string(), "moerwijk".to_string()];
    let change = RoleChange {
        role: "overleg",
        source: "",
        areas: &wijken,
    };
    assert!(store.change_user_role("bert", &change).await.unwrap());
    assert!(!store.change_user_role("niemand", &change).await.unwrap());
    let bert = store.user_with_password("bert").await.unwrap().unwrap().0;
    assert_eq!((bert.role.as_str(), bert.areas), ("overleg", wijken));

    // A reset: the new hash, a change due, every session ended; cleared once changed.
    store.create_session(&session, idle).await.unwrap();
    assert!(store
        .reset_password_hash("anna", "$argon2id$nieuw")
        .await
        .unwrap());
    assert!(store.password_change_due("anna").await.unwrap());
    assert!(!store.password_change_due("bert").await.unwrap());
    assert!(store
        .live_session("sessie-anna", idle)
        .await
        .unwrap()
        .is_none());
    let (_, hash) = store.user_with_password("anna").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$nieuw");
    store.clear_password_change("anna").await.unwrap();
    assert!(!store.password_change_due("anna").await.unwrap());
    assert!(!store.reset_password_hash("niemand", "x").await.unwrap());

    // Unlocking a name: its failure rows from every client go, the clients' totals stay.
    let now = Utc::now().timestamp();
    for (pair, client) in [("pair-1", "client-1"), ("pair-2", "client-2")] {
        for _ in 0..5 {
            store
                .add_sign_in_failure([pair, client], now, now - 900)
                .await
                .unwrap();
        }
        store.tag_sign_in_failure(pair, "naam-anna").await.unwrap();
    }
    assert_eq!(
        store.locked_name_keys(5, now - 900).await.unwrap(),
        ["naam-anna"]
    );
    assert!(store
        .locked_name_keys(6, now - 900)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.unlock_name("naam-anna").await.unwrap(), 2);
    assert!(store
        .locked_name_keys(1, now - 900)
        .await
        .unwrap()
        .is_empty());
    let totals = store
        .sign_in_failures(["client-1", "client-2"], now - 900)
        .await
        .unwrap();
    assert_eq!(totals.len(), 2, "the clients' own counts stay");
}

#[tokio::test]
async fn werkroutes_and_account_changes_on_sqlite() {
    let (_dir, store) = sqlite_store().await;
    werkroute_suite(&store).await;
    account_admin_suite(&store).await;
}

#[tokio::test]
async fn werkroutes_and_account_changes_on_postgres() {
    let store = pg_store().await;
    werkroute_suite(&store).await;
    account_admin_suite(&store).await;
}

// ---------------------------------------------------------------- over HTTP

/// A response's status, its `Location`, and the cookies it set (name=value).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) location: String,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: String,
}

pub(crate) async fn post_raw(client: &Client, path: &str, form: &[(&str, &str)]) -> Answer {
    let mut request = client
        .http
        .post(format!("{}{path}", client.base))
        .form(form);
    if let Some(cookie) = &client.cookie {
        request = request.header("cookie", cookie);
    }
    answer(request.send().await.unwrap()).await
}

/// A response as a test reads it: status, where it redirects, the cookies it sets, its text.
pub(crate) async fn answer(response: reqwest::Response) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let location = header("location");
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    Answer {
        status: response.status().as_u16(),
        location,
        cookies,
        body: response.text().await.unwrap(),
    }
}

/// Posts a form that answers with a redirect, then opens where it leads with the cookies it
/// set (its one-time message, a one-time secret); the page.
pub(crate) async fn post_then_get(client: &Client, path: &str, form: &[(&str, &str)]) -> String {
    let answer = post_raw(client, path, form).await;
    assert_eq!(answer.status, 303, "POST {path}: {}", answer.body);
    follow(client, &answer).await
}

/// The page a redirect leads to, with the cookies it set (a flash message).
pub(crate) async fn follow(client: &Client, answer: &Answer) -> String {
    let mut cookies = answer.cookies.clone();
    cookies.extend(client.cookie.clone());
    let response = client
        .http
        .get(format!("{}{}", client.base, answer.location))
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {}", answer.location);
    response.text().await.unwrap()
}

/// The processing log's `beheer` records with this change.
async fn logged(store: &Store, change: &str) -> usize {
    store
        .processing_log(&Filter {
            name: Some("beheer".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|e| e.record.attributes.get("change").and_then(|c| c.as_str()) == Some(change))
        .count()
}

/// The team submits `text` in Moerwijk through the form; the confirmation page.
async fn submit(team: &Client, text: &str) -> String {
    let csrf = team.csrf().await;
    let today = knooppunt_ingest::today_nl().to_string();
    let (status, page) = team
        .post(
            "/signalen",
            &[
                ("csrf", &csrf),
                ("stap", "versturen"),
                ("observed_on", &today),
                ("area", "Moerwijk"),
                ("text", text),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Het signaal is ontvangen"), "{page}");
    page
}

/// [`submit`], and the confirmation shows no werkroute.
async fn submit_without_route(team: &Client, text: &str) {
    let page = submit(team, text).await;
    assert!(!page.contains("Werkroute:"), "{page}");
}

async fn wait_signals(site: &Site, total: i64) {
    let store = site.store.clone();
    eventually("the signals to be stored", Duration::from_secs(30), || {
        let store = store.clone();
        async move { store.signal_count().await.unwrap() == total }
    })
    .await;
}

mod browser;
mod http;
