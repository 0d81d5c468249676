//! Desktop start-up and memory, with a fixed workload (not a test): a real
//! server holds MESSAGES messages (default 100,000) in CHANNELS channels
//! (default 10); parley-client signs in and pages the whole history into the
//! cache. Then the built app is started LAUNCHES times (default 7) on that
//! cache and this prints the median time from spawning it to its first
//! painted frame with the channel list (the window reports it to the app's
//! log); then once more through tauri-driver for the RSS and PSS of the
//! app's whole process tree (the app plus its WebKit processes) at the list,
//! after IDLE_SECS (default 60) idle, after scrolling back SCROLL (default
//! 10,000) messages, and IDLE_SECS after that.
//!
//! Last, for scale, the floor: the `blank_webview` example (a bare GTK
//! window with one WebKitGTK web view, no Tauri, no Parley) measured the
//! same way, if it was built (`make bench` builds it).
//!
//! BASELINE_APP=path/to/another/parley: its starts alternate with this
//! build's (same cache, same session), and both are printed — the way to
//! judge a change on a machine whose speed drifts between runs.
//!
//! Needs a display, a D-Bus session with an unlocked Secret Service and
//! tauri-driver: `make bench` runs it under Xvfb like the window tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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
        if std::env::var_os("DETAIL").is_some() {
            eprintln!(
                "    {} ({p}): {}",
                comm.trim(),
                largest_mappings(p).join(", ")
            );
        }
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

/// The mappings of `pid` holding the most PSS ("name MiB"), for DETAIL=1.
fn largest_mappings(pid: u32) -> Vec<String> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut by_name: HashMap<String, u64> = HashMap::new();
    let mut name = String::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            let path = line.split_whitespace().nth(5).unwrap_or("[anon]");
            name = path.rsplit('/').next().unwrap_or(path).to_owned();
        } else if first == "Pss:" {
            let kib: u64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
            *by_name.entry(name.clone()).or_default() += kib;
        }
    }
    let mut all: Vec<(String, u64)> = by_name.into_iter().collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.1));
    all.into_iter()
        .take(8)
        .map(|(n, kib)| format!("{n} {:.1}", kib as f64 / 1024.0))
        .collect()
}

#[path = "../tests/support/webdriver.rs"]
mod webdriver;

use webdriver::WebDriver;

/// Runs `js` in the page of `session`.
async fn script(d: &WebDriver, session: &str, js: &str) -> Value {
    d.script(session, js, json!([])).await
}

