//! The realtime stream over real sockets: fan-out between clients, gap-free
//! resume, private channels, typing, presence, token lifetime, backpressure
//! and idempotent sends across a restart.

use crate::common;

use std::time::Duration;

use common::{Auth, TestServer, WsAuth};
use reqwest::StatusCode;
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(400);

/// A service with a public channel "room" that alice and bob have joined.
async fn room() -> (TestServer, String) {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    assert_eq!(
        t.post(
            &format!("{s}/Channels"),
            Auth::Admin,
            &[("UniqueName", "room")]
        )
        .await
        .status,
        StatusCode::CREATED
    );
    for who in ["alice", "bob"] {
        t.post(
            &format!("{s}/Channels/room/Members"),
            Auth::Admin,
            &[("Identity", who)],
        )
        .await;
    }
    (t, svc)
}

fn types(frames: &[Value]) -> Vec<String> {
    frames
        .iter()
        .filter_map(|f| f["type"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn two_clients_see_each_others_messages_edits_deletions_joins_and_horizons() {
    let (t, svc) = room().await;
    let (alice, bob) = (t.token(&svc, "alice"), t.token(&svc, "bob"));
    let mut a = t.ws(&svc, WsAuth::Header(&alice), None).await;
    let mut b = t.ws(&svc, WsAuth::Frame(&bob), None).await;
    for ws in [&mut a, &mut b] {
        let (connected, _) = ws.until("connected", WAIT).await;
        assert!(connected["cursor"].as_i64().is_some());
        ws.until("caughtUp", WAIT).await;
    }
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");
    let sent = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "hello bob")])
        .await;
    let sid = sent.body["sid"].as_str().unwrap_or_default().to_owned();
    let (added, _) = b.until("messageAdded", WAIT).await;
    assert_eq!(added["data"]["body"], "hello bob");
    assert_eq!(
        added["data"]["sid"],
        sid.as_str(),
        "the resource has its REST shape"
    );
    assert_eq!(added["data"]["from"], "alice");
    let (own, _) = a.until("messageAdded", WAIT).await;
    assert_eq!(
        own["data"]["sid"],
        sid.as_str(),
        "the author's other sessions see it too"
    );

    t.post(
        &format!("{msgs}/{sid}"),
        Auth::Token(&alice),
        &[("Body", "hello, bob")],
    )
    .await;
    let (upd, _) = b.until("messageUpdated", WAIT).await;
    assert_eq!(
        (
            upd["data"]["body"].as_str(),
            upd["data"]["was_edited"].as_bool()
        ),
        (Some("hello, bob"), Some(true))
    );
    t.delete(&format!("{msgs}/{sid}"), Auth::Token(&alice))
        .await;
    let (rem, _) = b.until("messageRemoved", WAIT).await;
    assert_eq!(rem["data"]["sid"], sid.as_str());

    t.post(
        &format!("/v2/Services/{svc}/Channels/room/Members"),
        Auth::Admin,
        &[("Identity", "carol")],
    )
    .await;
    let (joined, _) = a.until("memberJoined", WAIT).await;
    assert_eq!(joined["data"]["identity"], "carol");

    t.post(&msgs, Auth::Token(&alice), &[("Body", "read me")])
        .await;
    b.until("messageAdded", WAIT).await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/bob/Channels/room"),
            Auth::Token(&bob),
            &[("LastConsumedMessageIndex", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (receipt, _) = a.until("memberUpdated", WAIT).await;
    assert_eq!(
        (
            receipt["data"]["identity"].as_str(),
            receipt["data"]["last_consumed_message_index"].as_i64()
        ),
        (Some("bob"), Some(1))
    );
    let (mine, _) = b.until("userChannelUpdated", WAIT).await;
    assert_eq!(
        mine["data"]["unread_messages_count"], 0,
        "bob's other devices learn the unread count"
    );

    let mut cursors: Vec<i64> = Vec::new();
    for f in a.drain(QUIET).await {
        if let Some(c) = f["cursor"].as_i64() {
            cursors.push(c);
        }
    }
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "cursors grow: {cursors:?}"
    );
}

#[tokio::test]
async fn a_client_that_was_away_receives_exactly_what_it_missed() {
    let (t, svc) = room().await;
    let bob = t.token(&svc, "bob");
    let s = format!("/v2/Services/{svc}");
    let mut b = t.ws(&svc, WsAuth::Header(&bob), None).await;
    let (caught, _) = b.until("caughtUp", WAIT).await;
    let cursor = caught["cursor"].as_i64().expect("cursor");
    drop(b);

    // While bob is away: new messages, an edit, a deletion, a join, a rename, his read horizon.
    let mut sids = Vec::new();
    for i in 0..3 {
        let r = t
            .post(
                &format!("{s}/Channels/room/Messages"),
                Auth::Admin,
                &[("Body", &format!("m{i}")), ("From", "alice")],
            )
            .await;
        sids.push(r.body["sid"].as_str().unwrap_or_default().to_owned());
    }
    t.post(
        &format!("{s}/Channels/room/Messages/{}", sids[0]),
        Auth::Admin,
        &[("Body", "m0 edited")],
    )
    .await;
    t.delete(
        &format!("{s}/Channels/room/Messages/{}", sids[1]),
        Auth::Admin,
    )
    .await;
    t.post(
        &format!("{s}/Channels/room/Members"),
        Auth::Admin,
        &[("Identity", "dave")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/room"),
        Auth::Admin,
        &[("FriendlyName", "The Room")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/room/Members/bob"),
        Auth::Admin,
        &[("LastConsumedMessageIndex", "2")],
    )
    .await;

    let mut b = t.ws(&svc, WsAuth::Header(&bob), Some(cursor)).await;
    b.until("connected", WAIT).await;
    let (_, replay) = b.until("caughtUp", WAIT).await;
    assert_eq!(
        types(&replay),
        vec![
            "messageAdded",
            "messageAdded",
            "messageAdded",
            "messageUpdated",
            "messageRemoved",
            "memberJoined",
            "channelUpdated",
            "memberUpdated",
            "userChannelUpdated",
        ],
        "every change, in order, once"
    );
    assert_eq!(replay[3]["data"]["body"], "m0 edited");
    assert_eq!(replay[4]["data"]["sid"], sids[1].as_str());
    assert_eq!(replay[6]["data"]["friendly_name"], "The Room");
    let cursors: Vec<i64> = replay.iter().filter_map(|f| f["cursor"].as_i64()).collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]) && cursors[0] > cursor);

    // The same feed over REST, for clients that poll.
    let polled = t
        .get(
            &format!("{s}/Users/bob/Changes?Since={cursor}"),
            Auth::Token(&bob),
        )
        .await;
    assert_eq!(polled.status, StatusCode::OK);
    let polled_types: Vec<String> = polled.body["changes"]
        .as_array()
        .map(|v| types(v))
        .unwrap_or_default();
    assert_eq!(polled_types, types(&replay));
    assert_eq!(
        polled.body["next_since"].as_i64(),
        cursors
            .last()
            .copied()
            .map(|c| c.max(polled.body["head"].as_i64().unwrap_or(0)))
    );

    // Live after the replay, without duplicates.
    t.post(
        &format!("{s}/Channels/room/Messages"),
        Auth::Admin,
        &[("Body", "live")],
    )
    .await;
    let (live, between) = b.until("messageAdded", WAIT).await;
    assert!(between.is_empty(), "nothing replayed twice: {between:?}");
    assert_eq!(live["data"]["body"], "live");
}

