//! Data governance on both backends: retention on a constructed timeline (text purged,
//! counts, clusters and the published brief kept), the processing log (batched, filtered,
//! exported), and the cluster events outbox after a series of review decisions.

use crate::support::*;
use chrono::NaiveDate;
use knooppunt_domain::cluster::{Classified, Quarantined};
use knooppunt_domain::cluster_event::Kind;
use knooppunt_domain::processing_log::actions;
use knooppunt_reports::review::{Action, Snooze};
use knooppunt_reports::{review_store, Brief, Quarter};
use knooppunt_rules::events;
use knooppunt_rules::retention::{self, Policy, PURGED_TEXT};
use knooppunt_rules::verwerkingslog::{self, Filter};
use knooppunt_store::Store;
use serde_json::json;

pub(crate) fn classified(
    id: &str,
    source: &str,
    date: &str,
    traceparent: Option<&str>,
) -> Classified {
    // Parsed as intake would today: a date is refused only when it lies after today, and the
    // callers' dates run up to today (`signals_that_stop_are_labelled_on_the_agenda`).
    let today = knooppunt_ingest::today_nl();
    let value = json!({"id": id, "observed_on": date, "source": source, "area": "Moerwijk",
        "text": "Zoon weer thuis, bijstand omlaag door de kostendelersnorm"});
    let mut envelope = envelope_of(&value, today);
    envelope.traceparent = traceparent.map(str::to_string);
    classified_as(envelope, &["kostendelersnorm"], "Moerwijk", Some(30))
}

