//! Parley's marks on messages (docs/attributes.md), over real HTTP: a
//! reaction is a message of its own, counted in no unread count; its target
//! must be a message of the same channel; concurrent reactions are all
//! kept; only a role with `mentionChannel` may mention everyone.

use crate::common;

use common::{Auth, TestServer};
use reqwest::StatusCode;
use serde_json::json;

struct Room {
    t: TestServer,
    svc: String,
    alice: String,
    bob: String,
    messages: String,
}

/// Channel "room" created by alice (its admin), bob joined (a channel user).
async fn room() -> Room {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let alice = t.token(&svc, "alice");
    let bob = t.token(&svc, "bob");
    let chans = format!("/v2/Services/{svc}/Channels");
    let r = t
        .post(&chans, Auth::Token(&alice), &[("UniqueName", "room")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = t
        .post(
            &format!("{chans}/room/Members"),
            Auth::Token(&bob),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "bob joins: {:?}", r.body);
    Room {
        messages: format!("{chans}/room/Messages"),
        t,
        svc,
        alice,
        bob,
    }
}

fn reaction(to: &str, emoji: &str) -> String {
    json!({"parley": {"reaction": {"to": to, "emoji": emoji}}}).to_string()
}

impl Room {
    async fn say(&self, who: &str, body: &str, attributes: &str) -> common::Reply {
        self.t
            .post(
                &self.messages,
                Auth::Token(who),
                &[("Body", body), ("Attributes", attributes)],
            )
            .await
    }

    async fn unread(&self, who: &str, identity: &str) -> i64 {
        let r = self
            .t
            .get(
                &format!("/v2/Services/{}/Users/{identity}/Channels/room", self.svc),
                Auth::Token(who),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body["unread_messages_count"].as_i64().expect("a count")
    }
}

#[tokio::test]
async fn a_reaction_is_a_message_of_its_own_that_counts_toward_no_unread_count() {
    let w = room().await;
    let hi = w.say(&w.bob, "hi", "{}").await;
    assert_eq!(hi.status, StatusCode::CREATED);
    let hi_sid = hi.body["sid"].as_str().expect("sid").to_owned();
    let before = w.unread(&w.bob, "bob").await;

    let r = w.say(&w.alice, "👍", &reaction(&hi_sid, "👍")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // Other Chat v2 clients see a message with the emoji as its body.
    assert_eq!(r.body["body"], "👍");
    let attrs: serde_json::Value =
        serde_json::from_str(r.body["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(attrs["parley"]["reaction"]["to"], hi_sid.as_str());
    assert_eq!(
        w.unread(&w.bob, "bob").await,
        before,
        "a reaction is not unread"
    );

    let r = w.say(&w.alice, "a real answer", "{}").await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(w.unread(&w.bob, "bob").await, before + 1, "a message is");

    // No message hides by becoming a "reaction": not by an edit, not with
    // other text than its emoji, not with a file.
    let sid = r.body["sid"].as_str().expect("sid");
    let turned = reaction(&hi_sid, "🎉");
    for form in [
        vec![("Attributes", turned.as_str())],
        vec![("Attributes", turned.as_str()), ("Body", "🎉")],
    ] {
        let e =
            w.t.post(
                &format!("{}/{sid}", w.messages),
                Auth::Token(&w.alice),
                &form,
            )
            .await;
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{:?}", e.body);
    }
    let r = w
        .say(&w.alice, "a secret in a reaction", &reaction(&hi_sid, "👍"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(
        w.unread(&w.bob, "bob").await,
        before + 1,
        "the answer still counts"
    );
    // Nor does a reaction stop being one, or change its text.
    let rsid = w.say(&w.alice, "👍", &reaction(&hi_sid, "👍")).await.body["sid"]
        .as_str()
        .expect("sid")
        .to_owned();
    for form in [[("Attributes", "{}")], [("Body", "a new text")]] {
        let e =
            w.t.post(
                &format!("{}/{rsid}", w.messages),
                Auth::Token(&w.alice),
                &form,
            )
            .await;
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{:?}", e.body);
    }
}

#[tokio::test]
async fn a_reply_quotes_its_original_as_it_is() {
    let w = room().await;
    let hi = w.say(&w.bob, "the budget is final", "{}").await;
    let to = hi.body["sid"].as_str().expect("sid").to_owned();
    let quote = |author: &str, excerpt: &str| {
        json!({"parley": {"reply": {"to": to, "author": author, "excerpt": excerpt}}}).to_string()
    };
    let r = w
        .say(&w.alice, "great", &quote("bob", "the budget is final"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    for forged in [
        quote("carol", "the budget is final"),
        quote("bob", "wire me $10k"),
    ] {
        let r = w.say(&w.alice, "see above", &forged).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
        assert_eq!(r.body["code"], 20001);
    }
}

#[tokio::test]
async fn two_people_reacting_at_once_are_both_kept_and_each_removes_only_their_own() {
    let w = room().await;
    let hi = w.say(&w.bob, "vote here", "{}").await;
    let target = hi.body["sid"].as_str().expect("sid").to_owned();
    let a = reaction(&target, "👍");
    let b = reaction(&target, "👀");
    let (ra, rb) = tokio::join!(w.say(&w.alice, "👍", &a), w.say(&w.bob, "👀", &b));
    assert_eq!(
        (ra.status, rb.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    let list = w.t.get(&w.messages, Auth::Token(&w.alice)).await;
    let on_target: Vec<(String, String)> = list.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| {
            let attrs: serde_json::Value = serde_json::from_str(m["attributes"].as_str()?).ok()?;
            let r = &attrs["parley"]["reaction"];
            (r["to"] == target.as_str()).then(|| {
                (
                    m["from"].as_str().unwrap_or("").to_owned(),
                    r["emoji"].as_str().unwrap_or("").to_owned(),
                )
            })
        })
        .collect();
    assert_eq!(on_target.len(), 2, "both reactions kept: {on_target:?}");
    // A channel user removes their own reaction, not someone else's.
    let alices = ra.body["sid"].as_str().expect("sid");
    let d =
        w.t.delete(&format!("{}/{alices}", w.messages), Auth::Token(&w.bob))
            .await;
    assert_eq!(d.status, StatusCode::FORBIDDEN, "{:?}", d.body);
    let bobs = rb.body["sid"].as_str().expect("sid");
    let d =
        w.t.delete(&format!("{}/{bobs}", w.messages), Auth::Token(&w.bob))
            .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT, "{:?}", d.body);
}

#[tokio::test]
async fn marks_naming_no_message_of_the_channel_or_malformed_are_refused_and_nothing_is_stored() {
    let w = room().await;
    let elsewhere = w.t.room(&w.svc, "elsewhere", "alice").await;
    let other =
        w.t.post(
            &format!("/v2/Services/{}/Channels/elsewhere/Messages", w.svc),
            Auth::Token(&elsewhere),
            &[("Body", "far away")],
        )
        .await;
    let far = other.body["sid"].as_str().expect("sid").to_owned();
    let count = || async {
        w.t.get(&w.messages, Auth::Token(&w.alice)).await.body["messages"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    let before = count().await;
    let no_such = "IM00000000000000000000000000000000";
    let reply_far =
        json!({"parley": {"reply": {"to": far, "author": "alice", "excerpt": "far away"}}})
            .to_string();
    for (attributes, why) in [
        (reaction(&far, "👍"), "a message of another channel"),
        (reaction(no_such, "👍"), "no message at all"),
        (reply_far, "a reply to another channel"),
        (
            reaction("CH00000000000000000000000000000000", "👍"),
            "a channel SID",
        ),
        (reaction(no_such, "two words"), "not an emoji"),
        (
            r#"{"parley":{"colour":"red"}}"#.to_owned(),
            "an unknown mark",
        ),
        (r#"{"parley":[]}"#.to_owned(), "not an object"),
    ] {
        let r = w.say(&w.alice, "x", &attributes).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{why}: {:?}", r.body);
        assert_eq!(r.body["code"], 20001, "{why}");
        assert!(
            r.body["message"]
                .as_str()
                .unwrap_or("")
                .contains("Attributes.parley"),
            "{why}: {:?}",
            r.body
        );
    }
    assert_eq!(count().await, before, "nothing stored");
    // Other clients' attributes stay theirs to shape.
    let r = w
        .say(&w.alice, "x", r#"{"parley_like":1,"reaction":"anything"}"#)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn only_a_role_with_mention_channel_may_mention_everyone() {
    let w = room().await;
    let everyone = json!({"parley": {"mention_channel": true}}).to_string();
    let r = w.say(&w.bob, "@channel lunch?", &everyone).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a channel user may not: {:?}",
        r.body
    );
    assert_eq!(r.body["code"], 50107);
    let r = w.say(&w.alice, "@channel lunch!", &everyone).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "the channel's admin may: {:?}",
        r.body
    );
    // Naming people is for everyone.
    let named = json!({"parley": {"mentions": ["alice"]}}).to_string();
    let r = w.say(&w.bob, "@alice lunch?", &named).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

fn in_thread(root: &str) -> String {
    json!({"parley": {"thread": {"root": root}}}).to_string()
}

#[tokio::test]
async fn a_reply_in_a_thread_counts_toward_no_unread_count_and_stays_in_its_thread() {
    let w = room().await;
    let root = w.say(&w.bob, "release on friday?", "{}").await;
    assert_eq!(root.status, StatusCode::CREATED);
    let root = root.body["sid"].as_str().expect("sid").to_owned();
    let before = w.unread(&w.bob, "bob").await;

    let r = w.say(&w.alice, "yes, after lunch", &in_thread(&root)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    // Other Chat v2 clients see it as a message of the channel.
    assert_eq!(r.body["body"], "yes, after lunch");
    assert_eq!(
        w.unread(&w.bob, "bob").await,
        before,
        "a reply in a thread is not unread in the channel"
    );
    let reply = r.body["sid"].as_str().expect("sid").to_owned();

    // Threads are one level deep; a root is a message of this channel.
    for (attrs, why) in [
        (in_thread(&reply), "a reply in a thread as a root"),
        (
            in_thread("IM00000000000000000000000000000000"),
            "no such message",
        ),
    ] {
        let e = w.say(&w.alice, "hm", &attrs).await;
        assert_eq!(e.status, StatusCode::BAD_REQUEST, "{why}: {:?}", e.body);
        assert_eq!(e.body["code"], 20001, "{why}");
    }
    let reacted = w.say(&w.alice, "👍", &reaction(&root, "👍")).await;
    let reacted = reacted.body["sid"].as_str().expect("sid").to_owned();
    let e = w.say(&w.alice, "hm", &in_thread(&reacted)).await;
    assert_eq!(e.status, StatusCode::BAD_REQUEST, "a reaction as a root");

    // An edit moves nothing into or out of a thread; editing the text is fine.
    let plain = w.say(&w.alice, "in the channel", "{}").await;
    let plain = plain.body["sid"].as_str().expect("sid").to_owned();
    let edit = |sid: String, form: Vec<(&'static str, String)>| {
        let url = format!("{}/{sid}", w.messages);
        let who = w.alice.clone();
        let t = &w.t;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post(&url, Auth::Token(&who), &form).await
        }
    };
    let e = edit(plain.clone(), vec![("Attributes", in_thread(&root))]).await;
    assert_eq!(
        e.status,
        StatusCode::BAD_REQUEST,
        "into a thread: {:?}",
        e.body
    );
    let e = edit(reply.clone(), vec![("Attributes", "{}".to_owned())]).await;
    assert_eq!(
        e.status,
        StatusCode::BAD_REQUEST,
        "out of a thread: {:?}",
        e.body
    );
    let e = edit(reply.clone(), vec![("Body", "yes, at two".to_owned())]).await;
    assert_eq!(e.status, StatusCode::OK, "{:?}", e.body);
    let attrs: serde_json::Value =
        serde_json::from_str(e.body["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(attrs["parley"]["thread"]["root"], root.as_str());
    assert_eq!(
        w.unread(&w.bob, "bob").await,
        before + 1,
        "only the plain message counts"
    );
}

#[tokio::test]
async fn deleting_a_threads_first_message_deletes_its_replies() {
    let w = room().await;
    let root = w.say(&w.bob, "release on friday?", "{}").await;
    let root = root.body["sid"].as_str().expect("sid").to_owned();
    let other = w.say(&w.bob, "another thread", "{}").await;
    let other = other.body["sid"].as_str().expect("sid").to_owned();
    for (who, body, to) in [
        (&w.alice, "yes", &root),
        (&w.bob, "good", &root),
        (&w.alice, "elsewhere", &other),
    ] {
        let r = w.say(who, body, &in_thread(to)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    // bob deletes his message: alice's reply in its thread goes with it.
    let r =
        w.t.delete(&format!("{}/{root}", w.messages), Auth::Token(&w.bob))
            .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let left =
        w.t.get(
            &format!("{}?PageSize=50", w.messages),
            Auth::Token(&w.alice),
        )
        .await;
    let bodies: Vec<&str> = left.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert_eq!(bodies, vec!["another thread", "elsewhere"]);
}

#[tokio::test]
async fn a_users_status_is_one_short_line() {
    let w = room().await;
    let me = format!("/v2/Services/{}/Users/alice", w.svc);
    let ok = json!({"parley": {"status": "在台北到週五"}, "color": "teal"}).to_string();
    let r =
        w.t.post(&me, Auth::Token(&w.alice), &[("Attributes", ok.as_str())])
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    for bad in [
        json!({"parley": {"status": "x".repeat(101)}}).to_string(),
        json!({"parley": {"status": "two\nlines"}}).to_string(),
        json!({"parley": {"mood": "happy"}}).to_string(),
    ] {
        let r =
            w.t.post(&me, Auth::Token(&w.alice), &[("Attributes", bad.as_str())])
                .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", r.body);
        assert_eq!(r.body["code"], 20001);
    }
    let r = w.t.get(&me, Auth::Token(&w.bob)).await;
    let attrs: serde_json::Value =
        serde_json::from_str(r.body["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(
        attrs["parley"]["status"], "在台北到週五",
        "the good one stays"
    );
}
