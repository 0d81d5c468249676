//! End to end in the real window: the built `parley` binary driven through
//! tauri-driver and WebKitWebDriver, against a real parley-server. `make test`
//! runs these with `--ignored` under Xvfb inside a D-Bus session with an
//! unlocked gnome-keyring; each saves screenshots under `test-output/`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Evaluates `$value` (it may `.await`) every 100 ms until `$done` holds for
/// it, for at most 10 s, and gives the last value, for the test to assert.
macro_rules! eventually {
    ($value:expr, |$v:ident| $done:expr) => {{
        let mut $v = $value;
        for _ in 0..100 {
            if $done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            $v = $value;
        }
        $v
    }};
}
const PASSWORD: &str = "correct horse battery";

#[path = "../../crates/client/tests/support/notification_server.rs"]
mod notification_server;
#[path = "support/webdriver.rs"]
mod webdriver;

use notification_server::NotificationServer;
use webdriver::WebDriver;

/// The app in one WebDriver session, and where its screenshots go.
struct Driver {
    wd: WebDriver,
    session: String,
    shots: PathBuf,
}

impl Driver {
    async fn start(
        data_dir: &std::path::Path,
        server_url: &str,
        keyring: &str,
        test: &str,
    ) -> Driver {
        Driver::start_with(data_dir, server_url, keyring, test, &[]).await
    }

    /// [`Driver::start`] with more environment for the app.
    async fn start_with(
        data_dir: &std::path::Path,
        server_url: &str,
        keyring: &str,
        test: &str,
        extra: &[(&str, &str)],
    ) -> Driver {
        let mut env = vec![
            ("PARLEY_SERVER_URL", server_url),
            ("PARLEY_KEYRING_SERVICE", keyring),
            ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
            ("NO_AT_BRIDGE", "1"),
        ];
        env.extend_from_slice(extra);
        let wd = WebDriver::start(&env).await;
        let app = PathBuf::from(env!("CARGO_BIN_EXE_parley"));
        let session = wd.session(&app, data_dir).await;
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../test-output")
            .join(test);
        std::fs::create_dir_all(&shots).expect("test-output");
        Driver { wd, session, shots }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        self.wd.cmd(&self.session, method, path, body).await
    }

    /// Waits for an element matching `css`.
    async fn find(&self, css: &str) -> String {
        for _ in 0..100 {
            let v = self
                .cmd(
                    reqwest::Method::POST,
                    "/element",
                    json!({"using": "css selector", "value": css}),
                )
                .await;
            if let Some(id) = v[ELEMENT].as_str() {
                return id.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css}");
    }

    async fn count(&self, css: &str) -> usize {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/elements",
                json!({"using": "css selector", "value": css}),
            )
            .await;
        v.as_array().map(Vec::len).unwrap_or(0)
    }

    /// Runs a script in the page and returns its result.
    async fn script(&self, js: &str, args: Value) -> Value {
        self.wd.script(&self.session, js, args).await
    }

