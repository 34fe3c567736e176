//! Real headless Chromium (Debian's `chromium` and `chromium-driver`) over WebDriver: the
//! driver process, a browser session with the page steps the browser tests share (sign in,
//! open a page, fill, click, decide, wait for text), screenshots of every step in
//! `target/tmp/browser/<test>/`, and the accessibility (axe-core) and width checks.
//! Without Chromium or ChromeDriver these tests fail.

use super::{eventually, eventually_ok, free_port, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A projector's (or desktop's) screen and a phone's, width × height.
pub const PROJECTOR: (u32, u32) = (1280, 720);
pub const PHONE: (u32, u32) = (390, 844);

/// One test per screen size for a scenario that takes the size:
/// `on_screens!(scenario: test_on_a_projector = PROJECTOR, test_on_a_phone = PHONE);`
#[allow(unused_macros)] // the benches include this file too
macro_rules! on_screens {
    ($scenario:ident: $($test:ident = $size:expr),+ $(,)?) => {
        $(
            #[tokio::test]
            async fn $test() {
                $scenario($size).await;
            }
        )+
    };
}
#[allow(unused_imports)]
pub(crate) use on_screens;

/// A running ChromeDriver, stopped when dropped.
pub struct Driver {
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

/// Starts ChromeDriver (`KNOOPPUNT_CHROMEDRIVER`) on a free port and waits until it answers.
pub async fn driver() -> Driver {
    let port = free_port();
    let path = binary("KNOOPPUNT_CHROMEDRIVER", "/usr/bin/chromedriver");
    let child = Command::new(&path)
        .arg(format!("--port={port}"))
        // Chromium on Linux takes its locale (how a date input shows its value) from here;
        // `chromium-l10n` (tests/run.sh) holds the Dutch one.
        .env("LANGUAGE", "nl_NL:nl")
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

/// A Chromium session on one site: screenshots numbered by step, downloads in a folder of
/// its own.
pub struct Browser {
    pub client: Client,
    /// The site's address, set by [`Browser::sign_in`]; [`Browser::goto`] paths are below it.
    pub base: String,
    shots: PathBuf,
    pub downloads: PathBuf,
    step: usize,
    /// The window's width as last set (the `--window-size` of [`Browser::start`] until then).
    width: u32,
}

impl Browser {
    pub async fn start(driver: &Driver, test: &str) -> Self {
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
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400", "--lang=nl-NL"],
                // A Dutch browser, as the users' own: date inputs show dd-mm-jjjj.
                "prefs": {
                    "intl.accept_languages": "nl-NL,nl",
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
            base: String::new(),
            shots,
            downloads,
            step: 0,
            width: 1280,
        }
    }

    /// A session for `test` (at `size`, width × height, if given), signed in on `base` as
    /// `name`.
    pub async fn signed_in(
        driver: &Driver,
        test: &str,
        size: Option<(u32, u32)>,
        base: &str,
        name: &str,
    ) -> Self {
        let mut browser = Self::start(driver, test).await;
        if let Some((width, height)) = size {
            browser.resize(width, height).await;
        }
        browser.sign_in(base, name).await;
        browser
    }

    pub async fn shot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.step)), png).unwrap();
    }

    /// Opens `path` on the site.
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// Opens `path` on the site and waits until it shows `needle`; its text.
    pub async fn open(&self, path: &str, needle: &str) -> String {
        self.goto(path).await;
        self.wait_for(needle).await
    }

    /// The page's text. A form submission navigates asynchronously, so an element found on
    /// the old page can go stale: read again until the document answers.
    pub async fn text(&self) -> String {
        eventually_ok("the page to settle", Duration::from_secs(10), async || {
            let body = self.client.find(Locator::Css("body")).await;
            let body = body.map_err(|e| e.to_string())?;
            body.text().await.map_err(|e| e.to_string())
        })
        .await
    }

    /// Waits until the page shows `needle` (after a click that navigates); its text.
    pub async fn wait_for(&self, needle: &str) -> String {
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

    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Clicks `css` (a link or a button that navigates) and waits until the page shows
    /// `needle`; its text.
    pub async fn click_to(&self, css: &str, needle: &str) -> String {
        self.click(css).await;
        self.wait_for(needle).await
    }

    /// Chooses `value` in the select list `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// Runs `script` on the page; what it returns.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Scrolls the element `css` into view (to the top of the window).
    pub async fn scroll_to(&self, css: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView()",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
    }

    /// Signs in on `base` as `name`; later [`Browser::goto`] paths are on `base`.
    pub async fn sign_in(&mut self, base: &str, name: &str) {
        self.base = base.to_string();
        self.goto("/inloggen").await;
        self.fill("#naam", name).await;
        self.fill("#wachtwoord", PASSWORD).await;
        self.shot(&format!("inloggen-{name}")).await;
        self.click_to("button[type=submit]", &format!("{name} · "))
            .await;
        // The page is styled under the strict Content-Security-Policy: the stylesheet loaded.
        let background = self
            .js("return getComputedStyle(document.querySelector('header')).backgroundColor")
            .await;
        assert_eq!(background, "rgb(43, 108, 176)", "the site's stylesheet");
    }

    /// Opens the action's own panel, fills it (`extra`) and presses its button.
    pub async fn decide(&mut self, action: &str, extra: impl AsyncFnOnce(&Browser)) {
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
    pub async fn resize(&mut self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
        self.width = width;
    }

    /// Waits until the cluster page shows `status` after a decision.
    pub async fn expect_status(&self, status: &str) {
        self.wait_for(&format!("Status: {status}")).await;
    }

    /// Ends the Chromium session.
    pub async fn close(self) {
        self.client.close().await.unwrap();
    }
}

/// axe-core's browser script: `KNOOPPUNT_AXE`, else where `tests/run.sh` installs it with npm.
fn axe_source() -> String {
    let path = std::env::var("KNOOPPUNT_AXE").unwrap_or_else(|_| {
        format!(
            "{}/.cache/knooppunt/axe/node_modules/axe-core/axe.min.js",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("axe-core ({path}): {e}; tests/run.sh installs it (npm install axe-core)")
    })
}

/// Runs axe-core's WCAG 2.1 A and AA rules on the current page; fails on any violation.
pub async fn axe(browser: &Browser, what: &str) {
    let mut script = axe_source();
    script.push_str("\n;return typeof axe;");
    let loaded = browser.js(&script).await;
    assert_eq!(loaded, "object", "axe-core loaded");
    let violations = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}) \
               .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + \
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))), e => done(['axe: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        violations,
        serde_json::json!([]),
        "WCAG 2.1 A/AA violations on {what}"
    );
}

