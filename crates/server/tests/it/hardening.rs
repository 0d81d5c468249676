//! What an attacker, a slow network or a careless client finds: sign-in
//! floods and lock-out attempts, private channels probed by name, look-alike
//! identities, resurrected users, revoked keys, oversize frames, slow and
//! idle connections, metadata-address webhooks.

use crate::common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::push_sinks;
use common::{Auth, TestServer, WsAuth};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sign_in(
    t: &TestServer,
    user: &str,
    password: &str,
    device: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = vec![
        ("grant_type", "password"),
        ("username", user),
        ("password", password),
    ];
    if let Some(d) = device {
        form.push(("device_token", d));
    }
    let r = t.post("/auth/token", Auth::None, &form).await;
    (r.status, r.body)
}

#[tokio::test]
async fn concurrent_wrong_passwords_get_no_more_guesses_than_the_limit() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let guesses = (0..48).map(|i| {
        let t = &t;
        async move { sign_in(t, "alice", &format!("guess {i}"), None).await.0 }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(checked + refused, 48, "only 400 or 429: {answers:?}");
    assert!(
        checked <= 5,
        "{checked} guesses were checked; the limit is 5"
    );
}

#[tokio::test]
async fn strangers_guessing_cannot_lock_out_a_device_that_signed_in_before() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let (s, first) = sign_in(&t, "alice", "correct horse", None).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let device = first["device_token"]
        .as_str()
        .expect("a device token")
        .to_owned();
    for i in 0..6 {
        sign_in(&t, "alice", &format!("wrong {i}"), None).await;
    }
    let (s, body) = sign_in(&t, "alice", "correct horse", None).await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "strangers are locked out: {body}"
    );
    assert_eq!(body["code"], 20429);
    let (s, body) = sign_in(&t, "alice", "correct horse", Some(&device)).await;
    assert_eq!(s, StatusCode::OK, "her own device still signs in: {body}");
    assert_eq!(
        body["device_token"].as_str(),
        Some(device.as_str()),
        "and keeps its token"
    );
    let (s, _) = sign_in(&t, "bob", "correct horse", Some(&device)).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a device token only helps its own identity"
    );
}

#[tokio::test]
async fn a_flood_of_sign_ins_is_queued_or_told_to_retry_never_failed() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    for i in 0..40 {
        t.set_password(&svc, &format!("user{i}"), "correct horse")
            .await;
    }
    let flood = (0..40).map(|i| {
        let (t, user) = (&t, format!("user{i}"));
        async move {
            let r = t
                .http
                .post(t.url("/auth/token"))
                .form(&[
                    ("grant_type", "password"),
                    ("username", user.as_str()),
                    ("password", "correct horse"),
                ])
                .send()
                .await
                .expect("answered");
            (r.status(), r.headers().get("retry-after").cloned())
        }
    });
    for (status, retry_after) in futures_util::future::join_all(flood).await {
        match status {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => assert!(retry_after.is_some(), "429 says when"),
            other => panic!("a sign-in answered {other}"),
        }
    }
}

#[tokio::test]
async fn a_private_channel_looks_exactly_like_a_missing_one_to_outsiders() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            Auth::Admin,
            &[("UniqueName", "secret-plans"), ("Type", "private")],
        )
        .await;
    let sid = r.body["sid"].as_str().expect("sid").to_owned();
    let mallory = t.token(&svc, "mallory");
    for (key, missing) in [
        ("secret-plans", "no-such-plans"),
        (sid.as_str(), "CH00000000000000000000000000000000"),
    ] {
        for suffix in ["", "/Messages", "/Members", "/Invites"] {
            let seen = t
                .get(
                    &format!("/v2/Services/{svc}/Channels/{key}{suffix}"),
                    Auth::Token(&mallory),
                )
                .await;
            let absent = t
                .get(
                    &format!("/v2/Services/{svc}/Channels/{missing}{suffix}"),
                    Auth::Token(&mallory),
                )
                .await;
            assert_eq!(
                (seen.status, seen.code()),
                (StatusCode::NOT_FOUND, 50300),
                "{key}{suffix}"
            );
            assert_eq!((absent.status, absent.code()), (seen.status, seen.code()));
            let message = seen.body["message"].as_str().unwrap_or_default();
            assert_eq!(
                message,
                format!("Channel {key} not found"),
                "names only the key used"
            );
            if key != sid {
                assert!(
                    !message.contains(&sid),
                    "the SID is not revealed: {message}"
                );
            }
        }
    }
    // The typing frame answers the same way for both.
    let mut ws = t.ws(&svc, WsAuth::Header(&mallory), None).await;
    ws.until("caughtUp", Duration::from_secs(5)).await;
    let mut codes = Vec::new();
    for key in [sid.as_str(), "CH00000000000000000000000000000000"] {
        ws.send(json!({"type": "typing", "channel_sid": key})).await;
        let (e, _) = ws.until("error", Duration::from_secs(5)).await;
        codes.push(e["code"].as_u64());
    }
    assert_eq!(codes, [Some(50300), Some(50300)]);
}

