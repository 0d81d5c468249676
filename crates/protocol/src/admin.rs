//! Wire types of Parley's admin API (`/admin/…`), which the operator
//! console and operators' scripts use: the console session, the account,
//! usage per day, the audit log and health. None of these exist in
//! Twilio's API; field names follow its snake_case style.

use crate::Timestamp;
use serde::{Deserialize, Serialize};

/// A console session (`POST /admin/Session`, `GET /admin/Session`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleSession {
    pub account_sid: String,
    /// Who signed in: the account SID or an API key SID.
    pub sid: String,
    /// `account` or `key`.
    pub kind: String,
    /// Sent back in `X-Parley-Csrf` on every change.
    pub csrf_token: String,
    /// Seconds without a request after which the session ends.
    pub idle_timeout: i64,
    /// When the session ends at the latest.
    pub date_expires: Timestamp,
}

/// The account (`GET /admin/Account`), never with its auth token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub sid: String,
    pub date_auth_token_rotated: Option<Timestamp>,
}

/// The auth token, revealed or just rotated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthToken {
    pub auth_token: String,
}

/// One day of a service's usage (`GET /admin/Usage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageDay {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    /// Users that exist now and had been created by the end of the day.
    pub users: i64,
    pub new_users: i64,
    /// Distinct users that signed in, connected or made a request that day.
    pub active_users: i64,
    pub messages: i64,
    /// Channels that exist now and had been created by the end of the day.
    pub channels: i64,
    pub new_channels: i64,
    /// Bytes of media uploaded that day.
    pub media_bytes: i64,
}

/// A service's usage over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub service_sid: String,
    pub from: String,
    pub to: String,
    pub days: Vec<UsageDay>,
}

/// One entry of the audit log (`GET /admin/AuditLog`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// `AU` + the entry's number, stable and increasing.
    pub sid: String,
    pub date_created: Timestamp,
    /// The account SID or API key SID that made the change.
    pub actor_sid: String,
    /// `console` or `rest`.
    pub via: String,
    /// The client's address.
    pub address: Option<String>,
    pub method: String,
    pub path: String,
    /// What was done, such as `update service` or `rotate auth token`.
    pub action: String,
    /// The SID of what was changed, when there is one.
    pub target_sid: Option<String>,
    /// The HTTP status the change was answered with.
    pub status: i64,
    /// The request's parameters, secrets redacted.
    pub request: Option<serde_json::Value>,
    /// The resource before and after the change, secrets redacted.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The database a node runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// `sqlite` or `postgres`.
    pub kind: String,
    pub size_bytes: Option<i64>,
    /// The schema version of the database and the newest this binary knows.
    pub migration: i64,
    pub migrations: i64,
}

/// Queued deliveries (webhook calls and pushes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsHealth {
    pub queued: i64,
    /// Due now (not waiting for a retry).
    pub due: i64,
    /// Retried at least once.
    pub failing: i64,
}

/// How a node is (`GET /admin/Health`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub version: String,
    /// Seconds since this node started.
    pub uptime: i64,
    pub started: Timestamp,
    pub database: DatabaseHealth,
    /// WebSockets open on this node.
    pub sockets: i64,
    /// The newest cursor of the change feed.
    pub feed_head: i64,
    pub jobs: JobsHealth,
}
