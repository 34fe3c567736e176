//! Retention of a meeting's attendees, on both backends.

use crate::governance::classified;
use crate::support::*;
use chrono::NaiveDate;
use knooppunt_reports::review::Action;
use knooppunt_reports::review_store;
use knooppunt_rules::retention::{self, Policy};
use knooppunt_store::Store;

/// Attendees' names are personal data: past `attendee_months` they read "deelnemer N" (roles
/// stay, the action points they owned follow), the decisions stay, and a recent meeting keeps
/// its names.
async fn attendee_retention_suite(store: Store) {
    use knooppunt_store::{ActionPoint, Attendee, MeetingRecord};
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let (old, recent) = (
        NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    );
    store
        .write_batch(&[classified("s-1", "t1", "2024-04-20", None)], &[])
        .await
        .unwrap();
    let cluster = store.clusters().await.unwrap()[0].id.clone();
    review_store::decide_at(
        &store,
        &cluster,
        Action::Confirm,
        "",
        "overleg-1",
        knooppunt_reports::dutch::at_local(old, 10, 0),
    )
    .await
    .unwrap();
    let attendee = |name: &str, role: &str| Attendee {
        name: name.into(),
        role: role.into(),
    };
    let point = |owner: &str| ActionPoint {
        what: "Navragen bij de corporatie".into(),
        owner: owner.into(),
        due_on: old + chrono::Duration::weeks(4),
    };
    let old_record = MeetingRecord {
        attendees: vec![
            attendee("J. Bakker", "voorzitter"),
            attendee("R. Kok", "woningcorporatie"),
        ],
        action_points: vec![point("r. kok"), point("gemeente")],
    };
    store
        .record_meeting(old, "overleg-1", &old_record)
        .await
        .unwrap();
    let recent_record = MeetingRecord {
        attendees: vec![attendee("A. de Vries", "huisarts")],
        action_points: vec![point("A. de Vries")],
    };
    store
        .record_meeting(recent, "overleg-1", &recent_record)
        .await
        .unwrap();

    let policy = Policy::default();
    let plan = retention::plan(&store, &policy, today).await.unwrap();
    assert_eq!(plan.counts.attendees_anonymised, 2);
    assert_eq!(
        plan.cutoffs.attendees,
        NaiveDate::from_ymd_opt(2024, 11, 30).unwrap()
    );
    assert_eq!(
        store.meeting_record(old).await.unwrap(),
        old_record,
        "dry run"
    );

    let done = retention::apply(&store, &policy, today, "system:test")
        .await
        .unwrap();
    assert_eq!(done.counts.attendees_anonymised, 2);
    assert!(done.report(true).contains("2 namen van aanwezigen"));
    let after = store.meeting_record(old).await.unwrap();
    assert_eq!(
        after.attendees,
        vec![
            attendee("deelnemer 1", "voorzitter"),
            attendee("deelnemer 2", "woningcorporatie")
        ]
    );
    let owners: Vec<&str> = after
        .action_points
        .iter()
        .map(|p| p.owner.as_str())
        .collect();
    assert_eq!(owners, vec!["deelnemer 2", "gemeente"]);
    assert_eq!(after.action_points[0].what, "Navragen bij de corporatie");
    assert_eq!(store.meeting_record(recent).await.unwrap(), recent_record);
    // The decisions of that meeting stay.
    let decisions = review_store::decisions_on(&store, old).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].cluster_id, cluster);
    // Recorded with the run; a second run finds nothing.
    let purges = store.retention_purges().await.unwrap();
    assert_eq!(purges.last().unwrap().counts.attendees_anonymised, 2);
    let again = retention::apply(&store, &policy, today, "system:test")
        .await
        .unwrap();
    assert_eq!(again.counts.attendees_anonymised, 0);
    assert_eq!(store.retention_purges().await.unwrap().len(), purges.len());
}

on_both_backends!(
    attendee_retention_suite: attendee_retention_on_sqlite,
    attendee_retention_on_postgres
);
