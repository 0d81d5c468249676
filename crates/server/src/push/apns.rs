//! APNs over HTTP/2: `POST {base}/3/device/{token}` with `apns-topic`,
//! `apns-push-type: alert`, `apns-priority: 10` and, with token auth, a
//! bearer ES256 JWT (`kid` = key ID, `iss` = team ID) renewed every 40
//! minutes — inside Apple's window of 20 to 60, so never
//! `TooManyProviderTokenUpdates` nor `ExpiredProviderToken`; with
//! certificate auth, a TLS client certificate. The payload has `aps.alert`,
//! `aps.sound`, `aps.badge` and the top-level keys Twilio's SDKs read — the
//! same as FCM's data message (`twi_message_type`, `twi_body`, `twi_title`,
//! `twi_sound`, `channel_sid`, `message_sid`, `message_index`, `author`).

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, Header};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::Mutex;

use super::keys::{Apn, ApnAuth};
use super::{Push, PushJob, Verdict};
use crate::webhook_targets::describe_error;

/// How long one provider token is used.
const TOKEN_LIFE: Duration = Duration::from_secs(40 * 60);

/// One APNs credential.
pub struct Apns {
    cred: Apn,
    /// Certificate auth has a client of its own (its TLS identity).
    client: Option<reqwest::Client>,
    jwt: Mutex<Option<(String, Instant)>>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    iat: i64,
}

/// The payload for `job`.
pub fn payload(job: &PushJob, badge: Option<i64>) -> Value {
    let mut aps = serde_json::Map::new();
    aps.insert(
        "alert".into(),
        json!({"title": job.title, "body": job.body}),
    );
    if let Some(s) = &job.sound {
        aps.insert("sound".into(), Value::String(s.clone()));
    }
    if let Some(b) = badge {
        aps.insert("badge".into(), json!(b));
    }
    let mut p = serde_json::Map::new();
    p.insert("aps".into(), Value::Object(aps));
    p.insert(
        "twi_message_type".into(),
        json!(job.push_type.twilio_name()),
    );
    p.insert("twi_body".into(), json!(job.body));
    p.insert("twi_title".into(), json!(job.title));
    if let Some(s) = &job.sound {
        p.insert("twi_sound".into(), json!(s));
    }
    p.insert("channel_sid".into(), json!(job.channel_sid));
    if let Some(m) = &job.message_sid {
        p.insert("message_sid".into(), json!(m));
    }
    if let Some(i) = job.message_index {
        p.insert("message_index".into(), json!(i));
    }
    if let Some(a) = &job.author {
        p.insert("author".into(), json!(a));
    }
    Value::Object(p)
}

impl Apns {
    pub fn new(cred: Apn, push: &Push) -> Result<Apns, String> {
        let client = match &cred.auth {
            ApnAuth::Token { .. } => None,
            ApnAuth::Certificate { identity } => Some(
                push.client_builder()
                    .http2_prior_knowledge()
                    .identity(identity.clone())
                    .build()
                    .map_err(|e| format!("cannot use the APNs certificate: {e}"))?,
            ),
        };
        Ok(Apns {
            cred,
            client,
            jwt: Mutex::new(None),
        })
    }

    /// The provider token, from the cache or freshly signed.
    async fn token(&self) -> Result<Option<String>, Verdict> {
        let ApnAuth::Token {
            key,
            key_id,
            team_id,
        } = &self.cred.auth
        else {
            return Ok(None);
        };
        let mut slot = self.jwt.lock().await;
        if let Some((t, made)) = slot.as_ref() {
            if super::fresh(*made, TOKEN_LIFE) {
                return Ok(Some(t.clone()));
            }
        }
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key_id.clone());
        let claims = Claims {
            iss: team_id,
            iat: parley_protocol::Timestamp::now().0,
        };
        let t = jsonwebtoken::encode(&header, &claims, key)
            .map_err(|e| Verdict::CredentialRejected(format!("cannot sign the APNs token: {e}")))?;
        *slot = Some((t.clone(), Instant::now()));
        Ok(Some(t))
    }

    /// Sends one push.
    pub async fn send(&self, push: &Push, job: &PushJob, badge: Option<i64>) -> Verdict {
        let token = match self.token().await {
            Ok(t) => t,
            Err(v) => return v,
        };
        let base = if self.cred.sandbox {
            &push.urls.apns_sandbox
        } else {
            &push.urls.apns
        };
        if !super::valid_address("apn", &job.address) {
            return Verdict::DeadToken("the device token is not hexadecimal".into());
        }
        let url = format!("{}/3/device/{}", base.trim_end_matches('/'), job.address);
        let client = self.client.as_ref().unwrap_or(&push.h2);
        let mut req = client
            .post(&url)
            .header("apns-push-type", "alert")
            .header("apns-priority", "10")
            .json(&payload(job, badge));
        if let Some(topic) = &self.cred.topic {
            req = req.header("apns-topic", topic);
        }
        if let Some(m) = &job.message_sid {
            // A repeat of one message's push replaces the first on the device.
            req = req.header("apns-collapse-id", m);
        }
        if let Some(t) = &token {
            req = req.header("authorization", format!("bearer {t}"));
        }
        let r = match req.send().await {
            Ok(r) => r,
            Err(e) => return Verdict::Retry(format!("APNs: {}", describe_error(&e)), None),
        };
        let status = r.status().as_u16();
        if status == 200 {
            return Verdict::Delivered;
        }
        let after = r
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let v: Value = r.json().await.unwrap_or(Value::Null);
        let reason = v["reason"].as_str().unwrap_or("").to_owned();
        let why = format!("APNs answered {status} {reason}");
        match (status, reason.as_str()) {
            (410, _) | (400, "BadDeviceToken") => Verdict::DeadToken(why),
            // The token is fine; the credential names another app.
            (400, "DeviceTokenNotForTopic") => Verdict::CredentialRejected(why),
            (403, "ExpiredProviderToken") => {
                *self.jwt.lock().await = None;
                Verdict::Retry(why, None)
            }
            (403, _) | (400, "TopicDisallowed" | "BadTopic" | "MissingTopic") => {
                Verdict::CredentialRejected(why)
            }
            (429, _) | (500..=599, _) => Verdict::Retry(why, after),
            _ => Verdict::Failed(why),
        }
    }
}

impl std::fmt::Debug for Apns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apns")
            .field("cred", &self.cred)
            .finish_non_exhaustive()
    }
}
