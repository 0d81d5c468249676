//! Messages, each with its channel's next index (monotonic, never reused);
//! the channel's `messages_count`, `next_index` and last message move in
//! the same transaction as the message. Also the idempotency keys of sends.

use parley_protocol::resources::MessageMedia;
use parley_protocol::{ChannelSid, MessageSid, ServiceSid};

use super::paging::{self, Bound, Window};
use super::{json, Conn, Dialect, StoreResult, Tx};
use crate::args;

/// A message as stored.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub sid: MessageSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    pub index: i64,
    pub author: String,
    pub body: String,
    pub attributes: String,
    pub media: Option<MessageMedia>,
    pub last_updated_by: Option<String>,
    pub was_edited: bool,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str =
    "sid, service_sid, channel_sid, idx, author, body, attributes, media, last_updated_by, was_edited, date_created, date_updated";

impl MessageRow {
    pub(crate) fn from_row(r: &super::Row<'_>) -> StoreResult<Self> {
        let sid: MessageSid = r.get(0)?;
        let media: Option<String> = r.get(7)?;
        Ok(MessageRow {
            media: media
                .map(|m| json("messages", &sid, "media", &m))
                .transpose()?,
            sid,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            index: r.get(3)?,
            author: r.get(4)?,
            body: r.get(5)?,
            attributes: r.get(6)?,
            last_updated_by: r.get(8)?,
            was_edited: r.get(9)?,
            date_created: r.get(10)?,
            date_updated: r.get(11)?,
        })
    }
}

/// Message `sid` of `channel`, if it exists.
pub fn get(conn: &Conn<'_>, channel: &str, sid: &str) -> StoreResult<Option<MessageRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM messages WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        MessageRow::from_row,
    )
}

/// One page of a channel's messages by index.
pub fn page(
    conn: &Conn<'_>,
    channel: &str,
    descending: bool,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<MessageRow>> {
    paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, idx FROM messages WHERE channel_sid = ?"),
        "idx",
        vec![channel.into()],
        descending,
        bound,
        size,
        MessageRow::from_row,
    )
}

/// What a new message carries.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub author: String,
    pub body: String,
    pub attributes: String,
    pub date_created: i64,
    pub date_updated: i64,
    pub last_updated_by: Option<String>,
    pub media: Option<MessageMedia>,
}

/// Appends a message to channel `channel` of `service` with the channel's
/// next index, and moves the channel's counters.
pub fn insert(
    tx: &Tx<'_>,
    service: &ServiceSid,
    channel: &ChannelSid,
    m: NewMessage,
) -> StoreResult<MessageRow> {
    let sid = MessageSid::generate();
    let media = m.media.as_ref().and_then(|x| serde_json::to_string(x).ok());
    let hidden = crate::marks::hidden(&m.attributes);
    // One atomic statement takes the index (on PostgreSQL it locks the
    // channel's row to the commit), so concurrent sends never share one.
    let index: i64 = match tx.dialect() {
        // PostgreSQL: index and row in one round trip.
        Dialect::Postgres => tx.value(
            "WITH ch AS (UPDATE channels SET next_index = next_index + 1,
                           messages_count = messages_count + 1, last_message_sid = ?2
                         WHERE sid = ?1 RETURNING next_index - 1 AS idx)
             INSERT INTO messages (sid, service_sid, channel_sid, idx, author, body, attributes,
                                   last_updated_by, date_created, date_updated, media, hidden)
             SELECT ?2, ?3, ?1, ch.idx, ?4, ?5, ?6, ?7, CAST(?8 AS BIGINT), CAST(?9 AS BIGINT), ?10, ?11
             FROM ch RETURNING idx",
            args![
                channel,
                sid,
                service,
                m.author,
                m.body,
                m.attributes,
                m.last_updated_by,
                m.date_created,
                m.date_updated,
                media,
                hidden
            ],
        )?,
        Dialect::Sqlite => {
            let index: i64 = tx.value(
                "UPDATE channels SET next_index = next_index + 1, messages_count = messages_count + 1,
                   last_message_sid = ?2 WHERE sid = ?1 RETURNING next_index - 1",
                args![channel, sid],
            )?;
            tx.execute(
                "INSERT INTO messages (sid, service_sid, channel_sid, idx, author, body, attributes, last_updated_by, date_created, date_updated, media, hidden)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                args![sid, service, channel, index, m.author, m.body, m.attributes, m.last_updated_by,
                    m.date_created, m.date_updated, media, hidden],
            )?;
            index
        }
    };
    Ok(MessageRow {
        sid,
        service_sid: service.clone(),
        channel_sid: channel.clone(),
        index,
        author: m.author,
        body: m.body,
        attributes: m.attributes,
        media: m.media,
        last_updated_by: m.last_updated_by,
        was_edited: false,
        date_created: m.date_created,
        date_updated: m.date_updated,
    })
}

