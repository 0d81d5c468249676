//! What the UI reads: the channel list with unread counts and last message,
//! pages of messages (with pending and failed sends after the known ones),
//! members, and full-text search — all from the cache alone.

use rusqlite::{params, Row};
use serde::Serialize;

use parley_protocol::{ChannelSid, ChannelType, MessageSid};

use super::states::{ChannelStatus, MessageState, NotifyPolicy};
use super::{search_text, Cache, MediaView};
use crate::error::Result;

/// One row of the sidebar.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelSummary {
    pub sid: ChannelSid,
    pub unique_name: Option<String>,
    pub friendly_name: Option<String>,
    pub kind: ChannelType,
    pub status: ChannelStatus,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unread: i64,
    pub notify: NotifyPolicy,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_consumed_index: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub members_count: i64,
    /// The channel's attributes (JSON text).
    pub attributes: String,
    pub last_message: Option<MessageView>,
}

/// A message as the UI shows it, sent or still in the outbox.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageView {
    pub sid: Option<MessageSid>,
    pub channel_sid: ChannelSid,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub index: Option<i64>,
    pub author: String,
    pub body: String,
    pub attributes: String,
    pub was_edited: bool,
    pub deleted: bool,
    pub date_created: String,
    pub state: MessageState,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub outbox_id: Option<i64>,
    pub error: Option<String>,
    /// The file a media message carries.
    pub media: Option<MediaView>,
}

/// A member of a channel as the members panel shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub identity: String,
    pub friendly_name: Option<String>,
    /// Read up to this index (None: nothing read).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_consumed_index: Option<i64>,
    /// None when the server does not report presence.
    pub online: Option<bool>,
}

/// A search result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub message: MessageView,
    /// The body with matches wrapped in `[` `]` markers (plain text, not HTML).
    pub snippet: String,
}

const MESSAGE_COLUMNS: &str =
    "m.sid, (SELECT k.sid FROM channel_keys k WHERE k.n = m.ch), m.idx, m.author, m.body, m.attributes, m.was_edited, m.deleted, m.created_at, m.media,
     EXISTS (SELECT 1 FROM media_files f WHERE m.media IS NOT NULL AND f.sid = json_extract(m.media, '$.sid'))";

fn media_of(json: Option<String>, cached: bool) -> Option<MediaView> {
    let m: parley_protocol::resources::MessageMedia = serde_json::from_str(&json?).ok()?;
    Some(MediaView {
        sid: Some(m.sid),
        size: m.size,
        content_type: m.content_type,
        filename: m.filename,
        cached,
    })
}

fn message(r: &Row<'_>) -> rusqlite::Result<MessageView> {
    Ok(MessageView {
        sid: Some(r.get(0)?),
        channel_sid: r.get(1)?,
        index: Some(r.get(2)?),
        author: r.get(3)?,
        body: r.get(4)?,
        attributes: r.get(5)?,
        was_edited: r.get(6)?,
        deleted: r.get(7)?,
        date_created: parley_protocol::Timestamp(r.get(8)?).to_string(),
        state: MessageState::Sent,
        outbox_id: None,
        error: None,
        media: media_of(r.get(9)?, r.get(10)?),
    })
}

impl Cache {
    /// Joined and invited channels, most recently active first.
    pub fn channel_list(&self) -> Result<Vec<ChannelSummary>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(
            "SELECT sid, unique_name, friendly_name, type, status, unread, notify, last_consumed_index, members_count,
                    attributes
             FROM channels WHERE status IN ('joined', 'invited')",
        )?;
        let mut out: Vec<ChannelSummary> = stmt
            .query_map([], |r| {
                Ok(ChannelSummary {
                    sid: r.get(0)?,
                    unique_name: r.get(1)?,
                    friendly_name: r.get(2)?,
                    kind: r.get(3)?,
                    status: r.get(4)?,
                    unread: r.get(5)?,
                    notify: r.get(6)?,
                    last_consumed_index: r.get(7)?,
                    members_count: r.get(8)?,
                    attributes: r.get(9)?,
                    last_message: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut last = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) ORDER BY m.idx DESC LIMIT 1"
        ))?;
        for ch in &mut out {
            ch.last_message = last.query_row([&ch.sid], message).ok();
        }
        out.sort_by(|a, b| {
            let key = |c: &ChannelSummary| {
                c.last_message
                    .as_ref()
                    .map(|m| m.date_created.clone())
                    .unwrap_or_default()
            };
            key(b)
                .cmp(&key(a))
                .then_with(|| a.friendly_name.cmp(&b.friendly_name))
        });
        Ok(out)
    }

