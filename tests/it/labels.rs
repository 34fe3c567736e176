//! The review loop's store side (issue 11), on SQLite and PostgreSQL: labels take effect at
//! once (barriers, memberships, cluster counts), the *Niet ingedeeld* queue, replays keep the
//! labels, and labels become training notes and the measure of real-world accuracy.

use crate::support::*;
use chrono::NaiveDate;
use knooppunt_domain::cluster::Classified;
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::parse_signal;
use knooppunt_rules::engine::classify;
use knooppunt_rules::labels::{measure, LabelEffect, NewLabel, Verdict};
use knooppunt_rules::replay::replay;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;
use serde_json::json;

mod withdrawal;

/// Stores notes (id, area, date, text) classified by the default rules.
pub async fn store_notes(store: &Store, notes: &[(&str, &str, &str, &str)]) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let rules = RuleSet::default_rules().unwrap();
    let batch: Vec<Classified> = notes
        .iter()
        .map(|(id, area, date, text)| {
            let value =
                json!({"id": id, "observed_on": date, "source": "t", "area": area, "text": text});
            let envelope = Envelope::prepare(
                parse_signal(&value, today).unwrap(),
                Channel::Http,
                chrono::Utc::now(),
            );
            classify(&rules, envelope)
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
}

pub const NOTES: [(&str, &str, &str, &str); 4] = [
    (
        "a",
        "Moerwijk",
        "2026-05-04",
        "Zoon weer thuis, de bijstand van moeder gaat omlaag.",
    ),
    (
        "b",
        "Laak",
        "2026-09-01",
        "Schimmel gemeld, corporatie reageert al 8 weken niet.",
    ),
    (
        "c",
        "Laak",
        "2026-09-02",
        "Buurtkamer dicht, niemand weet waarom.",
    ),
    (
        "d",
        "Moerwijk",
        "2026-09-03",
        "Kostendelersnorm: dochter trekt in, uitkering omlaag.",
    ),
];

/// Records the overleg's verdict on signal `id` of source `t`.
pub(crate) async fn record(
    store: &Store,
    id: &str,
    barrier: &str,
    verdict: Verdict,
) -> LabelEffect {
    store
        .record_label(&label(id, barrier, verdict))
        .await
        .expect("record label")
}

/// The barriers signal `id` of source `t` is in now.
pub(crate) async fn barriers_of(store: &Store, id: &str) -> Vec<String> {
    store
        .signal("t", id)
        .await
        .expect("read signal")
        .expect("signal stored")
        .barriers
}

pub(crate) async fn count_of(store: &Store, barrier: &str, area: &str) -> Option<i64> {
    cluster_in(store, barrier, area)
        .await
        .map(|c| c.signal_count)
}

pub(crate) async fn found_by(store: &Store, id: &str, barrier: &str) -> String {
    let memberships = store.memberships("t", id).await.unwrap();
    let membership = memberships.into_iter().find(|m| m.barrier == barrier);
    membership.expect("membership").found_by
}

pub(crate) fn label<'a>(id: &'a str, barrier: &'a str, verdict: Verdict) -> NewLabel<'a> {
    NewLabel {
        source: "t",
        signal_id: id,
        barrier,
        verdict,
        actor: "overleg-a",
        cluster_id: None,
    }
}

async fn label_suite(store: Store) {
    store_notes(&store, &NOTES).await;
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(2)
    );
    assert!(barriers_of(&store, "c").await.is_empty());

    // The queue: unclassified and unlabelled, only in the member's wijken.
    let (queue, total) = store.unclassified_queue(&[], 0, 10).await.unwrap();
    assert_eq!((queue.len(), total), (1, 1));
    assert_eq!(queue[0].id, "c");
    let queued_in = async |area: &str| {
        let areas = [area.to_string()];
        store.unclassified_queue(&areas, 0, 10).await.unwrap().1
    };
    assert_eq!(queued_in("moerwijk").await, 0);
    assert_eq!(queued_in("laak").await, 1);

    // Triaged into a barrier: the signal joins a new cluster, found by the overleg.
    let effect = record(&store, "c", "loket-drempel", Verdict::Belongs).await;
    assert!(effect.joined.is_some() && effect.left.is_none());
    assert_eq!(barriers_of(&store, "c").await, ["loket-drempel"]);
    assert_eq!(count_of(&store, "loket-drempel", "Laak").await, Some(1));
    assert_eq!(found_by(&store, "c", "loket-drempel").await, "overleg");
    assert_eq!(store.unclassified_queue(&[], 0, 10).await.unwrap().1, 0);

    // "Hoort niet bij deze barrière": the cluster count follows at once.
    let effect = record(&store, "a", "kostendelersnorm", Verdict::DoesNotBelong).await;
    assert!(effect.left.is_some());
    assert!(barriers_of(&store, "a").await.is_empty());
    assert_eq!(
        count_of(&store, "kostendelersnorm", "Moerwijk").await,
        Some(1)
    );
    let moerwijk = store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.barrier == "kostendelersnorm")
        .unwrap();
    assert_eq!(
        moerwijk.first_seen.to_string(),
        "2026-09-03",
        "first seen follows the remaining signals"
    );

    // "Ook: <barrière>" adds a second barrier.
    record(&store, "d", "angst-uitkeringskorting", Verdict::Belongs).await;
    assert_eq!(
        barriers_of(&store, "d").await,
        ["kostendelersnorm", "angst-uitkeringskorting"]
    );
    assert_eq!(
        count_of(&store, "angst-uitkeringskorting", "Moerwijk").await,
        Some(1)
    );
    // Labelling an existing barrier again changes no count.
    record(&store, "d", "angst-uitkeringskorting", Verdict::Belongs).await;
    assert_eq!(
        count_of(&store, "angst-uitkeringskorting", "Moerwijk").await,
        Some(1)
    );

    // "Geen barrière" removes every barrier; an emptied cluster disappears.
    record(&store, "b", "", Verdict::NoBarrier).await;
    assert!(barriers_of(&store, "b").await.is_empty());
    assert_eq!(
        count_of(&store, "corporatie-reactietijd", "Laak").await,
        None
    );
    assert_eq!(
        store.unclassified_queue(&[], 0, 10).await.unwrap().1,
        0,
        "labelled signals leave the queue"
    );

    // A label on a signal that does not exist is refused.
    assert!(store
        .record_label(&label("zz", "loket-drempel", Verdict::Belongs))
        .await
        .is_err());

    // Append-only: who, when, what.
    let labels = store.labels().await.unwrap();
    assert_eq!(labels.len(), 5);
    assert_eq!(
        (
            labels[0].signal_id.as_str(),
            labels[0].barrier.as_str(),
            labels[0].verdict,
            labels[0].actor.as_str()
        ),
        ("c", "loket-drempel", Verdict::Belongs, "overleg-a")
    );
    assert_eq!(
        (labels[4].barrier.as_str(), labels[4].verdict),
        ("", Verdict::NoBarrier)
    );
    assert!(labels
        .iter()
        .all(|l| l.labelled_at > chrono::DateTime::UNIX_EPOCH));

    // A replay with the same rules re-classifies, then applies the labels: nothing moves.
    let clusters_before = store.clusters().await.unwrap();
    let rules = RuleSet::default_rules().unwrap();
    let diff = replay(&store, &rules, true, |_| {}).await.unwrap();
    assert_eq!(diff.changed, 0, "{}", diff.report(rules.version()));
    let mut after = store.clusters().await.unwrap();
    let mut before = clusters_before.clone();
    after.sort_by(|a, b| a.id.cmp(&b.id));
    before.sort_by(|a, b| a.id.cmp(&b.id));
    let counts = |c: &[knooppunt_domain::cluster::ClusterRow]| {
        c.iter()
            .map(|c| (c.barrier.clone(), c.area.clone(), c.signal_count))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&after), counts(&before));
    assert_eq!(barriers_of(&store, "c").await, ["loket-drempel"]);
    assert_eq!(found_by(&store, "c", "loket-drempel").await, "overleg");
    assert!(barriers_of(&store, "a").await.is_empty());

    // A replay with other rules still keeps what the overleg said.
    let other = RuleSet::from_toml(&rules_toml(
        "test-2",
        &[
            ("corporatie-reactietijd", "schimmel"),
            ("loket-drempel", "loket"),
        ],
    ))
    .unwrap();
    replay(&store, &other, true, |_| {}).await.unwrap();
    assert_eq!(barriers_of(&store, "c").await, ["loket-drempel"]);
    assert!(
        barriers_of(&store, "b").await.is_empty(),
        "geen barrière holds"
    );

    // Training notes and the measure against the labels.
    let labelled = store.labelled_signals().await.unwrap();
    assert_eq!(labelled.len(), 4);
    let notes: Vec<_> = labelled.iter().map(|s| s.labels.training_note(s)).collect();
    assert!(notes.iter().all(|n| n["voice"] == "overleg"));
    let report = measure(&rules, &labelled);
    assert_eq!(
        report.keys().cloned().collect::<Vec<_>>(),
        ["2026-K2", "2026-K3"]
    );
}