/// The changes of an edit; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct MessageEdit<'a> {
    pub body: Option<&'a str>,
    pub attributes: Option<&'a str>,
    pub author: Option<&'a str>,
    pub date_created: Option<i64>,
    pub date_updated: Option<i64>,
    pub last_updated_by: Option<&'a str>,
    /// Marks the message as edited (it stays marked).
    pub edited: bool,
}

/// Applies an edit; `now` is the update time unless the edit sets one.
pub fn update(tx: &Tx<'_>, sid: &str, e: &MessageEdit<'_>, now: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE messages SET body = COALESCE(?2, body), attributes = COALESCE(?3, attributes),
           author = COALESCE(?4, author), date_created = COALESCE(?5, date_created),
           date_updated = COALESCE(CAST(?6 AS BIGINT), ?7), last_updated_by = COALESCE(?8, last_updated_by),
           was_edited = CASE WHEN ?9 = 1 THEN 1 ELSE was_edited END,
           hidden = COALESCE(?10, hidden)
         WHERE sid = ?1",
        args![
            sid,
            e.body,
            e.attributes,
            e.author,
            e.date_created,
            e.date_updated,
            now,
            e.last_updated_by,
            e.edited,
            e.attributes.map(crate::marks::hidden)
        ],
    )?;
    Ok(())
}

/// Deletes a message with its media row and moves the channel's counters.
pub fn delete(tx: &Tx<'_>, channel: &str, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM messages WHERE sid = ?1", args![sid])?;
    tx.execute("DELETE FROM media WHERE message_sid = ?1", args![sid])?;
    tx.execute(
        "UPDATE channels SET messages_count = messages_count - 1,
           last_message_sid = (SELECT sid FROM messages WHERE channel_sid = ?1 ORDER BY idx DESC LIMIT 1)
         WHERE sid = ?1",
        args![channel],
    )?;
    Ok(())
}

/// The replies in the thread of message `root` of `channel`, oldest first.
/// (Hidden messages naming the root in their attributes; the caller reads
/// their marks to be sure: the text match is only the index's filter.)
pub fn thread_candidates(
    conn: &Conn<'_>,
    channel: &str,
    root: &str,
) -> StoreResult<Vec<MessageRow>> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM messages WHERE channel_sid = ?1 AND hidden = 1 AND attributes LIKE ?2 ORDER BY idx"
        ),
        args![channel, format!("%{root}%")],
        MessageRow::from_row,
    )
}

/// The message (and its channel) a send with this idempotency key created.
pub fn by_idempotency_key(
    conn: &Conn<'_>,
    service: &str,
    scope: &str,
    key: &str,
) -> StoreResult<Option<(String, String)>> {
    conn.query_opt(
        "SELECT message_sid, channel_sid FROM idempotency_keys WHERE service_sid = ?1 AND scope = ?2 AND key = ?3",
        args![service, scope, key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Remembers which message a send with this idempotency key created.
pub fn remember_idempotency_key(
    tx: &Tx<'_>,
    service: &str,
    scope: &str,
    key: &str,
    message: &str,
    channel: &str,
    t: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO idempotency_keys (service_sid, scope, key, message_sid, channel_sid, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![service, scope, key, message, channel, t],
    )?;
    Ok(())
}
