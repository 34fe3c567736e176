//! The review website over real HTTP, against the embedded stack (spool + SQLite + engine):
//! sign-in, the authorisation matrix (every role against every page and form), the intake
//! form, decisions on clusters, and signal text that must render inert everywhere.

use crate::support::*;
use knooppunt_reports::review::Role;
use knooppunt_web::accounts::{create_user, NewUser};
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery staple";

/// A browser-like client: keeps the session cookie, does not follow redirects.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
}

/// Signs in as a browser does: opens the form (its token and cookie), then posts it, with
/// `headers` added to the post (e.g. the proxy's X-Forwarded-For).
pub async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    name: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let form = http.get(format!("{base}/inloggen")).send().await.unwrap();
    assert_eq!(form.status(), 200, "the sign-in form");
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kp_inlog="))
        .and_then(|v| v.split(';').next())
        .expect("the sign-in form's cookie")
        .to_string();
    let token = csrf_in(&form.text().await.unwrap()).expect("the sign-in form's token");
    let mut request = http
        .post(format!("{base}/inloggen"))
        .header("cookie", cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("naam", name),
            ("wachtwoord", password),
        ]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

impl Client {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    pub async fn login(base: &str, name: &str) -> Self {
        Self::login_with(base, name, PASSWORD).await
    }

    pub async fn login_with(base: &str, name: &str, password: &str) -> Self {
        let mut client = Self::new(base);
        let response = sign_in(&client.http, base, name, password, &[]).await;
        assert_eq!(response.status(), 303, "sign-in of {name}");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("kp_sessie="))
            .expect("a session cookie")
            .to_string();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Secure"),
            "{cookie}"
        );
        client.cookie = cookie.split(';').next().map(str::to_string);
        client
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The CSRF token of the signed-in session, from the first page the role may open.
    pub async fn csrf(&self) -> String {
        for path in ["/beheer", "/agenda", "/signalen", "/knelpunten"] {
            let (status, body) = self.get(path).await;
            if status == 200 {
                return csrf_in(&body).unwrap_or_default();
            }
        }
        String::new()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut request = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let start = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(body[start..].split('"').next()?.to_string())
}

async fn add_user(store: &knooppunt_store::Store, name: &str, role: Role, source: &str) {
    create_user(
        store,
        &NewUser {
            name,
            display_name: name,
            role,
            source,
            areas: "",
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
}

/// The overleg confirms `cluster` through the website.
pub async fn confirm_as_overleg(site: &Site, cluster: &str) {
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let (status, body) = overleg
        .post(
            &format!("/clusters/{cluster}/besluit"),
            &[("csrf", &csrf), ("actie", "bevestigen")],
        )
        .await;
    assert_eq!(status, 303, "{body}");
}

/// An overleg member restricted to the wijk Laak: "overleg-laak".
async fn add_overleg_laak(store: &knooppunt_store::Store) {
    create_user(
        store,
        &NewUser {
            name: "overleg-laak",
            display_name: "Overleg Laak",
            role: Role::Overleg,
            source: "",
            areas: "Laak",
            password: PASSWORD,
        },
    )
    .await
    .unwrap();
}

pub struct Site {
    pub base: String,
    pub store: knooppunt_store::Store,
    pub app: InProcess,
    pub config: knooppunt::config::Config,
    _dir: tempfile::TempDir,
}

pub async fn site() -> Site {
    site_with(|_| {}).await
}

/// A site whose configuration `adjust` changes first.
pub async fn site_with(adjust: impl FnOnce(&mut knooppunt::config::Config)) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let mut config = embedded_config(dir.path());
    config.engine.promotion_interval_secs = 3600;
    adjust(&mut config);
    let store = knooppunt::app::open_store(&config).await.unwrap();
    let mut app = InProcess::start(&config, &store).await;
    app.start_engine(&config, &store);
    for (name, role, source) in [
        ("indiener1", Role::Indiener, "verbinders-moerwijk"),
        ("indiener2", Role::Indiener, "schilderswijk-moeders"),
        ("overleg", Role::Overleg, ""),
        ("gemeente", Role::Gemeente, ""),
        ("beheer", Role::Beheer, ""),
    ] {
        add_user(&store, name, role, source).await;
    }
    Site {
        base: format!("http://{}", app.addr),
        store,
        app,
        config,
        _dir: dir,
    }
}

/// Five kostendelersnorm signals from three sources in Moerwijk in the last weeks (promoted
/// for frequency), with the given texts, through the partner API; waits until stored.
pub async fn seed(site: &Site, texts: &[(&str, &str)]) {
    let today = knooppunt_ingest::today_nl();
    let items: Vec<serde_json::Value> = texts
        .iter()
        .enumerate()
        .map(|(i, (source, text))| {
            let date = (today - chrono::Duration::days(3 * i as i64 + 1)).to_string();
            signal(&format!("s{i}"), source, "Moerwijk", &date, text)
        })
        .collect();
    post_and_wait(site, &serde_json::Value::Array(items), texts.len() as i64).await;
}

/// Posts signals through the partner API and waits until the store holds `total` signals.
pub async fn post_and_wait(site: &Site, items: &serde_json::Value, total: i64) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/signals", site.base))
        .json(items)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let store = site.store.clone();
    eventually("the signals to be stored", Duration::from_secs(30), || {
        let store = store.clone();
        async move { store.signal_count().await.unwrap() == total }
    })
    .await;
}

