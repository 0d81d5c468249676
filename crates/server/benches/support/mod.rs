//! What the server's benchmarks share: settings from the environment,
//! percentiles, a WebSocket connection as a client opens one, and the
//! durable-send workload (many concurrent clients posting messages).

#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// A number from the environment, or `default`.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Wall-clock microseconds (for send→receive latency carried in a body).
pub fn micros_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// The `p` quantile of sorted microseconds, in milliseconds.
pub fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the stream of `svc` at `base` (http://…) with `token` and reads
/// past `connected` and `caughtUp`.
pub async fn connect(base: &str, svc: &str, token: &str) -> Socket {
    let mut req = format!(
        "{}/v2/Services/{svc}/Stream",
        base.replacen("http", "ws", 1)
    )
    .into_client_request()
    .expect("req");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        format!("parley.v1, access_token.{token}")
            .parse()
            .expect("h"),
    );
    // Small read buffers: the default 128 KiB one is zeroed on every read, and
    // this load generator shares the two cores with the server it measures.
    let config =
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(req, Some(config), true)
        .await
        .expect("socket");
    for _ in 0..2 {
        ws.next().await;
    }
    ws
}

/// What the send workload measured.
#[derive(Debug)]
pub struct Sends {
    pub count: usize,
    pub elapsed: Duration,
    /// Latency of each send in microseconds, sorted.
    pub latency: Vec<u64>,
}

impl Sends {
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// CLIENTS concurrent clients post MESSAGES messages in all into CHANNELS
/// channels of a new service, each waiting for its reply (a durable
/// commit); client `i` goes to `bases[i % bases.len()]`.
pub async fn sends(bases: &[String], sid: &str, token: &str) -> Sends {
    let clients = env("CLIENTS", 64);
    let total = env("MESSAGES", 40_000);
    let channels = env("CHANNELS", 8);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .expect("client");
    let base = &bases[0];
    let svc: serde_json::Value = http
        .post(format!("{base}/v2/Services"))
        .basic_auth(sid, Some(token))
        .form(&[("FriendlyName", "bench")])
        .send()
        .await
        .expect("service")
        .json()
        .await
        .expect("json");
    let svc = svc["sid"].as_str().expect("sid").to_owned();
    for c in 0..channels {
        // With rate limits on (RATE_LIMIT), wait as the server asks.
        loop {
            let r = http
                .post(format!("{base}/v2/Services/{svc}/Channels"))
                .basic_auth(sid, Some(token))
                .form(&[("UniqueName", format!("c{c}"))])
                .send()
                .await
                .expect("channel");
            if r.status() != 429 {
                break;
            }
            let wait = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        }
    }
    let per_client = total / clients;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        // Each client cycles through the channels (with fewer channels than
        // clients, client k always sends to channel k mod CHANNELS).
        let base = bases[client % bases.len()].clone();
        let svc = svc.clone();
        let (http, sid, token) = (http.clone(), sid.to_owned(), token.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let url = format!(
                    "{base}/v2/Services/{svc}/Channels/c{}/Messages",
                    (client + i * clients) % channels
                );
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
                lat.push(t.elapsed().as_micros() as u64);
            }
            lat
        }));
    }
    let mut latency = Vec::with_capacity(total);
    for t in tasks {
        latency.extend(t.await.expect("client task"));
    }
    let elapsed = started.elapsed();
    latency.sort_unstable();
    Sends {
        count: latency.len(),
        elapsed,
        latency,
    }
}

/// Reads `messages` `messageAdded` frames whose body is the sender's
/// `micros_now()`, and returns each one's send→receive latency in µs (fewer
/// if the socket goes quiet for 30 s). The body is cut out of the text
/// without parsing it, so that the load generator leaves the cores to the
/// server it measures.
pub async fn read_latencies(ws: &mut Socket, messages: usize) -> Vec<u64> {
    use tokio_tungstenite::tungstenite::Message;
    let mut out = Vec::with_capacity(messages);
    while out.len() < messages {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let t = t.as_str();
                if t.starts_with(r#"{"type":"messageAdded""#) {
                    let sent: u64 = t
                        .split(r#""body":""#)
                        .nth(1)
                        .and_then(|rest| rest.split('"').next())
                        .and_then(|b| b.parse().ok())
                        .unwrap_or(0);
                    out.push(micros_now().saturating_sub(sent));
                }
            }
            Ok(Some(Ok(_))) => {}
            _ => break,
        }
    }
    out
}

