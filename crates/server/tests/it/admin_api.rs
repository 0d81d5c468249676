//! The admin API beside the console's session: the audit log of admin
//! changes, usage per day, health, user search / password / sign-out,
//! metrics, the OpenAPI description and the push template preview.

use crate::common::{Auth, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

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
    let rest = t.admin_get(next).await;
    let rest: Value = rest.json().await.expect("json");
    assert_eq!(rest["entries"][0]["action"], "update service");

    let csv = t.admin_get(t.url("/admin/AuditLog?Format=csv")).await;
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    let text = csv.text().await.expect("csv");
    assert!(text.starts_with("sid,date_created,actor_sid,via"), "{text}");
    assert_eq!(text.lines().count(), 5, "a header and four entries");
    let jsonl = t.admin_get(t.url("/admin/AuditLog?Format=jsonl")).await;
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
        .admin_get(t.url(&format!(
            "/admin/Usage?ServiceSid={svc}&From={from}&To={from}&Format=csv"
        )))
        .await;
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
        ("zed", "Émile Zola"),
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
    // Case folds beyond ASCII on both engines.
    let r = t
        .get(
            &format!("/admin/Services/{svc}/Users?Q=%C3%A9MILE"),
            Auth::Admin,
        )
        .await;
    assert_eq!(ids(&r.body), ["zed"], "éMILE finds Émile");
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
    let access = login.body["access_token"]
        .as_str()
        .expect("access")
        .to_owned();
    let channels = format!("/v2/Services/{svc}/Channels");
    assert_eq!(
        t.get(&channels, Auth::Token(&access)).await.status,
        StatusCode::OK
    );
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
    let r = t.get(&channels, Auth::Token(&access)).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the access token too: {:?}",
        r.body
    );
    assert_eq!(r.code(), 20101);
    t.server.app.clock.advance(5);
    let later = t.token_with(&svc, "amy", 5, 3600);
    assert_eq!(
        t.get(&channels, Auth::Token(&later)).await.status,
        StatusCode::OK,
        "a token issued afterwards works"
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
    let r = t.admin_get(t.url("/metrics")).await;
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
        ("/admin/Permissions", &["get"]),
        ("/admin/Services/{service}/Users", &["get"]),
        ("/admin/Services/{service}/Channels", &["get"]),
        ("/admin/Services/{service}/Users/{user}/Password", &["post"]),
        ("/admin/Services/{service}/Users/{user}/SignOut", &["post"]),
        ("/admin/Services/{service}/Deliveries", &["get"]),
        ("/admin/Services/{service}/PushPreview", &["get"]),
        (
            "/admin/Services/{service}/Bindings/{binding}/TestPush",
            &["post"],
        ),
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
    let r = t
        .get(
            &format!("/admin/Services/{svc}/PushPreview?Type=NewMessage"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["template"], "${CHANNEL};${USER}: ${MESSAGE}",
        "Twilio's default"
    );
    let body = r.body["body"].as_str().expect("body");
    assert!(
        body.starts_with("General;Alice Chen: Are we still on"),
        "{body}"
    );
    assert_eq!(body.chars().count(), 110, "cut to 110 characters");
    assert!(body.ends_with('…') && r.body["truncated"] == true);

    t.post(
        &format!("/v2/Services/{svc}"),
        Auth::Admin,
        &[(
            "Notifications.AddedToChannel.Template",
            "${USER} 把你加入了 ${CHANNEL}",
        )],
    )
    .await;
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=AddedToChannel&User=%E9%99%B3%E7%BE%8E%E7%8E%B2"), Auth::Admin).await;
    assert_eq!(
        r.body["body"], "陳美玲 把你加入了 General",
        "the service's own template"
    );
    assert_eq!(r.body["truncated"], false);
    let r = t.get(&format!("/admin/Services/{svc}/PushPreview?Type=NewMessage&Template=%24%7BMESSAGE%7D&Message=hi"), Auth::Admin).await;
    assert_eq!(r.body["body"], "hi");
    let r = t
        .get(
            &format!("/admin/Services/{svc}/PushPreview?Type=Birthday"),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_permission_vocabulary_and_why_a_role_cannot_be_deleted() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let v = t.get("/admin/Permissions", Auth::Admin).await;
    assert_eq!(v.status, StatusCode::OK);
    let names = |ty: &str| -> Vec<String> {
        v.body[ty]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect()
    };
    assert!(names("deployment").contains(&"createChannel".to_owned()));
    assert!(!names("deployment").contains(&"sendMessage".to_owned()));
    assert!(names("channel").contains(&"sendMessage".to_owned()));
    assert!(
        names("channel").contains(&"deleteAnyMessage".to_owned()),
        "shared by both"
    );
    let token = t.token(&svc, "ann");
    assert_eq!(
        t.get("/admin/Permissions", Auth::Token(&token))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Every permission the vocabulary lists is one the Roles API takes.
    let mut form = vec![("FriendlyName", "everything"), ("Type", "channel")];
    let channel = names("channel");
    for p in &channel {
        form.push(("Permission", p));
    }
    let r = t
        .post(&format!("/v2/Services/{svc}/Roles"), Auth::Admin, &form)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let role = r.body["sid"].as_str().expect("sid").to_owned();

    let s = t.get(&format!("/v2/Services/{svc}"), Auth::Admin).await;
    let default = s.body["default_service_role_sid"]
        .as_str()
        .expect("default")
        .to_owned();
    let r = t
        .delete(&format!("/v2/Services/{svc}/Roles/{default}"), Auth::Admin)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let msg = r.body["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("default service role") && msg.contains("choose another default first"),
        "{msg}"
    );

    let ch = format!("/v2/Services/{svc}/Channels");
    t.post(&ch, Auth::Admin, &[("UniqueName", "room")]).await;
    for who in ["ann", "ben"] {
        t.post(
            &format!("{ch}/room/Members"),
            Auth::Admin,
            &[("Identity", who), ("RoleSid", &role)],
        )
        .await;
    }
    t.post(
        &format!("{ch}/room/Invites"),
        Auth::Admin,
        &[("Identity", "cy"), ("RoleSid", &role)],
    )
    .await;
    let r = t
        .delete(&format!("/v2/Services/{svc}/Roles/{role}"), Auth::Admin)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.body["message"],
        format!(
            "Role everything ({role}) is held by 2 channel members and 1 invite and cannot be deleted: give them another role first"
        ),
        "{:?}",
        r.body
    );
}

#[tokio::test]
async fn channels_are_searched_by_name_public_and_private() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let ch = format!("/v2/Services/{svc}/Channels");
    for (unique, name, kind) in [
        ("general", "General", "public"),
        ("board", "Board of Directors", "private"),
        ("random", "隨便聊聊", "public"),
        ("ops-oncall", "On call", "private"),
    ] {
        let r = t
            .post(
                &ch,
                Auth::Admin,
                &[
                    ("UniqueName", unique),
                    ("FriendlyName", name),
                    ("Type", kind),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let names = |v: &Value| -> Vec<String> {
        v["channels"]
            .as_array()
            .expect("channels")
            .iter()
            .filter_map(|c| c["unique_name"].as_str().map(str::to_owned))
            .collect()
    };
    let search = format!("/admin/Services/{svc}/Channels");
    let all = t.get(&search, Auth::Admin).await;
    assert_eq!(
        names(&all.body),
        ["general", "board", "random", "ops-oncall"],
        "private ones too"
    );
    let r = t.get(&format!("{search}?Q=DIRECTOR"), Auth::Admin).await;
    assert_eq!(
        names(&r.body),
        ["board"],
        "by friendly name, case-insensitively"
    );
    let r = t.get(&format!("{search}?Q=oncall"), Auth::Admin).await;
    assert_eq!(names(&r.body), ["ops-oncall"], "by unique name");
    let r = t.get(&format!("{search}?Q=%E8%81%8A"), Auth::Admin).await;
    assert_eq!(names(&r.body), ["random"]);
    let r = t
        .get(
            &format!("{search}?Q=o&Type=private&PageSize=1"),
            Auth::Admin,
        )
        .await;
    assert_eq!(names(&r.body), ["board"]);
    assert!(r.body["meta"]["next_page_url"].is_string());
    assert_eq!(
        t.get(&format!("{search}?Type=secret"), Auth::Admin)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let token = t.token(&svc, "eve");
    assert_eq!(
        t.get(&search, Auth::Token(&token)).await.status,
        StatusCode::FORBIDDEN
    );
}
