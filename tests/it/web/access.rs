//! Who may open and post what: every role against every page and form, what the municipality
//! and the teams may read, and overleg members restricted to their own wijken.

use crate::support::*;
use knooppunt_reports::review::{Action, Role};

#[tokio::test]
async fn every_role_against_every_page_and_form() {
    let (site, cluster) = seeded_site().await;
    let base = site.base.clone();
    let cluster_page = format!("/clusters/{cluster}");
    let decision = format!("/clusters/{cluster}/besluit");
    let vignette = format!("/clusters/{cluster}/vignet");
    let undo = format!("/clusters/{cluster}/ongedaan");
    let label = format!("/clusters/{cluster}/label");
    let label_undo = format!("/clusters/{cluster}/correctie-ongedaan");
    use Role::*;
    // (path, roles that may open it)
    let pages: Vec<(&str, Vec<Role>)> = vec![
        ("/signalen", vec![Submitter]),
        ("/signalen/nieuw", vec![Submitter]),
        ("/signalen/importeren", vec![Submitter]),
        ("/agenda", vec![Reviewer]),
        ("/agenda/export?formaat=md", vec![Reviewer]),
        (&cluster_page, vec![Reviewer]),
        ("/knelpunten", vec![Reviewer, Municipality]),
        (
            "/brief?kwartaal=2026Q3&formaat=html",
            vec![Reviewer, Municipality, Admin],
        ),
        ("/beheer", vec![Admin]),
        (
            "/wachtwoord",
            vec![Submitter, Reviewer, Municipality, Admin],
        ),
        ("/uitloggen", vec![Submitter, Reviewer, Municipality, Admin]),
    ];
    let forms: Vec<(&str, Vec<Role>)> = vec![
        ("/signalen", vec![Submitter]),
        ("/signalen/importeren", vec![Submitter]),
        (&decision, vec![Reviewer]),
        (&vignette, vec![Reviewer]),
        (&undo, vec![Reviewer]),
        (&label, vec![Reviewer]),
        (&label_undo, vec![Reviewer]),
        ("/correcties/ongedaan", vec![Reviewer]),
        ("/niet-ingedeeld", vec![Reviewer]),
        ("/beheer/gebruikers", vec![Admin]),
        ("/beheer/tokens", vec![Admin]),
        ("/beheer/tokens/onbekend/intrekken", vec![Admin]),
        ("/agenda/vergadering", vec![Reviewer]),
        (
            "/wachtwoord",
            vec![Submitter, Reviewer, Municipality, Admin],
        ),
    ];
    // Not signed in: every page and form sends to the sign-in page.
    let anonymous = Client::new(&base);
    for (path, _) in pages.iter().chain(forms.iter()) {
        let (status, _) = if forms.iter().any(|(p, _)| p == path) {
            anonymous.post(path, &[("csrf", "x")]).await
        } else {
            anonymous.get(path).await
        };
        assert_eq!(status, 303, "anonymous {path}");
    }
    for (name, role) in ONE_OF_EACH_ROLE {
        let client = Client::login(&base, name).await;
        for (path, allowed) in &pages {
            let (status, body) = client.get(path).await;
            if role == Municipality && path.starts_with("/brief") {
                // Allowed, but only for published quarters: this one is not.
                assert_eq!(status, 404, "{name} {path}: {body}");
                assert!(body.contains("nog niet gepubliceerd"), "{name} {path}");
            } else if allowed.contains(&role) {
                assert_eq!(status, 200, "{name} {path}: {body}");
            } else {
                assert_eq!(status, 403, "{name} {path}");
                assert!(body.contains("Geen toegang"), "{name} {path}");
            }
        }
        for (path, allowed) in &forms {
            // Without the CSRF token: allowed roles get "Formulier verlopen", others 403.
            let (status, body) = client.post(path, &[("csrf", "vals")]).await;
            assert_eq!(status, 403, "{name} POST {path}");
            if allowed.contains(&role) {
                assert!(
                    body.contains("Formulier verlopen"),
                    "{name} POST {path}: {body}"
                );
            } else {
                assert!(body.contains("Geen toegang"), "{name} POST {path}");
            }
        }
    }
    site.app.stop().await;
}

