//! Push credentials as the providers need them, parsed and checked when an
//! operator stores them (so a key that cannot work is refused with an error,
//! not discovered at the first push): an FCM v1 service account (JSON with
//! `project_id`, `client_email`, an RSA `private_key` and `token_uri`), and
//! for APNs either a TLS client certificate with its key (Twilio's
//! `Certificate` + `PrivateKey`) or, as a Parley extension, token auth: a
//! `.p8` signing key in `PrivateKey` with `ApnKeyId`, `ApnTeamId` and
//! `ApnTopic`.

use jsonwebtoken::EncodingKey;
use serde::Deserialize;

use crate::store::credentials::Secrets;

/// Google's OAuth token endpoint (a service account's default `token_uri`).
pub const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// An FCM v1 service account.
#[derive(Clone)]
pub struct ServiceAccount {
    pub project_id: String,
    pub client_email: String,
    pub key: EncodingKey,
    pub token_uri: String,
}

#[derive(Deserialize)]
struct ServiceAccountJson {
    project_id: Option<String>,
    client_email: Option<String>,
    private_key: Option<String>,
    token_uri: Option<String>,
}

/// Reads an FCM service-account JSON.
pub fn service_account(json: &str, allow_link_local: bool) -> Result<ServiceAccount, String> {
    let sa: ServiceAccountJson = serde_json::from_str(json)
        .map_err(|_| "Secret must be an FCM v1 service-account JSON file".to_owned())?;
    let field = |v: Option<String>, name: &str| {
        v.filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("the service-account JSON has no {name}"))
    };
    let project_id = field(sa.project_id, "project_id")?;
    if !project_id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '.')
    {
        return Err("the service account's project_id is not a Firebase project ID".into());
    }
    let client_email = field(sa.client_email, "client_email")?;
    let pem = field(sa.private_key, "private_key")?;
    let key = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|_| {
        "the service account's private_key is not an RSA private key in PEM".to_owned()
    })?;
    let token_uri = sa
        .token_uri
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| GOOGLE_TOKEN_URI.to_owned());
    crate::webhook_targets::check_url(&token_uri, allow_link_local)
        .map_err(|why| format!("the service account's token_uri is refused: {why}"))?;
    Ok(ServiceAccount {
        project_id,
        client_email,
        key,
        token_uri,
    })
}

/// How Parley proves itself to APNs.
#[derive(Clone)]
pub enum ApnAuth {
    /// Token auth: ES256 JWTs signed with a `.p8` key.
    Token {
        key: EncodingKey,
        key_id: String,
        team_id: String,
    },
    /// Certificate auth: a TLS client certificate.
    Certificate { identity: reqwest::Identity },
}

/// An APNs credential.
#[derive(Clone)]
pub struct Apn {
    pub auth: ApnAuth,
    /// `apns-topic` (the app's bundle ID); required with token auth.
    pub topic: Option<String>,
    pub sandbox: bool,
}

fn ten_chars(v: &Option<String>, name: &str) -> Result<String, String> {
    match v.as_deref().map(str::trim) {
        Some(s) if s.len() == 10 && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
            Ok(s.to_owned())
        }
        Some(_) => Err(format!("{name} must be the 10-character ID Apple gives it")),
        None => Err(format!("token auth needs {name}")),
    }
}

/// Reads an APNs credential: token auth when a key ID is set, certificate
/// auth otherwise.
pub fn apn(s: &Secrets) -> Result<Apn, String> {
    let topic = s.apn_topic.clone().filter(|t| !t.trim().is_empty());
    let key = s
        .private_key
        .as_deref()
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| "an apn credential needs PrivateKey".to_owned())?;
    let auth = if s.apn_key_id.is_some() || s.apn_team_id.is_some() {
        let key_id = ten_chars(&s.apn_key_id, "ApnKeyId")?;
        let team_id = ten_chars(&s.apn_team_id, "ApnTeamId")?;
        if topic.is_none() {
            return Err("token auth needs ApnTopic (the app's bundle ID)".into());
        }
        let key = EncodingKey::from_ec_pem(key.as_bytes()).map_err(|_| {
            "PrivateKey must be the .p8 signing key (an EC P-256 key in PEM) for token auth"
                .to_owned()
        })?;
        ApnAuth::Token {
            key,
            key_id,
            team_id,
        }
    } else {
        let cert = s
            .certificate
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| {
                "an apn credential needs Certificate and PrivateKey, or token auth (ApnKeyId, ApnTeamId, ApnTopic)".to_owned()
            })?;
        if !cert.contains("-----BEGIN CERTIFICATE-----") {
            return Err("Certificate must be a PEM certificate".into());
        }
        let pem = format!("{}\n{}", cert.trim(), key.trim());
        let identity = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|_| {
            "Certificate and PrivateKey do not form a usable TLS client identity".to_owned()
        })?;
        ApnAuth::Certificate { identity }
    };
    Ok(Apn {
        auth,
        topic,
        sandbox: s.sandbox,
    })
}

/// Checks that a credential of its type could be used, as stored.
pub fn check(s: &Secrets, allow_link_local: bool) -> Result<(), String> {
    match s.kind.as_str() {
        "fcm" => match s.secret.as_deref().filter(|v| !v.trim().is_empty()) {
            Some(json) => service_account(json, allow_link_local).map(|_| ()),
            None => Err("an fcm credential needs Secret: the service-account JSON".into()),
        },
        "apn" => apn(s).map(|_| ()),
        // Legacy GCM server keys are stored as Twilio did; Google retired
        // that API, so pushes to gcm bindings need an fcm credential.
        _ => Ok(()),
    }
}

// Keys never reach a log: the Debug forms name what is there, not what it is.
impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("project_id", &self.project_id)
            .field("client_email", &self.client_email)
            .field("token_uri", &self.token_uri)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ApnAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApnAuth::Token {
                key_id, team_id, ..
            } => f
                .debug_struct("Token")
                .field("key_id", key_id)
                .field("team_id", team_id)
                .finish_non_exhaustive(),
            ApnAuth::Certificate { .. } => f.write_str("Certificate"),
        }
    }
}

impl std::fmt::Debug for Apn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apn")
            .field("auth", &self.auth)
            .field("topic", &self.topic)
            .field("sandbox", &self.sandbox)
            .finish()
    }
}
