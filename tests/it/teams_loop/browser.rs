//! The teams' loop in Chromium at desktop and phone width, with screenshots and axe.

use super::*;

async fn team_loop_at((width, height): (u32, u32)) {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;
    let driver = driver().await;
    let mut browser = Browser::start(&driver, &format!("teams-{width}")).await;
    browser.resize(width, height).await;

    // The overleg attaches a werkroute on the cluster page.
    browser.sign_in(&site.base, "overleg").await;
    browser
        .open(
            &format!("/clusters/{cluster}#werkroute"),
            "Werkroute voor teams",
        )
        .await;
    browser.fill("#werkroute-tekst", ROUTE).await;
    let counter = browser
        .js("return document.querySelector('#werkroute-teller').textContent")
        .await;
    assert!(
        counter.as_str().unwrap().ends_with("van 1.000 tekens"),
        "{counter}"
    );
    browser
        .click_to(
            "#werkroute button[type=submit]",
            "De werkroute is vastgelegd",
        )
        .await;
    check_page(
        &mut browser,
        "werkroute-vastgelegd",
        "the cluster page with its werkroute",
    )
    .await;
    browser.click_to("header button", "Inloggen").await;

    // The team reports; the preview comes into view, then the werkroute shows on sending.
    browser.sign_in(&site.base, "indiener1").await;
    browser.goto("/signalen/nieuw").await;
    browser.fill("#area", "Moerwijk").await;
    // With a link pasted in, longer than a phone is wide: the pages that show the text wrap
    // it rather than grow wider than the screen (`check_page` below).
    let text = "Zoon van 22 trekt weer in bij zijn moeder; de kostendelersnorm verlaagt haar \
         bijstand. Zie www.rijksoverheid.nl/onderwerpen/bijstand/kostendelersnorm?\
         utm_source=nieuwsbrief&utm_medium=email&utm_campaign=kostendelersnorm2026";
    browser.fill("#text", text).await;
    let counter = browser
        .js("return document.querySelector('#text-teller').textContent")
        .await;
    let expected = format!("{} van 4.000 tekens", text.chars().count());
    assert_eq!(counter, serde_json::json!(expected), "the live counter");
    browser
        .click_to("button[value=voorbeeld]", "Er wordt niets weggehaald")
        .await;
    let in_view = "const r = document.querySelector('#voorbeeld').getBoundingClientRect(); \
         return r.top >= 0 && r.top < window.innerHeight && document.activeElement.id === 'voorbeeld';";
    let seen = browser.js(in_view).await;
    assert_eq!(seen, true, "the preview is in view and has the focus");
    browser.shot("voorbeeld-in-beeld").await;
    axe(&browser, "the form with its preview").await;
    let page = browser
        .click_to("button[value=versturen]", "Het signaal is ontvangen")
        .await;
    assert!(page.contains("Werkroute: Kostendelersnorm"), "{page}");
    assert!(page.contains("consulent inkomen"), "{page}");
    browser.shot("werkroute-bij-melden").await;
    browser.scroll_to("section.werkroute").await;
    check_page(
        &mut browser,
        "werkroute-bij-melden-in-beeld",
        "the confirmation with a werkroute",
    )
    .await;

    // A refused form: Dutch field names, each error tied to its input.
    browser.fill("#area", "Nergenshuizen").await;
    browser.fill("#text", "Kostendelersnorm speelt weer.").await;
    let refused = browser
        .click_to("button[value=versturen]", "Het signaal is niet verstuurd")
        .await;
    assert!(refused.contains("Wijk:"), "{refused}");
    let tied = browser
        .js("return document.querySelector('#area').getAttribute('aria-describedby')")
        .await;
    assert_eq!(tied, "veld-fout-area");
    let at_input = browser
        .js("return document.querySelector('#veld-fout-area').textContent")
        .await;
    assert!(
        at_input
            .as_str()
            .is_some_and(|t| t.contains("kennen we niet")),
        "{at_input}"
    );
    browser.shot("fout-bij-veld").await;
    axe(&browser, "a refused form").await;

    // A note pasted longer than the limit is not cut off: the counter says how much too long
    // it is, and the refusal names the field and keeps every character to shorten.
    let sentence = "De corporatie reageert al maanden niet op de meldingen over schimmel.";
    let long = vec![sentence; 67].join(" ");
    assert_eq!(long.chars().count(), 4_689);
    browser.fill("#area", "Moerwijk").await;
    browser.fill("#text", &long).await;
    let counter = browser
        .js("return document.querySelector('#text-teller').textContent")
        .await;
    assert_eq!(
        counter,
        "4.689 van 4.000 tekens; 689 te veel: kort de tekst in"
    );
    let refused = browser
        .click_to("button[value=versturen]", "Het signaal is niet verstuurd")
        .await;
    assert!(
        refused.contains("te lang: 4.689 tekens, maximaal 4.000"),
        "{refused}"
    );
    let kept = browser
        .js("return Array.from(document.querySelector('#text').value).length")
        .await;
    assert_eq!(kept, 4_689, "nothing of the paste is lost");

    // "Mijn signalen" with what became of each signal.
    wait_signals(&site, 6).await;
    let mine = browser.open("/signalen", "Mijn signalen").await;
    assert_shows(
        &mine,
        &[
            "bevestigd als knelpunt",
            "telt mee in de kwartaalbrief van het",
            "Herkend als: Kostendelersnorm",
            "Werkroute van het overleg:",
        ],
    );
    browser.shot("mijn-signalen").await;
    let centre = "document.querySelector('.knelpunt-status').scrollIntoView({block: 'center'})";
    browser.js(centre).await;
    check_page(&mut browser, "mijn-signalen-status", "Mijn signalen").await;

    // A form left open past the idle time: the first keystroke says the session has ended,
    // before the text is sent in vain; the text stays in the field to copy.
    browser.goto("/signalen/nieuw").await;
    crate::security::back_date_sessions(&site.store, 31).await;
    browser
        .fill("#text", "Een lange tekst die niet verloren mag gaan.")
        .await;
    browser.wait_for("Uw sessie is verlopen").await;
    let kept = browser
        .js("return document.querySelector('#text').value")
        .await;
    assert_eq!(kept, "Een lange tekst die niet verloren mag gaan.");
    check_page(
        &mut browser,
        "sessie-verlopen",
        "the notice of an ended session",
    )
    .await;
    browser.close().await;
    site.app.stop().await;
}

