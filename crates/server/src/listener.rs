//! The accept loop: what a slow, idle or greedy client can hold.
//!
//! - **Request heads** must arrive within `head_timeout` (a connection
//!   that sends nothing at all is closed after it too); the same timer
//!   runs while a keep-alive connection waits for its next request, so it is
//!   also the idle timeout (hyper starts it whenever it waits for a head).
//!   A WebSocket handshake is such a request; after the upgrade the socket
//!   has its own auth deadline and heartbeats (`realtime::socket`).
//! - **Request bodies** must keep moving: no gap between chunks longer than
//!   `body_idle_timeout`, and after `body_grace` at least `body_min_rate`
//!   bytes per second on average — so a 150 MB upload on a slow but honest
//!   link completes, and a trickle of a byte a minute does not hold a slot.
//! - **Connections** are capped in total and per client address; past a cap
//!   a new connection is closed at once and the first refusal of each kind
//!   in a minute is logged.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::time::{Instant, Sleep};
use tower::Service;

/// Limits on connections; see the module documentation.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub head_timeout: Duration,
    pub body_idle_timeout: Duration,
    pub body_grace: Duration,
    /// Bytes per second, averaged from the start of the body.
    pub body_min_rate: u64,
    pub max_connections: usize,
    pub max_per_address: usize,
    /// Reverse proxies: their connections count against the total only
    /// (every client behind one shares its address), and their
    /// `X-Forwarded-For` names the client (see [`crate::forwarded`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            head_timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(30),
            body_grace: Duration::from_secs(30),
            body_min_rate: 1024,
            max_connections: 10_000,
            max_per_address: 1_000,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Why a body was cut off.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body stalled for {0:?}")]
    Stalled(Duration),
    #[error("the request body arrived slower than {0} bytes per second")]
    TooSlow(u64),
    #[error(transparent)]
    Hyper(#[from] hyper::Error),
}

/// A request body that fails when it stalls or crawls (see the module doc).
#[derive(Debug)]
pub struct PacedBody {
    inner: Incoming,
    limits: Arc<ConnectionLimits>,
    started: Instant,
    received: u64,
    idle: Pin<Box<Sleep>>,
}

impl PacedBody {
    fn new(inner: Incoming, limits: Arc<ConnectionLimits>) -> Self {
        let idle = Box::pin(tokio::time::sleep(limits.body_idle_timeout));
        PacedBody {
            inner,
            limits,
            started: Instant::now(),
            received: 0,
            idle,
        }
    }
}

impl HttpBody for PacedBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                let elapsed = this.started.elapsed();
                if elapsed > this.limits.body_grace
                    && this.received < this.limits.body_min_rate * elapsed.as_secs()
                {
                    return Poll::Ready(Some(Err(BodyError::TooSlow(this.limits.body_min_rate))));
                }
                let next = Instant::now() + this.limits.body_idle_timeout;
                this.idle.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.idle.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    Poll::Ready(Some(Err(BodyError::Stalled(this.limits.body_idle_timeout))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Open connections, in total and per address.
#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
    last_logged: Option<std::time::Instant>,
}

/// A connection's place in the counts, given back when it closes.
#[derive(Debug)]
struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut c) = self.counts.lock() {
            c.total = c.total.saturating_sub(1);
            if let Some(n) = c.per_address.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    c.per_address.remove(&self.ip);
                }
            }
        }
    }
}

/// A TCP stream that holds its connection's [`Slot`]: the slot is given
/// back when the stream is dropped, which for an upgraded WebSocket is when
/// the socket closes, not when its HTTP handshake ends.
///
/// Until its first byte arrives it also has a deadline: hyper reads the
/// protocol preface before any of its own timers run, so a connection that
/// never sends anything would otherwise hold its slot forever.
#[derive(Debug)]
struct Counted {
    tcp: tokio::net::TcpStream,
    _slot: Slot,
    first_byte: Option<Pin<Box<Sleep>>>,
}

impl tokio::io::AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if let Some(deadline) = self.first_byte.as_mut() {
            if deadline.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "no request arrived",
                )));
            }
        }
        let before = buf.filled().len();
        let read = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if matches!(read, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.first_byte = None;
        }
        read
    }
}

impl tokio::io::AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

fn admit(counts: &Arc<Mutex<Counts>>, limits: &ConnectionLimits, ip: IpAddr) -> Option<Slot> {
    let mut c = counts.lock().ok()?;
    let mine = c.per_address.get(&ip).copied().unwrap_or(0);
    let refused = if c.total >= limits.max_connections {
        Some("the server's connection limit")
    } else if mine >= limits.max_per_address
        && !crate::forwarded::trusted(&limits.trusted_proxies, ip)
    {
        Some("the per-address connection limit")
    } else {
        None
    };
    if let Some(which) = refused {
        let now = std::time::Instant::now();
        if c.last_logged
            .is_none_or(|t| now.duration_since(t) > Duration::from_secs(60))
        {
            c.last_logged = Some(now);
            tracing::warn!(
                address = %ip,
                open = c.total,
                from_address = mine,
                max_connections = limits.max_connections,
                max_per_address = limits.max_per_address,
                "refusing a connection: {which} is reached (logged once a minute)"
            );
        }
        return None;
    }
    c.total += 1;
    *c.per_address.entry(ip).or_insert(0) += 1;
    Some(Slot {
        counts: counts.clone(),
        ip,
    })
}

/// Serves `router` on `listener` until `stop` resolves, then lets open
/// requests finish (up to ten seconds).
pub async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) {
    let limits = Arc::new(limits);
    let counts = Arc::new(Mutex::new(Counts::default()));
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)));
    let builder = Arc::new(builder);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(slot) = admit(&counts, &limits, peer.ip().to_canonical()) else {
            drop(tcp);
            continue;
        };
        // Chat frames are small: send them at once instead of waiting for
        // Nagle's algorithm to coalesce them (which adds tens of ms).
        let _ = tcp.set_nodelay(true);
        let service = request_service(router.clone(), peer, limits.clone());
        let io = TokioIo::new(Counted {
            tcp,
            _slot: slot,
            first_byte: Some(Box::pin(tokio::time::sleep(limits.head_timeout))),
        });
        let conn = builder.serve_connection_with_upgrades(io, service);
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
}

fn request_service(
    router: axum::Router,
    peer: SocketAddr,
    limits: Arc<ConnectionLimits>,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut router = router.clone();
        let limits = limits.clone();
        async move {
            let mut req = req.map(|b| Body::new(PacedBody::new(b, limits)));
            req.extensions_mut().insert(ConnectInfo(peer));
            router.call(req).await
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_capped_in_total_and_per_address() {
        let limits = ConnectionLimits {
            max_connections: 3,
            max_per_address: 2,
            ..Default::default()
        };
        let counts = Arc::new(Mutex::new(Counts::default()));
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        let a1 = admit(&counts, &limits, a).expect("first");
        let _a2 = admit(&counts, &limits, a).expect("second");
        assert!(admit(&counts, &limits, a).is_none(), "per address");
        let _b1 = admit(&counts, &limits, b).expect("other address");
        assert!(admit(&counts, &limits, b).is_none(), "in total");
        drop(a1);
        assert!(
            admit(&counts, &limits, b).is_some(),
            "a closed connection frees its slot"
        );
    }
}
