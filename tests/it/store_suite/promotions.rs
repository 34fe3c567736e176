//! Promotions on both backends: evaluated on a day and stored with their reasons.

use super::classified;
use crate::support::*;
use chrono::NaiveDate;
use knooppunt_store::Store;

/// A cluster's signals (source, day): three in the eight weeks before 03-09-2026 and five
/// from three teams in the eight weeks before 30-10-2026.
const SIGNALS: [(&str, &str); 8] = [
    ("t1", "2026-08-01"),
    ("t2", "2026-08-10"),
    ("t3", "2026-08-20"),
    ("t1", "2026-09-10"),
    ("t2", "2026-09-20"),
    ("t3", "2026-10-01"),
    ("t1", "2026-10-15"),
    ("t2", "2026-10-29"),
];

/// Promotions are evaluated on a day and stored with their reasons, on both backends.
async fn promotion_suite(store: Store) {
    use knooppunt_rules::ruleset::RuleSet;
    let rules = RuleSet::default_rules().unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
    // Moerwijk: 5 signals from 3 teams in the last 8 weeks (frequency), 3 in the 8 weeks
    // before (so no spike), and one long ago, so the cluster is not new although the
    // look-back window does not reach its start.
    let mut batch = vec![classified(
        "old",
        "t1",
        "Moerwijk",
        "2025-01-10",
        &["kostendelersnorm"],
    )];
    for (i, (source, date)) in SIGNALS.iter().enumerate() {
        batch.push(classified(
            &format!("m{i}"),
            source,
            "Moerwijk",
            date,
            &["kostendelersnorm"],
        ));
    }
    // Laak: two signals, below every threshold.
    batch.push(classified(
        "l1",
        "t1",
        "Laak",
        "2026-10-01",
        &["kostendelersnorm"],
    ));
    batch.push(classified(
        "l2",
        "t2",
        "Laak",
        "2026-10-02",
        &["kostendelersnorm"],
    ));
    store.write_batch(&batch, &[]).await.unwrap();

    let promoted = store.evaluate_promotions(&rules, on).await.unwrap();
    assert_eq!(promoted.len(), 1, "{promoted:?}");
    let p = &promoted[0];
    assert_eq!(
        (p.barrier.as_str(), p.area.as_str()),
        ("kostendelersnorm", "Moerwijk")
    );
    assert_eq!(p.reasons[0]["criterion"], "frequency");
    assert_eq!(p.reasons[0]["signals"], 5);
    assert_eq!(p.reasons[0]["sources"], 3);
    assert_eq!(
        p.reasons.as_array().unwrap().len(),
        1,
        "not new: {:?}",
        p.reasons
    );
    assert_eq!(p.waarom, "5 signalen van 3 bronnen in 1 wijk in 8 weken");
    assert_eq!(p.rules_version, rules.version());

    // Stored: read back, and evaluating the same day again replaces rather than adds.
    store.evaluate_promotions(&rules, on).await.unwrap();
    let stored = store.promotions(on, on).await.unwrap();
    assert_eq!(stored, promoted);
    // Looking never writes: computing the day, or viewing its agenda (a past date by now),
    // leaves the recorded rows as they are, and the agenda still shows the promoted cluster.
    let first = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let before = store.promotion_rows(first, last).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(
        store.compute_promotions(&rules, on).await.unwrap(),
        promoted
    );
    let agenda = knooppunt_reports::agenda::Agenda::gather(&store, &rules.catalog(), on, None)
        .await
        .unwrap();
    let item = agenda
        .items
        .iter()
        .find(|i| i.cluster_id == p.cluster_id)
        .expect("the promoted cluster is on the agenda");
    assert_eq!(item.waarom, p.waarom);
    // Dismissed today, long after that meeting: its agenda still reads as it stood then (a
    // later decision does not take items off an earlier meeting's agenda).
    knooppunt_reports::review_store::decide(
        &store,
        &p.cluster_id,
        knooppunt_reports::review::Action::Dismiss,
        "geen structureel knelpunt",
        "overleg",
    )
    .await
    .unwrap();
    let again = knooppunt_reports::agenda::Agenda::gather(&store, &rules.catalog(), on, None)
        .await
        .unwrap();
    let item = again.items.iter().find(|i| i.cluster_id == p.cluster_id);
    assert_eq!(item.map(|i| i.state.as_str()), Some("open"), "{item:?}");
    let later_view = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
    knooppunt_reports::agenda::Agenda::gather(&store, &rules.catalog(), later_view, None)
        .await
        .unwrap();
    assert_eq!(store.promotion_rows(first, last).await.unwrap(), before);
    // A day later the oldest of the five leaves the window: 4 signals, no longer promoted,
    // while the earlier day's promotion stays on record.
    let later = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
    assert!(store
        .evaluate_promotions(&rules, later)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.promotions(on, later).await.unwrap().len(), 1);
}

