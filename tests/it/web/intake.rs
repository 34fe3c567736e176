//! What comes in through the website: signal text that renders inert on every page, the
//! intake form with its scrubber preview and Dutch field errors, and the partner tokens
//! beheer hands out (shown once, checked, revocable).

use crate::support::*;

#[tokio::test]
async fn the_intake_form_previews_the_scrubber_and_submits() {
    let site = site().await;
    let team = site.login("indiener1").await;
    let form = team.page("/signalen/nieuw", 200).await;
    let csrf = csrf_in(&form).unwrap();
    assert!(
        form.contains("Schrijf geen namen"),
        "the warning next to the text"
    );
    // The team by its name in the register, not its code.
    assert!(
        form.contains("U meldt namens <strong>Verbinders Moerwijk</strong>"),
        "{form}"
    );
    // The area field suggests the register's wijken and buurten, not its stadsdelen, and
    // says which is which.
    assert!(
        form.contains("list=\"wijken\"")
            && form.contains("<option value=\"Moerwijk\" label=\"wijk, &#x27;s-Gravenhage\">")
            && form.contains(
                "<option value=\"Moerwijk-Noord\" label=\"buurt in Moerwijk, &#x27;s-Gravenhage\">"
            )
            && form.contains("<option value=\"Schilderswijk\""),
        "{form}"
    );
    let today = knooppunt_ingest::today_nl().to_string();
    let text = "Mw. Jansen (BSN 111222333) wacht al 14 weken op de GGZ, intake steeds uitgesteld.";
    let kenmerk = form
        .split("name=\"kenmerk\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's kenmerk")
        .to_string();
    let fields = |step| {
        vec![
            ("csrf", csrf.as_str()),
            ("kenmerk", kenmerk.as_str()),
            ("stap", step),
            ("observed_on", today.as_str()),
            ("area", "Moerwijk"),
            ("themes", "mentale-gezondheid"),
            ("text", text),
        ]
    };
    let (_, preview) = team.post("/signalen", &fields("voorbeeld")).await;
    assert!(preview.contains("Dit wordt weggehaald"), "{preview}");
    assert!(
        preview.contains("[BSN]") && preview.contains("[NAAM]"),
        "{preview}"
    );
    assert_eq!(
        site.store.signal_count().await.unwrap(),
        0,
        "a preview sends nothing"
    );
    assert!(!preview.contains("fout-area"), "a valid form, no errors");
    // The preview checks the fields as sending does: a misspelt wijk shows before sending,
    // with its suggestion, beside the preview of the text.
    let mut misspelt = fields("voorbeeld");
    for field in misspelt.iter_mut().filter(|(name, _)| *name == "area") {
        field.1 = "Moerwyk";
    }
    let (status, checked) = team.post("/signalen", &misspelt).await;
    assert_eq!(status, 200, "{checked}");
    assert!(
        checked.contains("Dit wordt weggehaald")
            && checked.contains("Verbeter dit voordat u verstuurt:")
            && !checked.contains("niet verstuurd")
            && checked.contains("<li id=\"fout-area\">")
            && checked.contains("bedoelt u ‘Moerwijk’?"),
        "{checked}"
    );
    assert_eq!(site.store.signal_count().await.unwrap(), 0);

    let (status, sent) = team.post("/signalen", &fields("versturen")).await;
    assert_eq!(status, 200);
    assert!(sent.contains(&format!("kenmerk <span class=\"kenmerk\">{kenmerk}</span>")));
    assert!(
        !sent.contains(&format!("value=\"{kenmerk}\"")),
        "a new form, a new kenmerk"
    );
    wait_count(&site.store, 1, "the form's signal").await;
    // The same form sent again (a reload of the confirmation) is the same signal: kept once.
    let (status, again) = team.post("/signalen", &fields("versturen")).await;
    assert_eq!(status, 200, "{again}");
    let second = site.login("indiener2").await;
    let other = second.page("/signalen/nieuw", 200).await;
    let csrf2 = csrf_in(&other).unwrap();
    let (status, _) = second
        .post(
            "/signalen",
            &[
                ("csrf", csrf2.as_str()),
                ("stap", "versturen"),
                ("observed_on", today.as_str()),
                ("area", "Moerwijk"),
                (
                    "text",
                    "Wacht al 9 weken op antwoord van de corporatie over schimmel.",
                ),
            ],
        )
        .await;
    assert_eq!(status, 200);
    // The other team's signal (without a kenmerk: a fresh id) went into the spool after the
    // resent one, which is read in order: once it is stored, the resent one was handled, and
    // two in all means it added nothing.
    eventually(
        "the other team's signal",
        std::time::Duration::from_secs(30),
        async || second.get("/signalen").await.1.contains("over schimmel"),
    )
    .await;
    assert_eq!(site.store.signal_count().await.unwrap(), 2);
    let (_, own) = team.get("/signalen").await;
    assert!(own.contains("[BSN]") && !own.contains("111222333"), "{own}");
    // Under the kenmerk the confirmation gave, which its link leads to.
    assert!(
        own.contains(&format!("id=\"kenmerk-{kenmerk}\""))
            && own.contains(&format!("kenmerk <span class=\"kenmerk\">{kenmerk}</span>")),
        "{own}"
    );
    assert!(
        sent.contains(&format!("href=\"/signalen#kenmerk-{kenmerk}\"")),
        "{sent}"
    );

    // The form sent with one field typed otherwise: refused (422), the page that says why.
    let refused_with = async |changed: &str, typed: &'static str| {
        let mut form = fields("versturen");
        for field in form.iter_mut().filter(|(name, _)| *name == changed) {
            field.1 = typed;
        }
        let (status, body) = team.post("/signalen", &form).await;
        assert_eq!(status, 422, "{body}");
        body
    };
    // A field error comes back in Dutch, naming the field, with the text kept.
    let body = refused_with("observed_on", "morgen").await;
    // Under its Dutch name, tied to its input.
    assert!(
        body.contains(
            "<li id=\"fout-observed_on\"><a href=\"#observed_on\">Datum van de waarneming</a>:"
        ),
        "{body}"
    );
    // And said again at the input itself, which names it (on a phone the summary at the top
    // has scrolled away by the time one reaches the field).
    assert!(
        body.contains("aria-describedby=\"veld-fout-observed_on\" aria-invalid=\"true\""),
        "{body}"
    );
    assert!(
        body.contains("<p class=\"veld-fout\" id=\"veld-fout-observed_on\">"),
        "{body}"
    );
    assert!(!body.contains("observed_on:"), "{body}");
    // A misspelt wijk: a suggestion in plain words, no register jargon for a team member.
    let body = refused_with("area", "Moerwyk").await;
    assert!(
        body.contains(
            "deze wijk of buurt kennen we niet; bedoelt u ‘Moerwijk’? Kies een naam uit de lijst"
        ),
        "{body}"
    );
    assert!(!body.contains("CBS"), "{body}");

    // A text that is not UTF-8 (a Latin-1 "é" pasted from an old system) is refused, naming
    // the field, instead of being stored with replacement characters.
    let latin1 = format!(
        "csrf={csrf}&kenmerk=latin1&stap=versturen&observed_on={today}&area=Moerwijk&text=Caf%E9+wacht+al+9+weken"
    );
    let answer = team
        .request(reqwest::Method::POST, "/signalen")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(latin1)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let body = answer.text().await.unwrap();
    assert!(
        body.contains("Het formulierveld ‘text’ bevat tekens die geen geldige tekst zijn"),
        "{body}"
    );
    assert_eq!(
        site.store.signal_count().await.unwrap(),
        2,
        "nothing stored"
    );
    site.app.stop().await;
}

