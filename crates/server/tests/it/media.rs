//! The media service over real HTTP: streamed 150 MB uploads and downloads
//! with the server's memory measured, the size limit, interrupted uploads,
//! Range requests, temporary links, who may read a file, untrusted names,
//! and media messages with their errors and permissions.

use crate::common;

use std::time::Duration;

use common::{Auth, Spawned, TestServer};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

const MIB: u64 = 1024 * 1024;

/// 1 MiB blocks of pseudo-random bytes, block `i` different from the others.
fn block(i: u64) -> Vec<u8> {
    let mut s = 0x9E37_79B9_7F4A_7C15u64 ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03);
    (0..MIB / 8)
        .flat_map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s.to_le_bytes()
        })
        .collect()
}

/// `bytes` bytes made of blocks, as a request body, and their SHA-256.
fn big_body(bytes: u64) -> (reqwest::Body, String) {
    let mut hash = Sha256::new();
    let mut left = bytes;
    let mut i = 0;
    while left > 0 {
        let b = block(i);
        let n = left.min(MIB) as usize;
        hash.update(&b[..n]);
        left -= n as u64;
        i += 1;
    }
    let stream = futures_util::stream::iter((0..bytes.div_ceil(MIB)).map(move |i| {
        let mut b = block(i);
        b.truncate((bytes - i * MIB).min(MIB) as usize);
        Ok::<_, std::io::Error>(b)
    }));
    (
        reqwest::Body::wrap_stream(stream),
        hex::encode(hash.finalize()),
    )
}

async fn json(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Files in the data directory's media folder (the temporary folder included).
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let media = dir.join("media");
    let mut out = Vec::new();
    for sub in [media.clone(), media.join("tmp")] {
        if let Ok(entries) = std::fs::read_dir(&sub) {
            for e in entries.flatten() {
                if e.path().is_file() {
                    out.push(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
    }
    out
}

/// Peak RSS of `pid` while `work` runs, KiB.
async fn peak_rss_during<F: std::future::Future>(pid: u32, work: F) -> (u64, F::Output) {
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            peak = peak.max(common::rss_kib(pid));
            tokio::select! {
                _ = &mut stop_rx => return peak,
                _ = tokio::time::sleep(Duration::from_millis(10)) => {}
            }
        }
    });
    let out = work.await;
    let _ = stop_tx.send(());
    (sampler.await.unwrap_or(0), out)
}

#[tokio::test]
async fn a_150_mb_file_goes_up_and_down_intact_in_bounded_memory_and_one_byte_more_is_refused() {
    let server = Spawned::start().await;
    let svc = server.setup_room().await;
    let alice = server.token(&svc, "alice");
    let upload_url = format!("{}/v1/Services/{svc}/Media?Filename=big.bin", server.base);
    let before = common::rss_kib(server.pid());

    let (body, sent_hash) = big_body(150 * MIB);
    let (peak_up, resp) = peak_rss_during(server.pid(), async {
        server
            .http
            .post(&upload_url)
            .header("X-Twilio-Token", &alice)
            .header("Content-Type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("upload sent")
    })
    .await;
    let (status, media) = json(resp).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    assert_eq!(media["size"], 150 * MIB);
    let sid = media["sid"].as_str().expect("sid").to_owned();

    let content = media["links"]["content"]
        .as_str()
        .expect("content link")
        .to_owned();
    let (peak_down, got_hash) = peak_rss_during(server.pid(), async {
        let resp = server
            .http
            .get(&content)
            .header("X-Twilio-Token", &alice)
            .send()
            .await
            .expect("download");
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(
            resp.headers()["content-length"].to_str().ok(),
            Some((150 * MIB).to_string().as_str())
        );
        let mut hash = Sha256::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            hash.update(chunk.expect("chunk"));
        }
        hex::encode(hash.finalize())
    })
    .await;
    assert_eq!(
        got_hash, sent_hash,
        "the downloaded bytes are the uploaded ones"
    );
    let grew_mib = (peak_up.max(peak_down).saturating_sub(before)) as f64 / 1024.0;
    println!("server RSS {before} KiB before, peak {peak_up} KiB uploading, {peak_down} KiB downloading (+{grew_mib:.1} MiB)");
    assert!(
        grew_mib < 32.0,
        "the server's RSS grew by {grew_mib:.1} MiB moving 150 MB"
    );

    // One byte over the limit, streamed without a length: refused, nothing kept.
    let (body, _) = big_body(150 * MIB + 1);
    let (status, err) = json(
        server
            .http
            .post(&upload_url)
            .header("X-Twilio-Token", &alice)
            .body(body)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_u64()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some(50512)),
        "{err}"
    );
    // And with a declared length, refused before the body is read.
    let (status, err) = json(
        server
            .http
            .post(&upload_url)
            .header("X-Twilio-Token", &alice)
            .header("Content-Length", (150 * MIB + 1).to_string())
            .body(reqwest::Body::wrap_stream(futures_util::stream::pending::<
                Result<Vec<u8>, std::io::Error>,
            >()))
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_u64()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some(50512))
    );
    assert_eq!(
        files_in(server.dir.path()),
        vec![sid],
        "only the accepted file is on disk"
    );
}

