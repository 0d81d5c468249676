//! Access-token claims in the format Twilio's helper libraries mint, and the
//! token endpoint's response used by the desktop app.

use serde::{Deserialize, Serialize};

/// The `cty` header value of a Twilio access token.
pub const ACCESS_TOKEN_CTY: &str = "twilio-fpa;v=1";

/// The chat grant: which service the token is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatGrant {
    pub service_sid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_role_sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_credential_sid: Option<String>,
}

/// The `grants` claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<ChatGrant>,
}

/// The JWT payload of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    pub jti: String,
    /// The API key SID (`SK…`) whose secret signed the token.
    pub iss: String,
    /// The account SID (`AC…`).
    pub sub: String,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    pub grants: Grants,
}

/// `POST /auth/token` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
    pub refresh_token: String,
    pub identity: String,
    pub service_sid: String,
    /// Issued by a password sign-in: this device's token, to send as
    /// `device_token` with later password sign-ins of the same identity, so
    /// that strangers guessing the password cannot lock this device out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

/// OAuth2-style error body of the token endpoint (`invalid_grant`, …), which
/// also carries Twilio's `code` and `message` for uniform handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenError {
    pub error: String,
    pub error_description: String,
    pub code: u32,
    pub message: String,
    pub status: u16,
}
