//! The operator console's server side: sign-in and its session cookie,
//! CSRF and origin checks, idle and absolute expiry, sign-in throttling,
//! the auth-token reveal and rotation, the audit log, usage, health, user
//! search / password / sign-out, and that an end user's access token is
//! refused by every admin endpoint.

use crate::common::{Auth, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A browser's view of the console: its cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
    set_cookie: String,
}

async fn sign_in(
    t: &TestServer,
    sid: &str,
    secret: &str,
) -> Result<Browser, (StatusCode, Value, Option<String>)> {
    sign_in_from(t, sid, secret, None).await
}

/// Signs in from `address` (the server trusts 127.0.0.1 as a proxy in the
/// tests that pass one).
async fn sign_in_from(
    t: &TestServer,
    sid: &str,
    secret: &str,
    address: Option<&str>,
) -> Result<Browser, (StatusCode, Value, Option<String>)> {
    let mut req = t
        .http
        .post(t.url("/admin/Session"))
        .form(&[("Sid", sid), ("Secret", secret)]);
    if let Some(a) = address {
        req = req.header("x-forwarded-for", a);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status();
    let set_cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if status != StatusCode::CREATED {
        return Err((status, body, retry_after));
    }
    let set_cookie = set_cookie.expect("a cookie is set");
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    Ok(Browser {
        cookie,
        csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
        set_cookie,
    })
}

async fn admin_sign_in(t: &TestServer) -> Browser {
    let app = &t.server.app;
    match sign_in(t, &app.account_sid, &app.auth_token.cached()).await {
        Ok(b) => b,
        Err(e) => panic!("sign-in refused: {e:?}"),
    }
}

/// A request from the console page: the cookie, and (when `csrf`) the
/// CSRF header.
async fn call(
    t: &TestServer,
    b: &Browser,
    method: Method,
    path: &str,
    form: &[(&str, &str)],
    csrf: bool,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = t
        .http
        .request(method.clone(), t.url(path))
        .header("cookie", &b.cookie);
    if csrf {
        req = req.header("x-parley-csrf", &b.csrf);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    if method == Method::POST {
        req = req.form(form);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_that_acts_as_the_admin() {
    let t = TestServer::start().await;
    let b = admin_sign_in(&t).await;
    let flags = b.set_cookie.to_ascii_lowercase();
    assert!(flags.contains("httponly"), "{flags}");
    assert!(flags.contains("samesite=strict"), "{flags}");
    assert!(flags.contains("path=/"), "{flags}");
    assert!(!flags.contains("secure"), "not over plain http: {flags}");
    assert!(
        !b.set_cookie.contains(&t.server.app.auth_token.cached()),
        "the browser never holds the auth token"
    );

    let (status, session) = call(&t, &b, Method::GET, "/admin/Session", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["sid"], t.server.app.account_sid.as_str());
    assert_eq!(session["kind"], "account");
    assert_eq!(session["csrf_token"], b.csrf.as_str());
    assert_eq!(session["idle_timeout"], 1800);

    let (status, list) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let (status, created) = call(
        &t,
        &b,
        Method::POST,
        "/v2/Services",
        &[("FriendlyName", "from the console")],
        true,
        &[
            ("origin", &t.server.url()),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let (status, _) = call(&t, &b, Method::DELETE, "/admin/Session", &[], true, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "signed out: {body}");
}

async fn count(t: &TestServer) -> usize {
    t.get("/v2/Services", Auth::Admin).await.body["services"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn a_change_without_the_csrf_token_or_from_another_site_is_refused() {
    let t = TestServer::start().await;
    let b = admin_sign_in(&t).await;
    let before = count(&t).await;
    let form = [("FriendlyName", "forged")];
    let (status, body) = call(&t, &b, Method::POST, "/v2/Services", &form, false, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], 20403);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("CSRF"),
        "{body}"
    );

    let wrong = Browser {
        cookie: b.cookie.clone(),
        csrf: "not-the-token".into(),
        set_cookie: String::new(),
    };
    let (status, _) = call(&t, &wrong, Method::POST, "/v2/Services", &form, true, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A page elsewhere that somehow learnt the token still cannot post.
    for headers in [
        &[("origin", "http://evil.example")][..],
        &[("sec-fetch-site", "cross-site")][..],
        &[("sec-fetch-site", "same-site")][..],
    ] {
        let (status, body) = call(&t, &b, Method::POST, "/v2/Services", &form, true, headers).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{headers:?}: {body}");
    }
    assert_eq!(count(&t).await, before, "nothing was created");
    let (status, _) = call(
        &t,
        &b,
        Method::GET,
        "/v2/Services",
        &[],
        false,
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "reads need no CSRF token");
}

#[tokio::test]
async fn a_session_ends_after_the_idle_timeout_and_at_its_latest_end() {
    let t = TestServer::start_with(|o| o.console.idle_timeout = 120).await;
    let clock = t.server.app.clock.clone();
    let b = admin_sign_in(&t).await;
    clock.advance(100);
    let (status, _) = call(&t, &b, Method::GET, "/admin/Session", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK, "used within the idle timeout");
    clock.advance(100);
    let (status, _) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK, "each use extends it");
    clock.advance(121);
    let (status, body) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("sign in again"));

    // However busy, a session ends 12 hours after sign-in.
    let b = admin_sign_in(&t).await;
    let mut used = 0;
    loop {
        clock.advance(110);
        used += 110;
        let (status, _) = call(&t, &b, Method::GET, "/admin/Session", &[], false, &[]).await;
        if status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(used <= 12 * 3600, "the session outlived its 12 hours");
    }
    assert!(used > 12 * 3600 - 110, "ended early, after {used} s");
}

#[tokio::test]
async fn wrong_credentials_are_refused_and_repeated_guesses_throttled_per_address() {
    let t = TestServer::start_with(|o| {
        o.limits.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")]
    })
    .await;
    let sid = t.server.app.account_sid.clone();
    let (status, body, _) = sign_in(&t, &sid, "wrong").await.err().expect("refused");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], 20003);
    assert!(body["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Wrong SID or secret"));
    let (status, _, _) = sign_in(&t, "SK0123", "x").await.err().expect("refused");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = sign_in(&t, "", "").await.err().expect("refused");
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A stranger guessing from one address is stopped after 30 failures…
    let stranger = Some("203.0.113.9");
    for _ in 0..30 {
        let (status, _, _) = sign_in_from(&t, &sid, "guess", stranger)
            .await
            .err()
            .expect("refused");
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body, retry) = sign_in_from(&t, &sid, "guess", stranger)
        .await
        .err()
        .expect("throttled");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], 20429);
    assert!(retry
        .and_then(|r| r.parse::<u64>().ok())
        .is_some_and(|s| s > 0));
    let token = t.server.app.auth_token.cached();
    let (status, _, _) = sign_in_from(&t, &sid, &token, stranger)
        .await
        .err()
        .expect("even the right token waits there");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // …but cannot lock the operator out: the SID is no secret.
    assert!(
        sign_in_from(&t, &sid, &token, Some("198.51.100.7"))
            .await
            .is_ok(),
        "the operator, elsewhere, signs in"
    );
    t.server.app.clock.advance(15 * 60);
    assert!(
        sign_in_from(&t, &sid, &token, stranger).await.is_ok(),
        "the window ends"
    );
}

#[tokio::test]
async fn rotating_the_auth_token_retires_the_old_one_and_other_sessions() {
    let t = TestServer::start().await;
    let app = &t.server.app;
    let old = app.auth_token.cached();
    let b = admin_sign_in(&t).await;
    let other = admin_sign_in(&t).await;
    let acct = app.account_sid.clone();
    let key = t
        .post(
            &format!("/2010-04-01/Accounts/{acct}/Keys.json"),
            Auth::Admin,
            &[("FriendlyName", "ops")],
        )
        .await;
    let keyed = match sign_in(
        &t,
        key.body["sid"].as_str().unwrap_or_default(),
        key.body["secret"].as_str().unwrap_or_default(),
    )
    .await
    {
        Ok(k) => k,
        Err(e) => panic!("{e:?}"),
    };

    let (status, body) = call(
        &t,
        &b,
        Method::POST,
        "/admin/Account/AuthToken/Reveal",
        &[],
        true,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["auth_token"], old.as_str());

    let (status, body) = call(
        &t,
        &b,
        Method::POST,
        "/admin/Account/AuthToken/Rotate",
        &[],
        true,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no confirmation: {body}");
    let confirm = [("Confirm", app.account_sid.as_str())];
    let (status, body) = call(
        &t,
        &b,
        Method::POST,
        "/admin/Account/AuthToken/Rotate",
        &confirm,
        true,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let new = body["auth_token"].as_str().expect("new token").to_owned();
    assert_ne!(new, old);
    assert_eq!(new.len(), 32);

    let basic = |token: &str| {
        t.http
            .get(t.url("/v2/Services"))
            .basic_auth(&app.account_sid, Some(token))
            .send()
    };
    assert_eq!(
        basic(&old).await.expect("sent").status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(basic(&new).await.expect("sent").status(), StatusCode::OK);
    let (status, _) = call(&t, &b, Method::GET, "/admin/Account", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK, "the rotating session goes on");
    let (status, _) = call(&t, &other, Method::GET, "/admin/Account", &[], false, &[]).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the account's other sessions end"
    );
    let (status, _) = call(&t, &keyed, Method::GET, "/admin/Account", &[], false, &[]).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an API key's session is not the account's"
    );
    assert!(sign_in(&t, &app.account_sid, &old).await.is_err());
    let (_, account) = call(&t, &b, Method::GET, "/admin/Account", &[], false, &[]).await;
    assert!(account["date_auth_token_rotated"].is_string(), "{account}");
    assert!(account.get("auth_token").is_none(), "never shown unasked");

    // The audit log has it, without the token.
    let log = t
        .http
        .get(t.url("/admin/AuditLog?Q=auth%20token"))
        .basic_auth(&app.account_sid, Some(&new))
        .send()
        .await
        .expect("sent");
    let log: Value = log.json().await.expect("json");
    let entries = log["entries"].as_array().expect("entries");
    let rotate = entries
        .iter()
        .find(|e| e["action"] == "rotate auth token")
        .expect("rotation audited");
    assert_eq!(rotate["via"], "console");
    assert_eq!(rotate["actor_sid"], app.account_sid.as_str());
    assert_eq!(rotate["after"]["auth_token"], "[redacted]");
    assert!(
        !log.to_string().contains(&new) && !log.to_string().contains(&old),
        "no token in the log"
    );
    assert!(entries.iter().any(|e| e["action"] == "reveal auth token"));
}

#[tokio::test]
async fn an_api_key_may_sign_in_but_not_touch_the_auth_token() {
    let t = TestServer::start().await;
    let acct = t.server.app.account_sid.clone();
    let key = t
        .post(
            &format!("/2010-04-01/Accounts/{acct}/Keys.json"),
            Auth::Admin,
            &[("FriendlyName", "ops")],
        )
        .await;
    assert_eq!(key.status, StatusCode::CREATED, "{:?}", key.body);
    let (sid, secret) = (
        key.body["sid"].as_str().expect("sid"),
        key.body["secret"].as_str().expect("secret"),
    );
    let b = match sign_in(&t, sid, secret).await {
        Ok(b) => b,
        Err(e) => panic!("{e:?}"),
    };
    let (_, session) = call(&t, &b, Method::GET, "/admin/Session", &[], false, &[]).await;
    assert_eq!(session["kind"], "key");
    for path in [
        "/admin/Account/AuthToken/Reveal",
        "/admin/Account/AuthToken/Rotate",
    ] {
        let (status, body) =
            call(&t, &b, Method::POST, path, &[("Confirm", &acct)], true, &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    let (status, _) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::OK);
    // Revoking the key ends its sessions.
    let r = t
        .delete(
            &format!("/2010-04-01/Accounts/{acct}/Keys/{sid}"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let (status, _) = call(&t, &b, Method::GET, "/v2/Services", &[], false, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_admin_endpoint_refuses_an_end_users_access_token() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let user = t
        .post(
            &format!("/v2/Services/{svc}/Users"),
            Auth::Admin,
            &[("Identity", "mallory")],
        )
        .await;
    let us = user.body["sid"].as_str().expect("sid").to_owned();
    let token = t.token(&svc, "mallory");
    let gets = [
        "/admin/Account".to_owned(),
        format!("/admin/Usage?ServiceSid={svc}"),
        "/admin/AuditLog".to_owned(),
        "/admin/Health".to_owned(),
        format!("/admin/Services/{svc}/Users"),
        format!("/admin/Services/{svc}/Deliveries"),
        format!("/admin/Services/{svc}/Channels"),
        format!("/admin/Services/{svc}/PushPreview"),
        "/admin/Permissions".to_owned(),
        "/metrics".to_owned(),
    ];
    for path in &gets {
        let r = t.get(path, Auth::Token(&token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {:?}", r.body);
        let r = t.get(path, Auth::None).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "{path} without credentials"
        );
    }
    let posts = [
        "/admin/Account/AuthToken/Reveal".to_owned(),
        "/admin/Account/AuthToken/Rotate".to_owned(),
        format!("/admin/Services/{svc}/Users/{us}/Password"),
        format!("/admin/Services/{svc}/Users/{us}/SignOut"),
        format!("/admin/Services/{svc}/Bindings/BS00000000000000000000000000000000/TestPush"),
    ];
    for path in &posts {
        let r = t
            .post(
                path,
                Auth::Token(&token),
                &[
                    ("Password", "long enough pw"),
                    ("Confirm", &t.server.app.account_sid),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {:?}", r.body);
    }
    let old = t.server.app.auth_token.cached();
    assert_eq!(
        t.get("/v2/Services", Auth::Admin).await.status,
        StatusCode::OK
    );
    assert_eq!(t.server.app.auth_token.cached(), old, "nothing rotated");
}

#[tokio::test]
async fn the_console_is_served_with_a_strict_content_security_policy() {
    let t = TestServer::start().await;
    let r = t.http.get(t.url("/console/")).send().await.expect("sent");
    let csp = r
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let status = r.status();
    let body = r.text().await.expect("body");
    if status == StatusCode::OK {
        assert!(
            body.contains("<script type=\"module\""),
            "the built app: {body}"
        );
        assert!(!body.contains("<script>"), "no inline script");
    } else {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("make"), "says how to build it");
    }
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = redirect.get(t.url("/console")).send().await.expect("sent");
    assert_eq!(r.headers()["location"], "/console/");
}