#[tokio::test]
async fn private_channel_events_never_reach_non_members() {
    let (t, svc) = room().await;
    let s = format!("/v2/Services/{svc}");
    let eve = t.token(&svc, "eve");
    let alice = t.token(&svc, "alice");
    let mut e = t.ws(&svc, WsAuth::Header(&eve), None).await;
    let (caught, _) = e.until("caughtUp", WAIT).await;
    let cursor = caught["cursor"].as_i64().unwrap_or(0);

    let priv_ch = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "secret"), ("Type", "private")],
        )
        .await;
    assert_eq!(priv_ch.status, StatusCode::CREATED);
    t.post(
        &format!("{s}/Channels/secret/Messages"),
        Auth::Token(&alice),
        &[("Body", "classified")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/secret"),
        Auth::Token(&alice),
        &[("FriendlyName", "still secret")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/secret/Members"),
        Auth::Token(&alice),
        &[("Identity", "bob")],
    )
    .await;
    t.delete(&format!("{s}/Channels/secret"), Auth::Token(&alice))
        .await;
    let frames = e.drain(QUIET).await;
    let leaked: Vec<&Value> = frames
        .iter()
        .filter(|f| {
            f.to_string()
                .contains(priv_ch.body["sid"].as_str().unwrap_or("?"))
        })
        .collect();
    assert!(leaked.is_empty(), "eve saw the private channel: {leaked:?}");
    let polled = t
        .get(
            &format!("{s}/Users/eve/Changes?Since={cursor}"),
            Auth::Token(&eve),
        )
        .await;
    assert_eq!(
        polled.body["changes"].as_array().map(Vec::len),
        Some(0),
        "nor in her feed"
    );
}

#[tokio::test]
async fn typing_starts_is_throttled_and_ends_on_timeout_or_message() {
    let (t, svc) = room().await;
    t.post(
        &format!("/v2/Services/{svc}"),
        Auth::Admin,
        &[("TypingIndicatorTimeout", "1")],
    )
    .await;
    let (alice, bob) = (t.token(&svc, "alice"), t.token(&svc, "bob"));
    let mut a = t.ws(&svc, WsAuth::Header(&alice), None).await;
    let mut b = t.ws(&svc, WsAuth::Header(&bob), None).await;
    a.until("caughtUp", WAIT).await;
    b.until("caughtUp", WAIT).await;

    for _ in 0..3 {
        a.send(serde_json::json!({"type": "typing", "channel_sid": "room"}))
            .await;
    }
    let (started, _) = b.until("typingStarted", WAIT).await;
    assert_eq!(
        (started["identity"].as_str(), started["timeout"].as_u64()),
        (Some("alice"), Some(1))
    );
    let t0 = std::time::Instant::now();
    let (_, between) = b.until("typingEnded", WAIT).await;
    assert!(
        types(&between).iter().all(|k| k != "typingStarted"),
        "repeats are not re-announced"
    );
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(700),
        "ends after the service timeout, not before ({took:?})"
    );
    assert!(
        a.drain(Duration::from_millis(200))
            .await
            .iter()
            .all(|f| f["type"] != "typingStarted"),
        "no echo to the typist"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    a.send(serde_json::json!({"type": "typing", "channel_sid": "room"}))
        .await;
    b.until("typingStarted", WAIT).await;
    t.post(
        &format!("/v2/Services/{svc}/Channels/room/Messages"),
        Auth::Token(&alice),
        &[("Body", "done typing")],
    )
    .await;
    let (ended, _) = b.until("typingEnded", Duration::from_millis(600)).await;
    assert_eq!(
        ended["identity"], "alice",
        "the message ends the indicator at once"
    );

    let eve = t.token(&svc, "eve");
    let mut e = t.ws(&svc, WsAuth::Header(&eve), None).await;
    e.until("caughtUp", WAIT).await;
    e.send(serde_json::json!({"type": "typing", "channel_sid": "room"}))
        .await;
    let (err, _) = e.until("error", WAIT).await;
    assert_eq!(err["code"], 50400, "non-members cannot type");
}

/// The next `userUpdated` about `identity` (bob also hears about himself).
async fn about(ws: &mut common::Ws, identity: &str) -> Value {
    loop {
        let (u, _) = ws.until("userUpdated", WAIT).await;
        if u["data"]["identity"] == identity {
            return u;
        }
    }
}

#[tokio::test]
async fn presence_follows_open_sockets() {
    let (t, svc) = room().await;
    t.post(
        &format!("/v2/Services/{svc}"),
        Auth::Admin,
        &[("ReachabilityEnabled", "true")],
    )
    .await;
    let (alice, bob) = (t.token(&svc, "alice"), t.token(&svc, "bob"));
    let user = format!("/v2/Services/{svc}/Users/alice");
    assert_eq!(t.get(&user, Auth::Admin).await.body["is_online"], false);
    let mut b = t.ws(&svc, WsAuth::Header(&bob), None).await;
    b.until("caughtUp", WAIT).await;
    let a = t.ws(&svc, WsAuth::Header(&alice), None).await;
    let online = about(&mut b, "alice").await;
    assert_eq!(online["data"]["is_online"], true);
    assert_eq!(t.get(&user, Auth::Admin).await.body["is_online"], true);
    let a2 = t.ws(&svc, WsAuth::Header(&alice), None).await;
    drop(a);
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        t.get(&user, Auth::Admin).await.body["is_online"],
        true,
        "a second device keeps her online"
    );
    drop(a2);
    let offline = about(&mut b, "alice").await;
    assert_eq!(offline["data"]["is_online"], false);
    assert_eq!(t.get(&user, Auth::Admin).await.body["is_online"], false);
}

