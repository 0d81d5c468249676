//! Loopback stand-ins for the push providers, checking what the real ones
//! check. The FCM sink answers OAuth at `/token` only for an RS256
//! assertion the service account's public key verifies (issuer, audience,
//! scope), then takes `POST /v1/projects/{id}/messages:send` only with a
//! token it issued. The APNs sink speaks HTTP/2 (h2c) and takes
//! `POST /3/device/{token}` only with an ES256 provider token the `.p8`
//! key's public half verifies (`kid`, `iss`), issued (`iat`) within the
//! last hour and not in the future — else 403 `ExpiredProviderToken` or
//! `InvalidProviderToken`, as Apple answers — and an `apns-topic`. Both
//! record what they accepted, and when, and answer from a script per
//! device token.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use tokio::sync::Notify;

pub const FCM_KEY: &str = include_str!("../fixtures/fcm_test_key.pem");
pub const FCM_PUBLIC: &str = include_str!("../fixtures/fcm_test_key.pub.pem");
pub const APNS_KEY: &str = include_str!("../fixtures/apns_test_key.p8");
pub const APNS_PUBLIC: &str = include_str!("../fixtures/apns_test_key.pub.pem");
pub const CLIENT_EMAIL: &str = "parley-push@parley-test.iam.gserviceaccount.com";
pub const PROJECT: &str = "parley-test";
pub const KEY_ID: &str = "ABC123DEFG";
pub const TEAM_ID: &str = "TEAM123456";
pub const TOPIC: &str = "org.parley.app";
/// Apple refuses a provider token issued longer ago than this…
pub const PROVIDER_TOKEN_LIFE: i64 = 3600;
/// …or further ahead of its clock than this.
pub const PROVIDER_TOKEN_SKEW: i64 = 60;

/// A scripted answer: status and JSON body (and `Retry-After`).
pub type Scripted = (u16, Value, Option<u64>);

#[derive(Clone, Default)]
pub struct Shared {
    /// APNs with certificate auth: the TLS layer checked the client
    /// certificate; no provider token is expected.
    pub certificate_auth: bool,
    /// (device token, the request's JSON body, when it arrived), whatever
    /// the scripted answer.
    pub accepted: Arc<Mutex<Vec<(String, Value, Instant)>>>,
    pub refused: Arc<Mutex<Vec<String>>>,
    pub script: Arc<Mutex<HashMap<String, VecDeque<Scripted>>>>,
    pub tokens_issued: Arc<Mutex<Vec<String>>>,
    pub arrived: Arc<Notify>,
}

impl Shared {
    fn next(&self, device: &str) -> Scripted {
        self.script
            .lock()
            .ok()
            .and_then(|mut s| s.get_mut(device).and_then(VecDeque::pop_front))
            .unwrap_or((200, json!({"name": "projects/p/messages/1"}), None))
    }

    fn record(&self, device: String, body: Value) {
        if let Ok(mut a) = self.accepted.lock() {
            a.push((device, body, Instant::now()));
        }
        self.arrived.notify_waiters();
    }

    fn refuse(&self, why: String) -> Response {
        if let Ok(mut r) = self.refused.lock() {
            r.push(why.clone());
        }
        self.arrived.notify_waiters();
        (StatusCode::UNAUTHORIZED, why).into_response()
    }

    /// Refuses a provider token as APNs does: 403 with `reason`.
    fn refuse_token(&self, reason: &str, why: String) -> Response {
        if let Ok(mut r) = self.refused.lock() {
            r.push(format!("{reason}: {why}"));
        }
        self.arrived.notify_waiters();
        (StatusCode::FORBIDDEN, Json(json!({"reason": reason}))).into_response()
    }
}

/// A running sink.
pub struct PushSink {
    pub url: String,
    pub shared: Shared,
}

impl PushSink {
    /// Queues answers for pushes to `device`.
    pub fn script(&self, device: &str, answers: impl IntoIterator<Item = Scripted>) {
        if let Ok(mut s) = self.shared.script.lock() {
            s.entry(device.to_owned()).or_default().extend(answers);
        }
    }

    /// Every push the sink took (any answer), in arrival order.
    pub fn pushes(&self) -> Vec<(String, Value)> {
        self.shared
            .accepted
            .lock()
            .map(|a| a.iter().map(|(d, b, _)| (d.clone(), b.clone())).collect())
            .unwrap_or_default()
    }

