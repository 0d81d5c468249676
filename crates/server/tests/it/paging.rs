//! Keyset paging across many pages for every kind of list, following the
//! absolute `next_page_url`/`previous_page_url` links as helper libraries do.

use crate::common;

use common::{Auth, TestServer};
use serde_json::Value;

/// Follows `next_page_url` from `first`, returning each page's `key` values.
async fn walk(t: &TestServer, first: &str, field: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut url = Some(t.url(first));
    while let Some(u) = url {
        let r = t
            .http
            .get(&u)
            .basic_auth(
                &t.server.app.account_sid,
                Some(&t.server.app.auth_token.cached()),
            )
            .send()
            .await
            .expect("page fetched");
        assert_eq!(r.status(), 200, "{u}");
        let body: Value = r.json().await.expect("json");
        let key = body["meta"]["key"].as_str().expect("meta.key").to_owned();
        pages.push(
            body[&key]
                .as_array()
                .expect("records")
                .iter()
                .map(|x| x[field].clone())
                .collect(),
        );
        url = body["meta"]["next_page_url"].as_str().map(str::to_owned);
        assert!(pages.len() < 100, "paging terminates");
    }
    pages
}

#[tokio::test]
async fn every_list_pages_completely_without_duplicates() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "big")],
    )
    .await;
    for i in 0..25 {
        let id = format!("user{i:02}");
        t.post(
            &format!("{s}/Channels/big/Members"),
            Auth::Admin,
            &[("Identity", &id)],
        )
        .await;
        t.post(
            &format!("{s}/Channels/big/Messages"),
            Auth::Admin,
            &[("Body", &id)],
        )
        .await;
        t.post(
            &format!("{s}/Channels"),
            Auth::Admin,
            &[("FriendlyName", &id)],
        )
        .await;
    }
    for (path, field, total) in [
        (format!("{s}/Users?PageSize=10"), "identity", 25),
        (format!("{s}/Channels?PageSize=10"), "sid", 26),
        (
            format!("{s}/Channels/big/Members?PageSize=10"),
            "identity",
            25,
        ),
        (
            format!("{s}/Channels/big/Messages?PageSize=10"),
            "index",
            25,
        ),
        (format!("{s}/Roles?PageSize=1"), "sid", 4),
    ] {
        let pages = walk(&t, &path, field).await;
        assert!(pages.len() >= 3, "{path}: at least three pages");
        let all: Vec<Value> = pages.into_iter().flatten().collect();
        let mut dedup = all.clone();
        dedup.sort_by_key(|v| v.to_string());
        dedup.dedup();
        assert_eq!(
            (all.len(), dedup.len()),
            (total, total),
            "{path}: every record exactly once"
        );
    }
    let desc = walk(
        &t,
        &format!("{s}/Channels/big/Messages?PageSize=10&Order=desc"),
        "index",
    )
    .await;
    let flat: Vec<i64> = desc
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_i64())
        .collect();
    assert_eq!(
        flat,
        (0..25).rev().collect::<Vec<_>>(),
        "desc walks newest to oldest"
    );
}

#[tokio::test]
async fn meta_links_are_absolute_keep_filters_and_go_back() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let s = format!("/v2/Services/{svc}");
    t.post(
        &format!("{s}/Channels"),
        Auth::Admin,
        &[("UniqueName", "c")],
    )
    .await;
    for i in 0..12 {
        t.post(
            &format!("{s}/Channels/c/Messages"),
            Auth::Admin,
            &[("Body", &i.to_string())],
        )
        .await;
    }
    let r = t
        .get(
            &format!("{s}/Channels/c/Messages?Order=desc&PageSize=5"),
            Auth::Admin,
        )
        .await;
    let meta = &r.body["meta"];
    assert_eq!(
        (
            meta["page"].as_u64(),
            meta["page_size"].as_u64(),
            meta["key"].as_str()
        ),
        (Some(0), Some(5), Some("messages"))
    );
    assert!(meta["previous_page_url"].is_null());
    let next = meta["next_page_url"].as_str().expect("next");
    assert!(next.starts_with(&t.server.url()), "absolute: {next}");
    assert!(
        next.contains("Order=desc") && next.contains("Page=1") && next.contains("PageToken="),
        "{next}"
    );
    assert!(meta["first_page_url"]
        .as_str()
        .is_some_and(|u| u.ends_with("Order=desc&PageSize=5&Page=0")));

    let page1: Value = t
        .http
        .get(next)
        .basic_auth(
            &t.server.app.account_sid,
            Some(&t.server.app.auth_token.cached()),
        )
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let idx: Vec<i64> = page1["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["index"].as_i64())
        .collect();
    assert_eq!(idx, vec![6, 5, 4, 3, 2]);
    let prev = page1["meta"]["previous_page_url"].as_str().expect("prev");
    let page0: Value = t
        .http
        .get(prev)
        .basic_auth(
            &t.server.app.account_sid,
            Some(&t.server.app.auth_token.cached()),
        )
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let idx: Vec<i64> = page0["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["index"].as_i64())
        .collect();
    assert_eq!(
        idx,
        vec![11, 10, 9, 8, 7],
        "previous_page_url returns the page before"
    );
    assert_eq!(page0["meta"]["page"], 0);
}

#[tokio::test]
async fn every_list_takes_page_sizes_up_to_1000_and_refuses_others_alike() {
    let t = TestServer::start().await;
    let svc = t.service().await;
    for list in [
        "/v2/Services",
        &format!("/v2/Services/{svc}/Channels"),
        &format!("/v2/Services/{svc}/Users"),
    ] {
        for (size, want) in [
            ("1000", reqwest::StatusCode::OK),
            ("1001", reqwest::StatusCode::BAD_REQUEST),
            ("0", reqwest::StatusCode::BAD_REQUEST),
            ("x", reqwest::StatusCode::BAD_REQUEST),
        ] {
            let r = t.get(&format!("{list}?PageSize={size}"), Auth::Admin).await;
            assert_eq!(r.status, want, "{list}?PageSize={size}: {}", r.body);
            if want == reqwest::StatusCode::OK {
                assert_eq!(r.body["meta"]["page_size"], 1000, "served as asked");
            } else {
                assert_eq!(r.code(), 20001);
            }
        }
    }
}