#[tokio::test]
async fn signal_text_renders_inert_everywhere() {
    let site = site().await;
    let hostile = "Kostendelersnorm: zoon thuis, bijstand omlaag <script>alert(1)</script> {{user}} {{{body}}} [klik](javascript:alert(1))";
    seed(
        &site,
        &[
            ("verbinders-moerwijk", hostile),
            ("schilderswijk-moeders", hostile),
            ("ggz-haaglanden", hostile),
            (
                "verbinders-moerwijk",
                "Kostendelersnorm, dochter trekt in en de uitkering gaat omlaag.",
            ),
            (
                "schilderswijk-moeders",
                "Kostendelersnorm: kleinzoon bij opa, AOW gekort.",
            ),
        ],
    )
    .await;
    let cluster = site.store.clusters().await.unwrap()[0].id.clone();
    let overleg = site.login("overleg").await;
    let team = site.login("indiener1").await;
    let mut pages = Vec::new();
    for path in [
        "/agenda",
        &format!("/clusters/{cluster}"),
        "/agenda/export?formaat=html",
    ] {
        pages.push((path.to_string(), overleg.get(path).await));
    }
    pages.push(("/signalen".into(), team.get("/signalen").await));
    for (path, (status, body)) in &pages {
        assert_eq!(*status, 200, "{path}");
        assert!(!body.contains("<script>alert"), "{path} runs the script");
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path} shows the text: {body}"
        );
        assert!(
            body.contains("{{user}}") && body.contains("{{{body}}}"),
            "{path} evaluates braces"
        );
    }
    let (_, markdown) = overleg.get("/agenda/export?formaat=md").await;
    assert!(!markdown.contains("<script>"), "{markdown}");
    assert!(markdown.contains("&lt;script>"), "{markdown}");
    assert!(
        markdown.contains("\\[klik\\](javascript:alert(1))"),
        "a Markdown link stays text: {markdown}"
    );
    // Dates the Dutch way in the exported agenda too ("sinds 05-08-2026").
    let since = words_after(&markdown, "Clusters die sinds ")[0];
    assert!(
        chrono::NaiveDate::parse_from_str(since, "%d-%m-%Y").is_ok(),
        "{since}: {markdown}"
    );
    site.app.stop().await;
}

