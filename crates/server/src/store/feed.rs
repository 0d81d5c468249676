//! The change feed's rows: `changes` (cursor = `seq`), the recipients of
//! changes addressed to listed users, and the pruning horizon.
//!
//! Cursor allocation is where the engines differ. On SQLite the single
//! writer makes `AUTOINCREMENT` gap-free and commit-ordered. On PostgreSQL
//! several writers commit in parallel, and a sequence would hand a
//! later-committing transaction a lower number than one that a reader has
//! already passed. Instead a write records its changes as [`Pending`], and
//! its batch, as the very last thing before `COMMIT`, locks the one-row
//! `feed_head`, takes the next numbers from it and inserts the rows
//! ([`write_pending`]). The lock is held to the commit, so numbers are
//! handed out in commit order; a write rolled back never took one.

use super::{Conn, Dialect, StoreResult, Tx};
use crate::args;
use parley_protocol::ChannelSid;

/// The newest cursor ever issued (0 for none).
pub fn head(conn: &Conn<'_>) -> StoreResult<i64> {
    match conn.dialect() {
        Dialect::Sqlite => conn.value(
            "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)",
            args![],
        ),
        Dialect::Postgres => conn.value("SELECT seq FROM feed_head", args![]),
    }
}

/// Cursors at or below this were pruned: resuming from them needs a resync.
pub fn pruned_through(conn: &Conn<'_>) -> StoreResult<i64> {
    conn.value(
        "SELECT value FROM feed_state WHERE key = 'pruned_through'",
        args![],
    )
}

/// Identities of the channel's members.
pub fn member_identities(conn: &Conn<'_>, channel_sid: &str) -> StoreResult<Vec<String>> {
    conn.query(
        "SELECT identity FROM members WHERE channel_sid = ?1",
        args![channel_sid],
        |r| r.get(0),
    )
}

/// Everyone who shares a channel with `identity` (including it, if it is
/// a member of any).
pub fn co_members(conn: &Conn<'_>, service_sid: &str, identity: &str) -> StoreResult<Vec<String>> {
    conn.query(
        "SELECT DISTINCT m2.identity FROM members m1 JOIN members m2 ON m1.channel_sid = m2.channel_sid
         WHERE m1.service_sid = ?1 AND m1.identity = ?2",
        args![service_sid, identity],
        |r| r.get(0),
    )
}

/// A change as it is written.
#[derive(Debug)]
pub struct NewChange<'a> {
    pub service_sid: &'a str,
    pub channel_sid: Option<&'a ChannelSid>,
    /// `channel`, `service` or `users`.
    pub audience: &'static str,
    pub kind: &'a str,
    pub data: &'a str,
    pub created_at: i64,
    /// For `users`: who receives it.
    pub recipients: &'a [String],
}

/// A change whose cursor is taken when its batch commits (PostgreSQL).
#[derive(Debug, Clone)]
pub struct Pending {
    pub service_sid: String,
    pub channel_sid: Option<ChannelSid>,
    pub audience: &'static str,
    pub kind: String,
    pub data: String,
    pub created_at: i64,
    pub recipients: Vec<String>,
}

/// Writes a change and returns its cursor — on PostgreSQL `None`: the
/// cursor is taken when the batch commits.
pub fn insert(tx: &Tx<'_>, c: &NewChange<'_>) -> StoreResult<Option<i64>> {
    if tx.dialect() == Dialect::Postgres {
        tx.defer(Pending {
            service_sid: c.service_sid.to_owned(),
            channel_sid: c.channel_sid.cloned(),
            audience: c.audience,
            kind: c.kind.to_owned(),
            data: c.data.to_owned(),
            created_at: c.created_at,
            recipients: c.recipients.to_vec(),
        });
        return Ok(None);
    }
    let seq: i64 = tx.value(
        "INSERT INTO changes (service_sid, channel_sid, audience, type, data, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING seq",
        args![
            c.service_sid,
            c.channel_sid,
            c.audience,
            c.kind,
            c.data,
            c.created_at
        ],
    )?;
    for id in c.recipients {
        tx.execute(
            "INSERT INTO change_recipients (service_sid, identity, seq) VALUES (?1, ?2, ?3)",
            args![c.service_sid, id, seq],
        )?;
    }
    Ok(Some(seq))
}

/// Rows per multi-row `INSERT` (7 parameters each).
const PENDING_CHUNK: usize = 500;

