//! The processing log end to end: a signal followed by its trace id from the HTTP request into
//! the engine; sign-ins, views of signal text, brief downloads and the beheer page with its
//! filters and JSON-lines export.

use crate::support::*;
use knooppunt_domain::processing_log::{actions, Activity, Record};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_rules::verwerkingslog::{self, Filter};
use std::time::Duration;

async fn named(store: &knooppunt_store::Store, name: &str) -> Vec<verwerkingslog::Entry> {
    verwerkingslog::entries(
        store,
        &Filter {
            name: Some(name.into()),
            ..Filter::default()
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn one_signal_is_followed_from_the_request_into_the_engine_and_every_view_is_logged() {
    let (site, cluster) = seeded_site().await;
    let http = no_redirects();
    let base = site.base.clone();

    // A signal with the caller's trace context.
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let response = http
        .post(format!("{base}/api/v1/signals"))
        .header("traceparent", format!("00-{trace}-b7ad6b7169203331-01"))
        .json(&signal(
            "gevolgd",
            "verbinders-moerwijk",
            "Moerwijk",
            &knooppunt_ingest::today_nl().to_string(),
            "Intake bij de GGZ pas over vijf maanden, wachtlijst",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["api-version"], "1.0.0");
    let traceresponse = response
        .headers()
        .get("traceresponse")
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_string();
    assert!(
        traceresponse.starts_with(&format!("00-{trace}-")),
        "{traceresponse}"
    );
    let store = site.store.clone();
    let filter = Filter {
        trace_id: Some(trace.into()),
        ..Filter::default()
    };
    eventually(
        "intake and recognition in the trace",
        Duration::from_secs(30),
        || {
            let (store, filter) = (store.clone(), filter.clone());
            async move {
                verwerkingslog::entries(&store, &filter)
                    .await
                    .unwrap()
                    .len()
                    >= 2
            }
        },
    )
    .await;
    let path = verwerkingslog::entries(&store, &filter).await.unwrap();
    let names: Vec<&str> = path.iter().rev().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [actions::SIGNAL_RECEIVED, actions::SIGNAL_CLASSIFIED]
    );
    // The intake span's parent is the span that handled the HTTP request.
    let request_span = traceresponse.split('-').nth(2).unwrap();
    assert_eq!(path[1].parent_span_id, request_span);
    assert_eq!(path[1].attributes["channel"], "http");
    assert_eq!(path[0].attributes["barriers"][0], "wachtlijst-ggz");

    // The contract is served, and a refused signal is a problem with its field errors.
    let contract = get_text(&format!("{base}/api/v1/openapi.json")).await;
    let contract: serde_json::Value = serde_json::from_str(&contract).unwrap();
    assert_eq!(contract["openapi"], "3.1.0");
    let refused = http
        .post(format!("{base}/api/v1/signals"))
        .json(&serde_json::json!({"observed_on": "morgen", "source": "t", "area": "Laak", "text": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["errors"][0]["field"], "observed_on");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .starts_with("observed_on: "));

    // Sign-ins, failed and not; a cluster page; a brief download.
    let failed = sign_in(&http, &base, "overleg", "fout wachtwoord", &[]).await;
    assert_ne!(failed.status(), 303, "a wrong password signs no one in");
    let overleg = Client::login(&base, "overleg").await;
    let failed = named(&store, actions::SIGN_IN_FAILED).await;
    assert_eq!((failed.len(), failed[0].actor.as_str()), (1, "overleg"));
    assert_eq!(failed[0].status, "error");
    assert_eq!(named(&store, actions::SIGN_IN).await[0].actor, "overleg");
    // A name no account has is not kept (it may be a password typed in the wrong field), and
    // a post without the form's token is refused before it counts as an attempt at all.
    let unknown = sign_in(&http, &base, "mijn geheime zin 42", "x", &[]).await;
    assert_eq!(unknown.status(), 401);
    let forged = http
        .post(format!("{base}/inloggen"))
        .form(&[("naam", "Fatima El Amrani"), ("wachtwoord", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // A deactivated account's attempt is kept under its name: beheer sees who still tries.
    assert!(store.set_user_active("gemeente", false).await.unwrap());
    let deactivated = sign_in(&http, &base, "gemeente", PASSWORD, &[]).await;
    assert_eq!(deactivated.status(), 401);
    let failed = named(&store, actions::SIGN_IN_FAILED).await;
    let actors: Vec<&str> = failed.iter().map(|r| r.actor.as_str()).collect();
    assert_eq!(actors.len(), 3, "{actors:?}");
    assert!(actors.contains(&"(onbekende naam)"), "{actors:?}");
    assert!(actors.contains(&"gemeente"), "{actors:?}");
    assert!(
        !actors
            .iter()
            .any(|a| a.contains("geheime") || a.contains("Fatima")),
        "{actors:?}"
    );
    let _ = overleg.page(&format!("/clusters/{cluster}"), 200).await;
    let viewed = named(&store, actions::CLUSTER_VIEWED).await;
    assert_eq!(viewed[0].actor, "overleg");
    assert_eq!(viewed[0].attributes["cluster_id"], cluster.as_str());
    // (A gemeente account downloads published briefs only; the overleg also reads a draft.)
    let _ = overleg.page("/brief?kwartaal=2026Q3&formaat=md", 200).await;
    let download = &named(&store, actions::BRIEF_DOWNLOADED).await[0];
    assert_eq!(download.actor, "overleg");
    assert_eq!(download.attributes["quarter"], "2026Q3");
    assert_eq!(download.attributes["format"], "md");
    assert_eq!(download.processing_activity_id, "knooppunt-publication");

    // Only beheer sees the log; filters and the export.
    let _ = overleg.page("/beheer/verwerkingslog", 403).await;
    let beheer = Client::login(&base, "beheer").await;
    let page = beheer
        .page("/beheer/verwerkingslog?actor=overleg", 200)
        .await;
    // The action in words, its attributes as Dutch pairs (the export keeps the stored names).
    let viewed = "<td>Pagina met signaalteksten bekeken</td>";
    assert!(page.contains(viewed), "{page}");
    assert!(page.contains("pagina: cluster"), "{page}");
    assert!(
        page.contains(
            "<option value=\"cluster-bekeken\">Pagina met signaalteksten bekeken</option>"
        ),
        "{page}"
    );
    let page = beheer
        .page("/beheer/verwerkingslog?actor=beheer", 200)
        .await;
    assert!(!page.contains(viewed), "filtered on actor");
    let page = beheer
        .page("/beheer/verwerkingslog?van=gisteren", 400)
        .await;
    assert!(page.contains("dd-mm-jjjj"));
    let export = beheer
        .page(
            &format!("/beheer/verwerkingslog?trace={trace}&formaat=jsonl"),
            200,
        )
        .await;
    let lines: Vec<serde_json::Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["trace_id"] == trace));
    assert!(
        !export.contains("vijf maanden"),
        "never signal text: {export}"
    );
    assert_eq!(
        named(&store, actions::LOG_EXPORTED).await[0].actor,
        "beheer"
    );
    site.app.stop().await;
}

/// Times are stored in UTC and shown in Dutch local time, the Dutch way: a record stored at
/// 23:30 UTC on 30 November is shown on 1 December at 00:30; one of a summer morning at 08:15
/// UTC is shown at 10:15.
#[tokio::test]
async fn stored_utc_times_are_shown_in_dutch_local_time() {
    let site = site().await;
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let records: Vec<_> = [
        ("2026-11-30T23:30:00Z", "tijdtest-winter"),
        ("2026-07-01T08:15:00Z", "tijdtest-zomer"),
    ]
    .into_iter()
    .map(|(stored, actor)| {
        Record::instant(
            TraceContext::new_root(),
            actions::ADMINISTRATION,
            actor,
            Activity::Review,
            serde_json::json!({}),
        )
        .started(at(stored))
    })
    .collect();
    verwerkingslog::append(&site.store, &records).await.unwrap();
    let beheer = site.login("beheer").await;
    let page = beheer
        .page("/beheer/verwerkingslog?actor=tijdtest-winter", 200)
        .await;
    assert!(page.contains("<td>01-12-2026 00:30:00</td>"), "{page}");
    assert!(!page.contains("2026-11-30T23:30"), "{page}");
    let (_, page) = beheer
        .get("/beheer/verwerkingslog?actor=tijdtest-zomer")
        .await;
    assert!(page.contains("<td>01-07-2026 10:15:00</td>"), "{page}");
    site.app.stop().await;
}
