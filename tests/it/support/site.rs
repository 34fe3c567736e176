//! The review website as its users meet it: a site on the embedded stack (spool + SQLite +
//! engine) with one account per role, a browser-like HTTP client (session cookie, CSRF token),
//! signals seeded through the partner API, and the overleg's steps the tests build on.

use super::{embedded_config, eventually, signal, InProcess};
use knooppunt_reports::review::{Action, Role};
use knooppunt_web::accounts::{create_user, NewUser};
use std::time::Duration;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A plain HTTP client that does not follow redirects (a refusal's 303 stays visible).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `Set-Cookie` header of `response` that sets cookie `name`, whole (with its flags).
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .map(str::to_string)
}

/// The `name=value` part of a `Set-Cookie` header, as a browser sends it back.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_string()
}

/// The CSRF token of the form on `body`.
pub fn csrf_in(body: &str) -> Option<String> {
    let start = body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(body[start..].split('"').next()?.to_string())
}

/// The secret a page shows once in `<code id="{id}">` (a new token, a temporary password).
pub fn shown_secret(body: &str, id: &str) -> String {
    let open = format!("<code id=\"{id}\">");
    body.split(open.as_str())
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("no {id} shown: {body}"))
        .to_string()
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
    let cookie = set_cookie(&form, "kp_inlog").expect("the sign-in form's cookie");
    let token = csrf_in(&form.text().await.unwrap()).expect("the sign-in form's token");
    let mut request = http
        .post(format!("{base}/inloggen"))
        .header("cookie", cookie_pair(&cookie))
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

/// A browser-like client: keeps the session cookie, does not follow redirects.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
    /// The session's CSRF token once [`Client::submit`] has read it.
    token: std::sync::OnceLock<String>,
}

impl Client {
    /// A client that is not signed in.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_string(),
            http: no_redirects(),
            cookie: None,
            token: std::sync::OnceLock::new(),
        }
    }

    /// Signs in as `name` with the test password.
    pub async fn login(base: &str, name: &str) -> Self {
        Self::login_with(base, name, PASSWORD).await
    }

    /// Signs in as `name`; the session cookie must be HttpOnly, SameSite=Strict and Secure.
    pub async fn login_with(base: &str, name: &str, password: &str) -> Self {
        let mut client = Self::new(base);
        let response = sign_in(&client.http, base, name, password, &[]).await;
        assert_eq!(response.status(), 303, "sign-in of {name}");
        let cookie = set_cookie(&response, "kp_sessie").expect("a session cookie");
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict")
                && cookie.contains("Secure"),
            "{cookie}"
        );
        client.cookie = Some(cookie_pair(&cookie));
        client
    }

    /// A request to `path` on the site, with the session cookie.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        request
    }

    /// Sends a `method` request for `path` without a body; the response.
    pub async fn send(&self, method: reqwest::Method, path: &str) -> reqwest::Response {
        self.request(method, path).send().await.unwrap()
    }

    /// GETs `path`, which must answer `status`; its text.
    pub async fn page(&self, path: &str, status: u16) -> String {
        let (answered, body) = self.get(path).await;
        assert_eq!(answered, status, "GET {path}: {body}");
        body
    }

    /// GETs `path`: status and text.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.send(reqwest::Method::GET, path).await;
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// POSTs `form` to `path` as it is (a test of the token passes its own): status and text.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let response = self.request(reqwest::Method::POST, path).form(form);
        let response = response.send().await.unwrap();
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

    /// POSTs `form` to `path` as the signed-in browser does, the session's token added.
    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let csrf = match self.token.get() {
            Some(token) => token.clone(),
            None => {
                let token = self.csrf().await;
                self.token.get_or_init(|| token).clone()
            }
        };
        let mut with_token = vec![("csrf", csrf.as_str())];
        with_token.extend_from_slice(form);
        self.post(path, &with_token).await
    }

    /// Submits the decision form of `cluster` with `form`: status and text.
    pub async fn decide(&self, cluster: &str, form: &[(&str, &str)]) -> (u16, String) {
        self.submit(&format!("/clusters/{cluster}/besluit"), form)
            .await
    }

    /// Merges `cluster` into `into` through the decision form: status and text.
    pub async fn merge(&self, cluster: &str, into: &str) -> (u16, String) {
        self.decide(cluster, &[("actie", "samenvoegen"), ("met", into)])
            .await
    }
}

