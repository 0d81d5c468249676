//! The action log for rate limits (`action_log`): one row per limited
//! action, counted over a sliding window inside the writer's transaction
//! that makes the change. On SQLite's single writer the count is exact; on
//! PostgreSQL, writers on other connections may have actions in flight
//! that this count cannot see yet, so a limit can be passed by at most the
//! number of writers — never a lock wait, never a deadlock. A change that
//! fails rolls its row back with it.

use super::{Conn, StoreResult, Tx};
use crate::args;

/// Actions `key` took in the window of `window` seconds ending at `now`,
/// counted up to `cap` (the limit: counting further would only cost time).
pub fn recent(conn: &Conn<'_>, key: &str, now: i64, window: i64, cap: i64) -> StoreResult<i64> {
    conn.value(
        "SELECT COUNT(*) FROM (SELECT 1 FROM action_log WHERE key = ?1 AND at > ?2 LIMIT ?3) AS w",
        args![key, now - window, cap],
    )
}

/// The time of the `nth` oldest action (0-based) of `key` in the window.
pub fn nth_oldest(
    conn: &Conn<'_>,
    key: &str,
    now: i64,
    window: i64,
    nth: i64,
) -> StoreResult<Option<i64>> {
    conn.query_opt(
        "SELECT at FROM action_log WHERE key = ?1 AND at > ?2 ORDER BY at LIMIT 1 OFFSET ?3",
        args![key, now - window, nth],
        |r| r.get(0),
    )
}

/// Records one action of `key` at `now`.
pub fn record(tx: &Tx<'_>, key: &str, now: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO action_log (key, at) VALUES (?1, ?2)",
        args![key, now],
    )?;
    Ok(())
}

/// Deletes actions before `cutoff`.
pub fn prune(tx: &Tx<'_>, cutoff: i64) -> StoreResult<u64> {
    tx.execute("DELETE FROM action_log WHERE at < ?1", args![cutoff])
}
