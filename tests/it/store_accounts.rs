//! The store functions of the website's rooms (accounts, sessions, API tokens, failed
//! sign-ins; a team's signals, memberships, vignettes and meetings), on SQLite and PostgreSQL.

use crate::store_suite::classified;
use crate::support::*;
use chrono::{Duration, Utc};
use knooppunt_store::accounts::{NewSession, NewUserRow};
use knooppunt_store::Store;

async fn accounts_suite(store: &Store) {
    let areas = vec!["laak".to_string(), "moerwijk".to_string()];
    let user = NewUserRow {
        name: "overleg1",
        display_name: "Overleg Een",
        role: "overleg",
        source: "",
        areas: &areas,
        password_hash: "$argon2id$test",
    };
    assert!(store.insert_user(&user).await.unwrap());
    assert!(
        !store.insert_user(&user).await.unwrap(),
        "a name is taken once"
    );
    let users = store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].role.as_str(), &users[0].areas),
        ("overleg", &areas)
    );
    let (found, hash) = store.user_with_password("overleg1").await.unwrap().unwrap();
    assert_eq!(
        (found.display_name.as_str(), hash.as_str()),
        ("Overleg Een", "$argon2id$test")
    );
    assert!(store.user_with_password("niemand").await.unwrap().is_none());
    assert!(store.account_exists("overleg1").await.unwrap());
    assert!(!store.account_exists("niemand").await.unwrap());

    // Sessions: live while used, gone when ended or when the password changes elsewhere.
    let now = Utc::now();
    for (token, csrf) in [("hash-a", "csrf-a"), ("hash-b", "csrf-b")] {
        let session = NewSession {
            token_hash: token,
            user: "overleg1",
            csrf,
            expires_at: now + Duration::hours(1),
        };
        store
            .create_session(&session, now - Duration::minutes(30))
            .await
            .unwrap();
    }
    let live = store
        .live_session("hash-a", now - Duration::minutes(30))
        .await
        .unwrap()
        .unwrap();
    let (user, csrf) = (live.user, live.csrf);
    assert_eq!((user.name.as_str(), csrf.as_str()), ("overleg1", "csrf-a"));
    assert!(!live.password_due);
    assert!(
        store
            .live_session("hash-a", now + Duration::minutes(1))
            .await
            .unwrap()
            .is_none(),
        "idle"
    );
    assert!(store
        .set_password_hash("overleg1", "$argon2id$nieuw", Some("hash-a"))
        .await
        .unwrap());
    assert!(!store
        .set_password_hash("niemand", "$argon2id$nieuw", None)
        .await
        .unwrap());
    let idle_since = now - Duration::minutes(30);
    assert!(
        store
            .live_session("hash-a", idle_since)
            .await
            .unwrap()
            .is_some(),
        "kept"
    );
    assert!(
        store
            .live_session("hash-b", idle_since)
            .await
            .unwrap()
            .is_none(),
        "ended"
    );
    store.end_session("hash-a").await.unwrap();
    assert!(store
        .live_session("hash-a", idle_since)
        .await
        .unwrap()
        .is_none());

    // After a beheerder's reset the next session must change the password first.
    assert!(store
        .reset_password_hash("overleg1", "$argon2id$reset")
        .await
        .unwrap());
    let session = NewSession {
        token_hash: "hash-c",
        user: "overleg1",
        csrf: "csrf-c",
        expires_at: now + Duration::hours(1),
    };
    store.create_session(&session, now).await.unwrap();
    let live = store.live_session("hash-c", idle_since).await.unwrap();
    assert!(
        live.is_some_and(|live| live.password_due),
        "the reset is due"
    );
    store.clear_password_change("overleg1").await.unwrap();
    let live = store.live_session("hash-c", idle_since).await.unwrap();
    assert!(live.is_some_and(|live| !live.password_due), "changed");
    store.end_session("hash-c").await.unwrap();

    // API tokens: listed with typed times, checked by hash, revoked once.
    store
        .insert_api_token("t1", "token-hash", "team-laak", "test", "beheer")
        .await
        .unwrap();
    assert_eq!(
        store
            .api_token_source("token-hash")
            .await
            .unwrap()
            .as_deref(),
        Some("team-laak")
    );
    let tokens = store.api_tokens().await.unwrap();
    assert_eq!((tokens.len(), tokens[0].revoked_at), (1, None));
    assert!((tokens[0].created_at - Utc::now()).num_minutes().abs() < 5);
    assert!(store.revoke_api_token("t1").await.unwrap());
    assert!(!store.revoke_api_token("t1").await.unwrap());
    assert!(store
        .api_token_source("token-hash")
        .await
        .unwrap()
        .is_none());
    assert!(store.api_tokens().await.unwrap()[0].revoked_at.is_some());

    // Failed sign-ins: counted per key within a window; a window that ended starts again.
    let t = now.timestamp();
    store
        .add_sign_in_failure(["pair", "client"], t, t - 900)
        .await
        .unwrap();
    store
        .add_sign_in_failure(["pair", "client"], t, t - 900)
        .await
        .unwrap();
    let mut counted = store
        .sign_in_failures(["pair", "client"], t - 900)
        .await
        .unwrap();
    counted.sort_by(|a, b| a.key.cmp(&b.key));
    let counts: Vec<_> = counted
        .iter()
        .map(|c| (c.key.as_str(), c.failures))
        .collect();
    assert_eq!(counts, [("client", 2), ("pair", 2)]);
    // A reserved attempt that was right is taken back; never below zero.
    store.release_sign_in_failure("client").await.unwrap();
    store.release_sign_in_failure("unknown").await.unwrap();
    let released = store
        .sign_in_failures(["pair", "client"], t - 900)
        .await
        .unwrap();
    assert!(
        released
            .iter()
            .any(|c| c.key == "client" && c.failures == 1),
        "{released:?}"
    );
    store.clear_sign_in_failures("pair").await.unwrap();
    let left = store
        .sign_in_failures(["pair", "client"], t - 900)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    store
        .add_sign_in_failure(["pair", "client"], t + 1000, t + 100)
        .await
        .unwrap();
    let later = store
        .sign_in_failures(["pair", "client"], t + 100)
        .await
        .unwrap();
    assert!(later.iter().all(|c| c.failures == 1), "{later:?}");
}

