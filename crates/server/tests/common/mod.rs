//! Shared test harness: a real parley-server on 127.0.0.1 (port 0) with a
//! SQLite file in a temp dir, and a small HTTP client for it.

#![allow(dead_code)]

use parley_server::{start, RunningServer, ServeOptions};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct TestServer {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The Twilio error code of an error reply.
    pub fn code(&self) -> u64 {
        self.body["code"].as_u64().unwrap_or(0)
    }
}

pub enum Auth<'a> {
    Admin,
    Token(&'a str),
    None,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with_ttl(3600).await
    }

    pub async fn start_with_ttl(token_ttl: i64) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut opts =
            ServeOptions::new(dir.path().to_owned(), "127.0.0.1:0".parse().expect("addr"));
        opts.token_ttl = token_ttl;
        Self::start_opts(dir, opts).await
    }

    pub async fn start_opts(dir: tempfile::TempDir, opts: ServeOptions) -> TestServer {
        let server = start(opts).await.expect("server starts");
        TestServer {
            server,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        form: &[(&str, &str)],
    ) -> Reply {
        let mut req = self.http.request(method.clone(), self.url(path));
        req = match auth {
            Auth::Admin => req.basic_auth(
                &self.server.app.account_sid,
                Some(&self.server.app.auth_token),
            ),
            Auth::Token(t) => req.header("X-Twilio-Token", t),
            Auth::None => req,
        };
        if method == Method::POST {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let text = resp.text().await.expect("body read");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, auth: Auth<'_>) -> Reply {
        self.call(Method::GET, path, auth, &[]).await
    }

    pub async fn post(&self, path: &str, auth: Auth<'_>, form: &[(&str, &str)]) -> Reply {
        self.call(Method::POST, path, auth, form).await
    }

    pub async fn delete(&self, path: &str, auth: Auth<'_>) -> Reply {
        self.call(Method::DELETE, path, auth, &[]).await
    }

    /// Creates a service as admin and returns its SID.
    pub async fn service(&self) -> String {
        let r = self
            .post("/v2/Services", Auth::Admin, &[("FriendlyName", "test")])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        r.body["sid"].as_str().expect("sid").to_owned()
    }

    /// Mints an access token for `identity` on `service` signed by the server's key.
    pub fn token(&self, service: &str, identity: &str) -> String {
        self.token_with(service, identity, 0, 3600)
    }

    pub fn token_with(&self, service: &str, identity: &str, offset: i64, ttl: i64) -> String {
        let app = &self.server.app;
        let now = parley_protocol::Timestamp::now().0 + offset;
        parley_server::auth::jwt::mint(
            &app.signing_key.0,
            &app.signing_key.1,
            &app.account_sid,
            identity,
            service,
            now,
            ttl,
        )
    }

    /// Sets a user's password directly in the store.
    pub async fn set_password(&self, service: &str, identity: &str, password: &str) {
        let phc = parley_server::auth::password::hash(password).expect("hash");
        let (service, identity) = (service.to_owned(), identity.to_owned());
        self.server
            .app
            .db
            .write(move |c| {
                let s = parley_server::api::services::load(c, &service)?;
                parley_server::api::users::set_password(c, &s, &identity, &phc)
            })
            .await
            .expect("password set");
    }
}
