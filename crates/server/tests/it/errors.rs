//! Bad input gets Twilio's error body with the right status and code, never a
//! panic or a hang.

use crate::common;

use common::{Auth, TestServer};
use reqwest::StatusCode;

fn assert_error(r: &common::Reply, status: u16, code: u64, why: &str) {
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (status, code),
        "{why}: {:?}",
        r.body
    );
    assert_eq!(
        r.body["status"].as_u64(),
        Some(status as u64),
        "{why}: body carries the status"
    );
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{why}: body has a message"
    );
    assert_eq!(
        r.body["more_info"].as_str(),
        Some(format!("https://www.twilio.com/docs/errors/{code}").as_str()),
        "{why}: more_info links the code"
    );
}

#[tokio::test]
async fn every_documented_error_code_is_returned_where_it_applies() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    let ch = t
        .post(
            &format!("{s}/Channels"),
            Auth::Admin,
            &[("UniqueName", "room")],
        )
        .await;
    assert_eq!(ch.status, StatusCode::CREATED);
    let c = format!("{s}/Channels/room");
    t.post(&format!("{c}/Members"), Auth::Admin, &[("Identity", "ann")])
        .await;
    let long = "x".repeat(300);
    let huge_attr = format!("\"{}\"", "a".repeat(17 * 1024));
    let body_33k = "b".repeat(33 * 1024);

    let cases: Vec<(common::Reply, u16, u64, &str)> = vec![
        (
            t.post("/v2/Services", Auth::Admin, &[]).await,
            400,
            50000,
            "service without FriendlyName",
        ),
        (
            t.post("/v2/Services", Auth::Admin, &[("FriendlyName", &long)])
                .await,
            400,
            50003,
            "friendly name too long",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("UniqueName", &long)],
            )
            .await,
            400,
            50004,
            "unique name too long",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("UniqueName", "CH0123456789abcdef0123456789abcdef")],
            )
            .await,
            400,
            50306,
            "unique name like a SID",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("UniqueName", "room")],
            )
            .await,
            409,
            50307,
            "duplicate unique name",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("Attributes", &huge_attr)],
            )
            .await,
            400,
            50303,
            "attributes too long",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("Attributes", "{not json")],
            )
            .await,
            400,
            50304,
            "attributes not JSON",
        ),
        (
            t.post(
                &format!("{s}/Channels"),
                Auth::Admin,
                &[("DateCreated", "yesterday")],
            )
            .await,
            400,
            50308,
            "bad DateCreated",
        ),
        (
            t.get(&format!("{s}/Channels/nope"), Auth::Admin).await,
            404,
            50300,
            "channel not found",
        ),
        (
            t.post(&format!("{s}/Users"), Auth::Admin, &[]).await,
            400,
            50204,
            "identity not provided",
        ),
        (
            t.post(
                &format!("{s}/Users"),
                Auth::Admin,
                &[("Identity", "US0123456789abcdef0123456789abcdef")],
            )
            .await,
            400,
            50206,
            "identity like a SID",
        ),
        (
            t.post(&format!("{s}/Users"), Auth::Admin, &[("Identity", &long)])
                .await,
            400,
            50207,
            "identity too long",
        ),
        (
            t.post(&format!("{s}/Users"), Auth::Admin, &[("Identity", "ann")])
                .await,
            409,
            50201,
            "user exists",
        ),
        (
            t.get(&format!("{s}/Users/ghost"), Auth::Admin).await,
            404,
            50200,
            "user not found",
        ),
        (
            t.post(&format!("{c}/Members"), Auth::Admin, &[("Identity", "ann")])
                .await,
            409,
            50404,
            "member exists",
        ),
        (
            t.get(&format!("{c}/Members/ghost"), Auth::Admin).await,
            404,
            50402,
            "member not found",
        ),
        (
            t.post(
                &format!("{c}/Members/ann"),
                Auth::Admin,
                &[("LastConsumedMessageIndex", "abc")],
            )
            .await,
            400,
            50406,
            "bad horizon",
        ),
        (
            t.post(
                &format!("{c}/Members/ann"),
                Auth::Admin,
                &[("LastConsumptionTimestamp", "soon")],
            )
            .await,
            400,
            50405,
            "bad timestamp",
        ),
        (
            t.post(&format!("{c}/Messages"), Auth::Admin, &[]).await,
            400,
            50503,
            "message without body",
        ),
        (
            t.post(
                &format!("{c}/Messages"),
                Auth::Admin,
                &[("Body", &body_33k)],
            )
            .await,
            400,
            50504,
            "body over 32 KiB",
        ),
        (
            t.post(
                &format!("{c}/Messages"),
                Auth::Admin,
                &[("Body", "x"), ("LastUpdatedBy", &long)],
            )
            .await,
            400,
            50505,
            "LastUpdatedBy too long",
        ),
        (
            t.post(
                &format!("{c}/Messages"),
                Auth::Admin,
                &[("MediaSid", "ME0123456789abcdef0123456789abcdef")],
            )
            .await,
            404,
            50507,
            "media not found",
        ),
        (
            t.get(
                &format!("{c}/Messages/IM0123456789abcdef0123456789abcdef"),
                Auth::Admin,
            )
            .await,
            404,
            50500,
            "message not found",
        ),
        (
            t.get(
                &format!("{c}/Invites/IN0123456789abcdef0123456789abcdef"),
                Auth::Admin,
            )
            .await,
            404,
            50601,
            "invite not found",
        ),
        (
            t.get(
                &format!("{s}/Roles/RL0123456789abcdef0123456789abcdef"),
                Auth::Admin,
            )
            .await,
            404,
            50100,
            "role not found",
        ),
        (
            t.post(
                &format!("{s}/Roles"),
                Auth::Admin,
                &[
                    ("FriendlyName", "r"),
                    ("Type", "channel"),
                    ("Permission", "createChannel"),
                ],
            )
            .await,
            400,
            50104,
            "permission of the other role type",
        ),
        (
            t.post(
                &format!("{s}/Roles"),
                Auth::Admin,
                &[
                    ("FriendlyName", "r"),
                    ("Type", "galaxy"),
                    ("Permission", "sendMessage"),
                ],
            )
            .await,
            400,
            50105,
            "bad role type",
        ),
        (
            t.post(
                &format!("{s}/Users/ann/Channels/room"),
                Auth::Admin,
                &[("NotificationLevel", "loud")],
            )
            .await,
            400,
            50210,
            "bad notification level",
        ),
        (
            t.post(&s, Auth::Admin, &[("TypingIndicatorTimeout", "soon")])
                .await,
            400,
            50053,
            "bad typing timeout",
        ),
        (
            t.post(&s, Auth::Admin, &[("Limits.UserChannels", "1001")])
                .await,
            400,
            50061,
            "user channel limit over 1000",
        ),
        (
            t.post(&s, Auth::Admin, &[("WebhookMethod", "PUT")]).await,
            400,
            50055,
            "bad webhook method",
        ),
        (
            t.post(&s, Auth::Admin, &[("PostWebhookUrl", "ftp://x")])
                .await,
            400,
            50054,
            "bad webhook url",
        ),
        (
            t.post(&s, Auth::Admin, &[("ReadStatusEnabled", "maybe")])
                .await,
            400,
            20001,
            "bad boolean",
        ),
        (
            t.get(&format!("{s}/Channels?PageSize=abc"), Auth::Admin)
                .await,
            400,
            20001,
            "bad PageSize",
        ),
        (
            t.get(&format!("{s}/Channels?PageToken=garbage"), Auth::Admin)
                .await,
            400,
            20001,
            "bad PageToken",
        ),
        (
            t.get(&format!("{s}/Channels?Page=-1"), Auth::Admin).await,
            400,
            19038,
            "negative page",
        ),
        (
            t.get(
                "/v2/Services/IS0123456789abcdef0123456789abcdef",
                Auth::Admin,
            )
            .await,
            404,
            20404,
            "unknown service",
        ),
        (
            t.get("/v2/Nothing", Auth::Admin).await,
            404,
            20404,
            "unknown route",
        ),
        (t.get(&s, Auth::None).await, 401, 20003, "no credentials"),
        (
            t.call(reqwest::Method::PUT, &s, Auth::Admin, &[]).await,
            405,
            20004,
            "method not allowed",
        ),
        (
            t.post(
                &format!("{c}/Webhooks"),
                Auth::Admin,
                &[("Type", "webhook")],
            )
            .await,
            400,
            50329,
            "webhook url missing",
        ),
        (
            t.post(&format!("{c}/Webhooks"), Auth::Admin, &[("Type", "pigeon")])
                .await,
            400,
            50324,
            "bad webhook type",
        ),
    ];
    for (reply, status, code, why) in &cases {
        assert_error(reply, *status, *code, why);
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let t = TestServer::start().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = t
        .post("/v2/Services", Auth::Admin, &[("FriendlyName", &big)])
        .await;
    assert_error(&r, 413, 20001, "2 MiB form body");
    let r = t.get("/v2/Services", Auth::Admin).await;
    assert_eq!(r.status, StatusCode::OK, "the server is still healthy");
}

