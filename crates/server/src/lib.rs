//! parley-server: a self-hosted chat service speaking the Programmable Chat v2
//! REST API, on SQLite (one node) or PostgreSQL (any number of nodes).
//!
//! [`start`] opens the store, initialises the account if needed and serves
//! the [`app::router`] on a listener; the binary and the tests both use it.

pub mod access;
pub mod account;
pub mod activity;
pub mod admin;
pub mod api;
pub mod app;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
pub mod feed;
pub mod form;
pub mod forwarded;
pub mod jobs;
pub mod listener;
pub mod logging;
pub mod marks;
pub mod media;
pub mod metrics;
pub mod names;
pub mod paging;
pub mod push;
pub mod ratelimit;
pub mod realtime;
pub mod store;
pub mod webhook_targets;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::app::AppState;
use crate::store::{Db, StoreError};

/// Shortest and longest access-token lifetime `/auth/token` may be set to.
pub const TOKEN_TTL_RANGE: std::ops::RangeInclusive<i64> = 180..=86_400;

/// Where the data lives.
#[derive(Debug, Clone, Default)]
pub enum Database {
    /// `parley.db` in the data directory (the default).
    #[default]
    Sqlite,
    /// A PostgreSQL database that any number of nodes share.
    Postgres(store::postgres::Config),
}

/// Default number of read connections per node on PostgreSQL.
pub const DEFAULT_POOL_SIZE: usize = 16;

impl Database {
    /// PostgreSQL when a URL is given, SQLite otherwise.
    pub fn from_url(url: Option<String>, pool_size: Option<usize>) -> Result<Database, StartError> {
        match url.filter(|u| !u.trim().is_empty()) {
            None => Ok(Database::Sqlite),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let pool_size = pool_size.unwrap_or(DEFAULT_POOL_SIZE);
                if !(1..=1024).contains(&pool_size) {
                    return Err(StartError::Store(StoreError::Open(
                        "the database pool size must be between 1 and 1024".into(),
                    )));
                }
                Ok(Database::Postgres(store::postgres::Config {
                    url,
                    pool_size,
                    keyed_writers: store::postgres::KEYED_WRITERS,
                }))
            }
            Some(url) => Err(StartError::Store(StoreError::Open(format!(
                "unsupported database URL {:?}: use postgres://user@host:port/db",
                url.split("://").next().unwrap_or("")
            )))),
        }
    }

    /// Where the data is, for messages (never with a password).
    pub fn describe(&self, data_dir: &std::path::Path) -> String {
        match self {
            Database::Sqlite => data_dir.join("parley.db").display().to_string(),
            Database::Postgres(c) => store::postgres::redact(&c.url),
        }
    }
}

/// How to run a server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub data_dir: PathBuf,
    /// SQLite in `data_dir` or a PostgreSQL database.
    pub database: Database,
    /// Where media files live (default `data_dir/media`); nodes on one
    /// PostgreSQL database share it (a shared filesystem).
    pub media_dir: Option<PathBuf>,
    pub listen: SocketAddr,
    /// Base of absolute URLs in responses; defaults to `http://{listen}`.
    pub public_url: Option<String>,
    /// Access-token lifetime for `/auth/token`, seconds.
    pub token_ttl: i64,
    /// Extra `Origin` values allowed to open the WebSocket (the desktop
    /// app's and the server's own origins are always allowed).
    pub allowed_origins: Vec<String>,
    /// How long the change feed keeps changes, seconds.
    pub feed_retention: i64,
    /// WebSocket ping interval.
    pub heartbeat: std::time::Duration,
    /// Largest media upload, MB (MiB).
    pub media_size_limit_mb: u32,
    /// Lifetime of temporary media links, seconds.
    pub media_link_ttl: i64,
    /// How long an upload no message takes is kept, seconds.
    pub media_retention: i64,
    /// Timeouts and connection caps (see [`listener`]).
    pub limits: listener::ConnectionLimits,
    /// Let webhooks target link-local and metadata addresses
    /// (see [`webhook_targets`]).
    pub allow_link_local_webhooks: bool,
    /// Actions-per-second limits (see [`ratelimit`]).
    pub rate_limits: ratelimit::Limits,
    /// Where pushes go (see [`push`]).
    pub push_urls: push::Urls,
    /// How long operator console sessions last.
    pub console: admin::session::SessionLimits,
}

/// Origins of the Tauri desktop app on each platform.
pub const DESKTOP_ORIGINS: &[&str] = &[
    "tauri://localhost",
    "http://tauri.localhost",
    "https://tauri.localhost",
];

/// Default change-feed retention: 30 days.
pub const DEFAULT_FEED_RETENTION: i64 = 30 * 24 * 3600;