    /// The text a user sees in the first element matching `css` ("" if none).
    async fn text(&self, css: &str) -> String {
        self.script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            json!([css]),
        )
        .await
        .as_str()
        .unwrap_or("")
        .to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({"text": text}),
        )
        .await;
    }

    /// Replaces the text of the input matching `css` with `text`.
    async fn replace_text(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            json!({}),
        )
        .await;
        self.type_into(css, text).await;
    }

    /// Moves the mouse over the first element matching `css`.
    async fn hover(&self, css: &str) {
        let id = self.find(css).await;
        self.cmd(
            reqwest::Method::POST,
            "/actions",
            json!({"actions": [{
                "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                "actions": [{"type": "pointerMove", "duration": 0, "x": 0, "y": 0,
                             "origin": {ELEMENT: id}}]
            }]}),
        )
        .await;
    }

    /// Clicks the first element matching `css`, finding it again if the
    /// page replaced it in between (the sidebar redraws on every change).
    async fn click(&self, css: &str) {
        let mut last = Value::Null;
        for _ in 0..20 {
            let id = self.find(css).await;
            last = self
                .cmd(
                    reqwest::Method::POST,
                    &format!("/element/{id}/click"),
                    json!({}),
                )
                .await;
            if last.get("error").is_none() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not click {css}: {last}");
    }

    /// Switches channel the keyboard way: Ctrl+K, its name, Enter.
    async fn switch_to(&self, name: &str) {
        self.type_into("#composer", "\u{E009}k\u{E000}").await;
        self.type_into("#switcher-input", &format!("{name}\u{E007}"))
            .await;
        self.until_text("#channel-title", name, |t| t.contains(name))
            .await;
    }

    /// Signs in on the sign-in screen and waits for the channel list.
    async fn sign_in(&self, who: &str) {
        self.until_text("#signin h1", "the sign-in screen", |t| t == "Parley")
            .await;
        self.type_into("#username", who).await;
        self.type_into("#password", PASSWORD).await;
        self.click("#signin-button").await;
        self.until_text("#channels", "the channel list", |t| !t.trim().is_empty())
            .await;
    }

    /// Waits until a script's result satisfies `ok`; returns it.
    async fn until_script(&self, js: &str, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..200 {
            let v = self.script(js, json!([])).await;
            if ok(&v) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.screenshot("timeout").await;
        panic!(
            "timed out waiting for {what}: {:?}",
            self.script(js, json!([])).await
        );
    }

    /// Waits until the text of `css` satisfies `ok`.
    async fn until_text(&self, css: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        for _ in 0..150 {
            let t = self.text(css).await;
            if ok(&t) {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.screenshot("timeout").await;
        panic!(
            "timed out waiting for {what} in {css}: {:?}",
            self.text(css).await
        );
    }

    /// Saves what a person would see: the X display (WebKitWebDriver's own
    /// screenshot stalls under Xvfb).
    async fn screenshot(&self, name: &str) {
        let path = self.shots.join(format!("{name}.png"));
        let ok = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        assert!(ok, "screenshot {name} saved");
    }

    async fn quit(&self) {
        self.wd.end(&self.session).await;
    }
}

struct World {
    server: parley_server::RunningServer,
    dir: tempfile::TempDir,
    service: String,
}

impl World {
    async fn start() -> World {
        let dir = tempfile::tempdir().expect("dir");
        let opts = parley_server::ServeOptions::new(
            dir.path().to_owned(),
            "127.0.0.1:0".parse().expect("addr"),
        );
        let server = parley_server::start(opts).await.expect("server");
        let app = server.app.clone();
        let phc = parley_server::auth::password::hash(PASSWORD).expect("hash");
        let service = app
            .db
            .write(move |c| {
                let s = parley_server::api::services::create_service(c, "E2E")?;
                for who in ["alice", "bob"] {
                    parley_server::api::users::set_password(c, &s, who, &phc)?;
                }
                Ok::<_, parley_server::error::ApiError>(s.sid)
            })
            .await
            .expect("service");
        World {
            server,
            dir,
            service,
        }
    }

    /// Stops the server, waits for `down`, and starts it again on the same
    /// address with the same data.
    async fn restart(self, down: impl std::future::Future<Output = ()>) -> World {
        let World {
            server,
            dir,
            service,
        } = self;
        let addr = server.addr;
        server.stop().await;
        down.await;
        let opts = parley_server::ServeOptions::new(dir.path().to_owned(), addr);
        let server = parley_server::start(opts).await.expect("server restarts");
        World {
            server,
            dir,
            service,
        }
    }

    /// Channel "general" with alice and bob as members.
    async fn general(&self) {
        let svc = &self.service;
        let path = format!("/v2/Services/{svc}/Channels");
        self.post(
            &path,
            &[("UniqueName", "general"), ("FriendlyName", "general")],
        )
        .await;
        for who in ["alice", "bob"] {
            self.post(&format!("{path}/general/Members"), &[("Identity", who)])
                .await;
        }
    }

    /// A channel with alice and bob as members; returns its SID.
    async fn channel(&self, name: &str) -> String {
        let path = format!("/v2/Services/{}/Channels", self.service);
        let ch = self
            .post(&path, &[("UniqueName", name), ("FriendlyName", name)])
            .await;
        for who in ["alice", "bob"] {
            self.post(&format!("{path}/{name}/Members"), &[("Identity", who)])
                .await;
        }
        ch["sid"].as_str().expect("channel").to_owned()
    }

    /// Posts `body` to `channel` as bob.
    async fn bob_says(&self, channel: &str, body: &str) {
        let path = format!("/v2/Services/{}/Channels/{channel}/Messages", self.service);
        self.post(&path, &[("Body", body), ("From", "bob")]).await;
    }

    /// Messages of `channel` as JSON (newest page).
    async fn messages(&self, channel: &str) -> Vec<Value> {
        let path = format!(
            "/v2/Services/{}/Channels/{channel}/Messages?PageSize=100",
            self.service
        );
        let page = self.get(&path).await;
        page["messages"].as_array().cloned().unwrap_or_default()
    }

    /// `GET path` as the account (JSON; null if there is none).
    async fn get(&self, path: &str) -> Value {
        let app = &self.server.app;
        reqwest::Client::new()
            .get(format!("{}{path}", self.server.url()))
            .basic_auth(&app.account_sid, Some(&app.auth_token))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .unwrap_or_default()
    }

    /// How many messages of "general" on the server contain `text`, once
    /// there is at least one (or after 15 s).
    async fn count_on_server(&self, text: &str) -> usize {
        let url = format!(
            "{}/v2/Services/{}/Channels/general/Messages",
            self.server.url(),
            self.service
        );
        for _ in 0..75 {
            let list = reqwest::Client::new()
                .get(&url)
                .basic_auth(
                    &self.server.app.account_sid,
                    Some(&self.server.app.auth_token),
                )
                .send()
                .await
                .expect("sent")
                .text()
                .await
                .unwrap_or_default();
            let n = list.matches(text).count();
            if n > 0 {
                return n;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        0
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let app = &self.server.app;
        reqwest::Client::new()
            .post(format!("{}{path}", self.server.url()))
            .basic_auth(&app.account_sid, Some(&app.auth_token))
            .form(form)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .unwrap_or_default()
    }
}

fn secret_tool_lookup(service: &str, account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

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

/// The number in the newest "message N" text of the timeline, and how many
/// rows the page holds.
const TIMELINE_STATE: &str = "const rows = document.querySelectorAll('#messages .message'); \
    const texts = Array.from(rows, r => r.innerText); \
    return { rows: rows.length, first: texts.length ? texts[0] : '', all: texts.join('\\n') };";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn unread_badges_scrolling_back_through_500_messages_and_search_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    let random = w.channel("random").await;
    for i in 0..500 {
        w.post(
            &format!("/v2/Services/{svc}/Channels/general/Messages"),
            &[("Body", &format!("message {i}")), ("From", "bob")],
        )
        .await;
    }
    w.post(
        &format!("/v2/Services/{svc}/Channels/random/Messages"),
        &[("Body", "old news"), ("From", "bob")],
    )
    .await;

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-scroll-{}", std::process::id());
    let d = Driver::start(
        data.path(),
        &w.server.url(),
        &keyring,
        "scroll_badges_search",
    )
    .await;
    d.sign_in("alice").await;
    // Open general (the newest channel may be random).
    let general_row = "#channels .channel:not([data-sid='RANDOM'])".replace("RANDOM", &random);
    d.click(&general_row).await;
    d.until_text("#messages", "the newest messages", |t| {
        t.contains("message 499")
    })
    .await;

    // Scroll back to the very first message; the page never holds more than
    // a window of rows.
    let mut max_rows = 0;
    let mut reached = false;
    for _ in 0..120 {
        d.script(
            "document.getElementById('messages').scrollTop = 0;",
            json!([]),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let state = d.script(TIMELINE_STATE, json!([])).await;
        max_rows = max_rows.max(state["rows"].as_u64().unwrap_or(0));
        if state["first"]
            .as_str()
            .unwrap_or("")
            .contains("message 0\n")
            || state["first"].as_str().unwrap_or("").ends_with("message 0")
        {
            reached = true;
            break;
        }
    }
    d.screenshot("01-scrolled-to-the-first-message").await;
    assert!(reached, "scrolling up reached message 0");
    assert!(
        max_rows <= 300,
        "the timeline is windowed: {max_rows} rows at most"
    );
    let state = d.script(TIMELINE_STATE, json!([])).await;
    assert!(
        !state["all"].as_str().unwrap_or("").contains("message 499"),
        "the newest rows left the page while reading the oldest"
    );
    // Back to the newest.
    d.click("#latest").await;
    d.until_text("#messages", "the newest again", |t| {
        t.contains("message 499")
    })
    .await;

    // A message from bob in another channel: an unread badge.
    w.post(
        &format!("/v2/Services/{svc}/Channels/random/Messages"),
        &[("Body", "ping from bob"), ("From", "bob")],
    )
    .await;
    let badge_js = format!(
        "const b = document.querySelector(\"#channels .channel[data-sid='{random}'] .badge\"); return b ? b.innerText : '';"
    );
    d.until_script(&badge_js, "an unread badge on random", |v| {
        v.as_str().is_some_and(|s| !s.is_empty())
    })
    .await;
    d.screenshot("02-unread-badge").await;
    d.click(&format!("#channels .channel[data-sid='{random}']"))
        .await;
    d.until_text("#messages", "random's messages", |t| {
        t.contains("ping from bob")
    })
    .await;
    d.until_script(&badge_js, "the badge cleared after reading", |v| {
        v.as_str() == Some("")
    })
    .await;

    // Search all history (from the cache) and jump to a result in context.
    d.type_into("#search", "message 250\u{E007}").await;
    d.until_text("#panel", "search results", |t| t.contains("message 250"))
        .await;
    d.click("#panel .results li").await;
    d.until_script(
        "const e = document.querySelector('#messages .message.highlight'); return e ? e.innerText : '';",
        "the result in context",
        |v| v.as_str().is_some_and(|s| s.contains("message 250")),
    )
    .await;
    d.screenshot("03-search-result-in-context").await;
    d.quit().await;
}

/// Makes a noisy PNG picture in the page and pastes it into the composer,
/// recording the upload progress bar's largest value as it is shown.
const PASTE_PICTURE: &str = r#"
const done = arguments[arguments.length - 1];
window.__progress = 0;
window.__watch = setInterval(() => {
  for (const p of document.querySelectorAll('progress[data-transfer^="up:"]')) {
    if (!p.hidden && p.value > 0) window.__progress = Math.max(window.__progress, p.value / p.max);
  }
}, 5);
const c = document.createElement('canvas');
c.width = 1600; c.height = 1200;
const g = c.getContext('2d');
const img = g.createImageData(c.width, c.height);
for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 4 === 3) ? 255 : Math.floor(Math.random() * 256);
g.putImageData(img, 0, 0);
c.toBlob((blob) => {
  const file = new File([blob], 'noise.png', { type: 'image/png' });
  const dt = new DataTransfer();
  dt.items.add(file);
  const composer = document.getElementById('composer');
  composer.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  done(file.size);
}, 'image/png');
"#;

const PREVIEW_JS: &str = "const i = document.querySelector('#messages .media img.preview'); \
    return i && i.complete ? i.naturalWidth : 0;";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_pasted_picture_uploads_with_progress_and_shows_inline_in_a_second_window() {
    let w = World::start().await;
    w.general().await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-media-{}", std::process::id());
    let alice = Driver::start(data.path(), &w.server.url(), &keyring, "media_alice").await;
    alice.sign_in("alice").await;
    alice
        .until_text("#channel-title", "general open", |t| t.contains("general"))
        .await;

    let size = alice
        .cmd(
            reqwest::Method::POST,
            "/execute/async",
            json!({"script": PASTE_PICTURE, "args": []}),
        )
        .await
        .as_u64()
        .expect("a picture was pasted");
    assert!(
        size > 1_000_000,
        "a big enough picture to watch it upload: {size} bytes"
    );
    // The sender sees its own picture inline as soon as it is sent.
    alice
        .until_script(
            PREVIEW_JS,
            "the picture inline in the sender's window",
            |v| v.as_u64() == Some(1600),
        )
        .await;
    let progress = alice
        .script(
            "clearInterval(window.__watch); return window.__progress;",
            json!([]),
        )
        .await;
    assert!(
        progress.as_f64().is_some_and(|p| p > 0.0),
        "an upload progress bar was shown: {progress}"
    );
    alice.screenshot("01-sent-picture").await;
    let on_server = w.messages("general").await;
    assert_eq!(on_server.len(), 1, "sent once: {on_server:?}");
    assert_eq!(on_server[0]["type"], "media");
    assert_eq!(on_server[0]["media"]["content_type"], "image/png");
    assert_eq!(on_server[0]["media"]["size"].as_u64(), Some(size));

    // Bob, in a second app with his own profile, sees it inline.
    let bob_data = tempfile::tempdir().expect("data");
    let bob = Driver::start(
        bob_data.path(),
        &w.server.url(),
        &format!("{keyring}-bob"),
        "media_bob",
    )
    .await;
    bob.sign_in("bob").await;
    bob.until_script(
        PREVIEW_JS,
        "the picture inline in the receiver's window",
        |v| v.as_u64() == Some(1600),
    )
    .await;
    bob.screenshot("02-received-picture").await;
    bob.quit().await;
    alice.quit().await;
}

/// The text of the message bodies on the server for `channel`.
fn bodies(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m["body"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn create_a_channel_edit_and_delete_switch_with_ctrl_k_and_keep_a_draft_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    w.bob_says("general", "hi alice").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-keys-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "keyboard_and_drafts").await;
    d.sign_in("alice").await;
    d.until_text("#messages", "history", |t| t.contains("hi alice"))
        .await;

    // Create a public channel: it opens, and alice is its member on the server.
    d.click("#create").await;
    d.type_into("#create-name", "design review").await;
    d.type_into("#create-unique", "design").await;
    d.click("#create-submit").await;
    d.until_text("#channel-title", "the new channel open", |t| {
        t.contains("design review")
    })
    .await;
    let members = w
        .get(&format!("/v2/Services/{svc}/Channels/design/Members"))
        .await;
    assert!(
        members["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["identity"] == "alice")),
        "the creator is a member: {members}"
    );

    // Send, then arrow-up in the empty composer edits the last own message.
    d.type_into("#composer", "first plan\u{E007}").await;
    d.until_text("#messages", "own message", |t| t.contains("first plan"))
        .await;
    d.type_into("#composer", "\u{E013}").await;
    d.replace_text(".edit-box", "second plan\u{E007}").await;
    let edited = d
        .until_text("#messages", "the edit", |t| {
            t.contains("second plan") && t.contains("(edited)")
        })
        .await;
    assert!(!edited.contains("first plan"), "{edited}");
    let on_server = eventually!(bodies(&w.messages("design").await), |b| b
        == ["second plan"]);
    assert_eq!(on_server, ["second plan"], "the edit reached the server");
    d.screenshot("01-edited").await;

    // Delete asks first: Cancel keeps the message, Delete removes it (a
    // placeholder here, gone on the server).
    d.hover("#messages .message").await;
    d.click("#messages .message [title=Delete]").await;
    let question = d
        .until_text("#ask", "the question", |t| {
            t.contains("Delete this message")
        })
        .await;
    assert!(question.contains("Cancel"), "{question}");
    d.screenshot("02-delete-asks").await;
    d.click("#ask-cancel").await;
    d.until_script(
        "return document.getElementById('ask').open;",
        "the question closed",
        |v| v == false,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        bodies(&w.messages("design").await),
        ["second plan"],
        "Cancel deletes nothing"
    );
    assert!(d.text("#messages").await.contains("second plan"));
    d.hover("#messages .message").await;
    d.click("#messages .message [title=Delete]").await;
    d.until_text("#ask", "the question again", |t| {
        t.contains("Delete this message")
    })
    .await;
    d.click("#ask-ok").await;
    d.until_text("#messages", "the deleted placeholder", |t| {
        t.contains("This message was deleted")
    })
    .await;
    let on_server = eventually!(bodies(&w.messages("design").await), |b| b.is_empty());
    assert!(on_server.is_empty(), "deleted on the server: {on_server:?}");

    // Ctrl+K, a few letters and Enter switch channels.
    d.type_into("#composer", "\u{E009}k\u{E000}").await;
    d.until_script(
        "return document.getElementById('switcher').open;",
        "the channel switcher",
        |v| v == true,
    )
    .await;
    d.type_into("#switcher-input", "gen\u{E007}").await;
    d.until_text("#channel-title", "general open", |t| t.contains("general"))
        .await;

    // Esc closes a panel.
    d.click("#members-toggle").await;
    d.until_script(
        "return document.getElementById('panel').hidden;",
        "the members panel",
        |v| v == false,
    )
    .await;
    d.until_text("#panel", "members listed", |t| t.contains("bob"))
        .await;
    d.type_into("#composer", "\u{E00C}").await;
    d.until_script(
        "return document.getElementById('panel').hidden;",
        "the panel closed",
        |v| v == true,
    )
    .await;

    // A draft survives a restart, in its own channel only.
    d.type_into("#composer", "an unsent thought").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    d.quit().await;
    let d = Driver::start(data.path(), &url, &keyring, "keyboard_and_drafts").await;
    d.until_text("#channel-title", "the last channel", |t| {
        t.contains("general")
    })
    .await;
    d.until_script(
        "return document.getElementById('composer').value;",
        "the draft back",
        |v| v == "an unsent thought",
    )
    .await;
    d.screenshot("03-draft-after-restart").await;
    d.switch_to("design").await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        "",
        "the draft belongs to general only"
    );
    d.quit().await;
    assert!(
        !bodies(&w.messages("general").await)
            .iter()
            .any(|b| b.contains("an unsent thought")),
        "a draft is never sent"
    );
}

/// Bob's notifications go nowhere (he is a headless second client).
#[derive(Debug)]
struct Silent;

impl parley_client::notify::Notifier for Silent {
    fn show(&self, _: &parley_client::notify::Notification) -> parley_client::Result<()> {
        Ok(())
    }
}

/// Whether `identity` is a member of `channel` on the server.
async fn is_member(w: &World, channel: &str, identity: &str) -> bool {
    let svc = &w.service;
    let members = w
        .get(&format!("/v2/Services/{svc}/Channels/{channel}/Members"))
        .await;
    members["members"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["identity"] == identity))
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn invites_public_channels_read_receipts_typing_and_leaving_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    // Presence is tracked only where the service says so (as on Twilio).
    w.post(
        &format!("/v2/Services/{svc}"),
        &[("ReachabilityEnabled", "true")],
    )
    .await;
    let channels = format!("/v2/Services/{svc}/Channels");
    for (name, kind) in [
        ("lounge", "public"),
        ("secret", "private"),
        ("ops", "private"),
    ] {
        w.post(
            &channels,
            &[("UniqueName", name), ("FriendlyName", name), ("Type", kind)],
        )
        .await;
        w.post(
            &format!("{channels}/{name}/Members"),
            &[("Identity", "bob")],
        )
        .await;
    }
    for name in ["secret", "ops"] {
        w.post(
            &format!("{channels}/{name}/Invites"),
            &[("Identity", "alice")],
        )
        .await;
    }
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-social-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "invites_receipts_typing").await;
    d.sign_in("alice").await;

    // Two invites: accept one (it opens), decline the other.
    d.until_text("#invites", "the invites", |t| {
        t.contains("secret") && t.contains("ops")
    })
    .await;
    d.screenshot("01-invites").await;
    let sid_of = |name: &str| {
        format!("return [...document.querySelectorAll('#invites li')].find(l => l.innerText.includes('{name}'))?.dataset.sid ?? '';")
    };
    let secret = d.script(&sid_of("secret"), json!([])).await;
    let ops = d.script(&sid_of("ops"), json!([])).await;
    let (secret, ops) = (secret.as_str().unwrap_or(""), ops.as_str().unwrap_or(""));
    d.click(&format!("#invites li[data-sid='{secret}'] button"))
        .await;
    d.until_text("#channel-title", "the accepted channel", |t| {
        t.contains("secret")
    })
    .await;
    d.click(&format!("#invites li[data-sid='{ops}'] button:last-child"))
        .await;
    d.until_text("#invites", "no invites left", |t| !t.contains("ops"))
        .await;
    assert!(is_member(&w, "secret", "alice").await, "accepted: a member");
    assert!(
        !is_member(&w, "ops", "alice").await,
        "declined: not a member"
    );
    let ops_invites = w.get(&format!("{channels}/ops/Invites")).await;
    assert_eq!(
        ops_invites["invites"].as_array().map(Vec::len),
        Some(0),
        "the declined invite is gone: {ops_invites}"
    );

    // The browser lists the public channel alice is not in; Join opens it.
    d.click("#browse").await;
    let listed = d
        .until_text("#browser-list", "public channels", |t| t.contains("lounge"))
        .await;
    assert!(
        !listed.contains("secret"),
        "private channels are not listed: {listed}"
    );
    d.click("#browser-list li button").await;
    d.until_text("#channel-title", "the joined channel", |t| {
        t.contains("lounge")
    })
    .await;
    assert!(
        is_member(&w, "lounge", "alice").await,
        "joined on the server"
    );

    // Bob, a second client, types in general and reads alice's message.
    let bob_dir = tempfile::tempdir().expect("bob");
    let bob = parley_client::Client::login(
        &parley_client::ClientConfig {
            data_dir: bob_dir.path().to_owned(),
        },
        &url,
        "bob",
        PASSWORD,
        false,
        std::sync::Arc::new(parley_client::secrets::MemoryStore::default()),
        std::sync::Arc::new(Silent),
    )
    .await
    .expect("bob signs in");
    bob.start();
    d.switch_to("general").await;
    d.type_into("#composer", "did you read this?\u{E007}").await;
    let general = w.get(&format!("{channels}/general")).await;
    let general_sid = general["sid"].as_str().expect("general").to_owned();
    let mut typing = String::new();
    for _ in 0..100 {
        if bob.connection_state() == parley_client::ConnectionState::Online {
            bob.typing(&general_sid);
        }
        typing = d.text("#typing").await;
        if typing.contains("bob") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(typing.contains("bob"), "bob's typing shows: {typing:?}");
    d.screenshot("02-typing").await;
    let index = eventually!(
        w.messages("general")
            .await
            .iter()
            .find(|m| m["body"] == "did you read this?")
            .and_then(|m| m["index"].as_i64()),
        |i| i.is_some()
    );
    let index = index.expect("alice's message on the server").to_string();
    w.post(
        &format!("{channels}/general/Members/bob"),
        &[("LastConsumedMessageIndex", index.as_str())],
    )
    .await;
    d.until_text("#messages", "bob's read receipt", |t| {
        t.contains("Seen by bob")
    })
    .await;
    d.screenshot("03-seen").await;

    // The members panel shows bob online, and offline once his client
    // disconnects, without being opened again.
    const BOB_ONLINE: &str = "const li = [...document.querySelectorAll('#panel .members li')].find(l => l.innerText.includes('bob')); return li ? li.querySelector('.presence').classList.contains('online') : null;";
    d.click("#members-toggle").await;
    d.until_script(BOB_ONLINE, "bob shown online", |v| v == true)
        .await;
    bob.stop();
    drop(bob);
    d.until_script(BOB_ONLINE, "bob shown offline", |v| v == false)
        .await;
    d.screenshot("04-bob-offline").await;
    d.type_into("#composer", "\u{E00C}").await;

    // Leave lounge from its members panel: asked first, then gone here and
    // on the server.
    d.switch_to("lounge").await;
    d.click("#members-toggle").await;
    d.until_text("#panel", "the members panel", |t| t.contains("Leave"))
        .await;
    d.click("#panel button.danger:last-child").await;
    d.until_text("#ask", "the question", |t| t.contains("Leave this channel"))
        .await;
    d.click("#ask-ok").await;
    d.until_text("#channels", "lounge gone", |t| !t.contains("lounge"))
        .await;
    assert!(
        !is_member(&w, "lounge", "alice").await,
        "left on the server"
    );
    d.quit().await;
}

/// The badge text of the sidebar channel whose name contains `name` ("" if
/// it has none).
const BADGE_OF: &str = "const li = [...document.querySelectorAll('#channels li')].find(l => l.querySelector('.name')?.innerText.includes(arguments[0])); return li ? (li.querySelector('.badge')?.innerText ?? '') : null;";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn settings_mute_unread_divider_links_and_removing_a_member_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    w.channel("random").await;
    // A system browser that writes down what it was asked to open.
    let xdg = tempfile::tempdir().expect("xdg");
    let opened = xdg.path().join("opened.txt");
    let browser = xdg.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
    )
    .expect("browser");
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("executable");
    let apps = xdg.path().join("data/applications");
    std::fs::create_dir_all(&apps).expect("apps");
    std::fs::write(
        apps.join("parley-test-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("desktop file");
    std::fs::create_dir_all(xdg.path().join("config")).expect("config");
    std::fs::write(
        xdg.path().join("config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=parley-test-browser.desktop\nx-scheme-handler/https=parley-test-browser.desktop\n",
    )
    .expect("mimeapps");
    let (data_home, config_home) = (
        xdg.path().join("data").display().to_string(),
        xdg.path().join("config").display().to_string(),
    );

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-settings-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start_with(
        data.path(),
        &url,
        &keyring,
        "settings_links_members",
        &[
            ("XDG_DATA_HOME", data_home.as_str()),
            ("XDG_CONFIG_HOME", config_home.as_str()),
            ("BROWSER", browser.to_str().unwrap_or_default()),
        ],
    )
    .await;
    d.sign_in("alice").await;

    // Alice creates "news" (so she administers it); bob joins; it gets attributes.
    d.click("#create").await;
    d.type_into("#create-name", "news").await;
    d.type_into("#create-unique", "news").await;
    d.click("#create-submit").await;
    d.until_text("#channel-title", "news open", |t| t.contains("news"))
        .await;
    let channels = format!("/v2/Services/{svc}/Channels");
    w.post(&format!("{channels}/news/Members"), &[("Identity", "bob")])
        .await;
    w.post(
        &format!("{channels}/news"),
        &[("Attributes", r#"{"topic":"launch"}"#)],
    )
    .await;

    // Settings show the channel's names and attributes; mute it.
    d.click("#settings-toggle").await;
    let settings = d
        .until_text("#panel", "the settings with attributes", |t| {
            t.contains("launch")
        })
        .await;
    assert!(settings.contains("\"topic\""), "{settings}");
    assert!(settings.contains("news"), "{settings}");
    d.click("#panel input[value=muted]").await;
    d.until_script(
        "return document.querySelector('#channels li.muted .name')?.innerText ?? '';",
        "news shown muted",
        |v| v.as_str().is_some_and(|t| t.contains("news")),
    )
    .await;
    d.screenshot("01-settings-muted").await;
    d.type_into("#composer", "\u{E00C}").await;

    // In general: news (muted) gets no badge, random does; random then
    // opens with the unread divider above the new message.
    d.switch_to("general").await;
    w.bob_says("news", "muted chatter").await;
    w.bob_says("random", "loud news").await;
    let random_badge = eventually!(d.script(BADGE_OF, json!(["random"])).await, |b| b == "1");
    assert_eq!(random_badge, "1", "random's unread badge");
    assert_eq!(
        d.script(BADGE_OF, json!(["news"])).await,
        "",
        "a muted channel shows no unread badge"
    );
    d.screenshot("02-badges").await;
    d.click("#channels li.unread").await;
    let random = d
        .until_text("#messages", "random's messages", |t| {
            t.contains("loud news")
        })
        .await;
    let divider = random.find("New messages");
    assert!(
        divider.is_some_and(|at| Some(at) < random.find("loud news")),
        "the unread divider is above the new message: {random}"
    );

    // A link in a message opens in the system browser.
    d.switch_to("general").await;
    w.bob_says(
        "general",
        "the docs are at https://example.com/docs?page=2 now",
    )
    .await;
    d.click("#messages a[href^='https://example.com']").await;
    let seen = eventually!(std::fs::read_to_string(&opened).unwrap_or_default(), |s| !s
        .is_empty());
    assert_eq!(
        seen.trim(),
        "https://example.com/docs?page=2",
        "opened in the browser"
    );

    // As news's admin, alice removes bob after the question.
    d.switch_to("news").await;
    d.click("#members-toggle").await;
    d.until_text("#panel", "bob listed with Remove", |t| {
        t.contains("bob") && t.contains("Remove")
    })
    .await;
    d.click("#panel .members button.danger").await;
    d.until_text("#ask", "the question", |t| t.contains("Remove bob"))
        .await;
    d.click("#ask-ok").await;
    d.until_text("#panel", "bob gone from the list", |t| !t.contains("bob"))
        .await;
    assert!(!is_member(&w, "news", "bob").await, "removed on the server");
    d.screenshot("03-bob-removed").await;
    d.quit().await;
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_message_elsewhere_raises_a_notification_and_clicking_it_opens_that_channel() {
    let w = World::start().await;
    w.general().await;
    w.channel("random").await;
    let notifications = NotificationServer::start();
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-notify-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "notification_click").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;

    w.bob_says("random", "lunch at noon?").await;
    let shown = eventually!(notifications.notified(), |n| !n.is_empty());
    assert_eq!(shown.len(), 1, "one notification: {shown:?}");
    let (summary, body) = &shown[0];
    assert!(
        summary.contains("random"),
        "it names the channel: {summary}"
    );
    assert!(body.contains("lunch at noon?"), "and the message: {body}");
    notifications.click(1);
    d.until_text("#channel-title", "random opened by the click", |t| {
        t.contains("random")
    })
    .await;
    d.until_text("#messages", "the message", |t| t.contains("lunch at noon?"))
        .await;
    d.screenshot("01-opened-from-notification").await;

    // Do not disturb: nothing is shown until it is turned off again.
    d.switch_to("general").await;
    d.click("#dnd").await;
    w.bob_says("random", "while you rest").await;
    d.until_text("#channels", "the message arrived", |t| {
        t.contains("while you rest")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        notifications.notified().len(),
        1,
        "nothing shown under do-not-disturb"
    );
    d.click("#dnd").await;
    w.bob_says("random", "back yet?").await;
    let shown = eventually!(notifications.notified(), |n| n.len() > 1);
    assert_eq!(
        shown.len(),
        2,
        "shown again after do-not-disturb: {shown:?}"
    );
    assert!(shown[1].1.contains("back yet?"), "{shown:?}");
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
        err.to_lowercase().contains("cannot reach the server"),
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

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_send_the_server_refuses_shows_why_and_can_be_discarded_or_retried() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    // In general, alice may only listen for now.
    let roles = format!("/v2/Services/{svc}/Roles");
    let listener = w
        .post(
            &roles,
            &[
                ("FriendlyName", "listener"),
                ("Type", "channel"),
                ("Permission", "leaveChannel"),
            ],
        )
        .await;
    let listener = listener["sid"].as_str().expect("role").to_owned();
    let alice = format!("/v2/Services/{svc}/Channels/general/Members/alice");
    w.post(&alice, &[("RoleSid", listener.as_str())]).await;

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-refused-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "refused_send").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;

    // Refused: the reason shows with Retry and Discard; Discard removes it.
    d.type_into("#composer", "can I speak?\u{E007}").await;
    let failed = d
        .until_text("#messages", "the refusal", |t| t.contains("Not sent"))
        .await;
    assert!(failed.contains("can I speak?"), "{failed}");
    assert!(
        failed.contains("Retry") && failed.contains("Discard"),
        "{failed}"
    );
    d.screenshot("01-not-sent").await;
    d.click("#messages .send-error button:last-child").await;
    d.until_text("#messages", "the discarded message gone", |t| {
        !t.contains("can I speak?")
    })
    .await;

    // Refused again; once alice may speak, Retry delivers it, once.
    d.type_into("#composer", "now may I?\u{E007}").await;
    d.until_text("#messages", "the refusal", |t| t.contains("Not sent"))
        .await;
    let all = w.get(&roles).await;
    let user_role = all["roles"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["friendly_name"] == "channel user"))
        .and_then(|r| r["sid"].as_str())
        .expect("the channel user role")
        .to_owned();
    w.post(&alice, &[("RoleSid", user_role.as_str())]).await;
    d.click("#messages .send-error button").await;
    d.until_text("#messages", "delivered", |t| {
        t.contains("now may I?") && !t.contains("Not sent")
    })
    .await;
    assert_eq!(w.count_on_server("now may I?").await, 1, "delivered once");
    assert!(
        !bodies(&w.messages("general").await).contains(&"can I speak?".to_owned()),
        "the discarded message never reached the server"
    );
    d.screenshot("02-retried").await;
    d.quit().await;
}
