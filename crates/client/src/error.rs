//! `ClientError`: what can go wrong in the client, with a stable `code` the
//! UI can match on and a message a person can read.

use serde::Serialize;

/// Failures of client operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server could not be reached (offline, DNS, refused, timeout).
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The URL answers, but not like a Parley server.
    #[error("this does not look like a Parley server: {0}")]
    NotParley(String),
    /// Wrong username or password, or a revoked session.
    #[error("{0}")]
    Unauthorized(String),
    /// The server refused the request with a Twilio-style error.
    #[error("{message} (error {code})")]
    Api {
        status: u16,
        code: u32,
        message: String,
        /// Seconds the server asked to wait before trying again (`Retry-After`).
        retry_after: Option<u64>,
    },
    /// The local cache failed.
    #[error("local cache: {0}")]
    Cache(String),
    /// The OS secret store failed.
    #[error("secret store: {0}")]
    Secrets(String),
    /// Nobody is signed in.
    #[error("not signed in")]
    NotSignedIn,
    /// Something named does not exist locally.
    #[error("{0} not found")]
    NotFound(String),
    /// Bad input from the caller.
    #[error("{0}")]
    Invalid(String),
    /// The user cancelled a transfer.
    #[error("cancelled")]
    Cancelled,
}

/// The `{code, message}` shape errors take when they cross to a UI.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl ClientError {
    /// A stable machine-readable code.
    pub fn code(&self) -> String {
        match self {
            ClientError::Unreachable(_) => "unreachable".into(),
            ClientError::NotParley(_) => "not_parley".into(),
            ClientError::Unauthorized(_) => "unauthorized".into(),
            ClientError::Api { code, .. } => format!("api_{code}"),
            ClientError::Cache(_) => "cache".into(),
            ClientError::Secrets(_) => "secrets".into(),
            ClientError::NotSignedIn => "not_signed_in".into(),
            ClientError::NotFound(_) => "not_found".into(),
            ClientError::Invalid(_) => "invalid".into(),
            ClientError::Cancelled => "cancelled".into(),
        }
    }

    pub fn to_ui(&self) -> UiError {
        UiError {
            code: self.code(),
            message: self.to_string(),
        }
    }

    /// How long the server asked to wait before a retry, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ClientError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether retrying later may succeed (network trouble, server errors,
    /// rate limits).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> Self {
        ClientError::Cache(e.to_string())
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;
