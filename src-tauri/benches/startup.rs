//! Desktop start-up and memory, with a fixed workload (not a test): a real
//! server holds MESSAGES messages (default 100,000) in CHANNELS channels
//! (default 10); parley-client signs in and pages the whole history into the
//! cache; then the built app is launched on that cache through tauri-driver
//! and this prints the time until the channel list is on screen, the RSS of
//! the app's whole process tree (the app plus its WebKit processes) after
//! IDLE_SECS (default 60) idle, and after scrolling back SCROLL (default
//! 10,000) messages.
//!
//! Needs a display, a D-Bus session with an unlocked Secret Service and
//! tauri-driver: `make bench` runs it under Xvfb like the window tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parley_client::notify::{Notification, Notifier};
use parley_client::secrets::KeyringStore;
use parley_client::{Client, ClientConfig};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Debug)]
struct Quiet;

impl Notifier for Quiet {
    fn show(&self, _: &Notification) -> parley_client::Result<()> {
        Ok(())
    }
}

/// (pid, parent pid, RSS KiB, PSS KiB) of every process.
fn processes() -> Vec<(u32, u32, u64, u64)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(e.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        };
        let pss = std::fs::read_to_string(e.path().join("smaps_rollup"))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("Pss:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|v| v.parse::<u64>().ok())
            })
            .unwrap_or(0);
        out.push((
            pid,
            field("PPid:").unwrap_or(0) as u32,
            field("VmRSS:").unwrap_or(0),
            pss,
        ));
    }
    out
}

/// Memory of the app `exe` and all its descendants (its WebKit processes).
#[derive(Debug, Clone)]
struct TreeMemory {
    /// Sum of the processes' RSS, MiB (shared library pages counted in each).
    rss: f64,
    /// Sum of their PSS, MiB (shared pages divided among their users).
    pss: f64,
    processes: usize,
    /// The app's own process id.
    app_pid: u32,
    /// (command, PSS MiB) of each process.
    each: Vec<(String, f64)>,
}

fn tree_memory(exe: &Path) -> TreeMemory {
    let all = processes();
    let roots: Vec<u32> = all
        .iter()
        .filter(|(pid, ..)| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|p| p == exe))
        .map(|(pid, ..)| *pid)
        .collect();
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for (pid, ppid, ..) in &all {
        children.entry(*ppid).or_default().push(*pid);
    }
    let mem: HashMap<u32, (u64, u64)> = all.iter().map(|(p, _, r, s)| (*p, (*r, *s))).collect();
    let app_pid = roots.first().copied().unwrap_or(0);
    let (mut rss, mut pss, mut count, mut stack) = (0u64, 0u64, 0usize, roots);
    let mut each = Vec::new();
    while let Some(p) = stack.pop() {
        let (r, s) = mem.get(&p).copied().unwrap_or((0, 0));
        rss += r;
        pss += s;
        count += 1;
        let comm = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        each.push((comm.trim().to_owned(), s as f64 / 1024.0));
        stack.extend(children.get(&p).cloned().unwrap_or_default());
    }
    TreeMemory {
        rss: rss as f64 / 1024.0,
        pss: pss as f64 / 1024.0,
        processes: count,
        app_pid,
        each,
    }
}

/// When process `pid` started, as Unix time in seconds: now, less the
/// process's age (system uptime less its start in clock ticks since boot;
/// 10 ms resolution).
fn started_at(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 22 (starttime) comes after the command in parentheses.
    let after = stat.rsplit_once(')')?.1;
    let ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    // Linux reports starttime in USER_HZ, 100 on every architecture Parley builds for.
    Some(now - (uptime - ticks / 100.0))
}

