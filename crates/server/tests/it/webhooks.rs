//! Post-event webhooks reach a real HTTP listener with Twilio's parameters
//! and a valid `X-Twilio-Signature`; filters, the REST opt-in header,
//! channel trigger words and retries behave as documented.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use axum::Router;
use common::{Auth, TestServer};

/// (path, signature, form parameters) of one webhook call.
type Call = (String, String, Vec<(String, String)>);

#[derive(Clone, Default)]
struct Seen {
    calls: Arc<Mutex<Vec<Call>>>,
    fail_first: Arc<Mutex<u32>>,
}

async fn receive(
    State(seen): State<Seen>,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let params: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let sig = headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Ok(mut c) = seen.calls.lock() {
        c.push((uri.path().to_owned(), sig, params));
    }
    let mut fail = seen.fail_first.lock().unwrap_or_else(|p| p.into_inner());
    if *fail > 0 {
        *fail -= 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    StatusCode::OK
}

async fn listener() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/{*path}", post(receive))
        .with_state(seen.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    (format!("http://{addr}"), seen)
}

fn param<'a>(p: &'a [(String, String)], k: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

async fn calls_after(seen: &Seen, wait: Duration) -> Vec<Call> {
    tokio::time::sleep(wait).await;
    seen.calls.lock().map(|c| c.clone()).unwrap_or_default()
}

#[tokio::test]
async fn post_event_webhooks_are_signed_filtered_and_opt_in_for_rest() {
    let t = TestServer::start().await;
    let (base, seen) = listener().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    let hook_url = format!("{base}/hooks/post");
    let r = t
        .post(
            &s,
            Auth::Admin,
            &[
                ("PostWebhookUrl", &hook_url),
                ("WebhookFilters", "onMessageSent"),
                ("WebhookFilters", "onMemberAdded"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
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
    assert!(
        calls_after(&seen, Duration::from_millis(400))
            .await
            .is_empty(),
        "REST changes do not fire without the header"
    );

    let resp = t
        .http
        .post(t.url(&format!("{s}/Channels/room/Messages")))
        .basic_auth(&t.server.app.account_sid, Some(&t.server.app.auth_token))
        .header("X-Twilio-Webhook-Enabled", "true")
        .form(&[("Body", "loud"), ("From", "alice")])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let calls = calls_after(&seen, Duration::from_millis(500)).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let (path, sig, params) = &calls[0];
    assert_eq!(path, "/hooks/post");
    assert_eq!(param(params, "EventType"), Some("onMessageSent"));
    assert_eq!(param(params, "Body"), Some("loud"));
    assert_eq!(param(params, "Source"), Some("API"));
    assert_eq!(param(params, "InstanceSid"), Some(svc.as_str()));
    let expected =
        parley_server::webhooks::signature(&t.server.app.auth_token, &hook_url, params);
    assert_eq!(
        sig, &expected,
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
    let calls = calls_after(&seen, Duration::from_millis(500)).await;
    assert_eq!(calls.len(), 2, "{calls:?}");
    let p = &calls[1].2;
    assert_eq!(
        (
            param(p, "Source"),
            param(p, "ClientIdentity"),
            param(p, "From")
        ),
        (Some("SDK"), Some("alice"), Some("alice"))
    );
}

#[tokio::test]
async fn channel_triggers_fire_on_their_words_and_retries_follow_the_count() {
    let t = TestServer::start().await;
    let (base, seen) = listener().await;
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
                ("Configuration.Url", &format!("{base}/trigger")),
                ("Configuration.Triggers", "help"),
                ("Configuration.RetryCount", "2"),
            ],
        )
        .await;
    let hook_sid = hook.body["sid"].as_str().unwrap_or_default().to_owned();
    *seen.fail_first.lock().unwrap_or_else(|p| p.into_inner()) = 1;
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
    let calls = calls_after(&seen, Duration::from_millis(800)).await;
    assert_eq!(
        calls.len(),
        2,
        "one 503, then a successful retry: {calls:?}"
    );
    assert!(calls.iter().all(
        |(path, _, p)| path == "/trigger" && param(p, "WebhookSid") == Some(hook_sid.as_str())
    ));
    assert_eq!(param(&calls[0].2, "RetryCount"), Some("0"));
    assert_eq!(param(&calls[1].2, "RetryCount"), Some("1"));
    assert_eq!(param(&calls[1].2, "Body"), Some("I need HELP please"));
}