/// The account the spawned benchmark servers run with.
pub const SID: &str = "AC000000000000000000000000000000be";
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// The real server binary in a child process (so its memory is measured
/// alone), with an API key for minting tokens.
pub struct Spawned {
    child: std::process::Child,
    dir: tempfile::TempDir,
    pub base: String,
    pub http: reqwest::Client,
    key_sid: String,
    secret: String,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Spawned {
    /// Starts `parley-server serve` on a free port with `extra` flags; every
    /// connection of a load generator comes from 127.0.0.1, so the
    /// per-address connection cap is lifted.
    pub async fn start(extra: &[&str]) -> Spawned {
        let dir = tempfile::tempdir().expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        // PARLEY_SERVER_BIN runs another build (before/after comparisons).
        let bin = std::env::var("PARLEY_SERVER_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_parley-server").to_owned());
        let child = std::process::Command::new(bin)
            .args(["--data-dir", &dir.path().display().to_string(), "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args([
                "--max-connections",
                "100000",
                "--max-connections-per-address",
                "100000",
            ])
            .args(extra)
            .env("PARLEY_ACCOUNT_SID", SID)
            .env("PARLEY_AUTH_TOKEN", TOKEN)
            .env("PARLEY_LOG", "warn")
            // A load generator floods by design: no actions-per-second
            // limits unless `extra` sets them (flags win over the env).
            .env("PARLEY_ADMIN_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_CHANNEL_ACTIONS_PER_SECOND", "0")
            .env("PARLEY_SERVICE_ACTIONS_PER_SECOND", "0")
            .spawn()
            .expect("server");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..400 {
            if http.get(format!("{base}/healthz")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let key = http
            .post(format!("{base}/2010-04-01/Accounts/{SID}/Keys.json"))
            .basic_auth(SID, Some(TOKEN))
            .send()
            .await
            .expect("key")
            .json::<serde_json::Value>()
            .await
            .expect("key json");
        let field = |k: &str| key[k].as_str().expect("key field").to_owned();
        let (key_sid, secret) = (field("sid"), field("secret"));
        Spawned {
            child,
            dir,
            base,
            http,
            key_sid,
            secret,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory, KiB.
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// CPU time the server has used so far (user + system), seconds.
    pub fn cpu_secs(&self) -> f64 {
        // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second
        // on Linux); the command name in field 2 may hold spaces, so count
        // from the closing parenthesis.
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .ok()
            .and_then(|s| {
                let rest = s.rsplit_once(')')?.1;
                let f: Vec<&str> = rest.split_whitespace().collect();
                let ticks: u64 =
                    f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
                Some(ticks as f64 / 100.0)
            })
            .unwrap_or(0.0)
    }

    /// Where its data lives.
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// An access token for `who` in `svc`, valid for an hour.
    pub fn mint(&self, svc: &str, who: &str) -> String {
        parley_server::auth::jwt::mint(
            &self.key_sid,
            &self.secret,
            SID,
            who,
            svc,
            parley_protocol::Timestamp::now().0,
            3600,
        )
    }

    /// `POST` with the account's credentials; the JSON answer.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> serde_json::Value {
        post(&self.http, format!("{}{path}", self.base), form).await
    }
}

/// `POST url` with the account's credentials; the JSON answer.
pub async fn post(http: &reqwest::Client, url: String, form: &[(&str, &str)]) -> serde_json::Value {
    http.post(url)
        .basic_auth(SID, Some(TOKEN))
        .form(form)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .unwrap_or_default()
}
