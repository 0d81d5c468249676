//! Chaos: three clients (two accounts, one of them on two devices) keep
//! sending through a loopback proxy that cuts, delays and refuses
//! connections, while the real server binary is killed with SIGKILL and
//! restarted at random. Afterwards every outbox is empty, every message sent
//! is on the server exactly once, and every client's cache equals the
//! server's history.

use crate::common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{cached_history, online, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long the faults go on.
const CHAOS: Duration = Duration::from_secs(25);
/// How long everything has to converge afterwards (a client may be in its
/// longest reconnect backoff, 37.5 s, when the faults stop).
const SETTLE: Duration = Duration::from_secs(90);

const CLEAN: u8 = 0;
const SLOW: u8 = 1;
const REFUSE: u8 = 2;

/// A proxy whose mode (clean, slow, refusing) and cuts the test controls.
struct ChaosProxy {
    addr: SocketAddr,
    mode: Arc<AtomicU8>,
    cut: watch::Sender<u64>,
}

/// Copies one direction, each chunk late by the proxy's current delay.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<AtomicU8>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if mode.load(Ordering::Relaxed) == SLOW {
            let ms = 20 + rand::random::<u64>() % 300;
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

impl ChaosProxy {
    async fn start(target: SocketAddr) -> ChaosProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mode = Arc::new(AtomicU8::new(CLEAN));
        let (cut, _) = watch::channel(0u64);
        let (m, cuts) = (mode.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                if m.load(Ordering::Relaxed) == REFUSE {
                    drop(inbound);
                    continue;
                }
                let (mut cut_rx, m) = (cuts.subscribe(), m.clone());
                tokio::spawn(async move {
                    let Ok(outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (ir, iw) = inbound.into_split();
                    let (or, ow) = outbound.into_split();
                    tokio::select! {
                        _ = pump(ir, ow, m.clone()) => {}
                        _ = pump(or, iw, m) => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        ChaosProxy { addr, mode, cut }
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::Relaxed);
    }

    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

/// The parley-server binary the workspace built (`make test` builds it
/// before the tests; `PARLEY_SERVER_BIN` overrides).
fn server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("PARLEY_SERVER_BIN") {
        return p.into();
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target")));
    let bin = target.join("debug/parley-server");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p parley-server` first (make test does)",
        bin.display()
    );
    bin
}

/// The real server on the in-process server's data and address, as a child
/// process that can be killed with SIGKILL.
struct Child {
    proc: Option<std::process::Child>,
    data: PathBuf,
    addr: SocketAddr,
}

impl Child {
    async fn start(data: PathBuf, addr: SocketAddr) -> Child {
        let mut c = Child {
            proc: None,
            data,
            addr,
        };
        c.restart().await;
        c
    }

    async fn restart(&mut self) {
        let http = reqwest::Client::new();
        for _ in 0..100 {
            let proc = std::process::Command::new(server_bin())
                .args(["--data-dir", &self.data.display().to_string()])
                .args(["serve", "--listen", &self.addr.to_string()])
                .env("PARLEY_LOG", "error")
                .env_remove("PARLEY_DATABASE_URL")
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("server spawned");
            self.proc = Some(proc);
            for _ in 0..100 {
                let up = http
                    .get(format!("http://{}/readyz", self.addr))
                    .timeout(Duration::from_millis(500))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if up {
                    return;
                }
                if let Some(Ok(Some(_))) = self.proc.as_mut().map(|p| p.try_wait()) {
                    break; // exited (the port was not free yet): try again
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            self.kill();
        }
        panic!("the server did not come back on {}", self.addr);
    }

    fn kill(&mut self) {
        if let Some(mut p) = self.proc.take() {
            let _ = p.kill(); // SIGKILL
            let _ = p.wait();
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn clients_through_a_faulty_network_and_a_crashing_server_lose_and_duplicate_nothing() {
    // The data is made in-process, then the real binary serves it.
    let mut seed = Server::start().await;
    let ch = seed.channel("chaos", &["alice", "bob"]).await;
    seed.stop().await;
    let mut server = Child::start(seed.dir.path().to_owned(), seed.addr).await;
    let proxy = ChaosProxy::start(seed.addr).await;
    let url = format!("http://{}", proxy.addr);

    let mut clients = Vec::new();
    for who in ["alice", "bob", "alice"] {
        let data = tempfile::tempdir().expect("dir");
        let cfg = parley_client::ClientConfig {
            data_dir: data.path().to_owned(),
        };
        let c = parley_client::Client::login(
            &cfg,
            &url,
            who,
            common::PASSWORD,
            false,
            Arc::new(parley_client::secrets::MemoryStore::default()),
            Arc::new(common::Recorder::default()),
        )
        .await
        .expect("login");
        c.start();
        online(&c).await;
        clients.push((who, c, data));
    }

    let mut sent: Vec<String> = Vec::new();
    let start = tokio::time::Instant::now();
    let mut next_fault = start + Duration::from_millis(1500);
    let mut kills = 0;
    while start.elapsed() < CHAOS {
        for (i, (who, c, _)) in clients.iter().enumerate() {
            let body = format!("{who}#{i}-{}", sent.len());
            c.send(&ch, &body).expect("queued");
            sent.push(body);
        }
        if tokio::time::Instant::now() >= next_fault {
            match rand::random::<u8>() % 5 {
                0 | 1 => {
                    server.kill();
                    kills += 1;
                    tokio::time::sleep(Duration::from_millis(100 + rand::random::<u64>() % 700))
                        .await;
                    server.restart().await;
                }
                2 => proxy.cut(),
                3 => proxy.set(SLOW),
                _ => proxy.set(REFUSE),
            }
            if rand::random::<bool>() {
                proxy.set(CLEAN);
            }
            next_fault = tokio::time::Instant::now()
                + Duration::from_millis(500 + rand::random::<u64>() % 2500);
        }
        tokio::time::sleep(Duration::from_millis(50 + rand::random::<u64>() % 250)).await;
    }
    // At least one crash, whatever the dice said.
    server.kill();
    server.restart().await;
    proxy.set(CLEAN);
    proxy.cut();
    println!("{} messages queued, {} kills", sent.len(), kills + 1);

    // Everything converges: outboxes drain, caches equal the server.
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let drained = clients
            .iter()
            .all(|(_, c, _)| c.outbox().map(|o| o.is_empty()).unwrap_or(false));
        if drained {
            let want = seed.history(&ch).await;
            if clients
                .iter()
                .all(|(_, c, _)| cached_history(c, &ch) == want)
            {
                break;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not converged after {SETTLE:?}: outboxes {:?}",
            clients
                .iter()
                .map(|(_, c, _)| c.outbox().map(|o| o.len()).unwrap_or(usize::MAX))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let history = seed.history(&ch).await;
    let mut bodies: Vec<&str> = history.values().map(|(_, b)| b.as_str()).collect();
    bodies.sort_unstable();
    let mut want: Vec<&str> = sent.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(
        bodies, want,
        "every message exactly once, none lost, none twice"
    );
    let indexes: Vec<i64> = history.keys().copied().collect();
    assert_eq!(
        indexes,
        (0..sent.len() as i64).collect::<Vec<_>>(),
        "contiguous indexes"
    );
}