async fn retention_suite(store: Store) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    // Six signals in 2024Q2 (past the 24-month term on 30-11-2026), two in 2026Q4.
    let mut batch: Vec<Classified> = (0..6)
        .map(|i| {
            classified(
                &format!("oud-{i}"),
                &format!("t{}", i % 3),
                &format!("2024-05-1{i}"),
                None,
            )
        })
        .collect();
    batch.push(classified("nieuw-1", "t1", "2026-10-01", None));
    batch.push(classified("nieuw-2", "t2", "2026-10-02", None));
    // Found by the model, with the words of the text that weighed most: they go with the text.
    for found in batch.iter_mut().flat_map(|c| c.matches.iter_mut()) {
        found.found = knooppunt_domain::recognition::Recognition {
            how: knooppunt_domain::recognition::How::Model,
            rule: None,
            model_score: Some(0.91),
            terms: vec!["bijstand".into(), "omlaag".into()],
        };
    }
    let refused = vec![Quarantined {
        source: "t4".into(),
        signal_id: "q-oud".into(),
        kinds: vec!["bsn".into()],
        reason: "BSN of IBAN nog aanwezig na intake".into(),
        channel: "kafka".into(),
    }];
    store.write_batch(&batch, &refused).await.unwrap();
    let pool = store.pool();
    sqlx::query("UPDATE quarantine SET quarantined_at = '2026-01-01T00:00:00+00:00'")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO quarantine (source, signal_id, kinds, reason, channel, quarantined_at) \
         VALUES ('t4', 'q-nieuw', 'bsn', 'r', 'http', $1)",
    )
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(pool)
    .await
    .unwrap();
    for (hash, expires) in [
        ("verlopen", "2026-01-01T00:00:00+00:00"),
        ("geldig", "2999-01-01T00:00:00+00:00"),
    ] {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at) \
             VALUES ($1, 'u', 'c', '2026-01-01T00:00:00+00:00', $2)",
        )
        .bind(hash)
        .bind(expires)
        .execute(pool)
        .await
        .unwrap();
    }
    for (id, revoked) in [("oud", Some("2025-01-01T00:00:00+00:00")), ("actief", None)] {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, source, label, created_by, created_at, revoked_at) \
             VALUES ($1, $2, 't1', 'l', 'b', '2024-01-01T00:00:00+00:00', $3)",
        )
        .bind(id)
        .bind(format!("hash-{id}"))
        .bind(revoked)
        .execute(pool)
        .await
        .unwrap();
    }

    // The overleg confirms the knelpunt, approves an old vignette, and 2024Q2 is published.
    let cluster = store.clusters().await.unwrap()[0].id.clone();
    review_store::decide(&store, &cluster, Action::Confirm, "", "overleg-1")
        .await
        .unwrap();
    assert_eq!(
        knooppunt_reports::knelpunten::approve_vignette(
            &store,
            knooppunt_reports::knelpunten::VignetteRequest {
                cluster_id: &cluster,
                source: "t0",
                signal_id: "oud-0",
                edited: None,
                checked: true,
            },
            "overleg-1"
        )
        .await
        .unwrap(),
        knooppunt_reports::knelpunten::VignetteApproval::Approved
    );
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let catalog = rules.catalog();
    let quarter: Quarter = "2024Q2".parse().unwrap();
    let wider = std::collections::BTreeMap::new();
    let gather = || Brief::gather_full(&store, &catalog, quarter, None, 5, &wider, today);
    let before = gather().await.unwrap();
    assert_eq!(before.knelpunten.len(), 1);
    // A brief about a quarter before any of the knelpunt's signals does not list it with
    // zeros, and says first that the quarter had no signals at all.
    let earlier = "2024Q1".parse().unwrap();
    let empty = Brief::gather_full(&store, &catalog, earlier, None, 5, &wider, today)
        .await
        .unwrap();
    assert!(empty.knelpunten.is_empty(), "{:?}", empty.knelpunten);
    let markdown = empty.render().unwrap().markdown;
    assert!(
        markdown.contains(
            "- Over het 1e kwartaal 2024 zijn geen signalen vastgelegd. De nullen in deze brief"
        ),
        "{markdown}"
    );
    assert!(!markdown.contains("per wijk: ."), "{markdown}");
    assert_eq!(before.knelpunten[0].vignettes.len(), 1);
    before.publish(&store, "test").await.unwrap();
    let clusters_before = store.cluster_summaries().await.unwrap();

    // Dry run: counts only, nothing changes.
    let policy = Policy {
        text_months: 24,
        quarantine_days: 90,
        revoked_token_days: 90,
        attendee_months: 24,
    };
    let plan = retention::plan(&store, &policy, today).await.unwrap();
    assert_eq!(
        (
            plan.counts.signals_purged,
            plan.counts.vignettes_removed,
            plan.counts.quarantine_deleted,
            plan.counts.sessions_deleted,
            plan.counts.tokens_deleted
        ),
        (6, 1, 1, 1, 1)
    );
    assert!(
        plan.report(false)
            .contains("6 signalen van vóór 30-11-2024"),
        "{}",
        plan.report(false)
    );
    let old = store.signal("t0", "oud-0").await.unwrap().unwrap();
    assert_ne!(old.text, PURGED_TEXT);

    let applied = retention::apply(&store, &policy, today, "cli")
        .await
        .unwrap();
    let counts = |o: &retention::Outcome| {
        (
            o.counts.signals_purged,
            o.counts.vignettes_removed,
            o.counts.quarantine_deleted,
            o.counts.sessions_deleted,
            o.counts.tokens_deleted,
        )
    };
    assert_eq!(counts(&applied), counts(&plan));
    for i in 0..6 {
        let signal = store
            .signal(&format!("t{}", i % 3), &format!("oud-{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(signal.text, PURGED_TEXT);
        assert_eq!(signal.barriers, vec!["kostendelersnorm".to_string()]);
        assert_eq!(signal.wait_days, Some(30));
    }
    let recent = store.signal("t1", "nieuw-1").await.unwrap().unwrap();
    assert!(recent.text.contains("kostendelersnorm"));
    // Counts, clusters and waits stay.
    assert_eq!(store.cluster_summaries().await.unwrap(), clusters_before);
    let pool = store.pool().clone();
    let left = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(left("SELECT COUNT(*) FROM vignettes").await, 0);
    assert_eq!(
        left("SELECT COUNT(*) FROM signal_barriers WHERE model_terms IS NOT NULL").await,
        2,
        "the two recent signals keep the model's words, the six old ones lose them"
    );
    assert_eq!(left("SELECT COUNT(*) FROM quarantine").await, 1);
    assert_eq!(left("SELECT COUNT(*) FROM sessions").await, 1);
    assert_eq!(left("SELECT COUNT(*) FROM api_tokens").await, 1);

    // The old quarter's brief still renders, with its published vignette from the snapshot.
    let after = gather().await.unwrap();
    assert_eq!(after.knelpunten[0].signals, before.knelpunten[0].signals);
    assert_eq!(
        after.knelpunten[0].vignettes,
        before.knelpunten[0].vignettes
    );
    assert!(!after.knelpunten[0].vignettes[0].contains(PURGED_TEXT));
    let rendered = after.render().unwrap();
    assert!(rendered
        .markdown
        .contains(&before.knelpunten[0].vignettes[0]));
    assert_eq!(
        format!("{:?}", after.tables),
        format!("{:?}", before.tables),
        "the published table is unchanged"
    );

    // Replay keeps purged signals where they were.
    let diff = knooppunt_rules::replay::replay(&store, &rules, false, |_| {})
        .await
        .unwrap();
    assert!(
        diff.transitions
            .keys()
            .all(|(old, _)| old != "kostendelersnorm"),
        "purged signals keep their barriers: {:?}",
        diff.transitions
    );

    // Recorded once; a second run changes nothing and records nothing.
    let purges = retention::purges(&store).await.unwrap();
    assert_eq!(purges.len(), 1);
    assert_eq!(
        (
            purges[0].counts.signals_purged,
            purges[0].text_cutoff.to_string().as_str(),
            purges[0].actor.as_str()
        ),
        (6, "2024-11-30", "cli")
    );
    let again = retention::apply(&store, &policy, today, "cli")
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(retention::purges(&store).await.unwrap().len(), 1);

    // The processing log holds the decision and the purge, with their activities.
    let log = verwerkingslog::entries(&store, &Filter::default())
        .await
        .unwrap();
    let purge = log
        .iter()
        .find(|e| e.name == actions::RETENTION_PURGE)
        .expect("purge logged");
    assert_eq!(purge.actor, "cli");
    assert_eq!(purge.processing_activity_id, "knooppunt-retention");
    assert_eq!(purge.attributes["signals_purged"], 6);
    let decision = log
        .iter()
        .find(|e| e.name == actions::DECISION)
        .expect("decision logged");
    assert_eq!(decision.actor, "overleg-1");
    assert_eq!(decision.attributes["action"], "bevestigen");
}

async fn processing_log_suite(store: Store) {
    let entries = async |filter: Filter| {
        verwerkingslog::entries(&store, &filter)
            .await
            .expect("processing log entries")
    };
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let mut batch: Vec<Classified> = (0..1000)
        .map(|i| classified(&format!("s-{i}"), "t1", "2026-11-02", None))
        .collect();
    batch.push(classified("gevolgd", "t2", "2026-11-03", Some(traceparent)));
    store.write_batch(&batch, &[]).await.unwrap();
    let records = verwerkingslog::engine_records(&batch, &[]);
    assert_eq!(records.len(), 2002);
    verwerkingslog::append(&store, &records).await.unwrap();

    // One signal's path: intake and recognition in the request's trace.
    let path = entries(Filter {
        trace_id: Some("4bf92f3577b34da6a3ce929d0e0e4736".into()),
        ..Filter::default()
    })
    .await;
    let names: Vec<&str> = path.iter().rev().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [actions::SIGNAL_RECEIVED, actions::SIGNAL_CLASSIFIED]
    );
    let (intake, recognition) = (&path[1], &path[0]);
    assert_eq!(intake.parent_span_id, "00f067aa0ba902b7");
    assert_eq!(recognition.parent_span_id, intake.span_id);
    assert_eq!(intake.attributes["channel"], "http");
    assert_eq!(intake.attributes["source"], "t2");
    assert_eq!(
        recognition.attributes["barriers"],
        json!(["kostendelersnorm"])
    );
    // Never the text.
    let export = verwerkingslog::to_json_lines(&path);
    assert_eq!(export.lines().count(), 2);
    assert!(!export.contains("Zoon"), "{export}");
    let line: serde_json::Value = serde_json::from_str(export.lines().next().unwrap()).unwrap();
    assert_eq!(line["name"], actions::SIGNAL_RECEIVED);
    assert_eq!(line["status_code"], "STATUS_CODE_OK");
    assert_eq!(
        line["attributes"]["dpl.core.processing_activity_id"],
        "knooppunt-intake"
    );

    // Filters: actor, action and dates.
    let by_actor = entries(Filter {
        actor: Some("system:regelmotor".into()),
        ..Filter::default()
    })
    .await;
    assert_eq!(by_actor.len(), 1001);
    let today = chrono::Utc::now().date_naive();
    let none_before = entries(Filter {
        to: today.pred_opt(),
        ..Filter::default()
    })
    .await;
    assert!(none_before.is_empty());
    let limited = entries(Filter {
        name: Some(actions::SIGNAL_RECEIVED.into()),
        from: Some(today),
        to: Some(today),
        limit: 10,
        ..Filter::default()
    })
    .await;
    assert_eq!(limited.len(), 10);
    assert!(
        limited.windows(2).all(|w| w[0].seq > w[1].seq),
        "newest first"
    );
}

