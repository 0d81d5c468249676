//! Snapshots (insta) of every wire shape as the server renders it — each
//! REST resource and list page, the token endpoint's answers, error bodies,
//! the realtime frames and the change feed — with SIDs, dates, tokens and
//! the port replaced by placeholders. A change of shape is a visible diff in
//! `tests/it/snapshots/`; accept an intended one with `cargo insta review`
//! (or `INSTA_UPDATE=always`).

use crate::common;

use std::time::Duration;

use common::{Auth, TestServer, WsAuth};
use serde_json::Value;

/// The value with everything that differs between runs replaced.
fn stable(v: &Value, base: &str) -> Value {
    let sid = regex::Regex::new(r"\b([A-Z]{2})[0-9a-f]{32}\b").expect("re");
    let date = regex::Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$").expect("re");
    let rfc2822 = regex::Regex::new(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} ").expect("re");
    match v {
        Value::String(s) if date.is_match(s) => Value::String("[date]".into()),
        Value::String(s) if rfc2822.is_match(s) => Value::String("[rfc2822 date]".into()),
        Value::String(s) if s.starts_with("eyJ") => Value::String("[jwt]".into()),
        Value::String(s) => {
            let s = s.replace(base, "http://[server]");
            Value::String(sid.replace_all(&s, "${1}[sid]").into_owned())
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| stable(x, base)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let secret = matches!(
                        k.as_str(),
                        "secret" | "refresh_token" | "device_token" | "access_token"
                    );
                    // Times and feed cursors differ between runs and engines.
                    let moving =
                        k.ends_with("expires_at") || matches!(k.as_str(), "cursor" | "next_since");
                    let x = if secret || (moving && x.is_number()) {
                        Value::String(format!("[{k}]"))
                    } else {
                        stable(x, base)
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[tokio::test]
async fn every_resource_and_frame_keeps_its_shape() {
    let t = TestServer::start().await;
    let base = t.url("");
    let snap = |name: &str, v: &Value| {
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_json_snapshot!(name, stable(v, &base));
        });
    };
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    snap("service", &t.get(&s, Auth::Admin).await.body);
    snap(
        "services_page",
        &t.get("/v2/Services?PageSize=1", Auth::Admin).await.body,
    );
    let role = t
        .post(
            &format!("{s}/Roles"),
            Auth::Admin,
            &[
                ("FriendlyName", "mod"),
                ("Type", "channel"),
                ("Permission", "sendMessage"),
            ],
        )
        .await;
    snap("role", &role.body);
    snap(
        "user",
        &t.post(
            &format!("{s}/Users"),
            Auth::Admin,
            &[("Identity", "alice"), ("FriendlyName", "Alice")],
        )
        .await
        .body,
    );
    snap(
        "channel",
        &t.post(
            &format!("{s}/Channels"),
            Auth::Admin,
            &[("UniqueName", "room"), ("FriendlyName", "Room")],
        )
        .await
        .body,
    );
    snap(
        "member",
        &t.post(
            &format!("{s}/Channels/room/Members"),
            Auth::Admin,
            &[("Identity", "alice")],
        )
        .await
        .body,
    );
    snap(
        "message",
        &t.post(
            &format!("{s}/Channels/room/Messages"),
            Auth::Admin,
            &[("Body", "hello"), ("From", "alice")],
        )
        .await
        .body,
    );
    snap(
        "messages_page",
        &t.get(&format!("{s}/Channels/room/Messages"), Auth::Admin)
            .await
            .body,
    );
    snap(
        "invite",
        &t.post(
            &format!("{s}/Channels/room/Invites"),
            Auth::Admin,
            &[("Identity", "bob")],
        )
        .await
        .body,
    );
    snap(
        "channel_webhook",
        &t.post(
            &format!("{s}/Channels/room/Webhooks"),
            Auth::Admin,
            &[
                ("Type", "webhook"),
                ("Configuration.Url", "http://127.0.0.1:9/hook"),
            ],
        )
        .await
        .body,
    );
    snap(
        "credential",
        &t.post(
            "/v2/Credentials",
            Auth::Admin,
            &[
                ("Type", "fcm"),
                ("FriendlyName", "android"),
                (
                    "Secret",
                    &serde_json::json!({
                        "project_id": "parley-test",
                        "client_email": "push@parley-test.iam.gserviceaccount.com",
                        "private_key": crate::common::push_sinks::FCM_KEY,
                    })
                    .to_string(),
                ),
            ],
        )
        .await
        .body,
    );
    let alice = t.token(&svc, "alice");
    snap(
        "user_channel",
        &t.get(
            &format!("{s}/Users/alice/Channels/room"),
            Auth::Token(&alice),
        )
        .await
        .body,
    );
    snap(
        "user_binding",
        &t.post(
            &format!("{s}/Users/alice/Bindings"),
            Auth::Token(&alice),
            &[("BindingType", "fcm"), ("Endpoint", "device-1")],
        )
        .await
        .body,
    );
    let acc = t.server.app.account_sid.clone();
    snap(
        "api_key_created",
        &t.post(
            &format!("/2010-04-01/Accounts/{acc}/Keys.json"),
            Auth::Admin,
            &[("FriendlyName", "bot")],
        )
        .await
        .body,
    );
    snap(
        "error",
        &t.get(&format!("{s}/Channels/nowhere"), Auth::Admin)
            .await
            .body,
    );
    t.set_password(&svc, "alice", "correct horse").await;
    let signed_in = t
        .post(
            "/auth/token",
            Auth::None,
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "correct horse"),
            ],
        )
        .await;
    snap("token_response", &signed_in.body);
    snap(
        "token_error",
        &t.post(
            "/auth/token",
            Auth::None,
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "no"),
            ],
        )
        .await
        .body,
    );
    snap(
        "changes_page",
        &t.get(
            &format!("{s}/Users/alice/Changes?Since=0&PageSize=2"),
            Auth::Token(&alice),
        )
        .await
        .body,
    );

    let mut ws = t.ws(&svc, WsAuth::Header(&alice), None).await;
    let wait = Duration::from_secs(5);
    let (caught_up, before) = ws.until("caughtUp", wait).await;
    snap("frame_connected", &before[0]);
    snap("frame_caught_up", &caught_up);
    t.post(
        &format!("{s}/Channels/room/Messages"),
        Auth::Admin,
        &[("Body", "live"), ("From", "alice")],
    )
    .await;
    let (event, _) = ws.until("messageAdded", wait).await;
    snap("frame_event", &event);
}
