//! Signing in and out, the session kept or not, offline start, unreachable
//! and foreign servers, the window's place and a second start.

use super::*;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn sign_in_read_send_receive_and_sign_out_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    w.bob_says("general", "welcome, alice").await;
    w.post(
        &format!("/v2/Services/{svc}/Channels/general/Messages"),
        &[
            ("Body", "<img src=x onerror=alert(1)><b>bold?</b>"),
            ("From", "bob"),
        ],
    )
    .await;

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "sign_in_read_send").await;

    // Sign in: a wrong password first, then the right one.
    assert_eq!(d.text("#signin h1").await, "Parley");
    // The window is on screen: it stays hidden only until its page has
    // loaded, well before the app's fallback deadline would show it.
    let mut visible = Value::Null;
    for _ in 0..25 {
        visible = d
            .script("return document.visibilityState;", json!([]))
            .await;
        if visible == "visible" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        visible, "visible",
        "the window is not shown once its page is there"
    );
    d.type_into("#username", "alice").await;
    d.type_into("#password", "wrong").await;
    d.click("#signin-button").await;
    let err = d
        .until_text("#signin-error", "an error", |t| !t.is_empty())
        .await;
    assert!(
        err.to_lowercase().contains("invalid username or password"),
        "{err}"
    );
    d.screenshot("01-wrong-password").await;
    d.click("#password").await;
    d.replace_text("#password", PASSWORD).await;
    d.click("#signin-button").await;

    // The channel list and history arrive.
    d.until_text("#channels", "the channel", |t| t.contains("general"))
        .await;
    let msgs = d
        .until_text("#messages", "history", |t| t.contains("welcome, alice"))
        .await;
    assert!(
        msgs.contains("<img src=x onerror=alert(1)><b>bold?</b>"),
        "HTML shows as text: {msgs}"
    );
    assert_eq!(
        d.count("#messages img").await,
        0,
        "no element was created from message text"
    );
    assert_eq!(d.count("#messages b").await, 0);
    d.screenshot("02-signed-in").await;

    // Send from the window; the server has it.
    d.type_into("#composer", "hello from the window\u{E007}")
        .await;
    d.until_text("#messages", "own message", |t| {
        t.contains("hello from the window")
    })
    .await;
    assert_eq!(
        w.count_on_server("hello from the window").await,
        1,
        "the server received the message sent in the window, once"
    );

    // A message from bob arrives live.
    w.bob_says("general", "live from bob").await;
    d.until_text("#messages", "live message", |t| t.contains("live from bob"))
        .await;
    d.screenshot("03-conversation").await;

    // Sign out clears the keyring entry.
    let account = format!("{}|alice", w.server.url());
    assert!(
        secret_tool_lookup(&keyring, &account).is_some(),
        "signed in: the refresh token is in the keyring"
    );
    d.click("#signout").await;
    d.until_text("#signin h1", "the sign-in screen", |t| t == "Parley")
        .await;
    let mut cleared = false;
    for _ in 0..50 {
        if secret_tool_lookup(&keyring, &account).is_none() {
            cleared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(cleared, "signing out deleted the keyring entry");
    d.screenshot("04-signed-out").await;
    d.quit().await;
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn with_the_server_down_the_app_opens_on_cached_history_and_sends_once_it_returns() {
    let w = World::start().await;
    w.general().await;
    w.bob_says("general", "history worth keeping").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-offline-{}", std::process::id());
    let url = w.server.url();
    {
        let d = Driver::start(data.path(), &url, &keyring, "offline").await;
        d.type_into("#username", "alice").await;
        d.type_into("#password", PASSWORD).await;
        d.click("#signin-button").await;
        d.until_text("#messages", "history", |t| {
            t.contains("history worth keeping")
        })
        .await;
        d.quit().await;
    }
    // The server goes down; the app starts again on its cache.
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let data_path = data.path().to_owned();
    let (keyring2, url2) = (keyring.clone(), url.clone());
    let offline = tokio::spawn(async move {
        let d = Driver::start(&data_path, &url2, &keyring2, "offline").await;
        let history = d
            .until_text("#messages", "cached history", |t| {
                t.contains("history worth keeping")
            })
            .await;
        assert!(
            history.contains("history worth keeping"),
            "cached history with no server"
        );
        d.screenshot("01-offline-cached-history").await;
        d.type_into("#composer", "written while offline\u{E007}")
            .await;
        d.until_text("#messages", "pending message", |t| {
            t.contains("written while offline")
        })
        .await;
        d.screenshot("02-offline-pending").await;
        let _ = tx.send(());
        d
    });
    let w = w
        .restart(async move {
            let _ = rx.await;
        })
        .await;
    let d = offline.await.expect("offline session");
    let delivered = w.count_on_server("written while offline").await;
    assert_eq!(
        delivered, 1,
        "the offline message reached the server exactly once"
    );
    d.until_text("#status", "online again", |t| t.trim() == "Online")
        .await;
    d.screenshot("03-back-online").await;
    d.quit().await;
}

/// A web server that is not Parley: every request gets a small HTML page.
fn not_parley() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let page = "<!doctype html><title>Router</title><p>Welcome to your router</p>";
            let _ = std::io::Write::write_all(
                &mut stream,
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )
                .as_bytes(),
            );
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn sign_in_explains_unreachable_and_foreign_servers_and_forgets_a_session_not_kept() {
    let w = World::start().await;
    w.general().await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-signin-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "sign_in_errors").await;
    d.until_text("#signin h1", "the sign-in screen", |t| t == "Parley")
        .await;
    d.type_into("#username", "alice").await;
    d.type_into("#password", PASSWORD).await;
    let try_server = |address: String| {
        let d = &d;
        async move {
            d.replace_text("#server", &address).await;
            d.script(
                "document.getElementById('signin-error').textContent = '';",
                json!([]),
            )
            .await;
            d.click("#signin-button").await;
            d.until_text("#signin-error", "an error", |t| !t.is_empty())
                .await
        }
    };

    // Nothing listens there.
    let err = try_server("http://127.0.0.1:9".into()).await;
    assert!(
        err.to_lowercase().contains("can't reach the server"),
        "{err}"
    );
    d.screenshot("01-unreachable").await;
    // Something answers, but it is not Parley.
    let err = try_server(not_parley()).await;
    assert!(
        err.to_lowercase()
            .contains("does not look like a parley server"),
        "{err}"
    );
    d.screenshot("02-not-parley").await;
    // Not a URL at all: the form itself says so, and nothing is sent.
    d.replace_text("#server", "parley server please").await;
    d.click("#signin-button").await;
    let validity = d
        .script(
            "const e = document.getElementById('server'); return [e.validity.valid, e.validationMessage];",
            json!([]),
        )
        .await;
    assert_eq!(validity[0], false, "{validity}");
    assert!(
        validity[1].as_str().is_some_and(|m| !m.is_empty()),
        "a message for the field: {validity}"
    );
    d.screenshot("03-not-a-url").await;

    // The right server, without "keep me signed in": nothing in the keyring,
    // and the next start asks again.
    d.replace_text("#server", &url).await;
    d.click("#remember").await;
    assert_eq!(
        d.script(
            "return document.getElementById('remember').checked;",
            json!([])
        )
        .await,
        false
    );
    d.click("#signin-button").await;
    d.until_text("#channels", "signed in", |t| t.contains("general"))
        .await;
    assert!(
        secret_tool_lookup(&keyring, &format!("{url}|alice")).is_none(),
        "a session not kept leaves nothing in the keyring"
    );
    d.quit().await;
    let d = Driver::start(data.path(), &url, &keyring, "sign_in_errors").await;
    d.until_text("#signin h1", "the sign-in screen again", |t| t == "Parley")
        .await;
    d.screenshot("04-asked-again").await;
    d.quit().await;
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn the_window_keeps_its_size_and_place_and_a_second_start_wakes_the_first() {
    let w = World::start().await;
    w.general().await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-window-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "window_state").await;
    d.sign_in("alice").await;
    d.cmd(
        reqwest::Method::POST,
        "/window/rect",
        json!({"x": 60, "y": 40, "width": 900, "height": 640}),
    )
    .await;
    let rect = |v: &Value| {
        (
            v["x"].as_i64().unwrap_or(-1),
            v["y"].as_i64().unwrap_or(-1),
            v["width"].as_i64().unwrap_or(-1),
            v["height"].as_i64().unwrap_or(-1),
        )
    };
    let set = eventually!(
        rect(&d.cmd(reqwest::Method::GET, "/window/rect", json!({})).await),
        |r| r.2 == 900 && r.3 == 640
    );
    assert_eq!((set.2, set.3), (900, 640), "the window was resized");
    // Written once the window has settled: ending the WebDriver session
    // kills the app, like a crash or a power cut, with no normal exit.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // A second start of the same profile does not open another window: it
    // wakes the first and exits.
    let mut child = Command::new(env!("CARGO_BIN_EXE_parley"))
        .args([std::ffi::OsStr::new("--data-dir"), data.path().as_os_str()])
        .env("PARLEY_KEYRING_SERVICE", &keyring)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("second start");
    let mut exited = None;
    for _ in 0..300 {
        if let Ok(Some(status)) = child.try_wait() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if exited.is_none() {
        let _ = child.kill();
    }
    let second = child.wait_with_output().expect("its output");
    assert!(exited.is_some(), "the second start exits by itself");
    assert!(second.status.success(), "{second:?}");
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already running"),
        "{second:?}"
    );
    assert!(
        d.text("#channels").await.contains("general"),
        "the first window carries on"
    );
    d.quit().await;

    // The next start opens at the same size and place.
    let d = Driver::start(data.path(), &url, &keyring, "window_state").await;
    d.until_text("#channels", "the cached channels", |t| {
        t.contains("general")
    })
    .await;
    let again = rect(&d.cmd(reqwest::Method::GET, "/window/rect", json!({})).await);
    assert_eq!((again.2, again.3), (900, 640), "size remembered: {again:?}");
    assert_eq!(
        (again.0, again.1),
        (set.0, set.1),
        "place remembered: {again:?}"
    );
    d.quit().await;
}

