//! FCM HTTP v1: an OAuth2 access token from the service account's JWT
//! (RS256, `scope` firebase.messaging, `aud` = its `token_uri`), cached
//! until shortly before it expires, then
//! `POST {base}/v1/projects/{project_id}/messages:send` with a data message
//! carrying the keys Twilio's SDKs read (`twi_message_type`, `twi_body`,
//! `twi_title`, `twi_sound`, `channel_sid`, `message_sid`,
//! `message_index`, `author`; all strings, as FCM wants).

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, Header};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use super::keys::ServiceAccount;
use super::{Push, PushJob, Verdict};
use crate::webhook_targets::describe_error;

const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
/// A token is renewed this long before it expires.
const MARGIN: Duration = Duration::from_secs(300);

/// One FCM credential with its cached access token.
pub struct Fcm {
    account: ServiceAccount,
    token: Mutex<Option<(String, Instant, Duration)>>,
    /// A token fetch that failed, answered again for a few seconds so that
    /// pushes waiting on the fetch do not each wait for their own.
    failed: Mutex<Option<(Verdict, Instant)>>,
}

/// How long a failed token fetch is answered from memory.
const FAILURE_MEMORY: Duration = Duration::from_secs(5);

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    scope: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default = "an_hour")]
    expires_in: u64,
}

fn an_hour() -> u64 {
    3600
}

/// The data message for `job`.
pub fn message(job: &PushJob) -> Value {
    let mut data = serde_json::Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            data.insert(k.to_owned(), Value::String(v));
        }
    };
    put(
        "twi_message_type",
        Some(job.push_type.twilio_name().to_owned()),
    );
    put("twi_body", Some(job.body.clone()));
    put("twi_title", Some(job.title.clone()));
    put("twi_sound", job.sound.clone());
    put("channel_sid", Some(job.channel_sid.clone()));
    put("message_sid", job.message_sid.clone());
    put("message_index", job.message_index.map(|i| i.to_string()));
    put("author", job.author.clone());
    json!({"message": {"token": job.address, "data": data, "android": {"priority": "high"}}})
}

fn retry_after(r: &reqwest::Response) -> Option<Duration> {
    r.headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

impl Fcm {
    pub fn new(account: ServiceAccount) -> Fcm {
        Fcm {
            account,
            token: Mutex::new(None),
            failed: Mutex::new(None),
        }
    }

    /// A valid access token, from the cache or the token endpoint (one
    /// fetch at a time; a failed one is remembered for a few seconds).
    async fn access_token(&self, push: &Push) -> Result<String, Verdict> {
        let mut slot = self.token.lock().await;
        if let Some((t, made, life)) = slot.as_ref() {
            if super::fresh(*made, life.saturating_sub(MARGIN)) {
                return Ok(t.clone());
            }
        }
        if let Some((v, at)) = self.failed.lock().await.as_ref() {
            if super::fresh(*at, FAILURE_MEMORY) {
                return Err(v.clone());
            }
        }
        let fetched = self.fetch_token(push).await;
        match fetched {
            Ok((t, life)) => {
                *slot = Some((t.clone(), Instant::now(), life));
                Ok(t)
            }
            Err(v) => {
                *self.failed.lock().await = Some((v.clone(), Instant::now()));
                Err(v)
            }
        }
    }

    async fn fetch_token(&self, push: &Push) -> Result<(String, Duration), Verdict> {
        let now = parley_protocol::Timestamp::now().0;
        let claims = Assertion {
            iss: &self.account.client_email,
            scope: SCOPE,
            aud: &self.account.token_uri,
            iat: now,
            exp: now + 3600,
        };
        let assertion =
            jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.account.key)
                .map_err(|e| {
                    Verdict::CredentialRejected(format!("cannot sign the OAuth assertion: {e}"))
                })?;
        let r = push
            .http
            .post(&self.account.token_uri)
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|e| {
                Verdict::Retry(
                    format!("the OAuth token endpoint: {}", describe_error(&e)),
                    None,
                )
            })?;
        let status = r.status().as_u16();
        match status {
            200 => {
                let t: TokenAnswer = r.json().await.map_err(|_| {
                    Verdict::Retry(
                        "the OAuth token endpoint answered without a token".into(),
                        None,
                    )
                })?;
                let life = Duration::from_secs(t.expires_in.clamp(60, 24 * 3600));
                Ok((t.access_token, life))
            }
            400 | 401 | 403 => Err(Verdict::CredentialRejected(format!(
                "Google refused the service account ({status}): {}",
                oauth_error(r).await
            ))),
            _ => {
                let after = retry_after(&r);
                Err(Verdict::Retry(
                    format!("the OAuth token endpoint answered {status}"),
                    after,
                ))
            }
        }
    }

    /// Sends one push.
    pub async fn send(&self, push: &Push, job: &PushJob) -> Verdict {
        let token = match self.access_token(push).await {
            Ok(t) => t,
            Err(v) => return v,
        };
        let url = format!(
            "{}/v1/projects/{}/messages:send",
            push.urls.fcm.trim_end_matches('/'),
            self.account.project_id
        );
        let r = match push
            .http
            .post(&url)
            .bearer_auth(&token)
            .json(&message(job))
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => return Verdict::Retry(format!("FCM: {}", describe_error(&e)), None),
        };
        let status = r.status().as_u16();
        if status == 200 {
            return Verdict::Delivered;
        }
        let after = retry_after(&r);
        let (state, code) = fcm_error(r).await;
        let why = format!(
            "FCM answered {status} {}",
            code.as_deref().unwrap_or(&state)
        );
        match (status, code.as_deref()) {
            (_, Some("UNREGISTERED")) => Verdict::DeadToken(why),
            // The token belongs to another Firebase project: this
            // credential cannot reach it, another might.
            (403, Some("SENDER_ID_MISMATCH")) => Verdict::Failed(why),
            (401, _) => {
                // The cached token may have been revoked: get a new one.
                *self.token.lock().await = None;
                Verdict::Retry(why, None)
            }
            (403, _) | (_, Some("THIRD_PARTY_AUTH_ERROR")) => Verdict::CredentialRejected(why),
            (429, _) => Verdict::Retry(why, after.or(Some(Duration::from_secs(60)))),
            (500..=599, _) => Verdict::Retry(why, after),
            _ => Verdict::Failed(why),
        }
    }
}

/// (`error.status`, the FCM `errorCode` of its details) of an error answer.
async fn fcm_error(r: reqwest::Response) -> (String, Option<String>) {
    let v: Value = r.json().await.unwrap_or(Value::Null);
    let state = v["error"]["status"].as_str().unwrap_or("").to_owned();
    let code = v["error"]["details"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|d| d["errorCode"].as_str().map(str::to_owned));
    (state, code)
}

async fn oauth_error(r: reqwest::Response) -> String {
    let v: Value = r.json().await.unwrap_or(Value::Null);
    crate::logging::Field(v["error"].as_str().unwrap_or("no reason given")).to_string()
}

impl std::fmt::Debug for Fcm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fcm")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}
