//! `parley-server migrate`: a SQLite installation with history moves to
//! PostgreSQL, and everything a user had keeps working — messages with
//! their indexes, passwords, media, and a client's cursor from before the
//! move, which resumes without a resync.
//!
//! Needs a PostgreSQL cluster (`PARLEY_TEST_POSTGRES`); `make test` runs it
//! under `tests/support/with-postgres … --include-ignored`.

use crate::common;

use common::{free_port, wait_ready, Proc};

use std::process::{Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const SID: &str = "AC00000000000000000000000000000777";
const TOKEN: &str = "77777777777777777777777777777777";

/// The binary, on SQLite unless a call names a database (the suite may run
/// with PARLEY_DATABASE_URL set).
fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parley-server"));
    c.env("PARLEY_DATABASE_URL", "");
    c
}

fn serve(dir: &std::path::Path, port: u16, database_url: &str) -> Proc {
    Proc(
        bin()
            .args(["--data-dir", &dir.display().to_string(), "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("PARLEY_DATABASE_URL", database_url)
            .env("PARLEY_ACCOUNT_SID", SID)
            .env("PARLEY_AUTH_TOKEN", TOKEN)
            .env("PARLEY_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("server spawned"),
    )
}

async fn post(http: &reqwest::Client, url: String, form: &[(&str, &str)]) -> Value {
    let r = http
        .post(url)
        .basic_auth(SID, Some(TOKEN))
        .form(form)
        .send()
        .await
        .expect("sent");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.expect("json")
}

async fn messages(http: &reqwest::Client, base: &str, svc: &str) -> Vec<(i64, String, String)> {
    let page: Value = http
        .get(format!(
            "{base}/v2/Services/{svc}/Channels/room/Messages?PageSize=100"
        ))
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    page["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["index"].as_i64().unwrap_or(-1),
                m["sid"].as_str().unwrap_or("").to_owned(),
                m["body"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn token(dir: &std::path::Path, database_url: &str, svc: &str, identity: &str) -> String {
    let out = bin()
        .args(["--data-dir", &dir.display().to_string()])
        .args(["token", "--identity", identity, "--service", svc])
        .env("PARLEY_DATABASE_URL", database_url)
        .output()
        .expect("token");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The event frames a socket resuming from `since` gets until it is quiet.
async fn resume(base: &str, svc: &str, token: &str, since: i64) -> Vec<Value> {
    let url = format!(
        "{}/v2/Services/{svc}/Stream?since={since}",
        base.replacen("http://", "ws://", 1)
    );
    let mut req = url.into_client_request().expect("request");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("parley.v1, access_token.{token}")
            .parse()
            .expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("socket");
    let mut frames = Vec::new();
    while let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_millis(800), ws.next()).await {
        if let Message::Text(t) = m {
            frames.push(serde_json::from_str(t.as_str()).expect("json"));
        }
    }
    frames
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it with tests/support/with-postgres"]
async fn a_sqlite_installation_moves_to_postgres_and_clients_continue_from_their_cursor() {
    let target = common::postgres::fresh_database().expect("PARLEY_TEST_POSTGRES");
    let dir = tempfile::tempdir().expect("dir");
    let http = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    // A SQLite installation with history.
    let server = serve(dir.path(), port, "");
    wait_ready(&http, &base).await;
    let svc = post(
        &http,
        format!("{base}/v2/Services"),
        &[("FriendlyName", "moving")],
    )
    .await;
    let svc = svc["sid"].as_str().expect("sid").to_owned();
    post(
        &http,
        format!("{base}/v2/Services/{svc}/Channels"),
        &[("UniqueName", "room")],
    )
    .await;
    for who in ["alice", "bob"] {
        post(
            &http,
            format!("{base}/v2/Services/{svc}/Channels/room/Members"),
            &[("Identity", who)],
        )
        .await;
    }
    common::add_user(dir.path(), "", &svc, "alice", "correct horse battery");
    let msgs = format!("{base}/v2/Services/{svc}/Channels/room/Messages");
    for i in 0..30 {
        post(
            &http,
            msgs.clone(),
            &[("Body", &format!("before {i}")), ("From", "bob")],
        )
        .await;
    }
    // Alice's client has applied everything up to here.
    let alice = token(dir.path(), "", &svc, "alice");
    let seen = resume(&base, &svc, &alice, 0).await;
    let cursor = seen
        .iter()
        .filter_map(|f| f["cursor"].as_i64())
        .max()
        .expect("a cursor");
    for i in 30..40 {
        post(
            &http,
            msgs.clone(),
            &[("Body", &format!("before {i}")), ("From", "bob")],
        )
        .await;
    }
    let picture = vec![42u8; 70_000];
    let up: Value = http
        .post(format!("{base}/v1/Services/{svc}/Media"))
        .basic_auth(SID, Some(TOKEN))
        .header("content-type", "image/png")
        .body(picture.clone())
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let media = up["sid"].as_str().expect("media sid").to_owned();
    post(
        &http,
        msgs.clone(),
        &[("MediaSid", &media), ("From", "bob")],
    )
    .await;
    let history = messages(&http, &base, &svc).await;
    assert_eq!(history.len(), 41);
    drop(server);

    // The move.
    let out = bin()
        .args([
            "migrate",
            "--from-data-dir",
            &dir.path().display().to_string(),
            "--to",
            &target,
        ])
        .output()
        .expect("migrate ran");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("messages") && said.contains("41 rows"),
        "it says what it copied: {said}"
    );

    // The same data on PostgreSQL.
    let _server = serve(dir.path(), port, &target);
    wait_ready(&http, &base).await;
    assert_eq!(
        messages(&http, &base, &svc).await,
        history,
        "every message with its SID, index and body"
    );
    let signed_in = http
        .post(format!("{base}/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct horse battery"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(signed_in.status(), 200, "the password moved with the user");
    let content = http
        .get(format!("{base}/v1/Services/{svc}/Media/{media}/Content"))
        .basic_auth(SID, Some(TOKEN))
        .send()
        .await
        .expect("sent");
    assert_eq!(content.status(), 200);
    assert_eq!(
        content.bytes().await.expect("bytes").as_ref(),
        picture.as_slice()
    );

    // A send continues the channel's indexes.
    let next = post(
        &http,
        msgs.clone(),
        &[("Body", "after the move"), ("From", "bob")],
    )
    .await;
    assert_eq!(next["index"], 41);

    // Alice's client resumes from its old cursor: what it missed, no resync.
    let alice = token(dir.path(), &target, &svc, "alice");
    let frames = resume(&base, &svc, &alice, cursor).await;
    assert!(
        frames
            .iter()
            .all(|f| f["type"] != "resyncRequired" && f["code"] != 20410),
        "no resync: {frames:?}"
    );
    let bodies: Vec<String> = frames
        .iter()
        .filter(|f| f["type"] == "messageAdded")
        .map(|f| f["data"]["body"].as_str().unwrap_or("").to_owned())
        .collect();
    let mut expected: Vec<String> = (30..40).map(|i| format!("before {i}")).collect();
    expected.push(String::new());
    expected.push("after the move".into());
    assert_eq!(bodies.len(), expected.len(), "{bodies:?}");
    assert_eq!(
        bodies[..10],
        expected[..10],
        "exactly what it missed, in order"
    );
    assert_eq!(bodies[11], "after the move");

    // A second move into the same database is refused.
    let again = bin()
        .args([
            "migrate",
            "--from-data-dir",
            &dir.path().display().to_string(),
            "--to",
            &target,
        ])
        .output()
        .expect("migrate ran");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));
}