#[tokio::test]
async fn the_municipality_never_sees_signal_text_and_teams_see_only_their_own() {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;

    let gemeente = site.login("gemeente").await;
    // The municipality reads published briefs only: publish this quarter's.
    let current = this_quarter();
    publish_this_quarter(&site.store).await;
    for (path, expected) in [
        ("/knelpunten".to_string(), 200),
        ("/brief?kwartaal=2026Q3&formaat=html".to_string(), 404),
        ("/brief?kwartaal=2026Q3&formaat=md".to_string(), 404),
        (format!("/brief?kwartaal={current}&formaat=html"), 200),
        (format!("/brief?kwartaal={current}&formaat=md"), 200),
    ] {
        let (status, body) = gemeente.get(&path).await;
        assert_eq!(status, expected, "{path}");
        for marker in [
            "eerste team",
            "tweede team",
            "kleinzoon",
            "volwassen dochter",
        ] {
            assert!(
                !body.contains(marker),
                "{path} shows signal text ({marker})"
            );
        }
    }
    let (_, knelpunten) = gemeente.get("/knelpunten").await;
    assert!(knelpunten.contains("Kostendelersnorm"), "{knelpunten}");

    let team1 = site.login("indiener1").await;
    let (_, own) = team1.get("/signalen").await;
    assert!(own.contains("eerste team"));
    assert!(
        !own.contains("tweede team"),
        "another partner's submission is visible"
    );
    let team2 = site.login("indiener2").await;
    let (_, own) = team2.get("/signalen").await;
    assert!(own.contains("tweede team") && !own.contains("eerste team"));
    site.app.stop().await;
}

#[tokio::test]
async fn an_overleg_member_sees_only_the_clusters_of_their_wijken() {
    let (site, moerwijk) = seeded_site().await;
    add_overleg_laak(&site.store).await;
    let laak = site.login("overleg-laak").await;
    let agenda = laak.page("/agenda", 200).await;
    assert!(
        !agenda.contains(&moerwijk),
        "a Moerwijk cluster on the Laak agenda"
    );
    let _ = laak.page(&format!("/clusters/{moerwijk}"), 404).await;
    let (status, _) = laak.decide(&moerwijk, &[("actie", "bevestigen")]).await;
    assert_eq!(status, 404);
    assert!(
        knooppunt_reports::review_store::decisions(&site.store, &moerwijk)
            .await
            .unwrap()
            .is_empty()
    );
    site.app.stop().await;
}

/// A buurt's signals join its wijk's cluster, and a member of the wijk sees them, on the
/// cluster page and in the *Niet ingedeeld* queue; a member of another wijk sees neither.
#[tokio::test]
async fn a_buurt_counts_in_its_wijks_cluster_and_for_its_members() {
    let (site, moerwijk) = seeded_site().await;
    let before = cluster_in(&site.store, "kostendelersnorm", "Moerwijk")
        .await
        .expect("the seeded Moerwijk cluster")
        .signal_count;
    let text = "Kostendelersnorm: zoon weer thuis, bijstand omlaag.";
    let zuid = [
        ("z1", "verbinders-moerwijk", "Moerwijk-Zuid", text),
        ("z2", "ggz-haaglanden", "Moerwijk-Zuid", text),
    ];
    site.post_today(&zuid, 7).await;
    assert!(
        cluster_in(&site.store, "kostendelersnorm", "Moerwijk-Zuid")
            .await
            .is_none(),
        "no cluster of the buurt beside the wijk's"
    );
    let after = cluster_in(&site.store, "kostendelersnorm", "Moerwijk")
        .await
        .unwrap()
        .signal_count;
    assert_eq!(after, before + 2);
    // Its breadth counts wijken: Moerwijk once, not Moerwijk and Moerwijk-Zuid.
    let summaries = site.store.cluster_summaries().await.unwrap();
    let summary = summaries.iter().find(|s| s.cluster.id == moerwijk).unwrap();
    assert_eq!(summary.areas, 1, "one wijk");
    site.post_today(
        &[(
            "z3",
            "verbinders-moerwijk",
            "Moerwijk-Zuid",
            "Gezellige middag gehad in de buurtkamer.",
        )],
        8,
    )
    .await;
    add_account(
        &site.store,
        "overleg-moerwijk",
        Role::Reviewer,
        "",
        "Moerwijk",
    )
    .await;
    add_overleg_laak(&site.store).await;
    let member = site.login("overleg-moerwijk").await;
    let page = member.page(&format!("/clusters/{moerwijk}"), 200).await;
    assert!(
        page.contains("Moerwijk-Zuid"),
        "the buurt's signals on the wijk's page"
    );
    let queue = member.page("/niet-ingedeeld", 200).await;
    assert!(
        queue.contains("buurtkamer"),
        "the buurt's unclassified signal"
    );
    let laak = site.login("overleg-laak").await;
    let _ = laak.page(&format!("/clusters/{moerwijk}"), 404).await;
    assert!(!laak
        .page("/niet-ingedeeld", 200)
        .await
        .contains("buurtkamer"));
    site.app.stop().await;
}

