//! Who is online across nodes (PostgreSQL only; a single SQLite node keeps
//! presence in memory): a row per (user, node) with at least one open
//! socket, and each node's heartbeat. Rows of a node whose heartbeat is
//! older than the staleness limit do not count and are swept.

use super::{Conn, StoreResult, Tx};
use crate::args;

/// Records that `node` is alive at `now`.
pub fn heartbeat(tx: &Tx<'_>, node: &str, now: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO nodes (node_id, seen_at) VALUES (?1, ?2)
         ON CONFLICT (node_id) DO UPDATE SET seen_at = excluded.seen_at",
        args![node, now],
    )?;
    Ok(())
}

/// Whether `identity` has an open socket on any live node.
pub fn online(
    conn: &Conn<'_>,
    service: &str,
    identity: &str,
    live_after: i64,
) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM presence p JOIN nodes n ON n.node_id = p.node_id
           WHERE p.service_sid = ?1 AND p.identity = ?2 AND n.seen_at > ?3)",
        args![service, identity, live_after],
    )
}

/// Marks `identity` online on `node`.
pub fn add(tx: &Tx<'_>, service: &str, identity: &str, node: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO presence (service_sid, identity, node_id) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        args![service, identity, node],
    )?;
    Ok(())
}

/// Marks `identity` offline on `node`.
pub fn remove(tx: &Tx<'_>, service: &str, identity: &str, node: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM presence WHERE service_sid = ?1 AND identity = ?2 AND node_id = ?3",
        args![service, identity, node],
    )?;
    Ok(())
}

/// Deletes the rows of nodes last seen at or before `live_after` (and the
/// nodes); returns the users that are thereby offline everywhere.
pub fn sweep(tx: &Tx<'_>, live_after: i64) -> StoreResult<Vec<(String, String)>> {
    let gone: Vec<(String, String)> = tx.query(
        "SELECT DISTINCT p.service_sid, p.identity FROM presence p JOIN nodes n ON n.node_id = p.node_id
         WHERE n.seen_at <= ?1",
        args![live_after],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tx.execute(
        "DELETE FROM presence WHERE node_id IN (SELECT node_id FROM nodes WHERE seen_at <= ?1)",
        args![live_after],
    )?;
    tx.execute("DELETE FROM nodes WHERE seen_at <= ?1", args![live_after])?;
    let mut offline = Vec::new();
    for (service, identity) in gone {
        if !online(tx, &service, &identity, live_after)? {
            offline.push((service, identity));
        }
    }
    Ok(offline)
}