    /// When each push to `device` arrived, in order.
    pub fn arrivals(&self, device: &str) -> Vec<Instant> {
        self.shared
            .accepted
            .lock()
            .map(|a| {
                a.iter()
                    .filter(|(d, _, _)| d == device)
                    .map(|(_, _, at)| *at)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn refused(&self) -> Vec<String> {
        self.shared
            .refused
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default()
    }

    /// Waits until `n` pushes arrived (at most `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<(String, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.shared.arrived.notified();
            let p = self.pushes();
            if p.len() >= n {
                return p;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return self.pushes();
            }
        }
    }

    /// The pushes to `device`.
    pub fn to(&self, device: &str) -> Vec<Value> {
        self.pushes()
            .into_iter()
            .filter(|(d, _)| d == device)
            .map(|(_, v)| v)
            .collect()
    }
}

/// An FCM v1 service-account JSON whose `token_uri` is the sink's.
pub fn service_account(sink: &PushSink) -> String {
    json!({
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "test",
        "private_key": FCM_KEY,
        "client_email": CLIENT_EMAIL,
        "token_uri": format!("{}/token", sink.url),
    })
    .to_string()
}

async fn fcm_token(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if f.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return s.refuse("grant_type".into());
    }
    let Some(assertion) = f.get("assertion") else {
        return s.refuse("no assertion".into());
    };
    let mut v = Validation::new(Algorithm::RS256);
    v.set_issuer(&[CLIENT_EMAIL]);
    v.set_audience(&[format!("http://{}/token", headers_host(&headers))]);
    let key = DecodingKey::from_rsa_pem(FCM_PUBLIC.as_bytes()).expect("public key");
    match decode::<Value>(assertion, &key, &v) {
        Ok(t) if t.claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging" => {
            let token = format!("ya29.test-{}", rand_suffix());
            if let Ok(mut t) = s.tokens_issued.lock() {
                t.push(token.clone());
            }
            Json(json!({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}))
                .into_response()
        }
        Ok(_) => s.refuse("scope".into()),
        Err(e) => {
            if let Ok(mut r) = s.refused.lock() {
                r.push(format!("assertion: {e}"));
            }
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant"})),
            )
                .into_response()
        }
    }
}

