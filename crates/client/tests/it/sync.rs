//! parley-client against a real parley-server: first sync, offline reading,
//! offline sends delivered exactly once, changes made while away, paging back,
//! read horizons across devices, token refresh over several lifetimes.

use crate::common;
use parley_client::cache::MessageState;

use std::time::Duration;

use common::{online, until, Server, TestClient};

fn bodies(c: &parley_client::Client, channel: &str) -> Vec<String> {
    c.messages(channel, None, 500)
        .expect("messages")
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test]
async fn first_sync_fills_the_cache_and_history_stays_readable_offline() {
    let mut server = Server::start().await;
    let general = server.channel("general", &["alice", "bob"]).await;
    for i in 0..3 {
        server.say("general", "bob", &format!("hello {i}")).await;
    }
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "history cached", || {
        bodies(&t.client, &general).len() == 3
    })
    .await;
    let list = t.client.channels().expect("channels");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].unread, 3, "bob's messages are unread");
    assert_eq!(
        list[0].last_message.as_ref().map(|m| m.body.as_str()),
        Some("hello 2")
    );

    t.client.stop();
    server.stop().await;
    // The app restarts with the server down: everything is there, at once.
    let again = t.reopen();
    assert_eq!(
        bodies(&again, &general),
        vec!["hello 0", "hello 1", "hello 2"]
    );
    assert_eq!(again.channels().expect("channels")[0].unread, 3);
    let hits = again.search("HELLO 1", None).expect("search");
    assert_eq!(hits.len(), 1, "search works offline");
}

