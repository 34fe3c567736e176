//! The topics' contract (`docs/asyncapi.yaml`): its examples and the messages Knooppunt really
//! writes validate against its schemas, and the cluster events reach the events topic in the
//! order the overleg decided, read back with a real consumer.

use crate::support::*;
use knooppunt_domain::cluster::{Classified, ClusterKeyValues};
use knooppunt_domain::cluster_event::Kind;
use knooppunt_reports::review::{Action, Snooze};
use knooppunt_reports::review_store;
use knooppunt_rules::events;
use knooppunt_store::Store;
use serde_json::{json, Value};

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/asyncapi.yaml");
    let text = std::fs::read_to_string(path).expect("docs/asyncapi.yaml");
    serde_yaml::from_str(&text).expect("AsyncAPI document is valid YAML")
}

/// A validator for one of the document's schemas, its `$ref`s resolved within the document.
fn validator(doc: &Value, schema: &str) -> jsonschema::Validator {
    let wrapper = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{schema}"),
        "components": doc["components"],
    });
    jsonschema::validator_for(&wrapper).expect("schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn classified(id: &str, source: &str, date: &str) -> Classified {
    let today = knooppunt_ingest::today_nl();
    let value = json!({"id": id, "observed_on": date, "source": source, "area": "Moerwijk",
        "text": "Intake bij de GGZ pas over vijf maanden"});
    classified_as(
        envelope_of(&value, today),
        &["wachtlijst-ggz"],
        "Moerwijk",
        Some(150),
    )
}

