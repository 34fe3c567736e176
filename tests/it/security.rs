//! Issue 12, "Security", signing in: bounded names, the throttle (per name and client, per
//! client, in the database), login CSRF, signing out, the password policy and sessions.
//! The HTTP side (content types, headers, timeouts, operations listener, refusals) is in
//! `security_http.rs`. Every loop is bounded in count and every wait in time.

use crate::support::*;
use knooppunt_web::throttle::{Limits, Throttle, Verdict};

async fn failure_rows(store: &knooppunt_store::Store) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// Finding 1: a huge name is refused before anything is looked up or stored.
#[tokio::test]
async fn sign_in_names_beyond_any_account_are_refused_before_anything_is_stored() {
    let site = site().await;
    let http = no_redirects();
    for length in [65, 100_000] {
        let name = "a".repeat(length);
        let response = sign_in(&http, &site.base, &name, "iets", &[]).await;
        assert_eq!(response.status(), 401);
        let body = response.text().await.unwrap();
        assert!(body.contains("Naam of wachtwoord klopt niet"));
        assert!(!body.contains(&name), "the name is not echoed");
    }
    assert_eq!(failure_rows(&site.store).await, 0, "nothing was stored");
    // A normal failure is stored as two fixed-size hashed keys (pair and client).
    sign_in(&http, &site.base, "overleg", "fout wachtwoord", &[]).await;
    assert_eq!(failure_rows(&site.store).await, 2);
    site.app.stop().await;
}

fn behind_proxy(config: &mut knooppunt::config::Config) {
    config.web.client_ip_header = "X-Forwarded-For".into();
}

/// Finding 2: five wrong passwords from one client lock that client out of that name only;
/// the owner elsewhere signs in, also after a restart (the counts are in the database).
#[tokio::test]
async fn a_known_name_cannot_be_locked_out_for_its_owner_from_another_client() {
    let site = site_with(behind_proxy).await;
    let http = no_redirects();
    let attacker = [("x-forwarded-for", "203.0.113.9")];
    let owner = [("x-forwarded-for", "198.51.100.7")];
    for _ in 0..5 {
        let response = sign_in(
            &http,
            &site.base,
            "overleg",
            "geraden wachtwoord",
            &attacker,
        )
        .await;
        assert_eq!(response.status(), 401);
    }
    let locked = sign_in(&http, &site.base, "overleg", PASSWORD, &attacker).await;
    assert_eq!(
        locked.status(),
        429,
        "the attacker's client is locked for this name"
    );
    assert!(locked
        .text()
        .await
        .unwrap()
        .contains("Te veel mislukte pogingen"));
    let response = sign_in(&http, &site.base, "overleg", PASSWORD, &owner).await;
    assert_eq!(
        response.status(),
        303,
        "the owner signs in from their own computer"
    );

    // A restart forgets nothing.
    let Site {
        app,
        store,
        config,
        base: _,
        ..
    } = site;
    app.stop().await;
    let app = InProcess::start(&config, &store).await;
    let base = format!("http://{}", app.addr);
    let again = sign_in(&http, &base, "overleg", PASSWORD, &attacker).await;
    assert_eq!(again.status(), 429, "still locked after a restart");
    let response = sign_in(&http, &base, "overleg", PASSWORD, &owner).await;
    assert_eq!(response.status(), 303);
    app.stop().await;
}

