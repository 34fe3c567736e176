//! Waiting for work: one deadline poll ([`eventually`], [`eventually_ok`]) and the waits
//! built on it. Tests never sleep and then assert.

use std::time::{Duration, Instant};

/// Polls `check` every 50 ms until it returns true; fails after `limit`, naming `what`.
/// The one way tests wait for work: never a sleep followed by an assertion.
pub async fn eventually(what: &str, limit: Duration, mut check: impl AsyncFnMut() -> bool) {
    eventually_ok(what, limit, async || {
        if check().await {
            Ok(())
        } else {
            Err("the condition still does not hold".to_string())
        }
    })
    .await
}

/// Polls `check` every 50 ms until it returns `Ok`, and returns its value; fails after
/// `limit`, naming `what` and what the last attempt found.
pub async fn eventually_ok<T>(
    what: &str,
    limit: Duration,
    mut check: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let started = Instant::now();
    loop {
        match check().await {
            Ok(value) => return value,
            Err(found) => assert!(
                started.elapsed() < limit,
                "timed out after {limit:?} waiting for {what}: {found}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `store` holds at least `at_least` signals (fails after `limit`, naming `what`).
pub async fn wait_stored(
    store: &knooppunt_store::Store,
    at_least: i64,
    limit: Duration,
    what: &str,
) {
    let what = format!("{what} (at least {at_least} signals stored)");
    eventually_ok(&what, limit, async || match store.signal_count().await {
        Ok(n) if n >= at_least => Ok(()),
        Ok(n) => Err(format!("{n} stored")),
        Err(e) => Err(format!("the store does not answer: {e:#}")),
    })
    .await
}

/// Waits until the API at `url` answers `/readyz` with 200 (fails after 30 s).
pub async fn wait_ready(url: &str) {
    let client = reqwest::Client::new();
    eventually("the API to be ready", Duration::from_secs(30), || async {
        client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
}
