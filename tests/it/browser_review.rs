//! The overleg's meeting in real Chromium, at projector (1280×720) and phone (390×844) width:
//! the meeting page with its overview and trend charts, a refused decision that keeps its
//! panel and input, a decision confirmed by a message, its undo, and an approved vignette.
//! Screenshots in `target/tmp/browser/vergadering-<width>/`.

use crate::support::*;
use fantoccini::Locator;

/// A seeded site (its Moerwijk cluster) and a browser for `test` at `width`×`height`,
/// signed in as `name`.
async fn signed_in_at(
    driver: &Driver,
    test: &str,
    (width, height): (u32, u32),
    name: &str,
) -> (Site, String, Browser) {
    let (site, cluster) = seeded_site().await;
    let browser = Browser::signed_in(
        driver,
        &format!("{test}-{width}"),
        Some((width, height)),
        &site.base,
        name,
    )
    .await;
    (site, cluster, browser)
}

async fn meeting_at((width, height): (u32, u32)) {
    let began = knooppunt_ingest::today_nl();
    let driver = driver().await;
    let (site, cluster, mut browser) =
        signed_in_at(&driver, "vergadering", (width, height), "overleg").await;

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
    let size = browser
        .js("const r = document.querySelector('svg.trend').getBoundingClientRect(); return [r.width, r.height];")
        .await;
    let (w, h) = (size[0].as_f64().unwrap(), size[1].as_f64().unwrap());
    assert!(w >= 300.0 && h >= 120.0, "trend chart {w}×{h}");
    let labels = browser
        .js("return document.querySelectorAll('svg.trend .trend-periode').length")
        .await;
    assert_eq!(labels, 6, "every period labelled");
    // Nothing wider than the screen: tables scroll inside their own box.
    check_page(&mut browser, "vergadering", "the meeting page").await;
    browser.click(&link).await;
    browser.shot("agendapunt").await;

    // The cluster page: the same evidence, then a refused decision keeps its panel and input.
    let page = browser
        .open(&format!("/clusters/{cluster}"), "Besluit nemen")
        .await;
    assert!(
        page.contains("Wat de signalen laten zien") && page.contains("Bronnen"),
        "{page}"
    );
    // Its trend runs up to today, and the caption says so (the agenda's up to its meeting).
    let caption = |day: &String| format!("de laatste periode eindigt op {day}");
    assert!(
        dutch_days_since(began)
            .iter()
            .any(|day| page.contains(&caption(day))),
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
    let kept = browser
        .js("return [document.querySelector('#paneel-parkeren').open, document.querySelector('#reden-parkeren').value, document.querySelector('#paneel-parkeren input[value=datum]').checked]")
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
    // The confirmation is in view, not left above the panel the form scrolled to (within a
    // pixel: scrolled to, its top lies at a fraction below zero).
    let top = browser
        .js("const r = document.getElementById('melding').getBoundingClientRect(); return [r.top >= -1 && r.bottom <= window.innerHeight + 1, window.scrollY, r.top];")
        .await;
    assert_eq!(
        top[0],
        serde_json::json!(true),
        "the decision's message is in view: {top}"
    );
    browser.expect_status("afgewezen").await;
    browser.shot("besluit-bevestigd").await;
    browser
        .click_to("form.ongedaan button", "is ongedaan gemaakt")
        .await;
    browser.expect_status("open").await;
    browser.shot("ongedaan").await;

    browser.decide("bevestigen", async |_| {}).await;
    browser.wait_for("De status is nu: bevestigd").await;
    // The newest signal names an age ("Zoon van 24"): the page says so. The chair rewrites
    // the vignette without it, which needs no tick.
    let page = browser.text().await;
    assert!(
        page.contains("Let op: deze tekst noemt leeftijd („Zoon van 24”)"),
        "{page}"
    );
    browser
        .js("document.querySelector(\"form[action$='/vignet'] .let-op\").scrollIntoView(); return true;")
        .await;
    browser.shot("vignet-let-op").await;
    browser
        .click("form[action$='/vignet'] details.vignet-tekst summary")
        .await;
    let own = "Een zoon wil weer thuis wonen, maar dan gaat de bijstand van zijn moeder omlaag.";
    browser
        .fill("form[action$='/vignet'] textarea[name=tekst]", own)
        .await;
    browser.shot("vignet-herschreven").await;
    browser
        .click_to(
            "form[action$='/vignet'] button[type=submit]",
            "goedgekeurd als vignet",
        )
        .await;
    let page = browser.text().await;
    assert!(
        page.contains(&format!(
            "Goedgekeurd als vignet voor de brief, in deze woorden: „{own}”"
        )),
        "{page}"
    );
    // The history (four decisions now) fits the window: on a phone each decision a card.
    check_page(&mut browser, "vignet-goedgekeurd", "the cluster page").await;

    // Back on the meeting page: the decision is listed in Dutch time.
    let agenda = browser.open("/agenda", "Besluiten op").await;
    let days = dutch_days_since(began);
    assert!(
        days.iter().any(|day| agenda.contains(&format!("{day} "))),
        "{agenda}"
    );
    check_page(&mut browser, "besluiten", "the meeting's decisions").await;

    // The confirmed knelpunten: its table stays within the window too.
    browser.open("/knelpunten", "Bevestigde knelpunten").await;
    check_page(&mut browser, "knelpunten", "the confirmed knelpunten").await;

    // The queue of unclassified signals is one step away, in the menu.
    browser
        .click_to(
            "nav.hoofdmenu a[href='/niet-ingedeeld']",
            "Deel ze in bij een barrière",
        )
        .await;
    check_page(
        &mut browser,
        "niet-ingedeeld",
        "the queue of unclassified signals",
    )
    .await;
    axe(&browser, "the queue of unclassified signals").await;
    browser.close().await;
    site.app.stop().await;
}

on_screens!(meeting_at: the_overleg_runs_its_meeting_on_a_projector = PROJECTOR,
    the_overleg_runs_its_meeting_on_a_phone = PHONE);

/// A team sees what became of its signals: received, recognised as, the knelpunt and its
/// state, the brief it counts in.
async fn my_signals_at((width, height): (u32, u32)) {
    let began = knooppunt_ingest::today_nl();
    let driver = driver().await;
    let (site, cluster, mut browser) =
        signed_in_at(&driver, "mijn-signalen", (width, height), "indiener1").await;
    confirm_as_overleg(&site, &cluster).await;
    let page = browser.open("/signalen", "Mijn signalen").await;
    assert!(
        page.contains("Herkend als: Kostendelersnorm"),
        "barrier titles, not slugs: {page}"
    );
    assert!(!page.contains("kostendelersnorm\n"), "{page}");
    assert!(
        page.contains("bevestigd als knelpunt") && page.contains("telt mee in de kwartaalbrief"),
        "{page}"
    );
    let days = dutch_days_since(began);
    assert!(
        days.iter()
            .any(|day| page.contains(&format!("Ontvangen {day}"))),
        "{page}"
    );
    assert!(page.contains("pagina 1 van 1"), "{page}");
    check_page(&mut browser, "mijn-signalen", "Mijn signalen").await;
    browser.close().await;
    site.app.stop().await;
}

on_screens!(my_signals_at: a_team_sees_what_became_of_its_signals_on_a_desktop = PROJECTOR,
    a_team_sees_what_became_of_its_signals_on_a_phone = PHONE);