/// Finding 2: spraying one password over many names from one client stops after 20 tries,
/// whatever the names; another client is not affected.
#[tokio::test]
async fn spraying_across_names_from_one_client_is_throttled() {
    let site = site_with(behind_proxy).await;
    let http = no_redirects();
    let sprayer = [("x-forwarded-for", "203.0.113.20")];
    for i in 0..20 {
        let response = sign_in(
            &http,
            &site.base,
            &format!("naam{i}"),
            "Welkom2026!",
            &sprayer,
        )
        .await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    let throttled = sign_in(&http, &site.base, "naam-nieuw", "Welkom2026!", &sprayer).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.text().await.unwrap().contains("vanaf dit adres"));
    let response = sign_in(&http, &site.base, "gemeente", PASSWORD, &sprayer).await;
    assert_eq!(
        response.status(),
        429,
        "the sprayer's client waits, whatever it tries"
    );
    let other = [("x-forwarded-for", "198.51.100.8")];
    let response = sign_in(&http, &site.base, "gemeente", PASSWORD, &other).await;
    assert_eq!(response.status(), 303);
    site.app.stop().await;
}

/// Finding 7: signing out works from an error page (which carries no CSRF token).
#[tokio::test]
async fn signing_out_works_from_an_error_page() {
    let site = site().await;
    let overleg = site.login("overleg").await;
    let page = overleg.page("/beheer", 403).await;
    assert!(page.contains("href=\"/uitloggen\""), "{page}");
    let page = overleg.page("/uitloggen", 200).await;
    let csrf = csrf_in(&page).expect("a sign-out form with the session's token");
    assert!(!csrf.is_empty());
    let (status, page) = overleg.post("/uitloggen", &[("csrf", "")]).await;
    assert_eq!(status, 403, "no token: asked to confirm");
    assert!(page.contains("Bevestig het uitloggen"));
    let (status, _) = overleg.post("/uitloggen", &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    let (status, _) = overleg.get("/agenda").await;
    assert_eq!(status, 303, "the session has ended");
    site.app.stop().await;
}

/// Finding 7: a sign-in without the form's own token (login CSRF) is refused.
#[tokio::test]
async fn signing_in_needs_the_forms_own_token() {
    let site = site().await;
    let http = no_redirects();
    for form in [
        vec![("naam", "overleg"), ("wachtwoord", PASSWORD)],
        vec![
            ("csrf", "geraden"),
            ("naam", "overleg"),
            ("wachtwoord", PASSWORD),
        ],
    ] {
        let response = http
            .post(format!("{}/inloggen", site.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert!(!response
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap_or_default().starts_with("kp_sessie=")));
    }
    site.app.stop().await;
}

/// Finding 7: the password policy, and a change of one's own password ending the other
/// sessions.
#[tokio::test]
async fn weak_passwords_are_refused_and_a_change_ends_the_other_sessions() {
    let site = site().await;
    for weak in [
        "            ",
        "wachtwoord12",
        "Welkom123456",
        "password1234",
    ] {
        let error = knooppunt_web::accounts::create_user(
            &site.store,
            &knooppunt_web::accounts::NewUser {
                name: "zwak",
                display_name: "Zwak",
                role: knooppunt_reports::review::Role::Municipality,
                source: "",
                areas: "",
                password: weak,
            },
        )
        .await
        .expect_err(weak)
        .to_string();
        assert!(error.contains("wachtwoord:"), "{weak}: {error}");
    }
    let laptop = site.login("gemeente").await;
    let phone = site.login("gemeente").await;
    let new = "zeven zwanen op de vliet";
    // Refused changes first (422), then the one that is made.
    for (current, first, second, status, expect) in [
        ("fout", new, new, 422, "huidig wachtwoord: klopt niet"),
        (
            "",
            new,
            new,
            422,
            "huidig wachtwoord: vul uw huidige wachtwoord in",
        ),
        (
            PASSWORD,
            new,
            "iets anders dan dat",
            422,
            "nieuw wachtwoord nogmaals:",
        ),
        (PASSWORD, "kort", "kort", 422, "nieuw wachtwoord: minstens"),
        (
            PASSWORD,
            "wachtwoord12",
            "wachtwoord12",
            422,
            "veelgebruikte",
        ),
        (PASSWORD, new, new, 200, "Uw wachtwoord is gewijzigd"),
    ] {
        let form = [("huidig", current), ("nieuw", first), ("herhaling", second)];
        let (answered, page) = laptop.submit("/wachtwoord", &form).await;
        assert_eq!(answered, status, "{expect}: {page}");
        assert!(page.contains(expect), "{expect}: {page}");
    }
    assert_eq!(
        laptop.get("/knelpunten").await.0,
        200,
        "this session goes on"
    );
    assert_eq!(
        phone.get("/knelpunten").await.0,
        303,
        "the other session ended"
    );
    let http = no_redirects();
    assert_eq!(
        sign_in(&http, &site.base, "gemeente", PASSWORD, &[])
            .await
            .status(),
        401
    );
    Client::login_with(&site.base, "gemeente", new).await;
    site.app.stop().await;
}

/// Every session as if last used `minutes` ago.
pub(crate) async fn back_date_sessions(store: &knooppunt_store::Store, minutes: i64) {
    sqlx::query("UPDATE sessions SET last_seen = $1")
        .bind(chrono::Utc::now().timestamp() - minutes * 60)
        .execute(store.pool())
        .await
        .unwrap();
}

/// Signing in again ends the session the browser brought along (someone else's on a shared
/// computer, or one planted on it), so an old cookie never outlives the new sign-in; a
/// session on another device stays.
#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_had() {
    let site = site().await;
    let first = site.login("overleg").await;
    let elsewhere = site.login("overleg").await;
    let old = first.cookie.clone().expect("a session cookie");
    let again = sign_in(
        &first.http,
        &site.base,
        "gemeente",
        PASSWORD,
        &[("cookie", &old)],
    )
    .await;
    assert_eq!(again.status(), 303, "signed in again");
    assert!(set_cookie(&again, "kp_sessie").is_some_and(|new| !new.contains(&old)));
    assert_eq!(first.get("/agenda").await.0, 303, "the old session ended");
    assert_eq!(
        elsewhere.get("/agenda").await.0,
        200,
        "another device's session stays"
    );
    site.app.stop().await;
}

/// Finding 7: a session unused for longer than the idle time ends.
#[tokio::test]
async fn an_idle_session_ends() {
    let site = site().await;
    let overleg = site.login("overleg").await;
    assert_eq!(overleg.get("/agenda").await.0, 200);
    back_date_sessions(&site.store, 31).await;
    assert_eq!(overleg.get("/agenda").await.0, 303, "back to the sign-in");
    site.app.stop().await;
}

/// Someone typing a long text keeps the session in use: the page's script asks `/sessie`
/// while they type, which counts as use; once the session has ended it answers 401, so the
/// page can say so before the text is sent in vain.
#[tokio::test]
async fn typing_keeps_the_session_in_use_and_an_ended_one_is_told() {
    let site = site().await;
    let team = site.login("indiener1").await;
    back_date_sessions(&site.store, 25).await;
    assert_eq!(team.get("/sessie").await.0, 204);
    let last_seen: i64 = sqlx::query_scalar("SELECT last_seen FROM sessions")
        .fetch_one(site.store.pool())
        .await
        .unwrap();
    assert!(
        chrono::Utc::now().timestamp() - last_seen < 60,
        "the keep-alive counts as use"
    );
    assert_eq!(team.get("/signalen").await.0, 200);
    back_date_sessions(&site.store, 31).await;
    assert_eq!(team.get("/sessie").await.0, 401);
    let (_, script) = team.get("/static/knooppunt.js").await;
    assert!(script.contains("\"/sessie\""), "the page's script asks it");
    let response = team.send(reqwest::Method::GET, "/inloggen").await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    site.app.stop().await;
}

/// A throttle with an hour's window and these limits on each backend: a fresh SQLite file in
/// `dir` and a fresh PostgreSQL database, with the URL and the store it counts in.
async fn throttles(
    dir: &tempfile::TempDir,
    connections: u32,
    per_pair: i64,
    per_client: i64,
) -> Vec<(String, knooppunt_store::Store, Throttle)> {
    let sqlite = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut out = Vec::new();
    for url in [sqlite, fresh_pg_database().await] {
        let store = knooppunt_store::Store::connect(&url, connections)
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let mut throttle = Throttle::new(store.clone());
        throttle.limits = Limits {
            per_pair,
            per_client,
            window_secs: 3600,
        };
        out.push((url, store, throttle));
    }
    out
}

/// A burst of attempts sent at the same moment gets no more passwords checked than the
/// limits allow: each attempt is counted before its password is checked (the security review
/// of 2026-12-02 had 60 of 60 parallel guesses checked), and a right one is taken back.
#[tokio::test]
async fn a_burst_of_parallel_attempts_gets_no_more_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    for (url, _, throttle) in throttles(&dir, 4, 5, 20).await {
        let attempts = (0..40).map(|_| {
            let throttle = throttle.clone();
            tokio::spawn(async move { throttle.attempt("anna", "192.0.2.1").await.unwrap() })
        });
        let mut allowed = 0;
        for attempt in futures::future::join_all(attempts).await {
            if attempt.unwrap() == Verdict::Allowed {
                allowed += 1;
            }
        }
        // (Fewer when attempts count each other before reading: never more.)
        assert!(
            allowed <= 5,
            "{url}: {allowed} checked, the pair's limit is 5"
        );
        assert_eq!(
            throttle.check("anna", "192.0.2.1").await.unwrap(),
            Verdict::ClientThrottled,
            "{url}: the burst counted, all 40 of it"
        );
        // A right password after reserving takes the attempt back from the client's total.
        let other = "192.0.2.7";
        for _ in 0..30 {
            assert_eq!(
                throttle.reserve("bert", other).await.unwrap(),
                Verdict::Allowed,
                "{url}: signing in rightly again and again never throttles"
            );
            throttle.release("bert", other).await.unwrap();
        }
    }
}

