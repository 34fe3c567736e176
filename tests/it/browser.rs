//! Browser tests in real headless Chromium, driven over WebDriver (`support/browser.rs`):
//! signing in, submitting a signal through the form or a file, reviewing clusters (confirm, merge,
//! snooze) and downloading the brief. Screenshots of every step are kept in
//! `target/tmp/browser/<test>/`. Without Chromium or ChromeDriver these tests fail.

use crate::support::*;
use fantoccini::Locator;
use std::time::Duration;

/// Waits until `check` holds for the stored clusters (fails after 10 s, naming `what`).
async fn until_clusters(
    site: &Site,
    what: &str,
    check: impl Fn(&[knooppunt_domain::cluster::ClusterRow]) -> bool,
) {
    eventually(what, Duration::from_secs(10), async || {
        check(&site.store.clusters().await.unwrap())
    })
    .await;
}

#[tokio::test]
async fn a_team_member_signs_in_previews_and_submits_a_signal() {
    let (site, _) = seeded_site().await;
    let driver = driver().await;
    let mut browser = Browser::signed_in(&driver, "indiener", None, &site.base, "indiener1").await;
    browser.goto("/signalen/nieuw").await;
    browser.fill("#area", "Moerwijk").await;
    browser
        .fill(
            "#text",
            "Dhr. de Vries (06-12345678) wacht al 16 weken op een intake bij de GGZ.",
        )
        .await;
    browser.click("input[value=mentale-gezondheid]").await;
    let preview = browser
        .click_to("button[value=voorbeeld]", "Dit wordt weggehaald")
        .await;
    assert!(preview.contains("[TELEFOON]"), "{preview}");
    browser.shot("voorbeeld").await;
    axe(&browser, "the intake form with its preview").await;
    browser
        .click_to("button[value=versturen]", "Het signaal is ontvangen")
        .await;
    browser.shot("verstuurd").await;
    wait_count(&site.store, 6, "the form's signal").await;
    let own = browser.open("/signalen", "Mijn signalen").await;
    assert!(
        own.contains("[TELEFOON]") && !own.contains("12345678"),
        "{own}"
    );
    browser.shot("mijn-signalen").await;
    browser.close().await;
    site.app.stop().await;
}

/// A team member on a phone uploads the file their team keeps in Excel, as older Excel saves
/// it, through the page's file input; one line is refused by its number and column.
#[tokio::test]
async fn a_team_member_uploads_an_excel_file_on_a_phone() {
    let site = site().await;
    let driver = driver().await;
    let phone = Some((390, 844));
    let mut browser =
        Browser::signed_in(&driver, "importeren-390", phone, &site.base, "indiener1").await;
    browser
        .open("/signalen/importeren", "Bestand importeren")
        .await;
    browser.shot("leeg").await;
    let today = knooppunt_ingest::today_nl().format("%d-%m-%Y");
    let file = browser.downloads.join("signalen-wijkteam.csv");
    let text = format!(
        "datum;wijk;thema's;omschrijving\r\n\
         {today};Moerwijk;financien;Zoon weer thuis, bijstand omlaag (kostendelersnorm), financiën\r\n\
         {today};Moerwyk;;Corporatie reageert al 9 weken niet\r\n"
    );
    std::fs::write(&file, encoding_rs::WINDOWS_1252.encode(&text).0).unwrap();
    let input = browser.client.find(Locator::Css("#bestand")).await.unwrap();
    input.send_keys(&file.display().to_string()).await.unwrap();
    let shown = browser
        .click_to("form[enctype] button[type=submit]", "ontvangen")
        .await;
    assert!(
        shown.contains("Gelezen als Windows-1252: 1 signaal ontvangen, 1 regel geweigerd.")
            && shown.contains("regel 3: wijk:"),
        "{shown}"
    );
    browser.shot("uitkomst").await;
    axe(&browser, "the upload page with its outcome").await;
    wait_count(&site.store, 1, "the uploaded line").await;
    browser.close().await;
    site.app.stop().await;
}

