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
//! Counting happens inside the write that makes the change. On PostgreSQL
//! the counts are rows (`store::actions`), so they hold across nodes, and
//! an action that fails for any reason is not counted. On SQLite there is
//! one node, whose single writer runs every write in turn: the counts are
//! per-second buckets in its memory ([`Windows`]), which costs next to
//! nothing on the hot path (a refused action is not counted; one that
//! fails later in its write is). Counts start afresh after a restart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use parley_protocol::ErrorCode;

use crate::access::Caller;
use crate::error::{ApiError, ApiResult};
use crate::store::{self, services::ServiceRow, Dialect, Tx};

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
        let own =
            |v: Option<i64>, default: u32| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(default);
        (
            own(s.limit_channel_actions, self.channel),
            own(s.limit_service_actions, self.service),
        )
    }
}

/// The limits and, on SQLite, the counts.
#[derive(Debug, Clone, Default)]
pub struct RateLimiter {
    pub limits: Limits,
    windows: Arc<Windows>,
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        RateLimiter {
            limits,
            windows: Arc::default(),
        }
    }

    /// See [`Limits::for_users`].
    pub fn for_users(&self, s: &ServiceRow) -> (u32, u32) {
        self.limits.for_users(s)
    }

    /// Forgets keys with no action in the window (SQLite).
    pub fn prune(&self, now: i64) {
        self.windows.prune(now);
    }
}

/// Per-second buckets of the last [`WINDOW`] seconds, by key.
#[derive(Debug, Default)]
struct Windows(Mutex<HashMap<String, [(i64, i64); WINDOW as usize]>>);

impl Windows {
    /// Counts one action of `key` at `now`, or says how many seconds until
    /// one may pass when `allowed` are already in the window.
    fn take(&self, key: &str, now: i64, allowed: i64) -> Result<(), i64> {
        let Ok(mut map) = self.0.lock() else {
            return Ok(());
        };
        let buckets = map
            .entry(key.to_owned())
            .or_insert([(i64::MIN, 0); WINDOW as usize]);
        let live = |(sec, _): &(i64, i64)| *sec > now - WINDOW && *sec <= now;
        let in_window: i64 = buckets.iter().filter(|b| live(b)).map(|(_, n)| n).sum();
        if in_window >= allowed {
            let oldest = buckets
                .iter()
                .filter(|b| live(b) && b.1 > 0)
                .map(|(sec, _)| *sec)
                .min()
                .unwrap_or(now);
            return Err((oldest + WINDOW - now).max(1));
        }
        let slot = &mut buckets[usize::try_from(now.rem_euclid(WINDOW)).unwrap_or(0)];
        if slot.0 != now {
            *slot = (now, 0);
        }
        slot.1 += 1;
        Ok(())
    }

    fn prune(&self, now: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, b| b.iter().any(|(sec, _)| *sec > now - WINDOW));
        }
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
    limiter: &RateLimiter,
    s: &ServiceRow,
    caller: &Caller,
    scope: Scope<'_>,
) -> ApiResult<()> {
    let limits = &limiter.limits;
    let (per_second, code, what) = {
        let (channel, service) = if caller.admin {
            (limits.admin, limits.admin)
        } else {
            limits.for_users(s)
        };
        match scope {
            Scope::Channel(_) => (channel, ErrorCode::ActionsPerSecondExceeded, "this channel"),
            Scope::Service => (
                service,
                ErrorCode::GlobalActionsPerSecondExceeded,
                "this service",
            ),
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
    let refused = |wait: i64| {
        ApiError::new(
            code,
            format!(
                "Actions per second limit exceeded: {what} takes {per_second} actions a second (averaged over {WINDOW} s); try again in {wait} s"
            ),
        )
        .retry_after(u64::try_from(wait).unwrap_or(1))
    };
    if tx.dialect() == Dialect::Sqlite {
        return limiter.windows.take(&key, now, allowed).map_err(refused);
    }
    let recent = store::actions::recent(tx, &key, now, WINDOW, allowed)?;
    if recent >= allowed {
        // The action can pass once the oldest one leaves the window (the
        // count stops at the limit, so this is the earliest it may).
        let oldest = store::actions::nth_oldest(tx, &key, now, WINDOW, 0)?;
        return Err(refused(oldest.map_or(1, |t| (t + WINDOW - now).max(1))));
    }
    store::actions::record(tx, &key, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_takes_its_burst_then_frees_up_as_it_slides() {
        let w = Windows::default();
        for _ in 0..10 {
            assert_eq!(w.take("k", 100, 10), Ok(()));
        }
        assert_eq!(w.take("k", 100, 10), Err(5), "all ten are in second 100");
        assert_eq!(w.take("k", 104, 10), Err(1));
        assert_eq!(
            w.take("k", 105, 10),
            Ok(()),
            "second 100 has left the window"
        );
        assert_eq!(w.take("other", 105, 10), Ok(()), "keys are apart");
        w.prune(200);
        assert!(w.0.lock().map(|m| m.is_empty()).unwrap_or(false));
    }
}
