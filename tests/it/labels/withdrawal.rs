//! Taking a recognition correction back, on SQLite and PostgreSQL: the label stays (append-
//! only) with its withdrawal beside it, the signal and the cluster counts are as before it,
//! a replay does not apply it again, and it is no training note any more.

use super::{barriers_of, count_of, found_by, label, store_notes, NOTES};
use crate::support::*;
use knooppunt_rules::labels::{NotWithdrawn, Verdict};
use knooppunt_rules::replay::replay;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;

/// Records the overleg's verdict on signal `id` of source `t`, made on cluster `on`'s page;
/// the label's number.
async fn record_on(store: &Store, id: &str, barrier: &str, verdict: Verdict, on: &str) -> i64 {
    let mut new = label(id, barrier, verdict);
    new.cluster_id = Some(on);
    store.record_label(&new).await.expect("record label").seq
}

/// The id of the (barrier, area) cluster.
async fn cluster_id(store: &Store, barrier: &str, area: &str) -> String {
    cluster_in(store, barrier, area)
        .await
        .expect("cluster exists")
        .id
}

async fn withdrawal_suite(store: Store) {
    store_notes(&store, &NOTES).await;
    let today = knooppunt_ingest::today_nl();
    let yesterday = today.pred_opt().expect("a day before");
    let kdn = cluster_id(&store, "kostendelersnorm", "Moerwijk").await;
    let recognised_by = found_by(&store, "a", "kostendelersnorm").await;

    // "Hoort niet bij deze barrière", then taken back: the signal is back as it was found.
    let seq = record_on(
        &store,
        "a",
        "kostendelersnorm",
        Verdict::DoesNotBelong,
        &kdn,
    )
    .await;
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(1)
    );
    let history = store.cluster_labels(&kdn).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].label.cluster_id.as_deref(), Some(kdn.as_str()));
    assert!(!history[0].followed && history[0].label.withdrawn.is_none());
    let refused = store.withdraw_label(seq, yesterday, "voorzitter").await;
    assert_eq!(refused.unwrap().err(), Some(NotWithdrawn::NotThatDay));
    let withdrawn = store.withdraw_label(seq, today, "voorzitter").await;
    let withdrawn = withdrawn.unwrap().expect("taken back");
    assert_eq!(withdrawn.effect.joined.as_deref(), Some(kdn.as_str()));
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(2)
    );
    assert_eq!(barriers_of(&store, "a").await, ["kostendelersnorm"]);
    assert_eq!(
        found_by(&store, "a", "kostendelersnorm").await,
        recognised_by,
        "put back as recognition found it, not as the overleg's"
    );
    let again = store.withdraw_label(seq, today, "voorzitter").await;
    assert_eq!(again.unwrap().err(), Some(NotWithdrawn::Already));
    assert_eq!(
        store
            .withdraw_label(9999, today, "voorzitter")
            .await
            .unwrap()
            .err(),
        Some(NotWithdrawn::Unknown)
    );
    // Append-only: the label stays, with who took it back.
    let labels = store.labels().await.unwrap();
    let taken_back = labels[0].withdrawn.as_ref().expect("withdrawal recorded");
    assert_eq!((labels.len(), taken_back.actor.as_str()), (1, "voorzitter"));
    assert!(store.signal_labels().await.unwrap().is_empty());

    // "Ook" a second barrier, then "hoort niet bij" the first: the later one goes back first.
    let angst = "angst-uitkeringskorting";
    let also = record_on(&store, "d", angst, Verdict::Belongs, &kdn).await;
    let angst_id = cluster_id(&store, angst, "Moerwijk").await;
    let out = record_on(
        &store,
        "d",
        "kostendelersnorm",
        Verdict::DoesNotBelong,
        &kdn,
    )
    .await;
    assert_eq!(barriers_of(&store, "d").await, [angst]);
    let joined = store.cluster_labels(&angst_id).await.unwrap();
    assert_eq!(joined.len(), 1, "the cluster it was added to lists it too");
    assert!(joined[0].followed);
    let first = store.withdraw_label(also, today, "voorzitter").await;
    assert_eq!(first.unwrap().err(), Some(NotWithdrawn::Later));
    store
        .withdraw_label(out, today, "voorzitter")
        .await
        .unwrap()
        .unwrap();
    store
        .withdraw_label(also, today, "voorzitter")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(barriers_of(&store, "d").await, ["kostendelersnorm"]);
    assert_eq!(
        count_of(&store, angst, "Moerwijk").await,
        None,
        "emptied again"
    );
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(2)
    );

    // "Geen barrière" empties a cluster; taken back, the cluster is there again, same id.
    let schimmel = cluster_id(&store, "corporatie-reactietijd", "Laak").await;
    let none = record_on(&store, "b", "", Verdict::NoBarrier, &schimmel).await;
    assert_eq!(
        count_of(&store, "corporatie-reactietijd", "Laak").await,
        None
    );
    store
        .withdraw_label(none, today, "voorzitter")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        cluster_id(&store, "corporatie-reactietijd", "Laak").await,
        schimmel
    );
    assert_eq!(
        count_of(&store, "corporatie-reactietijd", "Laak").await,
        Some(1)
    );

    // Triaged out of the queue and taken back: back in the queue.
    let triaged = store
        .record_label(&label("c", "", Verdict::NoBarrier))
        .await;
    let triaged = triaged.unwrap().seq;
    assert_eq!(store.unclassified_queue(&[], 0, 10).await.unwrap().1, 0);
    store
        .withdraw_label(triaged, today, "voorzitter")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.unclassified_queue(&[], 0, 10).await.unwrap().1, 1);

    // Nothing taken back is applied by a replay or read as a training note.
    assert!(store.labelled_signals().await.unwrap().is_empty());
    let rules = RuleSet::default_rules().unwrap();
    replay(&store, &rules, true, |_| {}).await.unwrap();
    assert_eq!(barriers_of(&store, "a").await, ["kostendelersnorm"]);
    assert_eq!(barriers_of(&store, "d").await, ["kostendelersnorm"]);
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(2)
    );
    assert_eq!(store.labels().await.unwrap().len(), 5, "every label stays");
    // The day's labels, with their signal's wijk, for the decisions list.
    let day = store.labels_on(today).await.unwrap();
    let areas: Vec<&str> = day.iter().map(|(_, area)| area.as_str()).collect();
    assert_eq!(areas, ["Moerwijk", "Moerwijk", "Moerwijk", "Laak", "Laak"]);
    assert!(day.iter().all(|(label, _)| label.withdrawn.is_some()));
    assert!(store.labels_on(yesterday).await.unwrap().is_empty());
}

