//! The permission matrix for end users acting with access tokens: service
//! role × channel role × public/private channel, over real HTTP.

use crate::common;

use common::{Auth, TestServer};
use reqwest::StatusCode;

struct World {
    t: TestServer,
    svc: String,
    alice: String,
    bob: String,
    public: String,
    private: String,
}

async fn world() -> World {
    let t = TestServer::start().await;
    let svc = t.service().await;
    let alice = t.token(&svc, "alice");
    let bob = t.token(&svc, "bob");
    let chans = format!("/v2/Services/{svc}/Channels");
    let p = t
        .post(
            &chans,
            Auth::Token(&alice),
            &[("FriendlyName", "pub"), ("UniqueName", "pub")],
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::CREATED,
        "a service user may create channels: {:?}",
        p.body
    );
    assert_eq!(p.body["created_by"], "alice");
    assert_eq!(p.body["members_count"], 1, "the creator joins the channel");
    let q = t
        .post(
            &chans,
            Auth::Token(&alice),
            &[("FriendlyName", "secret"), ("Type", "private")],
        )
        .await;
    assert_eq!(q.status, StatusCode::CREATED);
    World {
        public: p.body["sid"].as_str().unwrap_or_default().to_owned(),
        private: q.body["sid"].as_str().unwrap_or_default().to_owned(),
        t,
        svc,
        alice,
        bob,
    }
}

