//! The teams' loop and beheer (issue 14): werkroutes in the store on both backends; over real
//! HTTP who may set a werkroute (only the overleg, a restricted member only in their wijken),
//! the werkroute on the form's confirmation once the knelpunt is confirmed, "Mijn signalen"
//! with its statuses, and every beheer action (beheer only, post/redirect/get, secrets shown
//! once, a forced password change, each change in the processing log); then the same in real
//! Chromium at desktop and phone width with screenshots and axe-core.

use crate::browser::{driver, Browser};
use crate::browser_review::{axe, fits};
use crate::support::*;
use crate::web::{confirm_as_overleg, seeded_site, Client, Site, PASSWORD};
use chrono::{Duration as Days, Utc};
use knooppunt_reports::review::Role;
use knooppunt_store::account_admin::RoleChange;
use knooppunt_store::accounts::NewUserRow;
use knooppunt_store::processing_log::Filter;
use knooppunt_store::Store;
use knooppunt_web::accounts::{create_user, NewUser};
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
struct Answer {
    status: u16,
    location: String,
    cookies: Vec<String>,
    body: String,
}

async fn post_raw(client: &Client, path: &str, form: &[(&str, &str)]) -> Answer {
    let mut request = client
        .http
        .post(format!("{}{path}", client.base))
        .form(form);
    if let Some(cookie) = &client.cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
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

async fn add(store: &Store, name: &str, role: Role, source: &str, areas: &str) {
    create_user(
        store,
        &NewUser {
            name,
            display_name: name,
            role,
            source,
            areas,
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
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

async fn wait_signals(site: &Site, total: i64) {
    let store = site.store.clone();
    eventually("the signals to be stored", Duration::from_secs(30), || {
        let store = store.clone();
        async move { store.signal_count().await.unwrap() == total }
    })
    .await;
}

#[tokio::test]
async fn only_the_overleg_sets_a_werkroute_and_a_team_sees_it_when_it_reports() {
    let (site, cluster) = seeded_site().await;
    add(&site.store, "overleg-laak", Role::Overleg, "", "Laak").await;
    let path = format!("/clusters/{cluster}/werkroute");

    // Who may set it: not signed in, other roles, a member for other wijken.
    let (status, _) = Client::new(&site.base)
        .post(&path, &[("csrf", "x"), ("werkroute", ROUTE)])
        .await;
    assert_eq!(status, 303, "anonymous: to the sign-in page");
    for name in ["indiener1", "gemeente", "beheer"] {
        let client = Client::login(&site.base, name).await;
        let csrf = client.csrf().await;
        let (status, body) = client
            .post(&path, &[("csrf", &csrf), ("werkroute", ROUTE)])
            .await;
        assert_eq!(status, 403, "{name}: {body}");
        assert!(body.contains("Geen toegang"), "{name}");
    }
    let laak = Client::login(&site.base, "overleg-laak").await;
    let csrf = laak.csrf().await;
    let (status, body) = laak
        .post(&path, &[("csrf", &csrf), ("werkroute", ROUTE)])
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("hoort niet bij uw wijken"), "{body}");
    assert!(site.store.werkroute(&cluster).await.unwrap().is_none());

    // Personal data is refused, naming the field and keeping what was typed.
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let personal = "Bel mevrouw Jansen op 06-12345678";
    let (status, body) = overleg
        .post(&path, &[("csrf", &csrf), ("werkroute", personal)])
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Werkroute: bevat persoonsgegevens"), "{body}");
    assert!(body.contains("aria-describedby=\"werkroute-hint werkroute-teller fout-werkroute\""));
    assert!(
        body.contains(">Bel mevrouw Jansen op 06-12345678</textarea>"),
        "kept"
    );
    assert!(site.store.werkroute(&cluster).await.unwrap().is_none());

    // Set by the overleg: confirmed by a message, in the processing log.
    let page = post_then_get(&overleg, &path, &[("csrf", &csrf), ("werkroute", ROUTE)]).await;
    assert!(page.contains("De werkroute is vastgelegd"), "{page}");
    assert!(page.contains("Goedgekeurd door overleg op "), "{page}");
    assert!(page.contains("zodra het knelpunt bevestigd is"), "{page}");
    assert_eq!(logged(&site.store, "werkroute-vastleggen").await, 1);

    // Not confirmed yet: the team's confirmation shows no werkroute.
    let team = Client::login(&site.base, "indiener1").await;
    let page = submit(
        &team,
        "Zoon van 23 trekt weer in, kostendelersnorm verlaagt de bijstand van zijn moeder.",
    )
    .await;
    assert!(!page.contains("Werkroute:"), "{page}");
    wait_signals(&site, 6).await;

    // Confirmed: a matching signal gets the werkroute at once; another barrier does not.
    confirm_as_overleg(&site, &cluster).await;
    let page = submit(&team, "Dochter van 25 komt terug naar huis; door de kostendelersnorm gaat de uitkering van haar vader omlaag.").await;
    assert!(page.contains("Werkroute: Kostendelersnorm"), "{page}");
    assert!(
        page.contains("Sociaal Wijkteam Moerwijk en vraag naar de consulent inkomen"),
        "{page}"
    );
    assert!(
        page.contains("Goedgekeurd door het overleg (overleg) op "),
        "{page}"
    );
    let other = submit(
        &team,
        "Gezellige middag in de buurtkamer, iedereen bakte koekjes.",
    )
    .await;
    assert!(!other.contains("Werkroute:"), "{other}");
    wait_signals(&site, 8).await;

    // "Mijn signalen": received, recognised as, the knelpunt's state, the brief it counts in.
    let (status, mine) = team.get("/signalen").await;
    assert_eq!(status, 200);
    assert!(mine.contains("Ontvangen "), "{mine}");
    assert!(
        mine.contains("<strong>Herkend als:</strong> Kostendelersnorm"),
        "{mine}"
    );
    assert!(mine.contains("bevestigd als knelpunt"), "{mine}");
    assert!(
        mine.contains("telt mee in de kwartaalbrief van het "),
        "{mine}"
    );
    assert!(
        mine.contains("nog niet herkend"),
        "the unclassified one: {mine}"
    );
    assert!(mine.contains("Werkroute van het overleg:"), "{mine}");
    assert!(mine.contains("vraag naar de consulent inkomen"), "{mine}");

    // Removed: logged, and the team no longer sees it.
    let page = post_then_get(&overleg, &path, &[("csrf", &csrf), ("werkroute", "  ")]).await;
    assert!(page.contains("De werkroute is verwijderd"), "{page}");
    assert_eq!(logged(&site.store, "werkroute-verwijderen").await, 1);
    let page = submit(
        &team,
        "Kleinzoon trekt in bij oma, kostendelersnorm, AOW gaat omlaag.",
    )
    .await;
    assert!(!page.contains("Werkroute:"), "{page}");
    site.app.stop().await;
}

#[tokio::test]
async fn mijn_signalen_pages_through_a_teams_signals() {
    let (site, _) = seeded_site().await;
    let today = knooppunt_ingest::today_nl();
    let items: Vec<serde_json::Value> = (0..23)
        .map(|i| {
            signal(
                &format!("p{i}"),
                "verbinders-moerwijk",
                "Moerwijk",
                &(today - Days::days(i % 20)).to_string(),
                &format!("Wachtlijst schuldhulp al {} weken, melding {i}.", 8 + i),
            )
        })
        .collect();
    crate::web::post_and_wait(&site, &serde_json::Value::Array(items), 28).await;
    let team = Client::login(&site.base, "indiener1").await;
    let (_, first) = team.get("/signalen").await;
    // Two seeded signals of this team and 23 more: two pages.
    assert!(first.contains("25 signalen; pagina 1 van 2"), "{first}");
    assert!(first.contains("href=\"/signalen?pagina=2\""), "{first}");
    assert_eq!(first.matches("class=\"mijn-signaal\"").count(), 20);
    let (_, second) = team.get("/signalen?pagina=2").await;
    assert!(second.contains("pagina 2 van 2"), "{second}");
    assert_eq!(second.matches("class=\"mijn-signaal\"").count(), 5);
    let (status, odd) = team.get("/signalen?pagina=99").await;
    assert_eq!(status, 200);
    assert!(odd.contains("pagina 2 van 2"), "clamped: {odd}");
    // Dutch dates only.
    let iso = today.to_string();
    assert!(
        !second.contains(&iso) && !first.contains(&iso),
        "ISO date shown"
    );
    site.app.stop().await;
}

#[tokio::test]
async fn beheer_manages_accounts_and_tokens_and_logs_every_change() {
    let (site, _) = seeded_site().await;
    let base = site.base.clone();
    let page = |name: &str| format!("/beheer/gebruikers/{name}");
    let action = |name: &str, what: &str| format!("/beheer/gebruikers/{name}/{what}");

    // Beheer only, for every new page and form.
    let forms = [
        action("indiener1", "rol"),
        action("indiener1", "wachtwoord"),
        action("indiener1", "deactiveren"),
        action("indiener1", "activeren"),
        action("indiener1", "deblokkeren"),
    ];
    for name in ["indiener1", "overleg", "gemeente"] {
        let client = Client::login(&base, name).await;
        let csrf = client.csrf().await;
        for path in [page("indiener1"), "/beheer/tokens/x/intrekken".into()] {
            let (status, _) = client.get(&path).await;
            assert_eq!(status, 403, "{name} GET {path}");
        }
        for path in &forms {
            let (status, _) = client
                .post(path, &[("csrf", &csrf), ("rol", "beheer")])
                .await;
            assert_eq!(status, 403, "{name} POST {path}");
        }
    }
    let anonymous = Client::new(&base);
    for path in &forms {
        let (status, _) = anonymous.post(path, &[("csrf", "x")]).await;
        assert_eq!(status, 303, "anonymous POST {path}");
    }
    let admin = Client::login(&base, "beheer").await;
    let csrf = admin.csrf().await;
    for path in &forms {
        let (status, body) = admin.post(path, &[("csrf", "vals")]).await;
        assert_eq!(status, 403, "{path}");
        assert!(body.contains("Formulier verlopen"), "{path}");
    }
    let (status, _) = admin.get(&page("niemand")).await;
    assert_eq!(status, 404);

    // A refused "Gebruiker aanmaken" keeps what was typed (never the password).
    let (status, body) = admin
        .post(
            "/beheer/gebruikers",
            &[
                ("csrf", &csrf),
                ("naam", "nieuw-team"),
                ("weergavenaam", "Nieuw team"),
                ("rol", "indiener"),
                ("bron", "team-laak"),
                ("wachtwoord", "kort"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Wachtwoord: minstens 12 tekens"), "{body}");
    assert!(body.contains("value=\"nieuw-team\"") && body.contains("value=\"team-laak\""));
    assert!(!body.contains("value=\"kort\""));

    // Deactivated: the session ends and sign-in fails; reactivated: back. Not oneself.
    let team = Client::login(&base, "indiener1").await;
    let done = post_then_get(
        &admin,
        &action("indiener1", "deactiveren"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(done.contains("De gebruiker is gedeactiveerd"), "{done}");
    assert!(done.contains("id=\"status\">gedeactiveerd<"), "{done}");
    assert_eq!(team.get("/signalen").await.0, 303, "the session ended");
    let refused = crate::web::sign_in(&admin.http, &base, "indiener1", PASSWORD, &[]).await;
    assert_eq!(refused.status(), 401);
    let (_, list) = admin.get("/beheer").await;
    assert!(list.contains("gedeactiveerd"), "listed: {list}");
    let done = post_then_get(
        &admin,
        &action("indiener1", "activeren"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(done.contains("De gebruiker is weer actief"), "{done}");
    Client::login(&base, "indiener1").await;
    let (status, body) = admin
        .post(&action("beheer", "deactiveren"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("uw eigen account niet deactiveren"), "{body}");

    // A new role and wijken take effect at once.
    let done = post_then_get(
        &admin,
        &action("gemeente", "rol"),
        &[
            ("csrf", &csrf),
            ("rol", "overleg"),
            ("bron", ""),
            ("wijken", "Laak, Moerwijk"),
        ],
    )
    .await;
    assert!(
        done.contains("Rol, bron en wijken zijn gewijzigd"),
        "{done}"
    );
    assert!(done.contains("value=\"laak, moerwijk\""), "{done}");
    let moved = Client::login(&base, "gemeente").await;
    assert_eq!(moved.get("/agenda").await.0, 200);
    let (status, body) = admin
        .post(
            &action("indiener2", "rol"),
            &[("csrf", &csrf), ("rol", "indiener"), ("bron", "")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("Bron: een indiener hoort bij een team"),
        "{body}"
    );
    let (status, _) = admin
        .post(
            &action("beheer", "rol"),
            &[("csrf", &csrf), ("rol", "overleg")],
        )
        .await;
    assert_eq!(status, 422, "not one's own beheer role");

    // A reset password: shown once, every page leads to the password page until changed.
    let done = post_then_get(
        &admin,
        &action("indiener2", "wachtwoord"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(
        done.contains("Het wachtwoord is opnieuw ingesteld"),
        "{done}"
    );
    let temporary = done
        .split("<code id=\"nieuw-wachtwoord\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the temporary password, shown once")
        .to_string();
    let (_, again) = admin.get(&page("indiener2")).await;
    assert!(!again.contains(&temporary), "shown only once");
    assert!(again.contains("moet bij volgende aanmelding worden gewijzigd"));
    assert!(
        crate::web::sign_in(&admin.http, &base, "indiener2", PASSWORD, &[])
            .await
            .status()
            == 401
    );
    let reset = Client::login_with(&base, "indiener2", &temporary).await;
    for path in ["/", "/signalen", "/signalen/nieuw"] {
        let answer = reset
            .http
            .get(format!("{base}{path}"))
            .header("cookie", reset.cookie.clone().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303, "{path}");
        let to = answer.headers()["location"].to_str().unwrap().to_string();
        assert!(to == "/wachtwoord" || path == "/", "{path} → {to}");
    }
    let (status, body) = reset.get("/wachtwoord").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Beheer heeft uw wachtwoord opnieuw ingesteld"),
        "{body}"
    );
    let own = crate::web::csrf_in(&body).unwrap();
    let fresh = "een eigen zin van vijf woorden";
    let (status, body) = reset
        .post(
            "/wachtwoord",
            &[
                ("csrf", &own),
                ("huidig", &temporary),
                ("nieuw", fresh),
                ("herhaling", fresh),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(reset.get("/signalen").await.0, 200, "free again");

    // A name locked by failed sign-ins from one client is unlocked for every client.
    for _ in 0..5 {
        crate::web::sign_in(&admin.http, &base, "indiener1", "verkeerd wachtwoord", &[]).await;
    }
    let locked = crate::web::sign_in(&admin.http, &base, "indiener1", PASSWORD, &[]).await;
    assert_eq!(locked.status(), 429);
    let (_, list) = admin.get("/beheer").await;
    assert!(list.contains("<strong>geblokkeerd</strong>"), "{list}");
    let done = post_then_get(
        &admin,
        &action("indiener1", "deblokkeren"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(done.contains("De naam is gedeblokkeerd"), "{done}");
    let open = crate::web::sign_in(&admin.http, &base, "indiener1", PASSWORD, &[]).await;
    assert_eq!(open.status(), 303, "unlocked");

    // Tokens: post/redirect/get, shown once; revoking asks first, then confirms.
    let done = post_then_get(
        &admin,
        "/beheer/tokens",
        &[
            ("csrf", &csrf),
            ("bron", "ggz-haaglanden"),
            ("omschrijving", "koppeling"),
        ],
    )
    .await;
    assert!(done.contains("Het API-token is aangemaakt"), "{done}");
    let token = done
        .split("<code id=\"nieuw-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the token, shown once")
        .to_string();
    let (_, again) = admin.get("/beheer").await;
    assert!(
        !again.contains(&token),
        "shown only once; a refresh creates none"
    );
    assert_eq!(again.matches("Intrekken…").count(), 1);
    let id = site.store.api_tokens().await.unwrap()[0].id.clone();
    let revoke = format!("/beheer/tokens/{id}/intrekken");
    let (status, ask) = admin.get(&revoke).await;
    assert_eq!(status, 200);
    assert!(
        ask.contains("Token intrekken?") && ask.contains("ggz-haaglanden"),
        "{ask}"
    );
    assert!(
        site.store.api_tokens().await.unwrap()[0]
            .revoked_at
            .is_none(),
        "only asked"
    );
    let done = post_then_get(&admin, &revoke, &[("csrf", &csrf)]).await;
    assert!(done.contains("Het API-token is ingetrokken"), "{done}");
    let today = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(
        done.contains(&format!("<td>{today} ")),
        "Dutch time: {done}"
    );
    assert!(!done.contains("+00:00"), "{done}");
    assert_eq!(admin.get(&revoke).await.0, 404, "already revoked");

    // Every change in the processing log.
    for change in [
        "gebruiker-deactiveren",
        "gebruiker-activeren",
        "rol-wijzigen",
        "wachtwoord-resetten",
        "naam-deblokkeren",
        "token-aanmaken",
        "token-intrekken",
        "gebruiker-aanmaken",
    ] {
        assert!(logged(&site.store, change).await >= 1, "{change} logged");
    }
    site.app.stop().await;
}

// ---------------------------------------------------------------- in Chromium

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

async fn team_loop_at(width: u32, height: u32) {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, &format!("teams-{width}")).await;
    browser.resize(width, height).await;

    // The overleg attaches a werkroute on the cluster page.
    browser.sign_in(&site.base, "overleg").await;
    browser
        .client
        .goto(&format!("{}/clusters/{cluster}#werkroute", site.base))
        .await
        .unwrap();
    browser.wait_for("Werkroute voor teams").await;
    browser.fill("#werkroute-tekst", ROUTE).await;
    let counter = js(
        &browser,
        "return document.querySelector('#werkroute-teller').textContent",
    )
    .await;
    assert!(
        counter.as_str().unwrap().ends_with("van 1.000 tekens"),
        "{counter}"
    );
    browser.click("#werkroute button[type=submit]").await;
    browser.wait_for("De werkroute is vastgelegd").await;
    browser.shot("werkroute-vastgelegd").await;
    fits(&browser, width).await;
    axe(&browser, "the cluster page with its werkroute").await;
    browser.click("header button").await;
    browser.wait_for("Inloggen").await;

    // The team reports; the preview comes into view, then the werkroute shows on sending.
    browser.sign_in(&site.base, "indiener1").await;
    browser
        .client
        .goto(&format!("{}/signalen/nieuw", site.base))
        .await
        .unwrap();
    browser.fill("#area", "Moerwijk").await;
    let text =
        "Zoon van 22 trekt weer in bij zijn moeder; de kostendelersnorm verlaagt haar bijstand.";
    browser.fill("#text", text).await;
    let counter = js(
        &browser,
        "return document.querySelector('#text-teller').textContent",
    )
    .await;
    let expected = format!("{} van 4.000 tekens", text.chars().count());
    assert_eq!(counter, serde_json::json!(expected), "the live counter");
    browser.click("button[value=voorbeeld]").await;
    browser.wait_for("Er wordt niets weggehaald").await;
    let seen = js(
        &browser,
        "const r = document.querySelector('#voorbeeld').getBoundingClientRect(); \
         return r.top >= 0 && r.top < window.innerHeight && document.activeElement.id === 'voorbeeld';",
    )
    .await;
    assert_eq!(seen, true, "the preview is in view and has the focus");
    browser.shot("voorbeeld-in-beeld").await;
    axe(&browser, "the form with its preview").await;
    browser.click("button[value=versturen]").await;
    let page = browser.wait_for("Het signaal is ontvangen").await;
    assert!(page.contains("Werkroute: Kostendelersnorm"), "{page}");
    assert!(page.contains("consulent inkomen"), "{page}");
    browser.shot("werkroute-bij-melden").await;
    js(
        &browser,
        "document.querySelector('section.werkroute').scrollIntoView(); return 1",
    )
    .await;
    browser.shot("werkroute-bij-melden-in-beeld").await;
    fits(&browser, width).await;
    axe(&browser, "the confirmation with a werkroute").await;

    // A refused form: Dutch field names, each error tied to its input.
    browser.fill("#area", "Nergenshuizen").await;
    browser.fill("#text", "Kostendelersnorm speelt weer.").await;
    browser.click("button[value=versturen]").await;
    let refused = browser.wait_for("Het signaal is niet verstuurd").await;
    assert!(refused.contains("Wijk:"), "{refused}");
    let tied = js(
        &browser,
        "return document.querySelector('#area').getAttribute('aria-describedby')",
    )
    .await;
    assert_eq!(tied, "fout-area");
    browser.shot("fout-bij-veld").await;
    axe(&browser, "a refused form").await;

    // "Mijn signalen" with what became of each signal.
    wait_signals(&site, 6).await;
    browser
        .client
        .goto(&format!("{}/signalen", site.base))
        .await
        .unwrap();
    let mine = browser.wait_for("Mijn signalen").await;
    assert!(mine.contains("bevestigd als knelpunt"), "{mine}");
    assert!(
        mine.contains("telt mee in de kwartaalbrief van het"),
        "{mine}"
    );
    assert!(mine.contains("Herkend als: Kostendelersnorm"), "{mine}");
    assert!(mine.contains("Werkroute van het overleg:"), "{mine}");
    browser.shot("mijn-signalen").await;
    js(
        &browser,
        "document.querySelector('.knelpunt-status').scrollIntoView({block: 'center'}); return 1",
    )
    .await;
    browser.shot("mijn-signalen-status").await;
    fits(&browser, width).await;
    axe(&browser, "Mijn signalen").await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

async fn beheer_at(width: u32, height: u32) {
    let (site, _) = seeded_site().await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, &format!("beheer-{width}")).await;
    browser.resize(width, height).await;
    browser.sign_in(&site.base, "beheer").await;
    browser.wait_for("Gebruikers").await;
    browser.shot("beheer").await;
    fits(&browser, width).await;
    axe(&browser, "the beheer page").await;
    browser
        .click("a[href='/beheer/gebruikers/indiener1']")
        .await;
    browser.wait_for("Gebruiker indiener1").await;
    browser.click("form[action$='/wachtwoord'] button").await;
    let page = browser
        .wait_for("Het wachtwoord is opnieuw ingesteld")
        .await;
    assert!(
        page.contains("Tijdelijk wachtwoord voor indiener1"),
        "{page}"
    );
    browser.shot("wachtwoord-gereset").await;
    fits(&browser, width).await;
    axe(&browser, "a reset password shown once").await;
    browser.client.refresh().await.unwrap();
    let again = browser.wait_for("Gebruiker indiener1").await;
    assert!(
        !again.contains("Tijdelijk wachtwoord"),
        "shown once: {again}"
    );
    browser.click("form[action$='/deactiveren'] button").await;
    browser.wait_for("De gebruiker is gedeactiveerd").await;
    browser.shot("gedeactiveerd").await;
    axe(&browser, "a deactivated account").await;

    // A token: shown once after the redirect; revoking asks first.
    browser
        .client
        .goto(&format!("{}/beheer", site.base))
        .await
        .unwrap();
    browser.fill("#tbron", "ggz-haaglanden").await;
    browser.fill("#omschrijving", "koppeling EPD").await;
    browser.click("form[action='/beheer/tokens'] button").await;
    browser.wait_for("Het API-token is aangemaakt").await;
    browser.shot("token-aangemaakt").await;
    fits(&browser, width).await;
    axe(&browser, "a new token shown once").await;
    browser.click("a[href$='/intrekken']").await;
    browser.wait_for("Token intrekken?").await;
    browser.shot("intrekken-bevestigen").await;
    fits(&browser, width).await;
    axe(&browser, "the revocation's confirmation").await;
    browser.click("button.knop-primair").await;
    browser.wait_for("Het API-token is ingetrokken").await;
    browser.shot("token-ingetrokken").await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

#[tokio::test]
async fn a_team_gets_its_werkroute_and_sees_its_signals_on_a_desktop() {
    team_loop_at(1280, 720).await;
}

#[tokio::test]
async fn a_team_gets_its_werkroute_and_sees_its_signals_on_a_phone() {
    team_loop_at(390, 844).await;
}

#[tokio::test]
async fn beheer_resets_and_deactivates_on_a_desktop() {
    beheer_at(1280, 720).await;
}

#[tokio::test]
async fn beheer_resets_and_deactivates_on_a_phone() {
    beheer_at(390, 844).await;
}

#[tokio::test]
async fn a_signal_of_a_merged_knelpunt_shows_where_it_went() {
    let (site, moerwijk) = seeded_site().await;
    let today = knooppunt_ingest::today_nl().to_string();
    let laak_signal = signal(
        "laak1",
        "verbinders-moerwijk",
        "Laak",
        &today,
        "Kostendelersnorm: volwassen zoon weer thuis, bijstand van vader verlaagd.",
    );
    crate::web::post_and_wait(&site, &serde_json::json!([laak_signal]), 6).await;
    let laak = cluster_in(&site.store, "kostendelersnorm", "Laak")
        .await
        .expect("a Laak cluster")
        .id;
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let (status, body) = overleg
        .post(
            &format!("/clusters/{moerwijk}/besluit"),
            &[("csrf", &csrf), ("actie", "samenvoegen"), ("met", &laak)],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    // The cluster decided on (Moerwijk) is merged into the one chosen (Laak).
    confirm_as_overleg(&site, &laak).await;
    let team = Client::login(&site.base, "indiener1").await;
    let (_, mine) = team.get("/signalen").await;
    for text in ["volwassen zoon weer thuis", "eerste team"] {
        let entry = mine
            .split("class=\"mijn-signaal\"")
            .find(|e| e.contains(text))
            .expect("the team's signal");
        assert!(entry.contains("— Laak</strong>"), "{entry}");
        assert!(entry.contains("bevestigd als knelpunt"), "{entry}");
        assert!(!entry.contains("samengevoegd"), "{entry}");
    }
    site.app.stop().await;
}