/// Asserts `page` shows every one of `needles`.
pub fn assert_shows(page: &str, needles: &[&str]) {
    for needle in needles {
        assert!(page.contains(needle), "{needle:?} not in {page}");
    }
}

/// The word right after each place `marker` stands in `text` ("… sinds 05-08-2026 de …" and
/// "sinds " give "05-08-2026").
pub fn words_after<'t>(text: &'t str, marker: &str) -> Vec<&'t str> {
    text.split(marker)
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Asserts an answer (status and text) has `status` and shows `phrase`; its text.
pub fn assert_answer((answered, body): (u16, String), status: u16, phrase: &str) -> String {
    assert_eq!(answered, status, "{body}");
    assert_shows(&body, &[phrase]);
    body
}

/// An account `name` of `role` (its display name the same) for the source `source`, in the
/// comma-separated wijken `areas` (empty: all).
pub async fn add_account(
    store: &knooppunt_store::Store,
    name: &str,
    role: Role,
    source: &str,
    areas: &str,
) {
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

/// An overleg member restricted to the wijk Laak: "overleg-laak".
pub async fn add_overleg_laak(store: &knooppunt_store::Store) {
    add_account(store, "overleg-laak", Role::Reviewer, "", "Laak").await;
}

/// The overleg confirms `cluster` through the website.
pub async fn confirm_as_overleg(site: &Site, cluster: &str) {
    let overleg = site.login("overleg").await;
    let (status, body) = overleg.decide(cluster, &[("actie", "bevestigen")]).await;
    assert_eq!(status, 303, "{body}");
}

/// The application in process with an account per role: indiener1 (verbinders-moerwijk),
/// indiener2 (schilderswijk-moeders), overleg, gemeente and beheer.
pub struct Site {
    pub base: String,
    pub store: knooppunt_store::Store,
    pub app: InProcess,
    pub config: knooppunt::config::Config,
    _dir: tempfile::TempDir,
}

impl Site {
    /// A client signed in as `name`.
    pub async fn login(&self, name: &str) -> Client {
        Client::login(&self.base, name).await
    }

    /// Posts signals observed today, each `(id, source, area, text)`, through the partner
    /// API and waits until the store holds `total` signals.
    pub async fn post_today(&self, signals: &[(&str, &str, &str, &str)], total: i64) {
        let items = signals
            .iter()
            .map(|(id, source, area, text)| super::signal_today(id, source, area, text))
            .collect();
        post_and_wait(self, &serde_json::Value::Array(items), total).await;
    }

    /// Posts kostendelersnorm signals observed today in `area`, each `(id, source)`, waits
    /// until the store holds `total` signals; the id of `area`'s kostendelersnorm cluster.
    pub async fn kostendelersnorm_in(
        &self,
        area: &str,
        signals: &[(&str, &str)],
        total: i64,
    ) -> String {
        const TEXTS: [&str; 3] = [
            "Kostendelersnorm: zoon weer thuis, bijstand omlaag.",
            "Dochter ingetrokken bij moeder, kostendelersnorm, uitkering lager.",
            "Kostendelersnorm, zoon trekt in, uitkering moeder verlaagd.",
        ];
        let signals: Vec<_> = (signals.iter().zip(TEXTS.iter().cycle()))
            .map(|((id, source), text)| (*id, *source, area, *text))
            .collect();
        self.post_today(&signals, total).await;
        self.cluster_id("kostendelersnorm", area).await
    }

    /// The id of the stored cluster of `barrier` in `area`.
    pub async fn cluster_id(&self, barrier: &str, area: &str) -> String {
        super::cluster_in(&self.store, barrier, area)
            .await
            .unwrap_or_else(|| panic!("a {barrier} cluster in {area}"))
            .id
    }

    /// The overleg takes `action` on `cluster` in the store (not through the website).
    pub async fn decide(&self, cluster: &str, action: Action, reason: &str) {
        knooppunt_reports::review_store::decide(&self.store, cluster, action, reason, "overleg")
            .await
            .unwrap();
    }
}

pub async fn site() -> Site {
    site_with(|_| {}).await
}

/// One account of each role that every site starts with: its name and role.
pub const ONE_OF_EACH_ROLE: [(&str, Role); 4] = [
    ("indiener1", Role::Submitter),
    ("overleg", Role::Reviewer),
    ("gemeente", Role::Municipality),
    ("beheer", Role::Admin),
];

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
        ("indiener1", Role::Submitter, "verbinders-moerwijk"),
        ("indiener2", Role::Submitter, "schilderswijk-moeders"),
        ("overleg", Role::Reviewer, ""),
        ("gemeente", Role::Municipality, ""),
        ("beheer", Role::Admin, ""),
    ] {
        add_account(&store, name, role, source, "").await;
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
    wait_count(&site.store, total, "the signals").await;
}