/// Asserts nothing on the page is wider than the window; names what sticks out otherwise.
pub async fn fits(browser: &Browser, width: u32) {
    let overflow = browser
        .js(
            "const w = document.documentElement.clientWidth; \
         const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.tabel-box')) \
           .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); \
         return [document.documentElement.scrollWidth - w, wide];",
        )
        .await;
    assert_eq!(overflow[0], 0, "the page fits {width} px: {overflow}");
    // On a phone a table of records is a list of cards: its box never scrolls sideways, and
    // each cell names its column.
    if width <= 640 {
        let sideways = browser
            .js("return [...document.querySelectorAll('table.gestapeld')] \
                   .map(t => t.closest('.tabel-box') || t) \
                   .filter(b => b.scrollWidth > b.clientWidth + 1) \
                   .map(b => b.getAttribute('aria-labelledby') + ' ' + b.scrollWidth);")
            .await;
        assert_eq!(sideways, serde_json::json!([]), "stacked at {width} px");
        let unnamed = browser
            .js("return document.querySelectorAll('table.gestapeld td:not([data-kop])').length;")
            .await;
        assert_eq!(unnamed, 0, "every stacked cell names its column");
    }
}

/// The page is checked as a person meets it: a screenshot, nothing wider than the window,
/// and no WCAG 2.1 A/AA violation.
pub async fn check_page(browser: &mut Browser, shot: &str, what: &str) {
    browser.shot(shot).await;
    fits(browser, browser.width).await;
    axe(browser, what).await;
}
