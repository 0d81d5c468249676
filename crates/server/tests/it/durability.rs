//! Acknowledged writes survive `kill -9` of the real binary, and a database
//! written by a newer version is refused.

use std::process::{Command, Stdio};

use crate::common;

use common::{free_port, wait_ready, Proc};

const SID: &str = "AC00000000000000000000000000000042";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

fn spawn(dir: &std::path::Path, port: u16, database_url: &str) -> Proc {
    Proc(
        Command::new(env!("CARGO_BIN_EXE_parley-server"))
            .env("PARLEY_DATABASE_URL", database_url)
            .args([
                "--data-dir",
                &dir.display().to_string(),
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .env("PARLEY_ACCOUNT_SID", SID)
            .env("PARLEY_AUTH_TOKEN", TOKEN)
            // Bulk traffic by design (rate_limits.rs tests the limits).
            .env("PARLEY_ADMIN_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("server spawned"),
    )
}

#[tokio::test]
async fn acknowledged_messages_survive_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let database_url = common::postgres::fresh_database().unwrap_or_default();
    let mut server = spawn(dir.path(), port, &database_url);
    wait_ready(&http, &base).await;

    let post = |path: String, form: Vec<(&'static str, String)>| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            http.post(url)
                .basic_auth(SID, Some(TOKEN))
                .form(&form)
                .send()
                .await
        }
    };
    let svc: serde_json::Value = post(
        "/v2/Services".into(),
        vec![("FriendlyName", "durable".into())],
    )
    .await
    .expect("sent")
    .json()
    .await
    .expect("json");
    let svc = svc["sid"].as_str().expect("sid").to_owned();
    post(
        format!("/v2/Services/{svc}/Channels"),
        vec![("UniqueName", "log".into())],
    )
    .await
    .expect("channel");

    let mut tasks = Vec::new();
    for i in 0..200 {
        let fut = post(
            format!("/v2/Services/{svc}/Channels/log/Messages"),
            vec![("Body", format!("m{i}"))],
        );
        tasks.push(tokio::spawn(fut));
    }
    let mut acked = Vec::new();
    for t in tasks {
        let r = t.await.expect("task").expect("sent");
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.expect("json");
        acked.push(v["sid"].as_str().expect("sid").to_owned());
    }
    // SIGKILL: no shutdown path runs.
    server.0.kill().expect("kill -9");
    let _ = server.0.wait();

    let _server = spawn(dir.path(), port, &database_url);
    wait_ready(&http, &base).await;
    let ch: serde_json::Value = http
        .get(format!("{base}/v2/Services/{svc}/Channels/log"))
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(
        ch["messages_count"], 200,
        "every acknowledged message is counted after restart"
    );
    let mut seen = Vec::new();
    let mut url = Some(format!(
        "{base}/v2/Services/{svc}/Channels/log/Messages?PageSize=100"
    ));
    while let Some(u) = url {
        let page: serde_json::Value = http
            .get(&u)
            .basic_auth(SID, Some(TOKEN))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        seen.extend(
            page["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["sid"].as_str().map(str::to_owned)),
        );
        url = page["meta"]["next_page_url"].as_str().map(str::to_owned);
    }
    acked.sort();
    seen.sort();
    assert_eq!(seen, acked, "exactly the acknowledged messages are there");
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let database_url = common::postgres::fresh_database().unwrap_or_default();
    if database_url.is_empty() {
        let conn = rusqlite::Connection::open(dir.path().join("parley.db")).expect("open");
        conn.execute_batch("PRAGMA user_version = 999")
            .expect("bump");
    } else {
        let url = database_url.clone();
        std::thread::spawn(move || {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
            c.batch_execute(
                "CREATE TABLE parley_schema (version BIGINT NOT NULL);
                 INSERT INTO parley_schema VALUES (999);",
            )
            .expect("bump");
        })
        .join()
        .expect("thread");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_parley-server"))
        .env("PARLEY_DATABASE_URL", &database_url)
        .args(["--data-dir", &dir.path().display().to_string(), "init"])
        .output()
        .expect("ran");
    assert!(!out.status.success(), "init must refuse a newer schema");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer"), "the error says why: {err}");
}

#[tokio::test]
async fn concurrent_sends_by_sid_and_by_unique_name_get_unique_contiguous_indexes() {
    // On PostgreSQL sends to different channels commit in parallel; one
    // channel's sends must still be numbered one after another, whichever
    // way the channel is named.
    let t = common::TestServer::start().await;
    assert_eq!(
        t.get("/readyz", common::Auth::None).await.status,
        200,
        "ready"
    );
    let svc = t.service().await;
    let mut sids = Vec::new();
    for name in ["left", "right"] {
        let r = t
            .post(
                &format!("/v2/Services/{svc}/Channels"),
                common::Auth::Admin,
                &[("UniqueName", name)],
            )
            .await;
        sids.push(r.body["sid"].as_str().expect("sid").to_owned());
    }
    let mut sends = Vec::new();
    for i in 0..120 {
        let key = match i % 4 {
            0 => sids[0].clone(),
            1 => "left".to_owned(),
            2 => sids[1].clone(),
            _ => "right".to_owned(),
        };
        let (http, url) = (
            t.http.clone(),
            t.url(&format!("/v2/Services/{svc}/Channels/{key}/Messages")),
        );
        let (sid, token) = (
            t.server.app.account_sid.clone(),
            t.server.app.auth_token.cached().clone(),
        );
        sends.push(tokio::spawn(async move {
            let r = http
                .post(url)
                .basic_auth(sid, Some(token))
                .form(&[("Body", format!("m{i}"))])
                .send()
                .await
                .expect("sent");
            assert_eq!(r.status(), 201, "every send is accepted");
            let v: serde_json::Value = r.json().await.expect("json");
            (
                v["channel_sid"].as_str().expect("channel").to_owned(),
                v["index"].as_i64().expect("index"),
            )
        }));
    }
    let mut per_channel: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for s in sends {
        let (ch, index) = s.await.expect("task");
        per_channel.entry(ch).or_default().push(index);
    }
    for (ch, mut indexes) in per_channel {
        indexes.sort_unstable();
        assert_eq!(
            indexes,
            (0..60).collect::<Vec<i64>>(),
            "{ch}: unique and contiguous"
        );
        let c = t
            .get(
                &format!("/v2/Services/{svc}/Channels/{ch}"),
                common::Auth::Admin,
            )
            .await;
        assert_eq!(c.body["messages_count"], 60);
    }
}