/// Takes cursors for `pending` under the `feed_head` row lock and inserts
/// the rows (PostgreSQL, right before `COMMIT`); returns the last cursor.
pub fn write_pending(conn: &Conn<'_>, pending: &[Pending]) -> StoreResult<i64> {
    let n = pending.len() as i64;
    let last: i64 = conn.value(
        "UPDATE feed_head SET seq = seq + ?1 RETURNING seq",
        args![n],
    )?;
    let first = last - n + 1;
    for (c, chunk) in pending.chunks(PENDING_CHUNK).enumerate() {
        let base = first + (c * PENDING_CHUNK) as i64;
        let seqs: Vec<i64> = (0..chunk.len() as i64).map(|i| base + i).collect();
        let mut sql = String::from(
            "INSERT INTO changes (seq, service_sid, channel_sid, audience, type, data, created_at) VALUES ",
        );
        let mut params: Vec<&dyn super::sql::ToValue> = Vec::with_capacity(chunk.len() * 7);
        for (i, (p, seq)) in chunk.iter().zip(&seqs).enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let k = i * 7;
            sql.push_str(&format!(
                "(?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{})",
                k + 1,
                k + 2,
                k + 3,
                k + 4,
                k + 5,
                k + 6,
                k + 7
            ));
            params.extend([
                seq as &dyn super::sql::ToValue,
                &p.service_sid,
                &p.channel_sid,
                &p.audience,
                &p.kind,
                &p.data,
                &p.created_at,
            ]);
        }
        conn.execute(&sql, &params)?;
        for (p, seq) in chunk.iter().zip(&seqs) {
            for id in &p.recipients {
                conn.execute(
                    "INSERT INTO change_recipients (service_sid, identity, seq) VALUES (?1, ?2, ?3)",
                    args![p.service_sid, id, seq],
                )?;
            }
        }
    }
    Ok(last)
}

/// A stored change: cursor, type, channel and JSON data.
#[derive(Debug)]
pub struct ChangeRow {
    pub seq: i64,
    pub kind: String,
    pub channel_sid: Option<ChannelSid>,
    pub data: String,
}

/// Up to `limit` changes `identity` may see after `since`, oldest first.
pub fn backlog(
    conn: &Conn<'_>,
    service_sid: &str,
    identity: &str,
    since: i64,
    limit: u32,
) -> StoreResult<Vec<ChangeRow>> {
    conn.query(
        "SELECT c.seq, c.type, c.channel_sid, c.data FROM changes c
         WHERE c.service_sid = ?1 AND c.seq > ?3 AND (
               c.audience = 'service'
            OR (c.audience = 'channel' AND EXISTS (SELECT 1 FROM members m
                  WHERE m.channel_sid = c.channel_sid AND m.identity = ?2 AND m.joined_seq < c.seq))
            OR (c.audience = 'users' AND EXISTS (SELECT 1 FROM change_recipients r
                  WHERE r.service_sid = ?1 AND r.identity = ?2 AND r.seq = c.seq)))
         ORDER BY c.seq LIMIT ?4",
        args![service_sid, identity, since, limit],
        |r| {
            Ok(ChangeRow {
                seq: r.get(0)?,
                kind: r.get(1)?,
                channel_sid: r.get(2)?,
                data: r.get(3)?,
            })
        },
    )
}

/// Deletes changes created before `cutoff` (Unix seconds) and idempotency
/// keys older than `key_cutoff`; returns how many changes went.
pub fn prune(tx: &Tx<'_>, cutoff: i64, key_cutoff: i64) -> StoreResult<u64> {
    let last: Option<i64> = tx.value(
        "SELECT MAX(seq) FROM changes WHERE created_at < ?1",
        args![cutoff],
    )?;
    tx.execute(
        "DELETE FROM idempotency_keys WHERE created_at < ?1",
        args![key_cutoff],
    )?;
    let Some(last) = last else { return Ok(0) };
    let n = tx.execute("DELETE FROM changes WHERE seq <= ?1", args![last])?;
    tx.execute("DELETE FROM change_recipients WHERE seq <= ?1", args![last])?;
    tx.execute(
        "UPDATE feed_state SET value = ?1 WHERE key = 'pruned_through' AND value < ?1",
        args![last],
    )?;
    Ok(n)
}

/// A committed change as another node reads it, with whom it is for.
#[derive(Debug)]
pub struct TailRow {
    pub seq: i64,
    pub service_sid: String,
    pub channel_sid: Option<ChannelSid>,
    pub audience: String,
    pub kind: String,
    pub data: String,
}

/// Up to `limit` changes after `since`, oldest first, of every service.
pub fn after(conn: &Conn<'_>, since: i64, limit: u32) -> StoreResult<Vec<TailRow>> {
    conn.query(
        "SELECT seq, service_sid, channel_sid, audience, type, data FROM changes
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        args![since, limit],
        |r| {
            Ok(TailRow {
                seq: r.get(0)?,
                service_sid: r.get(1)?,
                channel_sid: r.get(2)?,
                audience: r.get(3)?,
                kind: r.get(4)?,
                data: r.get(5)?,
            })
        },
    )
}

/// Who receives change `seq`: the channel's members who joined before it
/// (`channel`) or the listed identities (`users`).
pub fn recipients_of(conn: &Conn<'_>, row: &TailRow) -> StoreResult<Vec<String>> {
    match (row.audience.as_str(), &row.channel_sid) {
        ("channel", Some(ch)) => conn.query(
            "SELECT identity FROM members WHERE channel_sid = ?1 AND joined_seq < ?2",
            args![ch, row.seq],
            |r| r.get(0),
        ),
        _ => conn.query(
            "SELECT identity FROM change_recipients WHERE service_sid = ?1 AND seq = ?2",
            args![row.service_sid, row.seq],
            |r| r.get(0),
        ),
    }
}
