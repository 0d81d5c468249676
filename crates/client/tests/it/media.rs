//! Files through parley-client against a real parley-server: a file sent
//! while offline is delivered exactly once when the server returns, uploads
//! report progress and can be cancelled, and a file seen once opens with
//! the server stopped.

use crate::common;
use parley_client::cache::MessageState;

use std::time::Duration;

use common::{until, Server, TestClient};
use parley_client::ClientEvent;

fn picture(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend((0..n).map(|i| (i * 31 % 251) as u8));
    v
}

#[tokio::test]
async fn a_file_sent_offline_is_delivered_once_when_the_server_returns() {
    let mut server = Server::start().await;
    let room = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    server.stop().await;
    until(&t.client, "offline", || {
        t.client.connection_state() != parley_client::ConnectionState::Online
    })
    .await;

    let original = t.data.path().join("holiday.png");
    let bytes = picture(300_000);
    std::fs::write(&original, &bytes).expect("file");
    let id = t
        .client
        .send_file(&room, &original, Some("the beach"))
        .expect("queued");
    // The original may go away: the outbox has its own copy.
    std::fs::remove_file(&original).expect("moved away");
    let shown = t.client.messages(&room, None, 50).expect("messages");
    let pending = shown
        .iter()
        .find(|m| m.outbox_id == Some(id))
        .expect("shown");
    assert_eq!(pending.state, MessageState::Pending);
    let media = pending.media.as_ref().expect("media shown");
    assert_eq!(
        (media.filename.as_deref(), media.size),
        (Some("holiday.png"), bytes.len() as u64)
    );

    server.restart().await;
    until(&t.client, "outbox drained", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    let on_server = server.messages(&room).await;
    assert_eq!(on_server.len(), 1, "exactly once: {on_server:?}");
    assert_eq!(on_server[0]["type"], "media");
    assert_eq!(on_server[0]["body"], "the beach");
    assert_eq!(on_server[0]["media"]["content_type"], "image/png");
    let sid = on_server[0]["media"]["sid"]
        .as_str()
        .expect("media sid")
        .to_owned();
    let content = server.media_content(&sid).await;
    assert_eq!(content, bytes, "the server has the same bytes");
    // The sender keeps its file: it opens without a download.
    until(&t.client, "echo reconciled", || {
        let v = t.client.messages(&room, None, 50).unwrap_or_default();
        v.len() == 1 && v[0].state == MessageState::Sent
    })
    .await;
    let path = t.client.cached_media(&sid).expect("lookup").expect("kept");
    assert_eq!(std::fs::read(path).expect("read"), bytes);
}

#[tokio::test]
async fn an_upload_reports_progress_and_can_be_cancelled() {
    let server = Server::start().await;
    let room = server.channel("room", &["alice"]).await;
    let t = TestClient::online(&server, "alice").await;
    let big = t.data.path().join("video.mp4");
    std::fs::write(&big, vec![7u8; 120 * 1024 * 1024]).expect("file");
    let mut events = t.client.subscribe();
    let id = t.client.send_file(&room, &big, None).expect("queued");
    let key = format!("up:{id}");
    let first = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(ClientEvent::Transfer {
                key: k,
                done,
                total,
                ..
            }) = events.recv().await
            {
                if k == key {
                    return (done, total);
                }
            }
        }
    })
    .await
    .expect("progress reported");
    assert_eq!(first.1, 120 * 1024 * 1024);
    assert!(first.0 < first.1, "the first report is partway");
    assert!(t.client.cancel_send(id).expect("cancel"));
    until(&t.client, "send discarded", || {
        t.client.outbox().map(|o| o.is_empty()).unwrap_or(false)
    })
    .await;
    assert!(
        t.client
            .messages(&room, None, 50)
            .expect("messages")
            .is_empty(),
        "nothing left in the timeline"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        server.messages(&room).await.is_empty(),
        "no message was created"
    );
    let copies = std::fs::read_dir(t.data.path().join("accounts"))
        .expect("accounts")
        .flatten()
        .filter_map(|a| std::fs::read_dir(a.path().join("outbox-media")).ok())
        .flatten()
        .count();
    assert_eq!(copies, 0, "the outbox copy is deleted");

    // Over the server's limit: refused before anything is queued.
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(150 * 1024 * 1024 + 1))
        .expect("sparse file");
    let err = t.client.send_file(&room, &big, None).expect_err("too big");
    assert!(err.to_string().contains("150 MB"), "{err}");
    assert!(t.client.outbox().expect("outbox").is_empty());
}

#[tokio::test]
async fn a_received_picture_seen_once_opens_with_the_server_stopped() {
    let mut server = Server::start().await;
    let room = server.channel("room", &["alice", "bob"]).await;
    let t = TestClient::online(&server, "alice").await;
    let bytes = picture(50_000);
    let media = server.upload(bytes.clone(), "image/png", "cat.png").await;
    let sid = media["sid"].as_str().expect("sid").to_owned();
    server
        .post(
            &format!("/v2/Services/{}/Channels/room/Messages", server.service),
            &[("MediaSid", &sid), ("From", "bob")],
        )
        .await;
    until(&t.client, "media message synced", || {
        t.client
            .messages(&room, None, 50)
            .map(|v| v.iter().any(|m| m.media.is_some()))
            .unwrap_or(false)
    })
    .await;
    let message = t
        .client
        .messages(&room, None, 50)
        .expect("messages")
        .into_iter()
        .find(|m| m.media.is_some())
        .expect("media message");
    assert_eq!(message.media.as_ref().map(|m| m.cached), Some(false));
    assert!(t.client.cached_media(&sid).expect("lookup").is_none());
    let path = t.client.media_file(&message).await.expect("downloaded");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);

    t.client.stop();
    server.stop().await;
    let again = t.reopen();
    let message = again
        .messages(&room, None, 50)
        .expect("messages")
        .into_iter()
        .find(|m| m.media.is_some())
        .expect("media message offline");
    assert_eq!(
        message.media.as_ref().map(|m| m.cached),
        Some(true),
        "shown as available offline"
    );
    let path = again.media_file(&message).await.expect("opens offline");
    assert_eq!(std::fs::read(path).expect("read"), bytes);
}