on_both_backends!(label_suite: labels_on_sqlite, labels_on_postgres);

/// The measure on a constructed set: known rule hits and misses against known labels.
#[tokio::test]
async fn measure_against_labels_counts_by_quarter() {
    let (dir, store) = sqlite_store().await;
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    store_notes(
        &store,
        &[
            // Rules find kostendelersnorm; the overleg agrees (true positive).
            (
                "p1",
                "Laak",
                "2026-02-01",
                "Kostendelersnorm: dochter trekt in, uitkering omlaag.",
            ),
            // Rules find it; the overleg says it does not belong (false positive).
            (
                "p2",
                "Laak",
                "2026-02-02",
                "Kostendelersnorm: zoon trekt in, bijstand omlaag.",
            ),
            // Rules find nothing; the overleg triages it into kostendelersnorm (false negative).
            (
                "p3",
                "Laak",
                "2026-08-03",
                "Buurtkamer dicht, niemand weet waarom.",
            ),
        ],
    )
    .await;
    record(&store, "p1", "kostendelersnorm", Verdict::Belongs).await;
    record(&store, "p2", "kostendelersnorm", Verdict::DoesNotBelong).await;
    record(&store, "p3", "kostendelersnorm", Verdict::Belongs).await;
    let rules = RuleSet::default_rules().unwrap().without_model();
    let report = measure(&rules, &store.labelled_signals().await.unwrap());
    let b = rules
        .barriers()
        .iter()
        .position(|b| b.id == "kostendelersnorm")
        .unwrap();
    let first = &report["2026-K1"].report.counts[0][b];
    assert_eq!((first.tp, first.fp, first.fn_), (1, 1, 0));
    assert_eq!(first.precision(), 0.5);
    let third = &report["2026-K3"].report.counts[0][b];
    assert_eq!((third.tp, third.fp, third.fn_), (0, 0, 1));
    assert_eq!(third.recall(), 0.0);
    assert_eq!(
        (
            report["2026-K1"].positives[b],
            report["2026-K1"].negatives[b]
        ),
        (1, 1)
    );
    // Other barriers were not labelled on these signals, so they count nowhere.
    let other = rules
        .barriers()
        .iter()
        .position(|b| b.id == "loket-drempel")
        .unwrap();
    assert_eq!(
        report["2026-K1"].report.counts[2][other],
        Default::default()
    );

    // The same through the command line, with the shipped rules and model.
    let knooppunt = |args: &[&str]| {
        let output = run_ok(
            knooppunt_command()
                .args(args)
                .env("KNOOPPUNT__STORE__URL", &url),
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let text = knooppunt(&["rules", "test", "--labels"]);
    let line = |quarter: &str| {
        let part = &text[text.find(&format!("Kwartaal {quarter}")).expect(&text)..];
        part.lines()
            .find(|l| l.starts_with("kostendelersnorm"))
            .unwrap()
            .to_string()
    };
    let fields = |quarter: &str| -> Vec<String> {
        let line = line(quarter);
        line.split_whitespace()
            .take(6)
            .map(str::to_string)
            .collect()
    };
    let first = fields("2026-K1");
    // barrier, labelled positives, negatives, then "P / R" for rules, model, both.
    assert_eq!(
        &first[..6],
        ["kostendelersnorm", "1", "1", "0,50", "/", "1,00"],
        "{text}"
    );
    let third = fields("2026-K3");
    assert_eq!(
        &third[..6],
        ["kostendelersnorm", "1", "0", "–", "/", "0,00"],
        "{text}"
    );
    assert!(
        !text.contains("loket-drempel"),
        "unlabelled barriers are left out: {text}"
    );

    // Exported as training notes that `model train` reads.
    let notes = knooppunt(&["model", "labels"]);
    let notes: Vec<_> = notes
        .lines()
        .map(|l| knooppunt_rules::learning::notes::parse_line(l).unwrap())
        .collect();
    assert_eq!(notes.len(), 3);
    assert_eq!(notes.iter().filter(|n| n.is("kostendelersnorm")).count(), 2);
    assert!(notes
        .iter()
        .all(|n| n.labelled("kostendelersnorm") && !n.labelled("loket-drempel")));
}
