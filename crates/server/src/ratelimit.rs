//! Actions-per-second limits, as Twilio has them: per channel, 30 actions a
//! second for creating, updating and deleting its messages, members and
//! invites and updating the channel (429, 50063); per service, 30 a second
//! for creating and deleting channels and creating, updating and deleting
//! users and roles (429, 50074). Averaged over a 5 s sliding window, so a
//! burst of up to 150 passes; reads are never limited.
//!
//! The limits are server-wide defaults (`--channel-actions-per-second`,
//! `--service-actions-per-second`); a service may set its own for its users
//! (`RateLimits.ChannelActionsPerSecond`, `RateLimits.ServiceActionsPerSecond`, a
//! Parley extension). Admin traffic (account or API-key credentials) is
//! counted apart from the users' and has its own server-wide limit
//! (`--admin-actions-per-second`, default 30 like Twilio's REST API; 0 turns
//! it off for bulk imports). A limit of 0 means unlimited.
//!
//! Counting happens inside the write that makes the change
//! (`store::actions`), so it holds across nodes, and an action that fails —
//! over the limit, or for any other reason — is not counted.

use parley_protocol::ErrorCode;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, services::ServiceRow, Tx};

/// The window actions are averaged over, seconds.
pub const WINDOW: i64 = 5;
/// Twilio's limit, actions per second.
pub const DEFAULT: u32 = 30;

/// Server-wide limits, actions per second (0: unlimited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Per channel, for users, unless their service sets its own.
    pub channel: u32,
    /// Per service, for users, unless their service sets its own.
    pub service: u32,
    /// Per channel and per service, for admin credentials.
    pub admin: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            channel: DEFAULT,
            service: DEFAULT,
            admin: DEFAULT,
        }
    }
}

impl Limits {
    /// No limits at all (benchmarks and bulk tools).
    pub fn off() -> Self {
        Limits {
            channel: 0,
            service: 0,
            admin: 0,
        }
    }

    /// The limits a service's users get: its own, or the server's.
    pub fn for_users(&self, s: &ServiceRow) -> (u32, u32) {
        let own = |v: Option<i64>, default: u32| {
            v.and_then(|v| u32::try_from(v).ok()).unwrap_or(default)
        };
        (
            own(s.limit_channel_actions, self.channel),
            own(s.limit_service_actions, self.service),
        )
    }
}

/// What an action is limited by.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// A change inside this channel.
    Channel(&'a str),
    /// A change to the service's channels, users or roles.
    Service,
}

/// Counts one action of `caller` in service `s`, or refuses it with 429
/// and `Retry-After` when its scope is over the limit.
pub fn take(
    tx: &Tx<'_>,
    limits: &Limits,
    s: &ServiceRow,
    caller: &Caller,
    scope: Scope<'_>,
) -> ApiResult<()> {
    let (per_second, code, what) = {
        let (channel, service) = if caller.admin {
            (limits.admin, limits.admin)
        } else {
            limits.for_users(s)
        };
        match scope {
            Scope::Channel(_) => (channel, ErrorCode::ActionsPerSecondExceeded, "this channel"),
            Scope::Service => (service, ErrorCode::GlobalActionsPerSecondExceeded, "this service"),
        }
    };
    if per_second == 0 {
        return Ok(());
    }
    let who = if caller.admin { "admin" } else { "users" };
    let key = match scope {
        Scope::Channel(ch) => format!("ch:{ch}:{who}"),
        Scope::Service => format!("svc:{}:{who}", s.sid),
    };
    let now = tx.now();
    let allowed = i64::from(per_second) * WINDOW;
    let recent = store::actions::recent(tx, &key, now, WINDOW)?;
    if recent >= allowed {
        // The action can pass once enough of the oldest ones leave the window.
        let oldest = store::actions::nth_oldest(tx, &key, now, WINDOW, recent - allowed)?;
        let wait = oldest.map_or(1, |t| (t + WINDOW - now).max(1));
        return Err(ApiError::new(
            code,
            format!(
                "Actions per second limit exceeded: {what} takes {per_second} actions a second (averaged over {WINDOW} s); try again in {wait} s"
            ),
        )
        .retry_after(u64::try_from(wait).unwrap_or(1)));
    }
    store::actions::record(tx, &key, now)?;
    Ok(())
}