async fn team_signals_suite(store: &Store) {
    let batch = vec![
        classified("a", "t1", "Moerwijk", "2026-06-30", &["kostendelersnorm"]),
        classified("b", "t1", "Laak", "2026-07-01", &[]),
        classified("c", "t2", "Laak", "2026-07-02", &["kostendelersnorm"]),
    ];
    store.write_batch(&batch, &[]).await.unwrap();
    assert_eq!(store.source_signal_count("t1").await.unwrap(), 2);
    let page = store.source_signals("t1", 1, 0).await.unwrap();
    assert_eq!(page.len(), 1);
    let all = store.source_signals("t1", 10, 0).await.unwrap();
    let a = all.iter().find(|s| s.id == "a").unwrap();
    assert_eq!(a.observed_on.to_string(), "2026-06-30");
    assert_eq!(a.barriers, ["kostendelersnorm"]);
    assert!(all
        .iter()
        .find(|s| s.id == "b")
        .unwrap()
        .barriers
        .is_empty());
    let memberships = store.signal_clusters("t1", "a").await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0].barrier, "kostendelersnorm");
    let cluster = memberships[0].cluster_id.clone().expect("a cluster");
    // t1's one classified signal, in its cluster; t2's is in a cluster of Laak.
    let shares = store.source_cluster_counts("t1").await.unwrap();
    assert_eq!(shares.len(), 1, "{shares:?}");
    assert_eq!(
        (shares[0].cluster_id.as_str(), shares[0].signals),
        (cluster.as_str(), 1)
    );
    assert_eq!(store.source_cluster_counts("t2").await.unwrap().len(), 1);
    assert!(store.source_cluster_counts("t3").await.unwrap().is_empty());
    assert!(store.approved_vignettes(&cluster).await.unwrap().is_empty());
    assert!(
        knooppunt_reports::knelpunten::approve_vignette(
            store,
            knooppunt_reports::knelpunten::VignetteRequest {
                cluster_id: &cluster,
                source: "t1",
                signal_id: "a",
                edited: None,
                checked: false,
            },
            "overleg"
        )
        .await
        .unwrap()
            == knooppunt_reports::knelpunten::VignetteApproval::Approved
    );
    let approved = store.approved_vignettes(&cluster).await.unwrap();
    assert_eq!(approved, [("t1".to_string(), "a".to_string(), None)]);
    let day = "2026-07-06".parse().unwrap();
    assert!(!store.meeting_recorded(day).await.unwrap());
    knooppunt_reports::review_store::add_meeting(store, day, "overleg")
        .await
        .unwrap();
    assert!(store.meeting_recorded(day).await.unwrap());
}

#[tokio::test]
async fn website_store_functions_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let store = Store::connect(&url, 4).await.unwrap();
    accounts_suite(&store).await;
    team_signals_suite(&store).await;
}

#[tokio::test]
async fn website_store_functions_on_postgres() {
    let store = Store::connect(&fresh_pg_database().await, 4).await.unwrap();
    store.migrate().await.unwrap();
    accounts_suite(&store).await;
    team_signals_suite(&store).await;
}
