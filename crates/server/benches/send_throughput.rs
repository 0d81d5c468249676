//! Durable send throughput: many concurrent HTTP clients post messages to a
//! real parley-server (SQLite, synchronous=FULL, group commit) on 127.0.0.1;
//! prints sends/s and p50/p99/max latency. Run with `cargo bench --bench
//! send_throughput` (env: CLIENTS, MESSAGES, CHANNELS; RATE_LIMIT=n counts
//! every send against a limit of n actions a second, high enough never to
//! refuse, to show what counting costs; default: no limits, since the
//! workload floods by design). The same workload on PostgreSQL, with one
//! and two nodes, is in `benches/cluster.rs`.

mod support;

use parley_server::{start, ServeOptions};
use support::{env, pct};

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut opts = ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
    let limit = u32::try_from(env("RATE_LIMIT", 0)).unwrap_or(u32::MAX);
    opts.rate_limits = parley_server::ratelimit::Limits {
        channel: limit,
        service: limit,
        admin: limit,
    };
    let server = start(opts).await.expect("server");
    let s = support::sends(
        &[server.url()],
        &server.app.account_sid,
        &server.app.auth_token.cached(),
    )
    .await;
    println!(
        "send_throughput: {} durable sends from {} concurrent clients into {} channels, rate limit {}",
        s.count,
        env("CLIENTS", 64),
        env("CHANNELS", 8),
        if limit == 0 { "off".to_owned() } else { format!("{limit}/s (counted)") }
    );
    println!("  elapsed      {:.2} s", s.elapsed.as_secs_f64());
    println!("  throughput   {:.0} sends/s", s.per_second());
    println!("  latency p50  {:.2} ms", pct(&s.latency, 0.50));
    println!("  latency p99  {:.2} ms", pct(&s.latency, 0.99));
    println!("  latency max  {:.2} ms", pct(&s.latency, 1.0));
    server.stop().await;
}
