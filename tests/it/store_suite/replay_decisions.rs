//! Replay and the overleg's decisions, on both backends: a cluster the overleg decided on that
//! a replay empties hands its decisions to the one cluster that takes all its signals, in the
//! replay's transaction; where that cannot be (the successor has decisions of its own), the
//! replay writes nothing unless asked to let them lapse.

use super::replay::classified_by;
use crate::support::*;
use crate::teams_loop::{answer, follow};
use knooppunt_domain::cluster::ClusterRow;
use knooppunt_domain::review::{Action, State};
use knooppunt_reports::review_store::{decide, reviewed_clusters};
use knooppunt_rules::replay::{replay, Apply, DecidedVanishing};
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;

/// Two signals of Moerwijk, one stored in its buurt Moerwijk-Zuid's own cluster (as before
/// buurten were keyed by their wijk), whose cluster the overleg confirmed, gave an owner and
/// a recommendation: that cluster, and the wijk's.
async fn decided_buurt(store: &Store, rules: &RuleSet) -> (ClusterRow, ClusterRow) {
    let text = "Kostendelersnorm: dochter trekt in, uitkering omlaag.";
    let mut batch = classified_by(
        rules,
        &[("w", "Moerwijk", text), ("z", "Moerwijk-Zuid", text)],
    );
    assert_eq!(batch[1].matches.len(), 1, "found: {:?}", batch[1].matches);
    batch[1].matches[0].cluster = knooppunt_domain::cluster::ClusterKeyValues {
        area_key: "moerwijk-zuid".into(),
        area: "Moerwijk-Zuid".into(),
        organisation: String::new(),
    };
    store.write_batch(&batch, &[]).await.unwrap();
    let buurt = cluster_in(store, "kostendelersnorm", "Moerwijk-Zuid").await;
    let buurt = buurt.expect("the old buurt cluster");
    assert_eq!(buurt.signal_count, 1);
    let assign = Action::Assign {
        owner: "Team Moerwijk".into(),
        programme: "armoede".into(),
    };
    for (action, reason) in [
        (Action::Confirm, ""),
        (assign, ""),
        (
            Action::Recommend,
            "Kostendelersnorm niet toepassen op inwonende kinderen",
        ),
    ] {
        decide(store, &buurt.id, action, reason, "overleg")
            .await
            .unwrap();
    }
    let wijk = cluster_in(store, "kostendelersnorm", "Moerwijk").await;
    (buurt, wijk.expect("the wijk's cluster"))
}

/// The buurt's cluster as the diff names it, its signal going to the wijk's.
fn vanishing(buurt: &ClusterRow, wijk: &ClusterRow, carried: bool) -> DecidedVanishing {
    DecidedVanishing {
        id: buurt.id.clone(),
        barrier: "kostendelersnorm".into(),
        key: "Moerwijk-Zuid".into(),
        state: "bevestigd".into(),
        owner: Some("Team Moerwijk".into()),
        to: vec![(wijk.id.clone(), "Moerwijk".into(), 1)],
        carried_to: carried.then(|| wijk.id.clone()),
    }
}

