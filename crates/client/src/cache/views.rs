//! What the UI reads: the channel list with unread counts and last message,
//! pages of messages (with pending and failed sends after the known ones),
//! members, and full-text search — all from the cache alone.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use parley_protocol::{ChannelSid, ChannelType, MessageSid};

use super::states::{ChannelStatus, MessageState, NotifyPolicy};
use super::threads::attach_threads;
use super::{search_query, search_text, Cache, MediaView};
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
    /// Unread messages that mention the user (by name, or everyone).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub mentions: i64,
    pub notify: NotifyPolicy,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub last_consumed_index: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub members_count: i64,
    /// The channel's attributes (JSON text).
    pub attributes: String,
    /// A direct conversation: the other people in it (see `direct`).
    pub direct: Vec<String>,
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
    /// The message it answers, as quoted when it was written.
    pub reply: Option<ReplyView>,
    /// Whether it mentions the user (by name, or everyone).
    pub mentions_me: bool,
    /// Reactions on it, one entry per emoji in the order first used.
    pub reactions: Vec<ReactionView>,
    /// Pinned in its channel.
    pub pinned: bool,
    /// Saved by the user for later.
    pub saved: bool,
    /// A reply in a thread: the thread's first message.
    pub thread_root: Option<MessageSid>,
    /// The first message of a thread: its replies (`threads.rs`).
    pub thread: Option<ThreadView>,
}

/// The replies in the thread of a message, as its row shows them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadView {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub replies: i64,
    /// Replies by others the user has not read in the thread.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub unread: i64,
    pub last_reply: String,
    /// Who replied, each once, in the order they first did.
    pub people: Vec<String>,
}

/// The message a reply answers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyView {
    pub to: MessageSid,
    pub author: String,
    pub excerpt: String,
}

/// One emoji's reactions on a message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactionView {
    pub emoji: String,
    /// Who reacted, in the order they did (each once).
    pub who: Vec<String>,
    /// Whether the user is among them.
    pub mine: bool,
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
    /// What they say about themselves (`Attributes.parley.status`).
    pub status: Option<String>,
}

/// A search result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub message: MessageView,
    /// The body with matches wrapped in `[` `]` markers (plain text, not HTML).
    pub snippet: String,
}

pub(super) const MESSAGE_COLUMNS: &str =
    "m.sid, (SELECT k.sid FROM channel_keys k WHERE k.n = m.ch), m.idx, m.author, m.body, m.attributes, m.was_edited, m.deleted, m.created_at, m.media,
     EXISTS (SELECT 1 FROM media_files f WHERE m.media IS NOT NULL AND f.sid = json_extract(m.media, '$.sid')), m.mentions_me";

/// The other people of a direct conversation: a private channel marked as
/// one and made by one of its people (`direct.rs`); empty otherwise.
fn direct_with(kind: &str, attributes: &str, created_by: Option<String>, me: &str) -> Vec<String> {
    if kind != "private" || !attributes.contains(parley_protocol::attributes::KEY) {
        return Vec::new();
    }
    let people = parley_protocol::attributes::ChannelMarks::of(attributes).dm;
    if !created_by.is_some_and(|c| people.contains(&c)) || !people.iter().any(|p| p == me) {
        return Vec::new();
    }
    people.into_iter().filter(|p| p != me).collect()
}

/// The reply a message's attributes quote.
/// The root of the thread a message with `attributes` is in.
fn thread_of(attributes: &str) -> Option<MessageSid> {
    if !attributes.contains(parley_protocol::attributes::KEY) {
        return None;
    }
    Some(
        parley_protocol::attributes::Marks::of(attributes)
            .thread?
            .root,
    )
}

fn reply_of(attributes: &str) -> Option<ReplyView> {
    if !attributes.contains(parley_protocol::attributes::KEY) {
        return None;
    }
    let r = parley_protocol::attributes::Marks::of(attributes).reply?;
    Some(ReplyView {
        to: r.to,
        author: r.author,
        excerpt: r.excerpt,
    })
}

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

