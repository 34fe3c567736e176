//! One store test suite, run against SQLite and PostgreSQL: writing batches and reading
//! signals and clusters here; replay, promotions and the remaining reads in `store_suite/`.

mod promotions;
mod reads;
mod replay;
mod replay_decisions;

use crate::support::*;
use chrono::NaiveDate;
use knooppunt_domain::cluster::{Classified, ClusterKeyValues, Quarantined};
use knooppunt_store::Store;
use serde_json::json;

/// An instant written the RFC 3339 way.
pub(super) fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().expect("test instant")
}

pub(crate) fn classified(
    id: &str,
    source: &str,
    area: &str,
    date: &str,
    barriers: &[&str],
) -> Classified {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let value =
        json!({"id": id, "observed_on": date, "source": source, "area": area, "text": "tekst"});
    classified_as(envelope_of(&value, today), barriers, area, Some(70))
}

async fn suite(store: Store) {
    let batch = vec![
        classified("a", "t1", "Moerwijk", "2026-06-30", &["kostendelersnorm"]),
        classified(
            "b",
            "t2",
            "moerwijk ",
            "2026-07-01",
            &["kostendelersnorm", "angst-uitkeringskorting"],
        ),
        classified("c", "t2", "Laak", "2026-09-30", &["kostendelersnorm"]),
        classified("d", "t3", "Laak", "2026-10-01", &[]),
    ];
    let refused = vec![Quarantined {
        source: "t4".into(),
        signal_id: "q".into(),
        kinds: vec!["bsn".into(), "naam".into()],
        reason: "BSN of IBAN nog aanwezig na intake".into(),
        channel: "kafka".into(),
    }];
    let outcome = store.write_batch(&batch, &refused).await.unwrap();
    assert_eq!(
        (outcome.stored, outcome.duplicates, outcome.quarantined),
        (4, 0, 1)
    );

    // Replaying the batch (and the same id from the same source) changes nothing.
    let outcome = store.write_batch(&batch, &refused).await.unwrap();
    assert_eq!(
        (outcome.stored, outcome.duplicates, outcome.quarantined),
        (0, 4, 0)
    );
    let counts = store.quarantine_counts().await.unwrap();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].kinds.as_str(), counts[0].count), ("bsn,naam", 1));
    // The same client id from another source is another signal.
    let other = vec![classified(
        "a",
        "t9",
        "Moerwijk",
        "2026-08-01",
        &["kostendelersnorm"],
    )];
    assert_eq!(store.write_batch(&other, &[]).await.unwrap().stored, 1);
    // The same signal twice in one batch (a replayed message next to its original).
    let twice = vec![
        classified("e", "t5", "Transvaal", "2026-08-02", &["loket-drempel"]),
        classified("e", "t5", "Transvaal", "2026-08-02", &["loket-drempel"]),
    ];
    let outcome = store.write_batch(&twice, &[]).await.unwrap();
    assert_eq!((outcome.stored, outcome.duplicates), (1, 1));
    let loket = store.clusters().await.unwrap();
    let loket = loket.iter().find(|c| c.barrier == "loket-drempel").unwrap();
    assert_eq!(loket.signal_count, 1);

    assert_eq!(store.signal_count().await.unwrap(), 6);
    assert_eq!(
        store.first_observed_on().await.unwrap(),
        NaiveDate::from_ymd_opt(2026, 6, 30)
    );
    assert_eq!(store.unclassified_count().await.unwrap(), 1);
    let clusters = store.clusters().await.unwrap();
    let moerwijk = clusters
        .iter()
        .find(|c| c.barrier == "kostendelersnorm" && c.area == "Moerwijk")
        .unwrap();
    assert_eq!(
        moerwijk.signal_count, 3,
        "areas are grouped case- and space-insensitively"
    );
    assert_eq!(
        (
            moerwijk.first_seen.to_string(),
            moerwijk.last_seen.to_string()
        ),
        ("2026-06-30".to_string(), "2026-08-01".to_string())
    );
    assert_eq!(
        moerwijk.id,
        knooppunt_domain::cluster::cluster_id(
            "kostendelersnorm",
            &ClusterKeyValues {
                area_key: "moerwijk".into(),
                area: "Moerwijk".into(),
                organisation: String::new()
            }
        )
    );

    // Quarter boundaries: [2026-07-01, 2026-10-01).
    let from = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let stats = store.barrier_stats(from, to).await.unwrap();
    let k = stats
        .iter()
        .find(|s| s.barrier == "kostendelersnorm")
        .unwrap();
    assert_eq!((k.signals, k.sources, k.areas), (3, 2, 2));
    assert_eq!(store.unclassified_between(from, to).await.unwrap(), 0);
    let stored = store.signal("t2", "b").await.unwrap().unwrap();
    assert_eq!(
        stored.barriers,
        ["kostendelersnorm", "angst-uitkeringskorting"]
    );
    assert_eq!(
        (stored.wait_days, stored.rules_version.as_str()),
        (Some(70), "test-1")
    );
    assert!(store.signal("t2", "zz").await.unwrap().is_none());
    let summaries = store.cluster_summaries().await.unwrap();
    let moerwijk = summaries
        .iter()
        .find(|s| s.cluster.barrier == "kostendelersnorm" && s.cluster.area == "Moerwijk")
        .unwrap();
    assert_eq!(
        (moerwijk.sources, moerwijk.areas, moerwijk.with_wait),
        (3, 1, 3)
    );
    assert_eq!(moerwijk.median_wait_days, Some(70.0));
    let pairs = store.co_occurrence(from, to).await.unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(
        (
            pairs[0].first.as_str(),
            pairs[0].second.as_str(),
            pairs[0].signals
        ),
        ("angst-uitkeringskorting", "kostendelersnorm", 1)
    );
}

on_both_backends!(suite: store_suite_on_sqlite, store_suite_on_postgres);

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let store = pg_store().await;
    store.migrate().await.unwrap();
    assert_eq!(store.signal_count().await.unwrap(), 0);
    assert_eq!(store.first_observed_on().await.unwrap(), None);
}

#[tokio::test]
async fn a_database_that_is_down_fails_readiness() {
    let store = Store::connect(&fresh_pg_database().await, 1).await.unwrap();
    store.ping().await.unwrap();
    // An unreachable server: connecting fails with a clear error, it does not hang.
    let err = Store::connect("postgres://postgres@127.0.0.1:1/none", 1)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("verbinden met de database"));
}