impl ServeOptions {
    /// Options with every default: token TTL 1 h, 30-day feed, 20 s heartbeat.
    pub fn new(data_dir: PathBuf, listen: SocketAddr) -> Self {
        ServeOptions {
            data_dir,
            database: Database::Sqlite,
            media_dir: None,
            listen,
            public_url: None,
            token_ttl: 3600,
            allowed_origins: Vec::new(),
            feed_retention: DEFAULT_FEED_RETENTION,
            heartbeat: std::time::Duration::from_secs(20),
            media_size_limit_mb: api::services::MEDIA_SIZE_LIMIT_MB,
            media_link_ttl: media::DEFAULT_LINK_TTL,
            media_retention: media::DEFAULT_RETENTION,
            limits: listener::ConnectionLimits::default(),
            allow_link_local_webhooks: false,
            rate_limits: ratelimit::Limits::default(),
            push_urls: push::Urls::default(),
            console: Default::default(),
        }
    }
}

/// Failures starting a server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("cannot open the database: {0}")]
    Store(#[from] StoreError),
    #[error("cannot initialise the account: {0}")]
    Account(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("token TTL {0} s is outside 180..=86400")]
    TokenTtl(i64),
    #[error("cannot prepare the media folder: {0}")]
    Media(std::io::Error),
    #[error("cannot set up outgoing HTTPS (webhooks, push): {0}")]
    Http(String),
}

/// A server running in the background.
#[derive(Debug)]
pub struct RunningServer {
    pub addr: SocketAddr,
    pub app: app::App,
    /// True when this start created the account (print its credentials once).
    pub created_account: bool,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    jobs: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    /// The base URL clients should use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, closes open sockets (1001), waits for in-flight
    /// requests and for deliveries in flight (see [`jobs::spawn`]).
    pub async fn stop(mut self) {
        let _ = self.app.shutdown.send(true);
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = self.task.await;
        let _ = self.jobs.await;
    }

