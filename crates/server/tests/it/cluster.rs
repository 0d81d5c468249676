//! Several nodes on one PostgreSQL database behind nginx: sends through
//! every node get unique contiguous indexes, every client's feed holds every
//! change once and in order, a node killed with SIGKILL loses nothing
//! acknowledged and its clients resume on another node, media uploaded
//! through one node downloads through another, typing crosses nodes, and a
//! transaction that commits late is never skipped by a reader.
//!
//! These need a PostgreSQL cluster (`PARLEY_TEST_POSTGRES`) and nginx;
//! `make test` runs them under `tests/support/with-postgres … --ignored`.

use crate::common;

use common::{free_port, wait_ready, Proc};

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const SID: &str = "AC0000000000000000000000000000c1a5";
const TOKEN: &str = "feedc0defeedc0defeedc0defeedc0de";
const WAIT: Duration = Duration::from_secs(20);

/// Three nodes, a shared media folder and nginx in front.
struct Cluster {
    dir: tempfile::TempDir,
    database_url: String,
    nodes: Vec<(u16, Option<Proc>)>,
    _nginx: Proc,
    base: String,
    http: reqwest::Client,
}

fn spawn_node(dir: &Path, database_url: &str, port: u16, n: usize) -> Proc {
    let data = dir.join(format!("node{n}"));
    std::fs::create_dir_all(&data).expect("node dir");
    let log = std::fs::File::create(dir.join(format!("node{n}.log"))).expect("log");
    Proc(
        Command::new(env!("CARGO_BIN_EXE_parley-server"))
            .args([
                "--data-dir",
                &data.display().to_string(),
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--media-dir",
                &dir.join("media").display().to_string(),
                // The nodes sit behind nginx, as deployed.
                "--trusted-proxy",
                "127.0.0.1",
            ])
            .env("PARLEY_DATABASE_URL", database_url)
            .env("PARLEY_DATABASE_POOL_SIZE", "4")
            .env("PARLEY_ACCOUNT_SID", SID)
            .env("PARLEY_AUTH_TOKEN", TOKEN)
            // Bulk traffic by design (rate_limits.rs tests the limits).
            .env("PARLEY_ADMIN_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_LOG", "info,tower_http=warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("node spawned"),
    )
}

/// nginx with the project's own deploy/nginx/parley.conf, its upstream
/// pointed at the test nodes and its listener at a loopback port.
fn nginx_config(dir: &Path, listen: u16, nodes: &[u16]) -> PathBuf {
    let site = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/nginx/parley.conf"
    ))
    .expect("deploy/nginx/parley.conf");
    let mut servers_written = false;
    let mut out = String::new();
    for line in site.lines() {
        let t = line.trim_start();
        if t.starts_with("server ") && t.contains(":8080") {
            if !servers_written {
                for p in nodes {
                    out.push_str(&format!(
                        "    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n"
                    ));
                }
                servers_written = true;
            }
        } else if t.starts_with("listen 80;") {
            out.push_str(&format!("    listen 127.0.0.1:{listen};\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(
        servers_written,
        "the deploy config has an upstream to point at the nodes"
    );
    std::fs::write(dir.join("parley-site.conf"), out).expect("site");
    let d = dir.display();
    let conf = format!(
        "daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/nginx-body;
    proxy_temp_path {d}/nginx-proxy;
    fastcgi_temp_path {d}/nginx-fastcgi;
    uwsgi_temp_path {d}/nginx-uwsgi;
    scgi_temp_path {d}/nginx-scgi;
    include {d}/parley-site.conf;
}}
"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).expect("nginx.conf");
    path
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A failing test shows what the nodes logged.
        if std::thread::panicking() {
            for n in 0..self.nodes.len() {
                let log = std::fs::read_to_string(self.dir.path().join(format!("node{n}.log")))
                    .unwrap_or_default();
                eprintln!("--- node {n} log ---\n{log}");
            }
        }
    }
}

