//! The client under faults: a connection cut at random points many times,
//! a cursor the server no longer keeps, several accounts side by side, typing.

use crate::common;
use parley_client::cache::MessageState;
use parley_client::cache::NotifyPolicy;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::{cached_history, online, until, Server, TestClient};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A TCP proxy in front of the server whose connections can be cut at will.
struct Proxy {
    addr: SocketAddr,
    cut: watch::Sender<u64>,
}

impl Proxy {
    async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (cut, _) = watch::channel(0u64);
        let cuts = cut.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut cut_rx = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut_rx.changed() => {}
                    }
                });
            }
        });
        Proxy { addr, cut }
    }

    /// Drops every open connection (both directions, mid-stream).
    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

#[tokio::test]
async fn a_connection_cut_at_random_points_converges_to_the_servers_state() {
    let server = Server::start().await;
    let ch = server.channel("busy", &["alice", "bob"]).await;
    let proxy = Proxy::start(server.addr).await;
    let data = tempfile::tempdir().expect("dir");
    let cfg = parley_client::ClientConfig {
        data_dir: data.path().to_owned(),
    };
    let client = parley_client::Client::login(
        &cfg,
        &format!("http://{}", proxy.addr),
        "alice",
        common::PASSWORD,
        false,
        Arc::new(parley_client::secrets::MemoryStore::default()),
        Arc::new(common::Recorder::default()),
    )
    .await
    .expect("login");
    client.start();
    online(&client).await;

    let mut sids: Vec<String> = Vec::new();
    let mut mine = 0;
    for round in 0..40u32 {
        // Changes by others: new messages, edits and deletions.
        let m = server.say("busy", "bob", &format!("r{round}")).await;
        sids.push(m["sid"].as_str().unwrap_or_default().to_owned());
        if round % 3 == 0 && sids.len() > 2 {
            let sid = sids[sids.len() / 2].clone();
            server
                .post(
                    &format!(
                        "/v2/Services/{}/Channels/busy/Messages/{sid}",
                        server.service
                    ),
                    &[("Body", &format!("edited in r{round}"))],
                )
                .await;
        }
        if round % 7 == 0 && sids.len() > 3 {
            let sid = sids.remove(1);
            server
                .delete(&format!(
                    "/v2/Services/{}/Channels/busy/Messages/{sid}",
                    server.service
                ))
                .await;
        }
        // And sends of ours, through the outbox.
        if round % 4 == 0 {
            client.send(&ch, &format!("mine {mine}")).expect("queued");
            mine += 1;
        }
        if rand::random::<bool>() {
            proxy.cut();
        }
        tokio::time::sleep(Duration::from_millis(rand::random::<u64>() % 60)).await;
    }
    proxy.cut();
    until(&client, "outbox drained", || {
        client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    let want = server.history("busy").await;
    until(&client, "cache converged", || {
        cached_history(&client, &ch) == want
    })
    .await;
    let got = cached_history(&client, &ch);
    assert_eq!(got, want, "identical to the server");
    let ours = got.values().filter(|(_, b)| b.starts_with("mine ")).count();
    assert_eq!(ours, mine, "each send exactly once");
    let on_server = server.bodies("busy").await;
    assert_eq!(
        on_server.iter().filter(|b| b.starts_with("mine ")).count(),
        mine,
        "no duplicates on the server either"
    );
}

#[tokio::test]
async fn a_resync_rebuilds_the_cache_and_keeps_the_outbox() {
    let mut server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    t.client.stop();
    server.say("room", "bob", "while away").await;
    t.client
        .send(&ch, "queued before the resync")
        .expect("queued");
    // The server forgets the feed the client was going to resume from.
    let future = parley_protocol::Timestamp::now().0 + 10;
    server
        .running
        .as_ref()
        .expect("up")
        .app
        .db
        .write(move |tx| {
            parley_server::feed::prune(tx, future, 0).map_err(parley_server::error::ApiError::from)
        })
        .await
        .expect("pruned");
    server.stop().await;
    server.restart().await;
    let back = t.reopen();
    back.start();
    online(&back).await;
    until(&back, "rebuilt and delivered", || {
        let bodies: Vec<String> = back
            .messages(&ch, None, 50)
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.state == MessageState::Sent)
            .map(|m| m.body)
            .collect();
        bodies
            == vec![
                "while away".to_owned(),
                "queued before the resync".to_owned(),
            ]
    })
    .await;
    assert_eq!(
        server.bodies("room").await,
        vec!["while away", "queued before the resync"]
    );
}

#[tokio::test]
async fn accounts_on_different_servers_live_side_by_side() {
    let one = Server::start().await;
    let two = Server::start().await;
    one.channel("on-one", &["alice"]).await;
    two.channel("on-two", &["bob"]).await;
    let data = tempfile::tempdir().expect("dir");
    let cfg = parley_client::ClientConfig {
        data_dir: data.path().to_owned(),
    };
    let secrets = Arc::new(parley_client::secrets::MemoryStore::default());
    let notes = Arc::new(common::Recorder::default());
    let a = parley_client::Client::login(
        &cfg,
        &one.url,
        "alice",
        common::PASSWORD,
        true,
        secrets.clone(),
        notes.clone(),
    )
    .await
    .expect("a");
    let b = parley_client::Client::login(
        &cfg,
        &two.url,
        "bob",
        common::PASSWORD,
        true,
        secrets.clone(),
        notes.clone(),
    )
    .await
    .expect("b");
    for c in [&a, &b] {
        c.start();
        online(c).await;
    }
    until(&a, "a synced", || {
        a.channels().map(|l| l.len() == 1).unwrap_or(false)
    })
    .await;
    until(&b, "b synced", || {
        b.channels().map(|l| l.len() == 1).unwrap_or(false)
    })
    .await;
    assert_eq!(
        a.channels().expect("a")[0].unique_name.as_deref(),
        Some("on-one")
    );
    assert_eq!(
        b.channels().expect("b")[0].unique_name.as_deref(),
        Some("on-two")
    );
    assert_eq!(parley_client::known_accounts(&cfg).len(), 2);
    assert_ne!(a.account().secret_name(), b.account().secret_name());
}

#[tokio::test]
async fn typing_is_throttled_and_shown_as_who_is_typing() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    for c in [&alice.client, &bob.client] {
        c.start();
        online(c).await;
    }
    let mut events = bob.client.subscribe();
    for _ in 0..5 {
        alice.client.typing(&ch);
    }
    until(&bob.client, "alice typing", || {
        bob.client.typing_in(&ch) == vec!["alice".to_owned()]
    })
    .await;
    until(&bob.client, "typing over", || {
        bob.client.typing_in(&ch).is_empty()
    })
    .await;
    let mut starts = 0;
    while let Ok(e) = events.try_recv() {
        if let parley_client::ClientEvent::Typing { identities, .. } = e {
            if !identities.is_empty() {
                starts += 1;
            }
        }
    }
    assert_eq!(starts, 1, "five keystrokes, one typing signal");
}