async fn events_suite(store: Store) {
    let batch: Vec<Classified> = (0..6)
        .map(|i| {
            classified(
                &format!("e-{i}"),
                &format!("t{}", i % 3),
                &format!("2026-11-2{i}"),
                None,
            )
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
    let cluster = store.clusters().await.unwrap()[0].id.clone();
    for action in [
        Action::Confirm,
        Action::Note,
        Action::Park {
            snooze: Snooze::Signals { count: 3 },
        },
        Action::Reopen,
        Action::Confirm,
        Action::Assign {
            owner: "Gemeente".into(),
            programme: "Maatwerk".into(),
        },
        Action::Solve,
        Action::Reopen,
    ] {
        review_store::decide(&store, &cluster, action, "reden met tekst", "overleg-1")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let outbox = events::outbox(&store, 0, 100, true).await.unwrap();
    let kinds: Vec<Kind> = outbox.iter().map(|s| s.event.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Confirmed,
            Kind::Snoozed,
            Kind::Back,
            Kind::Confirmed,
            Kind::Assigned,
            Kind::Solved,
            Kind::Back
        ]
    );
    let event = &outbox[0].event;
    assert_eq!(event.cluster.barrier, "kostendelersnorm");
    assert_eq!(event.cluster.wijk, "Moerwijk");
    assert_eq!(event.signal_count, 6);
    let payload = serde_json::to_string(event).unwrap();
    assert!(
        !payload.contains("reden"),
        "no reason text in events: {payload}"
    );
    assert!(
        !payload.contains("overleg-1"),
        "no reviewer in events: {payload}"
    );
}

on_both_backends!(retention_suite: retention_on_sqlite, retention_on_postgres);

on_both_backends!(processing_log_suite: processing_log_on_sqlite, processing_log_on_postgres);

on_both_backends!(events_suite: cluster_events_on_sqlite, cluster_events_on_postgres);

/// A source that reported twice a week for twelve weeks, then stopped; the knelpunt it
/// reported got an owner the day of its last signal. Six weeks later the agenda shows both.
#[tokio::test]
async fn signals_that_stop_are_labelled_on_the_agenda() {
    let (_dir, store) = sqlite_store().await;
    let today = knooppunt_ingest::today_nl();
    let batch: Vec<Classified> = (1..=24)
        .map(|i| {
            let date = today - chrono::Duration::days(i * 3 + 1);
            let mut signal =
                classified(&format!("stil-{i}"), "stille-bron", &date.to_string(), None);
            signal.envelope.signal.observed_on = date;
            signal
        })
        .collect();
    store.write_batch(&batch, &[]).await.unwrap();
    let cluster = store.clusters().await.unwrap()[0].id.clone();
    review_store::decide(&store, &cluster, Action::Confirm, "", "overleg-1")
        .await
        .unwrap();
    review_store::decide(
        &store,
        &cluster,
        Action::Assign {
            owner: "Gemeente Den Haag".into(),
            programme: "Maatwerk".into(),
        },
        "",
        "overleg-1",
    )
    .await
    .unwrap();
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();

    // The day after the owner: too early to call anything silent.
    let soon = today + chrono::Duration::days(1);
    let agenda = knooppunt_reports::agenda::Agenda::gather(&store, &rules.catalog(), soon, None)
        .await
        .unwrap();
    assert!(agenda.silent_sources.is_empty());
    assert!(agenda
        .items
        .iter()
        .flat_map(|i| &i.labels)
        .all(|l| !l.contains("sinds eigenaar")));

    let later = today + chrono::Duration::weeks(6);
    let agenda = knooppunt_reports::agenda::Agenda::gather(&store, &rules.catalog(), later, None)
        .await
        .unwrap();
    assert_eq!(
        agenda.silent_sources.len(),
        1,
        "{:?}",
        agenda.silent_sources
    );
    assert_eq!(agenda.silent_sources[0].source, "stille-bron");
    assert_eq!(agenda.silent_sources[0].weekly_rate, "2,0");
    let item = agenda
        .items
        .iter()
        .find(|i| i.cluster_id == cluster)
        .expect("the knelpunt is on the agenda");
    assert!(
        item.labels
            .iter()
            .any(|l| l.starts_with("minder signalen sinds eigenaar")
                && l.contains("niet per se opgelost")),
        "{:?}",
        item.labels
    );
    let (markdown, html) = agenda.render().unwrap();
    assert!(markdown.contains("## Stille bronnen") && markdown.contains("stille-bron"));
    assert!(html.contains("stille bron"));
}

/// `knooppunt bewaartermijn --dry-run` counts, `--apply` purges, and `knooppunt
/// verwerkingslog` exports the purge as a JSON line.
#[tokio::test]
async fn the_retention_and_log_commands() {
    let (dir, store) = sqlite_store().await;
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let batch = vec![
        classified("oud", "t1", "2020-03-02", None),
        classified("nieuw", "t1", "2026-11-02", None),
    ];
    store.write_batch(&batch, &[]).await.unwrap();
    let run = |args: &[&str]| {
        let spool = dir.path().join("spool.db");
        let output = run_ok(
            knooppunt_command()
                .args(args)
                .env("KNOOPPUNT__STORE__URL", &url)
                .env("KNOOPPUNT__TRANSPORT__SPOOL", spool.display().to_string()),
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let dry = run(&["bewaartermijn", "--dry-run"]);
    assert!(
        dry.contains("zou de tekst verwijderen van 1 signaal van"),
        "{dry}"
    );
    assert!(dry.contains("niets gewijzigd"), "{dry}");
    assert_ne!(
        store.signal("t1", "oud").await.unwrap().unwrap().text,
        PURGED_TEXT
    );
    let applied = run(&["bewaartermijn", "--apply"]);
    assert!(
        applied.contains("tekst verwijderd van 1 signaal van vóór"),
        "{applied}"
    );
    assert_eq!(
        store.signal("t1", "oud").await.unwrap().unwrap().text,
        PURGED_TEXT
    );
    let export = run(&["verwerkingslog", "--actie", actions::RETENTION_PURGE]);
    let lines: Vec<serde_json::Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{export}");
    assert_eq!(lines[0]["attributes"]["signals_purged"], 1);
    assert_eq!(lines[0]["attributes"]["knooppunt.actor"], "cli");
}
