//! Soak: SOCKETS (default 2,000) open sockets, members of CHANNELS (default
//! 20) channels, and steady traffic — RATE (default 20) messages/s spread
//! over the channels, every socket reading what it gets, plus a typing frame
//! now and then — for MINUTES (default 30). The server's RSS is sampled
//! every minute; after WARMUP minutes (default 5) it must stay flat. Prints
//! one line per minute and a verdict. The server is the real binary in a
//! child process. Run with `cargo bench --bench soak` (`MINUTES=3` for a
//! short look).

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use support::{connect, env, Spawned};
use tokio_tungstenite::tungstenite::Message;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let sockets = env("SOCKETS", 2000);
    let channels = env("CHANNELS", 20).max(1);
    let rate = env("RATE", 20).max(1);
    let minutes = env("MINUTES", 30).max(1);
    let warmup = env("WARMUP", 5).min(minutes.saturating_sub(1));
    let server = Spawned::start(&[]).await;
    let svc = server
        .post("/v2/Services", &[("FriendlyName", "soak")])
        .await;
    let svc = svc["sid"].as_str().expect("service").to_owned();
    let per_channel = sockets.div_ceil(channels);
    server
        .post(
            &format!("/v2/Services/{svc}"),
            &[("Limits.ChannelMembers", &per_channel.max(1).to_string())],
        )
        .await;
    for c in 0..channels {
        server
            .post(
                &format!("/v2/Services/{svc}/Channels"),
                &[("UniqueName", &format!("c{c}"))],
            )
            .await;
    }
    for i in 0..sockets {
        server
            .post(
                &format!("/v2/Services/{svc}/Channels/c{}/Members", i % channels),
                &[("Identity", &format!("u{i}"))],
            )
            .await;
    }
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::with_capacity(sockets);
    for i in 0..sockets {
        let mut ws = connect(&server.base, &svc, &server.mint(&svc, &format!("u{i}"))).await;
        let (received, channel) = (received.clone(), format!("c{}", i % channels));
        readers.push(tokio::spawn(async move {
            let mut typed = Instant::now();
            while let Some(Ok(m)) = ws.next().await {
                if matches!(m, Message::Text(_)) {
                    received.fetch_add(1, Ordering::Relaxed);
                }
                // One socket in fifty types now and then.
                if i % 50 == 0 && typed.elapsed() > Duration::from_secs(10) {
                    typed = Instant::now();
                    let frame = serde_json::json!({"type": "typing", "channel_sid": channel});
                    let _ = ws.send(Message::text(frame.to_string())).await;
                }
            }
        }));
    }
    println!(
        "soak: {sockets} sockets in {channels} channels, {rate} messages/s, {minutes} min (warm-up {warmup} min)"
    );
    let sent = Arc::new(AtomicU64::new(0));
    let sender = {
        let (http, base, svc, sent) = (
            server.http.clone(),
            server.base.clone(),
            svc.clone(),
            sent.clone(),
        );
        tokio::spawn(async move {
            let mut pace = tokio::time::interval(Duration::from_micros(1_000_000 / rate as u64));
            let mut n = 0usize;
            loop {
                pace.tick().await;
                let url = format!(
                    "{base}/v2/Services/{svc}/Channels/c{}/Messages",
                    n % channels
                );
                let from = format!("u{}", n % sockets.max(1));
                support::post(
                    &http,
                    url,
                    &[("Body", &format!("soak {n}")), ("From", &from)],
                )
                .await;
                sent.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        })
    };
    let mut samples = Vec::with_capacity(minutes + 1);
    samples.push(server.rss_kib());
    println!("  min  0: RSS {:>6.1} MiB", samples[0] as f64 / 1024.0);
    for m in 1..=minutes {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let rss = server.rss_kib();
        samples.push(rss);
        println!(
            "  min {m:>2}: RSS {:>6.1} MiB, {} messages sent, {} frames delivered",
            rss as f64 / 1024.0,
            sent.load(Ordering::Relaxed),
            received.load(Ordering::Relaxed)
        );
    }
    sender.abort();
    let after: &[u64] = &samples[warmup..];
    let (lo, hi) = (
        after.iter().copied().min().unwrap_or(0),
        after.iter().copied().max().unwrap_or(0),
    );
    let growth = after.last().copied().unwrap_or(0) as f64 - after[0] as f64;
    println!(
        "  after warm-up: RSS {:.1}–{:.1} MiB, first to last {:+.1} MiB ({:+.1} %)",
        lo as f64 / 1024.0,
        hi as f64 / 1024.0,
        growth / 1024.0,
        100.0 * growth / after[0].max(1) as f64
    );
    for r in readers {
        r.abort();
    }
}