struct Driver {
    child: Child,
    base: String,
    session: String,
    http: reqwest::Client,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

impl Driver {
    async fn script(&self, js: &str) -> Value {
        self.http
            .post(format!(
                "{}/session/{}/execute/sync",
                self.base, self.session
            ))
            .json(&json!({"script": js, "args": []}))
            .send()
            .await
            .expect("webdriver")
            .json::<Value>()
            .await
            .unwrap_or_default()["value"]
            .clone()
    }
}

#[tokio::main]
async fn main() {
    let total = env("MESSAGES", 100_000);
    let channels = env("CHANNELS", 10);
    let idle = env("IDLE_SECS", 60);
    let scroll = env("SCROLL", 10_000);
    let app = PathBuf::from(env!("CARGO_BIN_EXE_parley"));
    let work = tempfile::tempdir().expect("dir");

    // A server with the history.
    let opts = parley_server::ServeOptions::new(
        work.path().join("server"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    let server = parley_server::start(opts).await.expect("server");
    let phc = parley_server::auth::password::hash(PASSWORD).expect("hash");
    let per = total / channels;
    let seeded = Instant::now();
    let service = server
        .app
        .db
        .write(move |c| {
            use parley_server::api::{services, users};
            let s = services::create_service(c, "Bench")?;
            for who in ["alice", "bob"] {
                users::set_password(c, &s, who, &phc)?;
            }
            Ok::<_, parley_server::error::ApiError>(s.sid)
        })
        .await
        .expect("service");
    for n in 0..channels {
        let url = format!("{}/v2/Services/{service}/Channels", server.url());
        let http = reqwest::Client::new();
        let auth = (&server.app.account_sid, &server.app.auth_token);
        http.post(&url)
            .basic_auth(auth.0, Some(auth.1))
            .form(&[
                ("UniqueName", format!("channel-{n}")),
                ("FriendlyName", format!("channel {n}")),
            ])
            .send()
            .await
            .expect("channel");
        for who in ["alice", "bob"] {
            http.post(format!("{url}/channel-{n}/Members"))
                .basic_auth(auth.0, Some(auth.1))
                .form(&[("Identity", who)])
                .send()
                .await
                .expect("member");
        }
        let svc = service.clone();
        server
            .app
            .db
            .write(move |c| {
                use parley_server::api::{channels as ch, messages};
                let row = ch::resolve(c, &svc, &format!("channel-{n}"))?;
                let start = 1_700_000_000 + (n as i64) * 7;
                for i in 0..per {
                    messages::insert(
                        c,
                        &row,
                        messages::NewMessage {
                            author: if i % 3 == 0 { "alice" } else { "bob" }.into(),
                            body: format!("message {i} of channel {n}: the quick brown fox jumps over the lazy dog"),
                            attributes: "{}".into(),
                            date_created: Some(start + i as i64 * 60),
                            date_updated: None,
                            last_updated_by: None,
                            media: None,
                        },
                    )?;
                }
                Ok::<_, parley_server::error::ApiError>(())
            })
            .await
            .expect("history");
    }
    eprintln!(
        "seeded {total} messages in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );

    // The cache: sign in and page all of it in.
    let keyring = format!("parley-bench-{}", std::process::id());
    let cfg = ClientConfig {
        data_dir: work.path().join("app"),
    };
    let synced = Instant::now();
    let client = Client::login(
        &cfg,
        &server.url(),
        "alice",
        PASSWORD,
        true,
        Arc::new(KeyringStore::new(&keyring)),
        Arc::new(Quiet),
    )
    .await
    .expect("sign in");
    client.start();
    while client.channels().map(|c| c.len()).unwrap_or(0) < channels as usize {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for c in client.channels().expect("channels") {
        while client.load_older(&c.sid).await.expect("older") > 0 {}
    }
    client.stop();
    drop(client);
    eprintln!(
        "cached the history in {:.1} s",
        synced.elapsed().as_secs_f64()
    );

    // The app, started on that cache.
    let port = free_port();
    let child = Command::new("tauri-driver")
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
        ])
        .env("PARLEY_KEYRING_SERVICE", &keyring)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver on PATH");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("http");
    for _ in 0..100 {
        if http.get(format!("{base}/status")).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
        "application": app, "args": ["--data-dir", cfg.data_dir]
    }}}});
    let started = Instant::now();
    let v: Value = http
        .post(format!("{base}/session"))
        .json(&caps)
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("session json");
    let session = v["value"]["sessionId"]
        .as_str()
        .expect("a session")
        .to_owned();
    let d = Driver {
        child,
        base,
        session,
        http,
    };
    loop {
        let n = d
            .script("return document.querySelectorAll('#channels .channel').length;")
            .await;
        if n.as_u64().unwrap_or(0) > 0 {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            panic!("no channel list after 60 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let to_list = started.elapsed();
    let at_list = tree_memory(&app);
    // The app's own mark: from its process start to the list on screen.
    let mark_ms = d
        .script("const m = performance.getEntriesByName('parley-channel-list')[0]; return m ? performance.timeOrigin + m.startTime : null;")
        .await
        .as_f64();
    let page_ms = d.script("return performance.timeOrigin;").await.as_f64();
    let start = started_at(at_list.app_pid);
    let app_to_list = match (mark_ms, start) {
        (Some(mark), Some(start)) => Some(mark - start * 1000.0),
        _ => None,
    };
    let app_to_page = match (page_ms, start) {
        (Some(page), Some(start)) => Some(page - start * 1000.0),
        _ => None,
    };
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let after_idle = tree_memory(&app);

    // Scroll back through SCROLL messages of the open channel.
    let newest = d
        .script("const r = document.querySelectorAll('#messages .message[data-index]'); return r.length ? Number(r[r.length - 1].dataset.index) : 0;")
        .await
        .as_u64()
        .unwrap_or(0);
    let scrolled = Instant::now();
    let mut reached = newest;
    let target = scroll.min(newest);
    while newest.saturating_sub(reached) < target && scrolled.elapsed() < Duration::from_secs(600) {
        let first = d
            .script("const l = document.getElementById('messages'); l.scrollTop = 0; const r = l.querySelector('.message[data-index]'); return r ? Number(r.dataset.index) : 0;")
            .await
            .as_u64()
            .unwrap_or(reached);
        reached = reached.min(first);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let scroll_time = scrolled.elapsed();
    let rows = d
        .script("return document.querySelectorAll('#messages .message').length;")
        .await;
    let scrolled_mem = tree_memory(&app);
    let _ = d
        .http
        .delete(format!("{}/session/{}", d.base, d.session))
        .send()
        .await;
    server.stop().await;

    println!("desktop start-up on a cache of {total} messages in {channels} channels");
    match app_to_list {
        Some(ms) => println!(
            "  app process start to the channel list on screen: {ms:.0} ms (the page started loading at {:.0} ms)",
            app_to_page.unwrap_or(f64::NAN)
        ),
        None => println!("  app process start to the channel list on screen: not measured"),
    }
    println!(
        "  WebDriver session request to the list seen by polling: {:.0} ms",
        to_list.as_secs_f64() * 1000.0
    );
    let show = |label: &str, m: TreeMemory| {
        let each: Vec<String> = m
            .each
            .iter()
            .map(|(name, pss)| format!("{name} {pss:.0}"))
            .collect();
        println!(
            "  {label}: RSS {:.0} MiB, PSS {:.0} MiB ({} processes, PSS: {})",
            m.rss,
            m.pss,
            m.processes,
            each.join(", ")
        );
    };
    show("memory at the list", at_list.clone());
    show(&format!("memory after {idle} s idle"), after_idle);
    show(
        &format!(
            "memory after scrolling back {} messages in {:.1} s ({rows} rows in the page)",
            newest.saturating_sub(reached),
            scroll_time.as_secs_f64()
        ),
        scrolled_mem,
    );
}
