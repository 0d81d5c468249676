//! Who was active when (`user_activity`): one row per user and UTC day,
//! with the last time seen that day. Usage counts active users from it;
//! the console shows a user's last activity.

use super::{Conn, StoreResult, Tx};
use crate::args;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Days of activity kept: a year of usage, and then some.
pub const KEEP_DAYS: i64 = 400;

/// Records that `identity` was active at `at`.
pub fn record(tx: &Tx<'_>, service: &str, identity: &str, at: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO user_activity (service_sid, identity, day, last_seen) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (service_sid, day, identity) DO UPDATE SET last_seen =
           CASE WHEN user_activity.last_seen < ?4 THEN ?4 ELSE user_activity.last_seen END",
        args![service, identity, at.div_euclid(DAY), at],
    )?;
    Ok(())
}

/// When `identity` was last seen, if ever.
pub fn last_seen(conn: &Conn<'_>, service: &str, identity: &str) -> StoreResult<Option<i64>> {
    conn.query_opt(
        "SELECT last_seen FROM user_activity WHERE service_sid = ?1 AND identity = ?2
         ORDER BY day DESC LIMIT 1",
        args![service, identity],
        |r| r.get(0),
    )
}

/// Deletes days before `cutoff_day`.
pub fn prune(tx: &Tx<'_>, cutoff_day: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM user_activity WHERE day < ?1",
        args![cutoff_day],
    )
}
