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
    let resp = t
        .http
        .post(t.url("/admin/Session"))
        .form(&[("Sid", sid), ("Secret", secret)])
        .send()
        .await
        .expect("sent");
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
async fn wrong_credentials_are_refused_and_repeated_guesses_throttled() {
    let t = TestServer::start().await;
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
    for _ in 0..4 {
        let _ = sign_in(&t, &sid, "wrong").await;
    }
    let (status, body, retry) = sign_in(&t, &sid, "wrong").await.err().expect("throttled");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], 20429);
    assert!(retry
        .and_then(|r| r.parse::<u64>().ok())
        .is_some_and(|s| s > 0));
    let app = &t.server.app;
    let (status, _, _) = sign_in(&t, &sid, &app.auth_token.cached())
        .await
        .err()
        .expect("even the right token waits");
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(15 * 60);
    assert!(admin_sign_in_ok(&t).await, "the window ends");
}

async fn admin_sign_in_ok(t: &TestServer) -> bool {
    let app = &t.server.app;
    sign_in(t, &app.account_sid, &app.auth_token.cached())
        .await
        .is_ok()
}

#[tokio::test]
async fn rotating_the_auth_token_retires_the_old_one_and_other_sessions() {
    let t = TestServer::start().await;
    let app = &t.server.app;
    let old = app.auth_token.cached();
    let b = admin_sign_in(&t).await;
    let other = admin_sign_in(&t).await;

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
async fn changes_with_admin_credentials_are_audited_with_before_and_after() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}"),
            Auth::Admin,
            &[("TypingIndicatorTimeout", "9")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let acct = t.server.app.account_sid.clone();
    let key = t
        .post(
            &format!("/2010-04-01/Accounts/{acct}/Keys.json"),
            Auth::Admin,
            &[("FriendlyName", "ci")],
        )
        .await;
    let secret = key.body["secret"].as_str().expect("secret").to_owned();
    let bad = t
        .post(
            &format!("/v2/Services/{svc}"),
            Auth::Admin,
            &[("TypingIndicatorTimeout", "soon")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Reads and end users' changes are not audited.
    let token = t.token(&svc, "alice");
    t.post(
        &format!("/v2/Services/{svc}/Channels"),
        Auth::Token(&token),
        &[("FriendlyName", "chat")],
    )
    .await;

    let log = t.get("/admin/AuditLog", Auth::Admin).await;
    assert_eq!(log.status, StatusCode::OK);
    let entries = log.body["entries"].as_array().expect("entries").clone();
    let actions: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "update service",
            "create key",
            "update service",
            "create service"
        ],
        "newest first, only admin changes"
    );
    let update = &entries[2];
    assert_eq!(update["via"], "rest");
    assert_eq!(update["actor_sid"], acct.as_str());
    assert_eq!(update["address"], "127.0.0.1");
    assert_eq!(update["status"], 200);
    assert_eq!(update["target_sid"], svc.as_str());
    assert_eq!(update["request"]["TypingIndicatorTimeout"], "9");
    assert_eq!(update["before"]["typing_indicator_timeout"], 5);
    assert_eq!(update["after"]["typing_indicator_timeout"], 9);
    assert_eq!(entries[0]["status"], 400, "failed changes are logged too");
    assert!(entries[0]["after"].is_null());
    assert_eq!(entries[1]["after"]["secret"], "[redacted]");
    assert!(!log.body.to_string().contains(&secret));
    assert_eq!(
        entries[3]["target_sid"],
        svc.as_str(),
        "a creation names what it created"
    );

    let found = t.get("/admin/AuditLog?Q=KEY", Auth::Admin).await;
    assert_eq!(
        found.body["entries"].as_array().map(Vec::len),
        Some(1),
        "search is case-insensitive"
    );
    let page = t.get("/admin/AuditLog?PageSize=2", Auth::Admin).await;
    assert_eq!(page.body["entries"].as_array().map(Vec::len), Some(2));
    let next = page.body["meta"]["next_page_url"]
        .as_str()
        .expect("next page");
    let rest = t
        .http
        .get(next)
        .basic_auth(&acct, Some(t.server.app.auth_token.cached()))
        .send()
        .await
        .expect("sent");
    let rest: Value = rest.json().await.expect("json");
    assert_eq!(rest["entries"][0]["action"], "update service");

    let csv = t
        .http
        .get(t.url("/admin/AuditLog?Format=csv"))
        .basic_auth(&acct, Some(t.server.app.auth_token.cached()))
        .send()
        .await
        .expect("sent");
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    let text = csv.text().await.expect("csv");
    assert!(text.starts_with("sid,date_created,actor_sid,via"), "{text}");
    assert_eq!(text.lines().count(), 5, "a header and four entries");
    let jsonl = t
        .http
        .get(t.url("/admin/AuditLog?Format=jsonl"))
        .basic_auth(&acct, Some(t.server.app.auth_token.cached()))
        .send()
        .await
        .expect("sent");
    let text = jsonl.text().await.expect("jsonl");
    assert!(text
        .lines()
        .all(|l| serde_json::from_str::<Value>(l).is_ok()));
    assert_eq!(
        t.get("/admin/AuditLog?Format=xml", Auth::Admin)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn usage_counts_each_day_from_the_database() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    for who in ["ann", "ben"] {
        t.post(
            &format!("/v2/Services/{svc}/Users"),
            Auth::Admin,
            &[("Identity", who)],
        )
        .await;
    }
    let ch = t
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            Auth::Admin,
            &[("FriendlyName", "general")],
        )
        .await;
    let ch = ch.body["sid"].as_str().expect("sid").to_owned();
    t.post(
        &format!("/v2/Services/{svc}/Channels/{ch}/Members"),
        Auth::Admin,
        &[("Identity", "ann")],
    )
    .await;
    let ann = t.token(&svc, "ann");
    for i in 0..3 {
        let r = t
            .post(
                &format!("/v2/Services/{svc}/Channels/{ch}/Messages"),
                Auth::Token(&ann),
                &[("Body", &format!("hi {i}"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    // Activity is written off the request path: wait for it.
    let mut usage = Value::Null;
    for _ in 0..100 {
        usage = t
            .get(&format!("/admin/Usage?ServiceSid={svc}"), Auth::Admin)
            .await
            .body;
        if usage["days"][29]["active_users"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let days = usage["days"].as_array().expect("days");
    assert_eq!(days.len(), 30, "the last 30 days by default");
    let today = &days[29];
    assert_eq!(today["date"], usage["to"]);
    assert_eq!(today["users"], 2);
    assert_eq!(today["new_users"], 2);
    assert_eq!(today["messages"], 3);
    assert_eq!(today["channels"], 1);
    assert_eq!(today["active_users"], 1, "{usage}");
    assert_eq!(days[0]["messages"], 0);

    // Tomorrow: the totals carry over, the day's counts start afresh.
    t.server.app.clock.advance(86_400);
    let usage = t
        .get(&format!("/admin/Usage?ServiceSid={svc}"), Auth::Admin)
        .await
        .body;
    let tomorrow = &usage["days"][29];
    assert_eq!(
        (
            tomorrow["users"].as_i64(),
            tomorrow["new_users"].as_i64(),
            tomorrow["messages"].as_i64()
        ),
        (Some(2), Some(0), Some(0))
    );
    assert_eq!(usage["days"][28]["messages"], 3);

    let from = usage["days"][28]["date"].as_str().expect("date").to_owned();
    let csv = t
        .http
        .get(t.url(&format!(
            "/admin/Usage?ServiceSid={svc}&From={from}&To={from}&Format=csv"
        )))
        .basic_auth(
            &t.server.app.account_sid,
            Some(t.server.app.auth_token.cached()),
        )
        .send()
        .await
        .expect("sent");
    let text = csv.text().await.expect("csv");
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "date,users,new_users,active_users,messages,channels,new_channels,media_bytes",
            &format!("{from},2,2,1,3,1,1,0")
        ]
    );

    for bad in [
        "From=yesterday",
        "From=2026-12-02&To=2026-12-01",
        "From=2020-01-01&To=2026-01-01",
        "Format=pdf",
    ] {
        let r = t
            .get(&format!("/admin/Usage?ServiceSid={svc}&{bad}"), Auth::Admin)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body["message"].is_string());
    }
    assert_eq!(
        t.get("/admin/Usage", Auth::Admin).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        t.get(
            "/admin/Usage?ServiceSid=IS00000000000000000000000000000000",
            Auth::Admin
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn health_tells_the_database_sockets_and_queue() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let h = t.get("/admin/Health", Auth::Admin).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        h.body["database"]["migration"],
        h.body["database"]["migrations"]
    );
    assert!(h.body["database"]["size_bytes"]
        .as_i64()
        .is_some_and(|s| s > 0));
    let kind = h.body["database"]["kind"].as_str().expect("kind");
    assert!(kind == "sqlite" || kind == "postgres");
    assert_eq!(h.body["sockets"], 0);
    let token = t.token(&svc, "sam");
    let _ws = t
        .ws(&svc, crate::common::WsAuth::Header(&token), None)
        .await;
    let mut h = t.get("/admin/Health", Auth::Admin).await;
    for _ in 0..100 {
        if h.body["sockets"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        h = t.get("/admin/Health", Auth::Admin).await;
    }
    assert_eq!(h.body["sockets"], 1);
    assert!(h.body["feed_head"].as_i64().is_some());
    assert_eq!(h.body["jobs"]["queued"], 0);
}

#[tokio::test]
async fn users_are_searched_given_passwords_and_signed_out_everywhere() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    for (id, name) in [
        ("amy", "Amy Pond"),
        ("rory", "Rory Williams"),
        ("amelia", "陳美玲"),
        ("zed", "Zed"),
    ] {
        let r = t
            .post(
                &format!("/v2/Services/{svc}/Users"),
                Auth::Admin,
                &[("Identity", id), ("FriendlyName", name)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let ids = |v: &Value| -> Vec<String> {
        v["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["identity"].as_str().map(str::to_owned))
            .collect()
    };
    let r = t
        .get(&format!("/admin/Services/{svc}/Users?Q=AM"), Auth::Admin)
        .await;
    assert_eq!(
        ids(&r.body),
        ["amy", "rory", "amelia"],
        "identity or friendly name (WilliAMs)"
    );
    let r = t
        .get(
            &format!("/admin/Services/{svc}/Users?Q=williams"),
            Auth::Admin,
        )
        .await;
    assert_eq!(ids(&r.body), ["rory"]);
    let r = t
        .get(&format!("/admin/Services/{svc}/Users?Q=美玲"), Auth::Admin)
        .await;
    assert_eq!(ids(&r.body), ["amelia"]);
    let r = t
        .get(&format!("/admin/Services/{svc}/Users?Q=%25"), Auth::Admin)
        .await;
    assert_eq!(
        ids(&r.body),
        Vec::<String>::new(),
        "% is a character, not a wildcard"
    );
    let r = t
        .get(
            &format!("/admin/Services/{svc}/Users?PageSize=3"),
            Auth::Admin,
        )
        .await;
    assert_eq!(ids(&r.body), ["amy", "rory", "amelia"]);
    assert!(r.body["meta"]["next_page_url"].is_string());
    assert!(
        r.body["users"][0]["last_activity"].is_null(),
        "never active"
    );

    let path = format!("/admin/Services/{svc}/Users/amy/Password");
    let r = t.post(&path, Auth::Admin, &[("Password", "short")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = t
        .post(&path, Auth::Admin, &[("Password", "a long passphrase")])
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let login = t
        .post(
            "/auth/token",
            Auth::None,
            &[
                ("grant_type", "password"),
                ("username", "amy"),
                ("password", "a long passphrase"),
                ("service_sid", &svc),
            ],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{:?}", login.body);
    let refresh = login.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = t
            .get(&format!("/admin/Services/{svc}/Users?Q=amy"), Auth::Admin)
            .await
            .body;
        if seen["users"][0]["last_activity"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        seen["users"][0]["last_activity"].is_string(),
        "signing in is activity: {seen}"
    );

    let r = t
        .post(
            &format!("/admin/Services/{svc}/Users/amy/SignOut"),
            Auth::Admin,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let renew = t
        .post(
            "/auth/token",
            Auth::None,
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    assert_eq!(
        renew.status,
        StatusCode::BAD_REQUEST,
        "the refresh token is revoked: {:?}",
        renew.body
    );
    let r = t
        .post(
            &format!("/admin/Services/{svc}/Users/nobody/SignOut"),
            Auth::Admin,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
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

#[tokio::test]
async fn metrics_are_served_to_admins_in_the_prometheus_format() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    t.get(&format!("/v2/Services/{svc}"), Auth::Admin).await;
    let token = t.token(&svc, "ann");
    assert_eq!(
        t.get("/metrics", Auth::Token(&token)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/metrics", Auth::None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = t
        .http
        .get(t.url("/metrics"))
        .basic_auth(
            &t.server.app.account_sid,
            Some(t.server.app.auth_token.cached()),
        )
        .send()
        .await
        .expect("sent");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .contains("openmetrics-text"));
    let text = r.text().await.expect("text");
    assert!(
        text.contains(r#"parley_http_requests_total{route="/v2/Services/{service}",method="GET",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"parley_http_request_duration_seconds_bucket{le="+Inf",route="/v2/Services/{service}"} 1"#) || text.contains(r#"parley_http_request_duration_seconds_count{route="/v2/Services/{service}"} 1"#), "{text}");
    for name in [
        "parley_sockets 0",
        "parley_fanout_deliveries_total",
        "parley_writer_batch_size_count",
        "parley_jobs_queued 0",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
    assert!(text.trim_end().ends_with("# EOF"));
}

#[tokio::test]
async fn openapi_describes_every_admin_route() {
    let t = TestServer::start().await;
    let r = t.get("/openapi.json", Auth::None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.")));
    let paths = r.body["paths"].as_object().expect("paths");
    let routes = [
        ("/admin/Session", ["get", "post", "delete"].as_slice()),
        ("/admin/Account", &["get"]),
        ("/admin/Account/AuthToken/Reveal", &["post"]),
        ("/admin/Account/AuthToken/Rotate", &["post"]),
        ("/admin/Usage", &["get"]),
        ("/admin/AuditLog", &["get"]),
        ("/admin/Health", &["get"]),
        ("/admin/Services/{service}/Users", &["get"]),
        ("/admin/Services/{service}/Users/{user}/Password", &["post"]),
        ("/admin/Services/{service}/Users/{user}/SignOut", &["post"]),
        ("/admin/Services/{service}/Deliveries", &["get"]),
        ("/admin/Services/{service}/PushPreview", &["get"]),
        ("/admin/Services/{service}/Bindings/{binding}/TestPush", &["post"]),
        ("/metrics", &["get"]),
        ("/auth/token", &["post"]),
        ("/auth/revoke", &["post"]),
    ];
    for (path, methods) in routes {
        for m in methods {
            assert!(
                paths.get(path).and_then(|p| p.get(*m)).is_some(),
                "{m} {path} is described"
            );
        }
    }
    // Every documented admin path answers (not 404 for lack of a route).
    for path in paths
        .keys()
        .filter(|p| p.starts_with("/admin/") && !p.contains('{'))
    {
        let r = t.get(path, Auth::None).await;
        assert_ne!(r.status, StatusCode::NOT_FOUND, "{path} exists");
    }
}

#[tokio::test]
async fn a_push_template_is_previewed_by_the_rules_pushes_use() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=NewMessage"), Auth::Admin).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["template"], "${CHANNEL};${USER}: ${MESSAGE}", "Twilio's default");
    let body = r.body["body"].as_str().expect("body");
    assert!(body.starts_with("General;Alice Chen: Are we still on"), "{body}");
    assert_eq!(body.chars().count(), 110, "cut to 110 characters");
    assert!(body.ends_with('…') && r.body["truncated"] == true);

    t.post(&format!("/v2/Services/{svc}"), Auth::Admin, &[("Notifications.AddedToChannel.Template", "${USER} 把你加入了 ${CHANNEL}")]).await;
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=AddedToChannel&User=%E9%99%B3%E7%BE%8E%E7%8E%B2"), Auth::Admin).await;
    assert_eq!(r.body["body"], "陳美玲 把你加入了 General", "the service's own template");
    assert_eq!(r.body["truncated"], false);
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=NewMessage&Template=%24%7BMESSAGE%7D&Message=hi"), Auth::Admin).await;
    assert_eq!(r.body["body"], "hi");
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=Birthday"), Auth::Admin).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
