//! Media rows: uploads of the media service, who uploaded them and which
//! message (if any) carries them. The files themselves live on disk
//! (`crate::media::files`); this module owns only the `media` table.

use super::{Conn, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{ChannelSid, MediaSid, MessageSid, ServiceSid};

/// A row of the media table.
#[derive(Debug, Clone)]
pub struct MediaRow {
    pub sid: MediaSid,
    pub service_sid: ServiceSid,
    pub channel_sid: Option<ChannelSid>,
    pub message_sid: Option<MessageSid>,
    pub author: String,
    pub size: u64,
    pub content_type: String,
    pub filename: Option<String>,
    pub sha256: String,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str = "sid, service_sid, channel_sid, message_sid, author, size, content_type, filename, sha256, date_created, date_updated";

impl MediaRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(MediaRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            message_sid: r.get(3)?,
            author: r.get(4)?,
            size: r.get::<i64>(5)?.max(0) as u64,
            content_type: r.get(6)?,
            filename: r.get(7)?,
            sha256: r.get(8)?,
            date_created: r.get(9)?,
            date_updated: r.get(10)?,
        })
    }
}

/// The media `sid` of `service`, if it exists.
pub fn get(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<MediaRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM media WHERE sid = ?1 AND service_sid = ?2"),
        args![sid, service],
        MediaRow::from_row,
    )
}

/// Whether a media row `sid` exists (in any service).
pub fn exists(conn: &Conn<'_>, sid: &str) -> StoreResult<bool> {
    Ok(conn
        .query_opt("SELECT 1 FROM media WHERE sid = ?1", args![sid], |_| Ok(()))?
        .is_some())
}

/// Inserts a fresh upload: no channel or message yet, updated when created.
pub fn insert(tx: &Tx<'_>, m: &MediaRow) -> StoreResult<()> {
    tx.execute(
        &format!(
            "INSERT INTO media ({COLUMNS}) VALUES (?1, ?2, NULL, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
        ),
        args![
            m.sid,
            m.service_sid,
            m.author,
            m.size as i64,
            m.content_type,
            m.filename,
            m.sha256,
            m.date_created
        ],
    )?;
    Ok(())
}

/// Records which message (of which channel) carries the media. Takes a
/// `Conn` because it runs inside the message's write, whose callers hold one.
pub fn mark_sent(
    conn: &Conn<'_>,
    sid: &str,
    channel: &str,
    message: &str,
    t: i64,
) -> StoreResult<bool> {
    // Only an unsent upload: two sends of one file at once cannot both take it.
    let n = conn.execute(
        "UPDATE media SET channel_sid = ?2, message_sid = ?3, date_updated = ?4
         WHERE sid = ?1 AND message_sid IS NULL",
        args![sid, channel, message, t],
    )?;
    Ok(n == 1)
}

/// Deletes the media row `sid`.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM media WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// SIDs of media nothing needs any more: uploads no message took that were
/// created before `created_before`, and media whose message or service is
/// gone.
pub fn unneeded(conn: &Conn<'_>, created_before: i64) -> StoreResult<Vec<String>> {
    conn.query(
        "SELECT sid FROM media
         WHERE (message_sid IS NULL AND date_created < ?1)
            OR (message_sid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE messages.sid = media.message_sid))
            OR NOT EXISTS (SELECT 1 FROM services WHERE services.sid = media.service_sid)",
        args![created_before],
        |r| r.get(0),
    )
}
