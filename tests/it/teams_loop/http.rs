//! The teams' loop over HTTP: werkroutes, "Mijn signalen" paging, beheer.

use super::*;

#[tokio::test]
async fn only_the_overleg_sets_a_werkroute_and_a_team_sees_it_when_it_reports() {
    let (site, cluster) = seeded_site().await;
    add_account(&site.store, "overleg-laak", Role::Reviewer, "", "Laak").await;
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
    let answer = laak
        .post(&path, &[("csrf", &csrf), ("werkroute", ROUTE)])
        .await;
    assert_answer(answer, 404, "hoort niet bij uw wijken");
    assert!(site.store.werkroute(&cluster).await.unwrap().is_none());

    // Personal data is refused, naming the field and keeping what was typed.
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let personal = "Bel mevrouw Jansen op 06-12345678";
    let answer = overleg
        .post(&path, &[("csrf", &csrf), ("werkroute", personal)])
        .await;
    let body = assert_answer(answer, 422, "Werkroute: bevat persoonsgegevens");
    assert!(body.contains("aria-describedby=\"werkroute-hint werkroute-teller fout-werkroute\""));
    assert!(
        body.contains(">Bel mevrouw Jansen op 06-12345678</textarea>"),
        "kept"
    );
    assert!(site.store.werkroute(&cluster).await.unwrap().is_none());

    // Set by the overleg: confirmed by a message, in the processing log.
    let page = post_then_get(&overleg, &path, &[("csrf", &csrf), ("werkroute", ROUTE)]).await;
    assert_shows(
        &page,
        &[
            "De werkroute is vastgelegd",
            "Goedgekeurd door overleg op ",
            "zodra het knelpunt bevestigd is",
        ],
    );
    assert_eq!(logged(&site.store, "werkroute-vastleggen").await, 1);

    // Not confirmed yet: the team's confirmation shows no werkroute.
    let team = Client::login(&site.base, "indiener1").await;
    submit_without_route(
        &team,
        "Zoon van 23 trekt weer in, kostendelersnorm verlaagt de bijstand van zijn moeder.",
    )
    .await;
    wait_signals(&site, 6).await;

    // Confirmed: a matching signal gets the werkroute at once; another barrier does not.
    confirm_as_overleg(&site, &cluster).await;
    let page = submit(&team, "Dochter van 25 komt terug naar huis; door de kostendelersnorm gaat de uitkering van haar vader omlaag.").await;
    assert_shows(
        &page,
        &[
            "Werkroute: Kostendelersnorm",
            "Sociaal Wijkteam Moerwijk en vraag naar de consulent inkomen",
            "Goedgekeurd door het overleg (overleg) op ",
        ],
    );
    submit_without_route(
        &team,
        "Gezellige middag in de buurtkamer, iedereen bakte koekjes.",
    )
    .await;
    // Sent without a preview, the confirmation still says what was taken out (and only the
    // kinds, never the data); a clean note says nothing of it.
    assert!(!page.contains("haalde er persoonsgegevens uit"), "{page}");
    let page = submit(
        &team,
        "Mevrouw Jansen (06-12345678) wacht al 14 weken op antwoord van de corporatie.",
    )
    .await;
    assert!(
        page.contains("Knooppunt haalde er persoonsgegevens uit voordat het werd bewaard:")
            && page.contains("[TELEFOON]")
            && !page.contains("12345678"),
        "{page}"
    );
    wait_signals(&site, 9).await;

    // "Mijn signalen": received, recognised as, the knelpunt's state, the brief it counts in.
    let answer = team.get("/signalen").await;
    let mine = assert_answer(answer, 200, "Ontvangen ");
    assert_shows(
        &mine,
        &[
            "<strong>Herkend als:</strong> Kostendelersnorm",
            "bevestigd als knelpunt",
            "telt mee in de kwartaalbrief van het ",
            // The unclassified one.
            "nog niet herkend",
            "Werkroute van het overleg:",
            "vraag naar de consulent inkomen",
            // Still waiting for the agenda: what it takes to get there.
            "verzameld; nog niet op de agenda</span> (het overleg bespreekt het zodra er in ",
        ],
    );

    // Removed: logged, and the team no longer sees it.
    let page = post_then_get(&overleg, &path, &[("csrf", &csrf), ("werkroute", "  ")]).await;
    assert!(page.contains("De werkroute is verwijderd"), "{page}");
    assert_eq!(logged(&site.store, "werkroute-verwijderen").await, 1);
    submit_without_route(
        &team,
        "Kleinzoon trekt in bij oma, kostendelersnorm, AOW gaat omlaag.",
    )
    .await;
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
    post_and_wait(&site, &serde_json::Value::Array(items), 28).await;
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
    // An account action that asks nothing but the form's token: the page it leads to, which
    // must show every one of `shown`.
    let account_action = async |name: &str, what: &str, shown: &[&str]| {
        let done = post_then_get(&admin, &action(name, what), &[("csrf", &csrf)]).await;
        assert_shows(&done, shown);
        done
    };
    // The status signing in as `name` with `password` answers.
    let sign_in_status = async |name: &str, password: &str| {
        sign_in(&admin.http, &base, name, password, &[])
            .await
            .status()
    };
    for path in &forms {
        let (status, body) = admin.post(path, &[("csrf", "vals")]).await;
        assert_eq!(status, 403, "{path}");
        assert!(body.contains("Formulier verlopen"), "{path}");
    }
    let (status, _) = admin.get(&page("niemand")).await;
    assert_eq!(status, 404);

    // A refused "Gebruiker aanmaken" keeps what was typed (never the password).
    let answer = admin
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
    let body = assert_answer(answer, 422, "Wachtwoord: minstens 12 tekens");
    assert!(body.contains("value=\"nieuw-team\"") && body.contains("value=\"team-laak\""));
    assert!(!body.contains("value=\"kort\""));

    // Deactivated: the session ends and sign-in fails; reactivated: back. Not oneself.
    let team = Client::login(&base, "indiener1").await;
    let deactivated = [
        "De gebruiker is gedeactiveerd",
        "id=\"status\">gedeactiveerd<",
    ];
    account_action("indiener1", "deactiveren", &deactivated).await;
    assert_eq!(team.get("/signalen").await.0, 303, "the session ended");
    assert_eq!(sign_in_status("indiener1", PASSWORD).await, 401);
    let (_, list) = admin.get("/beheer").await;
    assert!(list.contains("gedeactiveerd"), "listed: {list}");
    account_action("indiener1", "activeren", &["De gebruiker is weer actief"]).await;
    Client::login(&base, "indiener1").await;
    let answer = admin
        .post(&action("beheer", "deactiveren"), &[("csrf", &csrf)])
        .await;
    assert_answer(answer, 422, "uw eigen account niet deactiveren");

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
    // A wijk the register does not know is refused on its field (it would leave the member
    // with empty pages); a CBS code or alias is stored as the name signals carry.
    let role_with = |wijken: &'static str| {
        let csrf = csrf.clone();
        let admin = &admin;
        let url = action("gemeente", "rol");
        async move {
            admin
                .post(
                    &url,
                    &[
                        ("csrf", &csrf),
                        ("rol", "overleg"),
                        ("bron", ""),
                        ("wijken", wijken),
                    ],
                )
                .await
        }
    };
    assert_answer(
        role_with("Laak, Moerwyk").await,
        422,
        "Wijken: ‘Moerwyk’ is een onbekende wijk of buurt; bedoelt u &#x27;Moerwijk&#x27;?",
    );
    let (status, _) = role_with("WK051838, laak").await;
    assert_eq!(status, 303);
    let (_, account) = admin.get("/beheer/gebruikers/gemeente").await;
    assert!(
        account.contains("value=\"laakkwartier en spoorwijk, laak\""),
        "{account}"
    );
    let answer = admin
        .post(
            &action("indiener2", "rol"),
            &[("csrf", &csrf), ("rol", "indiener"), ("bron", "")],
        )
        .await;
    assert_answer(answer, 422, "Bron: een indiener hoort bij een team");
    let (status, _) = admin
        .post(
            &action("beheer", "rol"),
            &[("csrf", &csrf), ("rol", "overleg")],
        )
        .await;
    assert_eq!(status, 422, "not one's own beheer role");

    // A reset password: shown once, every page leads to the password page until changed.
    let reset_done = ["Het wachtwoord is opnieuw ingesteld"];
    let done = account_action("indiener2", "wachtwoord", &reset_done).await;
    let temporary = shown_secret(&done, "nieuw-wachtwoord");
    let (_, again) = admin.get(&page("indiener2")).await;
    assert!(!again.contains(&temporary), "shown only once");
    assert!(again.contains("moet bij volgende aanmelding worden gewijzigd"));
    assert_eq!(sign_in_status("indiener2", PASSWORD).await, 401);
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
    let answer = reset.get("/wachtwoord").await;
    let body = assert_answer(answer, 200, "Beheer heeft uw wachtwoord opnieuw ingesteld");
    let own = csrf_in(&body).unwrap();
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
        sign_in_status("indiener1", "verkeerd wachtwoord").await;
    }
    assert_eq!(sign_in_status("indiener1", PASSWORD).await, 429);
    let (_, list) = admin.get("/beheer").await;
    assert!(list.contains("<strong>geblokkeerd</strong>"), "{list}");
    account_action("indiener1", "deblokkeren", &["De naam is gedeblokkeerd"]).await;
    let unlocked = sign_in_status("indiener1", PASSWORD).await;
    assert_eq!(unlocked, 303, "unlocked");

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
    let token = shown_secret(&done, "nieuw-token");
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