impl Cluster {
    async fn start() -> Cluster {
        let dir = tempfile::tempdir().expect("dir");
        let database_url = common::postgres::fresh_database()
            .expect("PARLEY_TEST_POSTGRES names the test cluster (make test sets it)");
        let http = reqwest::Client::new();
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let mut nodes = Vec::new();
        for (n, port) in ports.iter().enumerate() {
            // One at a time: the first creates the schema and the account.
            let p = spawn_node(dir.path(), &database_url, *port, n);
            wait_ready(&http, &format!("http://127.0.0.1:{port}")).await;
            nodes.push((*port, Some(p)));
        }
        let listen = free_port();
        let conf = nginx_config(dir.path(), listen, &ports);
        let nginx = Proc(
            Command::new("nginx")
                .args([
                    "-c",
                    &conf.display().to_string(),
                    "-p",
                    &dir.path().display().to_string(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("nginx (apt install nginx)"),
        );
        let base = format!("http://127.0.0.1:{listen}");
        wait_ready(&http, &base).await;
        Cluster {
            dir,
            database_url,
            nodes,
            _nginx: nginx,
            base,
            http,
        }
    }

    fn node_url(&self, n: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[n].0)
    }

    async fn post_to(
        &self,
        base: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{base}{path}"))
            .basic_auth(SID, Some(TOKEN))
            .form(form)
            .send()
            .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let r = self.post_to(&self.base, path, form).await.expect("sent");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("json")
    }

    /// A service with channel "room" that alice, bob and carol joined.
    async fn room(&self) -> String {
        let svc = self
            .post("/v2/Services", &[("FriendlyName", "cluster")])
            .await;
        let svc = svc["sid"].as_str().expect("sid").to_owned();
        self.post(
            &format!("/v2/Services/{svc}/Channels"),
            &[("UniqueName", "room")],
        )
        .await;
        for who in ["alice", "bob", "carol"] {
            self.post(
                &format!("/v2/Services/{svc}/Channels/room/Members"),
                &[("Identity", who)],
            )
            .await;
        }
        svc
    }

    fn token(&self, service: &str, identity: &str) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_parley-server"))
            .args([
                "--data-dir",
                &self.dir.path().join("node0").display().to_string(),
            ])
            .args(["token", "--identity", identity, "--service", service])
            .env("PARLEY_DATABASE_URL", &self.database_url)
            .output()
            .expect("token minted");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Every message of the channel over REST, by index.
    async fn history(&self, svc: &str) -> Vec<(i64, String)> {
        let mut out = Vec::new();
        let mut next = Some(format!(
            "{}/v2/Services/{svc}/Channels/room/Messages?PageSize=100",
            self.base
        ));
        while let Some(url) = next {
            let page: Value = self
                .http
                .get(&url)
                .basic_auth(SID, Some(TOKEN))
                .send()
                .await
                .expect("sent")
                .json()
                .await
                .expect("json");
            for m in page["messages"].as_array().into_iter().flatten() {
                out.push((
                    m["index"].as_i64().expect("index"),
                    m["sid"].as_str().expect("sid").to_owned(),
                ));
            }
            next = page["meta"]["next_page_url"].as_str().map(str::to_owned);
        }
        out
    }
}

/// A client's stream: reconnects through nginx from its cursor when cut.
struct Client {
    base_ws: String,
    service: String,
    token: String,
    cursor: Option<i64>,
    /// Every event received, in order: (cursor, type, message sid).
    events: Vec<(i64, String, Option<String>)>,
    /// The `data` of each of `events`.
    data: Vec<Value>,
    stream: Option<
        tokio_tungstenite::WebSocketStream<
            tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
        >,
    >,
    reconnects: usize,
}

impl Client {
    async fn connect(base: &str, service: &str, token: &str) -> Client {
        let mut c = Client {
            base_ws: base.replacen("http://", "ws://", 1),
            service: service.to_owned(),
            token: token.to_owned(),
            cursor: None,
            events: Vec::new(),
            data: Vec::new(),
            stream: None,
            reconnects: 0,
        };
        c.open().await;
        c
    }

    async fn open(&mut self) {
        let mut url = format!("{}/v2/Services/{}/Stream", self.base_ws, self.service);
        if let Some(s) = self.cursor {
            url.push_str(&format!("?since={s}"));
        }
        for _ in 0..200 {
            let mut req = url.as_str().into_client_request().expect("request");
            req.headers_mut().insert(
                "sec-websocket-protocol",
                format!("parley.v1, access_token.{}", self.token)
                    .parse()
                    .expect("header"),
            );
            if let Ok((mut s, _)) = tokio_tungstenite::connect_async(req).await {
                // Wait for `connected`: the node has registered the socket.
                loop {
                    match tokio::time::timeout(WAIT, s.next()).await {
                        Ok(Some(Ok(Message::Text(t)))) => {
                            let f: Value = serde_json::from_str(t.as_str()).expect("json");
                            if f["type"] == "connected" {
                                if self.cursor.is_none() {
                                    self.cursor = f["cursor"].as_i64();
                                }
                                self.stream = Some(s);
                                return;
                            }
                        }
                        Ok(Some(Ok(_))) => continue,
                        _ => break,
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("could not (re)connect to {url}");
    }

    /// Reads frames until `done` holds for the events so far, reconnecting
    /// from the last cursor whenever the socket drops.
    async fn read_until(&mut self, done: impl Fn(&[(i64, String, Option<String>)]) -> bool) {
        self.read_until_data(|e, _| done(e)).await
    }

    async fn read_until_data(
        &mut self,
        done: impl Fn(&[(i64, String, Option<String>)], &[Value]) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(&self.events, &self.data) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out with {} events",
                self.events.len()
            );
            let Some(s) = self.stream.as_mut() else {
                self.reconnects += 1;
                self.open().await;
                continue;
            };
            match tokio::time::timeout(Duration::from_secs(2), s.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    let f: Value = serde_json::from_str(t.as_str()).expect("json");
                    if let Some(c) = f["cursor"].as_i64() {
                        if f["data"].is_object() {
                            self.cursor = Some(c);
                            let sid = f["data"]["sid"].as_str().map(str::to_owned);
                            self.events
                                .push((c, f["type"].as_str().unwrap_or("").to_owned(), sid));
                            self.data.push(f["data"].clone());
                        }
                    }
                }
                Ok(Some(Ok(_))) => {}
                Ok(None) | Ok(Some(Err(_))) => self.stream = None,
                Err(_) => {}
            }
        }
    }

    fn messages(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|(_, t, _)| t == "messageAdded")
            .filter_map(|(_, _, s)| s.clone())
            .collect()
    }

    fn assert_in_order_once(&self) {
        let cursors: Vec<i64> = self.events.iter().map(|e| e.0).collect();
        let mut sorted = cursors.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(cursors, sorted, "every change once, in cursor order");
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL and nginx: make test runs it with tests/support/with-postgres"]
async fn sends_through_every_node_reach_every_client_once_and_in_order() {
    let c = Cluster::start().await;
    let svc = c.room().await;
    let mut clients = Vec::new();
    for who in ["alice", "alice", "bob", "bob", "carol", "carol"] {
        clients.push(Client::connect(&c.base, &svc, &c.token(&svc, who)).await);
    }
    // 300 sends, 30 at a time, spread over the three nodes by nginx.
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");
    let mut acked: BTreeMap<i64, String> = BTreeMap::new();
    for round in 0..10 {
        let mut sends = Vec::new();
        for i in 0..30 {
            let (http, url, body) = (
                c.http.clone(),
                format!("{}{msgs}", c.base),
                format!("m{round}-{i}"),
            );
            sends.push(tokio::spawn(async move {
                http.post(url)
                    .basic_auth(SID, Some(TOKEN))
                    .form(&[("Body", body.as_str()), ("From", "alice")])
                    .send()
                    .await
                    .expect("sent")
                    .json::<Value>()
                    .await
                    .expect("json")
            }));
        }
        for s in sends {
            let m = s.await.expect("task");
            let index = m["index"].as_i64().expect("index");
            assert!(
                acked
                    .insert(index, m["sid"].as_str().expect("sid").to_owned())
                    .is_none(),
                "index {index} given twice"
            );
        }
    }
    let indexes: Vec<i64> = acked.keys().copied().collect();
    assert_eq!(
        indexes,
        (0..300).collect::<Vec<_>>(),
        "unique, contiguous indexes"
    );
    let expected: Vec<String> = acked.values().cloned().collect();
    for client in &mut clients {
        client
            .read_until(|e| e.iter().filter(|x| x.1 == "messageAdded").count() >= 300)
            .await;
        client.assert_in_order_once();
        assert_eq!(
            client.messages(),
            expected,
            "each client got every message, once, in index order"
        );
    }

    // Their sockets close (the presence check below counts bob's).
    clients.clear();

    // A file uploaded through one node downloads through another.
    let body = vec![7u8; 300_000];
    let up: Value = c
        .http
        .post(format!("{}/v1/Services/{svc}/Media", c.node_url(0)))
        .basic_auth(SID, Some(TOKEN))
        .header("content-type", "application/octet-stream")
        .body(body.clone())
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let me = up["sid"].as_str().expect("media sid");
    let down = c
        .http
        .get(format!(
            "{}/v1/Services/{svc}/Media/{me}/Content",
            c.node_url(2)
        ))
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("download");
    assert_eq!(down.status(), 200);
    assert_eq!(down.bytes().await.expect("bytes").as_ref(), body.as_slice());

    // Typing on one node reaches a socket on another.
    let bob_token = c.token(&svc, "bob");
    let alice_token = c.token(&svc, "alice");
    let mut on_node1 = Client::connect(&c.node_url(1), &svc, &alice_token).await;
    let mut typer = Client::connect(&c.node_url(2), &svc, &bob_token).await;
    let s = typer.stream.as_mut().expect("open");
    s.send(Message::text(
        serde_json::json!({"type": "typing", "channel_sid": "room"}).to_string(),
    ))
    .await
    .expect("typing sent");
    let s = on_node1.stream.as_mut().expect("open");
    let seen = tokio::time::timeout(WAIT, async {
        while let Some(Ok(m)) = s.next().await {
            if let Message::Text(t) = m {
                let f: Value = serde_json::from_str(t.as_str()).expect("json");
                if f["type"] == "typingStarted" {
                    return Some(f);
                }
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .expect("alice on node 1 sees bob typing on node 2");
    assert_eq!(seen["identity"], "bob");

    // Presence is the same on every node: bob's socket on node 2 makes him
    // online for a reader of node 0, and his leaving is announced across.
    c.post(
        &format!("/v2/Services/{svc}"),
        &[("ReachabilityEnabled", "true")],
    )
    .await;
    let carol_token = c.token(&svc, "carol");
    let mut watcher = Client::connect(&c.node_url(0), &svc, &carol_token).await;
    let mut bob = Client::connect(&c.node_url(2), &svc, &bob_token).await;
    let user = |n: usize| {
        let (http, url) = (
            c.http.clone(),
            format!("{}/v2/Services/{svc}/Users/bob", c.node_url(n)),
        );
        async move {
            http.get(url)
                .basic_auth(SID, Some(TOKEN))
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    assert_eq!(
        user(0).await["is_online"],
        true,
        "online as seen from node 0"
    );
    bob.stream.take();
    typer.stream.take();
    drop(bob);
    drop(typer);
    watcher
        .read_until_data(|e, d| {
            e.iter().zip(d).any(|(x, data)| {
                x.1 == "userUpdated" && data["identity"] == "bob" && data["is_online"] == false
            })
        })
        .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while user(1).await["is_online"] != false {
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob goes offline everywhere"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL and nginx: make test runs it with tests/support/with-postgres"]
async fn a_node_killed_under_load_loses_nothing_acknowledged_and_its_clients_resume_elsewhere() {
    let mut c = Cluster::start().await;
    let svc = c.room().await;
    let mut clients = Vec::new();
    for who in ["alice", "bob", "carol", "alice", "bob", "carol"] {
        clients.push(Client::connect(&c.base, &svc, &c.token(&svc, who)).await);
    }
    let msgs = format!("{}/v2/Services/{svc}/Channels/room/Messages", c.base);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut senders = Vec::new();
    for w in 0..8 {
        let (http, url, stop) = (c.http.clone(), msgs.clone(), stop.clone());
        senders.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                i += 1;
                let r = http
                    .post(&url)
                    .basic_auth(SID, Some(TOKEN))
                    .form(&[("Body", format!("w{w}-{i}").as_str()), ("From", "bob")])
                    .send()
                    .await;
                if let Ok(r) = r {
                    if r.status() == 201 {
                        if let Ok(v) = r.json::<Value>().await {
                            acked.push(v["sid"].as_str().unwrap_or("").to_owned());
                        }
                    }
                }
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: nothing of the node's shutdown runs.
    if let Some(mut p) = c.nodes[1].1.take() {
        p.0.kill().expect("kill -9");
        let _ = p.0.wait();
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acked = HashSet::new();
    for s in senders {
        acked.extend(s.await.expect("sender"));
    }
    assert!(
        acked.len() > 50,
        "the cluster kept taking sends: {}",
        acked.len()
    );

    let history = c.history(&svc).await;
    let stored: HashSet<String> = history.iter().map(|(_, s)| s.clone()).collect();
    let lost: Vec<&String> = acked.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let indexes: Vec<i64> = history.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        indexes,
        (0..history.len() as i64).collect::<Vec<_>>(),
        "no gap in indexes"
    );
    let expected: Vec<String> = history.into_iter().map(|(_, s)| s).collect();
    let mut resumed = 0;
    for client in &mut clients {
        let n = expected.len();
        client
            .read_until(|e| e.iter().filter(|x| x.1 == "messageAdded").count() >= n)
            .await;
        client.assert_in_order_once();
        assert_eq!(
            client.messages(),
            expected,
            "no gap, no repeat after resuming"
        );
        resumed += client.reconnects;
    }
    assert!(
        resumed > 0,
        "some clients were on the killed node and resumed elsewhere"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it with tests/support/with-postgres"]
async fn a_change_that_commits_late_is_never_skipped_by_a_reader() {
    use parley_protocol::realtime::EventKind;
    use parley_server::feed::{self, Audience};
    use parley_server::store::{self, Db};

    let url = common::postgres::fresh_database().expect("PARLEY_TEST_POSTGRES");
    let config = store::postgres::Config {
        url: url.clone(),
        pool_size: 2,
        keyed_writers: 2,
    };
    // Two writers on one database: two nodes.
    let (a, b) = (
        Db::open_postgres(&config).expect("node a"),
        Db::open_postgres(&config).expect("node b"),
    );
    // The slow write goes to a keyed writer, which takes no cluster-wide
    // lock: the fast ones really commit while it is still open.
    let record = |db: &Db, hold: Duration, n: i64, keyed: bool| {
        let db = db.clone();
        async move {
            let job = move |tx: &store::Tx<'_>| {
                feed::append(
                    tx,
                    "IS0",
                    EventKind::UserUpdated,
                    None,
                    Audience::Service,
                    &serde_json::json!({ "n": n }),
                )?;
                // A slow transaction: its change is written, not committed.
                std::thread::sleep(hold);
                Ok::<_, parley_server::error::ApiError>(())
            };
            if keyed {
                db.write_keyed("slow", job).await
            } else {
                db.write(job).await
            }
            .expect("committed")
        }
    };
    // A reader that polls "everything after my cursor" as fast as it can.
    let reader_db = Db::open_postgres(&config).expect("reader");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut last = 0;
            let mut seen: Vec<(i64, i64)> = Vec::new();
            loop {
                let done = stop.load(std::sync::atomic::Ordering::Relaxed);
                let rows = reader_db
                    .read(move |c| store::feed::after(c, last, 1000))
                    .await
                    .expect("read");
                for r in rows {
                    last = r.seq;
                    let data: serde_json::Value = serde_json::from_str(&r.data).expect("json");
                    seen.push((r.seq, data["n"].as_i64().expect("n")));
                }
                if done {
                    return seen;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let slow = tokio::spawn(record(&a, Duration::from_millis(800), 0, true));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fast = Vec::new();
    for n in 1..=20 {
        fast.push(tokio::spawn(record(&b, Duration::ZERO, n, false)));
    }
    for f in fast {
        f.await.expect("fast");
    }
    let fast_done = std::time::Instant::now();
    slow.await.expect("slow");
    assert!(
        fast_done.elapsed() > Duration::from_millis(300),
        "the others committed while the slow transaction was still open"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = reader.await.expect("reader");
    let cursors: Vec<i64> = seen.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        cursors,
        (1..=21).collect::<Vec<i64>>(),
        "the reader saw every change once, in order, with no gap"
    );
    let mut ns: Vec<i64> = seen.iter().map(|(_, n)| *n).collect();
    assert_eq!(
        ns.last(),
        Some(&0),
        "the slow change, committed last, has the last cursor"
    );
    ns.sort_unstable();
    assert_eq!(
        ns,
        (0..=20).collect::<Vec<i64>>(),
        "the slow change was not skipped"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL and nginx: make test runs it with tests/support/with-postgres"]
async fn idempotent_retries_and_sign_in_throttling_hold_across_nodes() {
    let c = Cluster::start().await;
    let svc = c.room().await;
    // A send, and its retry with the same key through another node.
    let send = |n: usize| {
        let (http, url) = (
            c.http.clone(),
            format!("{}/v2/Services/{svc}/Channels/room/Messages", c.node_url(n)),
        );
        async move {
            http.post(url)
                .basic_auth(SID, Some(TOKEN))
                .header("Idempotency-Key", "once-only")
                .form(&[("Body", "exactly once"), ("From", "alice")])
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let first = send(0).await;
    let retry = send(1).await;
    assert_eq!(
        retry["sid"], first["sid"],
        "the retry through node 1 returns node 0's message"
    );
    assert_eq!(
        c.history(&svc).await.len(),
        1,
        "one message however many retries"
    );

    // Wrong passwords, spread over the nodes, count together.
    common::add_user(
        &c.dir.path().join("node0"),
        &c.database_url,
        &svc,
        "alice",
        "correct horse battery",
    );
    let sign_in = |n: usize, password: &'static str| {
        let (http, url) = (c.http.clone(), format!("{}/auth/token", c.node_url(n)));
        async move {
            http.post(url)
                .form(&[
                    ("grant_type", "password"),
                    ("username", "alice"),
                    ("password", password),
                ])
                .send()
                .await
                .expect("sent")
                .status()
        }
    };
    for n in 0..5 {
        assert_eq!(
            sign_in(n % 3, "wrong guess").await,
            400,
            "guess {n} is checked"
        );
    }
    assert_eq!(
        sign_in(2, "correct horse battery").await,
        429,
        "five guesses over three nodes lock the identity on every node"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL and nginx: make test runs it with tests/support/with-postgres"]
async fn a_node_starting_on_the_shared_media_folder_keeps_another_nodes_upload_in_progress() {
    let c = Cluster::start().await;
    let svc = c.room().await;
    // An upload to node 0 that arrives in two halves.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    let body = reqwest::Body::wrap_stream(tokio_stream_from(rx));
    let upload = {
        let (http, url) = (
            c.http.clone(),
            format!("{}/v1/Services/{svc}/Media", c.node_url(0)),
        );
        tokio::spawn(async move {
            http.post(url)
                .basic_auth(SID, Some(TOKEN))
                .header("content-type", "application/octet-stream")
                .body(body)
                .send()
                .await
                .expect("upload sent")
        })
    };
    let half = vec![1u8; 2_000_000];
    tx.send(Ok(half.clone())).await.expect("first half");
    // Wait until node 0 has the temporary file, then start another node.
    let tmp = c.dir.path().join("media").join("tmp");
    let deadline = tokio::time::Instant::now() + WAIT;
    while std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the upload began");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let port = free_port();
    let _late = spawn_node(c.dir.path(), &c.database_url, port, 3);
    wait_ready(&c.http, &format!("http://127.0.0.1:{port}")).await;
    tx.send(Ok(half.clone())).await.expect("second half");
    drop(tx);
    let r = upload.await.expect("upload task");
    assert_eq!(
        r.status(),
        201,
        "the upload in progress survived the other node's start"
    );
    let me: Value = r.json().await.expect("json");
    let me = me["sid"].as_str().expect("sid");
    let down = c
        .http
        .get(format!(
            "http://127.0.0.1:{port}/v1/Services/{svc}/Media/{me}/Content"
        ))
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("download");
    assert_eq!(down.status(), 200);
    assert_eq!(down.bytes().await.expect("bytes").len(), 4_000_000);
}

/// The chunks of a channel as a stream (for a request body sent in parts).
fn tokio_stream_from(
    mut rx: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[tokio::test]
#[ignore = "needs PostgreSQL and nginx: make test runs it with tests/support/with-postgres"]
async fn a_console_session_and_an_auth_token_rotation_hold_on_every_node() {
    let c = Cluster::start().await;
    // Signed in through node 0, the session works on node 2.
    let r = c
        .http
        .post(format!("{}/admin/Session", c.node_url(0)))
        .form(&[("Sid", SID), ("Secret", TOKEN)])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::CREATED);
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("cookie")
        .to_owned();
    let session: Value = r.json().await.expect("json");
    let csrf = session["csrf_token"].as_str().expect("csrf").to_owned();
    let r = c
        .http
        .get(format!("{}/admin/Health", c.node_url(2)))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let health: Value = r.json().await.expect("json");
    assert_eq!(health["database"]["kind"], "postgres");

    // Rotated through node 2: within a second or so, node 0 and node 1
    // refuse the old token and take the new one.
    let r = c
        .http
        .post(format!("{}/admin/Account/AuthToken/Rotate", c.node_url(2)))
        .header("cookie", &cookie)
        .header("x-parley-csrf", &csrf)
        .form(&[("Confirm", SID)])
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    let new: Value = r.json().await.expect("json");
    let new = new["auth_token"].as_str().expect("token").to_owned();
    let status = |n: usize, token: String| {
        let (http, url) = (c.http.clone(), format!("{}/v2/Services", c.node_url(n)));
        async move {
            http.get(url)
                .basic_auth(SID, Some(token))
                .send()
                .await
                .expect("sent")
                .status()
        }
    };
    assert_eq!(
        status(2, TOKEN.into()).await,
        reqwest::StatusCode::UNAUTHORIZED,
        "at once on the rotating node"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    for n in [0, 1] {
        loop {
            if status(n, TOKEN.into()).await == reqwest::StatusCode::UNAUTHORIZED {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "node {n} still takes the old token"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            status(n, new.clone()).await,
            reqwest::StatusCode::OK,
            "node {n} takes the new one"
        );
    }
    // The audit log, read through node 1, has the rotation made on node 2.
    let log: Value = c
        .http
        .get(format!("{}/admin/AuditLog?Q=rotate", c.node_url(1)))
        .basic_auth(SID, Some(&new))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(log["entries"][0]["action"], "rotate auth token");
}