#[tokio::test]
async fn the_server_warns_then_expires_the_token_unless_it_is_renewed() {
    let (t, svc) = room().await;
    let short = t.token_with(&svc, "bob", 0, 2);
    let mut b = t.ws(&svc, WsAuth::Header(&short), None).await;
    b.until("tokenAboutToExpire", WAIT).await;
    b.until("tokenExpired", WAIT).await;
    assert_eq!(b.close_code(WAIT).await, Some(4002));

    let short = t.token_with(&svc, "bob", 0, 2);
    let mut b = t.ws(&svc, WsAuth::Header(&short), None).await;
    b.until("tokenAboutToExpire", WAIT).await;
    let other = t.token(&svc, "alice");
    b.send(serde_json::json!({"type": "updateToken", "token": other}))
        .await;
    let (err, _) = b.until("error", WAIT).await;
    assert_eq!(err["code"], 20101, "a token for someone else is refused");
    let fresh = t.token(&svc, "bob");
    b.send(serde_json::json!({"type": "updateToken", "token": fresh}))
        .await;
    let (upd, _) = b.until("tokenUpdated", WAIT).await;
    assert!(upd["expires_at"].as_i64().unwrap_or(0) > parley_protocol::Timestamp::now().0 + 3000);
    tokio::time::sleep(Duration::from_secs(3)).await;
    b.send(serde_json::json!({"type": "ping"})).await;
    let (_, before) = b.until("pong", WAIT).await;
    assert!(
        types(&before).iter().all(|k| k != "tokenExpired"),
        "the renewed socket lives on: {before:?}"
    );
}

