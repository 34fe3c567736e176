//! A published brief is corrected only by a rectificatie: publish, find that figures
//! changed, rectify with a reason. The original's files and rows stay as published, the new
//! version says what changed, a second publication is refused, recognition ranges stay as
//! frozen, and the website lists and serves both versions (checked in Chromium with axe).

use crate::support::*;
use knooppunt_reports::accuracy::{Measured, Recognition};
use knooppunt_reports::compose::Edition;
use knooppunt_reports::review::Action;
use knooppunt_reports::Brief;
use sha2::Digest as _;

fn recognition(tp: u64, fp: u64, fn_: u64) -> Recognition {
    let mut recognition = Recognition {
        notes_description: "testnotities".into(),
        ..Default::default()
    };
    recognition
        .notes
        .insert("kostendelersnorm".into(), Measured { tp, fp, fn_ });
    recognition
}

/// The SHA-256 of every file in `dir`, by name.
fn hashes(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                hex::encode(sha2::Sha256::digest(std::fs::read(&path).unwrap())),
            )
        })
        .collect()
}

/// Signals that arrive after the original was published.
const LATE: [(&str, &str); 5] = [
    ("r1", "buurtteam-escamp"),
    ("r2", "ggz-haaglanden"),
    ("r3", "buurtteam-escamp"),
    ("r4", "ggz-haaglanden"),
    ("r5", "buurtteam-escamp"),
];

async fn edition(site: &Site, edition: Edition) -> anyhow::Result<Brief> {
    Brief::gather_edition(
        &site.store,
        &knooppunt_rules::ruleset::RuleSet::default_rules()
            .unwrap()
            .catalog(),
        (this_quarter(), None),
        5,
        &Default::default(),
        knooppunt_ingest::today_nl(),
        edition,
    )
    .await
}