#[tokio::test]
async fn setting_the_horizon_to_null_means_nothing_read() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let c = format!("/v2/Services/{svc}/Channels/lobby");
    t.post(
        &format!("/v2/Services/{svc}/Channels"),
        Auth::Admin,
        &[("UniqueName", "lobby")],
    )
    .await;
    t.post(&format!("{c}/Members"), Auth::Admin, &[("Identity", "ann")])
        .await;
    for i in 0..3 {
        t.post(
            &format!("{c}/Messages"),
            Auth::Admin,
            &[("Body", &format!("m{i}"))],
        )
        .await;
    }
    let uc = format!("/v2/Services/{svc}/Users/ann/Channels/lobby");
    let r = t
        .post(
            &format!("{c}/Members/ann"),
            Auth::Admin,
            &[("LastConsumedMessageIndex", "1")],
        )
        .await;
    assert_eq!(r.body["last_consumed_message_index"], 1);
    assert!(
        r.body["last_consumption_timestamp"].is_string(),
        "reading stamps the time"
    );
    assert_eq!(
        t.get(&uc, Auth::Admin).await.body["unread_messages_count"],
        1
    );
    let r = t
        .post(
            &format!("{c}/Members/ann"),
            Auth::Admin,
            &[("LastConsumedMessageIndex", "")],
        )
        .await;
    assert!(r.body["last_consumed_message_index"].is_null());
    assert_eq!(
        t.get(&uc, Auth::Admin).await.body["unread_messages_count"],
        3,
        "null horizon: all unread"
    );
    let r = t
        .post(&uc, Auth::Admin, &[("LastConsumedMessageIndex", "2")])
        .await;
    assert_eq!(r.body["unread_messages_count"], 0);
    let member = t.get(&format!("{c}/Members/ann"), Auth::Admin).await;
    assert_eq!(
        member.body["last_consumed_message_index"], 2,
        "member and user channel share one horizon"
    );
}

