//! Browser tests in real headless Chromium (Debian's `chromium` and `chromium-driver`), driven
//! over WebDriver: signing in, submitting a signal through the form, reviewing clusters
//! (confirm, merge, snooze) and downloading the brief. Screenshots of every step are kept in
//! `target/tmp/browser/<test>/`. Without Chromium or ChromeDriver these tests fail.

use crate::support::*;
use crate::web::{post_and_wait, seeded_site, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(crate) struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary(env: &str, default: &str) -> String {
    std::env::var(env).unwrap_or_else(|_| default.to_string())
}

pub(crate) async fn driver() -> Driver {
    let port = free_port();
    let path = binary("KNOOPPUNT_CHROMEDRIVER", "/usr/bin/chromedriver");
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("ChromeDriver ({path}) starts: {e}; install chromium-driver"));
    let url = format!("http://127.0.0.1:{port}");
    let status = format!("{url}/status");
    eventually(
        "ChromeDriver to answer",
        Duration::from_secs(20),
        || async { reqwest::get(&status).await.is_ok_and(|r| r.status() == 200) },
    )
    .await;
    Driver { child, url }
}

pub(crate) struct Browser {
    pub(crate) client: Client,
    shots: PathBuf,
    downloads: PathBuf,
    step: usize,
}

impl Browser {
    pub(crate) async fn start(driver: &Driver, test: &str) -> Self {
        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("browser")
            .join(test);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        let downloads = shots.join("downloads");
        std::fs::create_dir_all(&downloads).unwrap();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": binary("KNOOPPUNT_CHROMIUM", "/usr/bin/chromium"),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .expect("a Chromium session");
        Self {
            client,
            shots,
            downloads,
            step: 0,
        }
    }

    pub(crate) async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.step)), png).unwrap();
    }

    /// The page's text. A form submission navigates asynchronously, so an element found on
    /// the old page can go stale: read again until the document answers.
    pub(crate) async fn text(&self) -> String {
        eventually_ok("the page to settle", Duration::from_secs(10), async || {
            let body = self.client.find(Locator::Css("body")).await;
            let body = body.map_err(|e| e.to_string())?;
            body.text().await.map_err(|e| e.to_string())
        })
        .await
    }

    /// Waits until the page shows `needle` (after a click that navigates); its text.
    pub(crate) async fn wait_for(&self, needle: &str) -> String {
        let what = format!("the page to show {needle:?}");
        eventually_ok(&what, Duration::from_secs(15), async || {
            let text = self.text().await;
            if text.contains(needle) {
                Ok(text)
            } else {
                Err(text)
            }
        })
        .await
    }

    pub(crate) async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub(crate) async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub(crate) async fn sign_in(&mut self, base: &str, name: &str) {
        self.client.goto(&format!("{base}/inloggen")).await.unwrap();
        self.fill("#naam", name).await;
        self.fill("#wachtwoord", PASSWORD).await;
        self.shot(&format!("inloggen-{name}")).await;
        self.click("button[type=submit]").await;
        self.wait_for(&format!("{name} (")).await;
        // The page is styled under the strict Content-Security-Policy: the stylesheet loaded.
        let background = self
            .client
            .execute(
                "return getComputedStyle(document.querySelector('header')).backgroundColor",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(background, "rgb(43, 108, 176)", "the site's stylesheet");
    }

    /// Opens the action's own panel, fills it (`extra`) and presses its button.
    pub(crate) async fn decide(&mut self, action: &str, extra: impl AsyncFnOnce(&Browser)) {
        let panel = format!("#paneel-{action}");
        let open = self
            .client
            .find(Locator::Css(&panel))
            .await
            .unwrap()
            .attr("open")
            .await
            .unwrap();
        if open.is_none() {
            self.click(&format!("{panel} summary")).await;
        }
        extra(self).await;
        self.shot(&format!("besluit-{action}")).await;
        self.click(&format!("{panel} button[type=submit]")).await;
    }

    /// The browser window's size (desktop 1280×720, phone 390×844).
    pub(crate) async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// Waits until the cluster page shows `status` after a decision.
    pub(crate) async fn expect_status(&self, status: &str) {
        self.wait_for(&format!("Status: {status}")).await;
    }
}

