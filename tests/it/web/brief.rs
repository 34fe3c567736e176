//! The quarterly brief on the website: built from confirmed knelpunten in every format, read
//! by the municipality only once published, frozen when published, and small wijken
//! suppressed or rolled up into their stadsdeel.

use crate::support::*;
use knooppunt_reports::review::Action;

#[tokio::test]
async fn the_brief_is_built_from_confirmed_knelpunten_in_every_format_and_frozen_when_published() {
    let (site, cluster) = seeded_site().await;
    let quarter = this_quarter();
    let overleg = site.login("overleg").await;
    let decide = format!("/clusters/{cluster}/besluit");
    for form in [
        &[("actie", "bevestigen")][..],
        &[
            ("actie", "notitie"),
            ("reden", "Advies: maatwerk via art. 18 Participatiewet"),
        ],
    ] {
        assert_eq!(overleg.submit(&decide, form).await.0, 303);
    }
    let (status, _) = overleg
        .submit(
            &format!("/clusters/{cluster}/vignet"),
            &[("bron", "ggz-haaglanden"), ("signaal", "s2")],
        )
        .await;
    assert_eq!(status, 303);

    let gemeente = site.login("gemeente").await;
    let path = |format: &str| format!("/brief?kwartaal={quarter}&formaat={format}");
    // The municipality reads published briefs only; the overleg reads the draft.
    let _ = gemeente.page(&path("html"), 404).await;
    let html = overleg.page(&path("html"), 200).await;
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
    // Every signal is of this quarter: the one before was not measured, and the brief does
    // not call it 0.
    assert!(
        markdown.contains("signalen dit kwartaal, het kwartaal ervoor niet gemeten")
            && !markdown.contains("0 het kwartaal ervoor"),
        "{markdown}"
    );
    let download = async |format: &str| {
        let response = overleg.send(reqwest::Method::GET, &path(format)).await;
        (response.status(), response.bytes().await.unwrap())
    };
    let (_, csv) = download("csv").await;
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let csv = String::from_utf8_lossy(&csv);
    assert!(csv.contains(";Moerwijk;5;"), "{csv}");
    let (_, json) = overleg.get(&path("json")).await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json.to_string().contains(&cluster), "{json}");
    let (status, pdf) = download("pdf").await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with(b"%PDF"), "a PDF from headless Chromium");
    assert!(knooppunt_reports::pdf::count_pages(&pdf) >= 1);

    // The website shows no figure before a brief is published, then exactly the published one.
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(
        page.contains("Nog geen gepubliceerde kwartaalbrief"),
        "{page}"
    );
    assert!(
        !page.contains("<td role=\"cell\" data-kop=\"Signalen\">5</td>"),
        "no count of its own: {page}"
    );
    // No link to a brief the municipality cannot open yet: it says so instead.
    assert!(
        !page.contains("formaat=html\">Kwartaalbrief") && page.contains("is nog niet gepubliceerd"),
        "{page}"
    );

    // Published once, frozen: the next quarter compares with the published figure.
    let published = brief(&site.store, quarter, &Default::default()).await;
    published.publish(&site.store, "test").await.unwrap();
    let (status, published_html) = gemeente.get(&path("html")).await;
    assert_eq!(status, 200, "published: the municipality reads it");
    let (_, published_md) = gemeente.get(&path("md")).await;
    // What was published stays what it was: a late signal of the quarter and a note taken
    // after publication change nothing in it (two downloads that differed would give away
    // single signals and small counts; the security review of 2026-12-02 found they did).
    site.post_today(
        &[(
            "laat-1",
            "buurtteam-laak",
            "Moerwijk",
            "Kostendelersnorm: dochter weer thuis, bijstand omlaag.",
        )],
        6,
    )
    .await;
    site.decide(&cluster, Action::Note, "Na de publicatie besproken")
        .await;
    assert_eq!(gemeente.get(&path("md")).await.1, published_md);
    assert_eq!(gemeente.get(&path("html")).await.1, published_html);
    assert!(!published_md.contains("Na de publicatie"));
    // The overleg, too, downloads the version in force as it was published.
    assert_eq!(overleg.get(&path("md")).await.1, published_md);
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(
        page.contains(&format!(
            "gepubliceerd in de kwartaalbrief van het {}",
            quarter.dutch_label()
        )) && page
            .contains("\">5</td><td role=\"cell\" data-kop=\"Wijken of stadsdelen\">Moerwijk</td>"),
        "{page}"
    );
    let again = published.publish(&site.store, "test").await.unwrap_err();
    assert!(
        format!("{again:#}").contains("al gepubliceerd"),
        "{again:#}"
    );
    let next = brief(&site.store, quarter.next(), &Default::default()).await;
    let knelpunt = &next.knelpunten[0];
    let point = knelpunt
        .trend
        .iter()
        .find(|p| p.quarter == quarter.to_string())
        .unwrap();
    assert!(point.from_snapshot && point.value == "5", "{point:?}");
    assert_eq!(knelpunt.previous, "5");
    // No "0" for the quarters before the first stored signal: they were not measured.
    let quarters: Vec<&str> = knelpunt.trend.iter().map(|p| p.quarter.as_str()).collect();
    assert_eq!(
        quarters,
        [quarter.to_string(), quarter.next().to_string()],
        "{:?}",
        knelpunt.trend
    );
    site.app.stop().await;
}

#[tokio::test]
async fn small_wijken_are_suppressed_with_a_partner_cell_or_rolled_up_into_their_stadsdeel() {
    let (site, moerwijk) = seeded_site().await;
    let small = [("m1", "buurtteam-escamp"), ("m2", "ggz-haaglanden")];
    let morgenstond = site.kostendelersnorm_in("Morgenstond", &small, 7).await;
    for cluster in [&moerwijk, &morgenstond] {
        site.decide(cluster, Action::Confirm, "").await;
    }
    let quarter = this_quarter();
    // Without a stadsdeel: per wijk Morgenstond's 2 would be hidden, and so Moerwijk's 5 (or
    // 7 − 5 = 2): all of the knelpunt's wijken hidden, so it is published for the whole
    // municipality instead.
    let whole = brief(&site.store, quarter, &Default::default()).await;
    let table = whole.tables[0].clone();
    assert_eq!(table.caption, "Knelpunten voor de hele gemeente");
    assert_eq!(table.columns, ["Hele gemeente"]);
    assert_eq!(table.rows[0].total, "7");
    let markdown = whole.render().unwrap().markdown;
    assert!(
        !markdown.contains("| 5 |") && !markdown.contains("| 2 |"),
        "{markdown}"
    );
    // With the stadsdeel: one column, Escamp, 7.
    let wider = [("moerwijk", "Escamp"), ("Morgenstond", "Escamp")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let by_stadsdeel = brief(&site.store, quarter, &wider).await;
    let table = by_stadsdeel.tables[0].clone();
    assert_eq!(table.columns, ["Escamp"]);
    assert_eq!(
        (table.rows[0].cells.clone(), table.rows[0].total.clone()),
        (vec!["7".to_string()], "7".to_string())
    );
    site.app.stop().await;
}