const T1_MARKER: &str = "Zoon van 24 wil weer thuis wonen maar dan gaat de bijstand van moeder omlaag, kostendelersnorm, eerste team";
const T2_MARKER: &str =
    "Dochter trekt weer in bij haar moeder, uitkering omlaag door de kostendelersnorm, tweede team";

pub async fn seeded_site() -> (Site, String) {
    let site = site().await;
    seed(
        &site,
        &[
            ("verbinders-moerwijk", T1_MARKER),
            ("schilderswijk-moeders", T2_MARKER),
            ("ggz-haaglanden", "Kostendelersnorm: kleinzoon bij opa ingetrokken, AOW gekort."),
            ("verbinders-moerwijk", "Weer een moeder die haar zoon niet in huis durft te nemen vanwege de kostendelersnorm."),
            ("schilderswijk-moeders", "Kostendelersnorm speelt bij een gezin met een volwassen dochter, bijstand verlaagd."),
        ],
    )
    .await;
    let cluster = site.store.clusters().await.unwrap();
    let id = cluster
        .iter()
        .find(|c| c.barrier == "kostendelersnorm")
        .expect("a kostendelersnorm cluster")
        .id
        .clone();
    (site, id)
}

#[tokio::test]
async fn every_role_against_every_page_and_form() {
    let (site, cluster) = seeded_site().await;
    let base = site.base.clone();
    let cluster_page = format!("/clusters/{cluster}");
    let decision = format!("/clusters/{cluster}/besluit");
    let vignette = format!("/clusters/{cluster}/vignet");
    let undo = format!("/clusters/{cluster}/ongedaan");
    use Role::*;
    // (path, roles that may open it)
    let pages: Vec<(&str, Vec<Role>)> = vec![
        ("/signalen", vec![Indiener]),
        ("/signalen/nieuw", vec![Indiener]),
        ("/agenda", vec![Overleg]),
        ("/agenda/export?formaat=md", vec![Overleg]),
        (&cluster_page, vec![Overleg]),
        ("/knelpunten", vec![Overleg, Gemeente]),
        (
            "/brief?kwartaal=2026Q3&formaat=html",
            vec![Overleg, Gemeente, Beheer],
        ),
        ("/beheer", vec![Beheer]),
        ("/wachtwoord", vec![Indiener, Overleg, Gemeente, Beheer]),
        ("/uitloggen", vec![Indiener, Overleg, Gemeente, Beheer]),
    ];
    let forms: Vec<(&str, Vec<Role>)> = vec![
        ("/signalen", vec![Indiener]),
        (&decision, vec![Overleg]),
        (&vignette, vec![Overleg]),
        (&undo, vec![Overleg]),
        ("/beheer/gebruikers", vec![Beheer]),
        ("/beheer/tokens", vec![Beheer]),
        ("/beheer/tokens/onbekend/intrekken", vec![Beheer]),
        ("/agenda/vergadering", vec![Overleg]),
        ("/wachtwoord", vec![Indiener, Overleg, Gemeente, Beheer]),
    ];
    // Not signed in: every page and form sends to the sign-in page.
    let anonymous = Client::new(&base);
    for (path, _) in pages.iter().chain(forms.iter()) {
        let (status, _) = if forms.iter().any(|(p, _)| p == path) {
            anonymous.post(path, &[("csrf", "x")]).await
        } else {
            anonymous.get(path).await
        };
        assert_eq!(status, 303, "anonymous {path}");
    }
    for (name, role) in [
        ("indiener1", Indiener),
        ("overleg", Overleg),
        ("gemeente", Gemeente),
        ("beheer", Beheer),
    ] {
        let client = Client::login(&base, name).await;
        for (path, allowed) in &pages {
            let (status, body) = client.get(path).await;
            if role == Gemeente && path.starts_with("/brief") {
                // Allowed, but only for published quarters: this one is not.
                assert_eq!(status, 404, "{name} {path}: {body}");
                assert!(body.contains("nog niet gepubliceerd"), "{name} {path}");
            } else if allowed.contains(&role) {
                assert_eq!(status, 200, "{name} {path}: {body}");
            } else {
                assert_eq!(status, 403, "{name} {path}");
                assert!(body.contains("Geen toegang"), "{name} {path}");
            }
        }
        for (path, allowed) in &forms {
            // Without the CSRF token: allowed roles get "Formulier verlopen", others 403.
            let (status, body) = client.post(path, &[("csrf", "vals")]).await;
            assert_eq!(status, 403, "{name} POST {path}");
            if allowed.contains(&role) {
                assert!(
                    body.contains("Formulier verlopen"),
                    "{name} POST {path}: {body}"
                );
            } else {
                assert!(body.contains("Geen toegang"), "{name} POST {path}");
            }
        }
    }
    site.app.stop().await;
}

