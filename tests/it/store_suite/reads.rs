//! The store functions the other suites do not reach, each on both backends.

use super::{at, classified};
use crate::support::*;
use chrono::NaiveDate;
use knooppunt_store::Store;
use serde_json::json;

/// The store functions the other suites do not reach, each on both backends.
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

    let both = ["kostendelersnorm", "angst-uitkeringskorting"];
    let batch = vec![
        classified("a", "t1", "Moerwijk", "2026-06-30", &both[..1]),
        classified("b", "t2", "Laak", "2026-07-01", &both),
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
        attendees: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
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

    // A rule's pattern is stored as far as its explanation shows it, and explains the same.
    use knooppunt_domain::recognition::{How, Recognition, RULE_SHOWN};
    let pattern = format!(
        "(bang|angst|durf\\w* (het )?niet){}",
        "|vrees\\w*".repeat(60)
    );
    let mut long = classified("r", "t5", "Laak", "2026-07-01", &both[..1]);
    long.matches[0].found = Recognition {
        how: How::Rule,
        rule: Some(pattern.clone()),
        model_score: None,
        terms: Vec::new(),
    };
    store.write_batch(&[long.clone()], &[]).await.unwrap();
    let stored = store.memberships("t5", "r").await.unwrap();
    let rule = stored[0].rule.clone().expect("the rule is stored");
    assert!(rule.chars().count() <= RULE_SHOWN && pattern.starts_with(rule.trim_end_matches('…')));
    let examples = store
        .example_signals(std::slice::from_ref(&stored[0].cluster_id), 10)
        .await
        .unwrap();
    let example = examples.iter().find(|e| e.id == "r").expect("the example");
    assert_eq!(example.herkend, long.matches[0].found.dutch());
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
