//! The operator console's pages on a big installation: USERS users
//! (default 100,000) and MESSAGES messages (default 1,000,000, spread over
//! the last 30 days in one channel) in the real binary's SQLite database,
//! seeded straight into the file, then every list the console asks for
//! timed ROUNDS times (default 20) over HTTP: the first page, a page deep
//! into the list (following `next_page_url` DEPTH times, default 20), a
//! search, usage over 30 days, the audit log and health. Prints p50, p95
//! and the slowest answer per page; the target is every page under 200 ms.
//! Run with `cargo bench --bench console_pages`.

mod support;

use std::time::Instant;

use serde_json::Value;
use support::{env, pct, SID, TOKEN};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn get(http: &reqwest::Client, url: &str) -> (u64, Value) {
    let t = Instant::now();
    let r = http
        .get(url)
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("sent");
    let status = r.status();
    let body: Value = r.json().await.unwrap_or_default();
    let micros = t.elapsed().as_micros() as u64;
    assert!(status.is_success(), "{url}: {status} {body}");
    (micros, body)
}

/// Rows straight into the database file (the server keeps running: SQLite
/// serialises the writers).
fn seed(db: &std::path::Path, svc: &str, ch: &str, users: usize, messages: usize) {
    let mut c = rusqlite::Connection::open(db).expect("open");
    c.busy_timeout(std::time::Duration::from_secs(30))
        .expect("timeout");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let tx = c.transaction().expect("tx");
    {
        let mut u = tx
            .prepare(
                "INSERT INTO users (sid, service_sid, identity, friendly_name, attributes, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, '{}', ?5, ?5)",
            )
            .expect("prepare");
        for i in 0..users {
            let t = now - 30 * 86_400 + (i as i64 * 30 * 86_400) / users.max(1) as i64;
            u.execute(rusqlite::params![
                format!("US{i:032x}"),
                svc,
                format!("user{i:06}"),
                format!("User number {i}"),
                t
            ])
            .expect("user");
        }
        let mut m = tx
            .prepare(
                "INSERT INTO messages (sid, service_sid, channel_sid, idx, author, body, attributes, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7, ?7)",
            )
            .expect("prepare");
        for i in 0..messages {
            let t = now - 30 * 86_400 + (i as i64 * 30 * 86_400) / messages.max(1) as i64;
            m.execute(rusqlite::params![
                format!("IM{i:032x}"),
                svc,
                ch,
                i as i64,
                format!("user{:06}", i % users.max(1)),
                format!("message {i}: the quick brown fox jumps over the lazy dog"),
                t
            ])
            .expect("message");
        }
        tx.execute(
            "UPDATE channels SET next_index = ?1, messages_count = ?1 WHERE sid = ?2",
            rusqlite::params![messages as i64, ch],
        )
        .expect("channel");
    }
    tx.commit().expect("commit");
}

struct Page {
    name: &'static str,
    url: String,
}

async fn deep(http: &reqwest::Client, first: &str, depth: usize) -> String {
    let mut url = first.to_owned();
    for _ in 0..depth {
        let (_, body) = get(http, &url).await;
        match body["meta"]["next_page_url"].as_str() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    url
}

async fn run() {
    let (users, messages) = (env("USERS", 100_000), env("MESSAGES", 1_000_000));
    let (rounds, depth) = (env("ROUNDS", 20), env("DEPTH", 20));
    let server = support::Spawned::start(&[]).await;
    let base = server.base.clone();
    let svc = server
        .post("/v2/Services", &[("FriendlyName", "big")])
        .await;
    let svc = svc["sid"].as_str().expect("service").to_owned();
    let ch = server
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            &[("UniqueName", "firehose")],
        )
        .await;
    let ch = ch["sid"].as_str().expect("channel").to_owned();
    for i in 0..50 {
        server
            .post(
                &format!("/v2/Services/{svc}"),
                &[("FriendlyName", &format!("big {i}"))],
            )
            .await;
    }
    let started = Instant::now();
    let db = server.data_dir().join("parley.db");
    let (s, c) = (svc.clone(), ch.clone());
    tokio::task::spawn_blocking(move || seed(&db, &s, &c, users, messages))
        .await
        .expect("seeded");
    println!(
        "console_pages: {users} users and {messages} messages seeded in {:.1} s; {rounds} rounds per page",
        started.elapsed().as_secs_f64()
    );
    let http = server.http.clone();
    let users_url = format!("{base}/admin/Services/{svc}/Users?PageSize=50");
    let msgs_url =
        format!("{base}/v2/Services/{svc}/Channels/{ch}/Messages?Order=desc&PageSize=50");
    let pages = vec![
        Page {
            name: "users, first page",
            url: users_url.clone(),
        },
        Page {
            name: "users, page 21",
            url: deep(&http, &users_url, depth).await,
        },
        Page {
            name: "users, search \"number 99\"",
            url: format!("{base}/admin/Services/{svc}/Users?Q=number%2099&PageSize=50"),
        },
        Page {
            name: "users, search with no match",
            url: format!("{base}/admin/Services/{svc}/Users?Q=nobody&PageSize=50"),
        },
        Page {
            name: "channels",
            url: format!("{base}/v2/Services/{svc}/Channels?PageSize=50"),
        },
        Page {
            name: "messages, newest page",
            url: msgs_url.clone(),
        },
        Page {
            name: "messages, page 21",
            url: deep(&http, &msgs_url, depth).await,
        },
        Page {
            name: "usage, 30 days",
            url: format!("{base}/admin/Usage?ServiceSid={svc}"),
        },
        Page {
            name: "audit log",
            url: format!("{base}/admin/AuditLog?PageSize=50"),
        },
        Page {
            name: "health",
            url: format!("{base}/admin/Health"),
        },
    ];
    println!(
        "{:<32} {:>9} {:>9} {:>9}",
        "page", "p50 ms", "p95 ms", "max ms"
    );
    for p in &pages {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            times.push(get(&http, &p.url).await.0);
        }
        times.sort_unstable();
        println!(
            "{:<32} {:>9.1} {:>9.1} {:>9.1}",
            p.name,
            pct(&times, 0.5),
            pct(&times, 0.95),
            pct(&times, 1.0)
        );
    }
}