#[tokio::test]
async fn the_municipality_never_sees_signal_text_and_teams_see_only_their_own() {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;

    let gemeente = Client::login(&site.base, "gemeente").await;
    // The municipality reads published briefs only: publish this quarter's.
    let current = knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl());
    knooppunt_reports::Brief::gather_full(
        &site.store,
        &knooppunt_rules::ruleset::RuleSet::default_rules()
            .unwrap()
            .catalog(),
        current,
        None,
        5,
        &Default::default(),
        knooppunt_ingest::today_nl(),
    )
    .await
    .unwrap()
    .publish(&site.store, "test")
    .await
    .unwrap();
    for (path, expected) in [
        ("/knelpunten".to_string(), 200),
        ("/brief?kwartaal=2026Q3&formaat=html".to_string(), 404),
        ("/brief?kwartaal=2026Q3&formaat=md".to_string(), 404),
        (format!("/brief?kwartaal={current}&formaat=html"), 200),
        (format!("/brief?kwartaal={current}&formaat=md"), 200),
    ] {
        let (status, body) = gemeente.get(&path).await;
        assert_eq!(status, expected, "{path}");
        for marker in [
            "eerste team",
            "tweede team",
            "kleinzoon",
            "volwassen dochter",
        ] {
            assert!(
                !body.contains(marker),
                "{path} shows signal text ({marker})"
            );
        }
    }
    let (_, knelpunten) = gemeente.get("/knelpunten").await;
    assert!(knelpunten.contains("Kostendelersnorm"), "{knelpunten}");

    let team1 = Client::login(&site.base, "indiener1").await;
    let (_, own) = team1.get("/signalen").await;
    assert!(own.contains("eerste team"));
    assert!(
        !own.contains("tweede team"),
        "another partner's submission is visible"
    );
    let team2 = Client::login(&site.base, "indiener2").await;
    let (_, own) = team2.get("/signalen").await;
    assert!(own.contains("tweede team") && !own.contains("eerste team"));
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_decides_and_the_history_is_kept() {
    let (site, cluster) = seeded_site().await;
    let overleg = Client::login(&site.base, "overleg").await;
    let (status, agenda) = overleg.get("/agenda").await;
    assert_eq!(status, 200);
    assert!(
        agenda.contains(&cluster),
        "the promoted cluster is on the agenda: {agenda}"
    );
    assert!(agenda.contains("5 signalen van 3 bronnen"), "{agenda}");
    let csrf = csrf_in(&agenda).unwrap();
    let path = format!("/clusters/{cluster}/besluit");

    // Not allowed from "open": solving. The refusal is Dutch and names the action.
    let (status, body) = overleg
        .post(&path, &[("csrf", &csrf), ("actie", "oplossen")])
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("&#x27;oplossen&#x27; kan niet bij een cluster dat open is")
            || body.contains("'oplossen' kan niet"),
        "{body}"
    );
    // Dismissing needs a reason.
    let (status, body) = overleg
        .post(
            &path,
            &[("csrf", &csrf), ("actie", "afwijzen"), ("reden", " ")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("afwijzen: vul een reden in"), "{body}");

    for form in [
        vec![("actie", "bevestigen")],
        vec![
            ("actie", "toewijzen"),
            ("eigenaar", "Gemeente, Werk en Inkomen"),
            ("programma", "Armoede"),
        ],
        vec![
            ("actie", "notitie"),
            (
                "reden",
                "Landelijk bekend; lokaal maatwerk mogelijk via art. 18",
            ),
        ],
        vec![("actie", "parkeren"), ("tot", "signalen"), ("aantal", "3")],
    ] {
        let mut form = form.clone();
        form.push(("csrf", &csrf));
        let (status, body) = overleg.post(&path, &form).await;
        assert_eq!(status, 303, "{form:?}: {body}");
    }
    let (_, page) = overleg.get(&format!("/clusters/{cluster}")).await;
    assert!(
        page.contains("<strong id=\"status\">geparkeerd</strong>"),
        "{page}"
    );
    assert!(page.contains("Eigenaar: Gemeente, Werk en Inkomen"));
    // The history in words: the Dutch label of each decision.
    for step in [
        "bevestigd als knelpunt",
        "toegewezen",
        "notitie",
        "geparkeerd",
    ] {
        assert!(
            page.contains(&format!("<td>{step}</td>")),
            "history shows {step}"
        );
    }
    assert!(
        page.contains("<td>tot 3 nieuwe signalen</td>"),
        "park-until shown: {page}"
    );
    assert!(page.contains("lokaal maatwerk mogelijk via art. 18"));
    let history = knooppunt_reports::review_store::decisions(&site.store, &cluster)
        .await
        .unwrap();
    assert_eq!(history.len(), 4, "refused decisions are not recorded");
    assert!(history.iter().all(|d| d.actor == "overleg"));

    // The minutes list today's decisions.
    let (status, minutes) = overleg.get("/agenda/export?formaat=md").await;
    assert_eq!(status, 200);
    assert!(
        minutes.contains("bevestigen → bevestigd, door overleg"),
        "{minutes}"
    );

    // Recording the meeting makes the next agenda start after it; viewing one records nothing.
    let today = knooppunt_ingest::today_nl();
    let tomorrow = today.succ_opt().unwrap();
    let (_, before) = overleg.get(&format!("/agenda?datum={tomorrow}")).await;
    let today_nl = knooppunt_reports::dutch::date(today);
    assert!(!before.contains(&format!("sinds {today_nl}")), "{before}");
    let (status, _) = overleg
        .post(
            "/agenda/vergadering",
            &[("csrf", &csrf), ("datum", &today.to_string())],
        )
        .await;
    assert_eq!(status, 303);
    let (_, after) = overleg.get(&format!("/agenda?datum={tomorrow}")).await;
    assert!(after.contains(&format!("sinds {today_nl}")), "{after}");
    assert!(
        !after.contains(&format!("/clusters/{cluster}")),
        "snoozed: off the agenda"
    );
    site.app.stop().await;
}