on_both_backends!(withdrawal_suite: withdrawals_on_sqlite, withdrawals_on_postgres);

/// "Geen barrière" on a signal in two clusters empties both; taken back, it is in both again
/// and each is counted, not only the last one it went back into.
async fn a_signal_goes_back_into_every_cluster(store: Store) {
    let two = "Kostendelersnorm: zoon trekt weer in, bijstand van moeder omlaag. En de \
               corporatie reageert al 8 weken niet op de schimmel.";
    store_notes(&store, &[("e", "Moerwijk", "2026-09-04", two)]).await;
    let barriers = barriers_of(&store, "e").await;
    assert_eq!(barriers.len(), 2, "a note of two barriers: {barriers:?}");
    let none = store
        .record_label(&label("e", "", Verdict::NoBarrier))
        .await;
    let none = none.unwrap().seq;
    for barrier in &barriers {
        assert_eq!(
            count_of(&store, barrier, "Moerwijk").await,
            None,
            "{barrier}"
        );
    }
    let today = knooppunt_ingest::today_nl();
    let back = store.withdraw_label(none, today, "voorzitter").await;
    back.unwrap().expect("taken back");
    assert_eq!(barriers_of(&store, "e").await, barriers);
    for barrier in &barriers {
        assert_eq!(
            count_of(&store, barrier, "Moerwijk").await,
            Some(1),
            "{barrier}"
        );
    }
}

on_both_backends!(a_signal_goes_back_into_every_cluster: back_into_both_on_sqlite, back_into_both_on_postgres);