#[tokio::test]
async fn look_alike_identities_and_unique_names_are_refused_and_nfc_is_one_name() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let users = format!("/v2/Services/{svc}/Users");
    for bad in [
        "alice\u{200b}",
        "alice ",
        " alice",
        "ali\u{0}ce",
        "\u{202e}ecila",
        "al\nice",
    ] {
        let r = t.post(&users, Auth::Admin, &[("Identity", bad)]).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, 50203),
            "{bad:?}: {}",
            r.body
        );
    }
    let r = t
        .post(&users, Auth::Admin, &[("Identity", "Jose\u{301}")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["identity"], "Jos\u{e9}", "stored composed");
    let r = t.get(&format!("{users}/Jose\u{301}"), Auth::Admin).await;
    assert_eq!(r.status, StatusCode::OK, "the decomposed spelling finds it");
    let r = t
        .post(&users, Auth::Admin, &[("Identity", "Jos\u{e9}")])
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, 50201),
        "one name, not two"
    );
    let channels = format!("/v2/Services/{svc}/Channels");
    let r = t
        .post(&channels, Auth::Admin, &[("UniqueName", "general\u{200b}")])
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, 20001),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn a_deleted_user_stays_deleted_for_old_tokens_but_a_new_token_may_bring_them_back() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let path = format!("/v2/Services/{svc}");
    let old = t.token(&svc, "bob");
    assert_eq!(t.get(&path, Auth::Token(&old)).await.status, StatusCode::OK);
    let r = t.delete(&format!("{path}/Users/bob"), Auth::Admin).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t.get(&path, Auth::Token(&old)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20101),
        "{}",
        r.body
    );
    let r = t.get(&format!("{path}/Users/bob"), Auth::Admin).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not resurrected");
    let fresh = t.token_with(&svc, "bob", 2, 3600);
    let r = t.get(&path, Auth::Token(&fresh)).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "a token issued after the deletion: {}",
        r.body
    );
}

