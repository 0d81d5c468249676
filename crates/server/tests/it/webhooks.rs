//! Webhooks reach a real HTTP listener with Twilio's parameters and a valid
//! `X-Twilio-Signature`. Post-events: filters, the REST opt-in header,
//! channel trigger words, retries with backoff (`Retry-After` honoured), a
//! queue and a delivery log that survive a restart. Pre-events: allow,
//! reject, rewrite, timeout, unreachable, retry, fail-open, `GET` hooks,
//! filters, REST changes that never ask, Twilio's parameters for every
//! event, no transaction held while a hook thinks, and nothing fanned out
//! for a refused change.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Router;
use common::hooks::{Answer, Call, Sink};
use common::{Auth, TestServer, WsAuth};
use tokio::sync::oneshot;

const WAIT: Duration = Duration::from_secs(15);
/// How long a socket or a webhook receiver must stay quiet to count as
/// having got nothing more.
const QUIET: Duration = Duration::from_millis(400);

fn param<'a>(c: &'a Call, k: &str) -> Option<&'a str> {
    c.param(k)
}

/// A service whose post-event webhook is `url` (more settings in `extra`).
async fn service_with(t: &TestServer, extra: &[(&str, &str)]) -> String {
    let svc = t.service().await;
    let r = t
        .post(&format!("/v2/Services/{svc}"), Auth::Admin, extra)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    svc
}

/// The service's delivery log once it has at least `n` entries (the log is
/// written just after a call is answered).
async fn deliveries_at_least(t: &TestServer, svc: &str, n: usize) -> Vec<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let log = deliveries(t, svc).await;
        if log.len() >= n || tokio::time::Instant::now() > deadline {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The service's delivery log once `done` says it is complete (or, after
/// `WAIT`, as it is then).
async fn deliveries_until(
    t: &TestServer,
    svc: &str,
    done: impl Fn(&[serde_json::Value]) -> bool,
) -> Vec<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let log = deliveries(t, svc).await;
        if done(&log) || tokio::time::Instant::now() > deadline {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The service's delivery log, newest first.
async fn deliveries(t: &TestServer, svc: &str) -> Vec<serde_json::Value> {
    let r = t
        .get(&format!("/admin/Services/{svc}/Deliveries"), Auth::Admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["deliveries"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn post_event_webhooks_are_signed_filtered_and_opt_in_for_rest() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let hook_url = format!("{}/hooks/post", sink.base);
    let svc = service_with(
        &t,
        &[
            ("PostWebhookUrl", &hook_url),
            ("WebhookFilters", "onMessageSent"),
            ("WebhookFilters", "onMemberAdded"),
        ],
    )
    .await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "room")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/room/Members"),
        Auth::Admin,
        &[("Identity", "alice")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/room/Messages"),
        Auth::Admin,
        &[("Body", "quiet")],
    )
    .await;

    let resp = t
        .http
        .post(t.url(&format!("{s}/Channels/room/Messages")))
        .basic_auth(
            &t.server.app.account_sid,
            Some(&t.server.app.auth_token.cached()),
        )
        .header("X-Twilio-Webhook-Enabled", "true")
        .form(&[("Body", "loud"), ("From", "alice")])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let calls = sink.wait_for(1, WAIT).await;
    let c = &calls[0];
    assert_eq!(c.path, "/hooks/post");
    assert_eq!(param(c, "EventType"), Some("onMessageSent"));
    assert_eq!(param(c, "Body"), Some("loud"));
    assert_eq!(param(c, "Source"), Some("API"));
    assert_eq!(param(c, "InstanceSid"), Some(svc.as_str()));
    let expected =
        parley_server::webhooks::signature(&t.server.app.auth_token.cached(), &hook_url, &c.params);
    assert_eq!(
        c.signature, expected,
        "X-Twilio-Signature is HMAC-SHA1 over the URL and sorted parameters"
    );

    // A user's action always fires, with the user as ClientIdentity.
    let alice = t.token(&svc, "alice");
    t.post(
        &format!("{s}/Channels/room/Messages"),
        Auth::Token(&alice),
        &[("Body", "from the app")],
    )
    .await;
    // Not in the filter: no call.
    t.post(
        &format!("{s}/Channels/room"),
        Auth::Token(&alice),
        &[("FriendlyName", "renamed")],
    )
    .await;
    let calls = sink.wait_for(2, WAIT).await;
    let c = &calls[1];
    assert_eq!(
        (
            param(c, "Source"),
            param(c, "ClientIdentity"),
            param(c, "From")
        ),
        (Some("SDK"), Some("alice"), Some("alice"))
    );
    // The log shows exactly the two calls made: the REST changes without
    // the header and the filtered-out rename were never queued.
    let log = deliveries_at_least(&t, &svc, 2).await;
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log
        .iter()
        .all(|d| d["outcome"] == "delivered" && d["kind"] == "webhook" && d["status"] == 200));
    assert_eq!(sink.calls().len(), 2);
}

#[tokio::test]
async fn channel_triggers_fire_on_their_words_and_retries_follow_the_count() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "support")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/support/Members"),
        Auth::Admin,
        &[("Identity", "bob")],
    )
    .await;
    let hook = t
        .post(
            &format!("{s}/Channels/support/Webhooks"),
            Auth::Admin,
            &[
                ("Type", "trigger"),
                ("Configuration.Url", &format!("{}/trigger", sink.base)),
                ("Configuration.Triggers", "help"),
                ("Configuration.RetryCount", "2"),
            ],
        )
        .await;
    let hook_sid = hook.body["sid"].as_str().unwrap_or_default().to_owned();
    sink.script([Answer::Status(503, String::new(), None)]);
    let bob = t.token(&svc, "bob");
    t.post(
        &format!("{s}/Channels/support/Messages"),
        Auth::Token(&bob),
        &[("Body", "nothing to see")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/support/Messages"),
        Auth::Token(&bob),
        &[("Body", "I need HELP please")],
    )
    .await;
    let calls = sink.wait_for(2, WAIT).await;
    assert_eq!(
        calls.len(),
        2,
        "one 503, then a successful retry: {calls:?}"
    );
    assert!(calls
        .iter()
        .all(|c| c.path == "/trigger" && param(c, "WebhookSid") == Some(hook_sid.as_str())));
    assert_eq!(param(&calls[0], "RetryCount"), Some("0"));
    assert_eq!(param(&calls[1], "RetryCount"), Some("1"));
    assert_eq!(param(&calls[1], "Body"), Some("I need HELP please"));
    let log = deliveries_at_least(&t, &svc, 2).await;
    let outcomes: Vec<&str> = log.iter().filter_map(|d| d["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["delivered", "retrying"], "newest first: {log:?}");
    assert_eq!(log[1]["status"], 503);
}

#[tokio::test]
async fn a_retry_waits_as_long_as_retry_after_asks() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let svc = service_with(
        &t,
        &[
            ("PostWebhookUrl", &format!("{}/slow-down", sink.base)),
            ("PostWebhookRetryCount", "1"),
        ],
    )
    .await;
    sink.script([Answer::Status(429, "busy".into(), Some(3))]);
    let s = format!("/v2/Services/{svc}");
    let alice = t.token(&svc, "alice");
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "a")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let calls = sink.wait_for(2, WAIT).await;
    assert_eq!(calls.len(), 2, "{calls:?}");
    let gap = calls[1].at - calls[0].at;
    assert!(
        gap >= Duration::from_millis(2900),
        "the retry came {gap:?} after a 429 that asked for 3 s"
    );
}

