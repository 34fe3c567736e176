//! Store errors say whether a retry helps, and the engine acts on it: a signal the database
//! rejects is set aside while the rest of its batch is stored and acknowledged; a database
//! that is down is retried with the same batch; unreadable stored data stops the engine.

use crate::support::*;
use knooppunt::app;
use knooppunt::config::Config;
use knooppunt_rules::engine::Engine;
use knooppunt_store::{ErrorClass, Store};
use knooppunt_transport::spool::Spool;
use knooppunt_transport::Source;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

fn valid(id: &str) -> String {
    format!(
        r#"{{"v":1,"signal":{{"id":"{id}","observed_on":"2026-09-01","source":"corp","area":"Laak","text":"Portiek onveilig, corporatie reageert al 6 weken niet."}}}}"#
    )
}

/// Deliberately breaks the SQLite store behind the engine's back, as a disk or an operator
/// could: this is the one place outside the store that writes SQL, and it writes it to
/// sabotage the store.
#[allow(clippy::disallowed_methods)]
async fn sabotage(url: &str, sql: &str) {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    conn.execute(sql).await.unwrap();
}

/// Queues the signals `ids` on the config's spool and builds an engine that reads them into
/// `store`; the spool stays with the caller for its dead letters.
async fn queued_engine(
    config: &Config,
    store: &Store,
    ids: &[&str],
) -> (Spool, Engine<Box<dyn Source>>) {
    let spool = app::open_spool(config).await.unwrap();
    for id in ids {
        spool
            .enqueue_raw("laak", valid(id).as_bytes())
            .await
            .unwrap();
    }
    let rules = app::load_rules(config).unwrap();
    let source = app::source(config).await.unwrap();
    (spool, Engine::new(source, store.clone(), rules, 10))
}

#[tokio::test]
async fn a_signal_the_database_rejects_does_not_block_its_partition() {
    let dir = tempfile::tempdir().unwrap();
    let config = embedded_config(dir.path());
    let store = app::open_store(&config).await.unwrap();
    sabotage(
        &config.store.url,
        "CREATE TRIGGER refuse BEFORE INSERT ON signals WHEN NEW.id = 'weigeren' \
         BEGIN SELECT RAISE(ABORT, 'geweigerd'); END",
    )
    .await;
    let (spool, mut engine) =
        queued_engine(&config, &store, &["p1", "p2", "weigeren", "p3", "p4"]).await;
    let outcome = engine.step(Duration::from_millis(100)).await.unwrap();
    assert_eq!(
        (outcome.received, outcome.stored, outcome.rejected),
        (5, 4, 1)
    );
    assert_eq!(store.signal_count().await.unwrap(), 4);
    assert!(store.signal("corp", "weigeren").await.unwrap().is_none());
    // Everything is acknowledged; the refused one is set aside with a reason.
    assert_eq!(spool.pending().await.unwrap(), 0);
    let dead = spool.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].1.contains("database weigert"), "{dead:?}");
    // The counts are exact: the stored four are counted once.
    assert!(store.cluster_count_mismatches().await.unwrap().is_empty());
}

#[tokio::test]
async fn unreadable_store_stops_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let config = embedded_config(dir.path());
    let store = app::open_store(&config).await.unwrap();
    sabotage(&config.store.url, "DROP TABLE clusters").await;
    let (spool, mut engine) = queued_engine(&config, &store, &["p1"]).await;
    let error = engine.step(Duration::from_millis(100)).await.unwrap_err();
    assert_eq!(
        knooppunt_store::class_of(&error),
        Some(ErrorClass::Corrupt),
        "{error:#}"
    );
    // The loop stops by itself instead of retrying forever; the message stays unacknowledged.
    let rules = app::load_rules(&config).unwrap();
    let source = app::source(&config).await.unwrap();
    let engine = Engine::new(source, store, rules, 10);
    tokio::time::timeout(
        Duration::from_secs(60),
        engine.run(std::future::pending::<()>(), Duration::from_secs(60)),
    )
    .await
    .expect("the engine stops on a corrupt store");
    assert_eq!(spool.pending().await.unwrap(), 1);
}

/// A TCP proxy to PostgreSQL that can be cut: while down, open connections are closed and
/// new ones are dropped on arrival.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (flag, handles, target) = (up.clone(), links.clone(), target.to_string());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    continue;
                }
                let target = target.clone();
                let link = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                handles.lock().unwrap().push(link);
            }
        });
        Proxy { port, up, links }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_is_down_is_retried_with_the_same_batch() {
    let pg_url = fresh_pg_database().await;
    Store::connect(&pg_url, 1)
        .await
        .unwrap()
        .migrate()
        .await
        .unwrap();
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = embedded_config(dir.path());
    config.store.url = pg_url.replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    assert_ne!(
        config.store.url, pg_url,
        "the test reaches PostgreSQL through the proxy"
    );
    let store = app::open_store(&config).await.unwrap();
    let (spool, mut engine) = queued_engine(&config, &store, &["p1", "p2"]).await;

    proxy.cut();
    let error = engine.step(Duration::from_millis(100)).await.unwrap_err();
    assert_eq!(
        knooppunt_store::class_of(&error),
        Some(ErrorClass::Unavailable),
        "{error:#}"
    );
    assert_eq!(spool.pending().await.unwrap(), 2, "nothing acknowledged");

    proxy.restore();
    let outcome = engine.step(Duration::from_millis(100)).await.unwrap();
    assert_eq!((outcome.received, outcome.stored), (2, 2));
    assert_eq!(spool.pending().await.unwrap(), 0);
    assert_eq!(spool.dead_letters().await.unwrap().len(), 0);
}