pub(super) fn message(r: &Row<'_>) -> rusqlite::Result<MessageView> {
    let attributes: String = r.get(5)?;
    Ok(MessageView {
        thread_root: thread_of(&attributes),
        thread: None,
        sid: Some(r.get(0)?),
        channel_sid: r.get(1)?,
        index: Some(r.get(2)?),
        author: r.get(3)?,
        body: r.get(4)?,
        reply: reply_of(&attributes),
        mentions_me: r.get(11)?,
        reactions: Vec::new(),
        pinned: false,
        saved: false,
        attributes,
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
        let me: String = c
            .query_row("SELECT value FROM meta WHERE key = 'identity'", [], |r| {
                r.get(0)
            })
            .unwrap_or_default();
        let mut stmt = c.prepare_cached(
            "SELECT sid, unique_name, friendly_name, type, status, unread, notify, last_consumed_index, members_count,
                    attributes, created_by,
                    CASE WHEN status = 'joined' THEN
                      (SELECT COUNT(*) FROM messages m INDEXED BY messages_mentions WHERE m.mentions_me = 1 AND m.ch = (SELECT n FROM channel_keys WHERE sid = channels.sid)
                         AND m.idx > COALESCE(channels.last_consumed_index, -1) AND m.mentions_me = 1
                         AND m.reaction_to IS NULL AND m.deleted = 0
                         AND (m.thread_root IS NULL OR m.idx > COALESCE((SELECT r.idx FROM thread_reads r WHERE r.channel_sid = channels.sid AND r.root = m.thread_root), -1))
                         AND m.author != (SELECT value FROM meta WHERE key = 'identity'))
                    ELSE 0 END
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
                    direct: direct_with(
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(9)?,
                        r.get(10)?,
                        &me,
                    ),
                    attributes: r.get(9)?,
                    mentions: r.get(11)?,
                    last_message: None,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        // A conversation stays direct only while nobody else is in it (its
        // admin could add someone: then it is a private channel).
        let mut members =
            c.prepare_cached("SELECT identity FROM members WHERE channel_sid = ?1")?;
        for ch in out.iter_mut().filter(|c| !c.direct.is_empty()) {
            let now: Vec<String> = members
                .query_map([&ch.sid], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if now.iter().any(|m| *m != me && !ch.direct.contains(m)) {
                ch.direct.clear();
            }
        }
        let mut last = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.hidden = 0 ORDER BY m.idx DESC LIMIT 1"
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
                mentions: 0,
                notify: NotifyPolicy::All,
                last_consumed_index: None,
                members_count: r.get(5)?,
                attributes: r.get(6)?,
                direct: Vec::new(),
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
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.idx < ?2 AND m.hidden = 0 ORDER BY m.idx DESC LIMIT ?3"
        ))?;
        let mut out: Vec<MessageView> = stmt
            .query_map(params![channel, before.unwrap_or(i64::MAX), limit], message)?
            .collect::<rusqlite::Result<_>>()?;
        out.reverse();
        if before.is_none() {
            out.extend(pending_sends(&c, channel, None)?);
        }
        attach_threads(&c, channel, &mut out)?;
        attach_reactions(&c, channel, &mut out)?;
        attach_pins(&c, channel, &mut out)?;
        Ok(out)
    }

    /// A cached channel's attributes.
    pub fn channel_attributes(&self, channel: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT attributes FROM channels WHERE sid = ?1",
                [channel],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Message `sid` of `channel`, if cached.
    pub fn message_by_sid(&self, channel: &str, sid: &MessageSid) -> Result<Option<MessageView>> {
        let c = self.conn();
        let mut stmt = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.sid = ?2"
        ))?;
        let mut rows = stmt.query_map(params![channel, sid], message)?;
        Ok(rows.next().transpose()?)
    }

    /// `me`'s `emoji` reactions on message `to`: the delivered ones (not
    /// deleted) by SID, and the outbox entries of those not sent yet.
    pub fn own_reactions(
        &self,
        channel: &str,
        to: &MessageSid,
        emoji: &str,
        me: &str,
    ) -> Result<(Vec<String>, Vec<i64>)> {
        let c = self.conn();
        let delivered = c
            .prepare_cached(
                "SELECT sid FROM messages WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1)
                   AND reaction_to = ?2 AND reaction = ?3 AND author = ?4 AND deleted = 0",
            )?
            .query_map(params![channel, to, emoji, me], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        let pending = c
            .prepare_cached(
                "SELECT id FROM outbox WHERE channel_sid = ?1 AND kind = 'send' AND state != 'failed' AND attributes IS NOT NULL
                   AND json_extract(attributes, '$.parley.reaction.to') = ?2
                   AND json_extract(attributes, '$.parley.reaction.emoji') = ?3",
            )?
            .query_map(params![channel, to, emoji], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok((delivered, pending))
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
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.idx > ?2 AND m.hidden = 0 ORDER BY m.idx ASC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![channel, after, limit], message)?;
        let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        attach_threads(&c, channel, &mut out)?;
        attach_reactions(&c, channel, &mut out)?;
        attach_pins(&c, channel, &mut out)?;
        Ok(out)
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
            "SELECT m.identity, m.last_consumed_index, u.friendly_name, u.is_online, u.attributes
             FROM members m LEFT JOIN users u ON u.identity = m.identity
             WHERE m.channel_sid = ?1 ORDER BY m.identity",
        )?;
        let rows = stmt.query_map([channel], |r| {
            Ok(MemberView {
                identity: r.get(0)?,
                last_consumed_index: r.get(1)?,
                friendly_name: r.get(2)?,
                online: r.get(3)?,
                status: r
                    .get::<_, Option<String>>(4)?
                    .and_then(|a| parley_protocol::attributes::UserMarks::of(&a).status)
                    .filter(|s| !s.trim().is_empty()),
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

    /// Search over every cached message, newest first, optionally in one
    /// channel: words (full text; case and diacritics folded; FTS syntax is
    /// plain text) and filters (`search_query`: from, in, before, after,
    /// has:file, has:link, is:pinned), combined. The last word also matches
    /// as a prefix (`depl` finds `deploy`): exact words are tried first, and
    /// the prefix search (which must read the whole posting list) only runs
    /// when they give fewer than `limit` hits. Filters alone list what they
    /// match.
    pub fn search(&self, query: &str, channel: Option<&str>, limit: u32) -> Result<Vec<SearchHit>> {
        let q = search_query::parse(query);
        let text = q.words.join(" ");
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        if words.is_empty() {
            if !q.has_filters() {
                return Ok(Vec::new());
            }
            return self.search_where(None, &q, channel, limit);
        }
        let exact = words
            .iter()
            .map(|w| search_text::phrase(w))
            .collect::<Vec<_>>()
            .join(" ");
        let hits = self.search_where(Some(&exact), &q, channel, limit)?;
        if hits.len() >= limit as usize {
            return Ok(hits);
        }
        self.search_where(Some(&format!("{exact}*")), &q, channel, limit)
    }

    /// One search: `fts` (an FTS5 expression) when there are words, and the
    /// query's filters as conditions.
    fn search_where(
        &self,
        fts: Option<&str>,
        q: &search_query::SearchQuery,
        channel: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SearchHit>> {
        use rusqlite::types::Value;
        let mut cond = vec![
            // Replies in threads are found too; reactions are not.
            "m.deleted = 0 AND m.reaction_to IS NULL".to_owned(),
            "(?2 IS NULL OR m.ch = (SELECT n FROM channel_keys WHERE sid = ?2))".to_owned(),
        ];
        let mut args: Vec<Value> = vec![
            Value::Text(fts.unwrap_or_default().to_owned()),
            channel.map_or(Value::Null, |c| Value::Text(c.to_owned())),
            Value::Integer(i64::from(limit)),
        ];
        let arg = |v: Value, args: &mut Vec<Value>| {
            args.push(v);
            format!("?{}", args.len())
        };
        if !q.from.is_empty() {
            let any: Vec<String> = q
                .from
                .iter()
                .map(|who| {
                    let p = arg(Value::Text(who.to_lowercase()), &mut args);
                    format!("lower(m.author) = {p} OR m.author IN (SELECT identity FROM users WHERE lower(friendly_name) = {p})")
                })
                .collect();
            cond.push(format!("({})", any.join(" OR ")));
        }
        if !q.channels.is_empty() {
            let any: Vec<String> = q
                .channels
                .iter()
                .map(|name| {
                    let p = arg(Value::Text(name.to_lowercase()), &mut args);
                    format!("lower(c.unique_name) = {p} OR lower(c.friendly_name) = {p} OR lower(c.sid) = {p}")
                })
                .collect();
            cond.push(format!(
                "m.ch IN (SELECT k.n FROM channel_keys k JOIN channels c ON c.sid = k.sid WHERE {})",
                any.join(" OR ")
            ));
        }
        if let Some(t) = q.before {
            cond.push(format!(
                "m.created_at < {}",
                arg(Value::Integer(t), &mut args)
            ));
        }
        if let Some(t) = q.after {
            cond.push(format!(
                "m.created_at >= {}",
                arg(Value::Integer(t), &mut args)
            ));
        }
        if q.has_file {
            cond.push("m.media IS NOT NULL".into());
        }
        if q.has_link {
            cond.push(
                "(m.body LIKE '%http://%' OR m.body LIKE '%https://%' OR m.body LIKE '%www.%')"
                    .into(),
            );
        }
        if q.pinned {
            cond.push(
                "EXISTS (SELECT 1 FROM channel_keys k JOIN channels c ON c.sid = k.sid,
                   json_each(CASE WHEN json_valid(c.attributes) THEN c.attributes ELSE '{}' END, '$.parley.pins') p
                 WHERE k.n = m.ch AND p.value = m.sid)"
                    .into(),
            );
        }
        let cond = cond.join(" AND ");
        let c = self.conn();
        // The full-text index is walked newest first (message ids are
        // time-ordered): no sort of every match; filters alone walk the
        // messages newest first the same way.
        let sql = match fts {
            Some(_) => format!(
                "SELECT {MESSAGE_COLUMNS}, snippet(messages_fts, 0, '[', ']', '…', 12)
                 FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
                 WHERE messages_fts MATCH ?1 AND {cond}
                 ORDER BY messages_fts.rowid DESC LIMIT ?3"
            ),
            None => format!(
                "SELECT {MESSAGE_COLUMNS}, substr(m.body, 1, 200)
                 FROM messages m WHERE ?1 = '' AND {cond} ORDER BY m.id DESC LIMIT ?3"
            ),
        };
        let mut stmt = c.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok(SearchHit {
                message: message(r)?,
                snippet: search_text::tidy(&r.get::<_, String>(12)?),
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

/// The user's sends to `channel` still in the outbox (pending or failed),
/// oldest first: those of the channel's timeline, or of the thread of
/// `thread`. Reactions are not among them (they show on their targets).
pub(super) fn pending_sends(
    c: &rusqlite::Connection,
    channel: &str,
    thread: Option<&str>,
) -> Result<Vec<MessageView>> {
    let me: String = c
        .query_row("SELECT value FROM meta WHERE key = 'identity'", [], |r| {
            r.get(0)
        })
        .unwrap_or_default();
    let mut pending = c.prepare_cached(
        "SELECT id, body, attributes, state, error_message, created_at,
                media_path, media_type, media_filename, media_size, media_sid, channel_sid FROM outbox
         WHERE channel_sid = ?1 AND kind = 'send'
           AND json_extract(COALESCE(attributes, '{}'), '$.parley.reaction') IS NULL
           AND json_extract(COALESCE(attributes, '{}'), '$.parley.thread.root') IS ?2
         ORDER BY id",
    )?;
    let rows = pending.query_map(params![channel, thread], |r| {
        let created: i64 = r.get(5)?;
        let attributes = r
            .get::<_, Option<String>>(2)?
            .unwrap_or_else(|| "{}".into());
        Ok(MessageView {
            reply: reply_of(&attributes),
            thread_root: thread_of(&attributes),
            thread: None,
            mentions_me: false,
            reactions: Vec::new(),
            pinned: false,
            saved: false,
            sid: None,
            channel_sid: r.get(11)?,
            index: None,
            author: me.clone(),
            body: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            attributes,
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
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks `page`'s messages of `channel` that are pinned there or saved by
/// the user (`pins.rs`).
pub(super) fn attach_pins(
    c: &rusqlite::Connection,
    channel: &str,
    page: &mut [MessageView],
) -> Result<()> {
    use parley_protocol::attributes::ChannelMarks;
    let pins = c
        .query_row(
            "SELECT attributes FROM channels WHERE sid = ?1",
            [channel],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|a| ChannelMarks::of(&a).pins)
        .unwrap_or_default();
    let saved: Vec<String> = c
        .query_row("SELECT value FROM settings WHERE key = 'saved'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|j| serde_json::from_str::<Vec<serde_json::Value>>(&j).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s["message"].as_str().map(str::to_owned))
        .collect();
    if pins.is_empty() && saved.is_empty() {
        return Ok(());
    }
    for m in page.iter_mut() {
        if let Some(sid) = &m.sid {
            m.pinned = pins.contains(sid);
            m.saved = saved.iter().any(|s| s == sid.as_str());
        }
    }
    Ok(())
}

/// Fills in the reactions on `page`'s messages of `channel`: the
/// reactions delivered (a deleted one is gone at once) and the user's
/// own still in the outbox, each person once per emoji.
pub(super) fn attach_reactions(
    c: &rusqlite::Connection,
    channel: &str,
    page: &mut [MessageView],
) -> Result<()> {
    let sids: Vec<&str> = page.iter().filter_map(|m| m.sid.as_deref()).collect();
    if sids.is_empty() {
        return Ok(());
    }
    let me: String = c
        .query_row("SELECT value FROM meta WHERE key = 'identity'", [], |r| {
            r.get(0)
        })
        .unwrap_or_default();
    let wanted = serde_json::to_string(&sids).unwrap_or_else(|_| "[]".into());
    let mut stmt = c.prepare_cached(
        "SELECT reaction_to, reaction, author FROM (
           SELECT m.reaction_to, m.reaction, m.author, 0 AS k, m.idx AS o FROM messages m
            WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.reaction_to IS NOT NULL
              AND m.deleted = 0 AND m.reaction_to IN (SELECT value FROM json_each(?2))
           UNION ALL
           SELECT json_extract(o.attributes, '$.parley.reaction.to'), json_extract(o.attributes, '$.parley.reaction.emoji'),
                  ?3, 1 AS k, o.id AS o FROM outbox o
            WHERE o.channel_sid = ?1 AND o.kind = 'send' AND o.state != 'failed' AND o.attributes IS NOT NULL
              AND json_extract(o.attributes, '$.parley.reaction.to') IN (SELECT value FROM json_each(?2))
         ) ORDER BY k, o",
    )?;
    let rows = stmt.query_map(params![channel, wanted, me], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut by_target: std::collections::HashMap<String, Vec<ReactionView>> =
        std::collections::HashMap::new();
    for row in rows {
        let (to, emoji, who) = row?;
        let list = by_target.entry(to).or_default();
        let entry = match list.iter_mut().position(|r| r.emoji == emoji) {
            Some(i) => &mut list[i],
            None => {
                list.push(ReactionView {
                    emoji,
                    who: Vec::new(),
                    mine: false,
                });
                let last = list.len() - 1;
                &mut list[last]
            }
        };
        if !entry.who.contains(&who) {
            entry.mine |= who == me;
            entry.who.push(who);
        }
    }
    for m in page.iter_mut() {
        if let Some(r) = m.sid.as_deref().and_then(|s| by_target.remove(s)) {
            m.reactions = r;
        }
    }
    Ok(())
}
