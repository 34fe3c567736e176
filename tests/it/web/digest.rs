//! The digest for people who never sign in, on the website: who may download the monthly
//! overview and a programme's decisions list, that the municipality reads a published overview
//! only, and that neither holds signal text or attendees' names.

use crate::support::*;
use knooppunt_reports::digest::monthly::{Month, MonthlyOverview};
use knooppunt_reports::review::{Action, Role};
use knooppunt_reports::review_store;
use knooppunt_store::{Attendee, MeetingRecord};

const PROGRAMME: &str = "Armoede & Schulden";

#[tokio::test]
async fn every_role_against_the_digest_downloads() {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;
    review_store::decide(
        &site.store,
        &cluster,
        Action::Assign {
            owner: "Werk en Inkomen".into(),
            programme: PROGRAMME.into(),
        },
        "",
        "overleg",
    )
    .await
    .unwrap();
    let today = knooppunt_ingest::today_nl();
    site.store
        .record_meeting(
            today,
            "overleg",
            &MeetingRecord {
                attendees: vec![Attendee {
                    name: "Yara Voorzitter".into(),
                    role: "opbouwwerk".into(),
                }],
                action_points: Vec::new(),
            },
        )
        .await
        .unwrap();
    let month = Month::containing(today);
    let overview = format!("/knelpunten/maandoverzicht?maand={month}&formaat=md");
    let list = format!(
        "/knelpunten/besluitenlijst?datum={today}&programma=Armoede%20%26%20Schulden&formaat=md"
    );
    let anonymous = Client::new(&site.base);
    for path in [&overview, &list] {
        assert_eq!(anonymous.get(path).await.0, 303, "anonymous {path}");
    }
    use Role::*;
    for (name, role) in ONE_OF_EACH_ROLE {
        let client = Client::login(&site.base, name).await;
        let (status, body) = client.get(&overview).await;
        match role {
            Submitter => assert_eq!(status, 403, "{name}: {body}"),
            // A draft overview is not for the municipality.
            Municipality => {
                assert_eq!(status, 404, "{name}: {body}");
                assert!(body.contains("nog niet gepubliceerd"), "{body}");
            }
            _ => {
                assert_eq!(status, 200, "{name}: {body}");
                assert!(body.contains("concept van"), "{body}");
            }
        }
        let (status, body) = client.get(&list).await;
        if role == Submitter {
            assert_eq!(status, 403, "{name}: {body}");
            assert!(body.contains("Geen toegang"));
        } else {
            assert_eq!(status, 200, "{name}: {body}");
            assert!(body.contains(&format!("programma {PROGRAMME}")), "{body}");
            assert!(body.contains("opbouwwerk"), "{body}");
            assert!(!body.contains("Yara"), "no names: {body}");
            assert!(!body.contains("overleg,") && !body.contains("door overleg"));
            for marker in [T1_MARKER, T2_MARKER, "kleinzoon", "volwassen dochter"] {
                assert!(!body.contains(marker), "signal text in {body}");
            }
        }
    }

    // The security review of 2026-12-02: the list of a meeting not recorded (yet) is not
    // the municipality's; a member restricted to some wijken does not read the list (every
    // wijk, the overleg's notes). The brief stays theirs as every overleg member's: its
    // vignettes are approved for publication (`tests/it/web/access.rs`).
    let yesterday = today.pred_opt().unwrap();
    let unrecorded = list.replace(&format!("datum={today}"), &format!("datum={yesterday}"));
    let gemeente = site.login("gemeente").await;
    assert_answer(gemeente.get(&unrecorded).await, 404, "niet vastgelegd");
    add_overleg_laak(&site.store).await;
    let laak = site.login("overleg-laak").await;
    assert_answer(laak.get(&list).await, 403, "gaat over alle wijken");

    // Published, the municipality reads it, as published.
    let catalog = knooppunt_rules::ruleset::RuleSet::default_rules()
        .unwrap()
        .catalog();
    let areas = Default::default();
    let gather = || MonthlyOverview::gather(&site.store, &catalog, month, 5, &areas, today);
    let (mut published, mut other) = (gather().await.unwrap(), gather().await.unwrap());
    published.publish(&site.store, "test").await.unwrap();
    // Another server gathered the same month before this one published: its publication is
    // refused as published, an error callers tell apart by its type (the website: 409).
    let lost = other.publish(&site.store, "test").await.unwrap_err();
    assert!(
        lost.downcast_ref::<knooppunt_reports::snapshot::AlreadyPublished>()
            .is_some(),
        "{lost:#}"
    );
    let gemeente = site.login("gemeente").await;
    let answer = gemeente.get(&overview).await;
    let body = assert_answer(answer, 200, ", gepubliceerd op ");
    assert!(body.contains("## Nieuw"), "confirmed this month: {body}");
    for marker in [T1_MARKER, T2_MARKER, "kleinzoon", "volwassen dochter"] {
        assert!(!body.contains(marker), "signal text in {body}");
    }
    let (status, pdf) = gemeente
        .get(&format!(
            "/knelpunten/maandoverzicht?maand={month}&formaat=pdf"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(pdf.starts_with("%PDF-"), "a PDF");
    assert_eq!(
        knooppunt_reports::archive::pdfa_identification(pdf.as_bytes()),
        Some((2, "A".to_string())),
        "archived as PDF/A-2a"
    );

    // Refusals name the field and do not echo what was typed.
    let answer = gemeente
        .get("/knelpunten/maandoverzicht?maand=<b>september</b>")
        .await;
    let body = assert_answer(answer, 400, "maand: schrijf haar als 2026-09.");
    assert!(!body.contains("september</b>"), "{body}");
    let answer = gemeente
        .get(&format!("/knelpunten/besluitenlijst?datum={today}"))
        .await;
    assert_answer(answer, 400, "programma: kies een programma.");
    // A programme no knelpunt has, or a format there is not, is refused: not an empty
    // document, and not logged as typed (a name typed in the address bar stays out of the
    // processing log).
    let answer = gemeente
        .get(&format!(
            "/knelpunten/besluitenlijst?datum={today}&programma=Fatima%20el%20Amrani"
        ))
        .await;
    assert_answer(
        answer,
        404,
        "programma: geen knelpunt is aan dit programma toegewezen",
    );
    let answer = gemeente
        .get(&format!(
            "/knelpunten/maandoverzicht?maand={month}&formaat=..%2F..%2Fetc%2Fpasswd"
        ))
        .await;
    assert_answer(answer, 400, "formaat: kies html of md, pdf.");
    // Every download is in the processing log, as an export.
    let exports = knooppunt_rules::verwerkingslog::entries(
        &site.store,
        &knooppunt_rules::verwerkingslog::Filter {
            name: Some(knooppunt_domain::processing_log::actions::EXPORT.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(exports.iter().any(|e| e.actor == "gemeente"
        && e.attributes["what"] == "maandoverzicht"
        && e.attributes["format"] == "pdf"));
    assert!(exports
        .iter()
        .any(|e| e.attributes["what"] == "programma-besluitenlijst"
            && e.attributes["programme"] == PROGRAMME));
    let logged =
        serde_json::to_string(&exports.iter().map(|e| &e.attributes).collect::<Vec<_>>()).unwrap();
    assert!(
        !logged.contains("Fatima") && !logged.contains("passwd"),
        "{logged}"
    );
    // The municipality's page offers both as forms: the latest published month (this one,
    // published above), the latest meeting, and the programme a knelpunt was assigned to, so
    // nobody edits an address by hand.
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(
        page.contains("<form method=\"get\" action=\"/knelpunten/maandoverzicht\"")
            && page.contains(&format!("name=\"maand\" value=\"{month}\"")),
        "{page}"
    );
    assert!(
        page.contains("<form method=\"get\" action=\"/knelpunten/besluitenlijst\"")
            && page.contains(&format!("name=\"datum\" value=\"{today}\""))
            && page.contains("<option>Armoede &amp; Schulden</option>"),
        "{page}"
    );
    site.app.stop().await;
}

/// One knelpunt, two wijken, each cluster given its own owner: the knelpunten page and the
/// programme's decisions list name both, not only the first cluster's.
#[tokio::test]
async fn a_knelpunt_whose_wijken_have_different_owners_names_them_all() {
    let (site, moerwijk, laak) = seeded_site_and_laak().await;
    for (cluster, owner) in [
        (&moerwijk, "Werk en Inkomen"),
        (&laak, "Sociaal Raadslieden"),
    ] {
        confirm_as_overleg(&site, cluster).await;
        let assign = Action::Assign {
            owner: owner.into(),
            programme: PROGRAMME.into(),
        };
        site.decide(cluster, assign, "").await;
    }
    let overleg = site.login("overleg").await;
    let page = overleg.page("/knelpunten", 200).await;
    let row = page
        .split("<tr>")
        .find(|row| row.contains("Kostendelersnorm"))
        .unwrap_or_else(|| panic!("a kostendelersnorm row: {page}"));
    assert!(
        row.contains("Werk en Inkomen") && row.contains("Sociaal Raadslieden"),
        "{row}"
    );
    let today = knooppunt_ingest::today_nl();
    let list = overleg
        .page(
            &format!(
                "/knelpunten/besluitenlijst?datum={today}&programma=Armoede%20%26%20Schulden\
                 &formaat=md"
            ),
            200,
        )
        .await;
    let owners = list
        .lines()
        .filter(|line| line.contains("Werk en Inkomen; Sociaal Raadslieden"))
        .count()
        + list
            .lines()
            .filter(|line| line.contains("Sociaal Raadslieden; Werk en Inkomen"))
            .count();
    assert!(owners >= 1, "both owners on one line: {list}");
    site.app.stop().await;
}