fn forge(t: &TestServer, header: Value, claims: Value) -> String {
    use hmac::{Hmac, Mac};
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac =
        <Hmac<sha2::Sha256>>::new_from_slice(t.server.app.signing_key.1.as_bytes()).expect("key");
    mac.update(input.as_bytes());
    format!(
        "{input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[tokio::test]
async fn tokens_without_the_twilio_content_type_or_living_over_a_day_are_refused() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let now = parley_protocol::Timestamp::now().0;
    let claims = |exp: i64| {
        json!({
            "jti": "x", "iss": t.server.app.signing_key.0, "sub": t.server.app.account_sid,
            "iat": now, "nbf": now, "exp": exp,
            "grants": {"identity": "alice", "chat": {"service_sid": svc}}
        })
    };
    let path = format!("/v2/Services/{svc}");
    let no_cty = forge(&t, json!({"alg": "HS256", "typ": "JWT"}), claims(now + 600));
    let r = t.get(&path, Auth::Token(&no_cty)).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, 20102));
    let cty = json!({"alg": "HS256", "typ": "JWT", "cty": "twilio-fpa;v=1"});
    let century = forge(&t, cty.clone(), claims(now + 100 * 365 * 86_400));
    let r = t.get(&path, Auth::Token(&century)).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, 20157));
    let day = forge(&t, cty, claims(now + 86_400));
    assert_eq!(t.get(&path, Auth::Token(&day)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn api_keys_are_listed_without_secrets_and_a_revoked_key_stops_working_at_once() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let acc = t.server.app.account_sid.clone();
    let keys = format!("/2010-04-01/Accounts/{acc}/Keys.json");
    let r = t.post(&keys, Auth::Admin, &[("FriendlyName", "bot")]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let sid = r.body["sid"].as_str().expect("sid").to_owned();
    let secret = r.body["secret"]
        .as_str()
        .expect("the secret, once")
        .to_owned();
    let list = t.get(&keys, Auth::Admin).await;
    let listed: Vec<&Value> = list.body["keys"].as_array().expect("keys").iter().collect();
    assert!(listed
        .iter()
        .any(|k| k["sid"] == sid.as_str() && k["friendly_name"] == "bot"));
    assert!(
        listed.iter().all(|k| k.get("secret").is_none()),
        "no secrets in a list"
    );
    let one = format!("/2010-04-01/Accounts/{acc}/Keys/{sid}.json");
    assert_eq!(t.get(&one, Auth::Admin).await.body["sid"], sid.as_str());

    // The key works: for Basic auth, and for tokens it signs.
    let as_key = |path: &str| {
        t.http
            .get(t.url(path))
            .basic_auth(&sid, Some(&secret))
            .send()
    };
    assert_eq!(
        as_key("/v2/Services").await.expect("sent").status(),
        StatusCode::OK
    );
    let now = parley_protocol::Timestamp::now().0;
    let token = parley_server::auth::jwt::mint(&sid, &secret, &acc, "alice", &svc, now, 600);
    let svc_path = format!("/v2/Services/{svc}");
    assert_eq!(
        t.get(&svc_path, Auth::Token(&token)).await.status,
        StatusCode::OK
    );
    let r = as_key(&keys).await.expect("sent");
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a key does not manage keys"
    );

    assert_eq!(
        t.delete(&one, Auth::Admin).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        as_key("/v2/Services").await.expect("sent").status(),
        StatusCode::UNAUTHORIZED
    );
    let r = t.get(&svc_path, Auth::Token(&token)).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, 20103));
    assert_eq!(t.get(&one, Auth::Admin).await.status, StatusCode::NOT_FOUND);

    let internal = t.server.app.signing_key.0.clone();
    let r = t
        .delete(
            &format!("/2010-04-01/Accounts/{acc}/Keys/{internal}.json"),
            Auth::Admin,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "the sign-in key is not revocable"
    );
}

#[tokio::test]
async fn a_horizon_past_the_last_message_is_clamped_to_it() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let ch = format!("/v2/Services/{svc}/Channels/room");
    t.post(
        &format!("/v2/Services/{svc}/Channels"),
        Auth::Admin,
        &[("UniqueName", "room")],
    )
    .await;
    let m = t
        .post(
            &format!("{ch}/Members"),
            Auth::Admin,
            &[("Identity", "alice")],
        )
        .await;
    let member = m.body["sid"].as_str().expect("member").to_owned();
    for body in ["one", "two", "three"] {
        t.post(
            &format!("{ch}/Messages"),
            Auth::Admin,
            &[("Body", body), ("From", "bob")],
        )
        .await;
    }
    let r = t
        .post(
            &format!("{ch}/Members/{member}"),
            Auth::Admin,
            &[("LastConsumedMessageIndex", "1000000")],
        )
        .await;
    assert_eq!(r.body["last_consumed_message_index"], 2, "{}", r.body);
    t.post(
        &format!("{ch}/Messages"),
        Auth::Admin,
        &[("Body", "four"), ("From", "bob")],
    )
    .await;
    let alice = t.token(&svc, "alice");
    let r = t
        .get(
            &format!("/v2/Services/{svc}/Users/alice/Channels/room"),
            Auth::Token(&alice),
        )
        .await;
    assert_eq!(
        r.body["unread_messages_count"], 1,
        "the new message is unread: {}",
        r.body
    );
}

#[tokio::test]
async fn an_oversize_frame_closes_the_socket_with_1009() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let token = t.token(&svc, "alice");
    let mut ws = t.ws(&svc, WsAuth::Header(&token), None).await;
    ws.until("caughtUp", Duration::from_secs(5)).await;
    ws.send(json!({"type": "typing", "channel_sid": "x".repeat(70 * 1024)}))
        .await;
    assert_eq!(ws.close_code(Duration::from_secs(10)).await, Some(1009));
}