#[tokio::test]
async fn a_private_channel_is_invisible_to_non_members() {
    let w = world().await;
    let (t, svc, bob) = (&w.t, &w.svc, w.bob.as_str());
    let all = t
        .get(
            &format!("/v2/Services/{svc}/Channels?Type=public&Type=private"),
            Auth::Token(bob),
        )
        .await;
    let sids: Vec<&str> = all.body["channels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["sid"].as_str())
        .collect();
    assert_eq!(
        sids,
        vec![w.public.as_str()],
        "bob sees only the public channel"
    );
    for path in ["", "/Messages", "/Members", "/Invites"] {
        let r = t
            .get(
                &format!("/v2/Services/{svc}/Channels/{}{path}", w.private),
                Auth::Token(bob),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::NOT_FOUND, 50300),
            "GET private{path} must not leak"
        );
    }
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels/{}/Messages", w.private),
            Auth::Token(bob),
            &[("Body", "hi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let admin = t
        .get(
            &format!("/v2/Services/{svc}/Channels?Type=private"),
            Auth::Admin,
        )
        .await;
    assert_eq!(
        admin.body["channels"].as_array().map(Vec::len),
        Some(1),
        "admins see every channel"
    );
}

#[tokio::test]
async fn an_invite_reveals_a_private_channel_and_joining_consumes_it() {
    let w = world().await;
    let (t, svc, bob, alice) = (&w.t, &w.svc, w.bob.as_str(), w.alice.as_str());
    let base = format!("/v2/Services/{svc}/Channels/{}", w.private);
    let join = t
        .post(
            &format!("{base}/Members"),
            Auth::Token(bob),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(
        (join.status, join.code()),
        (StatusCode::NOT_FOUND, 50300),
        "no joining a private channel uninvited"
    );
    let inv = t
        .post(
            &format!("{base}/Invites"),
            Auth::Token(alice),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(inv.status, StatusCode::CREATED, "{:?}", inv.body);
    assert_eq!(
        t.get(&base, Auth::Token(bob)).await.status,
        StatusCode::OK,
        "an invitee sees the channel"
    );
    let msgs = t.get(&format!("{base}/Messages"), Auth::Token(bob)).await;
    assert_eq!(
        (msgs.status, msgs.code()),
        (StatusCode::FORBIDDEN, 50400),
        "but not its messages"
    );
    let join = t
        .post(
            &format!("{base}/Members"),
            Auth::Token(bob),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(join.status, StatusCode::CREATED);
    let invites = t.get(&format!("{base}/Invites"), Auth::Admin).await;
    assert_eq!(
        invites.body["invites"].as_array().map(Vec::len),
        Some(0),
        "joining consumed the invite"
    );
    assert_eq!(
        t.get(&format!("{base}/Messages"), Auth::Token(bob))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn sending_requires_membership_and_cannot_impersonate() {
    let w = world().await;
    let (t, svc, bob) = (&w.t, &w.svc, w.bob.as_str());
    let msgs = format!("/v2/Services/{svc}/Channels/{}/Messages", w.public);
    assert_eq!(
        t.get(&msgs, Auth::Token(bob)).await.status,
        StatusCode::OK,
        "public history is readable"
    );
    let r = t.post(&msgs, Auth::Token(bob), &[("Body", "hi")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 50400));
    let join = t
        .post(
            &format!("/v2/Services/{svc}/Channels/{}/Members", w.public),
            Auth::Token(bob),
            &[("Identity", "bob")],
        )
        .await;
    assert_eq!(join.status, StatusCode::CREATED);
    let r = t.post(&msgs, Auth::Token(bob), &[("Body", "hi")]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["from"], "bob");
    let r = t
        .post(
            &msgs,
            Auth::Token(bob),
            &[("Body", "hi"), ("From", "alice")],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, 50107),
        "no sending as someone else"
    );
}

#[tokio::test]
async fn own_and_any_message_permissions_follow_channel_roles() {
    let w = world().await;
    let (t, svc, bob, alice) = (&w.t, &w.svc, w.bob.as_str(), w.alice.as_str());
    let ch = format!("/v2/Services/{svc}/Channels/{}", w.public);
    t.post(
        &format!("{ch}/Members"),
        Auth::Token(bob),
        &[("Identity", "bob")],
    )
    .await;
    let a = t
        .post(
            &format!("{ch}/Messages"),
            Auth::Token(alice),
            &[("Body", "from alice")],
        )
        .await;
    let b = t
        .post(
            &format!("{ch}/Messages"),
            Auth::Token(bob),
            &[("Body", "from bob")],
        )
        .await;
    let (a, b) = (
        a.body["sid"].as_str().unwrap_or_default(),
        b.body["sid"].as_str().unwrap_or_default(),
    );

    let r = t
        .post(
            &format!("{ch}/Messages/{a}"),
            Auth::Token(bob),
            &[("Body", "hacked")],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, 50107),
        "channel users edit only their own"
    );
    let r = t
        .post(
            &format!("{ch}/Messages/{b}"),
            Auth::Token(bob),
            &[("Body", "fixed typo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        (
            r.body["was_edited"].as_bool(),
            r.body["last_updated_by"].as_str()
        ),
        (Some(true), Some("bob"))
    );
    let r = t
        .delete(&format!("{ch}/Messages/{a}"), Auth::Token(bob))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .delete(&format!("{ch}/Messages/{b}"), Auth::Token(alice))
        .await;
    assert_eq!(
        r.status,
        StatusCode::NO_CONTENT,
        "the channel admin may delete any message"
    );

    let r = t
        .post(&ch, Auth::Token(bob), &[("FriendlyName", "renamed")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "channel users may not rename"
    );
    let r = t
        .post(&ch, Auth::Token(alice), &[("FriendlyName", "renamed")])
        .await;
    assert_eq!(
        (r.status, r.body["friendly_name"].as_str()),
        (StatusCode::OK, Some("renamed"))
    );

    let r = t
        .delete(&format!("{ch}/Members/alice"), Auth::Token(bob))
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "channel users may not remove others"
    );
    let r = t.delete(&ch, Auth::Token(bob)).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "channel users may not destroy the channel"
    );
    let r = t
        .delete(&format!("{ch}/Members/bob"), Auth::Token(bob))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "anyone may leave");
    let r = t.delete(&ch, Auth::Token(alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_channel_role_without_send_message_cannot_send() {
    let w = world().await;
    let (t, svc) = (&w.t, &w.svc);
    let role = t
        .post(
            &format!("/v2/Services/{svc}/Roles"),
            Auth::Admin,
            &[
                ("FriendlyName", "reader"),
                ("Type", "channel"),
                ("Permission", "leaveChannel"),
            ],
        )
        .await;
    let role = role.body["sid"].as_str().unwrap_or_default().to_owned();
    let ch = format!("/v2/Services/{svc}/Channels/{}", w.public);
    let r = t
        .post(
            &format!("{ch}/Members"),
            Auth::Admin,
            &[("Identity", "carol"), ("RoleSid", &role)],
        )
        .await;
    assert_eq!(r.body["role_sid"], role.as_str());
    let carol = t.token(svc, "carol");
    let r = t
        .post(
            &format!("{ch}/Messages"),
            Auth::Token(&carol),
            &[("Body", "hi")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 50107));
}

#[tokio::test]
async fn a_service_role_without_create_channel_cannot_create() {
    let w = world().await;
    let (t, svc) = (&w.t, &w.svc);
    let role = t
        .post(
            &format!("/v2/Services/{svc}/Roles"),
            Auth::Admin,
            &[
                ("FriendlyName", "guest"),
                ("Type", "deployment"),
                ("Permission", "joinChannel"),
            ],
        )
        .await;
    let role = role.body["sid"].as_str().unwrap_or_default().to_owned();
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users"),
            Auth::Admin,
            &[("Identity", "guest"), ("RoleSid", &role)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let guest = t.token(svc, "guest");
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            Auth::Token(&guest),
            &[("FriendlyName", "x")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 50107));
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels/{}/Members", w.public),
            Auth::Token(&guest),
            &[("Identity", "guest")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "joinChannel is enough to join a public channel"
    );
}

#[tokio::test]
async fn users_cannot_administer_the_service() {
    let w = world().await;
    let (t, svc, bob) = (&w.t, &w.svc, w.bob.as_str());
    let forbidden = [
        t.get("/v2/Services", Auth::Token(bob)).await,
        t.post("/v2/Services", Auth::Token(bob), &[("FriendlyName", "x")])
            .await,
        t.post(
            &format!("/v2/Services/{svc}"),
            Auth::Token(bob),
            &[("FriendlyName", "x")],
        )
        .await,
        t.get("/v2/Credentials", Auth::Token(bob)).await,
        t.post(
            &format!("/v2/Services/{svc}/Roles"),
            Auth::Token(bob),
            &[
                ("FriendlyName", "r"),
                ("Type", "channel"),
                ("Permission", "sendMessage"),
            ],
        )
        .await,
        t.post(
            &format!("/v2/Services/{svc}/Users"),
            Auth::Token(bob),
            &[("Identity", "mallory")],
        )
        .await,
        t.delete(&format!("/v2/Services/{svc}/Users/alice"), Auth::Token(bob))
            .await,
        t.get(
            &format!("/v2/Services/{svc}/Channels/{}/Webhooks", w.public),
            Auth::Token(bob),
        )
        .await,
        t.get(
            &format!("/v2/Services/{svc}/Users/alice/Channels"),
            Auth::Token(bob),
        )
        .await,
    ];
    for (i, r) in forbidden.iter().enumerate() {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "case {i}: {:?}", r.body);
    }
    assert_eq!(
        t.get(&format!("/v2/Services/{svc}"), Auth::Token(bob))
            .await
            .status,
        StatusCode::OK,
        "users read their service"
    );
    assert_eq!(
        t.get(&format!("/v2/Services/{svc}/Roles"), Auth::Token(bob))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(
            &format!("/v2/Services/{svc}/Users/bob/Channels"),
            Auth::Token(bob)
        )
        .await
        .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn users_edit_their_own_profile_only() {
    let w = world().await;
    let (t, svc, bob) = (&w.t, &w.svc, w.bob.as_str());
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/bob"),
            Auth::Token(bob),
            &[("FriendlyName", "Bob B.")],
        )
        .await;
    assert_eq!(
        (r.status, r.body["friendly_name"].as_str()),
        (StatusCode::OK, Some("Bob B."))
    );
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/alice"),
            Auth::Token(bob),
            &[("FriendlyName", "pwned")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 50107));
    let roles = t
        .get(&format!("/v2/Services/{svc}/Roles"), Auth::Admin)
        .await;
    let admin_role = roles.body["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["friendly_name"] == "service admin")
        .and_then(|r| r["sid"].as_str())
        .unwrap_or_default()
        .to_owned();
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Users/bob"),
            Auth::Token(bob),
            &[("RoleSid", &admin_role)],
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, 50205),
        "no self-promotion"
    );
}

#[tokio::test]
async fn a_token_for_one_service_does_not_open_another() {
    let w = world().await;
    let other = w.t.service().await;
    let r =
        w.t.get(
            &format!("/v2/Services/{other}/Channels"),
            Auth::Token(&w.bob),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, 20403));
}