#[tokio::test]
async fn handshakes_are_checked() {
    let (t, svc) = room().await;
    let bob = t.token(&svc, "bob");
    let evil = t
        .ws_with_origin(
            &svc,
            WsAuth::Header(&bob),
            None,
            Some("https://evil.example"),
        )
        .await;
    assert!(evil.is_err(), "a foreign Origin is refused");
    let tauri = t
        .ws_with_origin(&svc, WsAuth::Header(&bob), None, Some("tauri://localhost"))
        .await;
    assert!(tauri.is_ok(), "the desktop app's origin is allowed");
    let bad = t
        .ws_with_origin(&svc, WsAuth::Header("garbage"), None, None)
        .await;
    assert!(
        bad.is_err(),
        "a bad token in the handshake is refused before the upgrade"
    );
    let mut late = t.ws(&svc, WsAuth::Frame("garbage"), None).await;
    assert_eq!(
        late.close_code(WAIT).await,
        Some(4001),
        "a bad auth frame closes the socket"
    );
    let other = t.service().await;
    let wrong = t
        .ws_with_origin(&other, WsAuth::Header(&bob), None, None)
        .await;
    assert!(wrong.is_err(), "a token for another service is refused");
}

#[tokio::test]
async fn a_too_old_cursor_gets_resync_required() {
    let (t, svc) = room().await;
    let bob = t.token(&svc, "bob");
    for i in 0..3 {
        t.post(
            &format!("/v2/Services/{svc}/Channels/room/Messages"),
            Auth::Admin,
            &[("Body", &i.to_string())],
        )
        .await;
    }
    let future = parley_protocol::Timestamp::now().0 + 10;
    t.server
        .app
        .db
        .write(move |tx| {
            parley_server::feed::prune(tx, future, 0).map_err(parley_server::error::ApiError::from)
        })
        .await
        .expect("pruned");
    let mut b = t.ws(&svc, WsAuth::Header(&bob), Some(1)).await;
    let (resync, _) = b.until("resyncRequired", WAIT).await;
    assert!(resync["cursor"].as_i64().unwrap_or(0) >= 3);
    let r = t
        .get(
            &format!("/v2/Services/{svc}/Users/bob/Changes?Since=1"),
            Auth::Token(&bob),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::GONE, 20410));
    let mut f = t.ws(&svc, WsAuth::Header(&bob), Some(1_000_000)).await;
    f.until("resyncRequired", WAIT).await;
}