#[tokio::test]
async fn sends_while_offline_are_delivered_exactly_once_when_the_server_returns() {
    let mut server = Server::start().await;
    let room = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;

    server.stop().await;
    until(&t.client, "offline", || {
        t.client.connection_state() != parley_client::ConnectionState::Online
    })
    .await;
    for i in 0..3 {
        t.client
            .send(&room, &format!("offline {i}"))
            .expect("queued");
    }
    let shown = t.client.messages(&room, None, 50).expect("messages");
    assert_eq!(
        shown
            .iter()
            .filter(|m| m.state == MessageState::Pending)
            .count(),
        3,
        "visible at once as pending"
    );

    server.restart().await;
    until(&t.client, "outbox drained", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    assert_eq!(
        server.bodies("room").await,
        vec!["offline 0", "offline 1", "offline 2"],
        "each exactly once, in order"
    );
    until(&t.client, "echo reconciled", || {
        let v = t.client.messages(&room, None, 50).unwrap_or_default();
        v.len() == 3 && v.iter().all(|m| m.state == MessageState::Sent)
    })
    .await;
}

#[tokio::test]
async fn a_send_interrupted_by_a_crash_is_delivered_once_after_restart() {
    let mut server = Server::start().await;
    let room = server.channel("room", &["alice"]).await;
    let t = TestClient::online(&server, "alice").await;
    t.client.stop();
    server.stop().await;
    // Queued while the app and the server are down.
    t.client.send(&room, "survives restarts").expect("queued");
    drop(t.client.clone());

    server.restart().await;
    // The server already got this send once, with the client's key, but the
    // reply was lost in the crash.
    let key = t.client.outbox().expect("outbox")[0].idem_key.clone();
    let app = server.running.as_ref().expect("up").app.clone();
    let token = parley_server::auth::jwt::mint(
        &app.signing_key.0,
        &app.signing_key.1,
        &app.account_sid,
        "alice",
        &server.service,
        parley_protocol::Timestamp::now().0,
        600,
    );
    let sent = server
        .http
        .post(format!(
            "{}/v2/Services/{}/Channels/{room}/Messages",
            server.url, server.service
        ))
        .header("X-Twilio-Token", token)
        .header("Idempotency-Key", &key)
        .form(&[("Body", "survives restarts")])
        .send()
        .await
        .expect("sent");
    assert_eq!(sent.status(), 201);

    let restarted = t.reopen();
    restarted.start();
    until(&restarted, "outbox drained", || {
        restarted.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    assert_eq!(
        server.bodies("room").await,
        vec!["survives restarts"],
        "delivered exactly once"
    );
    until(&restarted, "shown once as sent", || {
        let v = restarted.messages(&room, None, 50).unwrap_or_default();
        v.len() == 1 && v[0].state == MessageState::Sent
    })
    .await;
}

#[tokio::test]
async fn changes_made_while_away_all_arrive() {
    let server = Server::start().await;
    let room = server.channel("room", &["alice", "bob"]).await;
    let other = server.channel("other", &["alice"]).await;
    let m0 = server.say("room", "bob", "first").await;
    let m1 = server.say("room", "bob", "second").await;
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "synced", || bodies(&t.client, &room).len() == 2).await;
    t.client.stop();

    let svc = &server.service;
    server
        .post(
            &format!(
                "/v2/Services/{svc}/Channels/room/Messages/{}",
                m0["sid"].as_str().unwrap_or("")
            ),
            &[("Body", "first (edited)")],
        )
        .await;
    server
        .delete(&format!(
            "/v2/Services/{svc}/Channels/room/Messages/{}",
            m1["sid"].as_str().unwrap_or("")
        ))
        .await;
    server.say("room", "bob", "third").await;
    server
        .post(
            &format!("/v2/Services/{svc}/Channels/room/Members"),
            &[("Identity", "carol")],
        )
        .await;
    server
        .delete(&format!("/v2/Services/{svc}/Channels/other/Members/alice"))
        .await;
    let news = server.channel("news", &["alice"]).await;

    let back = t.reopen();
    back.start();
    online(&back).await;
    until(&back, "edits, deletions and membership applied", || {
        let v = back.messages(&room, None, 50).unwrap_or_default();
        let chans: Vec<String> = back
            .channels()
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.sid.into())
            .collect();
        v.len() == 3 && chans.contains(&news) && !chans.contains(&other)
    })
    .await;
    let v = back.messages(&room, None, 50).expect("messages");
    assert_eq!(v[0].body, "first (edited)");
    assert!(v[0].was_edited);
    assert!(
        v[1].deleted && v[1].body.is_empty(),
        "a deletion leaves a placeholder"
    );
    assert_eq!(v[2].body, "third");
    let members: Vec<String> = back
        .members(&room)
        .expect("members")
        .into_iter()
        .map(|m| m.identity)
        .collect();
    assert!(members.contains(&"carol".to_owned()));
}

#[tokio::test]
async fn paging_back_fetches_older_history_once() {
    let server = Server::start().await;
    let ch = server.channel("long", &["alice"]).await;
    for i in 0..120 {
        server.say("long", "bob", &format!("m{i:03}")).await;
    }
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "newest page", || {
        bodies(&t.client, &ch).len() == 50
    })
    .await;
    assert!(t.client.has_prev_page(&ch).expect("prev"));
    assert_eq!(t.client.load_older(&ch).await.expect("older"), 50);
    assert_eq!(t.client.load_older(&ch).await.expect("older"), 20);
    assert!(
        !t.client.has_prev_page(&ch).expect("prev"),
        "the start of the channel was reached"
    );
    assert_eq!(
        t.client.load_older(&ch).await.expect("older"),
        0,
        "nothing fetched twice"
    );
    let all = bodies(&t.client, &ch);
    let expected: Vec<String> = (0..120).map(|i| format!("m{i:03}")).collect();
    assert_eq!(all, expected);
    let page = t.client.messages(&ch, Some(50), 10).expect("page");
    assert_eq!(
        page.first().and_then(|m| m.index),
        Some(40),
        "a page before an index"
    );
}