#[tokio::test]
async fn a_rectificatie_keeps_the_original_says_what_changed_and_both_are_on_the_website() {
    let (site, cluster) = seeded_site().await;
    site.decide(&cluster, Action::Confirm, "").await;
    let quarter = this_quarter();
    let dir = tempfile::tempdir().unwrap();

    // Nothing published yet: nothing to rectify.
    let refused = edition(&site, Edition::Rectification).await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("nog geen gepubliceerde brief"),
        "{refused:#}"
    );

    // The original: 5 signals in Moerwijk, with the ranges recognition gave then.
    let mut original = edition(&site, Edition::Current).await.unwrap();
    original.apply_recognition(&recognition(40, 10, 10));
    let range = original.knelpunten[0].corrected.clone().unwrap();
    original.publish(&site.store, "test").await.unwrap();
    original.published = true;
    original.version = Some(1);
    let mut files = original.write(dir.path()).unwrap();
    files.push(knooppunt::app::write_manifest(dir.path(), &original.file_stem(), &files).unwrap());
    let before = hashes(dir.path());
    assert!(
        before.contains_key(&format!("brief-{quarter}.sha256")),
        "{before:?}"
    );

    // Five more signals arrive in Moerwijk: the published figure (5) is now wrong. (Fewer
    // would make "was 5, wordt 7" give away a small group: see the test below.)
    site.kostendelersnorm_in("Moerwijk", &LATE, 10).await;

    // Publishing again is refused and points to a rectificatie.
    let again = edition(&site, Edition::Current).await.unwrap();
    assert_eq!(again.knelpunten[0].signals, "5", "frozen as published");
    assert_eq!(
        again.knelpunten[0].corrected.as_deref(),
        Some(range.as_str()),
        "the ranges are frozen with it, whatever is measured now"
    );
    let refused = again.publish(&site.store, "test").await.unwrap_err();
    assert!(
        format!("{refused:#}").contains("--rectificatie"),
        "{refused:#}"
    );

    // The rectificatie: counted anew, audited with the original, a reason required.
    let mut rectified = edition(&site, Edition::Rectification).await.unwrap();
    rectified.apply_recognition(&recognition(90, 10, 10));
    let refused = rectified
        .rectify(&site.store, "test", " ")
        .await
        .unwrap_err();
    assert!(
        format!("{refused:#}").starts_with("rectificatie:"),
        "{refused:#}"
    );
    let version = rectified
        .rectify(
            &site.store,
            "test",
            "Vijf signalen uit Moerwijk waren nog niet verwerkt",
        )
        .await
        .unwrap();
    assert_eq!(version, 2);
    let mut files = rectified.write(dir.path()).unwrap();
    files.push(knooppunt::app::write_manifest(dir.path(), &rectified.file_stem(), &files).unwrap());
    assert!(files
        .iter()
        .all(|f| f.file_name().unwrap().to_string_lossy().contains("versie2")));
    let after = hashes(dir.path());
    for (name, hash) in &before {
        assert_eq!(after.get(name), Some(hash), "{name} stays as published");
    }
    assert_eq!(after.len(), 2 * before.len(), "{after:?}");
    let markdown =
        std::fs::read_to_string(dir.path().join(format!("brief-{quarter}-versie2.md"))).unwrap();
    let today = knooppunt_reports::presentation::short_date(knooppunt_ingest::today_nl());
    assert_shows(
        &markdown,
        &[
            &format!("Rectificatie — versie 2, vervangt versie 1 van {today}"),
            "## Wat is gewijzigd",
            "Reden van de rectificatie: Vijf signalen uit Moerwijk",
            "| Kostendelersnorm verlaagt de uitkering bij samenwonen | Moerwijk | 5 | 10 |",
        ],
    );

    // The rows: the original as it was, the rectificatie beside it, the latter in force.
    let versions = knooppunt_reports::snapshot::versions(&site.store, &quarter.to_string(), "")
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[0]
            .figures
            .totals
            .get("kostendelersnorm")
            .map(String::as_str),
        Some("5")
    );
    assert_eq!(
        versions[1]
            .figures
            .totals
            .get("kostendelersnorm")
            .map(String::as_str),
        Some("10")
    );
    assert!(versions[0].reason.is_empty());
    assert!(edition(&site, Edition::Current)
        .await
        .unwrap()
        .publish(&site.store, "test")
        .await
        .is_err());

    // The website: both versions listed with date and reason, each downloadable; the page's
    // figures are the version in force; the brief shows its frozen ranges.
    let gemeente = site.login("gemeente").await;
    let page = gemeente.page("/knelpunten", 200).await;
    assert!(
        page.contains(&format!("Versie 1 (origineel), gepubliceerd {today}"))
            && page.contains(&format!(
                "Versie 2 (rectificatie), gepubliceerd {today} — geldende versie"
            ))
            && page.contains("Reden: Vijf signalen uit Moerwijk waren nog niet verwerkt"),
        "{page}"
    );
    let frozen = rectified.knelpunten[0].corrected.clone().unwrap();
    assert!(
        page.contains(&format!("\">10 (naar schatting {frozen})</td>")),
        "{page}"
    );
    let path = |version: u32| format!("/brief?kwartaal={quarter}&versie={version}&formaat=md");
    let first = gemeente.page(&path(1), 200).await;
    assert!(!first.contains("Rectificatie"), "{first}");
    assert!(first.contains("| 5 |"), "{first}");
    assert!(
        first.contains(&format!(
            "(naar schatting {range} na correctie voor herkenning)"
        )),
        "the website's brief shows the ranges frozen with it: {first}"
    );
    let second = gemeente.page(&path(2), 200).await;
    assert!(second.contains("Rectificatie — versie 2"), "{second}");
    assert!(second.contains("| 10 |"), "{second}");
    let _ = gemeente.page(&path(3), 404).await;
    let (status, csv) = gemeente
        .get(&format!("/brief?kwartaal={quarter}&versie=1&formaat=csv"))
        .await;
    assert_eq!(status, 200);
    assert!(csv.contains(";Moerwijk;5;"), "{csv}");

    // The list of versions as a person on a phone meets it: it fits, and axe finds nothing
    // (screenshot in target/tmp/browser/rectificatie-390/).
    let driver = driver().await;
    let mut browser = Browser::signed_in(
        &driver,
        "rectificatie-390",
        Some((390, 844)),
        &site.base,
        "gemeente",
    )
    .await;
    browser
        .open("/knelpunten", "Gepubliceerde kwartaalbrieven")
        .await;
    check_page(&mut browser, "versies", "the published versions").await;
    browser.close().await;
    site.app.stop().await;
}

#[tokio::test]
async fn a_rectificatie_of_two_signals_does_not_publish_the_two() {
    let (site, cluster) = seeded_site().await;
    site.decide(&cluster, Action::Confirm, "").await;
    let quarter = this_quarter().to_string();
    let original = edition(&site, Edition::Current).await.unwrap();
    original.publish(&site.store, "test").await.unwrap();

    // Two late signals: "5, wordt 7" would tell that two households were added.
    site.kostendelersnorm_in("Moerwijk", &LATE[..2], 7).await;
    let mut rectified = edition(&site, Edition::Rectification).await.unwrap();
    rectified
        .rectify(
            &site.store,
            "test",
            "Signalen uit Moerwijk waren nog niet verwerkt",
        )
        .await
        .unwrap();
    let versions = knooppunt_reports::snapshot::versions(&site.store, &quarter, "")
        .await
        .unwrap();
    let total = |v: usize| versions[v].figures.totals.get("kostendelersnorm").cloned();
    assert_eq!(total(0).as_deref(), Some("5"));
    assert_eq!(
        total(1).as_deref(),
        Some("x"),
        "the corrected figure is hidden"
    );
    let changes = &rectified.rectification.as_ref().unwrap().changes;
    assert!(!changes.is_empty());
    for change in changes {
        if let (Ok(old), Ok(new)) = (change.old.parse::<i64>(), change.new.parse::<i64>()) {
            assert!((old - new).abs() >= 5, "{change:?}");
        }
    }
    site.app.stop().await;
}