/// The review loop (issue 11): only the overleg labels, a restricted member only in their
/// wijken, every form needs the CSRF token, and a label moves the counts at once.
#[tokio::test]
async fn the_overleg_labels_recognition_on_cluster_pages_and_in_the_queue() {
    let (site, cluster) = seeded_site().await;
    let today = knooppunt_ingest::today_nl().to_string();
    let loose = serde_json::json!([
        signal(
            "u1",
            "verbinders-moerwijk",
            "Moerwijk",
            &today,
            "Gezellige middag in de buurtkamer, iedereen bakte koekjes."
        ),
        signal(
            "u2",
            "verbinders-moerwijk",
            "Laak",
            &today,
            "Mooie opkomst bij het buurtfeest, de zon scheen."
        ),
    ]);
    post_and_wait(&site, &loose, 7).await;
    assert!(site
        .store
        .signal("verbinders-moerwijk", "u1")
        .await
        .unwrap()
        .unwrap()
        .barriers
        .is_empty());
    add_overleg_laak(&site.store).await;
    let label_path = format!("/clusters/{cluster}/label");
    let not_here = [
        ("bron", "verbinders-moerwijk"),
        ("signaal", "s0"),
        ("oordeel", "hoort-er-niet-bij"),
    ];

    // Other roles: no page, no form.
    for name in ["indiener1", "gemeente", "beheer"] {
        let client = Client::login(&site.base, name).await;
        let csrf = client.csrf().await;
        assert_eq!(client.get("/niet-ingedeeld").await.0, 403, "{name}");
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(not_here);
        assert_eq!(client.post(&label_path, &form).await.0, 403, "{name}");
        let triage = [
            ("csrf", csrf.as_str()),
            ("bron", "verbinders-moerwijk"),
            ("signaal", "u1"),
            ("barriere", "geen"),
        ];
        assert_eq!(
            client.post("/niet-ingedeeld", &triage).await.0,
            403,
            "{name}"
        );
    }
    let anonymous = Client::new(&site.base);
    assert_eq!(anonymous.get("/niet-ingedeeld").await.0, 303);
    assert_eq!(anonymous.post(&label_path, &not_here).await.0, 303);

    // The overleg without (or with a wrong) CSRF token: refused.
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    assert_eq!(overleg.post(&label_path, &not_here).await.0, 403);
    let mut wrong = vec![("csrf", "niet-het-token")];
    wrong.extend(not_here);
    assert_eq!(overleg.post(&label_path, &wrong).await.0, 403);
    assert_eq!(
        overleg
            .post(
                "/niet-ingedeeld",
                &[
                    ("bron", "verbinders-moerwijk"),
                    ("signaal", "u1"),
                    ("barriere", "geen")
                ]
            )
            .await
            .0,
        403
    );

    // A member for Laak: not in Moerwijk, whatever the form says.
    let laak = Client::login(&site.base, "overleg-laak").await;
    let laak_csrf = laak.csrf().await;
    let mut form = vec![("csrf", laak_csrf.as_str())];
    form.extend(not_here);
    assert_eq!(laak.post(&label_path, &form).await.0, 404);
    let triage = [
        ("csrf", laak_csrf.as_str()),
        ("bron", "verbinders-moerwijk"),
        ("signaal", "u1"),
        ("barriere", "geen"),
    ];
    assert_eq!(laak.post("/niet-ingedeeld", &triage).await.0, 404);
    let (status, queue) = laak.get("/niet-ingedeeld").await;
    assert_eq!(status, 200);
    assert!(
        queue.contains("buurtfeest") && !queue.contains("koekjes"),
        "{queue}"
    );
    assert!(
        site.store.labels().await.unwrap().is_empty(),
        "nothing refused was recorded"
    );

    // The overleg on the cluster page: "hoort niet bij deze barrière" and "ook".
    let (status, page) = overleg.get(&format!("/clusters/{cluster}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Hoort niet bij deze barrière") && page.contains("Ook bij deze barrière"),
        "{page}"
    );
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(not_here);
    assert_eq!(overleg.post(&label_path, &form).await.0, 303);
    assert_eq!(
        site.store
            .cluster(&cluster)
            .await
            .unwrap()
            .unwrap()
            .signal_count,
        4,
        "the count follows at once"
    );
    assert!(site
        .store
        .signal("verbinders-moerwijk", "s0")
        .await
        .unwrap()
        .unwrap()
        .barriers
        .is_empty());
    // The signal has left the cluster: labelling it there again is refused.
    assert_eq!(overleg.post(&label_path, &form).await.0, 422);
    let ook = [
        ("csrf", csrf.as_str()),
        ("bron", "schilderswijk-moeders"),
        ("signaal", "s1"),
        ("oordeel", "ook"),
        ("barriere", "angst-uitkeringskorting"),
    ];
    assert_eq!(overleg.post(&label_path, &ook).await.0, 303);
    let clusters = site.store.clusters().await.unwrap();
    let angst = clusters
        .iter()
        .find(|c| c.barrier == "angst-uitkeringskorting")
        .expect("a new cluster");
    assert_eq!(angst.signal_count, 1);
    let bad = [
        ("csrf", csrf.as_str()),
        ("bron", "schilderswijk-moeders"),
        ("signaal", "s1"),
        ("oordeel", "ook"),
        ("barriere", "verzonnen"),
    ];
    assert_eq!(overleg.post(&label_path, &bad).await.0, 422);

    // Niet ingedeeld: the overleg sees both, triages one into a barrier, one as none.
    let (status, queue) = overleg.get("/niet-ingedeeld").await;
    assert_eq!(status, 200);
    assert!(
        queue.contains("koekjes")
            && queue.contains("buurtfeest")
            && queue.contains("2 signalen wachten"),
        "{queue}"
    );
    let triage = [
        ("csrf", laak_csrf.as_str()),
        ("bron", "verbinders-moerwijk"),
        ("signaal", "u2"),
        ("barriere", "loket-drempel"),
    ];
    assert_eq!(laak.post("/niet-ingedeeld", &triage).await.0, 303);
    let loket = site
        .store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.barrier == "loket-drempel")
        .expect("a loket cluster");
    assert_eq!((loket.area.as_str(), loket.signal_count), ("Laak", 1));
    let bad = [
        ("csrf", csrf.as_str()),
        ("bron", "verbinders-moerwijk"),
        ("signaal", "u1"),
        ("barriere", "verzonnen"),
    ];
    assert_eq!(overleg.post("/niet-ingedeeld", &bad).await.0, 422);
    let none = [
        ("csrf", csrf.as_str()),
        ("bron", "verbinders-moerwijk"),
        ("signaal", "u1"),
        ("barriere", "geen"),
    ];
    assert_eq!(overleg.post("/niet-ingedeeld", &none).await.0, 303);
    let (_, queue) = overleg.get("/niet-ingedeeld").await;
    assert!(queue.contains("Er wachten geen signalen"), "{queue}");

    // Append-only, with who.
    let labels = site.store.labels().await.unwrap();
    let who: Vec<(&str, &str)> = labels
        .iter()
        .map(|l| (l.actor.as_str(), l.verdict.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("overleg", "hoort-er-niet-bij"),
            ("overleg", "hoort-erbij"),
            ("overleg-laak", "hoort-erbij"),
            ("overleg", "geen-barriere")
        ]
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
    let overleg = Client::login(&site.base, "overleg").await;
    let team = Client::login(&site.base, "indiener1").await;
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
    site.app.stop().await;
}