/// The review loop in the browser: a signal taken off a cluster and given a second barrier on
/// the cluster page, and an unclassified signal triaged on Niet ingedeeld.
#[tokio::test]
async fn the_overleg_labels_a_signal_and_triages_the_queue() {
    let (site, moerwijk) = seeded_site().await;
    let text = "Gezellige middag in de buurtkamer, iedereen bakte koekjes.";
    let signals = [("u1", "verbinders-moerwijk", "Moerwijk", text)];
    site.post_today(&signals, 6).await;
    let driver = driver().await;
    let mut browser = Browser::signed_in(&driver, "labels", None, &site.base, "overleg").await;
    let cluster_page = format!("/clusters/{moerwijk}");
    browser
        .open(&cluster_page, "Hoort niet bij deze barrière")
        .await;
    browser.shot("cluster-voor").await;
    let label_form = "blockquote:first-of-type form.label-form";
    let not_here = format!("{label_form} button[value=hoort-er-niet-bij]");
    browser.click_to(&not_here, "4 signalen van").await;
    browser.shot("cluster-na-hoort-niet").await;
    let cluster = site.store.cluster(&moerwijk).await.unwrap().unwrap();
    assert_eq!(cluster.signal_count, 4);
    browser
        .select(&format!("{label_form} select"), "angst-uitkeringskorting")
        .await;
    browser.shot("cluster-ook-gekozen").await;
    browser
        .click(&format!("{label_form} button[value=ook]"))
        .await;
    until_clusters(&site, "the second barrier to be stored", |clusters| {
        clusters
            .iter()
            .any(|c| c.barrier == "angst-uitkeringskorting" && c.signal_count == 1)
    })
    .await;
    browser.wait_for("Besluit nemen").await;
    browser.shot("cluster-na-ook").await;

    browser.open("/niet-ingedeeld", "koekjes").await;
    browser.shot("niet-ingedeeld").await;
    browser
        .select(
            "blockquote.ongeordend select[name=barriere]",
            "loket-drempel",
        )
        .await;
    browser
        .click_to(
            "blockquote.ongeordend button[type=submit]",
            "Er wachten geen signalen",
        )
        .await;
    browser.shot("niet-ingedeeld-leeg").await;
    let triaged = site.store.signal("verbinders-moerwijk", "u1").await;
    assert_eq!(triaged.unwrap().unwrap().barriers, ["loket-drempel"]);
    browser.close().await;
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_confirms_merges_and_snoozes_and_the_municipality_downloads_the_brief() {
    let (site, moerwijk) = seeded_site().await;
    // A second kostendelersnorm cluster, in Laak, to merge into Moerwijk's.
    let laak = site
        .kostendelersnorm_in("Laak", &[("laak-1", "buurtteam-laak")], 6)
        .await;

    let driver = driver().await;
    let mut browser = Browser::signed_in(&driver, "overleg", None, &site.base, "overleg").await;
    browser.wait_for("Vergadering signaleringsoverleg").await;
    browser.shot("agenda").await;
    browser
        .click_to(&format!("a[href='/clusters/{moerwijk}']"), "Besluit nemen")
        .await;
    browser.decide("bevestigen", async |_| {}).await;
    browser.expect_status("bevestigd").await;
    browser.shot("bevestigd").await;

    browser.goto(&format!("/clusters/{laak}")).await;
    browser
        .decide("samenvoegen", async |b: &Browser| {
            b.click(&format!("input[name=met][value='{moerwijk}']"))
                .await;
        })
        .await;
    browser.expect_status("samengevoegd").await;
    browser.shot("samengevoegd").await;

    browser.goto(&format!("/clusters/{moerwijk}")).await;
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
    browser.close().await;

    // The brief is published; the municipality signs in and downloads it as PDF.
    publish_this_quarter(&site.store).await;
    let mut browser = Browser::signed_in(&driver, "gemeente", None, &site.base, "gemeente").await;
    browser.shot("knelpunten").await;
    let quarter = this_quarter();
    let brief = |format: &str| {
        (
            format!("/brief?kwartaal={quarter}&formaat={format}"),
            format!("brief-{quarter}.{format}"),
        )
    };
    let (path, file) = brief("pdf");
    download(&browser, &path, &file, |b| b.starts_with(b"%PDF")).await;
    // The HTML the municipality forwards, read on a phone: nothing wider than the screen
    // (wide tables scroll in their own box, each knelpunt's chart goes under its text).
    browser.resize(390, 844).await;
    let (path, file) = brief("html");
    let html = download(&browser, &path, &file, |b| {
        b.trim_ascii_end().ends_with(b"</html>")
    })
    .await;
    browser
        .client
        .goto(&format!("file://{}", html.display()))
        .await
        .unwrap();
    let text = browser.wait_for("Terug het systeem in").await;
    assert!(
        text.contains("Vastgesteld door het signaleringsoverleg"),
        "the published brief says so: {text}"
    );
    browser.shot("brief-html-telefoon").await;
    fits(&browser, 390).await;
    browser.close().await;
    site.app.stop().await;
}

/// Has the browser download `path` from the site and waits until `file` in its download
/// folder is `complete`; the file's path.
async fn download(
    browser: &Browser,
    path: &str,
    file: &str,
    complete: impl Fn(&[u8]) -> bool,
) -> std::path::PathBuf {
    // The navigation "fails" as the answer is a download, not a page.
    browser
        .client
        .goto(&format!("{}{path}", browser.base))
        .await
        .ok();
    let saved = browser.downloads.join(file);
    eventually(
        &format!("{file} to be downloaded"),
        Duration::from_secs(60),
        async || std::fs::read(&saved).is_ok_and(|b| complete(&b)),
    )
    .await;
    saved
}
