//! The overleg's decisions on the website: refusals in Dutch, the kept history, the minutes
//! and the recorded meeting, splitting a cluster (kept through a replay), and a confirmed
//! knelpunt that grows coming back on the agenda.

use crate::support::*;
use knooppunt_reports::review::Action;

#[tokio::test]
async fn the_overleg_decides_and_the_history_is_kept() {
    let (site, cluster) = seeded_site().await;
    let overleg = site.login("overleg").await;
    let agenda = overleg.page("/agenda", 200).await;
    assert!(
        agenda.contains(&cluster),
        "the promoted cluster is on the agenda: {agenda}"
    );
    assert!(agenda.contains("5 signalen van 3 bronnen"), "{agenda}");
    csrf_in(&agenda).expect("the agenda's forms carry the session's token");
    let path = format!("/clusters/{cluster}/besluit");

    // An open cluster is offered what "open" allows, not solving or reopening.
    let (_, page) = overleg.get(&format!("/clusters/{cluster}")).await;
    assert!(page.contains("id=\"paneel-bevestigen\""), "{page}");
    for not_offered in ["paneel-oplossen", "paneel-heropenen"] {
        assert!(!page.contains(&format!("id=\"{not_offered}\"")), "{page}");
    }
    // Not allowed from "open": solving. The refusal is Dutch and names the action, in the
    // panel it was posted from.
    let (status, body) = overleg.submit(&path, &[("actie", "oplossen")]).await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"fout-oplossen\""), "{body}");
    assert!(
        body.contains("&#x27;oplossen&#x27; kan niet bij een cluster dat open is")
            || body.contains("'oplossen' kan niet"),
        "{body}"
    );
    // Dismissing needs a reason.
    let (status, body) = overleg
        .submit(&path, &[("actie", "afwijzen"), ("reden", " ")])
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("afwijzen: vul een reden in"), "{body}");
    // A note without text says so in the field's own word; parking until a day that has come
    // is refused (most likely a typing slip).
    let (status, body) = overleg
        .submit(&path, &[("actie", "notitie"), ("reden", "")])
        .await;
    assert_eq!(status, 422);
    assert!(body.contains("notitie: vul de notitie in"), "{body}");
    let today = knooppunt_ingest::today_nl().format("%d-%m-%Y").to_string();
    let (status, body) = overleg
        .submit(
            &path,
            &[("actie", "parkeren"), ("tot", "datum"), ("datum", &today)],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("parkeren: kies een datum na vandaag"),
        "{body}"
    );
    // What the overleg types goes to the municipality: personal data in it is refused, the
    // field named, the text not repeated, and nothing recorded.
    for (form, field) in [
        (
            &[("actie", "notitie"), ("reden", "Bel mevrouw op 0612345678")][..],
            "notitie",
        ),
        (
            &[
                ("actie", "toewijzen"),
                ("eigenaar", "j.devries@example.nl"),
                ("programma", "Armoede"),
            ],
            "eigenaar",
        ),
    ] {
        let (status, body) = overleg.submit(&path, form).await;
        assert_eq!(status, 422, "{form:?}");
        let at = body
            .find(&format!("{field}: bevat persoonsgegevens"))
            .unwrap_or_else(|| panic!("{field} refused: {body}"));
        // The message does not repeat the text (the form keeps it, for the member to mend).
        let message = &body[at..at + body[at..].find('<').unwrap_or(0)];
        assert!(
            !message.contains("0612345678") && !message.contains("devries"),
            "{message}"
        );
    }
    assert!(
        knooppunt_reports::review_store::decisions(&site.store, &cluster)
            .await
            .expect("decisions")
            .is_empty(),
        "a refused decision is not recorded"
    );

    for form in [
        &[("actie", "bevestigen")][..],
        &[
            ("actie", "toewijzen"),
            ("eigenaar", "Gemeente, Werk en Inkomen"),
            ("programma", "Armoede"),
        ],
        &[
            ("actie", "notitie"),
            (
                "reden",
                "Landelijk bekend; lokaal maatwerk mogelijk via art. 18",
            ),
        ],
        &[
            ("actie", "aanbeveling"),
            (
                "reden",
                "Neem een reactietermijn op in de prestatieafspraken",
            ),
        ],
    ] {
        let (status, body) = overleg.submit(&path, form).await;
        assert_eq!(status, 303, "{form:?}: {body}");
    }
    // Parking without limits, or merging with nothing chosen, is refused at its field.
    let far = (knooppunt_ingest::today_nl() + chrono::Duration::days(800)).to_string();
    for (form, refusal) in [
        (
            vec![
                ("actie", "parkeren"),
                ("tot", "signalen"),
                ("aantal", "99999999999"),
            ],
            "parkeren: vul het aantal nieuwe signalen in (1 tot en met 10.000)",
        ),
        (
            vec![
                ("actie", "parkeren"),
                ("tot", "datum"),
                ("datum", far.as_str()),
            ],
            "parkeren: kies een datum binnen twee jaar",
        ),
        (
            vec![("actie", "samenvoegen"), ("met", "")],
            "samenvoegen: kies het cluster waarmee dit cluster samengaat",
        ),
    ] {
        let (status, body) = overleg.submit(&path, &form).await;
        assert_eq!(status, 422, "{form:?}: {body}");
        assert!(body.contains(refusal), "{form:?}: {body}");
    }
    let park = [("actie", "parkeren"), ("tot", "signalen"), ("aantal", "3")];
    let (status, body) = overleg.submit(&path, &park).await;
    assert_eq!(status, 303, "{body}");
    let (_, page) = overleg.get(&format!("/clusters/{cluster}")).await;
    assert!(
        page.contains("<strong id=\"status\">geparkeerd</strong>"),
        "{page}"
    );
    assert!(page.contains("Eigenaar: Gemeente, Werk en Inkomen"));
    // The history in words: the Dutch label of each decision.
    for step in [
        "bevestigd als knelpunt",
        "toegewezen",
        "notitie",
        "aanbeveling aan de gemeente",
        "geparkeerd",
    ] {
        assert!(
            page.contains(&format!(
                "<td role=\"cell\" data-kop=\"Besluit\">{step}</td>"
            )),
            "history shows {step}"
        );
    }
    assert!(
        page.contains("<td role=\"cell\" data-kop=\"Details\">tot 3 nieuwe signalen</td>"),
        "park-until shown: {page}"
    );
    assert!(page.contains("lokaal maatwerk mogelijk via art. 18"));
    assert!(
        page.contains("Laatste besluit (geparkeerd) ongedaan maken"),
        "the undo names the decision: {page}"
    );
    let history = knooppunt_reports::review_store::decisions(&site.store, &cluster)
        .await
        .unwrap();
    assert_eq!(history.len(), 5, "refused decisions are not recorded");
    assert!(history.iter().all(|d| d.actor == "overleg"));

    // The minutes list today's decisions.
    let minutes = overleg.page("/agenda/export?formaat=md", 200).await;
    assert!(
        minutes.contains("bevestigen → bevestigd, door overleg"),
        "{minutes}"
    );

    // Recording the meeting makes the next agenda start after it; viewing one records nothing.
    let today = knooppunt_ingest::today_nl();
    let tomorrow = today.succ_opt().unwrap();
    let (_, before) = overleg.get(&format!("/agenda?datum={tomorrow}")).await;
    let today_nl = knooppunt_reports::dutch::date(today);
    assert!(!before.contains(&format!("sinds {today_nl}")), "{before}");
    // A meeting without attendees is refused, at its field, and nothing is recorded.
    let (status, refused) = overleg
        .submit("/agenda/vergadering", &[("datum", &today.to_string())])
        .await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.contains(
            "<a href=\"#naam-0\">aanwezigen: vul ten minste één aanwezige in, met naam en rol of organisatie</a>"
        ),
        "{refused}"
    );
    assert!(refused.contains("aria-describedby=\"fout-naam-0\" aria-invalid=\"true\""));
    assert!(!site.store.meeting_recorded(today).await.unwrap());
    let (status, _) = overleg
        .submit(
            "/agenda/vergadering",
            &[
                ("datum", &today.to_string()),
                ("naam", "A. de Vries"),
                ("rol", "voorzitter"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, after) = overleg.get(&format!("/agenda?datum={tomorrow}")).await;
    assert!(after.contains(&format!("sinds {today_nl}")), "{after}");
    assert!(
        !after.contains(&format!("/clusters/{cluster}")),
        "snoozed: off the agenda"
    );
    // The recorded meeting's own agenda keeps the item it parked, with why it came up:
    // looking back shows what the meeting dealt with.
    let (_, recorded) = overleg.get(&format!("/agenda?datum={today}")).await;
    assert!(
        recorded.contains(&format!("id=\"punt-{cluster}\"")),
        "{recorded}"
    );
    site.app.stop().await;
}

#[tokio::test]
async fn the_overleg_splits_a_cluster_and_a_replay_keeps_the_split() {
    let (site, cluster) = seeded_site().await;
    // The engine's promotion step puts the five signals on the agenda.
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    assert!(
        knooppunt_rules::engine::evaluate_promotions(&site.store, &rules)
            .await
            .unwrap()
            >= 1
    );
    let overleg = site.login("overleg").await;
    let path = format!("/clusters/{cluster}/besluit");
    let split = ("actie", "splitsen");
    let (status, body) = overleg
        .submit(&path, &[split, ("splits_op", "organisatie")])
        .await;
    assert_eq!(status, 422);
    assert!(
        body.contains("splitsen: alle signalen noemen dezelfde organisatie"),
        "{body}"
    );
    let all = [
        "verbinders-moerwijk|s0",
        "schilderswijk-moeders|s1",
        "ggz-haaglanden|s2",
        "verbinders-moerwijk|s3",
        "schilderswijk-moeders|s4",
    ];
    let mut everything = vec![split, ("splits_op", "signalen")];
    everything.extend(all.iter().map(|s| ("signalen", *s)));
    let (status, body) = overleg.submit(&path, &everything).await;
    assert_eq!(status, 422);
    assert!(body.contains("er moet er een overblijven"), "{body}");

    let (status, body) = overleg
        .submit(
            &path,
            &[
                split,
                ("splits_op", "signalen"),
                ("signalen", "verbinders-moerwijk|s0"),
                ("signalen", "verbinders-moerwijk|s3"),
                (
                    "reden",
                    "twee signalen gaan over mantelzorg, niet over de norm zelf",
                ),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    let clusters = site.store.clusters().await.unwrap();
    assert_eq!(clusters.len(), 2);
    let original = clusters.iter().find(|c| c.id == cluster).unwrap();
    let split_off = clusters.iter().find(|c| c.id != cluster).unwrap();
    assert_eq!((original.signal_count, split_off.signal_count), (3, 2));
    let history = knooppunt_reports::review_store::decisions(&site.store, &split_off.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].state_after,
        knooppunt_reports::review::State::Open
    );
    let (_, page) = overleg.get(&format!("/clusters/{}", split_off.id)).await;
    assert!(
        page.contains("<td role=\"cell\" data-kop=\"Besluit\">gesplitst</td>")
            && page.contains("afgesplitst van <a href=\"/clusters/")
            && page.contains("mantelzorg"),
        "{page}"
    );

    // The reasons the cluster came on the agenda with were counted before the split (five
    // signals): the page says when, beside today's three.
    let (_, page) = overleg.get(&format!("/clusters/{cluster}")).await;
    let promoted = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(
        page.contains(&format!(
            "<strong>Waarom op de agenda</strong> (geteld op {promoted}): 5 signalen"
        )) && page.contains("<dt>Signalen</dt><dd>3</dd>"),
        "{page}"
    );

    // A replay re-classifies everything but keeps the overleg's split.
    let diff = knooppunt_rules::replay::replay(&site.store, &rules, true, |_| {})
        .await
        .unwrap();
    assert!(diff.clusters.is_empty(), "{diff:?}");
    let after = site.store.clusters().await.unwrap();
    let counts = |id: &str| after.iter().find(|c| c.id == id).map(|c| c.signal_count);
    assert_eq!(
        (counts(&cluster), counts(&split_off.id)),
        (Some(3), Some(2))
    );
    site.app.stop().await;
}

#[tokio::test]
async fn a_confirmed_knelpunt_that_grows_is_back_on_the_agenda() {
    let (site, cluster) = seeded_site().await;
    site.decide(&cluster, Action::Confirm, "").await;
    let grown = site
        .kostendelersnorm_in("Moerwijk", &[("n1", "buurtteam-moerwijk")], 6)
        .await;
    assert_eq!(grown, cluster, "the new signal joins the confirmed cluster");
    let overleg = site.login("overleg").await;
    let (_, agenda) = overleg.get("/agenda").await;
    assert!(
        agenda.contains("gegroeid (+1 sinds het laatste besluit)"),
        "{agenda}"
    );
    // The decision so far, as taken: "bevestigd als knelpunt (dd-mm-jjjj)".
    let today_nl = knooppunt_reports::dutch::date(knooppunt_ingest::today_nl());
    assert!(
        agenda.contains(&format!("bevestigd als knelpunt ({today_nl})")),
        "{agenda}"
    );
    site.app.stop().await;
}

#[tokio::test]
async fn a_merge_shows_on_the_cluster_it_went_into() {
    let (site, moerwijk, laak) = seeded_site_and_laak().await;
    let overleg = site.login("overleg").await;
    let page = overleg.page(&format!("/clusters/{moerwijk}"), 200).await;
    assert!(!page.contains("Hierin samengevoegd"), "{page}");
    // Each signal says how its barrier was found, where the overleg corrects recognition.
    assert!(page.contains(", Moerwijk; herkend "), "{page}");
    let (status, body) = overleg.merge(&laak, &moerwijk).await;
    assert_eq!(status, 303, "{body}");
    // The target names what went into it, with a link; the merged one names its target. The
    // target counts the signals of both (a merge says they are one knelpunt).
    let page = overleg.page(&format!("/clusters/{moerwijk}"), 200).await;
    let (own, merged) = (
        site.store
            .cluster(&moerwijk)
            .await
            .unwrap()
            .unwrap()
            .signal_count,
        site.store
            .cluster(&laak)
            .await
            .unwrap()
            .unwrap()
            .signal_count,
    );
    assert!(
        page.contains(&format!("· {} signalen van ", own + merged)),
        "{own} + {merged}: {page}"
    );
    assert!(
        page.contains(&format!(
            "Hierin samengevoegd: <a href=\"/clusters/{laak}\">"
        )),
        "{page}"
    );
    let page = overleg.page(&format!("/clusters/{laak}"), 200).await;
    assert!(
        page.contains(&format!(
            "Samengevoegd met <a href=\"/clusters/{moerwijk}\">"
        )),
        "{page}"
    );
}

/// After a meeting, with none planned, the agenda opens on today: what the chair prepares for
/// the next meeting, counted since the last one, which is one date away.
#[tokio::test]
async fn the_agenda_opens_on_today_after_the_last_meeting() {
    let (site, _) = seeded_site().await;
    let today = knooppunt_ingest::today_nl();
    let last = today - chrono::Days::new(14);
    knooppunt_reports::review_store::add_meeting(&site.store, last, "overleg")
        .await
        .unwrap();
    let overleg = site.login("overleg").await;
    let page = overleg.page("/agenda", 200).await;
    let dutch = knooppunt_reports::dutch::date;
    assert!(
        page.contains(&format!("Vergadering signaleringsoverleg {}", dutch(today)))
            && page.contains(&format!("sinds {} (de vorige vergadering)", dutch(last))),
        "{page}"
    );
    let past = overleg.page(&format!("/agenda?datum={last}"), 200).await;
    assert!(
        past.contains(&format!("Vergadering signaleringsoverleg {}", dutch(last))),
        "{past}"
    );
    // No meeting before that one: its date eight weeks back is not called a meeting.
    assert!(
        past.contains(&format!(
            "sinds {} (acht weken terug: er is nog geen eerdere vergadering vastgelegd)",
            dutch(last - chrono::Days::new(56))
        )),
        "{past}"
    );
    site.app.stop().await;
}