on_both_backends!(promotion_suite: promotions_on_sqlite, promotions_on_postgres);

/// A cluster a recorded meeting had on its agenda and did not decide on stays on the next
/// agendas, saying since when, though it no longer meets the criteria; a decision ends that.
async fn carry_over_suite(store: Store) {
    use knooppunt_reports::agenda::Agenda;
    use knooppunt_rules::ruleset::RuleSet;
    let rules = RuleSet::default_rules().unwrap();
    let catalog = rules.catalog();
    // The five of the last eight weeks before 30-10-2026.
    let batch: Vec<_> = SIGNALS[3..]
        .iter()
        .enumerate()
        .map(|(i, (source, date))| {
            classified(
                &format!("c{i}"),
                source,
                "Transvaal",
                date,
                &["wachtlijst-ggz"],
            )
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
    // Another cluster the engine promoted in June, months before any meeting: never on an
    // agenda, so nothing to carry.
    let june: Vec<_> = [
        "2026-05-02",
        "2026-05-09",
        "2026-05-16",
        "2026-05-23",
        "2026-05-30",
    ]
    .iter()
    .enumerate()
    .map(|(i, date)| {
        let source = format!("t{}", i % 3);
        classified(&format!("j{i}"), &source, "Laak", date, &["wachtlijst-ggz"])
    })
    .collect();
    store.write_batch(&june, &[]).await.unwrap();
    let june_day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let engine = store.evaluate_promotions(&rules, june_day).await.unwrap();
    assert_eq!(engine.len(), 1, "{engine:?}");
    let meeting = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
    let recorded = Agenda::gather(&store, &catalog, meeting, Some("overleg"))
        .await
        .unwrap();
    assert_eq!(recorded.items.len(), 1, "{:?}", recorded.items);
    let (id, waarom) = (&recorded.items[0].cluster_id, &recorded.items[0].waarom);
    // The next meeting (today): the signals have left the window, nothing was decided.
    let today = knooppunt_ingest::today_nl();
    let agenda = Agenda::gather(&store, &catalog, today, None).await.unwrap();
    let item = agenda.items.iter().find(|i| &i.cluster_id == id);
    let item = item.unwrap_or_else(|| panic!("carried over: {:?}", agenda.items));
    assert_eq!(
        item.labels,
        vec!["nog open: op de agenda sinds 30-10-2026, nog geen besluit".to_string()]
    );
    assert_eq!(&item.waarom, waarom);
    assert_eq!(agenda.since, "2026-10-30");
    assert_eq!(
        agenda.items.len(),
        1,
        "the engine's June promotion is not carried"
    );
    // Decided at this meeting: it stays on this meeting's agenda, and is off the next one.
    knooppunt_reports::review_store::decide(
        &store,
        id,
        knooppunt_reports::review::Action::Dismiss,
        "geen structureel knelpunt",
        "overleg",
    )
    .await
    .unwrap();
    let agenda = Agenda::gather(&store, &catalog, today, None).await.unwrap();
    let item = agenda.items.iter().find(|i| &i.cluster_id == id);
    let item = item.unwrap_or_else(|| panic!("decided today, still on: {:?}", agenda.items));
    assert_eq!(
        item.labels,
        vec!["op de agenda sinds 30-10-2026, besloten in deze vergadering".to_string()],
        "the label no longer says 'nog geen besluit' beside the decision"
    );
    let next = today + chrono::Duration::days(1);
    let agenda = Agenda::gather(&store, &catalog, next, None).await.unwrap();
    assert!(
        agenda.items.iter().all(|i| &i.cluster_id != id),
        "{:?}",
        agenda.items
    );
}

on_both_backends!(carry_over_suite: carry_over_on_sqlite, carry_over_on_postgres);