#[tokio::test]
async fn the_intake_form_previews_the_scrubber_and_submits() {
    let site = site().await;
    let team = Client::login(&site.base, "indiener1").await;
    let (status, form) = team.get("/signalen/nieuw").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("Schrijf geen namen"),
        "the warning next to the text"
    );
    let csrf = csrf_in(&form).unwrap();
    let today = knooppunt_ingest::today_nl().to_string();
    let text = "Mw. Jansen (BSN 111222333) wacht al 14 weken op de GGZ, intake steeds uitgesteld.";
    let fields = |step: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("stap", step.to_string()),
            ("observed_on", today.clone()),
            ("area", "Moerwijk".to_string()),
            ("themes", "mentale-gezondheid".to_string()),
            ("text", text.to_string()),
        ]
    };
    let preview_form = fields("voorbeeld");
    let mut request = team
        .http
        .post(format!("{}/signalen", site.base))
        .form(&preview_form);
    request = request.header("cookie", team.cookie.clone().unwrap());
    let preview = request.send().await.unwrap().text().await.unwrap();
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

    let send_form = fields("versturen");
    let response = team
        .http
        .post(format!("{}/signalen", site.base))
        .form(&send_form)
        .header("cookie", team.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Het signaal is ontvangen"));
    let store = site.store.clone();
    eventually(
        "the form's signal to be stored",
        Duration::from_secs(30),
        || {
            let store = store.clone();
            async move { store.signal_count().await.unwrap() == 1 }
        },
    )
    .await;
    let (_, own) = team.get("/signalen").await;
    assert!(own.contains("[BSN]") && !own.contains("111222333"), "{own}");

    // A field error comes back in Dutch, naming the field, with the text kept.
    let mut bad = fields("versturen");
    bad[2].1 = "morgen".into();
    let response = team
        .http
        .post(format!("{}/signalen", site.base))
        .form(&bad)
        .header("cookie", team.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body = response.text().await.unwrap();
    // Under its Dutch name, tied to its input.
    assert!(
        body.contains(
            "<li id=\"fout-observed_on\"><a href=\"#observed_on\">Datum van de waarneming</a>:"
        ),
        "{body}"
    );
    assert!(
        body.contains("aria-describedby=\"fout-observed_on\" aria-invalid=\"true\""),
        "{body}"
    );
    assert!(!body.contains("observed_on:"), "{body}");
    site.app.stop().await;
}

#[tokio::test]
async fn partner_tokens_are_shown_once_checked_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = embedded_config(dir.path());
    config.intake.require_token = knooppunt::config::RequireToken::Always;
    let store = knooppunt::app::open_store(&config).await.unwrap();
    let app = InProcess::start(&config, &store).await;
    add_user(&store, "beheer", Role::Beheer, "").await;
    let base = format!("http://{}", app.addr);
    let admin = Client::login(&base, "beheer").await;
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
    let token = page
        .split("<code id=\"nieuw-token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new token is shown")
        .to_string();
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
    let today = knooppunt_ingest::today_nl().to_string();
    let one = |id: &str, source: Option<&str>| {
        let mut item = signal(
            id,
            source.unwrap_or(""),
            "Laak",
            &today,
            "Wachtlijst GGZ al 20 weken.",
        );
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
    let response = post(
        Some("kp_geraden".into()),
        serde_json::json!([one("a", None)]),
    )
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
    app.stop().await;
}

#[tokio::test]
async fn the_brief_is_built_from_confirmed_knelpunten_in_every_format_and_frozen_when_published() {
    let (site, cluster) = seeded_site().await;
    let quarter = knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl());
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let decide = format!("/clusters/{cluster}/besluit");
    for form in [
        vec![("actie", "bevestigen")],
        vec![
            ("actie", "notitie"),
            ("reden", "Advies: maatwerk via art. 18 Participatiewet"),
        ],
    ] {
        let mut form = form.clone();
        form.push(("csrf", &csrf));
        assert_eq!(overleg.post(&decide, &form).await.0, 303);
    }
    let (status, _) = overleg
        .post(
            &format!("/clusters/{cluster}/vignet"),
            &[
                ("csrf", &csrf),
                ("bron", "ggz-haaglanden"),
                ("signaal", "s2"),
            ],
        )
        .await;
    assert_eq!(status, 303);

    let gemeente = Client::login(&site.base, "gemeente").await;
    let path = |format: &str| format!("/brief?kwartaal={quarter}&formaat={format}");
    // The municipality reads published briefs only; the overleg reads the draft.
    let (status, _) = gemeente.get(&path("html")).await;
    assert_eq!(status, 404);
    let (status, html) = overleg.get(&path("html")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Knelpunten per wijk") && html.contains("— Nieuw</span>"),
        "{html}"
    );
    assert!(
        html.contains("kleinzoon bij opa"),
        "the approved vignette is in the brief"
    );
    assert!(
        !html.contains("eerste team"),
        "texts that were not approved stay out"
    );
    assert!(
        html.contains("Advies: maatwerk via art. 18"),
        "the overleg's note"
    );
    assert!(html.contains(&cluster), "provenance: the cluster id");
    assert!(html.contains("<svg"), "the trend chart");
    let (_, markdown) = overleg.get(&path("md")).await;
    assert!(
        markdown.contains("| Kostendelersnorm verlaagt de uitkering bij samenwonen | 5 | 5 |"),
        "{markdown}"
    );
    let response = overleg
        .http
        .get(format!("{}{}", site.base, path("csv")))
        .header("cookie", overleg.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    let csv = response.bytes().await.unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let csv = String::from_utf8_lossy(&csv);
    assert!(csv.contains(";Moerwijk;5;"), "{csv}");
    let (_, json) = overleg.get(&path("json")).await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json.to_string().contains(&cluster), "{json}");
    let response = overleg
        .http
        .get(format!("{}{}", site.base, path("pdf")))
        .header("cookie", overleg.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF from headless Chromium");
    assert!(knooppunt_reports::pdf::count_pages(&pdf) >= 1);

    // The website shows no figure before a brief is published, then exactly the published one.
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(
        page.contains("Nog geen gepubliceerde kwartaalbrief"),
        "{page}"
    );
    assert!(!page.contains("<td>5</td>"), "no count of its own: {page}");

    // Published once, frozen: the next quarter compares with the published figure.
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let today = knooppunt_ingest::today_nl();
    let brief = knooppunt_reports::Brief::gather_full(
        &site.store,
        &rules.catalog(),
        quarter,
        None,
        5,
        &Default::default(),
        today,
    )
    .await
    .unwrap();
    brief.publish(&site.store, "test").await.unwrap();
    let (status, _) = gemeente.get(&path("html")).await;
    assert_eq!(status, 200, "published: the municipality reads it");
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(
        page.contains(&format!("gepubliceerd in de kwartaalbrief {quarter}"))
            && page.contains("<td>5</td><td>Moerwijk</td>"),
        "{page}"
    );
    let again = brief.publish(&site.store, "test").await.unwrap_err();
    assert!(
        format!("{again:#}").contains("al gepubliceerd"),
        "{again:#}"
    );
    let next = knooppunt_reports::Brief::gather_full(
        &site.store,
        &rules.catalog(),
        quarter.next(),
        None,
        5,
        &Default::default(),
        today,
    )
    .await
    .unwrap();
    let knelpunt = &next.knelpunten[0];
    let point = knelpunt
        .trend
        .iter()
        .find(|p| p.quarter == quarter.to_string())
        .unwrap();
    assert!(point.from_snapshot && point.value == "5", "{point:?}");
    assert_eq!(knelpunt.previous, "5");
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_splits_a_cluster_and_a_replay_keeps_the_split() {
    let (site, cluster) = seeded_site().await;
    let overleg = Client::login(&site.base, "overleg").await;
    let csrf = overleg.csrf().await;
    let path = format!("/clusters/{cluster}/besluit");
    let (status, body) = overleg
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("actie", "splitsen"),
                ("splits_op", "organisatie"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("splitsen: alle signalen noemen dezelfde organisatie"),
        "{body}"
    );
    let all = [
        "verbinders-moerwijk|s0",
        "schilderswijk-moeders|s1",
        "ggz-haaglanden|s2",
        "verbinders-moerwijk|s3",
        "schilderswijk-moeders|s4",
    ];
    let mut everything = vec![
        ("csrf", csrf.as_str()),
        ("actie", "splitsen"),
        ("splits_op", "signalen"),
    ];
    everything.extend(all.iter().map(|s| ("signalen", *s)));
    let (status, body) = overleg.post(&path, &everything).await;
    assert_eq!(status, 422);
    assert!(body.contains("er moet er een overblijven"), "{body}");

    let (status, body) = overleg
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("actie", "splitsen"),
                ("splits_op", "signalen"),
                ("signalen", "verbinders-moerwijk|s0"),
                ("signalen", "verbinders-moerwijk|s3"),
                (
                    "reden",
                    "twee signalen gaan over mantelzorg, niet over de norm zelf",
                ),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let clusters = site.store.clusters().await.unwrap();
    assert_eq!(clusters.len(), 2);
    let original = clusters.iter().find(|c| c.id == cluster).unwrap();
    let split_off = clusters.iter().find(|c| c.id != cluster).unwrap();
    assert_eq!((original.signal_count, split_off.signal_count), (3, 2));
    let history = knooppunt_reports::review_store::decisions(&site.store, &split_off.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].state_after,
        knooppunt_reports::review::State::Open
    );
    let (_, page) = overleg.get(&format!("/clusters/{}", split_off.id)).await;
    assert!(
        page.contains("<td>gesplitst</td>")
            && page.contains("afgesplitst van <a href=\"/clusters/")
            && page.contains("mantelzorg"),
        "{page}"
    );

    // A replay re-classifies everything but keeps the overleg's split.
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let diff = knooppunt_rules::replay::replay(&site.store, &rules, true, |_| {})
        .await
        .unwrap();
    assert!(diff.clusters.is_empty(), "{diff:?}");
    let after = site.store.clusters().await.unwrap();
    let counts = |id: &str| after.iter().find(|c| c.id == id).map(|c| c.signal_count);
    assert_eq!(
        (counts(&cluster), counts(&split_off.id)),
        (Some(3), Some(2))
    );
    site.app.stop().await;
}

#[tokio::test]
async fn small_wijken_are_suppressed_with_a_partner_cell_or_rolled_up_into_their_stadsdeel() {
    let (site, moerwijk) = seeded_site().await;
    let today = knooppunt_ingest::today_nl().to_string();
    let items = serde_json::json!([
        signal(
            "m1",
            "buurtteam-escamp",
            "Morgenstond",
            &today,
            "Kostendelersnorm: dochter weer thuis, bijstand omlaag."
        ),
        signal(
            "m2",
            "ggz-haaglanden",
            "Morgenstond",
            &today,
            "Kostendelersnorm, zoon trekt in, uitkering moeder verlaagd."
        ),
    ]);
    post_and_wait(&site, &items, 7).await;
    let morgenstond = site
        .store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.area == "Morgenstond")
        .unwrap()
        .id;
    for cluster in [&moerwijk, &morgenstond] {
        knooppunt_reports::review_store::decide(
            &site.store,
            cluster,
            knooppunt_reports::review::Action::Confirm,
            "",
            "overleg",
        )
        .await
        .unwrap();
    }
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let quarter = knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl());
    let today = knooppunt_ingest::today_nl();
    // Without a stadsdeel: per wijk Morgenstond's 2 would be hidden, and so Moerwijk's 5 (or
    // 7 − 5 = 2): all of the knelpunt's wijken hidden, so it is published for the whole
    // municipality instead.
    let brief = knooppunt_reports::Brief::gather_full(
        &site.store,
        &rules.catalog(),
        quarter,
        None,
        5,
        &Default::default(),
        today,
    )
    .await
    .unwrap();
    let table = brief.tables[0].clone();
    assert_eq!(table.caption, "Knelpunten voor de hele gemeente");
    assert_eq!(table.columns, ["Hele gemeente"]);
    assert_eq!(table.rows[0].total, "7");
    let markdown = brief.render().unwrap().markdown;
    assert!(
        !markdown.contains("| 5 |") && !markdown.contains("| 2 |"),
        "{markdown}"
    );
    // With the stadsdeel: one column, Escamp, 7.
    let wider = [("moerwijk", "Escamp"), ("Morgenstond", "Escamp")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let brief = knooppunt_reports::Brief::gather_full(
        &site.store,
        &rules.catalog(),
        quarter,
        None,
        5,
        &wider,
        today,
    )
    .await
    .unwrap();
    let table = brief.tables[0].clone();
    assert_eq!(table.columns, ["Escamp"]);
    assert_eq!(
        (table.rows[0].cells.clone(), table.rows[0].total.clone()),
        (vec!["7".to_string()], "7".to_string())
    );
    site.app.stop().await;
}

