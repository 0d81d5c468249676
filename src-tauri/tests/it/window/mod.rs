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

#[path = "../../../../crates/client/tests/support/notification_server.rs"]
mod notification_server;
#[path = "../../support/webdriver.rs"]
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
            // The window speaks the system's language: English, unless a
            // test asks for another.
            ("LANGUAGE", "en"),
            ("LC_ALL", ""),
            ("LC_MESSAGES", ""),
            ("LANG", "C.UTF-8"),
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
        self.click_over(css, None).await;
    }

    /// Clicks the button of `action` in the floating toolbar of `row`,
    /// moving the mouse onto the row before each try as a user would: the
    /// toolbar shows only while the pointer is on the row, and the row can
    /// move from under a still pointer (the timeline scrolls as it loads).
    async fn click_action(&self, row: &str, action: &str) {
        let css = format!("{row} .actions [data-action='{action}']");
        self.click_over(&css, Some(row)).await;
    }

    /// Clicks `css`, first moving the mouse onto `hover` on each try.
    async fn click_over(&self, css: &str, hover: Option<&str>) {
        let mut last = Value::Null;
        for _ in 0..20 {
            if let Some(row) = hover {
                self.hover(row).await;
            }
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
        self.until_script(
            "return !document.getElementById('signin').hidden;",
            "the sign-in screen",
            |v| v == &json!(true),
        )
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
    /// The server's options: tests seed history over REST as fast as they
    /// can, so without actions-per-second limits (the server's own tests
    /// cover those, and the client's outbox test a 429).
    fn options(dir: &std::path::Path, addr: std::net::SocketAddr) -> parley_server::ServeOptions {
        let mut opts = parley_server::ServeOptions::new(dir.to_owned(), addr);
        opts.rate_limits = parley_server::ratelimit::Limits::off();
        opts
    }

    async fn start() -> World {
        let dir = tempfile::tempdir().expect("dir");
        let opts = World::options(dir.path(), "127.0.0.1:0".parse().expect("addr"));
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
                Ok::<_, parley_server::error::ApiError>(s.sid.to_string())
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
        let opts = World::options(dir.path(), addr);
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
            .basic_auth(&app.account_sid, Some(&app.auth_token.cached()))
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
                    Some(&self.server.app.auth_token.cached()),
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
            .basic_auth(&app.account_sid, Some(&app.auth_token.cached()))
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

/// The text of the message bodies on the server for `channel`.
fn bodies(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter_map(|m| m["body"].as_str().map(str::to_owned))
        .collect()
}

mod accessibility;
mod channels;
mod conversation;
mod formatting;
mod ime;
mod kept;
mod language;
mod notifications;
mod session;
mod threads;
mod timeline;