#[tokio::test]
async fn a_team_member_signs_in_previews_and_submits_a_signal() {
    let (site, _) = seeded_site().await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, "indiener").await;
    browser.sign_in(&site.base, "indiener1").await;
    browser
        .client
        .goto(&format!("{}/signalen/nieuw", site.base))
        .await
        .unwrap();
    browser.fill("#area", "Moerwijk").await;
    browser
        .fill(
            "#text",
            "Dhr. de Vries (06-12345678) wacht al 16 weken op een intake bij de GGZ.",
        )
        .await;
    browser.click("input[value=mentale-gezondheid]").await;
    browser.click("button[value=voorbeeld]").await;
    let preview = browser.wait_for("Dit wordt weggehaald").await;
    assert!(preview.contains("[TELEFOON]"), "{preview}");
    browser.shot("voorbeeld").await;
    crate::browser_review::axe(&browser, "the intake form with its preview").await;
    browser.click("button[value=versturen]").await;
    browser.wait_for("Het signaal is ontvangen").await;
    browser.shot("verstuurd").await;
    let store = site.store.clone();
    eventually(
        "the form's signal to be stored",
        Duration::from_secs(30),
        || {
            let store = store.clone();
            async move { store.signal_count().await.unwrap() == 6 }
        },
    )
    .await;
    browser
        .client
        .goto(&format!("{}/signalen", site.base))
        .await
        .unwrap();
    let own = browser.wait_for("Mijn signalen").await;
    assert!(
        own.contains("[TELEFOON]") && !own.contains("12345678"),
        "{own}"
    );
    browser.shot("mijn-signalen").await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

