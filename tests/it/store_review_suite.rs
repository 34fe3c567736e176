//! The store's review, figures and snapshot functions, run against SQLite and PostgreSQL:
//! decisions (with their event and processing-log entry, merges, splits and undo), meetings,
//! what the review pages read from the signals, the knelpunten's figures, vignettes and
//! published snapshots. Pins the minutes to Dutch days: a decision at 00:30 Dutch time
//! (23:30 UTC the day before) is in the next day's minutes.

use crate::support::*;
use chrono::{DateTime, NaiveDate, Utc};
use knooppunt_domain::cluster::{BarrierMatch, Classified, ClusterKeyValues};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::promotion::{Criteria, CriteriaSource};
use knooppunt_domain::quarter::Month;
use knooppunt_domain::review::{Action, Split, State};
use knooppunt_domain::signal::parse_signal;
use knooppunt_store::snapshots::Publication;
use knooppunt_store::Store;
use knooppunt_store::{DecideError, DecisionEffects, LogRow, NewDecision, Undo};
use serde_json::json;
use std::collections::BTreeSet;

const K: &str = "kostendelersnorm";
const A: &str = "angst-uitkeringskorting";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn classified(id: &str, source: &str, area: &str, date: &str, barriers: &[&str]) -> Classified {
    let value = json!({"id": id, "observed_on": date, "source": source, "area": area,
        "text": format!("tekst {id}")});
    Classified {
        envelope: Envelope::prepare(
            parse_signal(&value, day("2026-11-30")).unwrap(),
            Channel::Http,
            Utc::now(),
        ),
        matches: barriers
            .iter()
            .map(|b| BarrierMatch {
                barrier: b.to_string(),
                confidence: 1.0,
                wait_days: Some(70),
                cluster: ClusterKeyValues::new(
                    knooppunt_rules::ruleset::ClusterKey {
                        area: true,
                        organisation: false,
                    },
                    area,
                    None,
                ),
                split_to: None,
                found: Default::default(),
            })
            .collect(),
        wait_days: Some(70),
        rules_version: "test-1".into(),
        model_version: None,
    }
}

struct Defaults(Criteria);

impl CriteriaSource for Defaults {
    fn promotion_criteria(&self) -> Vec<(&str, &Criteria)> {
        vec![(K, &self.0), (A, &self.0)]
    }
    fn criteria_version(&self) -> &str {
        "test-1"
    }
}

/// The municipality publishes the brief of `quarter` (no programme).
fn publication(quarter: &str) -> Publication<'_> {
    Publication {
        quarter,
        programme: "",
        by: "gemeente",
        rules_version: "test-1",
    }
}

/// The figures of the brief of `quarter` (no programme) in force.
async fn figures_in_force(store: &Store, quarter: &str) -> serde_json::Value {
    let snapshot = store.snapshot::<serde_json::Value>(quarter, "").await;
    snapshot.unwrap().expect("a published brief").figures
}

/// Decides through the store, writing the cluster event and one processing-log row.
async fn decide(
    store: &Store,
    cluster_id: &str,
    action: Action,
    when: DateTime<Utc>,
) -> Result<knooppunt_domain::review::Decision, DecideError> {
    let new = NewDecision {
        cluster_id,
        action,
        reason: "reden",
        actor: "overleg-1",
        at: when,
    };
    store
        .decide(
            new,
            Box::new(|decision, cluster, related| {
                Ok(DecisionEffects {
                    event: knooppunt_store::OutboxEvent::of_decision(decision, cluster, related)?,
                    log: vec![LogRow {
                        trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
                        span_id: format!("{:016x}", decision.seq),
                        parent_span_id: String::new(),
                        name: "besluit".into(),
                        start_time: decision.decided_at,
                        end_time: decision.decided_at,
                        status: "ok".into(),
                        actor: decision.actor.clone(),
                        activity_id: "review".into(),
                        attributes: json!({"cluster_id": decision.cluster_id}),
                    }],
                })
            }),
        )
        .await
}

async fn cluster_of(store: &Store, barrier: &str, area: &str) -> String {
    cluster_in(store, barrier, area).await.unwrap().id
}