#[tokio::test]
async fn a_long_absence_ends_in_one_summary_not_a_storm() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    server.say("room", "bob", "one live message").await;
    until(&t.client, "live notification", || {
        t.notes.0.lock().map(|v| v.len() == 1).unwrap_or(false)
    })
    .await;
    let live = t.notes.0.lock().map(|v| v[0].clone()).expect("note");
    assert_eq!(live.body, "bob: one live message", "default template");
    assert_eq!(
        live.channel_sid.as_deref(),
        Some(ch.as_str()),
        "a click opens the channel"
    );
    t.client.stop();

    for i in 0..12 {
        server.say("room", "bob", &format!("missed {i}")).await;
    }
    let back = t.reopen();
    back.start();
    online(&back).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let notes = t.notes.0.lock().map(|v| v.clone()).expect("notes");
    assert_eq!(
        notes.len(),
        2,
        "one summary for twelve missed messages: {notes:?}"
    );
    assert!(
        notes[1].body.starts_with("12 new notifications"),
        "{}",
        notes[1].body
    );
}

/// Notifications speak the profile's language: at once after a change, and
/// from the saved preference when the client opens again.
#[tokio::test]
async fn notifications_speak_the_language_chosen_for_the_profile() {
    let server = Server::start().await;
    server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    let seen = |n: usize| {
        let notes = t.notes.clone();
        move || notes.0.lock().map(|v| v.len() == n).unwrap_or(false)
    };
    t.client.set_language("zh-TW");
    server.say("room", "bob", "明天下午開會").await;
    until(&t.client, "a notification", seen(1)).await;
    let live = t.notes.0.lock().map(|v| v[0].clone()).expect("note");
    assert_eq!(
        (live.body.as_str(), live.open.as_str()),
        ("bob：明天下午開會", "開啟")
    );
    t.client.stop();

    let mut prefs = parley_client::preferences::Preferences::default();
    prefs.set_language(Some("zh-TW")).expect("a catalog");
    prefs.save(&t.cfg).expect("saved");
    let back = t.reopen();
    back.start();
    online(&back).await;
    server.say("room", "bob", "預算").await;
    until(&back, "a notification after reopening", seen(2)).await;
    let again = t.notes.0.lock().map(|v| v[1].clone()).expect("note");
    assert_eq!(again.body, "bob：預算");
}

