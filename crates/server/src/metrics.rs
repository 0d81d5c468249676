//! `GET /metrics` in the Prometheus exposition format (OpenMetrics text,
//! encoded by `prometheus-client`): requests by route, method and status;
//! request latency by route; open sockets; frames the hub fanned out to
//! sockets; writer batch sizes; queued deliveries. Each node reports its
//! own figures. Admin credentials are required (Prometheus scrapes with
//! `basic_auth`): the figures describe the deployment.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms … ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// This node's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    sockets: Gauge,
    fanout: Counter,
    jobs_queued: Gauge,
    jobs_due: Gauge,
    /// Serialises scrapes (the fan-out counter is brought up to date then).
    scrape: Mutex<()>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// The metrics, and the observer the store's writers report batch
    /// sizes to.
    pub fn new() -> (Arc<Metrics>, crate::store::BatchObserver) {
        let mut registry = Registry::with_prefix("parley");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        let latency: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let sockets = Gauge::default();
        registry.register("sockets", "WebSockets open on this node", sockets.clone());
        let fanout = Counter::default();
        registry.register(
            "fanout_deliveries",
            "Changes queued to open sockets by this node's hub",
            fanout.clone(),
        );
        let batch = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register(
            "writer_batch_size",
            "Writes committed together in one database transaction",
            batch.clone(),
        );
        let jobs_queued = Gauge::default();
        registry.register(
            "jobs_queued",
            "Webhook calls and pushes waiting in the delivery queue (all nodes)",
            jobs_queued.clone(),
        );
        let jobs_due = Gauge::default();
        registry.register(
            "jobs_due",
            "Queued deliveries due now (all nodes)",
            jobs_due.clone(),
        );
        let observer = crate::store::BatchObserver(Arc::new(move |n| batch.observe(n as f64)));
        (
            Arc::new(Metrics {
                registry,
                requests,
                latency,
                sockets,
                fanout,
                jobs_queued,
                jobs_due,
                scrape: Mutex::new(()),
            }),
            observer,
        )
    }
}

/// Counts and times every routed request.
pub async fn track(State(app): State<App>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let m = &app.metrics;
    m.latency
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: resp.status().as_u16(),
        })
        .inc();
    resp
}

/// `GET /metrics`
pub async fn scrape(State(app): State<App>, p: Principal) -> ApiResult<Response> {
    p.require_admin("read metrics")?;
    let now_ms = app.clock.now().saturating_mul(1000);
    let (queued, due, _) = app
        .db
        .read(move |c| crate::store::health::jobs(c, now_ms).map_err(ApiError::from))
        .await?;
    let m = &app.metrics;
    let mut out = String::new();
    {
        let _one = m.scrape.lock().map_err(|_| ApiError::internal())?;
        m.sockets.set(app.hub.sockets());
        m.jobs_queued.set(queued);
        m.jobs_due.set(due);
        let delivered = app.hub.delivered();
        m.fanout.inc_by(delivered.saturating_sub(m.fanout.get()));
        prometheus_client::encoding::text::encode(&mut out, &m.registry)
            .map_err(|_| ApiError::internal())?;
    }
    let mut r = out.into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(r)
}