#[tokio::test]
async fn an_interrupted_upload_leaves_nothing_behind() {
    use tokio::io::AsyncWriteExt;
    let server = Spawned::start().await;
    let svc = server.setup_room().await;
    let alice = server.token(&svc, "alice");
    let mut sock = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .expect("connect");
    let head = format!(
        "POST /v1/Services/{svc}/Media HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twilio-Token: {alice}\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
        10 * MIB
    );
    sock.write_all(head.as_bytes()).await.expect("head");
    sock.write_all(&block(0)).await.expect("first MiB");
    sock.flush().await.expect("flush");
    // The server is writing the upload now.
    let mut seen_partial = false;
    for _ in 0..100 {
        if !files_in(server.dir.path()).is_empty() {
            seen_partial = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        seen_partial,
        "the upload was being written to a temporary file"
    );
    drop(sock);
    let mut left = files_in(server.dir.path());
    for _ in 0..200 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
        left = files_in(server.dir.path());
    }
    assert!(left.is_empty(), "partial files left: {left:?}");
}

/// A server with short temporary links, a service with a private channel
/// "room" whose members are alice and bob, and carol outside it.
struct World {
    t: TestServer,
    svc: String,
    alice: String,
    bob: String,
    carol: String,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("dir");
    let mut opts = parley_server::ServeOptions::new(
        dir.path().to_owned(),
        "127.0.0.1:0".parse().expect("addr"),
    );
    opts.media_link_ttl = 2;
    let t = TestServer::start_opts(dir, opts).await;
    let svc = t.service().await;
    let r = t
        .post(
            &format!("/v2/Services/{svc}/Channels"),
            Auth::Admin,
            &[("UniqueName", "room"), ("Type", "private")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for who in ["alice", "bob"] {
        let r = t
            .post(
                &format!("/v2/Services/{svc}/Channels/room/Members"),
                Auth::Admin,
                &[("Identity", who)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    World {
        alice: t.token(&svc, "alice"),
        bob: t.token(&svc, "bob"),
        carol: t.token(&svc, "carol"),
        t,
        svc,
    }
}

impl World {
    async fn upload(
        &self,
        token: &str,
        bytes: &[u8],
        ctype: &str,
        filename: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut url = self.t.url(&format!("/v1/Services/{}/Media", self.svc));
        if let Some(f) = filename {
            url.push_str(&format!(
                "?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("Filename", f)
                    .finish()
            ));
        }
        json(
            self.t
                .http
                .post(url)
                .header("X-Twilio-Token", token)
                .header("Content-Type", ctype)
                .body(bytes.to_vec())
                .send()
                .await
                .expect("upload"),
        )
        .await
    }

    async fn get(&self, url: &str, token: Option<&str>, range: Option<&str>) -> reqwest::Response {
        let mut req = self.t.http.get(url);
        if let Some(t) = token {
            req = req.header("X-Twilio-Token", t);
        }
        if let Some(r) = range {
            req = req.header("Range", r);
        }
        req.send().await.expect("get")
    }

    /// The Media resource `sid`, fetched with `auth`.
    async fn resource(&self, sid: &str, auth: Auth<'_>) -> common::Reply {
        self.t.get(&self.resource_path(sid), auth).await
    }

    fn resource_path(&self, sid: &str) -> String {
        format!("/v1/Services/{}/Media/{sid}", self.svc)
    }

    /// Runs the media sweep with `retention` seconds; the SIDs it removed.
    async fn prune(&self, retention: i64) -> Vec<String> {
        self.t
            .server
            .app
            .db
            .write(move |c| parley_server::media::prune(c, retention))
            .await
            .expect("prune")
    }

    /// The Content-Disposition a file of this type is served with.
    async fn disposition_of(&self, bytes: &[u8], ctype: &str) -> String {
        let (_, m) = self.upload(&self.alice, bytes, ctype, Some("f")).await;
        let link = m["links"]["content"].as_str().expect("link");
        let r = self.get(link, Some(&self.alice), None).await;
        r.headers()["content-disposition"]
            .to_str()
            .unwrap_or("")
            .to_owned()
    }

    async fn send(&self, token: &str, form: &[(&str, &str)]) -> common::Reply {
        self.t
            .post(
                &format!("/v2/Services/{}/Channels/room/Messages", self.svc),
                Auth::Token(token),
                form,
            )
            .await
    }
}

#[tokio::test]
async fn range_requests_return_the_asked_bytes() {
    let w = world().await;
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let (status, m) = w.upload(&w.alice, &data, "image/png", Some("a.png")).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let content = m["links"]["content"].as_str().expect("link");

    let r = w.get(content, Some(&w.alice), Some("bytes=10-19")).await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.headers()["content-range"], "bytes 10-19/1000");
    assert_eq!(
        r.bytes().await.expect("body").to_vec(),
        data[10..20].to_vec()
    );

    let r = w.get(content, Some(&w.alice), Some("bytes=-5")).await;
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        r.bytes().await.expect("body").to_vec(),
        data[995..].to_vec()
    );

    let r = w.get(content, Some(&w.alice), Some("bytes=990-")).await;
    assert_eq!(r.headers()["content-length"], "10");

    let r = w.get(content, Some(&w.alice), Some("bytes=1000-")).await;
    assert_eq!(r.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(r.headers()["content-range"], "bytes */1000");

    let r = w.get(content, Some(&w.alice), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.expect("body").to_vec(), data);
}

#[tokio::test]
async fn a_temporary_link_works_without_credentials_until_it_expires() {
    let w = world().await;
    let (_, m) = w
        .upload(&w.alice, b"hello", "text/plain", Some("hi.txt"))
        .await;
    let sid = m["sid"].as_str().expect("sid");
    let fetched = w.resource(sid, Auth::Token(&w.alice)).await;
    assert_eq!(fetched.status, StatusCode::OK);
    let link = fetched.body["links"]["content_direct_temporary"]
        .as_str()
        .expect("link")
        .to_owned();
    let again = w.resource(sid, Auth::Token(&w.alice)).await;
    assert_ne!(
        again.body["links"]["content_direct_temporary"].as_str(),
        Some(link.as_str()),
        "each fetch gives a new link"
    );

    let r = w.get(&link, None, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("body").as_ref(), b"hello");

    let tampered = link.replace(&sid[2..6], "0000");
    assert_eq!(
        w.get(&tampered, None, None).await.status(),
        StatusCode::FORBIDDEN
    );
    let later = link.replace("Expires=", "Expires=9");
    assert_eq!(
        w.get(&later, None, None).await.status(),
        StatusCode::FORBIDDEN,
        "the expiry is signed"
    );

    // Past the link's two-second life on the server's clock.
    w.t.server.app.clock.advance(3);
    let r = w.get(&link, None, None).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, err) = json(r).await;
    assert!(
        err["message"].as_str().unwrap_or("").contains("expired"),
        "{err}"
    );
    // Without a link, credentials are needed.
    let content = fetched.body["links"]["content"].as_str().expect("content");
    assert_eq!(
        w.get(content, None, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_the_uploader_and_then_the_channels_members_read_a_file() {
    let w = world().await;
    let (_, m) = w
        .upload(
            &w.alice,
            b"secret plans",
            "application/pdf",
            Some("plans.pdf"),
        )
        .await;
    let sid = m["sid"].as_str().expect("sid").to_owned();
    let resource = w.resource_path(&sid);
    let content = m["links"]["content"].as_str().expect("content").to_owned();

    // Before it is sent, only alice sees it.
    assert_eq!(
        w.t.get(&resource, Auth::Token(&w.alice)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        w.t.get(&resource, Auth::Token(&w.bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.get(&content, Some(&w.bob), None).await.status(),
        StatusCode::NOT_FOUND
    );
    // Bob cannot send alice's upload either.
    let r = w.send(&w.bob, &[("MediaSid", &sid)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 50507));

    let r = w.send(&w.alice, &[("MediaSid", &sid)]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    // Now the channel's members read it; to carol, outside the private
    // channel, it does not exist (as the channel does not).
    let r = w.get(&content, Some(&w.bob), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.expect("body").as_ref(), b"secret plans");
    let r = w.t.get(&resource, Auth::Token(&w.carol)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 50507));
    assert_eq!(
        w.get(&content, Some(&w.carol), None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(w.t.get(&resource, Auth::Admin).await.status, StatusCode::OK);
}

#[tokio::test]
async fn untrusted_names_and_types_are_neutralised() {
    let w = world().await;
    let (status, m) = w
        .upload(
            &w.alice,
            b"<script>alert(1)</script>",
            "text/html",
            Some("../../../etc/passwd"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(m["filename"], "passwd");
    let sid = m["sid"].as_str().expect("sid");
    assert!(
        w.t.dir.path().join("media").join(sid).is_file(),
        "stored under its SID"
    );
    assert!(!w.t.dir.path().join("etc").exists());
    let r = w
        .get(
            m["links"]["content"].as_str().expect("link"),
            Some(&w.alice),
            None,
        )
        .await;
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"passwd\"; filename*=UTF-8''passwd"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    let svg = w
        .disposition_of(b"<svg onload=alert(1)>", "image/svg+xml")
        .await;
    assert!(svg.starts_with("attachment"), "{svg}");
    let png = w.disposition_of(b"\x89PNG", "image/png").await;
    assert!(png.starts_with("inline"), "{png}");

    let (status, err) = w.upload(&w.alice, b"x", "not a type", None).await;
    assert_eq!(
        (status, err["code"].as_u64()),
        (StatusCode::BAD_REQUEST, Some(50511))
    );
    let r =
        w.t.http
            .post(w.t.url(&format!("/v1/Services/{}/Media", w.svc)))
            .body("x")
            .send()
            .await
            .expect("sent");
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "uploads need credentials"
    );
}

#[tokio::test]
async fn media_messages_and_their_errors() {
    let w = world().await;
    let (_, m) = w
        .upload(&w.alice, b"\x89PNG....", "image/png", Some("cat.png"))
        .await;
    let sid = m["sid"].as_str().expect("sid").to_owned();

    let r = w.send(&w.alice, &[("MediaSid", "")]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 50506));
    let r = w
        .send(
            &w.alice,
            &[("MediaSid", "ME00000000000000000000000000000000")],
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 50507));

    // No text: the service's compatibility message is the body.
    let r =
        w.t.post(
            &format!("/v2/Services/{}", w.svc),
            Auth::Admin,
            &[("Media.CompatibilityMessage", "(a picture)")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = w.send(&w.alice, &[("MediaSid", &sid)]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["type"], "media");
    assert_eq!(r.body["body"], "(a picture)");
    assert_eq!(r.body["media"]["sid"], sid.as_str());
    assert_eq!(r.body["media"]["size"], 8);
    assert_eq!(r.body["media"]["content_type"], "image/png");
    assert_eq!(r.body["media"]["filename"], "cat.png");
    let message = r.body["sid"].as_str().expect("message").to_owned();
    let fetched = w.resource(&sid, Auth::Token(&w.alice)).await;
    assert_eq!(fetched.body["message_sid"], message.as_str());
    assert!(fetched.body["channel_sid"]
        .as_str()
        .is_some_and(|c| c.starts_with("CH")));

    let r = w.send(&w.alice, &[("MediaSid", &sid)]).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, 50508));

    // The body and attributes stay editable.
    let path = format!("/v2/Services/{}/Channels/room/Messages/{message}", w.svc);
    let r =
        w.t.post(&path, Auth::Token(&w.alice), &[("Body", "my cat")])
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        (r.body["body"].as_str(), r.body["media"]["sid"].as_str()),
        (Some("my cat"), Some(sid.as_str()))
    );

    // Deleting the message deletes the file.
    assert!(w.t.dir.path().join("media").join(&sid).is_file());
    let r = w.t.delete(&path, Auth::Token(&w.alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        !w.t.dir.path().join("media").join(&sid).exists(),
        "the file is gone"
    );
    let r = w.resource(&sid, Auth::Token(&w.alice)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 50507));
}

#[tokio::test]
async fn send_media_message_is_enforced() {
    let w = world().await;
    // A channel role that may send text but not media.
    let r =
        w.t.post(
            &format!("/v2/Services/{}/Roles", w.svc),
            Auth::Admin,
            &[
                ("FriendlyName", "texter"),
                ("Type", "channel"),
                ("Permission", "sendMessage"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let role = r.body["sid"].as_str().expect("role");
    let r =
        w.t.post(
            &format!("/v2/Services/{}/Channels/room/Members/bob", w.svc),
            Auth::Admin,
            &[("RoleSid", role)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (_, m) = w.upload(&w.bob, b"data", "image/png", None).await;
    let sid = m["sid"].as_str().expect("sid");
    let r = w.send(&w.bob, &[("MediaSid", sid)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{:?}", r.body);
    let r = w.send(&w.bob, &[("Body", "text is fine")]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = w.send(&w.alice, &[("Body", "alice may")]).await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn unsent_uploads_can_be_deleted_by_their_uploader() {
    let w = world().await;
    let (_, m) = w.upload(&w.alice, b"oops", "text/plain", None).await;
    let sid = m["sid"].as_str().expect("sid");
    let path = w.resource_path(sid);
    assert_eq!(
        w.t.delete(&path, Auth::Token(&w.bob)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.t.delete(&path, Auth::Token(&w.alice)).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(!w.t.dir.path().join("media").join(sid).exists());
}

#[tokio::test]
async fn uploads_no_message_takes_are_pruned_and_sent_ones_kept() {
    let w = world().await;
    let (_, unsent) = w.upload(&w.alice, b"forgotten", "text/plain", None).await;
    let (_, sent) = w.upload(&w.alice, b"kept", "image/png", None).await;
    let unsent = unsent["sid"].as_str().expect("sid").to_owned();
    let sent = sent["sid"].as_str().expect("sid").to_owned();
    let r = w.send(&w.alice, &[("MediaSid", &sent)]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    // A retention of zero seconds: every upload without a message is due.
    let gone = w.prune(-1).await;
    assert_eq!(gone, vec![unsent.clone()]);
    let r = w.resource(&unsent, Auth::Token(&w.alice)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, 50507));
    let r = w.resource(&sent, Auth::Token(&w.bob)).await;
    assert_eq!(r.status, StatusCode::OK, "the sent file stays");
    // Deleting the channel leaves its files to the next sweep.
    let r =
        w.t.delete(
            &format!("/v2/Services/{}/Channels/room", w.svc),
            Auth::Admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let gone = w.prune(3600).await;
    assert_eq!(gone, vec![sent]);
}
