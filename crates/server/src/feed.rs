//! The change feed: every change a user may see, recorded in the same
//! transaction as the change itself, with a cursor (`seq`) that only grows.
//!
//! Who sees a change is its audience: the members of a channel who joined
//! before it (`channel`), every user of the service (`service`), or a listed
//! set of identities (`users`). The realtime hub delivers committed changes
//! live; [`backlog`] answers "everything after cursor C" for resuming
//! clients and the polled `/Changes` endpoint. Changes older than the
//! retention are pruned; a cursor from before the pruned point must resync.

use crate::store::Cached;
use axum::extract::ws::Utf8Bytes;
use parley_protocol::realtime::{Event, EventKind, FeedEntry, ServerFrame};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::app::now;
use crate::error::ApiResult;
use crate::store::Tx;

/// Who receives a change.
#[derive(Debug, Clone)]
pub enum Audience {
    /// Members of the channel (at the time of the change).
    Channel(String),
    /// Every user of the service.
    Service,
    /// These identities.
    Users(Vec<String>),
}

/// Identities a committed change goes to, resolved when it was written.
#[derive(Debug, Clone)]
pub enum Recipients {
    Service,
    Identities(Vec<String>),
}

/// A committed change, ready for the hub.
#[derive(Debug, Clone)]
pub struct Change {
    pub seq: i64,
    pub service_sid: String,
    pub kind: EventKind,
    pub channel_sid: Option<String>,
    pub recipients: Recipients,
    /// The serialized frame, shared by every recipient (cloning is a refcount).
    pub frame: Utf8Bytes,
    /// The author of a new message (it ends their typing indicator).
    pub author: Option<String>,
}

/// The newest cursor ever issued (0 for none).
pub fn head(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row_cached(
        "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)",
        [],
        |r| r.get(0),
    )
}

/// Cursors at or below this were pruned: resuming from them needs a resync.
pub fn pruned_through(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row_cached(
        "SELECT value FROM feed_state WHERE key = 'pruned_through'",
        [],
        |r| r.get(0),
    )
}

/// Identities of the channel's members.
pub fn member_identities(conn: &Connection, channel_sid: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT identity FROM members WHERE channel_sid = ?1")?;
    let rows = stmt.query_map([channel_sid], |r| r.get(0))?;
    rows.collect()
}

/// The identity itself and everyone who shares a channel with it.
pub fn co_members(
    conn: &Connection,
    service_sid: &str,
    identity: &str,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT m2.identity FROM members m1 JOIN members m2 ON m1.channel_sid = m2.channel_sid
         WHERE m1.service_sid = ?1 AND m1.identity = ?2",
    )?;
    let mut out: Vec<String> = stmt
        .query_map(params![service_sid, identity], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if !out.iter().any(|i| i == identity) {
        out.push(identity.to_owned());
    }
    Ok(out)
}

fn frame(
    kind: EventKind,
    seq: i64,
    channel_sid: Option<&str>,
    data: serde_json::Value,
) -> Utf8Bytes {
    let f = ServerFrame::event(
        kind,
        Event {
            cursor: seq,
            channel_sid: channel_sid.map(str::to_owned),
            data,
        },
    );
    Utf8Bytes::from(serde_json::to_string(&f).unwrap_or_default())
}

/// Records a change in the feed (inside the write that makes it).
pub fn append(
    tx: &Tx<'_>,
    service_sid: &str,
    kind: EventKind,
    channel_sid: Option<&str>,
    audience: Audience,
    data: &impl Serialize,
) -> ApiResult<i64> {
    let data = serde_json::to_value(data).unwrap_or(serde_json::Value::Null);
    let (audience_name, audience_channel) = match &audience {
        Audience::Channel(c) => ("channel", Some(c.as_str())),
        Audience::Service => ("service", None),
        Audience::Users(_) => ("users", None),
    };
    tx.execute_cached(
        "INSERT INTO changes (service_sid, channel_sid, audience, type, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![service_sid, audience_channel.or(channel_sid), audience_name, kind.as_str(), data.to_string(), now()],
    )?;
    let seq = tx.last_insert_rowid();
    let recipients = match audience {
        Audience::Channel(c) => Recipients::Identities(member_identities(tx, &c)?),
        Audience::Service => Recipients::Service,
        Audience::Users(mut ids) => {
            ids.sort_unstable();
            ids.dedup();
            let mut stmt = tx.prepare_cached(
                "INSERT INTO change_recipients (service_sid, identity, seq) VALUES (?1, ?2, ?3)",
            )?;
            for id in &ids {
                stmt.execute(params![service_sid, id, seq])?;
            }
            Recipients::Identities(ids)
        }
    };
    let author = (kind == EventKind::MessageAdded)
        .then(|| data.get("from").and_then(|f| f.as_str()).map(str::to_owned))
        .flatten();
    tx.record(Change {
        seq,
        service_sid: service_sid.to_owned(),
        kind,
        channel_sid: channel_sid.map(str::to_owned),
        recipients,
        frame: frame(kind, seq, channel_sid, data),
        author,
    });
    Ok(seq)
}

/// Up to `limit` changes for `identity` after `since`, oldest first.
pub fn backlog(
    conn: &Connection,
    service_sid: &str,
    identity: &str,
    since: i64,
    limit: u32,
) -> rusqlite::Result<Vec<FeedEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.seq, c.type, c.channel_sid, c.data, c.audience FROM changes c
         WHERE c.service_sid = ?1 AND c.seq > ?3 AND (
               c.audience = 'service'
            OR (c.audience = 'channel' AND EXISTS (SELECT 1 FROM members m
                  WHERE m.channel_sid = c.channel_sid AND m.identity = ?2 AND m.joined_seq < c.seq))
            OR (c.audience = 'users' AND EXISTS (SELECT 1 FROM change_recipients r
                  WHERE r.service_sid = ?1 AND r.identity = ?2 AND r.seq = c.seq)))
         ORDER BY c.seq LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![service_sid, identity, since, limit], |r| {
        let kind: String = r.get(1)?;
        let data: String = r.get(3)?;
        Ok((
            r.get::<_, i64>(0)?,
            kind,
            r.get::<_, Option<String>>(2)?,
            data,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, kind, channel_sid, data) = row?;
        if let Some(kind) = EventKind::parse(&kind) {
            out.push(FeedEntry {
                kind,
                event: Event {
                    cursor: seq,
                    channel_sid,
                    data: serde_json::from_str(&data).unwrap_or_default(),
                },
            });
        }
    }
    Ok(out)
}

/// Deletes changes created before `cutoff` (Unix seconds) and idempotency
/// keys older than `key_cutoff`; returns how many changes went.
pub fn prune(tx: &Tx<'_>, cutoff: i64, key_cutoff: i64) -> rusqlite::Result<usize> {
    let last: Option<i64> = tx.query_row_cached(
        "SELECT MAX(seq) FROM changes WHERE created_at < ?1",
        [cutoff],
        |r| r.get(0),
    )?;
    tx.execute_cached(
        "DELETE FROM idempotency_keys WHERE created_at < ?1",
        [key_cutoff],
    )?;
    let Some(last) = last else { return Ok(0) };
    let n = tx.execute_cached("DELETE FROM changes WHERE seq <= ?1", [last])?;
    tx.execute_cached("DELETE FROM change_recipients WHERE seq <= ?1", [last])?;
    tx.execute_cached(
        "UPDATE feed_state SET value = MAX(value, ?1) WHERE key = 'pruned_through'",
        [last],
    )?;
    Ok(n)
}
