//! Authentication: the `/auth/token` endpoint (password and refresh grants,
//! rotation, reuse detection, revocation, rate limiting) and access-token
//! verification (expiry, not-before, forgery, `alg: none`).

use crate::common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{Auth, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

async fn token_request(t: &TestServer, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let r = t.post("/auth/token", Auth::None, form).await;
    (r.status, r.body)
}

#[tokio::test]
async fn a_password_login_yields_a_working_access_token_and_a_refresh_token() {
    let t = TestServer::start_with_ttl(600).await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let (status, body) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct horse"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600, "the configured TTL");
    assert_eq!(
        (body["identity"].as_str(), body["service_sid"].as_str()),
        (Some("alice"), Some(svc.as_str()))
    );
    let refresh = body["refresh_token"].as_str().unwrap_or_default();
    assert!(refresh.len() >= 40, "at least 128 random bits");
    let access = body["access_token"].as_str().unwrap_or_default();
    let r = t
        .get(
            &format!("/v2/Services/{svc}/Users/alice"),
            Auth::Token(access),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = t
        .http
        .get(t.url(&format!("/v2/Services/{svc}")))
        .bearer_auth(access)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "Authorization: Bearer works too"
    );
}

#[tokio::test]
async fn wrong_or_unknown_credentials_get_the_same_answer() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let (s1, b1) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "nope"),
        ],
    )
    .await;
    let (s2, b2) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "nobody"),
            ("password", "nope"),
        ],
    )
    .await;
    assert_eq!(
        (s1, b1["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(
        b1["message"], b2["message"],
        "no hint whether the user exists"
    );
    assert_eq!(s1, s2);
    let (s, b) = token_request(&t, &[("grant_type", "magic")]).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("unsupported_grant_type"))
    );
}

#[tokio::test]
async fn repeated_failures_are_rate_limited_per_identity() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    for _ in 0..5 {
        token_request(
            &t,
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "guess"),
            ],
        )
        .await;
    }
    let (s, b) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct horse"),
        ],
    )
    .await;
    assert_eq!(
        s,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits: {b:?}"
    );
    assert_eq!(b["code"], 20429);
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replayed_one_revokes_its_family() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let (_, first) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct horse"),
        ],
    )
    .await;
    let r1 = first["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (s, second) = token_request(
        &t,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{second:?}");
    let r2 = second["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(r1, r2, "each use issues a new refresh token");
    let (s, _) = token_request(
        &t,
        &[("grant_type", "refresh_token"), ("refresh_token", &r1)],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a used refresh token is dead");
    let (s, _) = token_request(
        &t,
        &[("grant_type", "refresh_token"), ("refresh_token", &r2)],
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "replaying r1 revoked the whole family, r2 included"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_no_longer_works() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.set_password(&svc, "alice", "correct horse").await;
    let (_, b) = token_request(
        &t,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "correct horse"),
        ],
    )
    .await;
    let r = b["refresh_token"].as_str().unwrap_or_default().to_owned();
    let rv = t.post("/auth/revoke", Auth::None, &[("token", &r)]).await;
    assert_eq!(rv.status, StatusCode::OK);
    let (s, _) = token_request(
        &t,
        &[("grant_type", "refresh_token"), ("refresh_token", &r)],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_access_tokens_are_refused_with_twilio_codes() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let path = format!("/v2/Services/{svc}");
    let expired = t.token_with(&svc, "alice", -7200, 3600);
    let r = t.get(&path, Auth::Token(&expired)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20104),
        "expired"
    );

    let future = t.token_with(&svc, "alice", 3600, 3600);
    let r = t.get(&path, Auth::Token(&future)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20105),
        "not yet valid"
    );

    let good = t.token(&svc, "alice");
    let parts: Vec<&str> = good.split('.').collect();
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!("{none_header}.{}.", parts[1]);
    let r = t.get(&path, Auth::Token(&alg_none)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20102),
        "alg none"
    );

    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    claims["grants"]["identity"] = "admin".into();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    let r = t.get(&path, Auth::Token(&tampered)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20107),
        "tampered claims"
    );

    let wrong_key = parley_server::auth::jwt::mint(
        "SK0123456789abcdef0123456789abcdef",
        "secret",
        &t.server.app.account_sid,
        "alice",
        &svc,
        parley_protocol::Timestamp::now().0,
        600,
    );
    let r = t.get(&path, Auth::Token(&wrong_key)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20103),
        "unknown key"
    );

    let other_account = parley_server::auth::jwt::mint(
        &t.server.app.signing_key.0,
        &t.server.app.signing_key.1,
        "AC0123456789abcdef0123456789abcdef",
        "alice",
        &svc,
        parley_protocol::Timestamp::now().0,
        600,
    );
    let r = t.get(&path, Auth::Token(&other_account)).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20103),
        "another account"
    );

    let r = t.get(&path, Auth::Token("not.a.jwt")).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNAUTHORIZED, 20101),
        "garbage"
    );
    assert_eq!(
        t.get(&path, Auth::Token(&good)).await.status,
        StatusCode::OK,
        "the good token still works"
    );
}