#[tokio::test]
async fn a_slow_consumer_is_cut_off_and_the_servers_memory_stays_bounded() {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
    let server = common::Spawned::start().await;
    let svc = server.setup_room().await;
    let bob = server.token(&svc, "bob");
    let mut req = format!("ws://127.0.0.1:{}/v2/Services/{svc}/Stream", server.port)
        .into_client_request()
        .expect("req");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("parley.v1, access_token.{bob}").parse().expect("h"),
    );
    let (mut slow, _) = tokio_tungstenite::connect_async(req).await.expect("socket");
    // Read the handshake frames, then stop reading while 64 MiB of messages go to bob.
    for _ in 0..2 {
        slow.next().await;
    }
    let body = "x".repeat(16 * 1024);
    // Alice sends, as users do (an admin's sends also go to the audit log,
    // which is not what this measures).
    let alice = server.token(&svc, "alice");
    let before = common::rss_kib(server.pid());
    let mut peak = before;
    let url = format!("{}/v2/Services/{svc}/Channels/room/Messages", server.base);
    for _ in 0..64 {
        let mut tasks = Vec::new();
        for _ in 0..64 {
            let req = server
                .http
                .post(&url)
                .header("x-twilio-token", &alice)
                .form(&[("Body", body.as_str())]);
            tasks.push(tokio::spawn(
                async move { req.send().await.map(|r| r.status()) },
            ));
        }
        for task in tasks {
            assert_eq!(
                task.await.expect("task").expect("sent"),
                StatusCode::CREATED
            );
        }
        peak = peak.max(common::rss_kib(server.pid()));
    }
    let grown_mib = peak.saturating_sub(before) / 1024;
    println!("server RSS before {} MiB, peak {} MiB, grown {grown_mib} MiB while 64 MiB went to a stalled client", before / 1024, peak / 1024);
    // Retaining what the stalled client did not read would grow the server
    // by the whole 64 MiB; bounded, it grows by what 64 concurrent sends
    // and their database connections use: 27 MiB on SQLite, 36–39 MiB on
    // PostgreSQL here (its driver's buffers), so the line is drawn at 48.
    assert!(
        grown_mib < 48,
        "the server buffered for the slow client: RSS grew {grown_mib} MiB for 64 MiB sent"
    );

    // When bob reads again he gets what was queued, then the instruction to resume.
    let mut last_cursor = 0;
    let code = loop {
        match tokio::time::timeout(WAIT, slow.next()).await {
            Ok(Some(Ok(Message::Text(txt)))) => {
                let v: Value = serde_json::from_str(txt.as_str()).unwrap_or_default();
                last_cursor = v["cursor"].as_i64().unwrap_or(last_cursor);
            }
            Ok(Some(Ok(Message::Close(f)))) => break f.map(|f| u16::from(f.code)),
            Ok(Some(Ok(_))) => continue,
            other => panic!("socket ended without a close frame: {other:?}"),
        }
    };
    assert_eq!(code, Some(4008), "cut off with the slow-consumer code");
    assert!(
        last_cursor > 0,
        "some changes were delivered before the cut"
    );

    // Resuming from the last cursor delivers the rest, up to the newest message.
    let mut req = format!(
        "ws://127.0.0.1:{}/v2/Services/{svc}/Stream?since={last_cursor}",
        server.port
    )
    .into_client_request()
    .expect("req");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("parley.v1, access_token.{bob}").parse().expect("h"),
    );
    let (stream, _) = tokio_tungstenite::connect_async(req).await.expect("socket");
    let mut again = common::Ws { stream };
    let (_, replay) = again.until("caughtUp", Duration::from_secs(60)).await;
    let max_idx = replay
        .iter()
        .filter_map(|f| f["data"]["index"].as_i64())
        .max();
    assert_eq!(
        max_idx,
        Some(64 * 64 - 1),
        "the resume ends at the newest message"
    );
    let first_idx = replay
        .iter()
        .filter_map(|f| f["data"]["index"].as_i64())
        .min()
        .unwrap_or(0);
    assert!(
        first_idx > 0,
        "the resume starts after what the first session got"
    );
}