/// Finding 3 of issue 12: a member restricted to some wijken sees only their decisions on
/// the agenda and in its exports, only their clusters to merge with, cannot merge a foreign
/// cluster, and downloads the brief as the municipality does (it is the published document:
/// figures, approved vignettes and notes, nothing else).
#[tokio::test]
async fn a_restricted_overleg_member_sees_and_merges_only_their_wijken() {
    let (site, moerwijk, laak_cluster) = seeded_site_and_laak().await;
    let today = knooppunt_ingest::today_nl().to_string();
    site.decide(&moerwijk, Action::Note, "MOERWIJK-NOTITIE")
        .await;
    site.decide(&laak_cluster, Action::Note, "LAAK-NOTITIE")
        .await;
    add_overleg_laak(&site.store).await;
    let laak = site.login("overleg-laak").await;
    for path in [
        "/agenda".to_string(),
        format!("/agenda/export?datum={today}&formaat=html"),
        format!("/agenda/export?datum={today}&formaat=md"),
    ] {
        let (status, body) = laak.get(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body.contains("LAAK-NOTITIE"),
            "{path}: own decision missing"
        );
        assert!(
            !body.contains("MOERWIJK-NOTITIE") && !body.contains(&moerwijk),
            "{path}: a Moerwijk decision shown to a Laak member"
        );
    }
    // Every wijk's member still sees both.
    let all = site.login("overleg").await;
    let (_, agenda) = all.get("/agenda").await;
    assert!(agenda.contains("LAAK-NOTITIE") && agenda.contains("MOERWIJK-NOTITIE"));
    let (_, page) = all.get(&format!("/clusters/{laak_cluster}")).await;
    assert!(
        page.contains(&moerwijk),
        "the merge list of a member of every wijk"
    );

    let page = laak.page(&format!("/clusters/{laak_cluster}"), 200).await;
    assert!(
        !page.contains(&moerwijk),
        "a Moerwijk cluster offered to merge"
    );
    let refused = laak.merge(&laak_cluster, &moerwijk).await;
    assert_answer(refused, 403, "hoort niet bij uw wijken");
    for cluster in [&moerwijk, &laak_cluster] {
        let decisions = knooppunt_reports::review_store::decisions(&site.store, cluster)
            .await
            .unwrap();
        assert_eq!(decisions.len(), 1, "only the note on {cluster}");
    }

    // The decisions list covers the whole meeting: a member for some wijken reads it but
    // does not record or replace it (the security review of 2026-12-02 replaced one).
    let page = laak.page("/agenda/besluitenlijst", 200).await;
    assert!(!page.contains("name=\"naam\""), "no form to record: {page}");
    assert!(
        page.contains("de voorzitter of een lid voor alle wijken"),
        "{page}"
    );
    let (status, body) = laak
        .submit(
            "/agenda/besluitenlijst",
            &[
                ("datum", &today),
                ("naam", "Laak-lid"),
                ("rol", "wijkteam Laak"),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("geldt voor de hele vergadering"), "{body}");
    let page = all.page("/agenda/besluitenlijst", 200).await;
    assert!(
        !page.contains("Laak-lid") && page.contains("name=\"naam\""),
        "{page}"
    );

    // The brief is the municipality's document: the same for a restricted member as for an
    // overleg member of every wijk (a gemeente account reads it only once published).
    let quarter = this_quarter();
    for format in ["md", "html"] {
        let path = format!("/brief?kwartaal={quarter}&formaat={format}");
        let restricted = laak.page(&path, 200).await;
        assert_eq!(restricted, all.get(&path).await.1, "{path}");
    }
    site.app.stop().await;
}