    /// Public channels the user has not joined (the channel browser).
    pub fn public_channels(&self) -> Result<Vec<ChannelSummary>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(
            "SELECT sid, unique_name, friendly_name, type, status, members_count, attributes FROM channels
             WHERE status = 'public' ORDER BY friendly_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ChannelSummary {
                sid: r.get(0)?,
                unique_name: r.get(1)?,
                friendly_name: r.get(2)?,
                kind: r.get(3)?,
                status: r.get(4)?,
                unread: 0,
                notify: NotifyPolicy::All,
                last_consumed_index: None,
                members_count: r.get(5)?,
                attributes: r.get(6)?,
                last_message: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Up to `limit` messages before index `before` (newest page when None),
    /// oldest first; the newest page ends with the channel's pending and
    /// failed sends.
    pub fn messages(
        &self,
        channel: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.idx < ?2 ORDER BY m.idx DESC LIMIT ?3"
        ))?;
        let mut out: Vec<MessageView> = stmt
            .query_map(params![channel, before.unwrap_or(i64::MAX), limit], message)?
            .collect::<rusqlite::Result<_>>()?;
        out.reverse();
        if before.is_none() {
            let me: String = c
                .query_row("SELECT value FROM meta WHERE key = 'identity'", [], |r| {
                    r.get(0)
                })
                .unwrap_or_default();
            let mut pending = c.prepare_cached(
                "SELECT id, body, attributes, state, error_message, created_at,
                        media_path, media_type, media_filename, media_size, media_sid, channel_sid FROM outbox
                 WHERE channel_sid = ?1 AND kind = 'send' ORDER BY id",
            )?;
            let rows = pending.query_map([channel], |r| {
                let created: i64 = r.get(5)?;
                Ok(MessageView {
                    sid: None,
                    channel_sid: r.get(11)?,
                    index: None,
                    author: me.clone(),
                    body: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    attributes: r
                        .get::<_, Option<String>>(2)?
                        .unwrap_or_else(|| "{}".into()),
                    was_edited: false,
                    deleted: false,
                    date_created: parley_protocol::Timestamp(created).to_string(),
                    state: if r.get::<_, String>(3)? == "failed" {
                        MessageState::Failed
                    } else {
                        MessageState::Pending
                    },
                    outbox_id: Some(r.get(0)?),
                    error: r.get(4)?,
                    media: match r.get::<_, Option<String>>(6)? {
                        None => None,
                        Some(_) => Some(MediaView {
                            sid: r.get(10)?,
                            size: r.get::<_, Option<i64>>(9)?.unwrap_or(0).max(0) as u64,
                            content_type: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                            filename: r.get(8)?,
                            cached: true,
                        }),
                    },
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// The message of `channel` that carries the media file `sid`.
    pub fn message_with_media(&self, channel: &str, sid: &str) -> Result<Option<MessageView>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m
             WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.media IS NOT NULL AND json_extract(m.media, '$.sid') = ?2"
        ))?;
        let mut rows = stmt.query_map(params![channel, sid], message)?;
        Ok(rows.next().transpose()?)
    }

    /// Up to `limit` messages after index `after`, oldest first.
    pub fn messages_after(
        &self,
        channel: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<MessageView>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.idx > ?2 ORDER BY m.idx ASC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![channel, after, limit], message)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether older messages than the oldest cached one exist on the server.
    pub fn has_older(&self, channel: &str) -> Result<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT has_older FROM channels WHERE sid = ?1",
                [channel],
                |r| r.get(0),
            )
            .unwrap_or(false))
    }

    /// The oldest cached index of a channel.
    pub fn oldest_index(&self, channel: &str) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(idx) FROM messages WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1)",
            [channel],
            |r| r.get(0),
        )?)
    }

    /// The members of a channel with their read horizons (for read
    /// receipts) and presence.
    pub fn members(&self, channel: &str) -> Result<Vec<MemberView>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(
            "SELECT m.identity, m.last_consumed_index, u.friendly_name, u.is_online
             FROM members m LEFT JOIN users u ON u.identity = m.identity
             WHERE m.channel_sid = ?1 ORDER BY m.identity",
        )?;
        let rows = stmt.query_map([channel], |r| {
            Ok(MemberView {
                identity: r.get(0)?,
                last_consumed_index: r.get(1)?,
                friendly_name: r.get(2)?,
                online: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The channel role of `identity` in `channel`, if a member.
    pub fn member_role(&self, channel: &str, identity: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT role_sid FROM members WHERE channel_sid = ?1 AND identity = ?2",
                params![channel, identity],
                |r| r.get(0),
            )
            .ok()
            .flatten())
    }

    /// Full-text search over every cached message, newest first, optionally
    /// in one channel; case and diacritics folded; FTS syntax in the query is
    /// treated as plain text. The last word also matches as a prefix
    /// (`depl` finds `deploy`): exact words are tried first, and the prefix
    /// search (which must read the whole posting list) only runs when they
    /// give fewer than `limit` hits.
    pub fn search(&self, query: &str, channel: Option<&str>, limit: u32) -> Result<Vec<SearchHit>> {
        let words: Vec<&str> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let exact = words
            .iter()
            .map(|w| search_text::phrase(w))
            .collect::<Vec<_>>()
            .join(" ");
        let hits = self.search_fts(&exact, channel, limit)?;
        if hits.len() >= limit as usize {
            return Ok(hits);
        }
        self.search_fts(&format!("{exact}*"), channel, limit)
    }

    fn search_fts(&self, fts: &str, channel: Option<&str>, limit: u32) -> Result<Vec<SearchHit>> {
        let c = self.conn();
        // The full-text index is walked newest first (message ids are
        // time-ordered): no sort of every match.
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS}, snippet(messages_fts, 0, '[', ']', '…', 12)
             FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
             WHERE messages_fts MATCH ?1 AND m.deleted = 0 AND (?2 IS NULL OR m.ch = (SELECT n FROM channel_keys WHERE sid = ?2))
             ORDER BY messages_fts.rowid DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![fts, channel, limit], |r| {
            Ok(SearchHit {
                message: message(r)?,
                snippet: search_text::tidy(&r.get::<_, String>(11)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Unread messages over joined channels that are not muted (the badge).
    pub fn badge_count(&self) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(SUM(unread), 0) FROM channels WHERE status = 'joined' AND notify != 'muted'",
            [],
            |r| r.get(0),
        )?)
    }
}