/// Stores five signals in two clusters and takes a series of decisions on the first;
/// returns the event types the series must produce.
async fn decide_series(store: &Store) -> (String, Vec<Kind>) {
    let batch: Vec<Classified> = (0..5)
        .map(|i| {
            classified(
                &format!("e-{i}"),
                &format!("t{i}"),
                &format!("2026-11-2{i}"),
            )
        })
        .map(|mut c| {
            if c.envelope.id().ends_with('4') {
                c.matches[0].cluster = ClusterKeyValues::new(
                    knooppunt_rules::ruleset::ClusterKey {
                        area: true,
                        organisation: false,
                    },
                    "Laak",
                    None,
                );
            }
            c
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
    let clusters = store.clusters().await.unwrap();
    let id_in = |area: &str| {
        let cluster = clusters.iter().find(|c| c.area == area);
        cluster.expect("a cluster in the area").id.clone()
    };
    let (moerwijk, laak) = (id_in("Moerwijk"), id_in("Laak"));
    let series = [
        (
            &laak,
            Action::Merge {
                with: moerwijk.clone(),
            },
            Some(Kind::Merged),
        ),
        (&moerwijk, Action::Confirm, Some(Kind::Confirmed)),
        (&moerwijk, Action::Note, None),
        (
            &moerwijk,
            Action::Assign {
                owner: "GGZ".into(),
                programme: "Zuidwest".into(),
            },
            Some(Kind::Assigned),
        ),
        (
            &moerwijk,
            Action::Park {
                snooze: Snooze::Spike,
            },
            Some(Kind::Snoozed),
        ),
        (&moerwijk, Action::Reopen, Some(Kind::Back)),
        (&moerwijk, Action::Confirm, Some(Kind::Confirmed)),
        (&moerwijk, Action::Solve, Some(Kind::Solved)),
    ];
    let mut expected = Vec::new();
    for (cluster, action, kind) in series {
        review_store::decide(store, cluster, action, "toelichting", "overleg-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        expected.extend(kind);
    }
    (moerwijk, expected)
}

#[test]
fn the_asyncapi_examples_validate_against_their_schemas() {
    let doc = document();
    assert_eq!(doc["asyncapi"], "3.0.0");
    let defaults = knooppunt::config::Config::load_with_env(None, Vec::new()).unwrap();
    let addresses: Vec<&str> = doc["channels"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    for topic in [
        defaults.kafka.signals_topic.as_str(),
        defaults.kafka.dead_letter_topic.as_str(),
        defaults.events.topic.as_str(),
    ] {
        assert!(addresses.contains(&topic), "{topic} in {addresses:?}");
    }
    let mut checked = 0;
    for (name, message) in doc["components"]["messages"].as_object().unwrap() {
        let schema = message["payload"]["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap();
        let validator = validator(&doc, schema);
        for example in message["examples"].as_array().unwrap() {
            let found = errors(&validator, &example["payload"]);
            assert!(
                found.is_empty(),
                "{name} example {}: {found:?}",
                example["name"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked} examples");

    // What Knooppunt writes validates too; what breaks the contract does not.
    let envelope: Value =
        serde_json::from_slice(&classified("x", "t1", "2026-11-20").envelope.to_json()).unwrap();
    let signals = validator(&doc, "SignalEnvelope");
    assert!(
        errors(&signals, &envelope).is_empty(),
        "{:?}",
        errors(&signals, &envelope)
    );
    let mut named = envelope.clone();
    named["signal"]["naam"] = json!("iemand");
    assert!(
        !signals.is_valid(&named),
        "a field outside the contract is refused"
    );
    let events = validator(&doc, "ClusterEvent");
    let mut with_text =
        doc["components"]["messages"]["ClusterEvent"]["examples"][0]["payload"].clone();
    with_text["text"] = json!("een signaaltekst");
    assert!(!events.is_valid(&with_text), "events carry no text");
    with_text.as_object_mut().unwrap().remove("text");
    with_text["type"] = json!("verdwenen");
    assert!(!events.is_valid(&with_text), "only the documented types");
}

#[tokio::test]
async fn stored_cluster_events_validate_against_the_contract() {
    let (_dir, store) = sqlite_store().await;
    let (_, expected) = decide_series(&store).await;
    let outbox = events::outbox(&store, 0, 100, false).await.unwrap();
    assert_eq!(
        outbox.iter().map(|s| s.event.kind).collect::<Vec<_>>(),
        expected
    );
    let doc = document();
    let validator = validator(&doc, "ClusterEvent");
    for stored in &outbox {
        let value = serde_json::to_value(&stored.event).unwrap();
        let found = errors(&validator, &value);
        assert!(found.is_empty(), "{value}: {found:?}");
    }
}

#[tokio::test]
async fn cluster_events_reach_the_events_topic_in_decision_order() {
    let stack = kafka_stack().await;
    let topic = format!("clusters-{}", uuid::Uuid::new_v4().simple());
    events::ensure_topic(&stack.config.kafka, &topic)
        .await
        .expect("create the events topic");
    let (moerwijk, expected) = decide_series(&stack.store).await;
    let producer = stack
        .config
        .kafka
        .producer(knooppunt_transport::kafka::ProducerContext::new("test"))
        .unwrap();
    let sent = events::relay_once(&stack.store, &producer, &topic)
        .await
        .expect("publish the outbox");
    assert_eq!(sent, expected.len());
    // Published once: a second relay finds nothing left.
    assert_eq!(
        events::relay_once(&stack.store, &producer, &topic)
            .await
            .unwrap(),
        0
    );
    let brokers = stack.broker.clone();
    let read = tokio::task::spawn_blocking(move || read_topic(&brokers, &topic, expected.len()))
        .await
        .unwrap();
    let events: Vec<knooppunt_domain::cluster_event::ClusterEvent> = read
        .iter()
        .map(|m| serde_json::from_str(&m.payload).expect("an event"))
        .collect();
    // One cluster's events share a key, so they are read in order; the merge is keyed by the
    // merged cluster.
    let moerwijk_kinds: Vec<Kind> = events
        .iter()
        .filter(|e| e.cluster.id == moerwijk)
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        moerwijk_kinds,
        [
            Kind::Confirmed,
            Kind::Assigned,
            Kind::Snoozed,
            Kind::Back,
            Kind::Confirmed,
            Kind::Solved
        ]
    );
    let merged = events.iter().find(|e| e.kind == Kind::Merged).unwrap();
    assert_eq!(merged.related, vec![moerwijk.clone()]);
    assert!(read.iter().all(|m| m.key.as_deref()
        == Some(
            serde_json::from_str::<Value>(&m.payload).unwrap()["cluster"]["id"]
                .as_str()
                .unwrap()
        )));
    assert!(read.iter().all(|m| !m.payload.contains("toelichting")));
}