/// The review loop in the browser: a signal taken off a cluster and given a second barrier on
/// the cluster page, and an unclassified signal triaged on Niet ingedeeld.
#[tokio::test]
async fn the_overleg_labels_a_signal_and_triages_the_queue() {
    let (site, moerwijk) = seeded_site().await;
    let today = knooppunt_ingest::today_nl().to_string();
    post_and_wait(
        &site,
        &serde_json::json!([signal(
            "u1",
            "verbinders-moerwijk",
            "Moerwijk",
            &today,
            "Gezellige middag in de buurtkamer, iedereen bakte koekjes."
        )]),
        6,
    )
    .await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, "labels").await;
    browser.sign_in(&site.base, "overleg").await;
    browser
        .client
        .goto(&format!("{}/clusters/{moerwijk}", site.base))
        .await
        .unwrap();
    browser.wait_for("Hoort niet bij deze barrière").await;
    browser.shot("cluster-voor").await;
    browser
        .click("blockquote:first-of-type form.label-form button[value=hoort-er-niet-bij]")
        .await;
    browser.wait_for("4 signalen van").await;
    browser.shot("cluster-na-hoort-niet").await;
    assert_eq!(
        site.store
            .cluster(&moerwijk)
            .await
            .unwrap()
            .unwrap()
            .signal_count,
        4
    );
    browser
        .client
        .find(Locator::Css(
            "blockquote:first-of-type form.label-form select",
        ))
        .await
        .unwrap()
        .select_by_value("angst-uitkeringskorting")
        .await
        .unwrap();
    browser.shot("cluster-ook-gekozen").await;
    browser
        .click("blockquote:first-of-type form.label-form button[value=ook]")
        .await;
    let store = site.store.clone();
    eventually(
        "the second barrier to be stored",
        Duration::from_secs(10),
        || {
            let store = store.clone();
            async move {
                store
                    .clusters()
                    .await
                    .unwrap()
                    .iter()
                    .any(|c| c.barrier == "angst-uitkeringskorting" && c.signal_count == 1)
            }
        },
    )
    .await;
    browser.wait_for("Besluit nemen").await;
    browser.shot("cluster-na-ook").await;

    browser
        .client
        .goto(&format!("{}/niet-ingedeeld", site.base))
        .await
        .unwrap();
    browser.wait_for("koekjes").await;
    browser.shot("niet-ingedeeld").await;
    browser
        .client
        .find(Locator::Css("blockquote.ongeordend select[name=barriere]"))
        .await
        .unwrap()
        .select_by_value("loket-drempel")
        .await
        .unwrap();
    browser
        .click("blockquote.ongeordend button[type=submit]")
        .await;
    browser.wait_for("Er wachten geen signalen").await;
    browser.shot("niet-ingedeeld-leeg").await;
    assert_eq!(
        site.store
            .signal("verbinders-moerwijk", "u1")
            .await
            .unwrap()
            .unwrap()
            .barriers,
        ["loket-drempel"]
    );
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_confirms_merges_and_snoozes_and_the_municipality_downloads_the_brief() {
    let (site, moerwijk) = seeded_site().await;
    // A second kostendelersnorm cluster, in Laak, to merge into Moerwijk's.
    let today = knooppunt_ingest::today_nl().to_string();
    post_and_wait(
        &site,
        &serde_json::json!([signal(
            "laak-1",
            "buurtteam-laak",
            "Laak",
            &today,
            "Kostendelersnorm: zoon weer thuis, bijstand van vader omlaag."
        )]),
        6,
    )
    .await;
    let laak = site
        .store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.area == "Laak")
        .unwrap()
        .id;

    let driver = driver().await;
    let mut browser = Browser::start(&driver, "overleg").await;
    browser.sign_in(&site.base, "overleg").await;
    browser.wait_for("Vergadering signaleringsoverleg").await;
    browser.shot("agenda").await;
    browser
        .click(&format!("a[href='/clusters/{moerwijk}']"))
        .await;
    browser.wait_for("Besluit nemen").await;
    browser.decide("bevestigen", async |_| {}).await;
    browser.expect_status("bevestigd").await;
    browser.shot("bevestigd").await;

    browser
        .client
        .goto(&format!("{}/clusters/{laak}", site.base))
        .await
        .unwrap();
    browser
        .decide("samenvoegen", async |b: &Browser| {
            b.click(&format!("input[name=met][value='{moerwijk}']"))
                .await;
        })
        .await;
    browser.expect_status("samengevoegd").await;
    browser.shot("samengevoegd").await;

    browser
        .client
        .goto(&format!("{}/clusters/{moerwijk}", site.base))
        .await
        .unwrap();
    browser
        .decide("parkeren", async |b: &Browser| {
            b.click("input[name=tot][value=piek]").await;
        })
        .await;
    browser.expect_status("geparkeerd").await;
    let page = browser.text().await;
    for step in ["bevestigd als knelpunt", "tot een piek"] {
        assert!(page.contains(step), "history shows {step}");
    }
    browser.shot("geparkeerd").await;
    browser.client.close().await.unwrap();

    // The brief is published; the municipality signs in and downloads it as PDF.
    knooppunt_reports::Brief::gather_full(
        &site.store,
        &knooppunt_rules::ruleset::RuleSet::default_rules()
            .unwrap()
            .catalog(),
        knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl()),
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
    let mut browser = Browser::start(&driver, "gemeente").await;
    browser.sign_in(&site.base, "gemeente").await;
    browser.shot("knelpunten").await;
    let quarter = knooppunt_reports::Quarter::containing(knooppunt_ingest::today_nl());
    browser
        .client
        .goto(&format!(
            "{}/brief?kwartaal={quarter}&formaat=pdf",
            site.base
        ))
        .await
        .ok();
    let pdf = browser.downloads.join(format!("brief-{quarter}.pdf"));
    eventually(
        "the brief to be downloaded",
        Duration::from_secs(60),
        || {
            let pdf = pdf.clone();
            async move { std::fs::read(&pdf).is_ok_and(|b| b.starts_with(b"%PDF")) }
        },
    )
    .await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}
