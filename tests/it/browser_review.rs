//! The overleg's meeting in real Chromium, at projector (1280×720) and phone (390×844) width:
//! the meeting page with its overview and trend charts, a refused decision that keeps its
//! panel and input, a decision confirmed by a message, its undo, and an approved vignette.
//! Screenshots in `target/tmp/browser/vergadering-<width>/`.

use crate::browser::{driver, Browser};
use crate::web::{confirm_as_overleg, seeded_site};
use fantoccini::Locator;

async fn js(browser: &Browser, script: &str) -> serde_json::Value {
    browser.client.execute(script, vec![]).await.unwrap()
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
pub(crate) async fn axe(browser: &Browser, what: &str) {
    let mut script = axe_source();
    script.push_str("\n;return typeof axe;");
    let loaded = browser.client.execute(&script, vec![]).await.unwrap();
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
pub(crate) async fn fits(browser: &Browser, width: u32) {
    let overflow = js(
        browser,
        "const w = document.documentElement.clientWidth; \
         const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.tabel-box')) \
           .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); \
         return [document.documentElement.scrollWidth - w, wide];",
    )
    .await;
    assert_eq!(overflow[0], 0, "the page fits {width} px: {overflow}");
}

async fn meeting_at(width: u32, height: u32) {
    let (site, cluster) = seeded_site().await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, &format!("vergadering-{width}")).await;
    browser.resize(width, height).await;
    browser.sign_in(&site.base, "overleg").await;

    // The meeting page: an overview with links down to each item, and a readable trend chart.
    let agenda = browser.wait_for("Vergadering signaleringsoverleg").await;
    assert!(agenda.contains("Overzicht"), "{agenda}");
    assert!(
        agenda.contains("Kostendelersnorm") && agenda.contains("Moerwijk"),
        "{agenda}"
    );
    assert!(agenda.contains("nog geen"), "decision so far: {agenda}");
    let link = format!("table.overzicht a[href='#punt-{cluster}']");
    browser.client.find(Locator::Css(&link)).await.unwrap();
    let size = js(
        &browser,
        "const r = document.querySelector('svg.trend').getBoundingClientRect(); return [r.width, r.height];",
    )
    .await;
    let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
    assert!(w >= 300.0 && h >= 120.0, "trend chart {w}×{h}");
    let labels = js(
        &browser,
        "return document.querySelectorAll('svg.trend .trend-periode').length",
    )
    .await;
    assert_eq!(labels, 6, "every period labelled");
    // Nothing wider than the screen: tables scroll inside their own box.
    browser.shot("vergadering").await;
    fits(&browser, width).await;
    axe(&browser, "the meeting page").await;
    browser.click(&link).await;
    browser.shot("agendapunt").await;

    // The cluster page: the same evidence, then a refused decision keeps its panel and input.
    browser
        .client
        .goto(&format!("{}/clusters/{cluster}", site.base))
        .await
        .unwrap();
    let page = browser.wait_for("Besluit nemen").await;
    assert!(
        page.contains("Wat de signalen laten zien") && page.contains("Bronnen"),
        "{page}"
    );
    let reason = "Eerst het gesprek met de sociale dienst afwachten";
    browser
        .decide("parkeren", async |b: &Browser| {
            b.click("#paneel-parkeren input[name=tot][value=datum]")
                .await;
            b.fill("#reden-parkeren", reason).await;
        })
        .await;
    browser.wait_for("parkeren: vul een geldige datum in").await;
    let kept = js(
        &browser,
        "return [document.querySelector('#paneel-parkeren').open, document.querySelector('#reden-parkeren').value, document.querySelector('#paneel-parkeren input[value=datum]').checked]",
    )
    .await;
    assert_eq!(kept, serde_json::json!([true, reason, true]));
    browser.expect_status("open").await;
    browser.shot("geweigerd-blijft-staan").await;
    axe(&browser, "a refused decision").await;

    // A decision is confirmed by a message, and today's last decision can be undone.
    browser
        .decide("afwijzen", async |b: &Browser| {
            b.fill(
                "#reden-afwijzen",
                "Landelijke regel, niet lokaal op te lossen",
            )
            .await;
        })
        .await;
    browser
        .wait_for("Besluit vastgelegd: afgewezen. De status is nu: afgewezen.")
        .await;
    browser.expect_status("afgewezen").await;
    browser.shot("besluit-bevestigd").await;
    browser.click("form.ongedaan button").await;
    browser.wait_for("is ongedaan gemaakt").await;
    browser.expect_status("open").await;
    browser.shot("ongedaan").await;

    browser.decide("bevestigen", async |_| {}).await;
    browser.wait_for("De status is nu: bevestigd").await;
    browser
        .click("form[action$='/vignet'] button[type=submit]")
        .await;
    browser.wait_for("goedgekeurd als vignet").await;
    let page = browser.text().await;
    assert!(
        page.contains("Goedgekeurd als vignet voor de brief"),
        "{page}"
    );
    browser.shot("vignet-goedgekeurd").await;
    axe(&browser, "the cluster page").await;

    // Back on the meeting page: the decision is listed in Dutch time.
    browser
        .client
        .goto(&format!("{}/agenda", site.base))
        .await
        .unwrap();
    let agenda = browser.wait_for("Besluiten op").await;
    let today = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(agenda.contains(&format!("{today} ")), "{agenda}");
    browser.shot("besluiten").await;
    axe(&browser, "the meeting's decisions").await;

    // The confirmed knelpunten: its table stays within the window too.
    browser
        .client
        .goto(&format!("{}/knelpunten", site.base))
        .await
        .unwrap();
    browser.wait_for("Bevestigde knelpunten").await;
    browser.shot("knelpunten").await;
    fits(&browser, width).await;
    axe(&browser, "the confirmed knelpunten").await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_runs_its_meeting_on_a_projector() {
    meeting_at(1280, 720).await;
}

#[tokio::test]
async fn the_overleg_runs_its_meeting_on_a_phone() {
    meeting_at(390, 844).await;
}

/// A team sees what became of its signals: received, recognised as, the knelpunt and its
/// state, the brief it counts in.
async fn my_signals_at(width: u32, height: u32) {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, &format!("mijn-signalen-{width}")).await;
    browser.resize(width, height).await;
    browser.sign_in(&site.base, "indiener1").await;
    browser
        .client
        .goto(&format!("{}/signalen", site.base))
        .await
        .unwrap();
    let page = browser.wait_for("Mijn signalen").await;
    assert!(
        page.contains("Herkend als: Kostendelersnorm"),
        "barrier titles, not slugs: {page}"
    );
    assert!(!page.contains("kostendelersnorm\n"), "{page}");
    assert!(
        page.contains("bevestigd als knelpunt") && page.contains("telt mee in de kwartaalbrief"),
        "{page}"
    );
    let today = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(page.contains(&format!("Ontvangen {today}")), "{page}");
    assert!(page.contains("pagina 1 van 1"), "{page}");
    fits(&browser, width).await;
    browser.shot("mijn-signalen").await;
    axe(&browser, "Mijn signalen").await;
    browser.client.close().await.unwrap();
    site.app.stop().await;
}

#[tokio::test]
async fn a_team_sees_what_became_of_its_signals_on_a_desktop() {
    my_signals_at(1280, 720).await;
}

#[tokio::test]
async fn a_team_sees_what_became_of_its_signals_on_a_phone() {
    my_signals_at(390, 844).await;
}