/// Finding 2: the throttle's counting in the database, on SQLite and on PostgreSQL (the
/// migrations of both backends), including windows that pass.
#[tokio::test]
async fn the_throttle_counts_alike_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    for (url, store, mut throttle) in throttles(&dir, 2, 3, 5).await {
        for _ in 0..3 {
            assert_eq!(
                throttle.check("anna", "192.0.2.1").await.unwrap(),
                Verdict::Allowed
            );
            throttle.record_failure("anna", "192.0.2.1").await.unwrap();
        }
        assert_eq!(
            throttle.check("anna", "192.0.2.1").await.unwrap(),
            Verdict::PairLocked,
            "{url}"
        );
        assert_eq!(
            throttle.check("anna", "192.0.2.2").await.unwrap(),
            Verdict::Allowed
        );
        assert_eq!(
            throttle.check("bert", "192.0.2.1").await.unwrap(),
            Verdict::Allowed
        );
        throttle.record_failure("bert", "192.0.2.1").await.unwrap();
        throttle.record_failure("carla", "192.0.2.1").await.unwrap();
        assert_eq!(
            throttle.check("dirk", "192.0.2.1").await.unwrap(),
            Verdict::ClientThrottled,
            "{url}"
        );
        // A success clears the pair, not the client's total.
        throttle.clear_pair("anna", "192.0.2.1").await.unwrap();
        assert_eq!(
            throttle.check("anna", "192.0.2.1").await.unwrap(),
            Verdict::ClientThrottled
        );
        // Once the window has passed, the counts start over and old rows are deleted.
        throttle.limits.window_secs = 0;
        assert_eq!(
            throttle.check("anna", "192.0.2.1").await.unwrap(),
            Verdict::Allowed
        );
        throttle.record_failure("erik", "192.0.2.9").await.unwrap();
        assert_eq!(
            failure_rows(&store).await,
            2,
            "{url}: only the new failure's two rows"
        );
    }
}
