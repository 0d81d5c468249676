//! The change feed: every change a user may see, recorded in the same
//! transaction as the change itself, with a cursor (`seq`) that only grows.
//!
//! Who sees a change is its audience: the members of a channel who joined
//! before it (`channel`), every user of the service (`service`), or a listed
//! set of identities (`users`). The realtime hub delivers committed changes
//! live; [`backlog`] answers "everything after cursor C" for resuming
//! clients and the polled `/Changes` endpoint. Changes older than the
//! retention are pruned; a cursor from before the pruned point must resync.

use axum::extract::ws::Utf8Bytes;
use parley_protocol::realtime::{Event, EventKind, FeedEntry, ServerFrame};
use parley_protocol::ChannelSid;
use serde::Serialize;

use crate::error::ApiResult;
use crate::store::{self, Conn, StoreError, StoreResult, Tx};

/// Who receives a change.
#[derive(Debug, Clone)]
pub enum Audience {
    /// Members of the channel (at the time of the change).
    Channel(ChannelSid),
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
    pub channel_sid: Option<ChannelSid>,
    pub recipients: Recipients,
    /// The serialized frame, shared by every recipient (cloning is a refcount).
    pub frame: Utf8Bytes,
    /// The author of a new message (it ends their typing indicator).
    pub author: Option<String>,
}

pub use crate::store::feed::{head, member_identities, pruned_through};

/// The identity itself and everyone who shares a channel with it.
pub fn co_members(conn: &Conn<'_>, service_sid: &str, identity: &str) -> StoreResult<Vec<String>> {
    let mut out = store::feed::co_members(conn, service_sid, identity)?;
    if !out.iter().any(|i| i == identity) {
        out.push(identity.to_owned());
    }
    Ok(out)
}

fn frame(
    kind: EventKind,
    seq: i64,
    channel_sid: Option<&ChannelSid>,
    data: serde_json::Value,
) -> Utf8Bytes {
    let f = ServerFrame::event(
        kind,
        Event {
            cursor: seq,
            channel_sid: channel_sid.cloned(),
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
    channel_sid: Option<&ChannelSid>,
    audience: Audience,
    data: &impl Serialize,
) -> ApiResult<()> {
    let data = serde_json::to_value(data).unwrap_or(serde_json::Value::Null);
    let (audience_name, audience_channel) = match &audience {
        Audience::Channel(c) => ("channel", Some(c)),
        Audience::Service => ("service", None),
        Audience::Users(_) => ("users", None),
    };
    let listed: Vec<String> = match &audience {
        Audience::Users(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        _ => Vec::new(),
    };
    let data_text = data.to_string();
    let seq = store::feed::insert(
        tx,
        &store::feed::NewChange {
            service_sid,
            channel_sid: audience_channel.or(channel_sid),
            audience: audience_name,
            kind: kind.as_str(),
            data: &data_text,
            created_at: tx.now(),
            recipients: &listed,
        },
    )?;
    // On PostgreSQL the cursor comes at commit, and every node reads the
    // change back from the table (see `from_tail`): nothing to announce here.
    let Some(seq) = seq else {
        return Ok(());
    };
    let recipients = match audience {
        Audience::Channel(c) => Recipients::Identities(member_identities(tx, &c)?),
        Audience::Service => Recipients::Service,
        Audience::Users(_) => Recipients::Identities(listed),
    };
    let author = (kind == EventKind::MessageAdded)
        .then(|| data.get("from").and_then(|f| f.as_str()).map(str::to_owned))
        .flatten();
    tx.record(Change {
        seq,
        service_sid: service_sid.to_owned(),
        kind,
        channel_sid: channel_sid.cloned(),
        recipients,
        frame: frame(kind, seq, channel_sid, data),
        author,
    });
    Ok(())
}

/// Up to `limit` changes for `identity` after `since`, oldest first.
pub fn backlog(
    conn: &Conn<'_>,
    service_sid: &str,
    identity: &str,
    since: i64,
    limit: u32,
) -> StoreResult<Vec<FeedEntry>> {
    let rows = store::feed::backlog(conn, service_sid, identity, since, limit)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(kind) = EventKind::parse(&row.kind) else {
            continue;
        };
        let data = serde_json::from_str(&row.data).map_err(|e| StoreError::Corrupt {
            table: "changes",
            key: row.seq.to_string(),
            what: "data",
            detail: e.to_string(),
        })?;
        out.push(FeedEntry {
            kind,
            event: Event {
                cursor: row.seq,
                channel_sid: row.channel_sid,
                data,
            },
        });
    }
    Ok(out)
}

pub use crate::store::feed::prune;

/// A change another node committed (or this one, on PostgreSQL, where every
/// change reaches the hub by reading the feed table), rebuilt for the hub.
pub fn from_tail(row: store::feed::TailRow, recipients: Vec<String>) -> Option<Change> {
    let kind = EventKind::parse(&row.kind)?;
    let data: serde_json::Value = match serde_json::from_str(&row.data) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(seq = row.seq, error = %e, "a feed change holds corrupt data; not announced");
            return None;
        }
    };
    let author = (kind == EventKind::MessageAdded)
        .then(|| data.get("from").and_then(|f| f.as_str()).map(str::to_owned))
        .flatten();
    let recipients = match row.audience.as_str() {
        "service" => Recipients::Service,
        _ => Recipients::Identities(recipients),
    };
    Some(Change {
        seq: row.seq,
        frame: frame(kind, row.seq, row.channel_sid.as_ref(), data),
        service_sid: row.service_sid,
        kind,
        channel_sid: row.channel_sid,
        recipients,
        author,
    })
}