async fn reads(store: &Store) {
    let (k, laak) = (
        cluster_of(store, K, "Moerwijk").await,
        cluster_of(store, K, "Laak").await,
    );
    // Signals, examples and spikes.
    let examples = store
        .example_signals(std::slice::from_ref(&k), 3)
        .await
        .unwrap();
    let days: Vec<NaiveDate> = examples.iter().map(|e| e.observed_on).collect();
    assert_eq!(
        days,
        [day("2026-11-28"), day("2026-11-27"), day("2026-11-26")]
    );
    assert!(examples.iter().all(|e| !e.herkend.is_empty()));
    let own = store.signals_of_source("t1", 10).await.unwrap();
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|e| e.source == "t1" && e.herkend.is_empty()));
    let barriers: BTreeSet<(&str, Vec<String>)> = own
        .iter()
        .map(|e| (e.id.as_str(), e.barriers.clone()))
        .collect();
    let expected = |id, barriers: &[&str]| (id, barriers.iter().map(|b| b.to_string()).collect());
    assert_eq!(
        barriers,
        BTreeSet::from([
            expected("p1", &[K]),
            expected("s1", &[K, A]),
            expected("s2", &[K])
        ]),
        "the stored barriers come back as a list"
    );
    assert!(examples.iter().all(|e| e.barriers.iter().any(|b| b == K)));
    let promoted = store
        .evaluate_promotions(&Defaults(Criteria::default()), day("2026-11-30"))
        .await
        .unwrap();
    assert!(!promoted.is_empty());
    let spikes = store.last_spikes().await.unwrap();
    assert!(
        spikes.contains(&(k.clone(), day("2026-11-30"))),
        "{spikes:?}"
    );
    assert!(!spikes.iter().any(|(c, _)| *c == laak));
    let by_source = store
        .signal_days_by_source(day("2026-11-25"), day("2026-11-28"))
        .await
        .unwrap();
    assert_eq!(by_source.len(), 4);
    assert!(by_source.contains(&("t3".to_string(), day("2026-11-28"))));
    let cluster_days = store
        .cluster_signal_days(&k, day("2026-11-25"), day("2026-11-27"))
        .await
        .unwrap();
    assert_eq!(cluster_days.len(), 3);
    assert_eq!(
        store.cluster_co_occurrence(&k, 5).await.unwrap(),
        vec![(A.to_string(), 1)]
    );
    let mut pairs = store
        .sources_by_area(day("2026-10-01"), day("2027-01-01"))
        .await
        .unwrap();
    pairs.sort();
    assert_eq!(pairs.len(), 4, "{pairs:?}");
    assert!(pairs.contains(&("t2".to_string(), "Laak".to_string())));

    // The knelpunten's figures and vignettes.
    assert_eq!(
        store.cluster_signal_text(&k, ("t1", "s1")).await.unwrap(),
        Some("tekst s1".to_string())
    );
    assert_eq!(
        store
            .cluster_signal_text(&k, ("t9", "niet-in-cluster"))
            .await
            .unwrap(),
        None
    );
    assert!(store
        .approve_vignette(&k, ("t1", "s1"), None, "overleg-1")
        .await
        .unwrap());
    assert!(!store
        .approve_vignette(&k, ("t9", "niet-in-cluster"), None, "overleg-1")
        .await
        .unwrap());
    let q4 = (day("2026-10-01"), day("2027-01-01"));
    let rows = store
        .knelpunt_rows(std::slice::from_ref(&k), (day("2026-01-01"), q4.1), q4)
        .await
        .unwrap();
    assert_eq!(rows.monthly.iter().map(|m| m.n).sum::<i64>(), 6);
    let months: BTreeSet<Month> = rows.monthly.iter().map(|m| m.month).collect();
    let month = |year, month| Month { year, month };
    assert_eq!(months, BTreeSet::from([month(2026, 9), month(2026, 11)]));
    assert_eq!(rows.sources.len(), 3);
    assert_eq!((rows.waits[0].wait_days, rows.waits[0].n), (70, 5));
    assert_eq!(rows.co_occurring[0].barrier, A);
    assert_eq!(rows.vignettes, vec![(k.clone(), "tekst s1".to_string())]);
    // A vignette in the overleg's own words is read in those words.
    assert!(store
        .approve_vignette(&k, ("t1", "s2"), Some("eigen woorden"), "overleg-1")
        .await
        .unwrap());
    let rows = store
        .knelpunt_rows(std::slice::from_ref(&k), (day("2026-01-01"), q4.1), q4)
        .await
        .unwrap();
    let texts: Vec<&str> = rows.vignettes.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts, ["tekst s1", "eigen woorden"]);
    let mut approved = store.approved_vignettes(&k).await.unwrap();
    approved.sort();
    assert_eq!(
        approved,
        [
            ("t1".to_string(), "s1".to_string(), None),
            (
                "t1".to_string(),
                "s2".to_string(),
                Some("eigen woorden".to_string())
            )
        ]
    );
    assert_eq!(
        store.knelpunt_rows(&[], q4, q4).await.unwrap(),
        Default::default()
    );
    let keys: BTreeSet<String> = rows.monthly.iter().map(|m| m.area_key.clone()).collect();
    let names = store.area_names(&keys).await.unwrap();
    assert_eq!(names.values().collect::<Vec<_>>(), ["Moerwijk"]);
}

