//! Push delivery against loopback FCM and APNs sinks that check what the
//! real providers check (the OAuth assertion's RS256 signature, the APNs
//! provider token's ES256 signature, HTTP/2): who gets a push and who does
//! not, the payload keys Twilio's SDKs read, templates, badges, dead tokens
//! deleting their binding, a refused credential marked and not retried,
//! retries (`Retry-After` honoured), delivery across a restart exactly
//! once, users managing only their own devices, the delivery log only when
//! the service keeps one, and credentials checked when stored and never
//! shown.

use crate::common;

use std::time::Duration;

use axum::http::StatusCode;
use common::push_sinks::{self, PushSink};
use common::{Auth, TestServer};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// A server whose pushes go to the sinks.
async fn server(fcm: &PushSink, apns: Option<&PushSink>) -> TestServer {
    let (f, a) = (fcm.url.clone(), apns.map(|s| s.url.clone()));
    TestServer::start_with(move |o| {
        o.push_urls.fcm = f;
        if let Some(a) = a {
            o.push_urls.apns = a.clone();
            o.push_urls.apns_sandbox = a;
        }
    })
    .await
}

async fn fcm_credential(t: &TestServer, sink: &PushSink) -> String {
    let r = t
        .post(
            "/v2/Credentials",
            Auth::Admin,
            &[
                ("Type", "fcm"),
                ("FriendlyName", "android"),
                ("Secret", &push_sinks::service_account(sink)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["sid"].as_str().expect("sid").to_owned()
}

async fn apn_credential(t: &TestServer) -> String {
    let r = t
        .post(
            "/v2/Credentials",
            Auth::Admin,
            &[
                ("Type", "apn"),
                ("PrivateKey", push_sinks::APNS_KEY),
                ("ApnKeyId", push_sinks::KEY_ID),
                ("ApnTeamId", push_sinks::TEAM_ID),
                ("ApnTopic", push_sinks::TOPIC),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["sid"].as_str().expect("sid").to_owned()
}

/// A service with every push type on (and `extra`), channel `general`
/// with members alice, bob, carol.
async fn service(t: &TestServer, extra: &[(&str, &str)]) -> String {
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    let mut settings = vec![
        ("Notifications.NewMessage.Enabled", "true"),
        ("Notifications.AddedToChannel.Enabled", "true"),
        ("Notifications.InvitedToChannel.Enabled", "true"),
        ("Notifications.RemovedFromChannel.Enabled", "true"),
        ("Notifications.LogEnabled", "true"),
    ];
    settings.extend_from_slice(extra);
    let r = t.post(&s, Auth::Admin, &settings).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "general"), ("FriendlyName", "General")],
    )
    .await;
    t.post(
        &format!("{s}/Users"),
        Auth::Admin,
        &[("Identity", "alice"), ("FriendlyName", "Alice")],
    )
    .await;
    for who in ["alice", "bob", "carol"] {
        t.post(
            &format!("{s}/Channels/general/Members"),
            Auth::Admin,
            &[("Identity", who)],
        )
        .await;
    }
    svc
}

/// Registers a device for `who` (as `who`, with a token) and returns the binding SID.
async fn bind(
    t: &TestServer,
    svc: &str,
    who: &str,
    kind: &str,
    address: &str,
    types: &[&str],
) -> String {
    let token = t.token(svc, who);
    let mut form = vec![
        ("BindingType", kind),
        ("Endpoint", address),
        ("Address", address),
    ];
    for ty in types {
        form.push(("MessageTypes", ty));
    }
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/{who}/Bindings"),
            Auth::Token(&token),
            &form,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["sid"].as_str().expect("sid").to_owned()
}

async fn say(t: &TestServer, svc: &str, who: &str, body: &str) -> Value {
    let token = t.token(svc, who);
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels/general/Messages"),
            Auth::Token(&token),
            &[("Body", body)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body
}

/// The service's push delivery log as it is now, newest first.
async fn deliveries(t: &TestServer, svc: &str) -> Vec<Value> {
    let r = t
        .get(
            &format!("/admin/Services/{svc}/Deliveries?Kind=push"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["deliveries"].as_array().cloned().unwrap_or_default()
}

/// The push delivery log once it has `n` entries (or after `WAIT`).
async fn log(t: &TestServer, svc: &str, n: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let items = deliveries(t, svc).await;
        if items.len() >= n || tokio::time::Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The log entries of pushes to binding `sid`, newest first.
fn entries_for<'a>(entries: &'a [Value], sid: &str) -> Vec<&'a Value> {
    entries
        .iter()
        .filter(|e| e["target"].as_str().is_some_and(|t| t.contains(sid)))
        .collect()
}

#[tokio::test]
async fn a_new_message_reaches_the_other_members_devices_through_fcm() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    fcm_credential(&t, &fcm).await;
    let svc = service(&t, &[]).await;
    bind(&t, &svc, "alice", "fcm", "tok-alice", &[]).await;
    bind(&t, &svc, "bob", "fcm", "tok-bob", &[]).await;
    bind(&t, &svc, "carol", "fcm", "tok-carol", &["added_to_channel"]).await;
    // dave is no member: he hears nothing of general.
    bind(&t, &svc, "dave", "fcm", "tok-dave", &[]).await;

    let m = say(&t, &svc, "alice", "Lunch at noon?").await;
    let pushes = fcm.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "only bob: {pushes:?}");
    let (device, body) = &pushes[0];
    assert_eq!(device, "tok-bob");
    let data = &body["message"]["data"];
    assert_eq!(data["twi_message_type"], "twilio.channel.new_message");
    assert_eq!(
        data["twi_body"], "General;Alice: Lunch at noon?",
        "Twilio's default template"
    );
    assert_eq!(data["twi_title"], "General");
    assert_eq!(data["channel_sid"], m["channel_sid"]);
    assert_eq!(data["message_sid"], m["sid"]);
    assert_eq!(data["message_index"], "0", "FCM data values are strings");
    assert_eq!(data["author"], "alice");
    assert!(fcm.refused().is_empty(), "{:?}", fcm.refused());

    // A muted channel sends nothing; a custom template and sound apply; a
    // long message is cut to 110 characters.
    let bob = t.token(&svc, "bob");
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/bob/Channels/general"),
            Auth::Token(&bob),
            &[("NotificationLevel", "muted")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    bind(&t, &svc, "carol", "fcm", "tok-carol-2", &["new_message"]).await;
    t.post(
        &format!("/v2/Services/{svc}"),
        Auth::Admin,
        &[
            (
                "Notifications.NewMessage.Template",
                "${USER_IDENTITY} in ${CHANNEL_UNIQUE_NAME}: ${MESSAGE}",
            ),
            ("Notifications.NewMessage.Sound", "ping.wav"),
        ],
    )
    .await;
    let long = "預算".repeat(100);
    say(&t, &svc, "alice", &long).await;
    let pushes = fcm.wait_for(2, WAIT).await;
    assert_eq!(pushes.len(), 2, "{pushes:?}");
    assert_eq!(pushes[1].0, "tok-carol-2");
    let data = &pushes[1].1["message"]["data"];
    let text = data["twi_body"].as_str().unwrap_or("");
    assert!(text.starts_with("alice in general: 預算"), "{text}");
    assert_eq!(text.chars().count(), 110);
    assert_eq!(data["twi_sound"], "ping.wav");
    // One OAuth token served both pushes.
    assert_eq!(
        fcm.shared
            .tokens_issued
            .lock()
            .map(|t| t.len())
            .unwrap_or(0),
        1
    );
    let entries = log(&t, &svc, 2).await;
    assert!(
        entries
            .iter()
            .all(|e| e["outcome"] == "delivered" && e["event"] == "twilio.channel.new_message"),
        "{entries:?}"
    );
}

#[tokio::test]
async fn membership_pushes_go_to_the_member_concerned_through_apns_with_a_badge() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let apns = push_sinks::apns().await;
    let t = server(&fcm, Some(&apns)).await;
    apn_credential(&t).await;
    let svc = service(
        &t,
        &[
            ("Notifications.NewMessage.BadgeCountEnabled", "true"),
            ("Notifications.AddedToChannel.Sound", "chime.aiff"),
        ],
    )
    .await;
    bind(&t, &svc, "dave", "apn", "da7e0001", &[]).await;
    bind(&t, &svc, "bob", "apn", "b0b00001", &[]).await;
    let s = format!("/v2/Services/{svc}");

    // alice (a channel admin by role) adds dave.
    let alice = t.token(&svc, "alice");
    t.post(
        &format!("{s}/Channels"),
        Auth::Token(&alice),
        &[("UniqueName", "side"), ("FriendlyName", "Side room")],
    )
    .await;
    let r = t
        .post(
            &format!("{s}/Channels/side/Members"),
            Auth::Token(&alice),
            &[("Identity", "dave")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let pushes = apns.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "{pushes:?} refused: {:?}", apns.refused());
    let (device, p) = &pushes[0];
    assert_eq!(device, "da7e0001");
    assert_eq!(
        p["aps"]["alert"]["body"],
        "You have been added to channel Side room by Alice"
    );
    assert_eq!(p["aps"]["alert"]["title"], "Side room");
    assert_eq!(p["aps"]["sound"], "chime.aiff");
    // The keys Twilio's SDKs read, at the top level as in FCM's data message.
    assert_eq!(p["twi_message_type"], "twilio.channel.added_to_channel");
    assert_eq!(
        p["twi_body"],
        "You have been added to channel Side room by Alice"
    );
    assert_eq!(p["twi_title"], "Side room");
    assert_eq!(p["twi_sound"], "chime.aiff");

    // Two messages in general: bob's badge counts what he has not read.
    say(&t, &svc, "alice", "one").await;
    say(&t, &svc, "alice", "two").await;
    let pushes = apns.wait_for(3, WAIT).await;
    let to_bob = apns.to("b0b00001");
    assert_eq!(to_bob.len(), 2, "{pushes:?}");
    let badges: Vec<i64> = to_bob
        .iter()
        .filter_map(|p| p["aps"]["badge"].as_i64())
        .collect();
    assert!(badges.contains(&2), "{badges:?}");
    assert_eq!(to_bob[0]["message_index"].as_i64().map(|_| ()), Some(()));

    // Removing dave tells dave; an invite tells the invitee.
    t.delete(
        &format!("{s}/Channels/side/Members/dave"),
        Auth::Token(&alice),
    )
    .await;
    let r = t
        .post(
            &format!("{s}/Channels/side/Invites"),
            Auth::Token(&alice),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    apns.wait_for(5, WAIT).await;
    let kinds = |d: &str| -> Vec<String> {
        apns.to(d)
            .iter()
            .filter_map(|p| p["twi_message_type"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        kinds("da7e0001"),
        [
            "twilio.channel.added_to_channel",
            "twilio.channel.removed_from_channel"
        ]
    );
    assert!(kinds("b0b00001").contains(&"twilio.channel.invited_to_channel".to_owned()));

    // A member who muted the channel hears nothing, not even a removal:
    // dave is added again, mutes it, is removed, then is added elsewhere;
    // that last push is the only one after the re-add.
    t.post(
        &format!("{s}/Channels/side/Members"),
        Auth::Token(&alice),
        &[("Identity", "dave")],
    )
    .await;
    apns.wait_for(6, WAIT).await;
    let dave = t.token(&svc, "dave");
    let r = t
        .post(
            &format!("{s}/Users/dave/Channels/side"),
            Auth::Token(&dave),
            &[("NotificationLevel", "muted")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    t.delete(
        &format!("{s}/Channels/side/Members/dave"),
        Auth::Token(&alice),
    )
    .await;
    t.post(
        &format!("{s}/Channels"),
        Auth::Token(&alice),
        &[("UniqueName", "later")],
    )
    .await;
    t.post(
        &format!("{s}/Channels/later/Members"),
        Auth::Token(&alice),
        &[("Identity", "dave")],
    )
    .await;
    apns.wait_for(7, WAIT).await;
    assert_eq!(
        kinds("da7e0001"),
        [
            "twilio.channel.added_to_channel",
            "twilio.channel.removed_from_channel",
            "twilio.channel.added_to_channel",
            "twilio.channel.added_to_channel"
        ],
        "no removal push from a muted channel"
    );
    assert!(apns.refused().is_empty(), "{:?}", apns.refused());
}

#[tokio::test]
async fn dead_tokens_delete_their_binding_and_a_refused_credential_is_marked_not_retried() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let apns = push_sinks::apns().await;
    let t = server(&fcm, Some(&apns)).await;
    fcm_credential(&t, &fcm).await;
    let apn = apn_credential(&t).await;
    let svc = service(&t, &[]).await;
    let gone_fcm = bind(&t, &svc, "bob", "fcm", "tok-old", &[]).await;
    let gone_apn = bind(&t, &svc, "carol", "apn", "01d00001", &[]).await;
    fcm.script(
        "tok-old",
        [(404, json!({"error": {"code": 404, "status": "NOT_FOUND", "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}]}}), None)],
    );
    apns.script("01d00001", [(410, json!({"reason": "Unregistered"}), None)]);
    say(&t, &svc, "alice", "hello").await;
    fcm.wait_for(1, WAIT).await;
    apns.wait_for(1, WAIT).await;
    let entries = log(&t, &svc, 2).await;
    assert!(
        entries.iter().all(|e| e["outcome"] == "dropped"),
        "{entries:?}"
    );
    for (who, sid) in [("bob", &gone_fcm), ("carol", &gone_apn)] {
        let r = t
            .get(&format!("/v2/Services/{svc}/Bindings/{sid}"), Auth::Admin)
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{who}'s dead binding is deleted"
        );
    }

    // APNs refuses the provider token: the credential says why; no retry.
    bind(&t, &svc, "carol", "apn", "0e700001", &[]).await;
    apns.script(
        "0e700001",
        [(403, json!({"reason": "InvalidProviderToken"}), None)],
    );
    say(&t, &svc, "alice", "again").await;
    apns.wait_for(2, WAIT).await;
    let entries = log(&t, &svc, 4).await;
    assert_eq!(entries[0]["outcome"], "rejected", "{entries:?}");
    let r = t.get(&format!("/v2/Credentials/{apn}"), Auth::Admin).await;
    assert!(
        r.body["failure"]
            .as_str()
            .unwrap_or("")
            .contains("InvalidProviderToken"),
        "{:?}",
        r.body
    );
    tokio::time::sleep(Duration::from_millis(1500)).await; // a retry would come within ~1 s
    assert_eq!(
        apns.to("0e700001").len(),
        1,
        "a refused credential is not retried"
    );
    // Updating the credential clears the mark.
    let r = t
        .post(
            &format!("/v2/Credentials/{apn}"),
            Auth::Admin,
            &[("FriendlyName", "fixed")],
        )
        .await;
    assert_eq!(r.body["failure"], Value::Null, "{:?}", r.body);
}

#[tokio::test]
async fn a_busy_apns_is_retried_until_delivered_and_a_bad_device_token_deletes_its_binding() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let apns = push_sinks::apns().await;
    let t = server(&fcm, Some(&apns)).await;
    apn_credential(&t).await;
    let svc = service(&t, &[]).await;
    let bobs = bind(&t, &svc, "bob", "apn", "b0b00001", &[]).await;
    let carols = bind(&t, &svc, "carol", "apn", "ca401001", &[]).await;
    apns.script(
        "b0b00001",
        [
            (429, json!({"reason": "TooManyRequests"}), None),
            (429, json!({"reason": "TooManyRequests"}), Some(1)),
            (503, json!({"reason": "ServiceUnavailable"}), None),
        ],
    );
    apns.script(
        "ca401001",
        [(400, json!({"reason": "BadDeviceToken"}), None)],
    );
    say(&t, &svc, "alice", "are you there?").await;
    apns.wait_for(5, WAIT).await;
    assert_eq!(
        apns.to("b0b00001").len(),
        4,
        "a 429, a 429 with Retry-After, a 503, then the push: {:?} refused {:?}",
        apns.pushes(),
        apns.refused()
    );
    let at = apns.arrivals("b0b00001");
    assert!(
        at[2] - at[1] >= Duration::from_millis(900),
        "the retry came {:?} after a 429 that asked for 1 s",
        at[2] - at[1]
    );
    let entries = log(&t, &svc, 5).await;
    let to_bob = entries_for(&entries, &bobs);
    let outcomes: Vec<&str> = to_bob
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(
        outcomes,
        ["delivered", "retrying", "retrying", "retrying"],
        "newest first: {entries:?}"
    );
    let details: Vec<&str> = to_bob.iter().filter_map(|e| e["detail"].as_str()).collect();
    assert!(
        details[0].contains("503") && details[1].contains("429") && details[2].contains("429"),
        "{details:?}"
    );

    // BadDeviceToken: the token is dead, like a 410; the binding goes.
    assert_eq!(apns.to("ca401001").len(), 1, "not retried");
    let to_carol = entries_for(&entries, &carols);
    assert_eq!(to_carol.len(), 1, "{entries:?}");
    assert_eq!(to_carol[0]["outcome"], "dropped", "{entries:?}");
    let r = t
        .get(
            &format!("/v2/Services/{svc}/Bindings/{carols}"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{:?}", r.body);
    let r = t
        .get(&format!("/v2/Services/{svc}/Bindings/{bobs}"), Auth::Admin)
        .await;
    assert_eq!(r.status, StatusCode::OK, "a busy provider kills no binding");
    assert!(apns.refused().is_empty(), "{:?}", apns.refused());
}

#[tokio::test]
async fn the_apns_sink_refuses_provider_tokens_apple_would_refuse() {
    let apns = push_sinks::apns().await;
    let http = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("client");
    let key = jsonwebtoken::EncodingKey::from_ec_pem(push_sinks::APNS_KEY.as_bytes())
        .expect("the .p8 key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(push_sinks::KEY_ID.to_owned());
    let now = push_sinks::unix_now();
    for (claims, status, reason) in [
        (
            json!({"iss": push_sinks::TEAM_ID, "iat": now - 60}),
            StatusCode::OK,
            None,
        ),
        (
            json!({"iss": push_sinks::TEAM_ID, "iat": now - 3700}),
            StatusCode::FORBIDDEN,
            Some("ExpiredProviderToken"),
        ),
        (
            json!({"iss": push_sinks::TEAM_ID, "iat": now + 600}),
            StatusCode::FORBIDDEN,
            Some("InvalidProviderToken"),
        ),
        (
            json!({"iss": push_sinks::TEAM_ID}),
            StatusCode::FORBIDDEN,
            Some("InvalidProviderToken"),
        ),
    ] {
        let jwt = jsonwebtoken::encode(&header, &claims, &key).expect("signed");
        let r = http
            .post(format!("{}/3/device/ab12", apns.url))
            .header("authorization", format!("bearer {jwt}"))
            .header("apns-topic", push_sinks::TOPIC)
            .header("apns-push-type", "alert")
            .json(&json!({"aps": {"alert": {"body": "hi"}}}))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), status, "{claims}");
        if let Some(reason) = reason {
            let body: Value = r.json().await.expect("json");
            assert_eq!(body["reason"], reason, "{claims}");
        }
    }
    assert_eq!(apns.to("ab12").len(), 1, "only the fresh token got through");
}

#[tokio::test]
async fn a_busy_provider_is_retried_and_a_restart_delivers_once() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    fcm_credential(&t, &fcm).await;
    let svc = service(&t, &[]).await;
    bind(&t, &svc, "bob", "fcm", "tok-bob", &[]).await;
    fcm.script(
        "tok-bob",
        [
            (503, json!({"error": {"status": "UNAVAILABLE"}}), None),
            (429, json!({"error": {"status": "RESOURCE_EXHAUSTED", "details": [{"errorCode": "QUOTA_EXCEEDED"}]}}), Some(2)),
        ],
    );
    say(&t, &svc, "alice", "first").await;
    let pushes = fcm.wait_for(3, WAIT).await;
    assert_eq!(pushes.len(), 3, "a 503, a 429, then the retry: {pushes:?}");
    let at = fcm.arrivals("tok-bob");
    let gap = at[2] - at[1];
    assert!(
        gap >= Duration::from_millis(1900),
        "the retry came {gap:?} after a 429 that asked for 2 s"
    );
    let entries = log(&t, &svc, 3).await;
    let outcomes: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["delivered", "retrying", "retrying"]);
    assert!(
        entries[1]["detail"].as_str().unwrap_or("").contains("429"),
        "{entries:?}"
    );

    // The provider is down; a push is queued; the server restarts; the
    // provider comes back: the push arrives once.
    let down = common::free_port();
    let t = t
        .restart(move |o| o.push_urls.fcm = format!("http://127.0.0.1:{down}"))
        .await;
    say(&t, &svc, "alice", "while down").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while !log(&t, &svc, 3).await.iter().any(|e| {
        e["outcome"] == "retrying" && e["detail"].as_str().unwrap_or("").contains("refused")
    }) {
        assert!(tokio::time::Instant::now() < deadline, "no failed attempt");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The token endpoint stays the first sink's (it is in the service
    // account): the sink coming back takes the tokens it issues.
    let back = push_sinks::fcm_trusting(
        &format!("127.0.0.1:{down}"),
        fcm.shared.tokens_issued.clone(),
    )
    .await;
    let t = t
        .restart(move |o| o.push_urls.fcm = format!("http://127.0.0.1:{down}"))
        .await;
    let pushes = back.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "{pushes:?} refused {:?}", back.refused());
    assert_eq!(
        pushes[0].1["message"]["data"]["twi_body"],
        "General;Alice: while down"
    );
    // Nothing more arrives for it.
    say(&t, &svc, "alice", "after").await;
    let pushes = back.wait_for(2, WAIT).await;
    let bodies: Vec<&str> = pushes
        .iter()
        .filter_map(|(_, b)| b["message"]["data"]["twi_body"].as_str())
        .collect();
    assert_eq!(
        bodies,
        ["General;Alice: while down", "General;Alice: after"]
    );
}

#[tokio::test]
async fn a_user_cannot_register_read_or_delete_another_users_devices() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    fcm_credential(&t, &fcm).await;
    let svc = service(&t, &[]).await;
    let alices = bind(&t, &svc, "alice", "fcm", "tok-alice", &[]).await;
    let bob = t.token(&svc, "bob");
    let hers = format!("/v2/Services/{svc}/Users/alice/Bindings");
    let refused = |r: &common::Reply, what: &str| {
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::FORBIDDEN, 50107),
            "{what}: {:?}",
            r.body
        );
    };

    // Under her user: 403 50107 ("User not authorized for command").
    let r = t
        .post(
            &hers,
            Auth::Token(&bob),
            &[
                ("BindingType", "fcm"),
                ("Endpoint", "bobs-phone"),
                ("Address", "tok-bob-posing-as-alice"),
            ],
        )
        .await;
    refused(&r, "registering a device for her");
    refused(&t.get(&hers, Auth::Token(&bob)).await, "listing hers");
    refused(
        &t.get(&format!("{hers}/{alices}"), Auth::Token(&bob)).await,
        "reading hers",
    );
    refused(
        &t.delete(&format!("{hers}/{alices}"), Auth::Token(&bob))
            .await,
        "deleting hers",
    );
    // Under the service: her binding is not there for him (404 20404).
    let theirs = format!("/v2/Services/{svc}/Bindings/{alices}");
    for r in [
        t.get(&theirs, Auth::Token(&bob)).await,
        t.delete(&theirs, Auth::Token(&bob)).await,
    ] {
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, 20404),
            "{:?}",
            r.body
        );
    }
    let r = t
        .get(&format!("/v2/Services/{svc}/Bindings"), Auth::Token(&bob))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["bindings"], json!([]), "he sees only his own");

    // Hers is untouched, and nothing was added in her name.
    let alice = t.token(&svc, "alice");
    let r = t.get(&hers, Auth::Token(&alice)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let sids: Vec<&str> = r.body["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["sid"].as_str())
        .collect();
    assert_eq!(sids, [alices.as_str()], "{:?}", r.body);
    say(&t, &svc, "bob", "still yours?").await;
    let pushes = fcm.wait_for(1, WAIT).await;
    let devices: Vec<&str> = pushes.iter().map(|(d, _)| d.as_str()).collect();
    assert_eq!(devices, ["tok-alice"], "her device still gets her pushes");
}

#[tokio::test]
async fn with_the_delivery_log_off_pushes_are_delivered_but_not_logged() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    fcm_credential(&t, &fcm).await;
    let svc = service(&t, &[("Notifications.LogEnabled", "false")]).await;
    bind(&t, &svc, "bob", "fcm", "tok-bob", &[]).await;
    say(&t, &svc, "alice", "off the record").await;
    let pushes = fcm.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "refused: {:?}", fcm.refused());
    tokio::time::sleep(Duration::from_millis(500)).await; // a log entry follows the answer
    assert_eq!(deliveries(&t, &svc).await, Vec::<Value>::new());

    // Turned on, the log keeps the next push, and only that one.
    let r = t
        .post(
            &format!("/v2/Services/{svc}"),
            Auth::Admin,
            &[("Notifications.LogEnabled", "true")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    say(&t, &svc, "alice", "on the record").await;
    assert_eq!(fcm.wait_for(2, WAIT).await.len(), 2);
    let entries = log(&t, &svc, 1).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["outcome"], "delivered", "{entries:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(deliveries(&t, &svc).await.len(), 1);
}

#[tokio::test]
async fn credentials_are_checked_when_stored_and_their_secrets_never_shown() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    let before = t.get("/v2/Credentials", Auth::Admin).await.body["credentials"]
        .as_array()
        .map(Vec::len);
    let bad_key = json!({"project_id": "p", "client_email": "e@x", "private_key": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "token_uri": "http://127.0.0.1:1/token"}).to_string();
    let metadata = push_sinks::service_account(&fcm).replace("127.0.0.1", "169.254.169.254");
    for (form, says) in [
        (
            vec![("Type", "fcm"), ("Secret", "not json")],
            "service-account JSON",
        ),
        (
            vec![("Type", "fcm"), ("Secret", r#"{"project_id":"p"}"#)],
            "client_email",
        ),
        (
            vec![("Type", "fcm"), ("Secret", bad_key.as_str())],
            "RSA private key",
        ),
        (
            vec![("Type", "fcm"), ("Secret", metadata.as_str())],
            "token_uri",
        ),
        (vec![("Type", "fcm")], "Secret"),
        (
            vec![
                ("Type", "apn"),
                ("PrivateKey", push_sinks::APNS_KEY),
                ("ApnKeyId", push_sinks::KEY_ID),
                ("ApnTeamId", push_sinks::TEAM_ID),
            ],
            "ApnTopic",
        ),
        (
            vec![
                ("Type", "apn"),
                ("PrivateKey", "garbage"),
                ("ApnKeyId", push_sinks::KEY_ID),
                ("ApnTeamId", push_sinks::TEAM_ID),
                ("ApnTopic", "a.b"),
            ],
            ".p8",
        ),
        (
            vec![
                ("Type", "apn"),
                ("PrivateKey", push_sinks::APNS_KEY),
                ("ApnKeyId", "short"),
                ("ApnTeamId", push_sinks::TEAM_ID),
                ("ApnTopic", "a.b"),
            ],
            "ApnKeyId",
        ),
        (
            vec![
                ("Type", "apn"),
                ("Certificate", "not a certificate"),
                ("PrivateKey", push_sinks::APNS_KEY),
            ],
            "Certificate",
        ),
        (vec![("Type", "apn")], "PrivateKey"),
    ] {
        let r = t.post("/v2/Credentials", Auth::Admin, &form).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{form:?}: {:?}", r.body);
        assert!(
            r.body["message"].as_str().unwrap_or("").contains(says),
            "{form:?}: {:?}",
            r.body
        );
    }
    let after = t.get("/v2/Credentials", Auth::Admin).await;
    assert_eq!(
        after.body["credentials"].as_array().map(Vec::len),
        before,
        "nothing stored"
    );

    let sid = fcm_credential(&t, &fcm).await;
    let shown = t
        .get(&format!("/v2/Credentials/{sid}"), Auth::Admin)
        .await
        .body
        .to_string();
    let listed = t.get("/v2/Credentials", Auth::Admin).await.body.to_string();
    for text in [shown, listed] {
        assert!(
            !text.contains("PRIVATE KEY") && !text.contains(push_sinks::CLIENT_EMAIL),
            "{text}"
        );
    }
    // Device tokens are what the providers issue, nothing that could steer a
    // request elsewhere.
    let svc0 = t.service().await;
    let alice = t.token(&svc0, "alice");
    for (kind, address) in [
        ("apn", "../../x?y"),
        ("apn", "not-hex"),
        ("fcm", "a/b"),
        ("fcm", "a b"),
    ] {
        let r = t
            .post(
                &format!("/v2/Services/{svc0}/Users/alice/Bindings"),
                Auth::Token(&alice),
                &[
                    ("BindingType", kind),
                    ("Endpoint", "e"),
                    ("Address", address),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{kind} {address}: {:?}",
            r.body
        );
    }
    // An update that breaks it is refused and the working one kept.
    let r = t
        .post(
            &format!("/v2/Credentials/{sid}"),
            Auth::Admin,
            &[("Secret", "{}")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let svc = service(&t, &[]).await;
    bind(&t, &svc, "bob", "fcm", "tok-bob", &[]).await;
    say(&t, &svc, "alice", "still works").await;
    assert_eq!(fcm.wait_for(1, WAIT).await.len(), 1);
}

#[tokio::test]
async fn apns_certificate_auth_presents_the_client_certificate_over_tls() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let apns = push_sinks::apns_tls().await;
    let (f, a) = (fcm.url.clone(), apns.url.clone());
    let t = TestServer::start_with(move |o| {
        o.push_urls.fcm = f;
        o.push_urls.apns = a.clone();
        o.push_urls.apns_sandbox = a;
        o.push_urls.extra_roots = Some(push_sinks::CA.to_owned());
    })
    .await;
    let r = t
        .post(
            "/v2/Credentials",
            Auth::Admin,
            &[
                ("Type", "apn"),
                ("Certificate", push_sinks::CLIENT_CERT),
                ("PrivateKey", push_sinks::CLIENT_KEY),
                ("ApnTopic", push_sinks::TOPIC),
                ("Sandbox", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["sandbox"], "True");
    let svc = service(&t, &[]).await;
    bind(&t, &svc, "bob", "apn", "b0b00001", &[]).await;
    say(&t, &svc, "alice", "over TLS").await;
    let pushes = apns.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "refused: {:?}", apns.refused());
    assert_eq!(
        pushes[0].1["aps"]["alert"]["body"],
        "General;Alice: over TLS"
    );
    assert!(apns.refused().is_empty(), "{:?}", apns.refused());
}

#[tokio::test]
async fn a_test_push_from_the_console_reaches_one_device_and_is_logged() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let t = server(&fcm, None).await;
    fcm_credential(&t, &fcm).await;
    // Pushes off and not logged: a test push goes and is logged anyway.
    let svc = t.service().await;
    let b = bind(&t, &svc, "bob", "fcm", "tok-bob", &[]).await;
    bind(&t, &svc, "bob", "fcm", "tok-bob-tablet", &[]).await;
    let path = format!("/admin/Services/{svc}/Bindings/{b}/TestPush");
    let bob = t.token(&svc, "bob");
    assert_eq!(
        t.post(&path, Auth::Token(&bob), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = t.post(&path, Auth::Admin, &[]).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let pushes = fcm.wait_for(1, WAIT).await;
    assert_eq!(pushes.len(), 1, "one device: {pushes:?}");
    assert_eq!(pushes[0].0, "tok-bob");
    assert_eq!(
        pushes[0].1["message"]["data"]["twi_body"],
        "A test push from the Parley console"
    );
    let entries = log(&t, &svc, 1).await;
    assert_eq!(entries[0]["outcome"], "delivered", "{entries:?}");
    assert_eq!(
        entries[0]["target"].as_str().map(|s| s.contains(&b)),
        Some(true),
        "{entries:?}"
    );
    let r = t
        .post(
            &format!("/admin/Services/{svc}/Bindings/BS00000000000000000000000000000000/TestPush"),
            Auth::Admin,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
