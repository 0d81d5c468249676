//! Scale-out, side by side in one run: durable sends/s and latency on
//! SQLite, on PostgreSQL with one node and with two nodes (clients split
//! over them); then realtime fan-out with 1,000 sockets split over two
//! PostgreSQL nodes while one sender posts to the first at a fixed rate,
//! with send→receive latency for the sockets on the same node and on the
//! other one. Servers run in this process, on the same two cores as the load
//! generator and PostgreSQL, so the figures are lower bounds.
//!
//! Needs `PARLEY_TEST_POSTGRES` (an admin URL of a PostgreSQL cluster):
//! `make bench` runs it under `tests/support/with-postgres`.
//! Env: CLIENTS (64), MESSAGES (40000), CHANNELS (8), MEMBERS (1000),
//! FANOUT_MESSAGES (300), RATE (100 messages/s).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;

use parley_server::{start, Database, RunningServer, ServeOptions};
use support::{connect, env, micros_now, pct};

/// A fresh database on the cluster named by PARLEY_TEST_POSTGRES.
fn fresh_database(name: &str) -> String {
    let admin = std::env::var("PARLEY_TEST_POSTGRES")
        .expect("PARLEY_TEST_POSTGRES: run under tests/support/with-postgres (make bench does)");
    let (drop, create) = (
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    );
    let a = admin.clone();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&a, postgres::NoTls).expect("cluster");
        c.batch_execute(&drop).expect("drop database");
        c.batch_execute(&create).expect("create database");
    })
    .join()
    .expect("thread");
    let (base, _) = admin.rsplit_once('/').expect("admin URL");
    format!("{base}/{name}")
}

async fn node(dir: &std::path::Path, database: Database) -> RunningServer {
    let mut opts = ServeOptions::new(dir.to_owned(), "127.0.0.1:0".parse().expect("addr"));
    opts.database = database;
    // The workload floods by design.
    opts.rate_limits = parley_server::ratelimit::Limits::off();
    start(opts).await.expect("server")
}

struct Admin {
    http: reqwest::Client,
    sid: String,
    token: String,
}

impl Admin {
    async fn post(&self, url: String, form: &[(&str, &str)]) -> serde_json::Value {
        self.http
            .post(url)
            .basic_auth(&self.sid, Some(&self.token))
            .form(form)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .unwrap_or_default()
    }
}

/// Durable sends through `servers` (clients take them in turn).
async fn sends(label: &str, servers: &[&RunningServer]) {
    let bases: Vec<String> = servers.iter().map(|s| s.url()).collect();
    let first = servers[0];
    let s = support::sends(
        &bases,
        &first.app.account_sid,
        &first.app.auth_token.cached(),
    )
    .await;
    println!(
        "  {label:<22} {:>7.0} sends/s   p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>7.2} ms",
        s.per_second(),
        pct(&s.latency, 0.5),
        pct(&s.latency, 0.99),
        pct(&s.latency, 1.0)
    );
}

