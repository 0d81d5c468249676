//! A tauri-driver process and the WebDriver calls made through it: shared
//! by the window tests and the start-up benchmark (each includes this file
//! with `#[path]`). tauri-driver starts the app for every new session.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

/// tauri-driver (and its WebKitWebDriver), killed on drop.
pub struct WebDriver {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for WebDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl WebDriver {
    /// Starts tauri-driver with `env` added to the app's environment and
    /// waits until it answers.
    pub async fn start<K: AsRef<OsStr>, V: AsRef<OsStr>>(env: &[(K, V)]) -> WebDriver {
        let port = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
        ]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .expect("http");
        for _ in 0..200 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        WebDriver { child, base, http }
    }

    /// Starts the app `app` on the profile `data_dir`; returns the session.
    pub async fn session(&self, app: &Path, data_dir: &Path) -> String {
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": app, "args": ["--data-dir", data_dir]
        }}}});
        for _ in 0..100 {
            if let Ok(r) = self
                .http
                .post(format!("{}/session", self.base))
                .json(&caps)
                .send()
                .await
            {
                let v: Value = r.json().await.unwrap_or_default();
                if let Some(id) = v["value"]["sessionId"].as_str() {
                    return id.to_owned();
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session with the app");
    }

    /// One WebDriver command of `session`; returns its `value`.
    pub async fn cmd(
        &self,
        session: &str,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> Value {
        let url = format!("{}/session/{session}{path}", self.base);
        let req = self.http.request(method.clone(), url);
        let req = if method == reqwest::Method::GET {
            req
        } else {
            req.json(&body)
        };
        req.send()
            .await
            .expect("webdriver")
            .json::<Value>()
            .await
            .unwrap_or_default()["value"]
            .clone()
    }

    /// Runs a script in the page of `session` and returns its result.
    pub async fn script(&self, session: &str, js: &str, args: Value) -> Value {
        self.cmd(
            session,
            reqwest::Method::POST,
            "/execute/sync",
            json!({"script": js, "args": args}),
        )
        .await
    }

    /// Ends `session`, which closes its app.
    pub async fn end(&self, session: &str) {
        let _ = self
            .http
            .delete(format!("{}/session/{session}", self.base))
            .send()
            .await;
    }
}