/// A session bus with no Secret Service on it, and none it could start (no
/// service directories): what a plain X session or some tiling desktops
/// give the app.
struct BusWithoutSecrets {
    daemon: std::process::Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl BusWithoutSecrets {
    fn start() -> BusWithoutSecrets {
        let dir = tempfile::tempdir().expect("dir");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .expect("bus config");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon");
        let mut line = String::new();
        let out = daemon.stdout.take().expect("stdout");
        std::io::BufRead::read_line(&mut std::io::BufReader::new(out), &mut line)
            .expect("the bus prints its address");
        BusWithoutSecrets {
            daemon,
            address: line.trim().to_owned(),
            _dir: dir,
        }
    }
}

impl Drop for BusWithoutSecrets {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn without_a_secret_service_sign_in_works_says_so_once_and_the_next_start_asks_for_the_password(
) {
    let w = World::start().await;
    w.general().await;
    w.bob_says("general", "hello without a keyring").await;
    let bus = BusWithoutSecrets::start();
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-nokeyring-{}", std::process::id());
    let url = w.server.url();
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
    {
        let d = Driver::start_with(data.path(), &url, &keyring, "no_secret_service", &env).await;
        d.type_into("#username", "alice").await;
        d.type_into("#password", PASSWORD).await;
        assert_eq!(
            d.script(
                "return document.getElementById('remember').checked;",
                json!([])
            )
            .await,
            true,
            "Keep me signed in is asked for"
        );
        d.click("#signin-button").await;
        // Signed in, not a dead end: the history is there.
        d.until_text("#messages", "history", |t| {
            t.contains("hello without a keyring")
        })
        .await;
        let notice = d
            .until_text("#notice-text", "the notice", |t| !t.is_empty())
            .await;
        assert!(notice.contains("can't keep you signed in"), "{notice}");
        assert!(notice.contains("ask for your password"), "{notice}");
        assert!(
            d.text("#signin-error").await.is_empty(),
            "no error on the way in"
        );
        d.screenshot("01-signed-in-not-kept").await;
        d.click("#notice-close").await;
        assert_eq!(
            d.script(
                "return document.getElementById('notice').hidden;",
                json!([])
            )
            .await,
            true,
            "the notice goes once dismissed"
        );
        // The session works: a message goes out.
        d.type_into("#composer", "sent without a keyring\u{E007}")
            .await;
        d.until_text("#messages", "own message", |t| {
            t.contains("sent without a keyring")
        })
        .await;
        d.quit().await;
    }
    assert_eq!(w.count_on_server("sent without a keyring").await, 1);
    // The next start asks for the password (the sign-in screen, with the
    // server filled in), instead of hanging on a session it cannot read.
    let d = Driver::start_with(data.path(), &url, &keyring, "no_secret_service", &env).await;
    // The splash gives way to the sign-in screen (the h1's text is there
    // while its screen is still hidden: wait for the screen itself).
    d.until_script(
        "return !document.getElementById('signin').hidden && document.getElementById('main').hidden;",
        "the sign-in screen, not the conversation",
        |v| v == &json!(true),
    )
    .await;
    d.screenshot("02-next-start-asks-for-the-password").await;

    d.quit().await;
}
