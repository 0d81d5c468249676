//! Realtime fan-out: N sockets (default 1,000) are members of one channel
//! while senders post messages; prints deliveries/s, send→receive latency
//! and the server's CPU per delivery, twice: at a paced load the server can
//! carry (SENDERS × RATE messages/s, default 2 × 60 = 120,000 deliveries/s
//! offered) and saturated (FLOOD_SENDERS unpaced senders, default 8: each
//! posts its next message when the last is answered). Then opens IDLE
//! sockets (default 10,000) and prints the server's RSS per idle
//! connection. The server is the real binary in a child process so that its
//! memory and CPU are measured alone (PARLEY_SERVER_BIN runs another build).
//! Run with `cargo bench --bench fanout` (env: MEMBERS, MESSAGES, RATE,
//! SENDERS, FLOOD_MESSAGES, FLOOD_SENDERS, IDLE).

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

    // Phase 1: an offered load the server can carry (latency), then as much
    // as eight unpaced senders can push (capacity, CPU per delivery).
    let paced = Load {
        senders: env("SENDERS", 2).max(1),
        rate: env("RATE", 60).max(1),
        messages: env("MESSAGES", 400),
    };
    fanout(&server, &svc, members, "paced", paced).await;
    let flood = Load {
        senders: env("FLOOD_SENDERS", 8).max(1),
        rate: 100_000,
        messages: env("FLOOD_MESSAGES", 1600),
    };
    fanout(&server, &svc, members, "saturated", flood).await;

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

/// Who posts how much, how fast (messages/s per sender).
#[derive(Clone, Copy)]
struct Load {
    senders: usize,
    rate: usize,
    messages: usize,
}

/// `members` sockets read while `load` posts into the channel; prints
/// deliveries/s, latency and the server's CPU per delivery.
async fn fanout(server: &support::Spawned, svc: &str, members: usize, label: &str, load: Load) {
    let (base, http) = (server.base.clone(), server.http.clone());
    let Load {
        senders,
        rate,
        messages,
    } = load;
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(members * messages)));
    let last_delivery = Arc::new(Mutex::new(Instant::now()));
    let mut readers = Vec::new();
    for i in 0..members {
        let mut ws = connect(&base, svc, &server.mint(svc, &format!("u{i}"))).await;
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
    let cpu_before = server.cpu_secs();
    let started = Instant::now();
    let url = format!("{base}/v2/Services/{svc}/Channels/all-hands/Messages");
    let mut posting = Vec::new();
    for s in 0..senders {
        let (http, url) = (http.clone(), url.clone());
        let count = messages / senders + usize::from(s < messages % senders);
        posting.push(tokio::spawn(async move {
            let mut took = Vec::with_capacity(count);
            // Offered load: `rate` messages/s per sender (× members deliveries/s).
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
    let cpu = server.cpu_secs() - cpu_before;
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    let offered = if rate >= 100_000 {
        "unpaced".to_owned()
    } else {
        format!("offered {} messages/s", rate * senders)
    };
    println!(
        "fanout ({label}): {messages} messages from {senders} senders to {members} connected members ({} deliveries), {offered}",
        members * messages,
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
        "  server CPU   {:.2} s = {:.2} µs per delivery",
        cpu,
        cpu * 1e6 / lat.len().max(1) as f64
    );
    println!(
        "  server RSS with {members} sockets: {} MiB",
        rss_connected / 1024
    );
}
