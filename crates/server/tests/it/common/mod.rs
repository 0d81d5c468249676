//! Shared test harness: a real parley-server on 127.0.0.1 (port 0) with a
//! SQLite file in a temp dir — or, with `PARLEY_TEST_POSTGRES` set, a fresh
//! PostgreSQL database of its own (see `postgres.rs`) — and a small HTTP
//! client for it.

#![allow(dead_code)]

pub mod hooks;
pub mod postgres;
pub mod push_sinks;

use parley_server::{start, RunningServer, ServeOptions};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct TestServer {
    pub server: RunningServer,
    /// Where its data lives (reuse it to restart on the same data).
    pub database: parley_server::Database,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The Twilio error code of an error reply.
    pub fn code(&self) -> u64 {
        self.body["code"].as_u64().unwrap_or(0)
    }
}

pub enum Auth<'a> {
    Admin,
    Token(&'a str),
    None,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_ttl(3600).await
    }

    pub async fn start_with_ttl(token_ttl: i64) -> TestServer {
        Self::start_with(|o| o.token_ttl = token_ttl).await
    }

    /// A server on a fresh data dir with options changed by `change`.
    pub async fn start_with(change: impl FnOnce(&mut ServeOptions)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut opts =
            ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
        change(&mut opts);
        Self::start_opts(dir, opts).await
    }

    pub async fn start_opts(dir: tempfile::TempDir, mut opts: ServeOptions) -> TestServer {
        if matches!(opts.database, parley_server::Database::Sqlite) {
            if let Some(url) = postgres::fresh_database() {
                opts.database =
                    parley_server::Database::from_url(Some(url), Some(4)).expect("postgres URL");
            }
        }
        let database = opts.database.clone();
        let server = start(opts).await.expect("server starts");
        TestServer {
            server,
            database,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    /// Stops the server (as a graceful shutdown does) and starts it again on
    /// the same data, with options changed by `change`.
    pub async fn restart(self, change: impl FnOnce(&mut ServeOptions)) -> TestServer {
        let TestServer {
            server,
            database,
            dir,
            http,
        } = self;
        server.stop().await;
        let mut opts =
            ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
        opts.database = database.clone();
        change(&mut opts);
        let server = start(opts).await.expect("server restarts");
        TestServer {
            server,
            database,
            dir,
            http,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        form: &[(&str, &str)],
    ) -> Reply {
        let mut req = self.http.request(method.clone(), self.url(path));
        req = match auth {
            Auth::Admin => req.basic_auth(
                &self.server.app.account_sid,
                Some(&self.server.app.auth_token.cached()),
            ),
            Auth::Token(t) => req.header("X-Twilio-Token", t),
            Auth::None => req,
        };
        if method == Method::POST {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, body }
    }

    /// `GET url` with the account's credentials, the answer as it came
    /// (for CSV, metrics and absolute paging URLs).
    pub async fn admin_get(&self, url: impl reqwest::IntoUrl) -> reqwest::Response {
        self.http
            .get(url)
            .basic_auth(
                &self.server.app.account_sid,
                Some(self.server.app.auth_token.cached()),
            )
            .send()
            .await
            .expect("sent")
    }

    pub async fn get(&self, path: &str, auth: Auth<'_>) -> Reply {
        self.call(Method::GET, path, auth, &[]).await
    }

    pub async fn post(&self, path: &str, auth: Auth<'_>, form: &[(&str, &str)]) -> Reply {
        self.call(Method::POST, path, auth, form).await
    }

    pub async fn delete(&self, path: &str, auth: Auth<'_>) -> Reply {
        self.call(Method::DELETE, path, auth, &[]).await
    }

    /// Creates a service as admin and returns its SID.
    pub async fn service(&self) -> String {
        let r = self
            .post("/v2/Services", Auth::Admin, &[("FriendlyName", "test")])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["sid"].as_str().expect("sid").to_owned()
    }

    /// Creates channel `unique_name` in `service` as admin with `member` in
    /// it, and returns an access token for `member`.
    pub async fn room(&self, service: &str, unique_name: &str, member: &str) -> String {
        let s = format!("/v2/Services/{service}");
        let r = self
            .post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("UniqueName", unique_name)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let r = self
            .post(
                &format!("{s}/Channels/{unique_name}/Members"),
                Auth::Admin,
                &[("Identity", member)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        self.token(service, member)
    }

    /// Mints an access token for `identity` on `service` signed by the server's key.
    pub fn token(&self, service: &str, identity: &str) -> String {
        self.token_with(service, identity, 0, 3600)
    }

    pub fn token_with(&self, service: &str, identity: &str, offset: i64, ttl: i64) -> String {
        let app = &self.server.app;
        let now = parley_protocol::Timestamp::now().0 + offset;
        parley_server::auth::jwt::mint(
            &app.signing_key.0,
            &app.signing_key.1,
            &app.account_sid,
            identity,
            service,
            now,
            ttl,
        )
    }

    /// Sets a user's password directly in the store.
    pub async fn set_password(&self, service: &str, identity: &str, password: &str) {
        let phc = parley_server::auth::password::hash(password).expect("hash");
        let (service, identity) = (service.to_owned(), identity.to_owned());
        self.server
            .app
            .db
            .write(move |c| {
                let s = parley_server::api::services::load(c, &service)?;
                parley_server::api::users::set_password(c, &s, &identity, &phc)
            })
            .await
            .expect("password set");
    }
}

/// A WebSocket client of `/v2/Services/{IS}/Stream`.
pub struct Ws {
    pub stream: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

/// How a test socket authenticates.
pub enum WsAuth<'a> {
    /// `Sec-WebSocket-Protocol: parley.v1, access_token.<jwt>`.
    Header(&'a str),
    /// A first `auth` frame.
    Frame(&'a str),
}

impl TestServer {
    /// Opens a stream socket; `since` resumes from a cursor.
    pub async fn ws(&self, service: &str, auth: WsAuth<'_>, since: Option<i64>) -> Ws {
        self.ws_with_origin(service, auth, since, None)
            .await
            .expect("socket opens")
    }

    pub async fn ws_with_origin(
        &self,
        service: &str,
        auth: WsAuth<'_>,
        since: Option<i64>,
        origin: Option<&str>,
    ) -> Result<Ws, tokio_tungstenite::tungstenite::Error> {
        use futures_util::SinkExt;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut url = format!("ws://{}/v2/Services/{service}/Stream", self.server.addr);
        if let (Some(s), WsAuth::Header(_)) = (since, &auth) {
            url.push_str(&format!("?since={s}"));
        }
        let mut req = url.into_client_request()?;
        if let WsAuth::Header(t) = &auth {
            req.headers_mut().insert(
                "sec-websocket-protocol",
                format!("parley.v1, access_token.{t}")
                    .parse()
                    .expect("header"),
            );
        }
        if let Some(o) = origin {
            req.headers_mut()
                .insert("origin", o.parse().expect("origin"));
        }
        let (mut stream, _) = tokio_tungstenite::connect_async(req).await?;
        if let WsAuth::Frame(t) = auth {
            let mut frame = serde_json::json!({"type": "auth", "token": t});
            if let Some(s) = since {
                frame["since"] = s.into();
            }
            stream
                .send(tokio_tungstenite::tungstenite::Message::text(
                    frame.to_string(),
                ))
                .await?;
        }
        Ok(Ws { stream })
    }
}

impl Ws {
    /// The next JSON frame, or None after `wait` or when the socket closes.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<Value> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let msg = tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??
                .ok()?;
            match msg {
                Message::Text(t) => return serde_json::from_str(t.as_str()).ok(),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// Frames until one of `kind` arrives (panics after `wait`).
    pub async fn until(&mut self, kind: &str, wait: std::time::Duration) -> (Value, Vec<Value>) {
        let mut before = Vec::new();
        loop {
            match self.next(wait).await {
                Some(f) if f["type"] == kind => return (f, before),
                Some(f) => before.push(f),
                None => panic!("no {kind} frame within {wait:?}; got {before:?}"),
            }
        }
    }

    /// Every frame until the socket is quiet for `quiet`.
    pub async fn drain(&mut self, quiet: std::time::Duration) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(f) = self.next(quiet).await {
            out.push(f);
        }
        out
    }

    /// Waits for the close frame and returns its code.
    pub async fn close_code(&mut self, wait: std::time::Duration) -> Option<u16> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            match tokio::time::timeout(wait, self.stream.next())
                .await
                .ok()??
            {
                Ok(Message::Close(Some(f))) => return Some(f.code.into()),
                Ok(Message::Close(None)) => return None,
                Ok(_) => continue,
                Err(e) => {
                    eprintln!("socket error while waiting for close: {e}");
                    return None;
                }
            }
        }
    }

    pub async fn send(&mut self, v: Value) {
        use futures_util::SinkExt;
        self.stream
            .send(tokio_tungstenite::tungstenite::Message::text(v.to_string()))
            .await
            .expect("frame sent");
    }
}

pub const SPAWN_SID: &str = "AC00000000000000000000000000000077";
pub const SPAWN_TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// The real `parley-server` binary in a child process (to measure its memory
/// or kill it), with a fixed account.
pub struct Spawned {
    pub child: std::process::Child,
    /// The PostgreSQL database it runs on ("" for SQLite in `dir`).
    pub database_url: String,
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub base: String,
    pub http: reqwest::Client,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory of a process, KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

impl Spawned {
    pub async fn start() -> Spawned {
        Self::start_args(&[]).await
    }

    /// Starts the binary with extra `serve` arguments.
    pub async fn start_args(extra: &[&str]) -> Spawned {
        Self::start_env(extra, &[]).await
    }

    /// Starts the binary with extra `serve` arguments and environment.
    pub async fn start_env(extra: &[&str], env: &[(&str, &str)]) -> Spawned {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let database_url = postgres::fresh_database().unwrap_or_default();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_parley-server"))
            .args([
                "--data-dir",
                &dir.path().display().to_string(),
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .args(extra)
            .env("PARLEY_DATABASE_URL", &database_url)
            .env("PARLEY_ACCOUNT_SID", SPAWN_SID)
            .env("PARLEY_AUTH_TOKEN", SPAWN_TOKEN)
            .env("PARLEY_LOG", "warn")
            // Load and memory tests measure the server, not its rate limits
            // (rate_limits.rs tests those); a caller's `env` may set them.
            .env("PARLEY_ADMIN_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_CHANNEL_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_SERVICE_ACTIONS_PER_SECOND", "0")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.log")).expect("log file"))
            .spawn()
            .expect("server spawned");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..400 {
            if http.get(format!("{base}/healthz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        Spawned {
            child,
            database_url,
            dir,
            port,
            base,
            http,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.http
            .post(format!("{}{path}", self.base))
            .basic_auth(SPAWN_SID, Some(SPAWN_TOKEN))
            .form(form)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .unwrap_or(Value::Null)
    }

    /// A service with channel "room" that alice and bob joined; returns its SID.
    pub async fn setup_room(&self) -> String {
        let svc = self
            .post("/v2/Services", &[("FriendlyName", "spawned")])
            .await;
        let svc = svc["sid"].as_str().expect("sid").to_owned();
        self.post(
            &format!("/v2/Services/{svc}/Channels"),
            &[("UniqueName", "room")],
        )
        .await;
        for who in ["alice", "bob"] {
            self.post(
                &format!("/v2/Services/{svc}/Channels/room/Members"),
                &[("Identity", who)],
            )
            .await;
        }
        svc
    }

    /// Mints an access token with a fresh API key.
    pub fn token(&self, service: &str, identity: &str) -> String {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_parley-server"))
            .args([
                "--data-dir",
                &self.dir.path().display().to_string(),
                "token",
                "--identity",
                identity,
                "--service",
                service,
            ])
            .env("PARLEY_DATABASE_URL", &self.database_url)
            .output()
            .expect("token minted");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// A child process killed (SIGKILL) and reaped when dropped.
pub struct Proc(pub std::process::Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// Waits until `base` answers `/healthz` with a success.
pub async fn wait_ready(http: &reqwest::Client, base: &str) {
    for _ in 0..400 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{base} did not come up");
}

/// `parley-server user add` for `identity` with `password` (on standard
/// input), against `data_dir` and `database_url` ("" for SQLite).
pub fn add_user(
    data_dir: &std::path::Path,
    database_url: &str,
    service: &str,
    identity: &str,
    password: &str,
) {
    use std::io::Write;
    let mut add = std::process::Command::new(env!("CARGO_BIN_EXE_parley-server"))
        .args(["--data-dir", &data_dir.display().to_string()])
        .args([
            "user",
            "add",
            "--identity",
            identity,
            "--password-stdin",
            "--service",
            service,
        ])
        .env("PARLEY_DATABASE_URL", database_url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("user add");
    {
        let mut stdin = add.stdin.take().expect("stdin");
        writeln!(stdin, "{password}").expect("password");
    }
    assert!(add.wait().expect("user add ran").success(), "user add");
}