async fn decisions(store: &Store) {
    let (k, laak) = (
        cluster_of(store, K, "Moerwijk").await,
        cluster_of(store, K, "Laak").await,
    );
    // 00:30 Dutch time on 1 December is 23:30 UTC on 30 November: the minutes of 1 December.
    let confirmed = decide(store, &k, Action::Confirm, at("2026-11-30T23:30:00Z"))
        .await
        .unwrap();
    assert_eq!(confirmed.state_after, State::Confirmed);
    assert_eq!(confirmed.signal_count, 6);
    let on_first = store.decisions_on(day("2026-12-01")).await.unwrap();
    assert_eq!(on_first, vec![confirmed.clone()]);
    assert!(store
        .decisions_on(day("2026-11-30"))
        .await
        .unwrap()
        .is_empty());
    let minutes = knooppunt_reports::review_store::decisions_on(store, day("2026-12-01"))
        .await
        .unwrap();
    assert_eq!(minutes.len(), 1);

    // The event and the processing-log row were written with the decision.
    let outbox = knooppunt_rules::events::outbox(store, 0, 10, false)
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].event.cluster.id, k);
    let log = knooppunt_rules::verwerkingslog::entries(
        store,
        &knooppunt_rules::verwerkingslog::Filter {
            name: Some("besluit".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(log.len(), 1);

    // Refusals: a wrong transition, an unknown cluster, a bad merge target.
    assert!(matches!(
        decide(store, &k, Action::Confirm, Utc::now()).await,
        Err(DecideError::Refused(_))
    ));
    assert!(matches!(
        decide(store, "geen-cluster", Action::Confirm, Utc::now()).await,
        Err(DecideError::UnknownCluster(_))
    ));
    let merge = Action::Merge {
        with: "geen-cluster".into(),
    };
    assert!(matches!(
        decide(store, &laak, merge, Utc::now()).await,
        Err(DecideError::BadMergeTarget(_))
    ));

    // An owner, then a split: one signal moves to a cluster of its own.
    let assign = Action::Assign {
        owner: "Werk en Inkomen".into(),
        programme: String::new(),
    };
    decide(store, &k, assign, at("2026-12-01T09:15:00Z"))
        .await
        .unwrap();
    let assigned = store.last_assignments().await.unwrap();
    assert_eq!(assigned, vec![(k.clone(), at("2026-12-01T09:15:00Z"))]);
    let split = Action::Split {
        how: Split::Signals {
            signals: vec![("t3".into(), "s5".into())],
        },
    };
    decide(store, &k, split, at("2026-12-01T09:20:00Z"))
        .await
        .unwrap();
    let remaining = store.cluster(&k).await.unwrap().unwrap();
    assert_eq!(remaining.signal_count, 5);
    let all = store.all_decisions().await.unwrap();
    let split_off = all
        .keys()
        .find(|id| **id != k)
        .expect("the split-off cluster has its origin decision")
        .clone();
    assert_eq!(
        store
            .cluster(&split_off)
            .await
            .unwrap()
            .unwrap()
            .signal_count,
        1
    );
    let origin = store.decisions(&split_off).await.unwrap();
    assert_eq!(origin.len(), 1);
    assert_eq!(origin[0].state_after, State::Open);
    assert_eq!(store.decisions(&k).await.unwrap().len(), 3);
    let bad_split = Action::Split {
        how: Split::Signals {
            signals: vec![("t9".into(), "x".into())],
        },
    };
    assert!(matches!(
        decide(store, &k, bad_split, Utc::now()).await,
        Err(DecideError::BadSplit(_))
    ));

    // Merge Laak into the knelpunt; undo it the same Dutch day; a split cannot be undone.
    let merge = Action::Merge { with: k.clone() };
    decide(store, &laak, merge, at("2026-12-01T09:30:00Z"))
        .await
        .unwrap();
    let undo = async |cluster: &str, date: &str| {
        let undone = store
            .undo_last_decision(cluster, day(date), "overleg-1")
            .await;
        undone.unwrap()
    };
    assert_eq!(undo(&k, "2026-12-01").await, Undo::Split);
    assert_eq!(undo(&laak, "2026-12-02").await, Undo::NotThatDay);
    let Undo::Undone { decision, before } = undo(&laak, "2026-12-01").await else {
        panic!("the merge is undone");
    };
    assert!(matches!(decision.action, Action::Merge { .. }));
    assert_eq!(before, State::Open);
    // Append-only: the merge stays in the day's list, taken back by an entry of its own.
    let reversals = store.reversals_on(day("2026-12-01")).await.unwrap();
    assert_eq!(reversals.len(), 1);
    assert_eq!(reversals[0].reversed_seq, decision.seq);
    assert_eq!(reversals[0].state_back, State::Open);
    assert_eq!(reversals[0].actor, "overleg-1");
    assert!(store
        .decisions_on(day("2026-12-01"))
        .await
        .unwrap()
        .iter()
        .any(|d| d.seq == decision.seq));
    assert!(
        store.decisions(&laak).await.unwrap().is_empty(),
        "not in force"
    );
    assert_eq!(undo(&laak, "2026-12-01").await, Undo::NothingToUndo);
}

async fn meetings_and_snapshots(store: &Store) {
    assert_eq!(store.latest_meeting().await.unwrap(), None);
    store
        .add_meeting(day("2026-11-01"), "overleg-1")
        .await
        .unwrap();
    store
        .add_meeting(day("2026-12-01"), "overleg-1")
        .await
        .unwrap();
    store
        .add_meeting(day("2026-12-01"), "overleg-2")
        .await
        .unwrap();
    assert_eq!(
        store.previous_meeting(day("2026-12-01")).await.unwrap(),
        Some(day("2026-11-01"))
    );
    assert_eq!(
        store.previous_meeting(day("2026-11-01")).await.unwrap(),
        None
    );
    assert_eq!(
        store.next_meeting(day("2026-11-15")).await.unwrap(),
        Some(day("2026-12-01"))
    );
    assert_eq!(store.next_meeting(day("2026-12-02")).await.unwrap(), None);
    assert_eq!(
        store.latest_meeting().await.unwrap(),
        Some(day("2026-12-01"))
    );

    let q3 = json!({"totals": {"kostendelersnorm": "12"}});
    assert!(store
        .publish_snapshot(publication("2026Q3"), &q3)
        .await
        .unwrap());
    let again = json!({"totals": {}});
    assert!(!store
        .publish_snapshot(publication("2026Q3"), &again)
        .await
        .unwrap());
    assert!(store
        .publish_snapshot(publication("2026Q4"), &again)
        .await
        .unwrap());
    assert_eq!(figures_in_force(store, "2026Q3").await, q3);
    assert!(store
        .snapshot::<serde_json::Value>("2026Q3", "armoede")
        .await
        .unwrap()
        .is_none());
    let all = store.snapshots::<serde_json::Value>().await.unwrap();
    assert_eq!(
        all.iter().map(|s| s.quarter.as_str()).collect::<Vec<_>>(),
        ["2026Q3", "2026Q4"]
    );
    let latest = store
        .latest_snapshot::<serde_json::Value>("")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.quarter, "2026Q4");
}

/// Published briefs in versions: the original and its rectificaties side by side; the
/// figures in force are the latest version's, the original stays as it was published.
async fn brief_versions(store: &Store) {
    type Version =
        knooppunt_store::snapshot_versions::SnapshotVersion<serde_json::Value, serde_json::Value>;
    let original = json!({"totals": {"kostendelersnorm": "12"}});
    let counts = json!({"kostendelersnorm": {"Moerwijk": 12}});
    assert!(store
        .publish_original(publication("2027Q1"), &original, &counts)
        .await
        .unwrap());
    assert!(
        !store
            .publish_original(publication("2027Q1"), &json!({}), &counts)
            .await
            .unwrap(),
        "published once"
    );
    assert_eq!(
        store
            .rectify_snapshot(publication("2027Q2"), "reden", &original, &counts)
            .await
            .unwrap(),
        None,
        "nothing published: nothing to rectify"
    );
    let second = json!({"totals": {"kostendelersnorm": "11"}});
    let third = json!({"totals": {"kostendelersnorm": "10"}});
    for (figures, expected) in [(&second, 2), (&third, 3)] {
        assert_eq!(
            store
                .rectify_snapshot(
                    publication("2027Q1"),
                    &format!("correctie {expected}"),
                    figures,
                    &json!({"kostendelersnorm": {"Moerwijk": 13 - expected}}),
                )
                .await
                .unwrap(),
            Some(expected)
        );
    }
    let versions: Vec<Version> = store.snapshot_versions("2027Q1", "").await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.version, v.reason.as_str(), &v.figures))
            .collect::<Vec<_>>(),
        [
            (1, "", &original),
            (2, "correctie 2", &second),
            (3, "correctie 3", &third)
        ]
    );
    assert_eq!(versions[0].counts, Some(counts.clone()));
    assert!(versions[0].published_at <= versions[2].published_at);
    // In force: the latest version, wherever the store is read.
    assert_eq!(figures_in_force(store, "2027Q1").await, third);
    let latest = store
        .latest_snapshot::<serde_json::Value>("")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.quarter.as_str(), &latest.figures),
        ("2027Q1", &third)
    );
    let all = store.snapshots::<serde_json::Value>().await.unwrap();
    assert_eq!(
        all.iter()
            .find(|s| s.quarter == "2027Q1")
            .map(|s| &s.figures),
        Some(&third)
    );
    // Every version of every quarter, including an original from before versions (no counts).
    let every: Vec<Version> = store.all_snapshot_versions().await.unwrap();
    let legacy = every.iter().find(|v| v.quarter == "2026Q3").unwrap();
    assert_eq!((legacy.version, legacy.counts.clone()), (1, None));
    assert_eq!(
        every
            .iter()
            .filter(|v| v.quarter == "2027Q1")
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

async fn suite(store: Store) {
    let batch = vec![
        classified("s1", "t1", "Moerwijk", "2026-11-24", &[K, A]),
        classified("s2", "t1", "Moerwijk", "2026-11-25", &[K]),
        classified("s3", "t2", "Moerwijk", "2026-11-26", &[K]),
        classified("s4", "t2", "Moerwijk", "2026-11-27", &[K]),
        classified("s5", "t3", "Moerwijk", "2026-11-28", &[K]),
        classified("l1", "t2", "Laak", "2026-10-05", &[K]),
        // The window before: one signal, so the five of the last weeks are a spike.
        classified("p1", "t1", "Moerwijk", "2026-09-20", &[K]),
    ];
    store.write_batch(&batch, &[]).await.unwrap();
    reads(&store).await;
    decisions(&store).await;
    meetings_and_snapshots(&store).await;
    brief_versions(&store).await;
    concurrent_rectifications(&store).await;
}

/// Rectificaties of one brief sent at the same moment (two officials, a retry) each get a
/// version of their own; none fails with "database is locked" or a duplicate version.
async fn concurrent_rectifications(store: &Store) {
    let counts = json!({"kostendelersnorm": {"Moerwijk": 12}});
    assert!(store
        .publish_original(publication("2027Q3"), &json!({"totals": {}}), &counts)
        .await
        .unwrap());
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let store = store.clone();
            let counts = counts.clone();
            tokio::spawn(async move {
                let figures = json!({"totals": {"kostendelersnorm": i.to_string()}});
                store
                    .rectify_snapshot(
                        publication("2027Q3"),
                        &format!("correctie {i}"),
                        &figures,
                        &counts,
                    )
                    .await
            })
        })
        .collect();
    let mut versions = Vec::new();
    for task in tasks {
        let version = task.await.unwrap().unwrap();
        versions.push(version.expect("published, so rectified"));
    }
    versions.sort_unstable();
    assert_eq!(versions, (2..=13).collect::<Vec<i64>>());
}

#[tokio::test]
async fn review_store_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    suite(Store::connect(&url, 4).await.unwrap()).await;
}

#[tokio::test]
async fn review_store_on_postgres() {
    let store = Store::connect(&fresh_pg_database().await, 4).await.unwrap();
    store.migrate().await.unwrap();
    suite(store).await;
}
