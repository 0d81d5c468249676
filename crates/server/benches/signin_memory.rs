//! Memory of password checks under a burst of sign-ins: ROUNDS (default 5)
//! rounds of BURST (default 64) concurrent argon2id checks, run twice in
//! child processes of this binary so each is measured alone —
//!
//! - `unbounded`: each check on the blocking pool with its own 19 MiB
//!   buffer (what `/auth/token` did before the pool);
//! - `pool`: through `auth::password::Hasher` (one check per core, buffers
//!   reused, callers past the queue told to retry).
//!
//! Prints peak and final RSS and checks per second for both. Run with
//! `cargo bench --bench signin_memory`.

use std::sync::Arc;
use std::time::Instant;

use parley_server::auth::password;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs one mode in this process and prints `peak final checks refused secs`.
async fn run(mode: &str) {
    let (rounds, burst) = (env("ROUNDS", 5), env("BURST", 64));
    let phc = Arc::new(password::hash("correct horse").unwrap_or_default());
    let pool = password::Hasher::for_this_machine();
    let mut peak = rss_kib();
    let (mut checked, mut refused) = (0usize, 0usize);
    let started = Instant::now();
    for _ in 0..rounds {
        let mut tasks = Vec::new();
        for _ in 0..burst {
            let (phc, pool, mode) = (phc.clone(), pool.clone(), mode.to_owned());
            tasks.push(tokio::spawn(async move {
                if mode == "unbounded" {
                    let ok = tokio::task::spawn_blocking(move || {
                        password::verify("correct horse", &phc)
                    });
                    return ok.await.ok();
                }
                match pool.admit() {
                    Ok(place) => Some(
                        pool.verify(place, "correct horse".into(), Some((*phc).clone()))
                            .await,
                    ),
                    Err(_) => None,
                }
            }));
        }
        let sampler = tokio::spawn(async {
            let mut top = 0;
            for _ in 0..200 {
                top = top.max(rss_kib());
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            top
        });
        for t in tasks {
            match t.await.ok().flatten() {
                Some(true) => checked += 1,
                Some(false) => panic!("a correct password did not verify"),
                None => refused += 1,
            }
        }
        sampler.abort();
        peak = peak.max(rss_kib());
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{peak} {} {checked} {refused} {secs:.2}", rss_kib());
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--mode") {
        let mode = args.get(i + 1).cloned().unwrap_or_default();
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(run(&mode));
        return;
    }
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "sign-in memory: {} rounds of {} concurrent argon2id checks (m=19 MiB, t=2, p=1), {cores} cores",
        env("ROUNDS", 5),
        env("BURST", 64)
    );
    for mode in ["unbounded", "pool"] {
        let out = std::process::Command::new(&args[0])
            .args(["--mode", mode])
            .output()
            .expect("child ran");
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<f64> = text
            .split_whitespace()
            .filter_map(|v| v.parse().ok())
            .collect();
        if f.len() < 5 {
            println!(
                "  {mode}: failed: {text} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        println!(
            "  {mode:>9}: peak RSS {:>7.1} MiB, after {:>7.1} MiB, {:.0} checks in {:.1} s ({:.1}/s), {:.0} told to retry",
            f[0] / 1024.0,
            f[1] / 1024.0,
            f[2],
            f[4],
            f[2] / f[4],
            f[3]
        );
    }
}
