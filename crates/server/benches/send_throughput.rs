//! Durable send throughput: many concurrent HTTP clients post messages to a
//! real parley-server (SQLite, synchronous=FULL, group commit) on 127.0.0.1;
//! prints sends/s and p50/p99/max latency. Run with `cargo bench --bench
//! send_throughput` (env: CLIENTS, MESSAGES, CHANNELS).

use std::time::{Duration, Instant};

use parley_server::{start, ServeOptions};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let clients = env("CLIENTS", 64);
    let total = env("MESSAGES", 40_000);
    let channels = env("CHANNELS", 8);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(ServeOptions::new(
        dir.path().to_owned(),
        "127.0.0.1:0".parse().expect("addr"),
    ))
    .await
    .expect("server");
    let base = server.url();
    let (sid, token) = (
        server.app.account_sid.clone(),
        server.app.auth_token.clone(),
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let svc: serde_json::Value = http
        .post(format!("{base}/v2/Services"))
        .basic_auth(&sid, Some(&token))
        .form(&[("FriendlyName", "bench")])
        .send()
        .await
        .expect("service")
        .json()
        .await
        .expect("json");
    let svc = svc["sid"].as_str().expect("sid").to_owned();
    for c in 0..channels {
        http.post(format!("{base}/v2/Services/{svc}/Channels"))
            .basic_auth(&sid, Some(&token))
            .form(&[("UniqueName", format!("c{c}"))])
            .send()
            .await
            .expect("channel");
    }
    let per_client = total / clients;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, base, svc, sid, token) = (
            http.clone(),
            base.clone(),
            svc.clone(),
            sid.clone(),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            let url = format!(
                "{base}/v2/Services/{svc}/Channels/c{}/Messages",
                client % channels
            );
            for i in 0..per_client {
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .basic_auth(&sid, Some(&token))
                    .form(&[("Body", format!("message {i} from client {client}"))])
                    .send()
                    .await
                    .expect("send");
                assert_eq!(r.status(), 201);
                let _ = r.bytes().await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    println!("send_throughput: {} durable sends from {clients} concurrent clients into {channels} channels", all.len());
    println!("  elapsed      {:.2} s", elapsed.as_secs_f64());
    println!(
        "  throughput   {:.0} sends/s",
        all.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  latency p50  {:.2} ms",
        percentile(&all, 0.50).as_secs_f64() * 1e3
    );
    println!(
        "  latency p99  {:.2} ms",
        percentile(&all, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "  latency max  {:.2} ms",
        percentile(&all, 1.0).as_secs_f64() * 1e3
    );
    server.stop().await;
}
