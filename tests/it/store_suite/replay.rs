//! Replay on both backends: a dry run's diff, then every stored signal classified again with
//! new rules and the replay on record, and a new cluster key that forms every cluster anew.

use crate::support::*;
use chrono::NaiveDate;
use knooppunt_domain::cluster::Classified;
use knooppunt_domain::envelope::{Channel, Envelope};
use knooppunt_domain::signal::parse_signal;
use knooppunt_store::Store;
use serde_json::json;

/// The signals `(id, area, text)` of source `t`, observed on 1 September 2026, classified by
/// `rules` as the engine does.
pub(super) fn classified_by(
    rules: &knooppunt_rules::ruleset::RuleSet,
    texts: &[(&str, &str, &str)],
) -> Vec<Classified> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    texts
        .iter()
        .map(|(id, area, text)| {
            let value = json!({"id": id, "observed_on": "2026-09-01", "source": "t", "area": area, "text": text});
            let envelope = Envelope::prepare(parse_signal(&value, today).unwrap(), Channel::Http, chrono::Utc::now());
            knooppunt_rules::engine::classify(rules, envelope)
        })
        .collect()
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
    let batch = classified_by(&rules, &texts);
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

on_both_backends!(replay_suite: replay_on_sqlite, replay_on_postgres);

/// What the store wrote as a signal's classification before it was typed:
/// `barrier|wait_days|confidence[|how];…`.
fn earlier_text(classified: &Classified) -> String {
    use knooppunt_domain::recognition::How;
    classified
        .matches
        .iter()
        .map(|m| {
            let wait = m.wait_days.map(|w| w.to_string()).unwrap_or_default();
            let plain = format!("{}|{wait}|{}", m.barrier, m.confidence);
            match m.found.how {
                How::Rule => plain,
                how => format!("{plain}|{}", how.as_str()),
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Puts a row back as an earlier release stored it: the one SQL this suite writes itself.
#[allow(clippy::disallowed_methods)]
async fn store_as_before(store: &Store, id: &str, classification: &str) {
    sqlx::query("UPDATE signals SET classification = $1 WHERE source = 't' AND id = $2")
        .bind(classification)
        .bind(id)
        .execute(store.pool())
        .await
        .unwrap();
}

/// Rows stored before the classification was typed read as the same classification, and
/// replaying the rules that produced them rewrites nothing.
async fn earlier_rows_suite(store: Store) {
    use knooppunt_domain::cluster::Classification;
    use knooppunt_rules::replay::replay;
    use knooppunt_rules::ruleset::RuleSet;

    let rules = RuleSet::default_rules().unwrap();
    let texts = [
        (
            "a",
            "Laak",
            "Zoon weer thuis, de bijstand van moeder gaat omlaag. Al 10 weken.",
        ),
        (
            "b",
            "Laak",
            "Schimmel gemeld, corporatie reageert al 8 weken niet.",
        ),
        ("c", "Laak", "Buurtkamer dicht, niemand weet waarom."),
    ];
    let batch = classified_by(&rules, &texts);
    store.write_batch(&batch, &[]).await.unwrap();
    let written = store.replay_page(None, 10).await.unwrap();
    for (signal, classified) in written.iter().zip(&batch) {
        assert_eq!(signal.classification, classified.classification());
    }
    for ((id, _, _), classified) in texts.iter().zip(&batch) {
        store_as_before(&store, id, &earlier_text(classified)).await;
    }
    store_as_before(&store, "c", "").await;

    let earlier = store.replay_page(None, 10).await.unwrap();
    assert_eq!(earlier.len(), 3);
    for (signal, classified) in earlier.iter().zip(&batch) {
        assert_eq!(
            signal.classification,
            classified.classification(),
            "signal {}: an earlier row reads as the classification it was written from",
            signal.id
        );
    }
    assert!(!earlier[0].classification.0.is_empty() && !earlier[1].classification.0.is_empty());
    assert_eq!(earlier[2].classification, Classification::default());
    let diff = replay(&store, &rules, false, |_| {}).await.unwrap();
    assert_eq!(
        (diff.signals, diff.changed, diff.rewritten),
        (3, 0, 0),
        "the same rules over earlier rows change and rewrite nothing"
    );
}

on_both_backends!(earlier_rows_suite: earlier_rows_on_sqlite, earlier_rows_on_postgres);
