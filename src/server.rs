//! The HTTP server under the intake API, the website and the operations listener.
//!
//! `axum::serve` has no timeouts, so a client that sends half a request line and stalls holds
//! a connection (and a task) for as long as it likes. This accept loop serves HTTP/1.1 with
//! hyper directly and bounds every phase of a request:
//!
//! - **connections**: at most `max_connections` at a time; further clients wait in the
//!   kernel's accept queue until one closes. One address holds at most `max_per_client` of
//!   them: a connection beyond that is closed at once, so one client cannot take every slot
//!   (behind a proxy every connection comes from the proxy, which then has to limit clients);
//! - **request line and headers**: hyper's header-read timeout closes a connection that has
//!   not sent a complete head in time — also an idle keep-alive connection, as the timer runs
//!   from the moment hyper waits for the next request;
//! - **body**: `RequestBodyTimeoutLayer` fails a body that does not arrive in time;
//! - **whole request**: `TimeoutLayer` answers 408 when a handler takes too long.
//!
//! The last two are layers ([`with_timeouts`]) so that the Dutch refusals and the security
//! headers wrap them too.
//!
//! Each request carries the peer address as axum's `ConnectInfo<SocketAddr>`.

use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

/// How long a client may take, and how many may be connected at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Until the request line and all headers are in (also: idle keep-alive time).
    pub header_read: Duration,
    /// Until the whole request body is in.
    pub body: Duration,
    /// Until the handler has answered.
    pub request: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// Open connections from one address at most; `None`: no limit per address.
    pub max_per_client: Option<usize>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body: Duration::from_secs(30),
            request: Duration::from_secs(120),
            max_connections: 512,
            max_per_client: Some(64),
        }
    }
}

/// How long shutdown waits for requests in flight before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The body and whole-request timeouts around `app`.
pub fn with_timeouts(app: Router, limits: ServerLimits) -> Router {
    app.layer(RequestBodyTimeoutLayer::new(limits.body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request,
        ))
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight.
/// Connections are limited and must send their request head in time; wrap `app` in
/// [`with_timeouts`] for the body and the whole request.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let clients = Arc::new(Clients::default());
    let graceful = GracefulShutdown::new();
    let mut timer = hyper::server::conn::http1::Builder::new();
    timer
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let builder = Arc::new(timer);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %error, "Accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(client) = clients.admit(peer.ip(), limits.max_per_client) else {
            // Closed at once; the address is not logged (it is personal data).
            tracing::debug!("A connection beyond the limit per client was closed");
            drop(stream);
            continue;
        };
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(error = %error, "Connection ended with an error");
            }
            drop(client);
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("Requests still running at shutdown were dropped");
    }
    Ok(())
}

/// The open connections per client address.
#[derive(Default)]
struct Clients {
    open: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>,
}

/// One admitted connection: counted for its address until it is dropped.
struct Admitted {
    clients: Arc<Clients>,
    address: std::net::IpAddr,
}

impl Clients {
    /// Counts a new connection from `address`, unless it already holds `limit` of them.
    fn admit(
        self: &Arc<Self>,
        address: std::net::IpAddr,
        limit: Option<usize>,
    ) -> Option<Admitted> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(address).or_insert(0);
        if limit.is_some_and(|limit| *count >= limit.max(1)) {
            return None;
        }
        *count += 1;
        Some(Admitted {
            clients: self.clone(),
            address,
        })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self
            .clients
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}