#[tokio::test]
async fn partner_tokens_are_shown_once_checked_and_revocable() {
    let site = site_with(|config| {
        config.intake.require_token = knooppunt::config::RequireToken::Always;
    })
    .await;
    let (base, store) = (&site.base, &site.store);
    let admin = Client::login(base, "beheer").await;
    let csrf = admin.csrf().await;
    // Post/redirect/get: the token is shown once on the page after the redirect.
    let page = crate::teams_loop::post_then_get(
        &admin,
        "/beheer/tokens",
        &[
            ("csrf", &csrf),
            ("bron", "ggz-haaglanden"),
            ("omschrijving", "koppeling EPD"),
        ],
    )
    .await;
    let token = shown_secret(&page, "nieuw-token");
    let (_, again) = admin.get("/beheer").await;
    assert!(!again.contains(&token), "the token is shown only once");
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert!(
        stored.iter().all(|h| h != &token && h.len() == 64),
        "only a hash is stored"
    );

    let http = reqwest::Client::new();
    let post = |token: Option<String>, items: serde_json::Value| {
        let mut request = http.post(format!("{base}/api/v1/signals")).json(&items);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let one = |id: &str, source: Option<&str>| {
        let text = "Wachtlijst GGZ al 20 weken.";
        let mut item = signal_today(id, source.unwrap_or(""), "Laak", text);
        if source.is_none() {
            item.as_object_mut().unwrap().remove("source");
        }
        item
    };
    let response = post(None, serde_json::json!([one("a", Some("ggz-haaglanden"))]))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("Authorization"));
    let guessed = Some("kp_geraden".into());
    let response = post(guessed, serde_json::json!([one("a", None)]))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // Own source (given or implied) is accepted; another source is refused, naming the field.
    let response = post(
        Some(token.clone()),
        serde_json::json!([
            one("a", Some("ggz-haaglanden")),
            one("b", Some("andere-partner")),
            one("c", None)
        ]),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        (body["accepted"].as_u64(), body["refused"].as_u64()),
        (Some(2), Some(1)),
        "{body}"
    );
    assert_eq!(body["results"][1]["status"], "refused");
    assert_eq!(body["results"][1]["errors"][0]["field"], "source");
    assert_eq!(body["results"][2]["status"], "accepted");

    let id = sqlx::query_scalar::<_, String>("SELECT id FROM api_tokens")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let page = crate::teams_loop::post_then_get(
        &admin,
        &format!("/beheer/tokens/{id}/intrekken"),
        &[("csrf", &csrf)],
    )
    .await;
    assert!(page.contains("is ingetrokken"), "{page}");
    // Created and revoked in Dutch local time, never as a raw RFC 3339 stamp.
    let today = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(page.contains(&format!("<td>{today} ")), "{page}");
    assert!(!page.contains("+00:00"), "{page}");
    let response = post(Some(token), serde_json::json!([one("d", None)]))
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a revoked token no longer works");
    site.app.stop().await;
}

/// Security review of 2026-12-02, finding 5: where tokens are not required (the API on
/// loopback), a token that is presented is still checked and still binds its source.
#[tokio::test]
async fn a_presented_token_is_checked_even_where_none_is_required() {
    let site = site().await;
    let admin = Client::login(&site.base, "beheer").await;
    let csrf = admin.csrf().await;
    let form = [
        ("csrf", csrf.as_str()),
        ("bron", "ggz-haaglanden"),
        ("omschrijving", "koppeling"),
    ];
    let page = crate::teams_loop::post_then_get(&admin, "/beheer/tokens", &form).await;
    let token = shown_secret(&page, "nieuw-token");
    let submit = async |bearer: Option<&str>, source: &str| {
        let item = signal_today("t-1", source, "Laak", "Wachtlijst GGZ al 20 weken.");
        let mut request = reqwest::Client::new()
            .post(format!("{}/api/v1/signals", site.base))
            .json(&serde_json::json!([item]));
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    };
    let (status, body) = submit(Some("kp_geraden"), "ggz-haaglanden").await;
    assert_eq!(status, 401, "an unknown token: {body}");
    let (status, body) = submit(Some(&token), "verbinders-moerwijk").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("\"refused\":1") && body.contains("\"field\":\"source\""),
        "a token submits only its own source: {body}"
    );
    let (status, body) = submit(None, "verbinders-moerwijk").await;
    assert!(
        status == 200 && body.contains("\"accepted\":1"),
        "no token, none required: {body}"
    );
    site.app.stop().await;
}
