//! The application: shared state and `fn router(app) -> Router` with every
//! route the server answers.

use parley_protocol::ErrorCode;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api;
use crate::auth::{login, ratelimit::LoginLimiter};
use crate::error::ApiError;
use crate::store::Db;

/// State every handler shares.
#[derive(Debug)]
pub struct AppState {
    pub db: Db,
    /// The server's "now" (the database's clock; tests advance it).
    pub clock: crate::clock::Clock,
    /// Absolute base URL used in `url`, `links` and paging URLs (no trailing slash).
    pub public_url: String,
    pub account_sid: parley_protocol::AccountSid,
    /// The account's auth token (rotatable; see `account::AuthToken`).
    pub auth_token: crate::account::AuthToken,
    /// How long console sessions last.
    pub console: crate::admin::session::SessionLimits,
    /// When this node started: (Unix seconds, monotonic instant).
    pub started: (i64, std::time::Instant),
    /// Which users this node saw lately (`crate::activity`).
    pub activity: crate::activity::Activity,
    /// This node's Prometheus metrics.
    pub metrics: std::sync::Arc<crate::metrics::Metrics>,
    /// (SID, secret) of the key that signs tokens issued by `/auth/token`.
    pub signing_key: (String, String),
    /// Lifetime of access tokens issued by `/auth/token`, seconds.
    pub token_ttl: i64,
    pub limiter: LoginLimiter,
    /// The bounded pool sign-ins check passwords on.
    pub hasher: std::sync::Arc<crate::auth::password::Hasher>,
    /// Fans committed changes out to open sockets.
    pub hub: crate::realtime::hub::Hub,
    /// Who has a socket open.
    pub presence: crate::realtime::presence::Presence,
    /// `Origin` values a WebSocket handshake may carry (none is always allowed).
    pub allowed_origins: Vec<String>,
    /// Interval of WebSocket pings; a peer silent for three is dropped.
    pub heartbeat: std::time::Duration,
    /// Set when the server shuts down: open sockets close with 1001.
    pub shutdown: tokio::sync::watch::Sender<bool>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether webhooks may target link-local and metadata addresses.
    pub allow_link_local_webhooks: bool,
    /// The one HTTP client webhook calls share.
    pub webhook_http: reqwest::Client,
    /// Wakes this node's job workers when a write queued a job.
    pub jobs: crate::jobs::Queue,
    /// Actions-per-second limits.
    pub rate_limits: crate::ratelimit::RateLimiter,
    /// Push providers and their HTTP clients.
    pub push: crate::push::Push,
    /// Media files and their limits.
    pub media: crate::media::MediaStore,
}

pub type App = Arc<AppState>;

/// A JSON body with 201 Created.
pub fn created<T: serde::Serialize>(t: T) -> Response {
    (StatusCode::CREATED, Json(t)).into_response()
}

/// `GET /readyz` — 200 while this node can reach its database, else 503:
/// what a load balancer's health check should ask (`/healthz` only says the
/// process runs).
async fn ready(axum::extract::State(app): axum::extract::State<App>) -> Response {
    match app.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            ApiError::new(
                ErrorCode::Unavailable,
                "Service unavailable: the database does not answer",
            )
            .into_response()
        }
    }
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::no_route(uri.path())
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed, "Method not allowed")
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::internal().into_response()
}

/// Every route of the server.
pub fn router(app: App) -> Router {
    use api::*;
    let svc = "/v2/Services/{service}";
    let ch = "/v2/Services/{service}/Channels/{channel}";
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(crate::metrics::scrape))
        .route("/auth/token", post(login::token))
        .route("/auth/revoke", post(login::revoke))
        .route(
            "/2010-04-01/Accounts/{account}/Keys.json",
            get(keys::list).post(keys::create),
        )
        .route(
            "/2010-04-01/Accounts/{account}/Keys/{sid}",
            get(keys::fetch).post(keys::update).delete(keys::delete),
        )
        .route("/v2/Services", get(services::list).post(services::create))
        .route(
            svc,
            get(services::fetch)
                .post(services::update)
                .delete(services::delete),
        )
        .route(
            "/v2/Credentials",
            get(credentials::list).post(credentials::create),
        )
        .route(
            "/v2/Credentials/{sid}",
            get(credentials::fetch)
                .post(credentials::update)
                .delete(credentials::delete),
        )
        .route(
            &format!("{svc}/Roles"),
            get(roles::list).post(roles::create),
        )
        .route(
            &format!("{svc}/Roles/{{sid}}"),
            get(roles::fetch).post(roles::update).delete(roles::delete),
        )
        .route(
            &format!("{svc}/Users"),
            get(users::list).post(users::create),
        )
        .route(
            &format!("{svc}/Users/{{user}}"),
            get(users::fetch).post(users::update).delete(users::delete),
        )
        .route(
            &format!("{svc}/Stream"),
            get(crate::realtime::socket::stream),
        )
        .route(
            &format!("{svc}/Users/{{user}}/Changes"),
            get(crate::realtime::changes),
        )
        .route(
            &format!("{svc}/Users/{{user}}/Channels"),
            get(user_channels::list),
        )
        .route(
            &format!("{svc}/Users/{{user}}/Channels/{{channel}}"),
            get(user_channels::fetch)
                .post(user_channels::update)
                .delete(user_channels::delete),
        )
        .route(
            &format!("{svc}/Users/{{user}}/Bindings"),
            get(bindings::list_for_user).post(bindings::create_for_user),
        )
        .route(
            &format!("{svc}/Users/{{user}}/Bindings/{{sid}}"),
            get(bindings::fetch_for_user).delete(bindings::delete_for_user),
        )
        .route(&format!("{svc}/Bindings"), get(bindings::list))
        .route(
            &format!("{svc}/Bindings/{{sid}}"),
            get(bindings::fetch).delete(bindings::delete),
        )
        .route(
            &format!("{svc}/Channels"),
            get(channels::list).post(channels::create),
        )
        .route(
            ch,
            get(channels::fetch)
                .post(channels::update)
                .delete(channels::delete),
        )
        .route(
            &format!("{ch}/Members"),
            get(members::list).post(members::create),
        )
        .route(
            &format!("{ch}/Members/{{sid}}"),
            get(members::fetch)
                .post(members::update)
                .delete(members::delete),
        )
        .route(
            &format!("{ch}/Messages"),
            get(messages::list).post(messages::create),
        )
        .route(
            &format!("{ch}/Messages/{{sid}}"),
            get(messages::fetch)
                .post(messages::update)
                .delete(messages::delete),
        )
        .route(
            &format!("{ch}/Invites"),
            get(invites::list).post(invites::create),
        )
        .route(
            &format!("{ch}/Invites/{{sid}}"),
            get(invites::fetch).delete(invites::delete),
        )
        .route(
            &format!("{ch}/Webhooks"),
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            &format!("{ch}/Webhooks/{{sid}}"),
            get(webhooks::fetch)
                .post(webhooks::update)
                .delete(webhooks::delete),
        )
        .route("/v1/Services/{service}/Media", post(crate::media::upload))
        .route(
            "/v1/Services/{service}/Media/{sid}",
            get(crate::media::fetch).delete(crate::media::delete),
        )
        .route(
            "/v1/Services/{service}/Media/{sid}/Content",
            get(crate::media::content),
        )
        .merge(crate::admin::routes())
        // After every route: it needs the matched route to name the action.
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::admin::audit::record,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::metrics::track,
        ))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(crate::logging::request_span),
        )
        .with_state(app)
}