#[tokio::test]
async fn webhooks_may_not_target_metadata_or_link_local_addresses() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/hook",
    ] {
        let r = t
            .post(
                &format!("/v2/Services/{svc}"),
                Auth::Admin,
                &[("PostWebhookUrl", url)],
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::BAD_REQUEST, 50054),
            "{url}: {}",
            r.body
        );
    }
    t.post(
        &format!("/v2/Services/{svc}/Channels"),
        Auth::Admin,
        &[("UniqueName", "room")],
    )
    .await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels/room/Webhooks"),
            Auth::Admin,
            &[
                ("Type", "webhook"),
                ("Configuration.Url", "http://169.254.169.254/"),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::BAD_REQUEST, 50054),
        "{}",
        r.body
    );
    let r = t
        .post(
            &format!("/v2/Services/{svc}"),
            Auth::Admin,
            &[("PostWebhookUrl", "http://127.0.0.1:9/hook")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "loopback bots are fine: {}",
        r.body
    );
}

async fn quick_limits() -> TestServer {
    TestServer::start_with(|o| {
        o.limits.head_timeout = Duration::from_secs(1);
        o.limits.body_idle_timeout = Duration::from_secs(1);
        o.limits.max_per_address = 4;
    })
    .await
}

/// Reads until the server closes the connection; what it sent.
async fn until_closed(tcp: &mut tokio::net::TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(wait, async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()?;
    Some(seen)
}

#[tokio::test]
async fn slow_and_idle_connections_are_closed_and_connections_per_address_are_capped() {
    let t = quick_limits().await;
    let addr = t.server.addr;
    // Headers trickled and never finished.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    assert!(
        until_closed(&mut slow, Duration::from_secs(5))
            .await
            .is_some(),
        "head timeout"
    );
    // Connected, and silent from the start.
    let mut silent = tokio::net::TcpStream::connect(addr).await.expect("connect");
    assert!(
        until_closed(&mut silent, Duration::from_secs(5))
            .await
            .is_some(),
        "a connection that never sends a byte is closed too"
    );
    // Idle after a request (keep-alive).
    let mut idle = tokio::net::TcpStream::connect(addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let seen = until_closed(&mut idle, Duration::from_secs(5))
        .await
        .expect("idle timeout");
    assert!(seen.starts_with(b"HTTP/1.1 200"), "answered first");
    // A body that stops halfway.
    let mut stalled = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stalled
        .write_all(b"POST /auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=pa")
        .await
        .expect("write");
    let seen = until_closed(&mut stalled, Duration::from_secs(5))
        .await
        .expect("body timeout");
    assert!(
        seen.starts_with(b"HTTP/1.1 4"),
        "{}",
        String::from_utf8_lossy(&seen)
    );
    // Four connections from one address are open; the fifth is closed at once.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    let mut extra = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let _ = extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let seen = until_closed(&mut extra, Duration::from_secs(2))
        .await
        .expect("closed");
    assert!(seen.is_empty(), "refused without an answer");
    drop(held);
    // The server notices the closes as it reads them; then the slots are free.
    let mut freed = false;
    for _ in 0..100 {
        let mut again = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let _ = again
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        if until_closed(&mut again, Duration::from_secs(2))
            .await
            .is_some_and(|s| s.starts_with(b"HTTP/1.1 200"))
        {
            freed = true;
            break;
        }
    }
    assert!(freed, "closed connections give their slots back");
}

#[tokio::test]
async fn an_open_socket_whose_key_is_revoked_is_closed() {
    let t = TestServer::start_with(|o| {
        o.heartbeat = Duration::from_millis(200);
    })
    .await;
    let svc = t.service().await;
    let acc = t.server.app.account_sid.clone();
    let r = t
        .post(
            &format!("/2010-04-01/Accounts/{acc}/Keys.json"),
            Auth::Admin,
            &[],
        )
        .await;
    let (sid, secret) = (
        r.body["sid"].as_str().expect("sid"),
        r.body["secret"].as_str().expect("secret"),
    );
    let now = parley_protocol::Timestamp::now().0;
    let token = parley_server::auth::jwt::mint(sid, secret, &acc, "alice", &svc, now, 600);
    let mut ws = t.ws(&svc, WsAuth::Header(&token), None).await;
    ws.until("caughtUp", Duration::from_secs(5)).await;
    let r = t
        .delete(
            &format!("/2010-04-01/Accounts/{acc}/Keys/{sid}.json"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(ws.close_code(Duration::from_secs(5)).await, Some(4001));
}

#[tokio::test]
async fn a_full_run_logs_no_secret_and_no_forged_line() {
    let fcm = push_sinks::fcm("127.0.0.1:0").await;
    let apns = push_sinks::apns().await;
    let s = common::Spawned::start_env(
        &[
            "--push-fcm-url",
            fcm.url.as_str(),
            "--push-apns-url",
            apns.url.as_str(),
        ],
        &[("PARLEY_LOG", "debug")],
    )
    .await;
    let svc = s.setup_room().await;
    let password = "hunter2 correct horse";
    common::add_user(s.dir.path(), &s.database_url, &svc, "alice", password);
    let token_url = format!("{}/auth/token", s.base);
    let signed_in: Value = s
        .http
        .post(&token_url)
        .form(&[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", password),
        ])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let refresh = signed_in["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let refreshed: Value = s
        .http
        .post(&token_url)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let access = refreshed["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    let key = s
        .post(
            &format!("/2010-04-01/Accounts/{}/Keys.json", common::SPAWN_SID),
            &[],
        )
        .await;
    let key_secret = key["secret"].as_str().expect("secret").to_owned();

    // Push credentials hold private keys: stored, one refused, and used.
    let service_account = push_sinks::service_account(&fcm);
    let fcm_credential = s
        .post(
            "/v2/Credentials",
            &[("Type", "fcm"), ("Secret", service_account.as_str())],
        )
        .await;
    assert!(fcm_credential["sid"].is_string(), "{fcm_credential}");
    let apn_token_auth = s
        .post(
            "/v2/Credentials",
            &[
                ("Type", "apn"),
                ("PrivateKey", push_sinks::APNS_KEY),
                ("ApnKeyId", push_sinks::KEY_ID),
                ("ApnTeamId", push_sinks::TEAM_ID),
                ("ApnTopic", push_sinks::TOPIC),
            ],
        )
        .await;
    let apn_sid = apn_token_auth["sid"]
        .as_str()
        .unwrap_or_else(|| panic!("{apn_token_auth}"))
        .to_owned();
    let apn_certificate_auth = s
        .post(
            "/v2/Credentials",
            &[
                ("Type", "apn"),
                ("Certificate", push_sinks::CLIENT_CERT),
                ("PrivateKey", push_sinks::CLIENT_KEY),
                ("ApnTopic", push_sinks::TOPIC),
            ],
        )
        .await;
    assert!(
        apn_certificate_auth["sid"].is_string(),
        "{apn_certificate_auth}"
    );
    let no_email = service_account.replace("client_email", "client_mail");
    let refused = s
        .post(
            "/v2/Credentials",
            &[("Type", "fcm"), ("Secret", no_email.as_str())],
        )
        .await;
    assert_eq!(refused["status"], 400, "{refused}");
    s.post(
        &format!("/v2/Services/{svc}"),
        &[("Notifications.NewMessage.Enabled", "true")],
    )
    .await;
    for (kind, address, credential) in [
        ("fcm", "tok-bob", None),
        ("apn", "b0b00001", Some(apn_sid.as_str())),
    ] {
        let mut form = vec![
            ("BindingType", kind),
            ("Endpoint", address),
            ("Address", address),
        ];
        form.extend(credential.map(|c| ("CredentialSid", c)));
        let b = s
            .post(&format!("/v2/Services/{svc}/Users/bob/Bindings"), &form)
            .await;
        assert!(b["sid"].is_string(), "{b}");
    }
    s.post(
        &format!("/v2/Services/{svc}/Channels/room/Messages"),
        &[("From", "alice"), ("Body", "push me")],
    )
    .await;
    for (sink, provider) in [(&fcm, "FCM"), (&apns, "APNs")] {
        let pushes = sink.wait_for(1, Duration::from_secs(20)).await;
        assert_eq!(
            pushes.len(),
            1,
            "{provider} got no push; refused {:?}",
            sink.refused()
        );
    }
    let access_tokens = fcm
        .shared
        .tokens_issued
        .lock()
        .map(|t| t.clone())
        .unwrap_or_default();
    assert_eq!(access_tokens.len(), 1, "one OAuth access token");
    let huge = "m".repeat(200_000);
    for username in [
        "mallory\nFORGED INFO parley: admin signed in\x1b[31m",
        huge.as_str(),
    ] {
        let r = s
            .http
            .post(&token_url)
            .form(&[
                ("grant_type", "password"),
                ("username", username),
                ("password", "guess"),
            ])
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }
    let r = s
        .http
        .get(format!(
            "{}/v2/Services/{svc}/Channels?token={access}",
            s.base
        ))
        .bearer_auth(&access)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), StatusCode::OK);

    let log = s.log();
    assert!(
        log.contains("failed sign-in"),
        "the failures are logged: {log}"
    );
    for (what, secret) in [
        ("auth token", common::SPAWN_TOKEN),
        ("password", password),
        ("refresh token", refresh.as_str()),
        (
            "rotated refresh token",
            refreshed["refresh_token"].as_str().expect("refresh"),
        ),
        ("access token", access.as_str()),
        ("API key secret", key_secret.as_str()),
        ("service-account JSON", service_account.as_str()),
        ("FCM OAuth access token", access_tokens[0].as_str()),
    ] {
        assert!(!log.contains(secret), "the {what} is in the log");
    }
    for (what, pem) in [
        ("service account's private_key", push_sinks::FCM_KEY),
        ("APNs .p8 key", push_sinks::APNS_KEY),
        ("APNs certificate's private key", push_sinks::CLIENT_KEY),
    ] {
        // Line by line: a key may be logged re-wrapped or JSON-escaped.
        for line in pem
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        {
            assert!(!log.contains(line), "a line of the {what} is in the log");
        }
    }
    assert!(!log.contains("eyJ"), "no JWT of any kind");
    assert!(
        !log.lines().any(|l| l.starts_with("FORGED")),
        "no forged line"
    );
    assert!(!log.contains('\x1b'), "no escape sequences");
    assert!(!log.contains(&"m".repeat(1000)), "long values are cut");
}

#[tokio::test]
async fn behind_a_trusted_proxy_sign_ins_are_throttled_per_forwarded_client() {
    async fn guesses_from(
        t: &TestServer,
        forwarded: &str,
        users: std::ops::Range<u32>,
    ) -> Vec<StatusCode> {
        let mut out = Vec::new();
        for i in users {
            let r = t
                .http
                .post(t.url("/auth/token"))
                .header("x-forwarded-for", forwarded)
                .form(&[
                    ("grant_type", "password"),
                    ("username", &format!("u{i}")),
                    ("password", "guess"),
                ])
                .send()
                .await
                .expect("sent");
            out.push(r.status());
        }
        out
    }
    let behind = TestServer::start_with(|o| {
        o.limits.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")];
    })
    .await;
    behind.service().await;
    let first = guesses_from(&behind, "198.51.100.7", 0..31).await;
    assert!(first[..30].iter().all(|s| *s == StatusCode::BAD_REQUEST));
    assert_eq!(
        first[30],
        StatusCode::TOO_MANY_REQUESTS,
        "30 failures per address"
    );
    let other = guesses_from(&behind, "198.51.100.8", 31..32).await;
    assert_eq!(
        other,
        [StatusCode::BAD_REQUEST],
        "another client behind the proxy is not blocked"
    );

    // A server that trusts no proxy ignores the header: it is the peer.
    let direct = TestServer::start().await;
    direct.service().await;
    guesses_from(&direct, "198.51.100.7", 0..30).await;
    let spoofed = guesses_from(&direct, "198.51.100.8", 30..31).await;
    assert_eq!(
        spoofed,
        [StatusCode::TOO_MANY_REQUESTS],
        "X-Forwarded-For is not believed"
    );
}

#[tokio::test]
async fn tokens_refresh_tokens_and_lock_outs_expire_on_the_servers_clock() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let clock = t.server.app.clock.clone();
    let path = format!("/v2/Services/{svc}");
    let short = t.token_with(&svc, "alice", 0, 600);
    assert_eq!(
        t.get(&path, Auth::Token(&short)).await.status,
        StatusCode::OK
    );
    let (_, signed_in) = sign_in(&t, "alice", "correct horse", None).await;
    let refresh = signed_in["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    for i in 0..6 {
        sign_in(&t, "alice", &format!("wrong {i}"), None).await;
    }
    let (s, _) = sign_in(&t, "alice", "correct horse", None).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "locked out for now");

    clock.advance(601);
    let r = t.get(&path, Auth::Token(&short)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20104),
        "the token expired"
    );
    clock.advance(15 * 60);
    let (s, _) = sign_in(&t, "alice", "correct horse", None).await;
    assert_eq!(s, StatusCode::OK, "the lock-out window is over");
    clock.advance(parley_server::auth::login::REFRESH_TTL);
    let r = t
        .post(
            "/auth/token",
            Auth::None,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "the refresh token expired: {}",
        r.body
    );
}
