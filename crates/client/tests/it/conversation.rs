//! Mentions, replies and reactions between two real clients over a real
//! server (docs/attributes.md): a mention is counted apart from unread and
//! notifies a "mentions only" channel; a reply quotes its original;
//! reactions from two people at once are both kept, shown on their target
//! and nowhere else, and each person takes back only their own.

use parley_client::cache::NotifyPolicy;

use crate::common::*;

fn view(
    c: &parley_client::Client,
    ch: &str,
    body: &str,
) -> Option<parley_client::cache::MessageView> {
    c.messages(ch, None, 50)
        .ok()?
        .into_iter()
        .find(|m| m.body == body)
}

#[tokio::test]
async fn mentions_replies_and_reactions_between_two_people() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let alice = TestClient::online(&server, "alice").await;
    let bob = TestClient::online(&server, "bob").await;
    alice
        .client
        .set_notify_level(&ch, NotifyPolicy::Mentions)
        .await
        .expect("mentions only");
    until(&bob.client, "bob knows the members", || {
        bob.client
            .members(&ch)
            .map(|m| m.len() == 2)
            .unwrap_or(false)
    })
    .await;

    // A mention: counted apart from unread, and it notifies "mentions only".
    bob.client
        .send(&ch, "a question for @Alice, please")
        .expect("queued");
    bob.client.send(&ch, "and a plain remark").expect("queued");
    until(&alice.client, "both messages", || {
        view(&alice.client, &ch, "and a plain remark").is_some()
    })
    .await;
    let q = view(&alice.client, &ch, "a question for @Alice, please").expect("the question");
    assert!(q.mentions_me);
    let summary = |c: &parley_client::Client| {
        c.channels()
            .expect("channels")
            .into_iter()
            .find(|s| s.sid == ch.as_str())
            .expect("the room")
    };
    until(&alice.client, "unread counts", || {
        summary(&alice.client).unread == 2
    })
    .await;
    assert_eq!(
        summary(&alice.client).mentions,
        1,
        "one of the two mentions alice"
    );
    until(&alice.client, "the mention's notification", || {
        alice.notes.0.lock().map(|v| v.len() == 1).unwrap_or(false)
    })
    .await;
    let note = alice
        .notes
        .0
        .lock()
        .map(|v| v[0].body.clone())
        .expect("note");
    assert!(note.contains("a question for @Alice"), "{note}");
    // @channel from a channel user: the words stay words, nobody is called.
    assert!(!bob.client.may_mention_everyone(&ch).expect("permissions"));
    bob.client.send(&ch, "@channel anyone?").expect("queued");
    until(&alice.client, "the @channel message", || {
        view(&alice.client, &ch, "@channel anyone?").is_some()
    })
    .await;
    assert!(
        !view(&alice.client, &ch, "@channel anyone?")
            .expect("it")
            .mentions_me
    );

    // @channel from someone allowed to: a "mentions only" channel notifies.
    server
        .post(
            &format!("/v2/Services/{}/Channels/room/Messages", server.service),
            &[
                ("Body", "@here standup now"),
                ("From", "bob"),
                ("Attributes", r#"{"parley":{"mention_channel":true}}"#),
            ],
        )
        .await;
    until(&alice.client, "the @here notification", || {
        alice.notes.0.lock().map(|v| v.len() == 2).unwrap_or(false)
    })
    .await;
    assert!(
        view(&alice.client, &ch, "@here standup now")
            .expect("it")
            .mentions_me
    );

    // A reply quotes what it answers.
    let q_sid = q.sid.clone().expect("delivered");
    alice
        .client
        .reply(&ch, &q_sid, "yes, here")
        .expect("queued");
    until(&bob.client, "the reply", || {
        view(&bob.client, &ch, "yes, here").is_some()
    })
    .await;
    let reply = view(&bob.client, &ch, "yes, here")
        .expect("reply")
        .reply
        .expect("quotes");
    assert_eq!(
        (reply.to.as_str(), reply.author.as_str()),
        (q_sid.as_str(), "bob")
    );
    assert_eq!(reply.excerpt, "a question for @Alice, please");

    // Reactions from both at once are all kept, on the target only.
    let unread_before = summary(&alice.client).unread;
    alice.client.react(&ch, &q_sid, "👍").expect("reacted");
    bob.client.react(&ch, &q_sid, "👍").expect("reacted");
    bob.client.react(&ch, &q_sid, "🎉").expect("reacted");
    bob.client.react(&ch, &q_sid, "🎉").expect("twice is once");
    let both = |c: &parley_client::Client| {
        view(c, &ch, "a question for @Alice, please")
            .map(|m| {
                m.reactions
                    .iter()
                    .map(|r| (r.emoji.clone(), r.who.clone(), r.mine))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    until(&alice.client, "every reaction at alice", || {
        both(&alice.client).iter().map(|r| r.1.len()).sum::<usize>() == 3
    })
    .await;
    let seen = both(&alice.client);
    assert_eq!(seen[0].0, "👍");
    assert!(seen[0].2, "alice's own 👍 is hers");
    let mut thumbs = seen[0].1.clone();
    thumbs.sort();
    assert_eq!(thumbs, vec!["alice", "bob"]);
    assert_eq!(
        (seen[1].0.as_str(), seen[1].1.clone(), seen[1].2),
        ("🎉", vec!["bob".to_owned()], false)
    );
    // Not in the timeline, not unread, not notified, not the last message.
    let bodies: Vec<String> = alice
        .client
        .messages(&ch, None, 50)
        .expect("page")
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert!(!bodies.iter().any(|b| b == "👍" || b == "🎉"), "{bodies:?}");
    // (The reactions have arrived, so anything they would count is counted.)
    assert_eq!(summary(&alice.client).unread, unread_before);
    assert_eq!(
        alice.notes.0.lock().map(|v| v.len()).expect("notes"),
        2,
        "no notification for reactions"
    );
    assert_eq!(
        summary(&alice.client).last_message.map(|m| m.body),
        Some("yes, here".to_owned())
    );
    let on_server = server.bodies("room").await;
    assert_eq!(
        on_server.iter().filter(|b| *b == "🎉").count(),
        1,
        "{on_server:?}"
    );

    // Each takes back only their own.
    bob.client.unreact(&ch, &q_sid, "👍").expect("taken back");
    until(&alice.client, "bob's 👍 gone", || {
        both(&alice.client)
            .first()
            .map(|r| r.1 == vec!["alice".to_owned()])
            .unwrap_or(false)
    })
    .await;
    until(&bob.client, "bob sees it too", || {
        both(&bob.client)
            .first()
            .map(|r| r.1 == vec!["alice".to_owned()] && !r.2)
            .unwrap_or(false)
    })
    .await;
    // A reaction on nothing is refused in words.
    let e = bob
        .client
        .react(&ch, "IM00000000000000000000000000000000", "👍")
        .expect_err("no such message");
    assert_eq!(e.to_ui().key, "refusal-no-such-message");
}

/// A direct conversation is a private channel both people see as one, found
/// again by either; a channel someone else made under its name is not used.
#[tokio::test]
async fn a_direct_conversation_is_found_again_and_a_squatted_name_is_not_trusted() {
    let server = Server::start().await;
    server.channel("lobby", &["alice", "bob", "mallory"]).await;
    // mallory takes the name of alice and bob's conversation first, with a
    // marker that names them, and puts alice in it.
    let svc = server.service.clone();
    let squat = server
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            &[
                ("UniqueName", "dm:alice,bob"),
                ("Type", "private"),
                ("CreatedBy", "mallory"),
                ("Attributes", r#"{"parley":{"dm":["alice","bob"]}}"#),
            ],
        )
        .await;
    let squat = squat["sid"].as_str().expect("squatted").to_owned();
    server
        .post(
            &format!("/v2/Services/{svc}/Channels/{squat}/Members"),
            &[("Identity", "alice")],
        )
        .await;
    let alice = TestClient::online(&server, "alice").await;
    let bob = TestClient::online(&server, "bob").await;
    let listed = |c: &parley_client::Client, sid: &str| {
        c.channels()
            .ok()
            .and_then(|l| l.into_iter().find(|s| s.sid == sid))
    };
    until(&alice.client, "the squatted channel", || {
        listed(&alice.client, &squat).is_some()
    })
    .await;
    assert!(
        listed(&alice.client, &squat).expect("it").direct.is_empty(),
        "not shown as a conversation with bob: mallory made it"
    );

    let dm = alice
        .client
        .open_direct(&["bob".into()])
        .await
        .expect("opened");
    assert_ne!(dm.as_str(), squat);
    assert_eq!(
        alice
            .client
            .open_direct(&["bob".into(), "bob".into()])
            .await
            .expect("again"),
        dm
    );
    until(&bob.client, "bob sees the conversation", || {
        listed(&bob.client, &dm).is_some_and(|s| s.direct == ["alice"])
    })
    .await;
    assert_eq!(
        bob.client
            .open_direct(&["alice".into()])
            .await
            .expect("bob's way"),
        dm
    );
    assert_eq!(listed(&alice.client, &dm).expect("it").direct, ["bob"]);
    let members: Vec<String> = server
        .get(&format!("/v2/Services/{svc}/Channels/{dm}/Members"))
        .await["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m["identity"].as_str().map(str::to_owned))
        .collect();
    let mut members = members;
    members.sort();
    assert_eq!(members, ["alice", "bob"]);
    let e = alice.client.open_direct(&[]).await.expect_err("alone");
    assert_eq!(e.to_ui().key, "refusal-direct-size");
    // A third person added: no longer shown as a conversation with bob.
    server
        .post(
            &format!("/v2/Services/{svc}/Channels/{dm}/Members"),
            &[("Identity", "mallory")],
        )
        .await;
    until(&bob.client, "bob sees the third person", || {
        listed(&bob.client, &dm).is_some_and(|s| s.direct.is_empty())
    })
    .await;
}

/// Pins follow the channel role (the channel's admin may, a channel user
/// may not) and are found by `is:pinned`; saved messages are the user's own.
#[tokio::test]
async fn pins_follow_the_channel_role_and_saved_messages_are_the_users_own() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let svc = server.service.clone();
    let roles = server.get(&format!("/v2/Services/{svc}/Roles")).await;
    let admin_role = roles["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["friendly_name"] == "channel admin")
        .and_then(|r| r["sid"].as_str())
        .expect("the channel admin role")
        .to_owned();
    server
        .post(
            &format!("/v2/Services/{svc}/Channels/room/Members/alice"),
            &[("RoleSid", admin_role.as_str())],
        )
        .await;
    let hi = server.say("room", "bob", "the plan for friday").await;
    let hi = hi["sid"].as_str().expect("sid").to_owned();
    let alice = TestClient::online(&server, "alice").await;
    let bob = TestClient::online(&server, "bob").await;
    until(&bob.client, "the message", || {
        view(&bob.client, &ch, "the plan for friday").is_some()
    })
    .await;

    let e = bob
        .client
        .set_pinned(&ch, &hi, true)
        .await
        .expect_err("a channel user may not pin");
    assert_eq!(e.code(), "api_50107", "{e}");
    alice
        .client
        .set_pinned(&ch, &hi, true)
        .await
        .expect("the channel's admin may");
    assert_eq!(
        alice
            .client
            .pinned(&ch)
            .expect("pins")
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["the plan for friday"]
    );
    until(&bob.client, "bob sees the pin", || {
        view(&bob.client, &ch, "the plan for friday").is_some_and(|m| m.pinned)
    })
    .await;
    let found: Vec<String> = bob
        .client
        .search("is:pinned", None)
        .expect("search")
        .into_iter()
        .map(|h| h.message.body)
        .collect();
    assert_eq!(found, ["the plan for friday"]);

    bob.client.set_saved(&ch, &hi, true).await.expect("saved");
    assert!(
        view(&bob.client, &ch, "the plan for friday")
            .expect("it")
            .saved
    );
    assert!(
        !view(&alice.client, &ch, "the plan for friday")
            .expect("it")
            .saved,
        "bob's, not alice's"
    );
    assert_eq!(bob.client.saved().expect("saved").len(), 1);
    bob.client
        .set_saved(&ch, &hi, false)
        .await
        .expect("forgotten");
    assert!(bob.client.saved().expect("saved").is_empty());
    alice
        .client
        .set_pinned(&ch, &hi, false)
        .await
        .expect("unpinned");
    assert!(alice.client.pinned(&ch).expect("pins").is_empty());
}

/// A thread between three people: replies stay out of the channel's
/// timeline and unread count, the root sums them up with its own unread
/// count, and a reply notifies those who took part, not the whole channel.
#[tokio::test]
async fn a_thread_notifies_who_took_part_and_keeps_its_own_unread_count() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob", "carol"]).await;
    let alice = TestClient::online(&server, "alice").await;
    let bob = TestClient::online(&server, "bob").await;
    let carol = TestClient::online(&server, "carol").await;
    let notes = |t: &TestClient| {
        t.notes
            .0
            .lock()
            .map(|v| v.iter().map(|n| n.body.clone()).collect::<Vec<_>>())
            .expect("notes")
    };
    let unread = |c: &parley_client::Client| {
        c.channels()
            .expect("channels")
            .into_iter()
            .find(|s| s.sid == ch.as_str())
            .map(|s| s.unread)
            .expect("the room")
    };

    alice
        .client
        .send(&ch, "release on friday?")
        .expect("queued");
    for t in [&bob, &carol] {
        until(&t.client, "the question", || {
            view(&t.client, &ch, "release on friday?").is_some()
        })
        .await;
    }
    let root = view(&bob.client, &ch, "release on friday?")
        .and_then(|m| m.sid)
        .expect("delivered");
    let carol_unread = unread(&carol.client);

    // bob answers in the thread: alice (who wrote the root) is told.
    bob.client
        .reply_in_thread(&ch, &root, "only after the freeze")
        .expect("queued");
    // Until it is sent it shows in the thread as bob's pending reply.
    let pending = bob.client.thread(&ch, &root).expect("thread");
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert_eq!(pending[0].body, "release on friday?");
    assert_eq!(pending[1].body, "only after the freeze");
    until(&alice.client, "the reply's notification", || {
        notes(&alice)
            .iter()
            .any(|b| b.contains("only after the freeze"))
    })
    .await;
    let summed = view(&alice.client, &ch, "release on friday?")
        .and_then(|m| m.thread)
        .expect("a thread");
    assert_eq!(
        (summed.replies, summed.unread, summed.people.clone()),
        (1, 1, vec!["bob".to_owned()])
    );
    // Not in the channel's timeline, not unread in the channel.
    assert!(view(&alice.client, &ch, "only after the freeze").is_none());
    until(&carol.client, "carol has the reply", || {
        carol
            .client
            .thread(&ch, &root)
            .map(|t| t.len() == 2 && t[1].sid.is_some())
            .unwrap_or(false)
    })
    .await;
    assert_eq!(unread(&carol.client), carol_unread);
    assert!(
        !notes(&carol).iter().any(|b| b.contains("freeze")),
        "carol took no part: {:?}",
        notes(&carol)
    );
    let thread = carol.client.thread(&ch, &root).expect("thread");
    assert_eq!(thread[1].thread_root.as_deref(), Some(root.as_str()));
    // Search finds replies in threads.
    let hits = carol.client.search("freeze", None).expect("search");
    assert_eq!(hits.len(), 1, "{hits:?}");

    // Reading the thread clears its unread count.
    alice.client.mark_thread_read(&ch, &root).expect("read");
    let summed = view(&alice.client, &ch, "release on friday?")
        .and_then(|m| m.thread)
        .expect("a thread");
    assert_eq!((summed.replies, summed.unread), (1, 0));

    // carol joins in; bob's next reply is for her too (and for alice).
    carol
        .client
        .reply_in_thread(&ch, &root, "freeze ends thursday")
        .expect("queued");
    until(&bob.client, "carol's reply at bob", || {
        bob.client
            .thread(&ch, &root)
            .map(|t| t.len() == 3)
            .unwrap_or(false)
    })
    .await;
    bob.client
        .reply_in_thread(&ch, &root, "then friday it is")
        .expect("queued");
    until(&carol.client, "bob's reply notifies carol", || {
        notes(&carol)
            .iter()
            .any(|b| b.contains("then friday it is"))
    })
    .await;
    // (Everything before it has been handled: still nothing from before she took part.)
    assert!(!notes(&carol)
        .iter()
        .any(|b| b.contains("only after the freeze")));
    until(&alice.client, "and alice", || {
        notes(&alice)
            .iter()
            .any(|b| b.contains("then friday it is"))
    })
    .await;
    let summed = view(&alice.client, &ch, "release on friday?")
        .and_then(|m| m.thread)
        .expect("a thread");
    assert_eq!(
        (summed.replies, summed.unread, summed.people),
        (3, 2, vec!["bob".to_owned(), "carol".to_owned()])
    );

    // Threads are one level deep, and a reply needs a message to answer.
    let reply = alice.client.thread(&ch, &root).expect("thread")[1]
        .sid
        .clone()
        .expect("sid");
    for to in [reply.as_str(), "IM00000000000000000000000000000000"] {
        let e = alice
            .client
            .reply_in_thread(&ch, to, "deeper")
            .expect_err("refused");
        assert_eq!(e.to_ui().key, "refusal-no-such-message");
    }
}

/// A channel whose newest messages are all replies in a thread: the
/// timeline still reaches the messages before them (the client fetches
/// older pages until it has some to show).
#[tokio::test]
async fn older_messages_are_found_behind_a_long_thread() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let path = format!("/v2/Services/{}/Channels/room/Messages", server.service);
    server
        .post(&path, &[("Body", "before the thread"), ("From", "bob")])
        .await;
    let root = server
        .post(&path, &[("Body", "the plan?"), ("From", "bob")])
        .await["sid"]
        .as_str()
        .expect("sid")
        .to_owned();
    let attrs = serde_json::json!({"parley": {"thread": {"root": root}}}).to_string();
    for i in 0..120 {
        let body = format!("reply {i}");
        server
            .post(
                &path,
                &[
                    ("Body", body.as_str()),
                    ("From", "bob"),
                    ("Attributes", attrs.as_str()),
                ],
            )
            .await;
    }
    let alice = TestClient::online(&server, "alice").await;
    until(&alice.client, "the channel synced", || {
        alice
            .client
            .channels()
            .map(|c| c.iter().any(|s| s.sid == ch.as_str()))
            .unwrap_or(false)
    })
    .await;
    let page = alice
        .client
        .messages_before(&ch, None, 50)
        .await
        .expect("older");
    let bodies: Vec<&str> = page.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, vec!["before the thread", "the plan?"]);
    assert_eq!(page[1].thread.as_ref().map(|t| t.replies), Some(120));
}

/// A status line is the user's to set and everyone's to read: it shows in
/// the other person's members list, a too long one is refused in words, and
/// clearing it keeps the rest of the user's attributes.
#[tokio::test]
async fn a_status_line_set_by_one_shows_in_the_others_members_list() {
    let server = Server::start().await;
    let ch = server.channel("room", &["alice", "bob"]).await;
    let alice = TestClient::online(&server, "alice").await;
    let bob = TestClient::online(&server, "bob").await;
    let shown = |c: &parley_client::Client| {
        c.members(&ch)
            .ok()
            .and_then(|m| m.into_iter().find(|m| m.identity == "alice"))
            .and_then(|m| m.status)
    };
    alice
        .client
        .set_status(Some("  在台北到週五 "))
        .await
        .expect("set");
    assert_eq!(
        alice.client.status().expect("status").as_deref(),
        Some("在台北到週五")
    );
    until(&bob.client, "alice's status at bob", || {
        shown(&bob.client).as_deref() == Some("在台北到週五")
    })
    .await;
    let e = alice
        .client
        .set_status(Some(&"x".repeat(101)))
        .await
        .expect_err("too long");
    assert_eq!(e.to_ui().key, "refusal-status-too-long");
    alice.client.set_status(None).await.expect("cleared");
    until(&bob.client, "cleared at bob", || {
        shown(&bob.client).is_none()
    })
    .await;
}
