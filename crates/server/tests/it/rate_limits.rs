//! Actions-per-second limits: a burst of 150 actions in a channel passes,
//! the next is refused with 429 50063 and `Retry-After`, and the window
//! frees up as it slides; service-wide actions answer 50074; reads are not
//! limited; admin traffic has its own budget; a service can set its own.

use crate::common;

use axum::http::StatusCode;
use common::{Auth, TestServer};

async fn room(t: &TestServer) -> (String, String) {
    let svc = t.service().await;
    let alice = t.room(&svc, "room", "alice").await;
    (svc, alice)
}

#[tokio::test]
async fn a_channel_takes_a_burst_then_answers_429_until_the_window_slides() {
    let t = TestServer::start().await;
    let (svc, alice) = room(&t).await;
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");
    for i in 0..150 {
        let r = t
            .post(&msgs, Auth::Token(&alice), &[("Body", &format!("m{i}"))])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "message {i}: {:?}", r.body);
    }
    let resp = t
        .http
        .post(t.url(&msgs))
        .header("X-Twilio-Token", &alice)
        .form(&[("Body", "one too many")])
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=5).contains(&wait), "{wait}");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], 50063);
    assert_eq!(body["status"], 429);

    // Reads are never limited.
    for _ in 0..20 {
        assert_eq!(
            t.get(&msgs, Auth::Token(&alice)).await.status,
            StatusCode::OK
        );
    }
    // Admin traffic has its own budget.
    let r = t
        .post(&msgs, Auth::Admin, &[("Body", "from the operator")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Nothing refused was stored; the window slides.
    let list = t.get(&format!("{msgs}?PageSize=1000"), Auth::Admin).await;
    assert_eq!(list.body["messages"].as_array().map(Vec::len), Some(151));
    t.server.app.clock.advance(wait as i64);
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "later")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

#[tokio::test]
async fn service_wide_actions_and_a_services_own_limits() {
    let t = TestServer::start().await;
    let (svc, alice) = room(&t).await;
    let s = format!("/v2/Services/{svc}");
    let r = t
        .post(
            &s,
            Auth::Admin,
            &[
                ("RateLimits.ServiceActionsPerSecond", "2"),
                ("RateLimits.ChannelActionsPerSecond", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.body["rate_limits"]["service_actions_per_second"], 2,
        "{:?}",
        r.body
    );
    assert_eq!(r.body["rate_limits"]["channel_actions_per_second"], 1);
    for i in 0..10 {
        let r = t
            .post(
                &format!("{s}/Channels"),
                Auth::Token(&alice),
                &[("UniqueName", &format!("c{i}"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "channel {i}: {:?}", r.body);
    }
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("UniqueName", "c10")],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::TOO_MANY_REQUESTS, 50074),
        "{:?}",
        r.body
    );
    let msgs = format!("{s}/Channels/room/Messages");
    for _ in 0..5 {
        assert_eq!(
            t.post(&msgs, Auth::Token(&alice), &[("Body", "x")])
                .await
                .status,
            StatusCode::CREATED
        );
    }
    assert_eq!(
        t.post(&msgs, Auth::Token(&alice), &[("Body", "x")])
            .await
            .code(),
        50063
    );
    // Bad limits are refused; empty goes back to the server's default.
    let r = t
        .post(
            &s,
            Auth::Admin,
            &[("RateLimits.ChannelActionsPerSecond", "-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .post(
            &s,
            Auth::Admin,
            &[("RateLimits.ChannelActionsPerSecond", "")],
        )
        .await;
    assert_eq!(r.body["rate_limits"]["channel_actions_per_second"], 30);
}

#[tokio::test]
async fn admin_limits_are_configured_apart_and_can_be_turned_off() {
    let t = TestServer::start_with(|o| o.rate_limits.admin = 0).await;
    let (svc, _) = room(&t).await;
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");
    for i in 0..200 {
        let r = t
            .post(&msgs, Auth::Admin, &[("Body", &format!("bulk {i}"))])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{i}: {:?}", r.body);
    }
}

/// The server-wide limits (`--channel-actions-per-second`,
/// `--service-actions-per-second`) replace Twilio's 30/s for every service
/// that sets none of its own.
#[tokio::test]
async fn server_wide_limits_apply_to_services_without_their_own() {
    let t = TestServer::start_with(|o| {
        o.rate_limits.channel = 2;
        o.rate_limits.service = 1;
    })
    .await;
    let (svc, alice) = room(&t).await;
    let msgs = format!("/v2/Services/{svc}/Channels/room/Messages");
    // 2 actions/s averaged over the 5 s window: a burst of 10.
    for i in 0..10 {
        let r = t
            .post(&msgs, Auth::Token(&alice), &[("Body", &format!("m{i}"))])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "message {i}: {:?}", r.body);
    }
    let r = t
        .post(&msgs, Auth::Token(&alice), &[("Body", "eleventh")])
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, 50063));
    let s = format!("/v2/Services/{svc}");
    let shown = t.get(&s, Auth::Admin).await;
    assert_eq!(shown.body["rate_limits"]["channel_actions_per_second"], 2);
    assert_eq!(shown.body["rate_limits"]["service_actions_per_second"], 1);
    // 1 action/s for the service: 5 channels, then 429 50074.
    for i in 0..5 {
        let r = t
            .post(
                &format!("{s}/Channels"),
                Auth::Token(&alice),
                &[("FriendlyName", &format!("c{i}"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "channel {i}: {:?}", r.body);
    }
    let r = t
        .post(
            &format!("{s}/Channels"),
            Auth::Token(&alice),
            &[("FriendlyName", "sixth")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, 50074));
}