#[tokio::test]
async fn an_overleg_member_sees_only_the_clusters_of_their_wijken() {
    let (site, moerwijk) = seeded_site().await;
    add_overleg_laak(&site.store).await;
    let laak = Client::login(&site.base, "overleg-laak").await;
    let (status, agenda) = laak.get("/agenda").await;
    assert_eq!(status, 200);
    assert!(
        !agenda.contains(&moerwijk),
        "a Moerwijk cluster on the Laak agenda"
    );
    let (status, _) = laak.get(&format!("/clusters/{moerwijk}")).await;
    assert_eq!(status, 404);
    let csrf = laak.csrf().await;
    let (status, _) = laak
        .post(
            &format!("/clusters/{moerwijk}/besluit"),
            &[("csrf", &csrf), ("actie", "bevestigen")],
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        knooppunt_reports::review_store::decisions(&site.store, &moerwijk)
            .await
            .unwrap()
            .is_empty()
    );
    site.app.stop().await;
}

/// Finding 3 of issue 12: a member restricted to some wijken sees only their decisions on
/// the agenda and in its exports, only their clusters to merge with, cannot merge a foreign
/// cluster, and downloads the brief as the municipality does (it is the published document:
/// figures, approved vignettes and notes, nothing else).
#[tokio::test]
async fn a_restricted_overleg_member_sees_and_merges_only_their_wijken() {
    let (site, moerwijk) = seeded_site().await;
    let today = knooppunt_ingest::today_nl().to_string();
    post_and_wait(
        &site,
        &serde_json::json!([
            signal(
                "l1",
                "buurtteam-laak",
                "Laak",
                &today,
                "Kostendelersnorm: zoon weer thuis, bijstand omlaag."
            ),
            signal(
                "l2",
                "ggz-haaglanden",
                "Laak",
                &today,
                "Dochter ingetrokken bij moeder, kostendelersnorm, uitkering lager."
            ),
        ]),
        7,
    )
    .await;
    let laak_cluster = site
        .store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.barrier == "kostendelersnorm" && c.area == "Laak")
        .expect("a Laak cluster")
        .id;
    for (cluster, reason) in [
        (&moerwijk, "MOERWIJK-NOTITIE"),
        (&laak_cluster, "LAAK-NOTITIE"),
    ] {
        knooppunt_reports::review_store::decide(
            &site.store,
            cluster,
            knooppunt_reports::review::Action::Note,
            reason,
            "overleg",
        )
        .await
        .unwrap();
    }
    add_overleg_laak(&site.store).await;
    let laak = Client::login(&site.base, "overleg-laak").await;
    for path in [
        "/agenda".to_string(),
        format!("/agenda/export?datum={today}&formaat=html"),
        format!("/agenda/export?datum={today}&formaat=md"),
    ] {
        let (status, body) = laak.get(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body.contains("LAAK-NOTITIE"),
            "{path}: own decision missing"
        );
        assert!(
            !body.contains("MOERWIJK-NOTITIE") && !body.contains(&moerwijk),
            "{path}: a Moerwijk decision shown to a Laak member"
        );
    }
    // Every wijk's member still sees both.
    let all = Client::login(&site.base, "overleg").await;
    let (_, agenda) = all.get("/agenda").await;
    assert!(agenda.contains("LAAK-NOTITIE") && agenda.contains("MOERWIJK-NOTITIE"));
    let (_, page) = all.get(&format!("/clusters/{laak_cluster}")).await;
    assert!(
        page.contains(&moerwijk),
        "the merge list of a member of every wijk"
    );

    let (status, page) = laak.get(&format!("/clusters/{laak_cluster}")).await;
    assert_eq!(status, 200);
    assert!(
        !page.contains(&moerwijk),
        "a Moerwijk cluster offered to merge"
    );
    let csrf = laak.csrf().await;
    let (status, body) = laak
        .post(
            &format!("/clusters/{laak_cluster}/besluit"),
            &[
                ("csrf", &csrf),
                ("actie", "samenvoegen"),
                ("met", &moerwijk),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("hoort niet bij uw wijken"), "{body}");
    for cluster in [&moerwijk, &laak_cluster] {
        let decisions = knooppunt_reports::review_store::decisions(&site.store, cluster)
            .await
            .unwrap();
        assert_eq!(decisions.len(), 1, "only the note on {cluster}");
    }

    // The brief is the municipality's document: the same for a restricted member as for an
    // overleg member of every wijk (a gemeente account reads it only once published).
    let everyone = Client::login(&site.base, "overleg").await;
    let quarter = knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl());
    for format in ["md", "html"] {
        let path = format!("/brief?kwartaal={quarter}&formaat={format}");
        let (status, restricted) = laak.get(&path).await;
        assert_eq!(status, 200);
        assert_eq!(restricted, everyone.get(&path).await.1, "{path}");
    }
    site.app.stop().await;
}

#[tokio::test]
async fn a_confirmed_knelpunt_that_grows_is_back_on_the_agenda() {
    let (site, cluster) = seeded_site().await;
    knooppunt_reports::review_store::decide(
        &site.store,
        &cluster,
        knooppunt_reports::review::Action::Confirm,
        "",
        "overleg",
    )
    .await
    .unwrap();
    let today = knooppunt_ingest::today_nl().to_string();
    post_and_wait(
        &site,
        &serde_json::json!([signal(
            "n1",
            "buurtteam-moerwijk",
            "Moerwijk",
            &today,
            "Kostendelersnorm: zoon weer thuis, bijstand omlaag."
        )]),
        6,
    )
    .await;
    let overleg = Client::login(&site.base, "overleg").await;
    let (_, agenda) = overleg.get("/agenda").await;
    assert!(
        agenda.contains("gegroeid (+1 sinds het laatste besluit)"),
        "{agenda}"
    );
    site.app.stop().await;
}