    /// Waits until the server stops by itself (it does not, short of an error).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Opens the database — SQLite in the data directory (creating directory
/// and schema) or PostgreSQL — and brings its schema up to date.
pub fn open_db(data_dir: &std::path::Path, database: &Database) -> Result<Db, StartError> {
    match database {
        Database::Sqlite => {
            std::fs::create_dir_all(data_dir)
                .map_err(|e| StartError::DataDir(data_dir.to_owned(), e))?;
            Ok(Db::open_sqlite(&data_dir.join("parley.db"))?)
        }
        Database::Postgres(config) => Ok(Db::open_postgres(config)?),
    }
}

/// Starts a server; account credentials come from `PARLEY_ACCOUNT_SID` /
/// `PARLEY_AUTH_TOKEN` or are generated on first start.
pub async fn start(opts: ServeOptions) -> Result<RunningServer, StartError> {
    // The CLI holds operators to TOKEN_TTL_RANGE; tests may use shorter lifetimes.
    if !(1..=*TOKEN_TTL_RANGE.end()).contains(&opts.token_ttl) {
        return Err(StartError::TokenTtl(opts.token_ttl));
    }
    let db = open_db(&opts.data_dir, &opts.database)?;
    let media_dir = opts
        .media_dir
        .clone()
        .unwrap_or_else(|| opts.data_dir.join("media"));
    let media_files = media::files::MediaFiles::open(&media_dir).map_err(StartError::Media)?;
    let env_sid = std::env::var("PARLEY_ACCOUNT_SID").ok();
    let env_token = std::env::var("PARLEY_AUTH_TOKEN").ok();
    let ((acct, created), key) = db
        .write(move |c| {
            let a = account::init(c, env_sid.as_deref(), env_token.as_deref())?;
            let k = account::signing_key(c)?;
            Ok::<_, error::ApiError>((a, k))
        })
        .await
        .map_err(|e| StartError::Account(e.message))?;
    let listener = TcpListener::bind(opts.listen)
        .await
        .map_err(|e| StartError::Listen(opts.listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Listen(opts.listen, e))?;
    let public_url = opts
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let (sink, changes) = tokio::sync::mpsc::unbounded_channel();
    db.set_change_sink(sink);
    let hub = realtime::hub::Hub::start(changes);
    let mut allowed_origins: Vec<String> = DESKTOP_ORIGINS.iter().map(|s| s.to_string()).collect();
    allowed_origins.push(public_url.clone());
    allowed_origins.extend(opts.allowed_origins.iter().cloned());
    let presence = match db.dialect() {
        store::Dialect::Sqlite => realtime::presence::Presence::local(),
        store::Dialect::Postgres => realtime::presence::Presence::shared(),
    };
    let db_now = db.clock().now();
    let (metrics, batches) = metrics::Metrics::new();
    db.set_batch_observer(batches);
    let app = Arc::new(AppState {
        clock: db.clock().clone(),
        db,
        hub,
        presence,
        allowed_origins,
        heartbeat: opts.heartbeat,
        shutdown: tokio::sync::watch::channel(false).0,
        public_url,
        account_sid: acct.sid,
        auth_token: account::AuthToken::new(acct.auth_token),
        console: opts.console,
        started: (db_now, std::time::Instant::now()),
        activity: Default::default(),
        metrics,
        signing_key: key,
        token_ttl: opts.token_ttl,
        limiter: Default::default(),
        hasher: auth::password::Hasher::for_this_machine(),
        allow_link_local_webhooks: opts.allow_link_local_webhooks,
        webhook_http: webhooks::call::client(opts.allow_link_local_webhooks)
            .map_err(|e| StartError::Http(e.to_string()))?,
        jobs: Default::default(),
        rate_limits: ratelimit::RateLimiter::new(opts.rate_limits.clone()),
        push: push::Push::new(opts.push_urls.clone(), opts.allow_link_local_webhooks)
            .map_err(|e| StartError::Http(e.to_string()))?,
        trusted_proxies: opts.limits.trusted_proxies.clone(),
        media: media::MediaStore {
            files: media_files,
            limit_mb: opts.media_size_limit_mb,
            link_ttl: opts.media_link_ttl,
        },
    });
    realtime::spawn_typing_relay(app.clone());
    realtime::spawn_presence_relay(app.clone());
    spawn_pruning(app.clone(), opts.feed_retention, opts.media_retention);
    let jobs = jobs::spawn(app.clone());
    let router = app::router(app.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let limits = opts.limits.clone();
    let task = tokio::spawn(listener::serve(listener, router, limits, async {
        let _ = stopped.await;
    }));
    Ok(RunningServer {
        addr,
        app,
        created_account: created,
        stop: Some(stop),
        task,
        jobs,
    })
}

/// Prunes the change feed and old idempotency keys at start and hourly.
fn spawn_pruning(app: app::App, retention: i64, media_retention: i64) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            let t = app.clock.now();
            let idle = app.console.idle_timeout;
            let r = app
                .db
                .write(move |tx| {
                    store::throttle::prune(tx, t - 24 * 3600)?;
                    store::sessions::prune_devices(tx, t - auth::login::REFRESH_TTL)?;
                    store::console::prune(tx, t - idle)?;
                    store::activity::prune(
                        tx,
                        t.div_euclid(store::activity::DAY) - store::activity::KEEP_DAYS,
                    )?;
                    store::audit::prune(tx, t - store::audit::RETENTION)?;
                    feed::prune(tx, t - retention, t - api::messages::IDEMPOTENCY_RETENTION)
                        .map_err(error::ApiError::from)
                })
                .await;
            match r {
                Ok(n) if n > 0 => tracing::info!(pruned = n, "pruned the change feed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e.message, "pruning the change feed failed"),
            }
            prune_media(&app, media_retention).await;
            count_days_over(&app).await;
        }
    });
}

/// Counts the messages and media of the last two days that are over, per
/// service, once (`store::usage`), so that even the first usage request
/// for a period does not count them.
async fn count_days_over(app: &app::App) {
    let today = app.clock.now().div_euclid(store::activity::DAY);
    let counted = app
        .db
        .read(move |c| {
            let mut all = Vec::new();
            for sid in store::services::first_sids(c, 100_000)? {
                let (_, days) = store::usage::days(c, &sid, today - 2, today - 1, today)?;
                if !days.is_empty() {
                    all.push((sid, days));
                }
            }
            Ok::<_, store::StoreError>(all)
        })
        .await;
    let counted = match counted {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "counting yesterday's usage failed");
            return;
        }
    };
    if counted.is_empty() {
        return;
    }
    let r = app
        .db
        .write(move |tx| {
            for (sid, days) in &counted {
                store::usage::remember(tx, sid, days)?;
            }
            Ok::<_, store::StoreError>(())
        })
        .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "remembering yesterday's usage failed");
    }
}

/// Deletes media no message took in time, media of deleted messages,
/// channels and services, and files without a row.
async fn prune_media(app: &app::App, retention: i64) {
    let gone = app.db.write(move |tx| media::prune(tx, retention)).await;
    let mut gone = match gone {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e.message, "pruning media failed");
            return;
        }
    };
    let on_disk = app
        .media
        .files
        .stored_before(std::time::Duration::from_secs(3600))
        .unwrap_or_default();
    if let Ok(orphans) = app.db.read(move |c| media::orphans(c, on_disk)).await {
        gone.extend(orphans);
    }
    if !gone.is_empty() {
        tracing::info!(files = gone.len(), "pruned media");
    }
    for sid in gone {
        media::remove_file(app, &sid).await;
    }
}