/// Waits until `store` holds exactly `total` signals (fails after 30 s, naming `what`).
pub async fn wait_count(store: &knooppunt_store::Store, total: i64, what: &str) {
    let what = format!("{what} to be stored ({total} signals)");
    eventually(&what, Duration::from_secs(30), async || {
        store.signal_count().await.unwrap() == total
    })
    .await;
}

/// Text of the first seeded signal (from indiener1's team).
pub const T1_MARKER: &str = "Zoon van 24 wil weer thuis wonen maar dan gaat de bijstand van moeder omlaag, kostendelersnorm, eerste team";
/// Text of the second seeded signal (from indiener2's team).
pub const T2_MARKER: &str =
    "Dochter trekt weer in bij haar moeder, uitkering omlaag door de kostendelersnorm, tweede team";

/// The five kostendelersnorm signals of [`seeded_site`]: (source, text) of `s0`..`s4`.
pub const SEEDED: [(&str, &str); 5] = [
    ("verbinders-moerwijk", T1_MARKER),
    ("schilderswijk-moeders", T2_MARKER),
    (
        "ggz-haaglanden",
        "Kostendelersnorm: kleinzoon bij opa ingetrokken, AOW gekort.",
    ),
    (
        "verbinders-moerwijk",
        "Weer een moeder die haar zoon niet in huis durft te nemen vanwege de kostendelersnorm.",
    ),
    (
        "schilderswijk-moeders",
        "Kostendelersnorm speelt bij een gezin met een volwassen dochter, bijstand verlaagd.",
    ),
];

/// A site with five kostendelersnorm signals in Moerwijk (`s0`..`s4`, see [`seed`]); the id
/// of their cluster.
pub async fn seeded_site() -> (Site, String) {
    seeded_site_with(|_| {}).await
}

/// A [`seeded_site`] with a second kostendelersnorm cluster, in Laak, of two signals from
/// other teams (seven in all); the ids of the Moerwijk and the Laak cluster.
pub async fn seeded_site_and_laak() -> (Site, String, String) {
    let (site, moerwijk) = seeded_site().await;
    let laak_team = [("l1", "buurtteam-laak"), ("l2", "ggz-haaglanden")];
    let laak = site.kostendelersnorm_in("Laak", &laak_team, 7).await;
    (site, moerwijk, laak)
}

/// [`seeded_site`] on a site whose configuration `adjust` changes first.
pub async fn seeded_site_with(
    adjust: impl FnOnce(&mut knooppunt::config::Config),
) -> (Site, String) {
    let site = site_with(adjust).await;
    seed(&site, &SEEDED).await;
    let id = site.cluster_id("kostendelersnorm", "Moerwijk").await;
    (site, id)
}

/// The full brief of `quarter` as of today, with the default rules, groups of at least 5,
/// and the wijken of `wider` rolled up into their stadsdeel.
pub async fn brief(
    store: &knooppunt_store::Store,
    quarter: knooppunt_reports::Quarter,
    wider: &std::collections::BTreeMap<String, String>,
) -> knooppunt_reports::Brief {
    knooppunt_reports::Brief::gather_full(
        store,
        &knooppunt_rules::ruleset::RuleSet::default_rules()
            .unwrap()
            .catalog(),
        quarter,
        None,
        5,
        wider,
        knooppunt_ingest::today_nl(),
    )
    .await
    .unwrap()
}

/// The quarter of today (Dutch time).
pub fn this_quarter() -> knooppunt_reports::Quarter {
    knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl())
}

/// Publishes this quarter's brief, as the overleg does.
pub async fn publish_this_quarter(store: &knooppunt_store::Store) {
    brief(store, this_quarter(), &Default::default())
        .await
        .publish(store, "test")
        .await
        .unwrap();
}
