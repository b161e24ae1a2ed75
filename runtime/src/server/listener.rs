//! Serving a router on a listener with every wait and every connection bounded.
//!
//! `axum::serve` has no header-read timeout, no idle timeout and no connection cap, so a peer
//! that opens connections and sends nothing, or one header byte a second, can hold a server's
//! file descriptors until a genuine notification finds none left. [`serve`] is the same loop
//! on hyper's HTTP/1 connection, with the limits of [`ServeLimits`]:
//!
//! - **Header read**: hyper's `header_read_timeout`. Hyper starts it whenever it waits for a
//!   request head, so it also closes a keep-alive connection idle between requests.
//! - **Idle**: a connection on which no byte moved either way for `idle_timeout` is closed,
//!   which also ends a peer that stops reading its response.
//! - **Body**: the protocol middleware gives a request body `ServerConfig::body_timeout`.
//! - **Connections**: at `max_connections`, each new connection asks the oldest one to close
//!   gracefully (hyper's `graceful_shutdown`: an idle connection closes at once, one with a
//!   request in flight after its response), so a new peer is always served and no request
//!   in progress is cut. Past twice the cap, new connections are closed on arrival.
//! - **Shutdown**: when the shutdown future completes, [`serve`] stops accepting, asks every
//!   connection to close gracefully, and waits up to `shutdown_grace` for the requests in
//!   flight to be answered. A webhook router's handlers that outlive their connection are
//!   the [`Inbox`](crate::notifications::Inbox)'s to wait for: call its `shutdown` next.
//!
//! ```no_run
//! # async fn demo(app: axum::Router) -> std::io::Result<()> {
//! use alipayhk_runtime::server::{ServeLimits, serve};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, app, ServeLimits::default(), std::future::pending()).await
//! # }
//! ```

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tower_service::Service;

use crate::time::instant_after;

/// The bounds [`serve`] holds every connection to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeLimits {
    /// How long a request head may take to arrive, and so how long a keep-alive connection
    /// may wait for its next request. Default 10 s.
    pub header_read_timeout: Duration,
    /// How long a connection may move no byte in either direction. Default 30 s.
    pub idle_timeout: Duration,
    /// How many connections are kept open; past it the oldest is closed gracefully. Default
    /// 1,024: far more than AlipayHK opens to one merchant, far fewer than a process's file
    /// descriptors.
    pub max_connections: usize,
    /// How long shutdown waits for the requests in flight. Default 30 s.
    pub shutdown_grace: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl ServeLimits {
    /// Sets the header-read (and keep-alive idle) timeout.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets the no-traffic timeout.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets the connection cap (at least 1).
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Sets how long shutdown waits for the requests in flight.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }
}

/// Connections that may still be asked to close, oldest first, and how many are open.
#[derive(Default)]
struct Connections {
    sheddable: Mutex<BTreeMap<u64, Arc<Notify>>>,
    open: AtomicUsize,
    /// Signalled whenever a connection ends, for shutdown to count down.
    ended: Notify,
}

impl Connections {
    fn sheddable(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Notify>>> {
        self.sheddable.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Serves `app` on `listener` within `limits`. When `shutdown` completes it stops accepting,
/// asks every open connection to close once its request in flight is answered, and returns
/// when they have, or after `limits.shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let connections = Arc::new(Connections::default());
    let (closing, _) = tokio::sync::watch::channel(false);
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of descriptors or the like: wait instead of spinning; the limits free some.
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let open = connections.open.load(Ordering::Relaxed);
        if open >= limits.max_connections.saturating_mul(2) {
            continue; // dropped: closed on arrival
        }
        if open >= limits.max_connections
            && let Some((_, oldest)) = connections.sheddable().pop_first()
        {
            oldest.notify_one();
        }
        let id = next_id;
        next_id += 1;
        let shed = Arc::new(Notify::new());
        connections.sheddable().insert(id, shed.clone());
        connections.open.fetch_add(1, Ordering::Relaxed);
        let connections = connections.clone();
        let app = app.clone();
        let closing = closing.subscribe();
        tokio::spawn(async move {
            serve_connection(stream, app, limits, shed, closing).await;
            connections.sheddable().remove(&id);
            connections.open.fetch_sub(1, Ordering::Relaxed);
            connections.ended.notify_waiters();
        });
    }
    drop(listener);
    closing.send_replace(true);
    let drained = async {
        loop {
            let ended = connections.ended.notified();
            if connections.open.load(Ordering::Relaxed) == 0 {
                return;
            }
            ended.await;
        }
    };
    if tokio::time::timeout(limits.shutdown_grace, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.open.load(Ordering::Relaxed),
            "shutdown: connections still open after the grace period"
        );
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    limits: ServeLimits,
    shed: Arc<Notify>,
    mut closing: tokio::sync::watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let started = Instant::now();
    let activity = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Watched {
        inner: stream,
        started,
        activity: activity.clone(),
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    // Requests in flight on this connection: a slow handler is not an idle peer.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let counted = in_flight.clone();
    let service = hyper::service::service_fn(move |request: axum::http::Request<Incoming>| {
        let guard = InFlight::enter(&counted);
        let mut app = app.clone();
        async move {
            let response = app.call(request).await;
            drop(guard);
            response
        }
    });
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shedding = false;
    let mut check_at = instant_after(started, limits.idle_timeout);
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            () = shed.notified(), if !shedding => {
                shedding = true;
                connection.as_mut().graceful_shutdown();
            }
            changed = closing.wait_for(|closing| *closing), if !shedding => {
                // Shutdown (or the server dropped): close once the request in flight is answered.
                drop(changed);
                shedding = true;
                connection.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(check_at) => {
                let now = Instant::now();
                let quiet_until = instant_after(
                    started + Duration::from_millis(activity.load(Ordering::Relaxed)),
                    limits.idle_timeout,
                );
                if in_flight.load(Ordering::Relaxed) > 0 {
                    // A handler at work is not an idle peer: look again a full period later.
                    check_at = instant_after(now, limits.idle_timeout);
                } else if quiet_until <= now {
                    return; // dropping the connection closes the socket
                } else {
                    check_at = quiet_until;
                }
            }
        }
    }
}

/// Counts a request in flight until dropped, so a cancelled one is not counted forever.
struct InFlight(Arc<AtomicUsize>);

impl InFlight {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that records when a byte last moved, in milliseconds since `started`.
struct Watched {
    inner: TcpStream,
    started: Instant,
    activity: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let millis = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(millis, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