#[tokio::test]
async fn a_read_on_one_device_clears_unread_on_the_other() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    for i in 0..4 {
        server.say("room", "bob", &format!("n{i}")).await;
    }
    let laptop = TestClient::login(&server, "alice").await;
    let desktop = TestClient::login(&server, "alice").await;
    for c in [&laptop.client, &desktop.client] {
        c.start();
        online(c).await;
        until(c, "unread 4", || {
            c.channels()
                .map(|l| l.first().map(|x| x.unread) == Some(4))
                .unwrap_or(false)
        })
        .await;
    }
    laptop.client.open_channel(Some(&ch)).expect("open");
    assert_eq!(
        laptop.client.channels().expect("list")[0].unread,
        0,
        "read locally at once"
    );
    until(&desktop.client, "other device sees the read", || {
        desktop
            .client
            .channels()
            .map(|l| l[0].unread == 0)
            .unwrap_or(false)
    })
    .await;
    let uc = server
        .get(&format!(
            "/v2/Services/{}/Users/alice/Channels/{ch}",
            server.service
        ))
        .await;
    assert_eq!(uc["unread_messages_count"], 0, "the server agrees");
    assert_eq!(uc["last_consumed_message_index"], 3);
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_for_several_lifetimes() {
    let server = Server::start_with_ttl(6).await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut n = 0;
    while tokio::time::Instant::now() < deadline {
        server.say("room", "bob", &format!("tick {n}")).await;
        n += 1;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    until(&t.client, "every live message arrived", || {
        bodies(&t.client, &ch).len() == n
    })
    .await;
    t.client.send(&ch, "still signed in").expect("queued");
    until(&t.client, "send delivered", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    assert!(server
        .bodies("room")
        .await
        .contains(&"still signed in".to_owned()));
    assert_eq!(
        t.client.connection_state(),
        parley_client::ConnectionState::Online
    );
}

#[tokio::test]
async fn a_refused_send_stays_visible_as_failed_and_can_be_discarded() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice"]).await;
    let t = TestClient::online(&server, "alice").await;
    // Alice loses her membership: the server refuses her sends for good.
    server
        .delete(&format!(
            "/v2/Services/{}/Channels/room/Members/alice",
            server.service
        ))
        .await;
    let id = t.client.send(&ch, "too late").expect("queued");
    until(&t.client, "failed", || {
        t.client
            .outbox()
            .map(|o| {
                o.iter().any(|x| {
                    x.id == id && x.error_message.is_some() && format!("{:?}", x.state) == "Failed"
                })
            })
            .unwrap_or(false)
    })
    .await;
    let item = t
        .client
        .outbox()
        .expect("outbox")
        .into_iter()
        .find(|x| x.id == id)
        .expect("item");
    assert!(
        item.error_message
            .unwrap_or_default()
            .contains("not member"),
        "the server's reason is kept"
    );
    assert!(t.client.discard(id).expect("discard"));
    assert!(t.client.outbox().expect("outbox").is_empty());
    let _ = Duration::ZERO;
}

#[tokio::test]
async fn edits_and_deletions_queue_offline_and_apply_when_back() {
    let mut server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    t.client.send(&ch, "typo here").expect("send");
    t.client.send(&ch, "delete me").expect("send");
    until(&t.client, "both sent", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    let sent = t.client.messages(&ch, None, 10).expect("messages");
    let (typo, doomed) = (
        sent[0].sid.clone().expect("sid"),
        sent[1].sid.clone().expect("sid"),
    );

    server.stop().await;
    until(&t.client, "offline", || {
        t.client.connection_state() != parley_client::ConnectionState::Online
    })
    .await;
    t.client
        .edit(&ch, &typo, "no typo here")
        .expect("edit queued");
    t.client.delete(&ch, &doomed).expect("delete queued");
    let shown = t.client.messages(&ch, None, 10).expect("messages");
    assert_eq!(shown[0].body, "no typo here", "the edit shows at once");
    assert!(shown[1].deleted, "so does the deletion");

    server.restart().await;
    until(&t.client, "outbox drained", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    assert_eq!(server.bodies("room").await, vec!["no typo here"]);
}

#[tokio::test]
async fn mark_unread_from_here_moves_the_horizon_back() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    for i in 0..5 {
        server.say("room", "bob", &format!("m{i}")).await;
    }
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "synced", || {
        t.client
            .messages(&ch, None, 10)
            .map(|v| v.len() == 5)
            .unwrap_or(false)
    })
    .await;
    t.client.mark_read(&ch).expect("read");
    assert_eq!(t.client.channels().expect("list")[0].unread, 0);
    t.client.mark_unread_from(&ch, 3).expect("unread from 3");
    let c = t.client.channels().expect("list").remove(0);
    assert_eq!(
        (c.unread, c.last_consumed_index),
        (2, Some(2)),
        "messages 3 and 4 are unread again"
    );
    let wanted = format!("/v2/Services/{}/Users/alice/Channels/{ch}", server.service);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let uc = server.get(&wanted).await;
        if uc["last_consumed_message_index"] == 2 {
            assert_eq!(uc["unread_messages_count"], 2, "the server agrees");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the horizon reached the server: {uc}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn permissions_follow_the_users_roles_and_the_server_enforces_removals() {
    let server = Server::start().await;
    let room = server.channel("room", &["alice", "bob", "carol"]).await;
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "roles synced", || {
        !t.client.permissions(&room).unwrap_or_default().is_empty()
    })
    .await;
    let perms = t.client.permissions(&room).expect("permissions");
    assert!(perms.contains(&"sendMessage".to_owned()), "{perms:?}");
    assert!(perms.contains(&"editOwnMessage".to_owned()), "{perms:?}");
    assert!(!perms.contains(&"removeMember".to_owned()), "{perms:?}");
    // What the UI would not offer, the server refuses.
    let err = t
        .client
        .remove_member(&room, "bob")
        .await
        .expect_err("a channel user cannot remove members");
    assert!(
        matches!(err, parley_client::ClientError::Api { status: 403, .. }),
        "{err:?}"
    );

    // As the channel's admin, alice may remove carol.
    let roles = server
        .get(&format!("/v2/Services/{}/Roles", server.service))
        .await;
    let admin_role = roles["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["friendly_name"] == "channel admin")
        .and_then(|r| r["sid"].as_str())
        .expect("channel admin role")
        .to_owned();
    server
        .post(
            &format!(
                "/v2/Services/{}/Channels/room/Members/alice",
                server.service
            ),
            &[("RoleSid", &admin_role)],
        )
        .await;
    until(&t.client, "the new role synced", || {
        t.client
            .permissions(&room)
            .map(|p| p.contains(&"removeMember".to_owned()))
            .unwrap_or(false)
    })
    .await;
    t.client
        .remove_member(&room, "carol")
        .await
        .expect("an admin removes a member");
    until(&t.client, "carol gone", || {
        t.client
            .members(&room)
            .map(|m| m.iter().all(|x| x.identity != "carol"))
            .unwrap_or(false)
    })
    .await;
}

#[tokio::test]
async fn a_message_an_operator_deletes_in_the_console_is_gone_from_an_online_client() {
    let server = Server::start().await;
    let room = server.channel("room", &["alice", "bob"]).await;
    let spam = server.say("room", "bob", "buy cheap watches").await;
    server
        .say("room", "bob", "sorry, my account was hacked")
        .await;
    let t = TestClient::online(&server, "alice").await;
    until(&t.client, "synced", || bodies(&t.client, &room).len() == 2).await;

    // As the console does it: its session cookie and CSRF token, no Basic.
    let (cookie, csrf) = server.console_session().await;
    let r = server
        .http
        .delete(format!(
            "{}/v2/Services/{}/Channels/room/Messages/{}",
            server.url,
            server.service,
            spam["sid"].as_str().unwrap_or("")
        ))
        .header("cookie", cookie)
        .header("x-parley-csrf", csrf)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::NO_CONTENT);
    until(&t.client, "the moderated message is gone", || {
        t.client
            .messages(&room, None, 50)
            .unwrap_or_default()
            .first()
            .is_some_and(|m| m.deleted && m.body.is_empty())
    })
    .await;
    assert_eq!(bodies(&t.client, &room)[1], "sorry, my account was hacked");
}

/// A write names its channel by SID: a unique name, a typo or a SID of
/// another kind is refused in words before anything is queued, and the
/// outbox (which the window lists) never holds a key that names no channel.
#[tokio::test]
async fn a_write_to_a_key_that_is_no_channel_sid_is_refused_and_nothing_is_queued() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice"]).await;
    let t = TestClient::online(&server, "alice").await;
    for key in ["room", "CH123", "IM00000000000000000000000000000001", ""] {
        let e = t.client.send(key, "hello").expect_err("not a channel SID");
        let no_channel = parley_client::ClientError::Refused(parley_client::Refusal::NoSuchChannel);
        assert_eq!(e, no_channel, "{key:?}");
        assert_eq!(e.to_string(), "There is no such channel.");
        let ui = e.to_ui();
        assert_eq!(
            (ui.code.as_str(), ui.key.as_str()),
            ("invalid", "refusal-no-such-channel")
        );
        let e = t
            .client
            .send_file_bytes(key, "a.txt", Some("text/plain"), b"hi", None)
            .expect_err("not a channel SID");
        assert_eq!(e, no_channel, "{key:?}");
    }
    assert!(t.client.outbox().expect("outbox").is_empty());
    // The channel's own SID still works.
    t.client.send(&ch, "hello").expect("queued");
}
