//! Harness: a real parley-server on 127.0.0.1 (restartable on the same port,
//! same data) and clients with their own data directories.

#![allow(dead_code)]

use parley_client::cache::MessageState;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parley_client::notify::{Notification, Notifier};
use parley_client::secrets::MemoryStore;
use parley_client::{Client, ClientConfig, ClientEvent, ConnectionState};
use parley_server::{start, RunningServer, ServeOptions};
use serde_json::Value;

pub const PASSWORD: &str = "correct horse battery";

pub struct Server {
    pub running: Option<RunningServer>,
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub url: String,
    pub service: String,
    pub http: reqwest::Client,
    sid: String,
    token: String,
    ttl: i64,
}

/// Notifications recorded instead of shown (the D-Bus path has its own test).
#[derive(Debug, Default)]
pub struct Recorder(pub std::sync::Mutex<Vec<Notification>>);

impl Notifier for Recorder {
    fn show(&self, n: &Notification) -> parley_client::Result<()> {
        if let Ok(mut v) = self.0.lock() {
            v.push(n.clone());
        }
        Ok(())
    }
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with_ttl(3600).await
    }

    pub async fn start_with_ttl(ttl: i64) -> Server {
        let dir = tempfile::tempdir().expect("dir");
        let mut opts =
            ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
        opts.token_ttl = ttl;
        let running = start(opts).await.expect("server");
        let addr = running.addr;
        let (sid, token) = (
            running.app.account_sid.clone(),
            running.app.auth_token.cached().clone(),
        );
        let mut s = Server {
            url: format!("http://{addr}"),
            running: Some(running),
            dir,
            addr,
            service: String::new(),
            http: reqwest::Client::new(),
            sid: sid.to_string(),
            token,
            ttl,
        };
        let svc = s
            .post("/v2/Services", &[("FriendlyName", "client tests")])
            .await;
        s.service = svc["sid"].as_str().expect("service").to_owned();
        for who in ["alice", "bob", "carol"] {
            s.set_password(who).await;
        }
        s
    }

    async fn set_password(&self, identity: &str) {
        let phc = parley_server::auth::password::hash(PASSWORD).expect("hash");
        let (svc, id) = (self.service.clone(), identity.to_owned());
        self.running
            .as_ref()
            .expect("running")
            .app
            .db
            .write(move |c| {
                let s = parley_server::api::services::load(c, &svc)?;
                parley_server::api::users::set_password(c, &s, &id, &phc)
            })
            .await
            .expect("password");
    }

    /// Stops the server (its data stays).
    pub async fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }

    /// Starts it again on the same address with the same data.
    pub async fn restart(&mut self) {
        let mut opts = ServeOptions::new(self.dir.path().to_owned(), self.addr);
        opts.token_ttl = self.ttl;
        for _ in 0..50 {
            match start(opts.clone()).await {
                Ok(r) => {
                    self.running = Some(r);
                    return;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        panic!("server did not restart on {}", self.addr);
    }

    /// The channel's messages on the server: index → (sid, body).
    pub async fn history(
        &self,
        channel: &str,
    ) -> std::collections::BTreeMap<i64, (String, String)> {
        let mut out = std::collections::BTreeMap::new();
        let mut url = Some(format!(
            "/v2/Services/{}/Channels/{channel}/Messages?PageSize=1000",
            self.service
        ));
        while let Some(u) = url {
            let page = self.get(&u).await;
            for m in page["messages"].as_array().into_iter().flatten() {
                out.insert(
                    m["index"].as_i64().unwrap_or(-1),
                    (
                        m["sid"].as_str().unwrap_or_default().to_owned(),
                        m["body"].as_str().unwrap_or_default().to_owned(),
                    ),
                );
            }
            url = page["meta"]["next_page_url"]
                .as_str()
                .map(|n| n.trim_start_matches(&self.url).to_owned());
        }
        out
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .basic_auth(&self.sid, Some(&self.token))
            .form(form)
            .send()
            .await
            .expect("sent");
        r.json().await.unwrap_or(Value::Null)
    }

    pub async fn get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .basic_auth(&self.sid, Some(&self.token))
            .send()
            .await
            .expect("sent");
        r.json().await.unwrap_or(Value::Null)
    }

    /// Signs in to the operator console as the account: (cookie, CSRF token).
    pub async fn console_session(&self) -> (String, String) {
        let r = self
            .http
            .post(format!("{}/admin/Session", self.url))
            .form(&[("Sid", self.sid.as_str()), ("Secret", self.token.as_str())])
            .send()
            .await
            .expect("sent");
        let cookie = r
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned();
        let body: Value = r.json().await.expect("session");
        (
            cookie,
            body["csrf_token"].as_str().expect("csrf").to_owned(),
        )
    }

    pub async fn delete(&self, path: &str) {
        self.http
            .delete(format!("{}{path}", self.url))
            .basic_auth(&self.sid, Some(&self.token))
            .send()
            .await
            .expect("sent");
    }

    /// Creates a channel (as admin) with the given members.
    pub async fn channel(&self, unique: &str, members: &[&str]) -> String {
        let svc = &self.service;
        let ch = self
            .post(
                &format!("/v2/Services/{svc}/Channels"),
                &[("UniqueName", unique), ("FriendlyName", unique)],
            )
            .await;
        for m in members {
            self.post(
                &format!("/v2/Services/{svc}/Channels/{unique}/Members"),
                &[("Identity", m)],
            )
            .await;
        }
        ch["sid"].as_str().expect("channel").to_owned()
    }

    pub async fn say(&self, channel: &str, from: &str, body: &str) -> Value {
        self.post(
            &format!("/v2/Services/{}/Channels/{channel}/Messages", self.service),
            &[("Body", body), ("From", from)],
        )
        .await
    }

    /// Uploads a file as admin; returns the Media resource.
    pub async fn upload(&self, bytes: Vec<u8>, content_type: &str, filename: &str) -> Value {
        self.http
            .post(format!(
                "{}/v1/Services/{}/Media?Filename={filename}",
                self.url, self.service
            ))
            .basic_auth(&self.sid, Some(&self.token))
            .header("Content-Type", content_type)
            .body(bytes)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("media")
    }

    /// A media file's bytes, fetched as admin.
    pub async fn media_content(&self, sid: &str) -> Vec<u8> {
        self.http
            .get(format!(
                "{}/v1/Services/{}/Media/{sid}/Content",
                self.url, self.service
            ))
            .basic_auth(&self.sid, Some(&self.token))
            .send()
            .await
            .expect("download")
            .bytes()
            .await
            .expect("bytes")
            .to_vec()
    }

    /// Every message of a channel as JSON, oldest first (one page).
    pub async fn messages(&self, channel: &str) -> Vec<Value> {
        let page = self
            .get(&format!(
                "/v2/Services/{}/Channels/{channel}/Messages?PageSize=100",
                self.service
            ))
            .await;
        page["messages"].as_array().cloned().unwrap_or_default()
    }

    /// Every message body of a channel, oldest first.
    pub async fn bodies(&self, channel: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut url = Some(format!(
            "{}/v2/Services/{}/Channels/{channel}/Messages?PageSize=100",
            self.url, self.service
        ));
        while let Some(u) = url {
            let page: Value = self
                .http
                .get(&u)
                .basic_auth(&self.sid, Some(&self.token))
                .send()
                .await
                .expect("sent")
                .json()
                .await
                .expect("json");
            out.extend(
                page["messages"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["body"].as_str().map(str::to_owned)),
            );
            url = page["meta"]["next_page_url"].as_str().map(str::to_owned);
        }
        out
    }
}

pub struct TestClient {
    pub client: Client,
    pub cfg: ClientConfig,
    pub data: tempfile::TempDir,
    pub notes: Arc<Recorder>,
    pub secrets: Arc<MemoryStore>,
}

impl TestClient {
    pub async fn login(server: &Server, who: &str) -> TestClient {
        let data = tempfile::tempdir().expect("dir");
        let cfg = ClientConfig {
            data_dir: data.path().to_owned(),
        };
        let notes = Arc::new(Recorder::default());
        let secrets = Arc::new(MemoryStore::default());
        let client = Client::login(
            &cfg,
            &server.url,
            who,
            PASSWORD,
            true,
            secrets.clone(),
            notes.clone(),
        )
        .await
        .expect("login");
        TestClient {
            client,
            cfg,
            data,
            notes,
            secrets,
        }
    }

    /// Signed in, started, and online.
    pub async fn online(server: &Server, who: &str) -> TestClient {
        let t = TestClient::login(server, who).await;
        t.client.start();
        online(&t.client).await;
        t
    }

    /// The same account opened again from its cache (an app restart).
    pub fn reopen(&self) -> Client {
        let account = parley_client::known_accounts(&self.cfg)
            .into_iter()
            .next()
            .expect("account on disk");
        Client::open(&self.cfg, account, self.secrets.clone(), self.notes.clone()).expect("open")
    }
}

/// The channel's sent messages in a client's cache: index → (sid, body),
/// comparable with [`Server::history`].
pub fn cached_history(
    c: &Client,
    channel: &str,
) -> std::collections::BTreeMap<i64, (String, String)> {
    c.messages(channel, None, 100_000)
        .unwrap_or_default()
        .into_iter()
        .filter(|m| !m.deleted && m.state == MessageState::Sent)
        .filter_map(|m| Some((m.index?, (m.sid?.into(), m.body))))
        .collect()
}

/// Waits until `cond` holds, checking after each client event (or 100 ms).
pub async fn until<F: FnMut() -> bool>(client: &Client, what: &str, mut cond: F) {
    let mut events = client.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !cond() {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        let _ = tokio::time::timeout(Duration::from_millis(100), events.recv()).await;
    }
}

pub async fn online(client: &Client) {
    until(client, "online", || {
        client.connection_state() == ConnectionState::Online
    })
    .await;
}

pub fn is_event<T>(r: Result<ClientEvent, T>) -> Option<ClientEvent> {
    r.ok()
}
