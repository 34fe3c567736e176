//! One store test suite, run against SQLite and PostgreSQL.

use crate::support::*;
use chrono::NaiveDate;
use knooppunt_domain::cluster::{Classified, ClusterKeyValues, Quarantined};
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::parse_signal;
use knooppunt_store::Store;
use serde_json::json;

/// An instant written the RFC 3339 way.
fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
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

async fn replay_suite(store: Store) {
    use knooppunt_rules::engine::classify;
    use knooppunt_rules::replay::replay;
    use knooppunt_rules::ruleset::RuleSet;

    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let rules = RuleSet::default_rules().unwrap();
    let texts = [
        (
            "a",
            "Moerwijk",
            "Zoon weer thuis, de bijstand van moeder gaat omlaag.",
        ),
        (
            "b",
            "Laak",
            "Schimmel gemeld, corporatie reageert al 8 weken niet.",
        ),
        ("c", "Laak", "Buurtkamer dicht, niemand weet waarom."),
        (
            "d",
            "Moerwijk",
            "Kostendelersnorm: dochter trekt in, uitkering omlaag.",
        ),
    ];
    let batch: Vec<Classified> = texts
        .iter()
        .map(|(id, area, text)| {
            let value = json!({"id": id, "observed_on": "2026-09-01", "source": "t", "area": area, "text": text});
            let envelope = Envelope::prepare(parse_signal(&value, today).unwrap(), Channel::Http, chrono::Utc::now());
            classify(&rules, envelope)
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
    let before = store.clusters().await.unwrap();
    let corporatie = before
        .iter()
        .find(|c| c.barrier == "corporatie-reactietijd")
        .unwrap()
        .clone();

    let new_rules = RuleSet::from_toml(&rules_toml(
        "test-2",
        &[
            ("corporatie-reactietijd", "schimmel"),
            ("buurtkamer", "buurtkamer"),
        ],
    ))
    .unwrap();

    let mut seen = Vec::new();
    let diff = replay(&store, &new_rules, false, |done| seen.push(done))
        .await
        .unwrap();
    assert_eq!((diff.signals, diff.changed), (4, 3));
    assert_eq!(seen.last(), Some(&4), "progress reports every page");
    assert_eq!(
        diff.transitions[&("kostendelersnorm".to_string(), String::new())],
        2
    );
    assert_eq!(
        diff.transitions[&(String::new(), "buurtkamer".to_string())],
        1
    );
    let kinds: Vec<(&str, &str)> = diff
        .clusters
        .values()
        .map(|c| (c.barrier.as_str(), c.kind()))
        .collect();
    assert!(
        kinds.contains(&("kostendelersnorm", "verdwijnt"))
            && kinds.contains(&("buurtkamer", "nieuw")),
        "{kinds:?}"
    );
    assert_eq!(
        diff.clusters.len(),
        2,
        "the unchanged cluster is not in the diff"
    );
    assert!(diff.report("test-2").contains("kostendelersnorm → (geen)"));
    assert_eq!(
        store.signal("t", "a").await.unwrap().unwrap().barriers,
        ["kostendelersnorm"],
        "a dry run changes nothing"
    );

    replay(&store, &new_rules, true, |_| {}).await.unwrap();
    let a = store.signal("t", "a").await.unwrap().unwrap();
    assert!(a.barriers.is_empty());
    assert_eq!(a.rules_version, "test-2");
    assert_eq!(
        store.signal("t", "b").await.unwrap().unwrap().rules_version,
        rules.version(),
        "an unchanged classification keeps the version that produced it"
    );
    let replays = store.replays().await.unwrap();
    assert_eq!(replays.len(), 1);
    assert_eq!(replays[0].0, "test-2", "the replay itself is on record");
    assert_eq!(
        store.signal("t", "c").await.unwrap().unwrap().barriers,
        ["buurtkamer"]
    );
    let after = store.clusters().await.unwrap();
    assert!(after.iter().all(|c| c.barrier != "kostendelersnorm"));
    let kept = after
        .iter()
        .find(|c| c.barrier == "corporatie-reactietijd")
        .unwrap();
    assert_eq!(
        kept, &corporatie,
        "a cluster that keeps its members keeps its id and figures"
    );
    let again = replay(&store, &new_rules, false, |_| {}).await.unwrap();
    assert_eq!(
        (again.changed, again.rewritten),
        (0, 0),
        "replaying the applied rule set changes nothing"
    );
    store
        .check_cluster_key(new_rules.cluster_key())
        .await
        .unwrap();

    // Another cluster key: every cluster is formed anew, by barrier, wijk and organisation.
    let by_organisation = RuleSet::from_toml(&format!(
        "{}[clusters]\nkey = [\"area\", \"organisation\"]\n\
         [[organisation]]\nname = \"Staedion\"\naliases = [\"staedion\"]\n",
        rules_toml("test-3", &[("corporatie-reactietijd", "schimmel")])
    ))
    .unwrap();
    let err = store
        .check_cluster_key(by_organisation.cluster_key())
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("rules replay --apply"),
        "the engine refuses rules with another cluster key: {err:#}"
    );
    let regrouped = replay(&store, &by_organisation, true, |_| {})
        .await
        .unwrap();
    assert_eq!(
        regrouped.regrouped,
        Some((
            "barrier×area".to_string(),
            "barrier×area×organisation".to_string()
        ))
    );
    assert_eq!(regrouped.rewritten, 4, "a new key rewrites every signal");
    store
        .check_cluster_key(by_organisation.cluster_key())
        .await
        .unwrap();
    let clusters = store.clusters().await.unwrap();
    assert_eq!(clusters.len(), 1);
    assert_eq!(
        (clusters[0].area.as_str(), clusters[0].organisation.as_str()),
        ("Laak", "")
    );
    assert_eq!(
        clusters[0].id, corporatie.id,
        "signal b names no organisation: same members, same id"
    );
    let value = json!({"id": "e", "observed_on": "2026-09-02", "source": "t", "area": "Laak",
        "text": "Schimmel in de badkamer, Staedion komt niet."});
    let envelope = Envelope::prepare(
        parse_signal(&value, today).unwrap(),
        Channel::Http,
        chrono::Utc::now(),
    );
    store
        .write_batch(&[classify(&by_organisation, envelope)], &[])
        .await
        .unwrap();
    let clusters = store.clusters().await.unwrap();
    let staedion = clusters
        .iter()
        .find(|c| c.organisation == "Staedion")
        .expect("a cluster per organisation");
    assert_ne!(staedion.id, corporatie.id);
    assert_eq!((staedion.area.as_str(), staedion.signal_count), ("Laak", 1));
}

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
    for (i, (source, date)) in [
        ("t1", "2026-08-01"),
        ("t2", "2026-08-10"),
        ("t3", "2026-08-20"),
        ("t1", "2026-09-10"),
        ("t2", "2026-09-20"),
        ("t3", "2026-10-01"),
        ("t1", "2026-10-15"),
        ("t2", "2026-10-29"),
    ]
    .iter()
    .enumerate()
    {
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

on_both_backends!(replay_suite: replay_on_sqlite, replay_on_postgres);

/// The store functions the suites above do not reach, each on both backends.
async fn reads_suite(store: Store, url: &str) {
    use knooppunt_domain::cluster::StoredPromotion;
    use knooppunt_store::processing_log::{Filter, LogRow};
    use knooppunt_store::CLUSTER_KEY_SETTING;
    // Settings: the cluster key is recorded when nothing was stored yet.
    assert_eq!(store.setting(CLUSTER_KEY_SETTING).await.unwrap(), None);
    let key = knooppunt_rules::ruleset::ClusterKey {
        area: true,
        organisation: false,
    };
    store.check_cluster_key(key).await.unwrap();
    assert_eq!(
        store.setting(CLUSTER_KEY_SETTING).await.unwrap(),
        Some(key.describe())
    );

    let batch = vec![
        classified("a", "t1", "Moerwijk", "2026-06-30", &["kostendelersnorm"]),
        classified(
            "b",
            "t2",
            "Laak",
            "2026-07-01",
            &["kostendelersnorm", "angst-uitkeringskorting"],
        ),
    ];
    store.write_batch(&batch, &[]).await.unwrap();

    // Clusters one by one, their events, and counts that match their members.
    let clusters = store.clusters().await.unwrap();
    assert_eq!(clusters.len(), 3);
    for cluster in &clusters {
        assert_eq!(
            store.cluster(&cluster.id).await.unwrap().as_ref(),
            Some(cluster)
        );
    }
    assert_eq!(store.cluster("geen-cluster").await.unwrap(), None);
    let events = store.cluster_events().await.unwrap();
    assert_eq!(events.len(), 3);
    assert!(events
        .iter()
        .any(|(_, e)| e.observed_on == NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()));
    assert!(store.cluster_count_mismatches().await.unwrap().is_empty());
    let memberships = store.memberships("t2", "b").await.unwrap();
    let barriers: Vec<&str> = memberships.iter().map(|m| m.barrier.as_str()).collect();
    assert_eq!(barriers, ["angst-uitkeringskorting", "kostendelersnorm"]);
    assert_eq!(memberships[0].observed_on.to_string(), "2026-07-01");

    // Content hashes, and an id stored again with other content is refused.
    let keys = [
        ("t1".to_string(), "a".to_string()),
        ("t9".into(), "x".into()),
    ];
    let hashes = store.content_hashes(&keys).await.unwrap();
    assert_eq!(hashes.len(), 1);
    assert_eq!(store.id_conflict_count().await.unwrap(), 0);
    let mut changed = classified("a", "t1", "Moerwijk", "2026-06-30", &["kostendelersnorm"]);
    changed.envelope.signal.text = "andere tekst".into();
    let outcome = store.write_batch(&[changed], &[]).await.unwrap();
    assert_eq!((outcome.stored, outcome.conflicts), (0, 1));
    assert_eq!(store.id_conflict_count().await.unwrap(), 1);
    assert_eq!(
        store.signal_area_key("t1", "a").await.unwrap().as_deref(),
        Some("moerwijk")
    );
    assert_eq!(store.signal_area_key("t1", "geen").await.unwrap(), None);

    // Recording a day's promotions replaces that day; the outbox event is marked delivered.
    let day = NaiveDate::from_ymd_opt(2026, 7, 2).unwrap();
    let promotion = StoredPromotion {
        cluster_id: clusters[0].id.clone(),
        barrier: clusters[0].barrier.clone(),
        area: clusters[0].area.clone(),
        organisation: String::new(),
        evaluated_on: day,
        reasons: json!([{"criterion": "frequency"}]),
        waarom: "waarom".into(),
        rules_version: "test-1".into(),
    };
    store
        .record_promotions(day, std::slice::from_ref(&promotion))
        .await
        .unwrap();
    assert_eq!(
        store.promotions(day, day).await.unwrap(),
        vec![promotion.clone()]
    );
    assert_eq!(store.promotion_rows(day, day).await.unwrap().len(), 1);
    knooppunt_rules::events::record_promotions(&store, std::slice::from_ref(&promotion))
        .await
        .unwrap();
    let pending = store.event_outbox(0, 10, true).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].payload.contains("frequency"));
    store
        .mark_event_published(pending[0].seq, at("2026-07-02T10:00:00Z"))
        .await
        .unwrap();
    assert!(store.event_outbox(0, 10, true).await.unwrap().is_empty());
    let all = store.event_outbox(0, 10, false).await.unwrap();
    assert_eq!(all[0].published_at, Some(at("2026-07-02T10:00:00Z")));
    use knooppunt_store::promotions::Criterion;
    assert_eq!(
        store.last_promoted_for(Criterion::Frequency).await.unwrap(),
        vec![(promotion.cluster_id.clone(), day)]
    );
    assert!(store
        .last_promoted_for(Criterion::Spike)
        .await
        .unwrap()
        .is_empty());
    store.record_promotions(day, &[]).await.unwrap();
    assert!(store.promotion_rows(day, day).await.unwrap().is_empty());
    assert!(store
        .last_promoted_for(Criterion::Frequency)
        .await
        .unwrap()
        .is_empty());

    // The processing log, appended and filtered.
    let row = |actor: &str| LogRow {
        trace_id: "0af7651916cd43dd8448eb211c80319c".into(),
        span_id: "b7ad6b7169203331".into(),
        parent_span_id: String::new(),
        name: "signaal-ontvangen".into(),
        start_time: at("2026-07-02T10:00:00.000000Z"),
        end_time: at("2026-07-02T10:00:01.000000Z"),
        status: "ok".into(),
        actor: actor.into(),
        activity_id: "intake".into(),
        attributes: json!({}),
    };
    store
        .append_processing_log(&[row("a"), row("b")])
        .await
        .unwrap();
    let only_b = Filter {
        actor: Some("b".into()),
        ..Filter::default()
    };
    let entries = store.processing_log(&only_b).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record.actor, "b");

    // Retention counts what it would purge, changing nothing.
    let cutoffs = knooppunt_store::retention::Cutoffs {
        text: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        quarantine: at("2000-01-01T00:00:00Z"),
        revoked_tokens: at("2000-01-01T00:00:00Z"),
        sessions: at("2000-01-01T00:00:00Z"),
        purged_text: "[weg]",
    };
    let counts = store.count_retention(&cutoffs).await.unwrap();
    assert_eq!(counts.signals_purged, 1);
    assert_eq!(
        store.signal("t1", "a").await.unwrap().unwrap().text,
        "tekst"
    );

    // No labels yet; and a second connection that does not migrate sees the same data.
    assert!(store.labels().await.unwrap().is_empty());
    assert!(store.signal_labels().await.unwrap().is_empty());
    assert!(store.labelled_signals().await.unwrap().is_empty());
    let watcher = Store::connect_unmigrated(url, 1).await.unwrap();
    assert_eq!(watcher.backend(), store.backend());
    assert_eq!(watcher.signal_count().await.unwrap(), 2);
}

#[tokio::test]
async fn reads_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    reads_suite(Store::connect(&url, 4).await.unwrap(), &url).await;
}

#[tokio::test]
async fn reads_on_postgres() {
    let url = fresh_pg_database().await;
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    reads_suite(store, &url).await;
}
