//! Realtime fan-out: N sockets (default 1,000) are members of one channel
//! while a sender posts messages; prints deliveries/s and send→receive
//! latency. Then opens IDLE sockets (default 10,000) and prints the server's
//! RSS per idle connection. The server is the real binary in a child process
//! so that its memory is measured alone. Run with `cargo bench --bench fanout`
//! (env: MEMBERS, MESSAGES, RATE messages/s per sender (default 120), SENDERS, IDLE).

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{connect, env, micros_now, pct, post};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let members = env("MEMBERS", 1000).min(1000);
    let messages = env("MESSAGES", 200);
    let idle = env("IDLE", 10_000);
    let server = support::Spawned::start(&[]).await;
    let (base, http) = (server.base.clone(), server.http.clone());
    let mint = |svc: &str, who: &str| server.mint(svc, who);

    let svc = post(
        &http,
        format!("{base}/v2/Services"),
        &[("FriendlyName", "fanout")],
    )
    .await;
    let svc = svc["sid"].as_str().expect("service").to_owned();
    post(
        &http,
        format!("{base}/v2/Services/{svc}"),
        &[("Limits.ChannelMembers", "1000")],
    )
    .await;
    post(
        &http,
        format!("{base}/v2/Services/{svc}/Channels"),
        &[("UniqueName", "all-hands")],
    )
    .await;
    for i in 0..members {
        post(
            &http,
            format!("{base}/v2/Services/{svc}/Channels/all-hands/Members"),
            &[("Identity", &format!("u{i}"))],
        )
        .await;
    }

    // Phase 1: fan-out to `members` sockets.
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(members * messages)));
    let last_delivery = Arc::new(Mutex::new(Instant::now()));
    let mut readers = Vec::new();
    for i in 0..members {
        let mut ws = connect(&base, &svc, &mint(&svc, &format!("u{i}"))).await;
        let (lat, last) = (latencies.clone(), last_delivery.clone());
        readers.push(tokio::spawn(async move {
            let mine = support::read_latencies(&mut ws, messages).await;
            if let Ok(mut l) = lat.lock() {
                l.extend(mine);
            }
            if let Ok(mut l) = last.lock() {
                *l = Instant::now().max(*l);
            }
        }));
    }
    let rss_connected = server.rss_kib();
    let started = Instant::now();
    let url = format!("{base}/v2/Services/{svc}/Channels/all-hands/Messages");
    let senders = env("SENDERS", 1).max(1);
    let mut posting = Vec::new();
    for s in 0..senders {
        let (http, url) = (http.clone(), url.clone());
        let count = messages / senders + usize::from(s < messages % senders);
        let rate = env("RATE", 120).max(1);
        posting.push(tokio::spawn(async move {
            let mut took = Vec::with_capacity(count);
            // Offered load: RATE messages/s per sender (RATE × members deliveries/s).
            let mut pace = tokio::time::interval(Duration::from_micros(1_000_000 / rate as u64));
            pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            for _ in 0..count {
                pace.tick().await;
                let ts = micros_now();
                post(
                    &http,
                    url.clone(),
                    &[("Body", &ts.to_string()), ("From", "u0")],
                )
                .await;
                took.push(micros_now().saturating_sub(ts));
            }
            took
        }));
    }
    let mut post_latency = Vec::new();
    for p in posting {
        post_latency.extend(p.await.unwrap_or_default());
    }
    post_latency.sort_unstable();
    for r in readers {
        let _ = r.await;
    }
    let elapsed = last_delivery
        .lock()
        .map(|l| l.duration_since(started))
        .unwrap_or_default();
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    println!(
        "fanout: {messages} messages to {members} connected members ({} deliveries), offered {} messages/s",
        members * messages,
        env("RATE", 120) * env("SENDERS", 1).max(1)
    );
    println!(
        "  delivered    {} in {:.2} s",
        lat.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "  throughput   {:.0} deliveries/s",
        lat.len() as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    println!(
        "  latency p50  {:.2} ms   p99 {:.2} ms   max {:.2} ms",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    println!(
        "  POST (durable commit) p50 {:.2} ms   p99 {:.2} ms",
        pct(&post_latency, 0.5),
        pct(&post_latency, 0.99)
    );
    println!(
        "  server RSS with {members} sockets: {} MiB",
        rss_connected / 1024
    );

    // Phase 2: idle sockets.
    let before = server.rss_kib();
    let token = mint(&svc, "idle");
    let mut sockets = Vec::with_capacity(idle);
    for _ in 0..idle {
        sockets.push(connect(&base, &svc, &token).await);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    println!(
        "idle: {idle} more sockets; server RSS {} MiB -> {} MiB = {:.1} KiB per idle connection",
        before / 1024,
        after / 1024,
        (after.saturating_sub(before)) as f64 / idle as f64
    );
    drop(sockets);
}