/// Ends the session and waits until the app `exe` has exited (one
/// instance per profile: the next launch would only raise this one).
async fn quit(d: &WebDriver, session: &str, exe: &Path) {
    d.end(session).await;
    for _ in 0..200 {
        if tree_memory(exe).app_pid == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the app did not exit after its session ended");
}

/// Starts what a logged-in Linux desktop already runs (the XDG desktop
/// portal, the accessibility bus): in the benchmark's fresh D-Bus session
/// their activation would otherwise be billed to the app's first start.
fn warm_desktop_session() {
    let calls: [&[&str]; 3] = [
        &[
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.StartServiceByName",
            "org.a11y.Bus",
            "0",
        ],
        // Reading a setting also starts the portal's backend.
        &[
            "org.freedesktop.portal.Desktop",
            "/org/freedesktop/portal/desktop",
            "org.freedesktop.portal.Settings.Read",
            "org.freedesktop.appearance",
            "color-scheme",
        ],
        &[
            "org.freedesktop.portal.Desktop",
            "/org/freedesktop/portal/desktop",
            "org.freedesktop.portal.Settings.ReadAll",
            "[]",
        ],
    ];
    for call in calls {
        let (dest, path, method, args) = (call[0], call[1], call[2], &call[3..]);
        let _ = Command::new("gdbus")
            .args([
                "call",
                "--session",
                "--dest",
                dest,
                "--object-path",
                path,
                "--method",
                method,
            ])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// One start of the app, timed from the moment it was spawned.
struct Start {
    /// To the first painted frame with the channel list, ms.
    to_list: f64,
    /// To the page starting to load, ms.
    to_page: f64,
}

fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(f64::NAN)
}

/// The value of `field=` in a log line.
fn log_field(line: &str, field: &str) -> Option<f64> {
    let rest = line.split(&format!("{field}=")).nth(1)?;
    rest.split(|c: char| c.is_whitespace() || c == '\u{1b}')
        .next()?
        .parse()
        .ok()
}

/// Starts the app itself (no WebDriver, which delays some starts by half a
/// second) and reads from its log when the window painted the channel list.
fn direct_start(app: &Path, data_dir: &Path, keyring: &str) -> Start {
    use std::io::BufRead;
    let spawned = unix_ms();
    let mut child = Command::new(app)
        .args([std::ffi::OsStr::new("--data-dir"), data_dir.as_os_str()])
        .env("PARLEY_KEYRING_SERVICE", keyring)
        .env(
            "PARLEY_LOG",
            if std::env::var_os("DETAIL").is_some() {
                "debug"
            } else {
                "parley::startup=info"
            },
        )
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if std::env::var_os("DETAIL").is_some() {
                eprintln!("  app: {line}");
            }
            if line.contains("list_unix_ms=") {
                let _ = tx.send(line);
            }
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(60));
    let _ = child.kill();
    let _ = child.wait();
    // Its WebKit processes notice on their own; the next start waits for them.
    for _ in 0..100 {
        let webkit_left = processes().iter().any(|(pid, ..)| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.starts_with("WebKit"))
        });
        if !webkit_left {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let line = line.expect("the app logs its first frame with the channel list");
    let at = |field| log_field(&line, field).unwrap_or(f64::NAN) - spawned;
    Start {
        to_list: at("list_unix_ms"),
        to_page: at("page_unix_ms"),
    }
}

/// Launches the app through WebDriver and waits for its channel list;
/// returns the session and the memory of the process tree at that moment.
async fn driven_start(d: &WebDriver, app: &Path, data_dir: &Path) -> (String, TreeMemory) {
    let requested = Instant::now();
    let session = d.session(app, data_dir).await;
    loop {
        let mark = script(
            d,
            &session,
            "return performance.getEntriesByName('parley-channel-list').length;",
        )
        .await
        .as_u64()
        .unwrap_or(0);
        if mark > 0 {
            break;
        }
        if requested.elapsed() > Duration::from_secs(60) {
            panic!("no channel list after 60 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    (session, tree_memory(app))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The start-up figures of one build.
fn print_starts(indent: &str, starts: &[Start]) {
    let list: Vec<String> = starts.iter().map(|s| format!("{:.0}", s.to_list)).collect();
    println!(
        "{indent}  app spawned to its first painted frame with the channel list: median {:.0} ms over {} starts ({} ms)",
        median(starts.iter().map(|s| s.to_list).collect()),
        starts.len(),
        list.join(", ")
    );
    let page: Vec<String> = starts.iter().map(|s| format!("{:.0}", s.to_page)).collect();
    println!(
        "{indent}  of which before the page starts loading (process, GTK, WebKit processes): median {:.0} ms ({} ms)",
        median(starts.iter().map(|s| s.to_page).collect()),
        page.join(", ")
    );
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
        let auth = (&server.app.account_sid, &server.app.auth_token.cached());
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

    // The app, started LAUNCHES times (default 7) on that cache, each from
    // a quiet machine (the last one's WebKit processes gone); then once more
    // under WebDriver, for the memory figures and the scrolling.
    warm_desktop_session();
    let launches = env("LAUNCHES", 7).max(1);
    let baseline = std::env::var_os("BASELINE_APP").map(PathBuf::from);
    let mut starts = Vec::new();
    let mut baseline_starts = Vec::new();
    for _ in 0..launches {
        starts.push(direct_start(&app, &cfg.data_dir, &keyring));
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Some(other) = &baseline {
            baseline_starts.push(direct_start(other, &cfg.data_dir, &keyring));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
    let d = WebDriver::start(&[("PARLEY_KEYRING_SERVICE", &keyring)]).await;
    let (session, at_list) = driven_start(&d, &app, &cfg.data_dir).await;
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let after_idle = tree_memory(&app);

    // Scroll back through SCROLL messages of the open channel.
    let newest = script(&d, &session, "const r = document.querySelectorAll('#messages .message[data-index]'); return r.length ? Number(r[r.length - 1].dataset.index) : 0;")
        .await
        .as_u64()
        .unwrap_or(0);
    let scrolled = Instant::now();
    let mut reached = newest;
    let target = scroll.min(newest);
    while newest.saturating_sub(reached) < target && scrolled.elapsed() < Duration::from_secs(600) {
        let first = script(&d, &session, "const l = document.getElementById('messages'); l.scrollTop = 0; const r = l.querySelector('.message[data-index]'); return r ? Number(r.dataset.index) : 0;")
            .await
            .as_u64()
            .unwrap_or(reached);
        reached = reached.min(first);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let scroll_time = scrolled.elapsed();
    let rows = script(
        &d,
        &session,
        "return document.querySelectorAll('#messages .message').length;",
    )
    .await;
    let scrolled_mem = tree_memory(&app);
    // And once WebKit's collector and scavenger have had their time.
    tokio::time::sleep(Duration::from_secs(idle)).await;
    let settled_mem = tree_memory(&app);
    quit(&d, &session, &app).await;
    server.stop().await;
    let floor = floor_memory(&app).await;

    println!("desktop start-up on a cache of {total} messages in {channels} channels");
    print_starts("", &starts);
    if let Some(other) = &baseline {
        println!(
            "  baseline {} (alternating with the above):",
            other.display()
        );
        print_starts("  ", &baseline_starts);
    }
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
    show(
        &format!("memory {idle} s after scrolling"),
        settled_mem.clone(),
    );
    match floor {
        Some(f) => {
            show(
                "floor: a bare WebKitGTK window (examples/blank_webview), same settings",
                f.clone(),
            );
            println!(
                "  Parley's share of the PSS above that floor: {:.0} MiB at the list, {:.0} MiB after scrolling and idling",
                at_list.pss - f.pss,
                settled_mem.pss - f.pss
            );
        }
        None => println!("  (no floor figure: build the blank_webview example first)"),
    }
}

/// Memory of the bare-WebKitGTK example next to `app`, 5 s after its web
/// process started; None if it was not built.
async fn floor_memory(app: &Path) -> Option<TreeMemory> {
    let exe = app.parent()?.join("examples").join("blank_webview");
    if !exe.exists() {
        return None;
    }
    let mut child = Command::new(&exe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    while tree_memory(&exe).processes < 3 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let m = tree_memory(&exe);
    let _ = child.kill();
    let _ = child.wait();
    Some(m)
}