async fn beheer_at((width, height): (u32, u32)) {
    let (site, _) = seeded_site().await;
    let driver = driver().await;
    let size = Some((width, height));
    let mut browser = Browser::signed_in(
        &driver,
        &format!("beheer-{width}"),
        size,
        &site.base,
        "beheer",
    )
    .await;
    browser.wait_for("Gebruikers").await;
    check_page(&mut browser, "beheer", "the beheer page").await;
    browser
        .click_to(
            "a[href='/beheer/gebruikers/indiener1']",
            "Gebruiker indiener1",
        )
        .await;
    let page = browser
        .click_to(
            "form[action$='/wachtwoord'] button",
            "Het wachtwoord is opnieuw ingesteld",
        )
        .await;
    assert!(
        page.contains("Tijdelijk wachtwoord voor indiener1"),
        "{page}"
    );
    check_page(
        &mut browser,
        "wachtwoord-gereset",
        "a reset password shown once",
    )
    .await;
    browser.client.refresh().await.unwrap();
    let again = browser.wait_for("Gebruiker indiener1").await;
    assert!(
        !again.contains("Tijdelijk wachtwoord"),
        "shown once: {again}"
    );
    browser
        .click_to(
            "form[action$='/deactiveren'] button",
            "De gebruiker is gedeactiveerd",
        )
        .await;
    browser.shot("gedeactiveerd").await;
    axe(&browser, "a deactivated account").await;

    // A token: shown once after the redirect; revoking asks first.
    browser.goto("/beheer").await;
    browser.fill("#tbron", "ggz-haaglanden").await;
    browser.fill("#omschrijving", "koppeling EPD").await;
    browser
        .click_to(
            "form[action='/beheer/tokens'] button",
            "Het API-token is aangemaakt",
        )
        .await;
    check_page(&mut browser, "token-aangemaakt", "a new token shown once").await;
    browser
        .click_to("a[href$='/intrekken']", "Token intrekken?")
        .await;
    check_page(
        &mut browser,
        "intrekken-bevestigen",
        "the revocation's confirmation",
    )
    .await;
    browser
        .click_to("button.knop-primair", "Het API-token is ingetrokken")
        .await;
    browser.shot("token-ingetrokken").await;
    browser.close().await;
    site.app.stop().await;
}

on_screens!(team_loop_at: a_team_gets_its_werkroute_and_sees_its_signals_on_a_desktop = PROJECTOR, a_team_gets_its_werkroute_and_sees_its_signals_on_a_phone = PHONE);

on_screens!(beheer_at: beheer_resets_and_deactivates_on_a_desktop = PROJECTOR, beheer_resets_and_deactivates_on_a_phone = PHONE);

#[tokio::test]
async fn a_signal_of_a_merged_knelpunt_shows_where_it_went() {
    let (site, moerwijk) = seeded_site().await;
    let laak_signal = (
        "laak1",
        "verbinders-moerwijk",
        "Laak",
        "Kostendelersnorm: volwassen zoon weer thuis, bijstand van vader verlaagd.",
    );
    site.post_today(&[laak_signal], 6).await;
    let laak = site.cluster_id("kostendelersnorm", "Laak").await;
    let overleg = site.login("overleg").await;
    let (status, body) = overleg.merge(&moerwijk, &laak).await;
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
        // Laak counts Moerwijk's five signals with its own one: not "under five" any more.
        assert!(!entry.contains("minder dan 5 signalen"), "{entry}");
    }
    site.app.stop().await;
}