/// The replay moves the buurt's signal into the wijk's cluster and its decisions with it: the
/// wijk's cluster stands confirmed, with the owner and the recommendation, recorded by
/// `system:herindeling` with their events; the buurt's history says where it went.
async fn carried_suite(store: Store) {
    let rules = RuleSet::default_rules().unwrap();
    let (buurt, wijk) = decided_buurt(&store, &rules).await;
    let events_before = store.event_outbox(0, 1000, false).await.unwrap().len();

    let dry = replay(&store, &rules, false, |_| {}).await.unwrap();
    assert!(!dry.applied);
    let report = dry.report(rules.version());
    assert!(
        report.contains("1 cluster met besluiten van het overleg verdwijnt. De besluiten gaan mee")
            && report.contains(&format!(
                "  kostendelersnorm Moerwijk-Zuid {} (bevestigd, eigenaar Team Moerwijk) → Moerwijk {} (1 signaal)\n",
                buurt.id, wijk.id
            ))
            && !report.contains("Let op"),
        "{report}"
    );
    assert!(
        store.decisions(&wijk.id).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let diff = replay(&store, &rules, true, |_| {}).await.unwrap();
    assert!(diff.applied, "written: the decisions go along");
    assert_eq!(diff.decided_vanishing, vec![vanishing(&buurt, &wijk, true)]);
    assert!(cluster_in(&store, "kostendelersnorm", "Moerwijk-Zuid")
        .await
        .is_none());
    assert_eq!(
        store.memberships("t", "z").await.unwrap()[0].cluster_id,
        wijk.id
    );

    let today = knooppunt_domain::dutch_time::local_day(&chrono::Utc::now());
    let reviewed = reviewed_clusters(&store, today).await.unwrap();
    let now = reviewed
        .iter()
        .find(|r| r.cluster.id == wijk.id)
        .expect("the wijk's cluster");
    assert_eq!(now.cluster.signal_count, 2);
    assert_eq!(now.standing.state, State::Confirmed);
    assert_eq!(now.standing.owner.as_deref(), Some("Team Moerwijk"));
    assert_eq!(now.standing.programme.as_deref(), Some("armoede"));
    assert_eq!(
        now.standing.grown, 0,
        "no signal arrived since the decisions"
    );
    let history = store.decisions(&wijk.id).await.unwrap();
    let taken: Vec<(&str, &str)> = history
        .iter()
        .map(|d| (d.action.name(), d.actor.as_str()))
        .collect();
    assert_eq!(
        taken,
        [
            ("notitie", "system:herindeling"),
            ("toewijzen", "system:herindeling"),
            ("aanbeveling", "system:herindeling"),
            ("bevestigen", "system:herindeling"),
        ]
    );
    assert!(
        history[0].reason.contains(&buurt.id),
        "{}",
        history[0].reason
    );
    assert_eq!(
        history[2].reason,
        "Kostendelersnorm niet toepassen op inwonende kinderen"
    );
    let told = store.decisions(&buurt.id).await.unwrap();
    let last = told.last().unwrap();
    assert_eq!(
        (&last.action, last.state_after),
        (
            &Action::Merge {
                with: wijk.id.clone()
            },
            State::Merged
        )
    );
    // Each decision with an event has it: the merge, the assignment and the confirmation (a
    // note and a recommendation have none).
    let events = store.event_outbox(0, 1000, false).await.unwrap();
    let kinds: Vec<(String, String)> = events[events_before..]
        .iter()
        .map(|e| {
            let event: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
            let cluster = event["cluster"]["id"].as_str().unwrap_or_default();
            (
                event["type"].as_str().unwrap_or_default().into(),
                cluster.into(),
            )
        })
        .collect();
    let expected = [
        ("merged", &buurt.id),
        ("assigned", &wijk.id),
        ("confirmed", &wijk.id),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(kind, id)| (kind.to_string(), id.to_string()))
        .collect();
    assert_eq!(kinds, expected);

    // Today's minutes name the emptied cluster by its last event, not by its id.
    let minutes = knooppunt_reports::minutes::Minutes::gather(&store, &rules.catalog(), today)
        .await
        .unwrap();
    let merged = minutes
        .decisions
        .iter()
        .find(|d| d.cluster_id == buurt.id && d.action == "samenvoegen")
        .expect("the merge in today's minutes");
    assert_eq!(
        (merged.title.as_str(), merged.area.as_str()),
        (
            rules.catalog().title("kostendelersnorm").as_str(),
            "Moerwijk-Zuid (opgeheven)"
        )
    );
    assert_eq!(merged.actor, "Knooppunt (herindeling)");
    assert!(merged.links[0].text.ends_with("— Moerwijk (2 signalen)"));

    let again = replay(&store, &rules, true, |_| {}).await.unwrap();
    assert_eq!(again.rewritten, 0, "nothing left to move");
    assert!(again.decided_vanishing.is_empty());
    assert_eq!(store.decisions(&wijk.id).await.unwrap().len(), 4);
}

on_both_backends!(carried_suite: carried_on_sqlite, carried_on_postgres);

/// When the wijk's cluster has decisions of its own, the buurt's cannot go there: the replay
/// writes nothing, and written all the same on request, the buurt's decisions lapse and the
/// wijk's stand.
async fn lapsing_suite(store: Store) {
    let rules = RuleSet::default_rules().unwrap();
    let (buurt, wijk) = decided_buurt(&store, &rules).await;
    decide(
        &store,
        &wijk.id,
        Action::Dismiss,
        "Geen systeemdrempel",
        "overleg",
    )
    .await
    .unwrap();

    let diff = replay(&store, &rules, true, |_| {}).await.unwrap();
    assert!(!diff.applied);
    assert_eq!(
        diff.decided_vanishing,
        vec![vanishing(&buurt, &wijk, false)]
    );
    let report = diff.report(rules.version());
    assert!(
        report.contains("Let op: 1 cluster met besluiten van het overleg verdwijnt.")
            && !report.contains("De besluiten gaan mee"),
        "{report}"
    );
    let kept = cluster_in(&store, "kostendelersnorm", "Moerwijk-Zuid").await;
    assert_eq!(kept.map(|c| c.signal_count), Some(1), "nothing was written");
    assert_eq!(
        store.memberships("t", "z").await.unwrap()[0].cluster_id,
        buurt.id
    );

    let applied = replay(&store, &rules, Apply::LettingDecisionsLapse, |_| {})
        .await
        .unwrap();
    assert!(applied.applied);
    assert_eq!(applied.decided_vanishing, diff.decided_vanishing);
    assert!(cluster_in(&store, "kostendelersnorm", "Moerwijk-Zuid")
        .await
        .is_none());
    let wijk_history = store.decisions(&wijk.id).await.unwrap();
    assert_eq!(wijk_history.len(), 1, "the wijk's own decision only");
    assert_eq!(wijk_history[0].state_after, State::Dismissed);
    assert_eq!(store.decisions(&buurt.id).await.unwrap().len(), 3);
    assert!(store.cluster_count_mismatches().await.unwrap().is_empty());
}

on_both_backends!(lapsing_suite: lapsing_on_sqlite, lapsing_on_postgres);

/// `knooppunt rules replay --apply` where a decided cluster would vanish without its
/// decisions writes nothing, says why in Dutch and exits 1; with `--let-decisions-lapse` it
/// applies.
#[tokio::test]
async fn the_replay_command_asks_before_decisions_lapse() {
    let (dir, store) = sqlite_store().await;
    let rules = RuleSet::default_rules().unwrap();
    let (buurt, wijk) = decided_buurt(&store, &rules).await;
    decide(&store, &wijk.id, Action::Confirm, "", "overleg")
        .await
        .unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let replay = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_knooppunt"))
            .args(["rules", "replay"])
            .args(args)
            .env("KNOOPPUNT__STORE__URL", &url)
            .env("KNOOPPUNT_LOG", "warn")
            .output()
            .expect("run knooppunt rules replay");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.code(), text)
    };
    let (code, text) = replay(&["--apply"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("Let op: 1 cluster met besluiten van het overleg verdwijnt.")
            && text.contains("Niets gewijzigd")
            && text.contains("--apply --let-decisions-lapse"),
        "{text}"
    );
    let kept = cluster_in(&store, "kostendelersnorm", "Moerwijk-Zuid").await;
    assert_eq!(kept.map(|c| c.id), Some(buurt.id.clone()));

    let (code, text) = replay(&["--let-decisions-lapse"]);
    assert_eq!(code, Some(2), "only with --apply: {text}");
    let (code, text) = replay(&["--apply", "--let-decisions-lapse"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Doorgevoerd"), "{text}");
    let gone = cluster_in(&store, "kostendelersnorm", "Moerwijk-Zuid").await;
    assert!(gone.is_none());
}

/// A link to the buurt's cluster, emptied by the replay (in an old decisions list, an event,
/// a bookmark), leads an overleg member of its wijk to the wijk's cluster, with a word on
/// why; a member of another wijk finds nothing, as before.
#[tokio::test]
async fn the_page_of_an_emptied_cluster_leads_to_the_one_that_took_over() {
    let site = site().await;
    add_overleg_laak(&site.store).await;
    let rules = RuleSet::default_rules().unwrap();
    let (buurt, wijk) = decided_buurt(&site.store, &rules).await;
    let path = format!("/clusters/{}", buurt.id);
    let overleg = site.login("overleg").await;
    let before = overleg.page(&path, 200).await;
    assert!(before.contains("Moerwijk-Zuid"), "{before}");
    assert!(
        replay(&site.store, &rules, true, |_| {})
            .await
            .unwrap()
            .applied
    );

    let answer = answer(overleg.send(reqwest::Method::GET, &path).await).await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.location, format!("/clusters/{}", wijk.id));
    assert!(
        answer.cookies.iter().any(|c| c.starts_with("kp_melding=")),
        "a message for the next page"
    );
    let page = follow(&overleg, &answer).await;
    assert!(
        page.contains("Het cluster dat u opende bestaat niet meer")
            && page.contains("Team Moerwijk")
            && page.contains("Knooppunt (herindeling)"),
        "{page}"
    );

    let laak = site.login("overleg-laak").await;
    let refused = laak.page(&path, 404).await;
    assert!(refused.contains("bestaat niet"), "{refused}");
    let _ = overleg.page("/clusters/onbekend", 404).await;
    site.app.stop().await;
}

/// In Chromium, at projector and phone width: the overleg opens the emptied buurt cluster's old
/// link, lands on the wijk's cluster with the line saying why and the carried decisions in its
/// history, and finds them in today's besluitenlijst, the buurt's cluster named by its key.
/// Screenshots in `target/tmp/browser/herindeling-<width>/`.
async fn carried_in_the_browser_at((width, height): (u32, u32)) {
    let driver = driver().await;
    let site = site().await;
    let rules = RuleSet::default_rules().unwrap();
    let (buurt, _) = decided_buurt(&site.store, &rules).await;
    assert!(
        replay(&site.store, &rules, true, |_| {})
            .await
            .unwrap()
            .applied
    );
    let mut browser = Browser::signed_in(
        &driver,
        &format!("herindeling-{width}"),
        Some((width, height)),
        &site.base,
        "overleg",
    )
    .await;
    let page = browser
        .open(
            &format!("/clusters/{}", buurt.id),
            "Het cluster dat u opende bestaat niet meer",
        )
        .await;
    assert!(
        page.contains("Team Moerwijk") && page.contains("Knooppunt (herindeling)"),
        "{page}"
    );
    check_page(&mut browser, "opgevolgd", "the cluster that took over").await;
    browser.scroll_to("#geschiedenis-kop").await;
    browser.shot("geschiedenis").await;
    let day = knooppunt_ingest::today_nl().format("%Y-%m-%d");
    let minutes = browser
        .open(&format!("/agenda/besluitenlijst?datum={day}"), "Besluiten")
        .await;
    assert!(minutes.contains("Moerwijk-Zuid (opgeheven)"), "{minutes}");
    check_page(&mut browser, "besluitenlijst", "today's decisions list").await;
    browser.close().await;
    site.app.stop().await;
}

on_screens!(carried_in_the_browser_at:
    carried_decisions_in_the_browser_on_a_desktop = PROJECTOR,
    carried_decisions_in_the_browser_on_a_phone = PHONE);