#[tokio::test]
async fn strangers_guessing_a_password_do_not_lock_out_a_device_that_signed_in_before() {
    let server = Server::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let secrets = alice.secrets.clone();
    let (cfg, notes) = (alice.cfg.clone(), alice.notes.clone());
    alice.client.logout(false).await.expect("signed out");
    let http = reqwest::Client::new();
    for i in 0..6 {
        http.post(format!("{}/auth/token", server.url))
            .form(&[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", &format!("guess {i}")),
            ])
            .send()
            .await
            .expect("sent");
    }
    let login = |secrets: Arc<parley_client::secrets::MemoryStore>| {
        let (cfg, notes, url) = (cfg.clone(), notes.clone(), server.url.clone());
        async move {
            parley_client::Client::login(
                &cfg,
                &url,
                "alice",
                common::PASSWORD,
                true,
                secrets,
                notes,
            )
            .await
        }
    };
    let elsewhere = login(Arc::new(Default::default())).await;
    assert!(elsewhere.is_err(), "a new device is locked out for now");
    let again = login(secrets).await;
    assert!(again.is_ok(), "this device is not: {:?}", again.err());
}

#[tokio::test]
async fn a_rate_limited_send_waits_as_the_server_asks_and_is_delivered_in_order() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    // One action a second in a channel (5 in the 5 s window).
    server
        .post(
            &format!("/v2/Services/{}", server.service),
            &[("RateLimits.ChannelActionsPerSecond", "1")],
        )
        .await;
    let t = TestClient::online(&server, "alice").await;
    let sent: Vec<String> = (0..8).map(|i| format!("burst {i}")).collect();
    for body in &sent {
        t.client.send(&ch, body).expect("queued");
    }
    until(&t.client, "every send delivered", || {
        let views = t.client.messages(&ch, None, 50).unwrap_or_default();
        assert!(
            views.iter().all(|m| m.state != MessageState::Failed),
            "a 429 is not a failure: {views:?}"
        );
        views
            .iter()
            .filter(|m| m.state == MessageState::Sent)
            .count()
            == sent.len()
    })
    .await;
    assert_eq!(
        server.bodies("room").await,
        sent,
        "in the order they were written"
    );
}

#[tokio::test]
async fn the_client_renews_its_access_token_by_its_own_clock() {
    use parley_client::secrets::SecretStore;
    let server = Server::start().await;
    let ch = server.channel("room", &["alice"]).await;
    let t = TestClient::login(&server, "alice").await;
    let name = t.client.account().secret_name();
    let first = t
        .secrets
        .get(&name)
        .expect("store")
        .expect("refresh token kept");
    // A call within the token's life uses it as it is.
    t.client
        .set_notify_level(&ch, NotifyPolicy::Muted)
        .await
        .expect("muted");
    assert_eq!(
        t.secrets.get(&name).expect("store").as_deref(),
        Some(first.as_str())
    );
    // An hour later by the client's clock (no sleeping), the next call
    // renews the token first: the refresh token rotates.
    t.client.clock().advance(3600);
    t.client
        .set_notify_level(&ch, NotifyPolicy::All)
        .await
        .expect("renewed and sent");
    let second = t
        .secrets
        .get(&name)
        .expect("store")
        .expect("refresh token kept");
    assert_ne!(
        second, first,
        "the client renewed its token when its clock said so"
    );
}
