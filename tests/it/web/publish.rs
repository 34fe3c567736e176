//! Vaststellen on the website: the overleg publishes last quarter's brief and last month's
//! overview from the knelpunten page, after which the municipality downloads them. Who may,
//! what is refused (a quarter still running, a second time, two clicks at once, a restricted
//! member, no CSRF token), and that it is logged.

use crate::support::*;
use crate::teams_loop::{follow, post_raw, post_then_get};
use knooppunt_reports::digest::monthly::{month_label, Month};
use knooppunt_reports::review::Role;
use knooppunt_reports::Quarter;
use knooppunt_store::processing_log::{Filter, LogEntryRow};

#[tokio::test]
async fn the_overleg_publishes_the_brief_and_the_overview_for_the_municipality() {
    let (site, cluster) = seeded_site().await;
    confirm_as_overleg(&site, &cluster).await;
    add_overleg_laak(&site.store).await;
    let today = knooppunt_ingest::today_nl();
    let quarter = Quarter::containing(today).previous();
    let label = quarter.dutch_label();
    let brief = format!("/brief?kwartaal={quarter}&formaat=md");
    let publish_brief = format!("/brief/{quarter}/vaststellen");
    let gemeente = site.login("gemeente").await;
    assert_eq!(gemeente.get(&brief).await.0, 404, "a draft is not theirs");
    let (_, page) = gemeente.get("/knelpunten").await;
    assert!(!page.contains("vaststellen\""), "{page}");
    assert!(page.contains("zodra het signaleringsoverleg hem heeft vastgesteld"));
    // Before a brief publishes it, a knelpunt's count and its wijken both read "—", not blank.
    assert!(
        page.contains("<td role=\"cell\" data-kop=\"Signalen\">—</td><td role=\"cell\" data-kop=\"Wijken of stadsdelen\">—</td>"),
        "{page}"
    );

    // Nobody but an overleg member who sees every wijk, and never without the form's token.
    use Role::*;
    for (name, role) in ONE_OF_EACH_ROLE {
        let client = Client::login(&site.base, name).await;
        let csrf = client.csrf().await;
        if role != Reviewer {
            let (status, body) = client.post(&publish_brief, &[("csrf", &csrf)]).await;
            assert_eq!(status, 403, "{name}: {body}");
        }
    }
    let laak = site.login("overleg-laak").await;
    let csrf = laak.csrf().await;
    let (status, body) = laak.post(&publish_brief, &[("csrf", &csrf)]).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("alle wijken"), "{body}");
    let overleg = site.login("overleg").await;
    let (status, _) = overleg.post(&publish_brief, &[("csrf", "vervalst")]).await;
    assert_ne!(status, 303, "no publishing without the session's token");
    assert_eq!(gemeente.get(&brief).await.0, 404);

    // The quarter still running cannot be published.
    let csrf = overleg.csrf().await;
    let running = Quarter::containing(today);
    let (status, body) = overleg
        .post(&format!("/brief/{running}/vaststellen"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("is nog niet voorbij"), "{body}");

    // The overleg sees the button, publishes, and reads the confirmation.
    let (_, page) = overleg.get("/knelpunten").await;
    assert!(
        page.contains(&format!("Kwartaalbrief {label} vaststellen")),
        "{page}"
    );
    let page = post_then_get(&overleg, &publish_brief, &[("csrf", &csrf)]).await;
    assert!(
        page.contains(&format!("De kwartaalbrief van het {label} is vastgesteld")),
        "{page}"
    );
    assert!(!page.contains(&format!("Kwartaalbrief {label} vaststellen")));
    let (status, body) = gemeente.get(&brief).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Status: vastgesteld door het signaleringsoverleg"),
        "{body}"
    );
    let (status, body) = overleg.post(&publish_brief, &[("csrf", &csrf)]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("al vastgesteld"), "{body}");
    assert_eq!(published(&site, "brief-vaststellen").await, 1);

    // The same for last month's overview.
    let month = Month::containing(today).previous();
    let overview = format!("/knelpunten/maandoverzicht?maand={month}&formaat=md");
    assert_eq!(gemeente.get(&overview).await.0, 404);
    let publish_overview = format!("/knelpunten/maandoverzicht/{month}/vaststellen");
    let (status, _) = gemeente.post(&publish_overview, &[("csrf", &csrf)]).await;
    assert_eq!(status, 403);
    // Two clicks at once (a double click, two members): one publishes, the other is told it
    // is published, never an error page.
    let form = [("csrf", csrf.as_str())];
    let (first, second) = tokio::join!(
        post_raw(&overleg, &publish_overview, &form),
        post_raw(&overleg, &publish_overview, &form)
    );
    let (won, lost) = if first.status == 303 {
        (first, second)
    } else {
        (second, first)
    };
    assert_eq!((won.status, lost.status), (303, 409), "{}", lost.body);
    assert!(lost.body.contains("al vastgesteld"), "{}", lost.body);
    let page = follow(&overleg, &won).await;
    assert!(
        page.contains(&format!(
            "Het maandoverzicht van {} is vastgesteld",
            month_label(month)
        )),
        "{page}"
    );
    let (status, body) = gemeente.get(&overview).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains("concept van"), "{body}");
    assert_eq!(published(&site, "maandoverzicht-vaststellen").await, 1);
}

/// The logged requests with this change that were carried out (answered with a redirect);
/// refused attempts are logged too, with their status.
async fn published(site: &Site, change: &str) -> usize {
    let filter = Filter {
        name: Some("beheer".into()),
        ..Default::default()
    };
    let records = site.store.processing_log(&filter).await.unwrap();
    let attribute = |r: &LogEntryRow, key: &str| r.record.attributes.get(key).cloned();
    records
        .iter()
        .filter(|r| {
            attribute(r, "change")
                .and_then(|c| c.as_str().map(String::from))
                .as_deref()
                == Some(change)
        })
        .filter(|r| attribute(r, "http_status").and_then(|s| s.as_u64()) == Some(303))
        .count()
}