fn headers_host(h: &HeaderMap) -> String {
    h.get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn fcm_send(
    State(s): State<Shared>,
    Path((project, method)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_owned();
    let issued = s
        .tokens_issued
        .lock()
        .map(|t| t.contains(&bearer))
        .unwrap_or(false);
    if !issued {
        return s.refuse(format!("bearer {bearer:?}"));
    }
    if project != PROJECT || method != "messages:send" {
        return s.refuse(format!("project {project} method {method}"));
    }
    let device = body["message"]["token"].as_str().unwrap_or("").to_owned();
    let (status, answer, retry_after) = s.next(&device);
    s.record(device, body);
    let mut r = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        Json(answer),
    )
        .into_response();
    if let Some(secs) = retry_after {
        r.headers_mut().insert("retry-after", secs.into());
    }
    r
}

/// Starts an FCM sink on `addr` ("127.0.0.1:0" for any port).
pub async fn fcm(addr: &str) -> PushSink {
    fcm_trusting(addr, Default::default()).await
}

/// An FCM sink that also takes the access tokens in `issued` (another
/// sink's, standing in for Google's one token service).
pub async fn fcm_trusting(addr: &str, issued: Arc<Mutex<Vec<String>>>) -> PushSink {
    let shared = Shared {
        tokens_issued: issued,
        ..Shared::default()
    };
    let app = Router::new()
        .route("/token", post(fcm_token))
        .route("/v1/projects/{project}/{method}", post(fcm_send))
        .with_state(shared.clone());
    let l = tokio::net::TcpListener::bind(addr).await.expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    PushSink { url, shared }
}

async fn apns_send(
    State(s): State<Shared>,
    Path(device): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let header = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let token = header("authorization");
    if s.certificate_auth {
        if !token.is_empty() {
            return s.refuse("a provider token with certificate auth".into());
        }
        return apns_answer(&s, device, &header("apns-topic"), body);
    }
    let Some(jwt) = token.strip_prefix("bearer ") else {
        return s.refuse_token("MissingProviderToken", "no provider token".into());
    };
    let kid = decode_header(jwt).ok().and_then(|h| h.kid);
    if kid.as_deref() != Some(KEY_ID) {
        return s.refuse_token("InvalidProviderToken", format!("kid {kid:?}"));
    }
    // A provider token has no `exp`: its age is what Apple checks, below.
    let mut v = Validation::new(Algorithm::ES256);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.set_issuer(&[TEAM_ID]);
    let key = DecodingKey::from_ec_pem(APNS_PUBLIC.as_bytes()).expect("public key");
    let claims = match decode::<Value>(jwt, &key, &v) {
        Ok(t) => t.claims,
        Err(e) => return s.refuse_token("InvalidProviderToken", format!("provider token: {e}")),
    };
    if let Err((reason, why)) = provider_token_age(&claims["iat"], unix_now()) {
        return s.refuse_token(reason, why);
    }
    if header("apns-push-type") != "alert" {
        return s.refuse(format!("push type {:?}", header("apns-push-type")));
    }
    apns_answer(&s, device, &header("apns-topic"), body)
}

/// Seconds since the epoch, as JWTs count.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Apple's rule for a provider token's `iat` at `now`: present, at most an
/// hour old, and not ahead of the clock by more than a minute. Err is
/// (APNs `reason`, why).
pub fn provider_token_age(iat: &Value, now: i64) -> Result<(), (&'static str, String)> {
    let Some(iat) = iat.as_i64() else {
        return Err(("InvalidProviderToken", format!("iat {iat}")));
    };
    if iat < now - PROVIDER_TOKEN_LIFE {
        return Err((
            "ExpiredProviderToken",
            format!("issued {} s ago", now - iat),
        ));
    }
    if iat > now + PROVIDER_TOKEN_SKEW {
        return Err((
            "InvalidProviderToken",
            format!("issued {} s in the future", iat - now),
        ));
    }
    Ok(())
}

fn apns_answer(s: &Shared, device: String, topic: &str, body: Value) -> Response {
    if topic != TOPIC {
        return s.refuse(format!("topic {topic:?}"));
    }
    let (status, answer, retry_after) = s.next(&device);
    s.record(device, body);
    let mut r = if status == 200 {
        StatusCode::OK.into_response()
    } else {
        (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            Json(answer),
        )
            .into_response()
    };
    if let Some(secs) = retry_after {
        r.headers_mut().insert("retry-after", secs.into());
    }
    r
}

pub const CA: &str = include_str!("../fixtures/test_ca.pem");
pub const CLIENT_CERT: &str = include_str!("../fixtures/apns_client.pem");
pub const CLIENT_KEY: &str = include_str!("../fixtures/apns_client.key");
const SERVER_CERT: &str = include_str!("../fixtures/apns_server.pem");
const SERVER_KEY: &str = include_str!("../fixtures/apns_server.key");

/// An APNs sink over TLS that takes only connections with a client
/// certificate the test CA signed (certificate auth), HTTP/2 by ALPN.
pub async fn apns_tls() -> PushSink {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use tower::ServiceExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut CA.as_bytes()) {
        roots.add(c.expect("CA")).expect("root");
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .expect("verifier");
    let certs: Vec<_> = rustls_pemfile::certs(&mut SERVER_CERT.as_bytes())
        .collect::<Result<_, _>>()
        .expect("server cert");
    let key = rustls_pemfile::private_key(&mut SERVER_KEY.as_bytes())
        .expect("server key")
        .expect("a key");
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let shared = Shared {
        certificate_auth: true,
        ..Shared::default()
    };
    let app = Router::new()
        .route("/3/device/{device}", post(apns_send))
        .with_state(shared.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("https://localhost:{}", l.local_addr().expect("addr").port());
    let refused = shared.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = l.accept().await {
            let (app, acceptor, refused) = (app.clone(), acceptor.clone(), refused.clone());
            tokio::spawn(async move {
                let tls = match acceptor.accept(stream).await {
                    Ok(t) => t,
                    Err(e) => {
                        refused.refuse(format!("TLS: {e}"));
                        return;
                    }
                };
                let svc = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        app.clone().oneshot(req.map(axum::body::Body::new))
                    },
                );
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            });
        }
    });
    PushSink { url, shared }
}

/// Starts an APNs sink (HTTP/2 without TLS) on a free port.
pub async fn apns() -> PushSink {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use tower::ServiceExt;
    let shared = Shared::default();
    let app = Router::new()
        .route("/3/device/{device}", post(apns_send))
        .with_state(shared.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = l.accept().await {
            let app = app.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        app.clone().oneshot(req.map(axum::body::Body::new))
                    },
                );
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    PushSink { url, shared }
}
