//! The database restarts under a running server (every connection cut):
//! the next writes succeed, reads too, and the feed keeps flowing to open
//! sockets. On a cluster of its own: a restart of the shared one would cut
//! every other test's connections.
//!
//! Needs PostgreSQL's server binaries; `make test` runs it under
//! `tests/support/with-postgres … --include-ignored`.

use crate::common;

use std::time::Duration;

use common::{Auth, TestServer, WsAuth};

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it with tests/support/with-postgres"]
async fn a_database_restart_loses_no_request_and_the_feed_keeps_flowing() {
    let cluster = common::postgres::OwnCluster::start();
    let url = common::postgres::fresh_database_on(&cluster.admin);
    let t = TestServer::start_with(|o| {
        o.database = parley_server::Database::from_url(Some(url), Some(4)).expect("URL");
    })
    .await;
    assert!(matches!(t.database, parley_server::Database::Postgres(_)));
    let svc = t.service().await;
    let room = format!("/v2/Services/{svc}/Channels");
    t.post(&room, Auth::Admin, &[("UniqueName", "room")]).await;
    t.post(
        &format!("{room}/room/Members"),
        Auth::Admin,
        &[("Identity", "alice")],
    )
    .await;
    let token = t.token(&svc, "alice");
    let mut ws = t.ws(&svc, WsAuth::Header(&token), None).await;
    ws.until("caughtUp", Duration::from_secs(5)).await;

    let pg = |what: &str| cluster.run(what);
    let ready = || async { t.get("/readyz", Auth::None).await.status.as_u16() };
    assert_eq!(ready().await, 200, "ready while the database answers");

    // Down: the node says so to its load balancer.
    pg("down");
    assert_eq!(ready().await, 503, "not ready while the database is down");
    // Up again, and then a fast restart that cuts every connection.
    pg("up");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while ready().await != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "ready again once it is back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    pg("restart");

    for i in 0..3 {
        let r = t
            .post(
                &format!("{room}/room/Messages"),
                Auth::Admin,
                &[("Body", &format!("after the restart {i}"))],
            )
            .await;
        assert_eq!(
            r.status, 201,
            "a write right after the restart: {:?}",
            r.body
        );
        let (added, _) = ws.until("messageAdded", Duration::from_secs(10)).await;
        assert_eq!(added["data"]["body"], format!("after the restart {i}"));
    }
    let list = t.get(&format!("{room}/room/Messages"), Auth::Admin).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["messages"].as_array().map(Vec::len), Some(3));
}
