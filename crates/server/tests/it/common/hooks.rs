//! A webhook receiver on 127.0.0.1 for the tests: records every call
//! (method, path, signature, parameters) and answers from a script —
//! a status with a body and headers, or silence longer than the server's
//! timeout — falling back to 200 when the script is empty. Tests wait for
//! calls as they arrive instead of sleeping.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Notify;

/// One call the receiver got.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    /// Path and query, as signed for `GET`.
    pub path_and_query: String,
    pub signature: String,
    pub params: Vec<(String, String)>,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Call {
    /// The value of parameter `k`.
    pub fn param(&self, k: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }
}

/// How the receiver answers one call.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A status, a body and `Retry-After` if given.
    Status(u16, String, Option<u64>),
    /// No answer for this long (longer than 5 s is a timeout).
    Silence(Duration),
}

#[derive(Clone, Default)]
struct Shared {
    calls: Arc<Mutex<Vec<Call>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
    arrived: Arc<Notify>,
}

/// A running receiver.
pub struct Sink {
    pub base: String,
    shared: Shared,
}

async fn receive(
    State(s): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> Response {
    let params: Vec<(String, String)> = if method == Method::GET {
        form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    } else {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    };
    let call = Call {
        method: method.to_string(),
        path: uri.path().to_owned(),
        path_and_query: uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        signature: headers
            .get("x-twilio-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        params,
        at: std::time::Instant::now(),
    };
    let answer = s
        .script
        .lock()
        .map(|mut q| q.pop_front())
        .ok()
        .flatten()
        .unwrap_or(Answer::Status(200, String::new(), None));
    if let Ok(mut c) = s.calls.lock() {
        c.push(call);
    }
    s.arrived.notify_waiters();
    match answer {
        Answer::Status(code, body, retry_after) => {
            let mut r =
                (StatusCode::from_u16(code).unwrap_or(StatusCode::OK), body).into_response();
            if let Some(secs) = retry_after {
                r.headers_mut().insert("retry-after", secs.into());
            }
            r
        }
        Answer::Silence(d) => {
            tokio::time::sleep(d).await;
            StatusCode::OK.into_response()
        }
    }
}

impl Sink {
    /// Starts a receiver on a free loopback port.
    pub async fn start() -> Sink {
        Self::start_on("127.0.0.1:0").await
    }

    /// Starts a receiver on `addr` (to bring one back on a known port).
    pub async fn start_on(addr: &str) -> Sink {
        let shared = Shared::default();
        let app = Router::new().fallback(receive).with_state(shared.clone());
        let l = tokio::net::TcpListener::bind(addr).await.expect("bind");
        let addr = l.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        Sink {
            base: format!("http://{addr}"),
            shared,
        }
    }

    /// Queues answers for the next calls, in order.
    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        if let Ok(mut q) = self.shared.script.lock() {
            q.extend(answers);
        }
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.shared
            .calls
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    /// Waits until `n` calls arrived (at most `within`) and returns all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.shared.arrived.notified();
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.calls();
            }
        }
    }
}