#[tokio::test]
async fn responses_carry_exactly_the_documented_fields() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "r")],
    )
    .await;
    let m = t
        .post(
            &format!("{s}/Channels/r/Messages"),
            Auth::Admin,
            &[("Body", "x")],
        )
        .await;
    let mut keys: Vec<&str> = m
        .body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    let mut expected = vec![
        "sid",
        "account_sid",
        "attributes",
        "service_sid",
        "to",
        "channel_sid",
        "date_created",
        "date_updated",
        "last_updated_by",
        "was_edited",
        "from",
        "body",
        "index",
        "type",
        "media",
        "url",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let date = m.body["date_created"].as_str().unwrap_or_default();
    assert!(
        date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T',
        "dates look like 2016-03-24T20:37:57Z, got {date}"
    );
    assert_eq!(m.body["attributes"], "{}", "attributes is a JSON string");
}

/// Push and webhook settings out of range get Twilio's codes, and a request
/// with one bad setting changes nothing, not even its good ones.
#[tokio::test]
async fn bad_push_and_webhook_settings_are_refused_and_nothing_is_stored() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    let ch = t
        .post(
            &format!("{s}/Channels"),
            Auth::Admin,
            &[("UniqueName", "room")],
        )
        .await;
    assert_eq!(ch.status, StatusCode::CREATED);
    let long_template = "t".repeat(1025);
    let rename = ("FriendlyName", "renamed");
    let cases: Vec<(Vec<(&str, &str)>, u64, &str)> = vec![
        (
            vec![
                rename,
                ("Notifications.NewMessage.Template", &long_template),
            ],
            50058,
            "template over 1024 characters",
        ),
        (
            vec![
                rename,
                ("Notifications.AddedToChannel.Template", &long_template),
            ],
            50058,
            "membership template over 1024 characters",
        ),
        (
            vec![rename, ("PreWebhookRetryCount", "4")],
            50065,
            "pre-event retries above 3",
        ),
        (
            vec![rename, ("PostWebhookRetryCount", "-1")],
            50065,
            "negative post-event retries",
        ),
        (
            vec![rename, ("PreWebhookRetryCount", "many")],
            50065,
            "retries not a number",
        ),
        (
            vec![rename, ("Notifications.Birthday.Enabled", "true")],
            20001,
            "a push type Twilio does not have",
        ),
        (
            vec![rename, ("Notifications.NewMessage.Colour", "red")],
            20001,
            "a setting a push type does not have",
        ),
    ];
    for (form, code, why) in &cases {
        let r = t.post(&s, Auth::Admin, form).await;
        assert_error(&r, 400, *code, why);
    }
    let r = t
        .post(
            &format!("{s}/Channels/room/Webhooks"),
            Auth::Admin,
            &[
                ("Type", "webhook"),
                ("Configuration.Url", "http://127.0.0.1:9/hook"),
                ("Configuration.RetryCount", "9"),
            ],
        )
        .await;
    assert_error(&r, 400, 50065, "channel webhook retries above 3");

    let now = t.get(&s, Auth::Admin).await;
    assert_ne!(
        now.body["friendly_name"], "renamed",
        "no bad request renamed the service"
    );
    let n = &now.body["notifications"];
    assert!(n["new_message"]["template"].is_null(), "{n}");
    assert!(n["added_to_channel"]["template"].is_null(), "{n}");
    assert_eq!(now.body["pre_webhook_retry_count"], 0);
    assert_eq!(now.body["post_webhook_retry_count"], 0);
    let hooks = t
        .get(&format!("{s}/Channels/room/Webhooks"), Auth::Admin)
        .await;
    assert_eq!(hooks.body["webhooks"].as_array().map(Vec::len), Some(0));

    // The same settings in range are taken.
    let ok = t
        .post(
            &s,
            Auth::Admin,
            &[
                ("Notifications.NewMessage.Template", &"t".repeat(1024)),
                ("PreWebhookRetryCount", "3"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(ok.body["pre_webhook_retry_count"], 3);
}