#[tokio::test]
async fn an_idempotent_retry_returns_the_original_message_even_after_a_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().to_owned();
    let opts = parley_server::ServeOptions::new(path.clone(), "127.0.0.1:0".parse().expect("addr"));
    let t = TestServer::start_opts(dir, opts).await;
    let svc = t.service().await;
    t.post(
        &format!("/v2/Services/{svc}/Channels"),
        Auth::Admin,
        &[("UniqueName", "c")],
    )
    .await;
    let url = format!("/v2/Services/{svc}/Channels/c/Messages");
    let send = |t: &TestServer, header: &'static str| {
        let req = t
            .http
            .post(t.url(&url))
            .basic_auth(
                &t.server.app.account_sid,
                Some(&t.server.app.auth_token.cached()),
            )
            .header(header, "send-42")
            .form(&[("Body", "exactly once")]);
        async move {
            req.send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let first = send(&t, "Idempotency-Key").await;
    let again = send(&t, "X-Parley-Idempotency-Key").await;
    assert_eq!(
        (again["sid"].clone(), again["index"].clone()),
        (first["sid"].clone(), first["index"].clone())
    );

    let TestServer {
        server,
        dir,
        database,
        ..
    } = t;
    server.stop().await;
    let mut opts = parley_server::ServeOptions::new(path, "127.0.0.1:0".parse().expect("addr"));
    opts.token_ttl = 3600;
    opts.database = database;
    let t = TestServer::start_opts(dir, opts).await;
    let after = send(&t, "Idempotency-Key").await;
    assert_eq!(after["sid"], first["sid"], "the key survives a restart");
    let ch = t
        .get(&format!("/v2/Services/{svc}/Channels/c"), Auth::Admin)
        .await;
    assert_eq!(
        ch.body["messages_count"], 1,
        "one message, however many retries"
    );
}

#[tokio::test]
async fn a_peer_that_stops_answering_heartbeats_is_dropped() {
    let dir = tempfile::tempdir().expect("dir");
    let mut opts = parley_server::ServeOptions::new(
        dir.path().to_owned(),
        "127.0.0.1:0".parse().expect("addr"),
    );
    opts.heartbeat = Duration::from_millis(200);
    let t = TestServer::start_opts(dir, opts).await;
    let svc = t.service().await;
    let bob = t.token(&svc, "bob");
    let mut live = t.ws(&svc, WsAuth::Header(&bob), None).await;
    let mut dead = t.ws(&svc, WsAuth::Header(&bob), None).await;
    // `live` keeps reading (its client answers pings); `dead` does not read at all.
    let keep = tokio::spawn(async move {
        // Pings keep arriving, so read for a fixed time rather than until quiet.
        let _ = tokio::time::timeout(
            Duration::from_millis(1500),
            live.drain(Duration::from_secs(5)),
        )
        .await;
        live
    });
    tokio::time::sleep(Duration::from_millis(1200)).await;
    // Read the raw bytes (a WebSocket client would answer the queued pings
    // and fail on the closed connection before showing the close frame).
    use tokio::io::AsyncReadExt;
    let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = dead.stream.get_mut() else {
        panic!("plain TCP")
    };
    let mut raw = Vec::new();
    let read = tokio::time::timeout(WAIT, tcp.read_to_end(&mut raw)).await;
    assert!(read.is_ok(), "the server closed the connection");
    let close_4009 = raw
        .windows(4)
        .any(|w| w[0] == 0x88 && w[2] == 0x0F && w[3] == 0xA9);
    assert!(close_4009, "a silent peer is closed with code 4009");
    let mut live = keep.await.expect("reader");
    live.send(serde_json::json!({"type": "ping"})).await;
    live.until("pong", WAIT).await;
}

#[tokio::test]
async fn stopping_the_server_closes_open_sockets_with_going_away() {
    let (t, svc) = room().await;
    let bob = t.token(&svc, "bob");
    let mut b = t.ws(&svc, WsAuth::Header(&bob), None).await;
    b.until("caughtUp", WAIT).await;
    let common::TestServer { server, .. } = t;
    server.stop().await;
    assert_eq!(
        b.close_code(WAIT).await,
        Some(1001),
        "clients are told to reconnect"
    );
}
