//! Sign-in attempt counters in fixed windows, one row per key. Counting
//! happens in the writer's transaction, so concurrent attempts — on any
//! node — are counted one after another and none slips past the limit.

use super::{Conn, StoreResult, Tx};
use crate::args;

/// Attempts counted for `key` in the window that contains `now`.
pub fn attempts(conn: &Conn<'_>, key: &str, now: i64, window: i64) -> StoreResult<(i64, i64)> {
    let row: Option<(i64, i64)> = conn.query_opt(
        "SELECT window_start, attempts FROM login_throttle WHERE key = ?1",
        args![key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match row {
        Some((start, n)) if start > now - window => (start, n),
        _ => (now, 0),
    })
}

/// Counts one attempt for `key` (a new window if the last one is over).
pub fn count(tx: &Tx<'_>, key: &str, now: i64, window: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO login_throttle (key, window_start, attempts) VALUES (?1, ?2, 1)
         ON CONFLICT (key) DO UPDATE SET
           attempts = CASE WHEN login_throttle.window_start <= ?2 - ?3 THEN 1
                           ELSE login_throttle.attempts + 1 END,
           window_start = CASE WHEN login_throttle.window_start <= ?2 - ?3 THEN ?2
                               ELSE login_throttle.window_start END",
        args![key, now, window],
    )?;
    Ok(())
}

/// Takes one attempt back from `key` (it turned out not to count).
pub fn uncount(tx: &Tx<'_>, key: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = ?1 AND attempts > 0",
        args![key],
    )?;
    Ok(())
}

/// Forgets `key`.
pub fn clear(tx: &Tx<'_>, key: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM login_throttle WHERE key = ?1", args![key])?;
    Ok(())
}

/// Deletes windows that ended before `cutoff`.
pub fn prune(tx: &Tx<'_>, cutoff: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM login_throttle WHERE window_start < ?1",
        args![cutoff],
    )
}
