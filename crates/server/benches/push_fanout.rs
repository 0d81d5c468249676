//! Push fan-out: one message into a channel of MEMBERS (default 1,000)
//! members, each with one FCM binding, pushed to a loopback FCM sink by the
//! real binary. Prints, per message, the time from the send's answer until
//! the last push arrived and the pushes per second; ROUNDS messages
//! (default 5), one after another. Run with `cargo bench --bench
//! push_fanout`.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post as route_post;
use axum::{Json, Router};
use serde_json::json;
use support::{env, post};
use tokio::sync::Notify;

const KEY: &str = include_str!("../tests/it/fixtures/fcm_test_key.pem");

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

#[derive(Clone, Default)]
struct Sink {
    pushes: Arc<AtomicUsize>,
    arrived: Arc<Notify>,
}

async fn sink() -> (String, Sink) {
    let s = Sink::default();
    let counted = s.clone();
    let app = Router::new()
        .route(
            "/token",
            route_post(|| async { Json(json!({"access_token": "bench", "expires_in": 3600})) }),
        )
        .route(
            "/v1/projects/{project}/{method}",
            route_post(move || {
                let s = counted.clone();
                async move {
                    s.pushes.fetch_add(1, Ordering::Relaxed);
                    s.arrived.notify_waiters();
                    Json(json!({"name": "projects/bench/messages/1"}))
                }
            }),
        );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    (url, s)
}

async fn run() {
    let members = env("MEMBERS", 1000).min(1000);
    let rounds = env("ROUNDS", 5);
    let (sink_url, sink) = sink().await;
    let server = support::Spawned::start(&["--push-fcm-url", &sink_url]).await;
    let (base, http) = (server.base.clone(), server.http.clone());
    let account = json!({
        "project_id": "bench",
        "client_email": "bench@bench.iam.gserviceaccount.com",
        "private_key": KEY,
        "token_uri": format!("{sink_url}/token"),
    })
    .to_string();
    let cr = post(
        &http,
        format!("{base}/v2/Credentials"),
        &[("Type", "fcm"), ("Secret", &account)],
    )
    .await;
    assert!(cr["sid"].is_string(), "credential: {cr}");
    let svc = post(
        &http,
        format!("{base}/v2/Services"),
        &[("FriendlyName", "push")],
    )
    .await;
    let svc = svc["sid"].as_str().expect("service").to_owned();
    let s = format!("{base}/v2/Services/{svc}");
    post(
        &http,
        s.clone(),
        &[
            ("Limits.ChannelMembers", "1000"),
            ("Notifications.NewMessage.Enabled", "true"),
        ],
    )
    .await;
    post(
        &http,
        format!("{s}/Channels"),
        &[("UniqueName", "all-hands")],
    )
    .await;
    let setup = Instant::now();
    for i in 0..members {
        let who = format!("u{i}");
        post(
            &http,
            format!("{s}/Channels/all-hands/Members"),
            &[("Identity", &who)],
        )
        .await;
        let device = format!("device-{i}");
        post(
            &http,
            format!("{s}/Users/{who}/Bindings"),
            &[
                ("BindingType", "fcm"),
                ("Endpoint", &device),
                ("Address", &device),
            ],
        )
        .await;
    }
    println!(
        "push_fanout: {members} members with one FCM binding each (set up in {:.1} s)",
        setup.elapsed().as_secs_f64()
    );
    for round in 0..rounds {
        let before = sink.pushes.load(Ordering::Relaxed);
        let want = before + members;
        let r = post(
            &http,
            format!("{s}/Channels/all-hands/Messages"),
            &[("Body", &format!("round {round}"))],
        )
        .await;
        let sent = Instant::now();
        assert!(r["sid"].is_string(), "send: {r}");
        let deadline = sent + Duration::from_secs(120);
        while sink.pushes.load(Ordering::Relaxed) < want {
            let arrived = sink.arrived.notified();
            if sink.pushes.load(Ordering::Relaxed) >= want {
                break;
            }
            if tokio::time::timeout_at(deadline.into(), arrived)
                .await
                .is_err()
            {
                panic!(
                    "only {} of {members} pushes arrived",
                    sink.pushes.load(Ordering::Relaxed) - before
                );
            }
        }
        let took = sent.elapsed();
        println!(
            "  round {round}: last of {members} pushes after {:.0} ms, {:.0} pushes/s",
            took.as_secs_f64() * 1000.0,
            members as f64 / took.as_secs_f64()
        );
    }
    println!("  server RSS   {:.1} MiB", server.rss_kib() as f64 / 1024.0);
}