#[tokio::test]
async fn queued_webhooks_survive_a_restart_and_are_delivered_once() {
    let t = TestServer::start().await;
    // A target that is down: nothing listens on this port yet.
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}/later");
    let svc = service_with(
        &t,
        &[("PostWebhookUrl", &url), ("PostWebhookRetryCount", "3")],
    )
    .await;
    let s = format!("/v2/Services/{svc}");
    let alice = t.token(&svc, "alice");
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "kept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Wait until the first attempt failed and was logged as retrying.
    let deadline = tokio::time::Instant::now() + WAIT;
    let before = loop {
        let log = deliveries(&t, &svc).await;
        if log.iter().any(|d| d["outcome"] == "retrying") {
            assert!(
                log[0]["detail"].as_str().unwrap_or("").contains("refused"),
                "{log:?}"
            );
            break log;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt logged: {log:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let t = t.restart(|_| {}).await;
    // The target comes up; the restarted server delivers the queued call.
    let sink = Sink::start_on(&format!("127.0.0.1:{port}")).await;
    let calls = sink.wait_for(1, WAIT).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(param(&calls[0], "EventType"), Some("onChannelAdded"));
    assert_eq!(param(&calls[0], "UniqueName"), Some("kept"));
    assert_eq!(param(&calls[0], "RetryCount"), Some("1"));
    // The delivery log outlived the restart too: the attempts made before
    // it are still listed, next to the delivery made after it.
    let log = deliveries_until(&t, &svc, |log| {
        log.iter().any(|d| d["outcome"] == "delivered")
    })
    .await;
    assert!(
        before.iter().all(|d| log.contains(d)),
        "logged before the restart: {before:?}\nlisted after it: {log:?}"
    );
    assert!(
        log.iter()
            .any(|d| d["outcome"] == "delivered" && d["event"] == "onChannelAdded"),
        "{log:?}"
    );
    // Once: a later change is delivered, and still only one call for the first.
    t.post(
        &format!("{s}/Channels"),
        Auth::Token(&alice),
        &[("UniqueName", "next")],
    )
    .await;
    let calls = sink.wait_for(2, WAIT).await;
    let kept = calls
        .iter()
        .filter(|c| param(c, "UniqueName") == Some("kept"))
        .count();
    assert_eq!((calls.len(), kept), (2, 1), "{calls:?}");
}

/// A service with a pre-event webhook at `sink` (and `extra` settings), a
/// channel `room` and its member alice; returns (service, alice's token).
async fn pre_setup(t: &TestServer, sink: &Sink, extra: &[(&str, &str)]) -> (String, String) {
    let url = format!("{}/pre", sink.base);
    let mut settings = vec![("PreWebhookUrl", url.as_str())];
    settings.extend_from_slice(extra);
    let svc = service_with(t, &settings).await;
    let alice = t.room(&svc, "room", "alice").await;
    (svc, alice)
}

async fn bodies(t: &TestServer, svc: &str) -> Vec<String> {
    let r = t
        .get(
            &format!("/v2/Services/{svc}/Channels/room/Messages"),
            Auth::Admin,
        )
        .await;
    r.body["messages"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|x| x["body"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_pre_event_webhook_allows_rejects_and_rewrites_before_anything_commits() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[]).await;
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");

    // 200 with no body: through as sent, the hook saw the proposed message.
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "hello")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let calls = sink.calls();
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert_eq!(
        (
            param(c, "EventType"),
            param(c, "Body"),
            param(c, "From"),
            param(c, "ClientIdentity"),
            param(c, "Source"),
        ),
        (
            Some("onMessageSend"),
            Some("hello"),
            Some("alice"),
            Some("alice"),
            Some("SDK")
        )
    );
    assert_eq!(
        param(c, "MessageSid"),
        None,
        "a message to be sent has no SID yet"
    );
    let url = format!("{}/pre", sink.base);
    assert_eq!(
        c.signature,
        parley_server::webhooks::signature(&t.server.app.auth_token.cached(), &url, &c.params)
    );

    // A refusal with a reason: 403 50056 naming it; nothing stored.
    sink.script([Answer::Status(
        403,
        "Contains a word we do not use here".into(),
        None,
    )]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "rude")])
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, 50056),
        "{:?}",
        r.body
    );
    assert!(
        r.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("a word we do not use"),
        "{:?}",
        r.body
    );
    // Any other status rejects too.
    sink.script([Answer::Status(500, String::new(), None)]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "also no")])
        .await;
    assert_eq!(r.code(), 50056);

    // A rewrite (either casing): the stored message is the hook's.
    sink.script([Answer::Status(
        200,
        r#"{"body":"h*llo","Attributes":{"moderated":true},"From":"mallory"}"#.into(),
        None,
    )]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "hell0")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["body"], "h*llo");
    assert_eq!(r.body["from"], "alice", "the hook cannot change the author");
    assert_eq!(r.body["attributes"], r#"{"moderated":true}"#);

    // A rewrite is validated like the user's own input.
    let long = format!(r#"{{"Body":"{}"}}"#, "x".repeat(40 * 1024));
    sink.script([Answer::Status(200, long, None)]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "short")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(bodies(&t, &svc).await, ["hello", "h*llo"]);

    // Edits and deletes ask too; a refused delete leaves the message.
    let list = t.get(&msgs, Auth::Admin).await;
    let first = list.body["messages"][0]["sid"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    sink.script([Answer::Status(
        200,
        r#"{"Body":"edited by the bot"}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{msgs}/{first}"),
            Auth::Token(&alice),
            &[("Body", "edited")],
        )
        .await;
    assert_eq!(r.body["body"], "edited by the bot", "{:?}", r.body);
    assert_eq!(
        sink.calls()
            .last()
            .and_then(|c| c.param("EventType").map(str::to_owned))
            .as_deref(),
        Some("onMessageUpdate")
    );
    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .delete(&format!("{msgs}/{first}"), Auth::Token(&alice))
        .await;
    assert_eq!(r.code(), 50056);
    assert_eq!(bodies(&t, &svc).await.len(), 2);

    // REST with admin credentials never asks, header or not.
    let before = sink.calls().len();
    let resp = t
        .http
        .post(t.url(&msgs))
        .basic_auth(
            &t.server.app.account_sid,
            Some(&t.server.app.auth_token.cached()),
        )
        .header("X-Twilio-Webhook-Enabled", "true")
        .form(&[("Body", "from a script")])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(sink.calls().len(), before);
}

#[tokio::test]
async fn pre_events_guard_channels_members_and_users() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[]).await;
    let s = format!("/v2/Services/{svc}");

    sink.script([Answer::Status(
        200,
        r#"{"FriendlyName":"Named by the bot"}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "mine"), ("FriendlyName", "mine")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["friendly_name"], "Named by the bot");
    assert_eq!(
        sink.calls()
            .last()
            .and_then(|c| c.param("EventType").map(str::to_owned))
            .as_deref(),
        Some("onChannelAdd")
    );

    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .post(
            &format!("{s}/Channels/mine"),
            Auth::Token(&alice),
            &[("FriendlyName", "nope")],
        )
        .await;
    assert_eq!(r.code(), 50056);

    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .delete(&format!("{s}/Channels/mine"), Auth::Token(&alice))
        .await;
    assert_eq!(r.code(), 50056);
    let r = t.get(&format!("{s}/Channels/mine"), Auth::Admin).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a refused destroy leaves the channel"
    );

    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .post(
            &format!("{s}/Channels/mine/Members"),
            Auth::Token(&alice),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(r.code(), 50056, "{:?}", r.body);
    assert_eq!(
        t.get(&format!("{s}/Channels/mine/Members/bob"), Auth::Admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .delete(
            &format!("{s}/Channels/room/Members/alice"),
            Auth::Token(&alice),
        )
        .await;
    assert_eq!(r.code(), 50056);
    let c = sink.calls().pop().expect("asked");
    assert_eq!(
        (c.param("EventType"), c.param("Reason")),
        (Some("onMemberRemove"), Some("LEFT"))
    );

    sink.script([Answer::Status(
        200,
        r#"{"friendlyName":"Alice A."}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{s}/Users/alice"),
            Auth::Token(&alice),
            &[("FriendlyName", "alice!!!")],
        )
        .await;
    assert_eq!(r.body["friendly_name"], "Alice A.", "{:?}", r.body);

    // A refused update changes nothing (the user itself exists from the
    // token's first use, as on Twilio).
    let newbie = t.token(&svc, "newbie");
    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .post(
            &format!("{s}/Users/newbie"),
            Auth::Token(&newbie),
            &[("FriendlyName", "New")],
        )
        .await;
    assert_eq!(r.code(), 50056, "{:?}", r.body);
    let u = t.get(&format!("{s}/Users/newbie"), Auth::Admin).await;
    assert_ne!(u.body["friendly_name"], "New", "{:?}", u.body);

    // Read receipts are not put to the hook.
    let before = sink.calls().len();
    let r = t
        .post(
            &format!("{s}/Channels/room/Members/alice"),
            Auth::Token(&alice),
            &[("LastConsumedMessageIndex", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(sink.calls().len(), before);
}

#[tokio::test]
async fn an_unreachable_or_silent_pre_event_webhook_rejects_unless_the_service_fails_open() {
    let t = TestServer::start().await;
    // Nothing listens here.
    let port = common::free_port();
    let svc = service_with(
        &t,
        &[("PreWebhookUrl", &format!("http://127.0.0.1:{port}/pre"))],
    )
    .await;
    let s = format!("/v2/Services/{svc}");
    let alice = t.room(&svc, "room", "alice").await;
    let msgs = format!("{s}/Channels/room/Messages");
    let r = t.post(&msgs, Auth::Token(&alice), &[("Body", "hi")]).await;
    assert_eq!((r.status.as_u16(), r.code()), (502, 50057), "{:?}", r.body);

    let r = t
        .post(&s, Auth::Admin, &[("PreWebhookFailOpen", "true")])
        .await;
    assert_eq!(r.body["pre_webhook_fail_open"], true);
    let r = t.post(&msgs, Auth::Token(&alice), &[("Body", "hi")]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // Silence: a timeout after 5 s, retried as often as configured.
    let sink = Sink::start().await;
    t.post(
        &s,
        Auth::Admin,
        &[
            ("PreWebhookUrl", &format!("{}/pre", sink.base)),
            ("PreWebhookFailOpen", "false"),
            ("PreWebhookRetryCount", "1"),
        ],
    )
    .await;
    sink.script([
        Answer::Silence(Duration::from_secs(7)),
        Answer::Status(200, String::new(), None),
    ]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "after a retry")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let calls = sink.calls();
    assert_eq!(
        calls
            .iter()
            .map(|c| c.param("RetryCount").unwrap_or(""))
            .collect::<Vec<_>>(),
        ["0", "1"]
    );
    t.post(&s, Auth::Admin, &[("PreWebhookRetryCount", "0")])
        .await;
    sink.script([Answer::Silence(Duration::from_secs(7))]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "too slow")])
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (504, 50076), "{:?}", r.body);
    let log = deliveries_at_least(&t, &svc, 5).await;
    assert!(
        log.iter()
            .any(|d| d["kind"] == "pre-webhook" && d["outcome"] == "failed"),
        "{log:?}"
    );
}

#[tokio::test]
async fn unknown_webhook_filters_are_refused() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}"),
            Auth::Admin,
            &[
                ("WebhookFilters", "onMessageSent"),
                ("WebhookFilters", "onEverything"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, 50054),
        "{:?}",
        r.body
    );
    let r = t.get(&format!("/v2/Services/{svc}"), Auth::Admin).await;
    assert_eq!(
        r.body["webhook_filters"],
        serde_json::Value::Null,
        "nothing stored"
    );
}

#[tokio::test]
async fn a_channel_webhook_hears_its_channel_destroyed() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "doomed")],
    )
    .await;
    let r = t
        .post(
            &format!("{s}/Channels/doomed/Webhooks"),
            Auth::Admin,
            &[
                ("Type", "webhook"),
                ("Configuration.Url", &format!("{}/gone", sink.base)),
                ("Configuration.Filters", "onChannelDestroyed"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let resp = t
        .http
        .delete(t.url(&format!("{s}/Channels/doomed")))
        .basic_auth(
            &t.server.app.account_sid,
            Some(&t.server.app.auth_token.cached()),
        )
        .header("X-Twilio-Webhook-Enabled", "true")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let calls = sink.wait_for(1, WAIT).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].param("EventType"), Some("onChannelDestroyed"));
    assert_eq!(calls[0].param("UniqueName"), Some("doomed"));
}

/// The last call the pre-event webhook got.
fn last_call(sink: &Sink) -> Call {
    sink.calls().pop().expect("the pre-event webhook was asked")
}

/// Asserts that call `c` carried each of `expected` (name, value).
#[track_caller]
fn assert_params(c: &Call, expected: &[(&str, &str)]) {
    for (k, v) in expected {
        assert_eq!(
            c.param(k),
            Some(*v),
            "{k} of {:?}: {:?}",
            c.param("EventType"),
            c.params
        );
    }
}

/// The SID of the resource at `path`, read with the account's credentials.
async fn sid_of(t: &TestServer, path: &str) -> String {
    let r = t.get(path, Auth::Admin).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {:?}", r.body);
    r.body["sid"].as_str().expect("sid").to_owned()
}

/// Uploads `bytes` as a media file named `filename` with the user's
/// `token`; returns its SID.
async fn upload(
    t: &TestServer,
    svc: &str,
    token: &str,
    bytes: &[u8],
    content_type: &str,
    filename: &str,
) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("Filename", filename)
        .finish();
    let resp = t
        .http
        .post(t.url(&format!("/v1/Services/{svc}/Media?{query}")))
        .header("X-Twilio-Token", token)
        .header("Content-Type", content_type)
        .body(bytes.to_vec())
        .send()
        .await
        .expect("uploaded");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let m: serde_json::Value = resp.json().await.expect("a Media resource");
    m["sid"].as_str().expect("sid").to_owned()
}

#[tokio::test]
async fn pre_events_carry_twilios_parameters_for_media_members_and_channels() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[]).await;
    let s = format!("/v2/Services/{svc}");
    let room = sid_of(&t, &format!("{s}/Channels/room")).await;

    // A message with a file: onMediaMessageSend, with the file described.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture";
    let media = upload(&t, &svc, &alice, png, "image/png", "photo.png").await;
    let r = t
        .post(
            &format!("{s}/Channels/room/Messages"),
            Auth::Token(&alice),
            &[("MediaSid", &media)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onMediaMessageSend"),
            ("ChannelSid", &room),
            ("From", "alice"),
            ("ClientIdentity", "alice"),
            ("Attributes", "{}"),
            ("MediaSid", &media),
            ("MediaContentType", "image/png"),
            ("MediaFilename", "photo.png"),
            ("MediaSize", &png.len().to_string()),
        ],
    );

    // A member changing its own attributes: onMemberUpdate, with the
    // attributes it would set.
    let r = t
        .post(
            &format!("{s}/Channels/room/Members/alice"),
            Auth::Token(&alice),
            &[("Attributes", r#"{"status":"away"}"#)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let member = r.body["sid"].as_str().unwrap_or_default().to_owned();
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onMemberUpdate"),
            ("ChannelSid", &room),
            ("MemberSid", &member),
            ("Identity", "alice"),
            ("Attributes", r#"{"status":"away"}"#),
            ("ClientIdentity", "alice"),
        ],
    );

    // A channel to be created: onChannelAdd (no SID yet).
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[
                ("UniqueName", "mine"),
                ("FriendlyName", "Mine"),
                ("Attributes", r#"{"topic":"tests"}"#),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let mine = r.body["sid"].as_str().unwrap_or_default().to_owned();
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onChannelAdd"),
            ("ChannelType", "public"),
            ("UniqueName", "mine"),
            ("FriendlyName", "Mine"),
            ("Attributes", r#"{"topic":"tests"}"#),
            ("CreatedBy", "alice"),
            ("ClientIdentity", "alice"),
        ],
    );

    // A rename: onChannelUpdate, the channel as it would be.
    let r = t
        .post(
            &format!("{s}/Channels/mine"),
            Auth::Token(&alice),
            &[("FriendlyName", "Ours")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onChannelUpdate"),
            ("ChannelSid", &mine),
            ("ChannelType", "public"),
            ("FriendlyName", "Ours"),
            ("UniqueName", "mine"),
            ("Attributes", r#"{"topic":"tests"}"#),
            ("CreatedBy", "alice"),
            ("ClientIdentity", "alice"),
        ],
    );

    // Adding someone: onMemberAdd, naming who and with what attributes.
    let r = t
        .post(
            &format!("{s}/Channels/mine/Members"),
            Auth::Token(&alice),
            &[
                ("Identity", "bob"),
                ("Attributes", r#"{"invited_by":"alice"}"#),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onMemberAdd"),
            ("ChannelSid", &mine),
            ("Identity", "bob"),
            ("Attributes", r#"{"invited_by":"alice"}"#),
            ("ClientIdentity", "alice"),
        ],
    );

    // Destroying it: onChannelDestroy, the channel as it is.
    let r = t
        .delete(&format!("{s}/Channels/mine"), Auth::Token(&alice))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_params(
        &last_call(&sink),
        &[
            ("EventType", "onChannelDestroy"),
            ("ChannelSid", &mine),
            ("UniqueName", "mine"),
            ("FriendlyName", "Ours"),
            ("ClientIdentity", "alice"),
        ],
    );

    // Every one of them is a signed SDK event of this service.
    let url = format!("{}/pre", sink.base);
    let token = t.server.app.auth_token.cached();
    let calls = sink.calls();
    assert_eq!(calls.len(), 6, "{calls:?}");
    for c in &calls {
        assert_params(
            c,
            &[
                ("Source", "SDK"),
                ("InstanceSid", &svc),
                ("AccountSid", &t.server.app.account_sid),
                ("RetryCount", "0"),
            ],
        );
        assert_eq!(
            c.signature,
            parley_server::webhooks::signature(&token, &url, &c.params),
            "{c:?}"
        );
    }
}

#[tokio::test]
async fn a_pre_event_webhook_renames_channels_and_rewrites_member_attributes() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[]).await;
    let s = format!("/v2/Services/{svc}");

    // onChannelAdd: the bot picks the unique name and the attributes
    // (lower-case keys, attributes as a JSON object).
    sink.script([Answer::Status(
        200,
        r#"{"uniqueName":"bot-named","attributes":{"topic":"general"}}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[
                ("UniqueName", "mine"),
                ("Attributes", r#"{"topic":"anything"}"#),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["unique_name"], "bot-named", "{:?}", r.body);
    let ch = t.get(&format!("{s}/Channels/bot-named"), Auth::Admin).await;
    assert_eq!(ch.status, StatusCode::OK, "{:?}", ch.body);
    assert_eq!(ch.body["attributes"], r#"{"topic":"general"}"#);
    assert_eq!(
        t.get(&format!("{s}/Channels/mine"), Auth::Admin)
            .await
            .status,
        StatusCode::NOT_FOUND,
        "the name the user asked for was never taken"
    );

    // onChannelUpdate: the bot renames it and replaces the attributes
    // (Twilio's casing, attributes as a JSON string); the friendly name
    // it left alone is the user's.
    sink.script([Answer::Status(
        200,
        r#"{"UniqueName":"renamed-by-bot","Attributes":"{\"moderated\":true}"}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{s}/Channels/bot-named"),
            Auth::Token(&alice),
            &[
                ("FriendlyName", "Ours"),
                ("Attributes", r#"{"topic":"off"}"#),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let ch = t
        .get(&format!("{s}/Channels/renamed-by-bot"), Auth::Admin)
        .await;
    assert_eq!(ch.status, StatusCode::OK, "{:?}", ch.body);
    assert_eq!(
        (
            ch.body["attributes"].as_str(),
            ch.body["friendly_name"].as_str()
        ),
        (Some(r#"{"moderated":true}"#), Some("Ours"))
    );
    assert_eq!(
        t.get(&format!("{s}/Channels/bot-named"), Auth::Admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // onMemberAdd: the new member gets the bot's attributes.
    sink.script([Answer::Status(
        200,
        r#"{"attributes":{"role":"guest"}}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &format!("{s}/Channels/renamed-by-bot/Members"),
            Auth::Token(&alice),
            &[("Identity", "bob"), ("Attributes", r#"{"role":"owner"}"#)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let bob = t
        .get(
            &format!("{s}/Channels/renamed-by-bot/Members/bob"),
            Auth::Admin,
        )
        .await;
    assert_eq!(
        bob.body["attributes"], r#"{"role":"guest"}"#,
        "{:?}",
        bob.body
    );

    // onMemberUpdate: a member's own attributes are the bot's; a field the
    // event does not let it rewrite (the role) stays as it was.
    let member = format!("{s}/Channels/room/Members/alice");
    let role_before = t.get(&member, Auth::Admin).await.body["role_sid"].clone();
    sink.script([Answer::Status(
        200,
        r#"{"Attributes":{"status":"busy"},"RoleSid":"RL00000000000000000000000000000000"}"#.into(),
        None,
    )]);
    let r = t
        .post(
            &member,
            Auth::Token(&alice),
            &[("Attributes", r#"{"status":"away"}"#)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let m = t.get(&member, Auth::Admin).await;
    assert_eq!(m.body["attributes"], r#"{"status":"busy"}"#, "{:?}", m.body);
    assert_eq!(m.body["role_sid"], role_before);
}

/// A pre-event webhook that holds its call until the test releases it:
/// it tells the test when the call arrived, and records when it answered.
#[derive(Clone)]
struct Gate {
    arrived: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    release: Arc<Mutex<Option<oneshot::Receiver<()>>>>,
    answered: Arc<AtomicBool>,
}

async fn held(State(g): State<Gate>) -> StatusCode {
    let arrived = g.arrived.lock().ok().and_then(|mut a| a.take());
    let release = g.release.lock().ok().and_then(|mut r| r.take());
    if let Some(tx) = arrived {
        let _ = tx.send(());
    }
    if let Some(rx) = release {
        // Longer than the server waits: a server that cannot make progress
        // while the hook thinks times out instead of hanging the test.
        let _ = tokio::time::timeout(WAIT, rx).await;
    }
    g.answered.store(true, Ordering::SeqCst);
    StatusCode::OK
}

/// Serves `gate` on a free loopback port; returns its base URL.
async fn serve_gate(gate: Gate) -> String {
    let app = Router::new().fallback(held).with_state(gate);
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn others_keep_writing_while_a_pre_event_webhook_thinks() {
    let t = TestServer::start().await;
    let (arrived_tx, arrived_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel();
    let gate = Gate {
        arrived: Arc::new(Mutex::new(Some(arrived_tx))),
        release: Arc::new(Mutex::new(Some(release_rx))),
        answered: Arc::new(AtomicBool::new(false)),
    };
    let base = serve_gate(gate.clone()).await;
    let svc = service_with(&t, &[("PreWebhookUrl", &format!("{base}/pre"))]).await;
    let s = format!("/v2/Services/{svc}");
    let alice = t.room(&svc, "room", "alice").await;
    let msgs = format!("{s}/Channels/room/Messages");

    // Alice's message waits on the hook; meanwhile the admin writes to the
    // same channel and the same service (admin changes never ask), and
    // only once those returned is the hook let answer.
    let send = t.post(&msgs, Auth::Token(&alice), &[("Body", "held by the bot")]);
    let meanwhile = async {
        tokio::time::timeout(WAIT, arrived_rx)
            .await
            .expect("the pre-event webhook was called")
            .expect("the hook said it was called");
        let message = t
            .post(&msgs, Auth::Admin, &[("Body", "from the admin")])
            .await;
        let channel = t
            .post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("UniqueName", "meanwhile")],
            )
            .await;
        let hook_still_thinking = !gate.answered.load(Ordering::SeqCst);
        let _ = release_tx.send(());
        (message, channel, hook_still_thinking)
    };
    let (sent, (message, channel, hook_still_thinking)) = tokio::join!(send, meanwhile);
    assert_eq!(message.status, StatusCode::CREATED, "{:?}", message.body);
    assert_eq!(channel.status, StatusCode::CREATED, "{:?}", channel.body);
    assert!(
        hook_still_thinking,
        "the admin's writes returned only after the hook answered"
    );
    assert_eq!(
        sent.status,
        StatusCode::CREATED,
        "the held message went through once the hook answered: {:?}",
        sent.body
    );
    assert_eq!(
        bodies(&t, &svc).await,
        ["from the admin", "held by the bot"],
        "the held message was committed after the admin's"
    );
}

#[tokio::test]
async fn a_get_pre_event_webhook_reads_the_query_string_and_can_still_refuse() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[("WebhookMethod", "GET")]).await;
    let room = sid_of(&t, &format!("/v2/Services/{svc}/Channels/room")).await;
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");

    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "hello there")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let c = last_call(&sink);
    assert_eq!(
        (c.method.as_str(), c.path.as_str()),
        ("GET", "/pre"),
        "{c:?}"
    );
    assert_params(
        &c,
        &[
            ("EventType", "onMessageSend"),
            ("ChannelSid", &room),
            ("Body", "hello there"),
            ("From", "alice"),
            ("ClientIdentity", "alice"),
        ],
    );
    // Signed as Twilio signs a GET: the URL called, query and all, with no
    // form parameters.
    let called = format!("{}{}", sink.base, c.path_and_query);
    assert_eq!(
        c.signature,
        parley_server::webhooks::signature(&t.server.app.auth_token.cached(), &called, &[])
    );

    sink.script([Answer::Status(403, String::new(), None)]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "no thanks")])
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, 50056),
        "{:?}",
        r.body
    );
    assert_eq!(last_call(&sink).method, "GET");
    assert_eq!(bodies(&t, &svc).await, ["hello there"]);
}

#[tokio::test]
async fn a_pre_event_the_filters_leave_out_is_not_asked_and_goes_through() {
    let t = TestServer::start().await;
    let sink = Sink::start().await;
    let (svc, alice) = pre_setup(&t, &sink, &[("WebhookFilters", "onMessageSend")]).await;
    let s = format!("/v2/Services/{svc}");
    // The hook would refuse whatever it is asked next.
    sink.script([Answer::Status(403, String::new(), None)]);

    let member = format!("{s}/Channels/room/Members/alice");
    let r = t
        .post(
            &member,
            Auth::Token(&alice),
            &[("Attributes", r#"{"status":"away"}"#)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "unfiltered")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(sink.calls().is_empty(), "{:?}", sink.calls());
    assert_eq!(
        t.get(&member, Auth::Admin).await.body["attributes"],
        r#"{"status":"away"}"#
    );

    // The event the filters name is still put to the hook (and refused).
    let r = t
        .post(
            &format!("{s}/Channels/room/Messages"),
            Auth::Token(&alice),
            &[("Body", "asked")],
        )
        .await;
    assert_eq!(r.code(), 50056, "{:?}", r.body);
    let calls = sink.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].param("EventType"), Some("onMessageSend"));
}

#[tokio::test]
async fn a_refused_message_reaches_no_socket_and_no_post_event_webhook() {
    let t = TestServer::start().await;
    let pre = Sink::start().await;
    let post = Sink::start().await;
    let post_url = format!("{}/post", post.base);
    let (svc, alice) = pre_setup(&t, &pre, &[("PostWebhookUrl", &post_url)]).await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels/room/Members"),
        Auth::Admin,
        &[("Identity", "bob")],
    )
    .await;
    let bob = t.token(&svc, "bob");
    let mut ws = t.ws(&svc, WsAuth::Header(&bob), None).await;
    ws.until("connected", WAIT).await;
    ws.until("caughtUp", WAIT).await;

    let msgs = format!("{s}/Channels/room/Messages");
    pre.script([Answer::Status(403, "Not in this room".into(), None)]);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "refused")])
        .await;
    assert_eq!(r.code(), 50056, "{:?}", r.body);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "allowed")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // Bob's first new message is the allowed one, and nothing follows.
    let (added, _) = ws.until("messageAdded", WAIT).await;
    assert_eq!(added["data"]["body"], "allowed", "{added:?}");
    let later = ws.drain(QUIET).await;
    assert!(
        !later.iter().any(|f| f["type"] == "messageAdded"),
        "{later:?}"
    );

    // The post-event webhook hears of the allowed message only.
    let calls = post.wait_for(1, WAIT).await;
    assert_eq!(
        (calls[0].param("EventType"), calls[0].param("Body")),
        (Some("onMessageSent"), Some("allowed")),
        "{calls:?}"
    );
    let calls = post.wait_for(2, QUIET).await;
    assert!(
        calls.iter().all(|c| c.param("Body") != Some("refused")),
        "{calls:?}"
    );
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.param("EventType") == Some("onMessageSent"))
            .count(),
        1,
        "{calls:?}"
    );
    // And the log shows the refusal as a pre-event, not as a delivery.
    let log = deliveries_until(&t, &svc, |log| {
        log.iter().filter(|d| d["kind"] == "pre-webhook").count() >= 2
            && log.iter().any(|d| d["kind"] == "webhook")
    })
    .await;
    assert!(
        log.iter().any(|d| d["kind"] == "pre-webhook"
            && d["outcome"] == "rejected"
            && d["status"] == 403),
        "{log:?}"
    );
    assert_eq!(
        log.iter()
            .filter(|d| d["kind"] == "webhook" && d["event"] == "onMessageSent")
            .count(),
        1,
        "{log:?}"
    );
}