/// Fan-out to `MEMBERS` sockets split over two nodes; the sender posts to
/// the first node.
async fn fanout(a: &RunningServer, b: &RunningServer) {
    let members = env("MEMBERS", 1000);
    let messages = env("FANOUT_MESSAGES", 300);
    let rate = env("RATE", 100).max(1);
    let admin = Admin {
        http: reqwest::Client::new(),
        sid: a.app.account_sid.to_string(),
        token: a.app.auth_token.cached().clone(),
    };
    let base = a.url();
    let svc = admin
        .post(format!("{base}/v2/Services"), &[("FriendlyName", "fanout")])
        .await;
    let svc = svc["sid"].as_str().expect("service").to_owned();
    admin
        .post(
            format!("{base}/v2/Services/{svc}"),
            &[("Limits.ChannelMembers", "1000")],
        )
        .await;
    admin
        .post(
            format!("{base}/v2/Services/{svc}/Channels"),
            &[("UniqueName", "all-hands")],
        )
        .await;
    for i in 0..members {
        admin
            .post(
                format!("{base}/v2/Services/{svc}/Channels/all-hands/Members"),
                &[("Identity", &format!("u{i}"))],
            )
            .await;
    }
    let key = &a.app.signing_key;
    let mint = |who: &str| {
        parley_server::auth::jwt::mint(
            &key.0,
            &key.1,
            &a.app.account_sid,
            who,
            &svc,
            parley_protocol::Timestamp::now().0,
            3600,
        )
    };
    // (same node, other node) latencies.
    let latencies: [Arc<Mutex<Vec<u64>>>; 2] = Default::default();
    let last_delivery = Arc::new(Mutex::new(Instant::now()));
    let mut readers = Vec::new();
    let b_base = b.url();
    for i in 0..members {
        let on_b = i % 2 == 1;
        let mut ws = connect(
            if on_b { &b_base } else { &base },
            &svc,
            &mint(&format!("u{i}")),
        )
        .await;
        let (lat, last) = (latencies[usize::from(on_b)].clone(), last_delivery.clone());
        readers.push(tokio::spawn(async move {
            let mine = support::read_latencies(&mut ws, messages).await;
            if let Ok(mut l) = lat.lock() {
                l.extend(mine);
            }
            if let Ok(mut l) = last.lock() {
                *l = Instant::now().max(*l);
            }
        }));
    }
    let started = Instant::now();
    let url = format!("{base}/v2/Services/{svc}/Channels/all-hands/Messages");
    let mut pace = tokio::time::interval(Duration::from_micros(1_000_000 / rate as u64));
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for _ in 0..messages {
        pace.tick().await;
        let ts = micros_now();
        admin
            .post(url.clone(), &[("Body", &ts.to_string()), ("From", "u0")])
            .await;
    }
    for r in readers {
        let _ = r.await;
    }
    let elapsed = last_delivery
        .lock()
        .map(|l| l.duration_since(started))
        .unwrap_or_default()
        .as_secs_f64();
    let take = |i: usize| {
        let mut v = latencies[i].lock().map(|l| l.clone()).unwrap_or_default();
        v.sort_unstable();
        v
    };
    let (same, other) = (take(0), take(1));
    println!(
        "fanout: {messages} messages at {rate}/s to {members} members, sockets split over two PostgreSQL nodes"
    );
    println!(
        "  delivered    {} in {elapsed:.2} s = {:.0} deliveries/s",
        same.len() + other.len(),
        (same.len() + other.len()) as f64 / elapsed.max(1e-9)
    );
    println!(
        "  send→receive, sockets on the sending node: p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        pct(&same, 0.5),
        pct(&same, 0.99),
        pct(&same, 1.0)
    );
    println!(
        "  send→receive, sockets on the other node:   p50 {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        pct(&other, 0.5),
        pct(&other, 0.99),
        pct(&other, 1.0)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("dir");
    println!(
        "sends: {} durable POST …/Messages from {} concurrent clients into {} channels",
        env("MESSAGES", 40_000),
        env("CLIENTS", 64),
        env("CHANNELS", 8)
    );
    {
        let s = node(&dir.path().join("sqlite"), Database::Sqlite).await;
        sends("SQLite", &[&s]).await;
        s.stop().await;
    }
    let pg = |name: &str| {
        Database::from_url(Some(fresh_database(name)), Some(16)).expect("postgres URL")
    };
    {
        let db = pg("bench_one");
        let s = node(&dir.path().join("pg1"), db).await;
        sends("PostgreSQL, one node", &[&s]).await;
        s.stop().await;
    }
    {
        let db = pg("bench_two");
        let a = node(&dir.path().join("pg2a"), db.clone()).await;
        let b = node(&dir.path().join("pg2b"), db).await;
        sends("PostgreSQL, two nodes", &[&a, &b]).await;
        a.stop().await;
        b.stop().await;
    }
    let db = pg("bench_fanout");
    let a = node(&dir.path().join("fa"), db.clone()).await;
    let b = node(&dir.path().join("fb"), db).await;
    fanout(&a, &b).await;
    a.stop().await;
    b.stop().await;
}
