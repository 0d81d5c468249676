//! Applying what the server says to the cache: REST resources from a sync
//! and change events from the stream. Each event is applied together with
//! its cursor in one transaction, so a crash never applies half an event or
//! skips one. These are plain functions of (cache, input): the sync engine
//! only moves data between the network and here.

use parley_protocol::realtime::{EventKind, ServerFrame};
use parley_protocol::resources::{Channel, Invite, Member, Message, User, UserChannel};
use parley_protocol::ChannelSid;
use rusqlite::{params, Connection, OptionalExtension};

use super::Cache;
use crate::error::Result;

/// The newest page of one channel's history as a sync fetched it.
#[derive(Debug, Clone)]
pub struct ChannelPage {
    /// The channel.
    pub channel_sid: ChannelSid,
    /// Its newest messages, oldest first.
    pub messages: Vec<Message>,
    /// Where older history continues (the server's next-page URL); None
    /// when this page reaches the channel's first message.
    pub older: Option<String>,
    /// The channel's members, when they were fetched too.
    pub members: Option<Vec<Member>>,
}

/// What an applied event changed, for change events and notifications.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Applied {
    /// The channel list (names, membership, unread counts) changed.
    pub channels_changed: bool,
    /// Messages of this channel changed.
    pub messages_changed: Option<ChannelSid>,
    /// A message by someone else arrived (not seen before).
    pub new_message: Option<Message>,
    /// The user was added to this channel.
    pub added_to: Option<Channel>,
    /// The user was invited to this channel.
    pub invited_to: Option<Channel>,
    /// The user left or was removed from this channel.
    pub removed_from: Option<Channel>,
    /// A user's profile or presence changed.
    pub user_changed: Option<String>,
}

fn status_of(conn: &Connection, sid: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT status FROM channels WHERE sid = ?1", [sid], |r| {
        r.get(0)
    })
    .optional()
}

pub(crate) fn upsert_channel(
    conn: &Connection,
    ch: &Channel,
    status: Option<&str>,
) -> rusqlite::Result<()> {
    let status = match (status, status_of(conn, &ch.sid)?) {
        (Some(s), _) => s.to_owned(),
        (None, Some(existing)) => existing,
        (None, None) => "public".to_owned(),
    };
    let kind = ch.kind;
    conn.execute(
        "INSERT INTO channels (sid, unique_name, friendly_name, attributes, type, created_by, members_count,
             messages_count, date_created, date_updated, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(sid) DO UPDATE SET unique_name = excluded.unique_name, friendly_name = excluded.friendly_name,
             attributes = excluded.attributes, type = excluded.type, created_by = excluded.created_by,
             members_count = excluded.members_count, messages_count = excluded.messages_count,
             date_created = excluded.date_created, date_updated = excluded.date_updated, status = excluded.status",
        params![
            ch.sid, ch.unique_name, ch.friendly_name, ch.attributes, kind, ch.created_by, ch.members_count,
            ch.messages_count as i64, ch.date_created.to_string(), ch.date_updated.to_string(), status,
        ],
    )?;
    Ok(())
}

fn remove_channel(conn: &Connection, sid: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM messages WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1)",
        [sid],
    )?;
    conn.execute("DELETE FROM members WHERE channel_sid = ?1", [sid])?;
    conn.execute("DELETE FROM invites WHERE channel_sid = ?1", [sid])?;
    conn.execute("DELETE FROM channels WHERE sid = ?1", [sid])?;
    Ok(())
}

/// The time-ordered key of a message: its creation second in the high 33
/// bits, then 30 bits of a hash of (channel, index), so messages of the same
/// second rarely collide (a collision is resolved by probing).
fn order_key(m: &Message) -> i64 {
    const FNV_PRIME: u64 = 0x100_0000_01b3;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in m.channel_sid.bytes().chain(m.index.to_le_bytes()) {
        h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
    }
    let spread = ((h >> 34) ^ h) & 0x3FFF_FFFF;
    (m.date_created.0.clamp(0, (1 << 33) - 1) << 30) | spread as i64
}

/// The small integer that stands for a channel in the messages table.
fn channel_key(conn: &Connection, sid: &str) -> rusqlite::Result<i64> {
    let found = conn
        .prepare_cached("SELECT n FROM channel_keys WHERE sid = ?1")?
        .query_row([sid], |r| r.get(0))
        .optional()?;
    match found {
        Some(n) => Ok(n),
        None => {
            conn.prepare_cached("INSERT INTO channel_keys (sid) VALUES (?1)")?
                .execute([sid])?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// The columns a message's Parley marks fill (docs/attributes.md).
struct MarkColumns {
    hidden: bool,
    reaction_to: Option<String>,
    reaction: Option<String>,
    mentions_me: bool,
    thread_root: Option<String>,
}

/// Reads `m`'s marks; `mentions_me` also for a client that writes none
/// (`@identity` in the text).
fn mark_columns(conn: &Connection, m: &Message) -> rusqlite::Result<MarkColumns> {
    let me: String = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'identity'")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default();
    let marks = if m.attributes.contains(parley_protocol::attributes::KEY) {
        parley_protocol::attributes::Marks::of(&m.attributes)
    } else {
        Default::default()
    };
    let named = !me.is_empty() && crate::notify::mentions(&m.body, &me, None);
    Ok(MarkColumns {
        hidden: marks.is_hidden(),
        mentions_me: named || (!me.is_empty() && marks.mentions(&me)),
        reaction_to: marks.reaction.as_ref().map(|r| r.to.to_string()),
        reaction: marks.reaction.map(|r| r.emoji),
        thread_root: marks.thread.map(|t| t.root.to_string()),
    })
}

/// Whether a message with `attributes` is hidden from its channel's
/// timeline (a reaction, a reply in a thread).
pub(crate) fn is_hidden(attributes: &str) -> bool {
    attributes.contains(parley_protocol::attributes::KEY)
        && parley_protocol::attributes::Marks::of(attributes).is_hidden()
}

/// Whether a message with `attributes` is a reaction.
fn is_reaction(attributes: &str) -> bool {
    attributes.contains(parley_protocol::attributes::KEY)
        && parley_protocol::attributes::Marks::of(attributes)
            .reaction
            .is_some()
}

/// Inserts a new message row and indexes it for search; false if a message
/// with this SID is already cached.
fn insert_message(conn: &Connection, ch: i64, m: &Message) -> rusqlite::Result<bool> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO messages (id, sid, ch, idx, author, body, attributes, media, was_edited, created_at, updated_at,
                               hidden, reaction_to, reaction, mentions_me, thread_root)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let marks = mark_columns(conn, m)?;
    let media = m
        .media
        .as_ref()
        .map(|x| serde_json::to_string(x).unwrap_or_default());
    let mut key = order_key(m);
    loop {
        let r = insert.execute(params![
            key,
            m.sid,
            ch,
            m.index,
            m.from,
            m.body,
            m.attributes,
            media,
            m.was_edited,
            m.date_created.0,
            m.date_updated.0,
            marks.hidden,
            marks.reaction_to,
            marks.reaction,
            marks.mentions_me,
            marks.thread_root,
        ]);
        match r {
            Ok(_) => break,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
            {
                key += 1;
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    conn.prepare_cached("INSERT INTO messages_fts(rowid, body) VALUES (?1, ?2)")?
        .execute(params![key, super::search_text::for_index(&m.body)])?;
    Ok(true)
}

/// Updates a cached message from its resource (the FTS update trigger
/// reindexes a changed body).
fn update_message(conn: &Connection, m: &Message) -> rusqlite::Result<()> {
    let media = m
        .media
        .as_ref()
        .map(|x| serde_json::to_string(x).unwrap_or_default());
    let marks = mark_columns(conn, m)?;
    conn.prepare_cached(
        "UPDATE messages SET body = ?2, attributes = ?3, media = ?4, was_edited = ?5, updated_at = ?6, author = ?7,
                hidden = ?9, reaction_to = ?10, reaction = ?11, mentions_me = ?12, thread_root = ?13
         WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND idx = ?8
           AND (body != ?2 OR attributes != ?3 OR media IS NOT ?4 OR was_edited != ?5 OR updated_at != ?6)",
    )?
    .execute(params![
        m.channel_sid,
        m.body,
        m.attributes,
        media,
        m.was_edited,
        m.date_updated.0,
        m.from,
        m.index,
        marks.hidden,
        marks.reaction_to,
        marks.reaction,
        marks.mentions_me,
        marks.thread_root
    ])?;
    Ok(())
}

/// Inserts or updates a message; true if it was not cached before.
pub(crate) fn upsert_message(conn: &Connection, m: &Message) -> rusqlite::Result<bool> {
    let ch = channel_key(conn, &m.channel_sid)?;
    upsert_keyed(conn, ch, m)
}

/// Upserts a page of `channel`'s messages, looking the channel's key up
/// once (a message of another channel, which a page never holds, is
/// stored under its own).
fn upsert_page(conn: &Connection, channel: &str, msgs: &[Message]) -> rusqlite::Result<()> {
    let Some(first) = msgs.first() else {
        return Ok(());
    };
    let ch = channel_key(conn, &first.channel_sid)?;
    for m in msgs {
        if m.channel_sid == channel && m.channel_sid == first.channel_sid {
            upsert_keyed(conn, ch, m)?;
        } else {
            upsert_message(conn, m)?;
        }
    }
    Ok(())
}

/// [`upsert_message`] for a message of the channel keyed `ch`.
fn upsert_keyed(conn: &Connection, ch: i64, m: &Message) -> rusqlite::Result<bool> {
    if insert_message(conn, ch, m)? {
        return Ok(true);
    }
    update_message(conn, m)?;
    Ok(false)
}

fn upsert_member(conn: &Connection, m: &Member) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO members (sid, channel_sid, identity, role_sid, attributes, last_consumed_index)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(sid) DO UPDATE SET role_sid = excluded.role_sid, attributes = excluded.attributes,
             last_consumed_index = excluded.last_consumed_index",
        params![m.sid, m.channel_sid, m.identity, m.role_sid, m.attributes, m.last_consumed_message_index],
    )?;
    Ok(())
}

pub(crate) fn upsert_user(conn: &Connection, u: &User) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (identity, sid, friendly_name, attributes, is_online) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(identity) DO UPDATE SET sid = excluded.sid, friendly_name = excluded.friendly_name,
             attributes = excluded.attributes, is_online = COALESCE(excluded.is_online, users.is_online)",
        params![u.identity, u.sid, u.friendly_name, u.attributes, u.is_online],
    )?;
    Ok(())
}

pub(crate) fn set_user_channel(conn: &Connection, uc: &UserChannel) -> rusqlite::Result<()> {
    let status = match uc.status.as_str() {
        "joined" => "joined",
        "invited" => "invited",
        _ => "public",
    };
    conn.execute(
        "UPDATE channels SET status = ?2, last_consumed_index = ?3, unread = COALESCE(?4, unread),
             notification_level = COALESCE(?5, notification_level),
             notify = CASE WHEN ?5 = 'muted' THEN 'muted' WHEN ?5 = 'default' AND notify = 'muted' THEN 'all' ELSE notify END
         WHERE sid = ?1",
        params![uc.channel_sid, status, uc.last_consumed_message_index, uc.unread_messages_count, uc.notification_level],
    )?;
    Ok(())
}

fn parse<T: serde::de::DeserializeOwned>(v: &serde_json::Value) -> Option<T> {
    serde_json::from_value(v.clone()).ok()
}

fn apply_in(
    conn: &Connection,
    me: &str,
    kind: EventKind,
    data: &serde_json::Value,
) -> rusqlite::Result<Applied> {
    let mut out = Applied::default();
    match kind {
        EventKind::MessageAdded | EventKind::MessageUpdated => {
            if let Some(m) = parse::<Message>(data) {
                let new = upsert_message(conn, &m)?;
                if new {
                    // A send of ours whose POST has not returned yet: the echo replaces it.
                    conn.execute(
                        "DELETE FROM outbox WHERE id = (SELECT id FROM outbox WHERE kind = 'send' AND state = 'sending'
                           AND channel_sid = ?1 AND body = ?2 AND ?3 = ?4 ORDER BY id LIMIT 1)",
                        params![m.channel_sid, m.body, m.from, me],
                    )?;
                }
                // A reaction is neither unread nor notified: it shows on its
                // target. A reply in a thread is not unread in the channel;
                // whether it is notified is sync's call (who took part).
                if new && kind == EventKind::MessageAdded && m.from != me {
                    if !is_hidden(&m.attributes) {
                        conn.execute(
                            "UPDATE channels SET unread = unread + 1, messages_count = MAX(messages_count, ?3)
                             WHERE sid = ?1 AND status = 'joined' AND COALESCE(last_consumed_index, -1) < ?2",
                            params![m.channel_sid, m.index, m.index + 1],
                        )?;
                        out.channels_changed = true;
                    }
                    if !is_reaction(&m.attributes) {
                        out.new_message = Some(m.clone());
                        // (A reply in a thread can change the mention badge.)
                        out.channels_changed = true;
                    }
                }
                out.messages_changed = Some(m.channel_sid.clone());
            }
        }
        EventKind::MessageRemoved => {
            if let Some(m) = parse::<Message>(data) {
                conn.execute(
                    "UPDATE messages SET deleted = 1, body = '' WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND idx = ?2",
                    params![m.channel_sid, m.index],
                )?;
                out.messages_changed = Some(m.channel_sid);
            }
        }
        EventKind::ChannelAdded => {
            if let Some(ch) = parse::<Channel>(data) {
                let before = status_of(conn, &ch.sid)?;
                let joined = conn
                    .query_row(
                        "SELECT 1 FROM members WHERE channel_sid = ?1 AND identity = ?2",
                        params![ch.sid, me],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                let invited = conn
                    .query_row(
                        "SELECT 1 FROM invites WHERE channel_sid = ?1 AND identity = ?2",
                        params![ch.sid, me],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                let status = if joined || before.as_deref() == Some("joined") {
                    "joined"
                } else if invited {
                    "invited"
                } else {
                    before.as_deref().unwrap_or("public")
                };
                upsert_channel(conn, &ch, Some(status))?;
                if status == "joined" && before.as_deref() != Some("joined") {
                    out.added_to = Some(ch);
                } else if status == "invited" && before.as_deref() != Some("invited") {
                    out.invited_to = Some(ch);
                }
                out.channels_changed = true;
            }
        }
        EventKind::ChannelUpdated => {
            if let Some(ch) = parse::<Channel>(data) {
                upsert_channel(conn, &ch, None)?;
                out.channels_changed = true;
            }
        }
        EventKind::ChannelRemoved => {
            if let Some(ch) = parse::<Channel>(data) {
                let was = status_of(conn, &ch.sid)?;
                remove_channel(conn, &ch.sid)?;
                if matches!(was.as_deref(), Some("joined") | Some("invited")) {
                    out.removed_from = Some(ch);
                }
                out.channels_changed = true;
            }
        }
        EventKind::MemberJoined | EventKind::MemberUpdated => {
            if let Some(m) = parse::<Member>(data) {
                upsert_member(conn, &m)?;
                if m.identity == me {
                    conn.execute(
                        "UPDATE channels SET status = 'joined', last_consumed_index = ?2 WHERE sid = ?1",
                        params![m.channel_sid, m.last_consumed_message_index],
                    )?;
                    conn.execute(
                        "DELETE FROM invites WHERE channel_sid = ?1 AND identity = ?2",
                        params![m.channel_sid, me],
                    )?;
                    out.channels_changed = true;
                }
                out.messages_changed = Some(m.channel_sid);
            }
        }
        EventKind::MemberLeft => {
            if let Some(m) = parse::<Member>(data) {
                conn.execute("DELETE FROM members WHERE sid = ?1", [&m.sid])?;
                out.messages_changed = Some(m.channel_sid);
            }
        }
        EventKind::UserChannelUpdated => {
            if let Some(uc) = parse::<UserChannel>(data) {
                set_user_channel(conn, &uc)?;
                out.channels_changed = true;
            }
        }
        EventKind::UserUpdated => {
            if let Some(u) = parse::<User>(data) {
                upsert_user(conn, &u)?;
                out.user_changed = Some(u.identity);
            }
        }
        EventKind::InviteAdded => {
            if let Some(i) = parse::<Invite>(data) {
                conn.execute(
                    "INSERT OR REPLACE INTO invites (sid, channel_sid, identity, created_by) VALUES (?1, ?2, ?3, ?4)",
                    params![i.sid, i.channel_sid, i.identity, i.created_by],
                )?;
                if i.identity == me {
                    let n = conn.execute(
                        "UPDATE channels SET status = 'invited' WHERE sid = ?1 AND status != 'joined'",
                        [&i.channel_sid],
                    )?;
                    out.channels_changed = n > 0;
                }
            }
        }
        EventKind::InviteRemoved => {
            if let Some(i) = parse::<Invite>(data) {
                conn.execute("DELETE FROM invites WHERE sid = ?1", [&i.sid])?;
                if i.identity == me {
                    let n = conn.execute(
                        "UPDATE channels SET status = CASE WHEN type = 'public' THEN 'public' ELSE 'gone' END
                         WHERE sid = ?1 AND status = 'invited'",
                        [&i.channel_sid],
                    )?;
                    conn.execute(
                        "DELETE FROM channels WHERE sid = ?1 AND status = 'gone'",
                        [&i.channel_sid],
                    )?;
                    out.channels_changed = n > 0;
                }
            }
        }
    }
    Ok(out)
}

impl Cache {
    /// Applies one stream frame (and its cursor) in one transaction. Frames
    /// at or below the stored cursor are skipped: delivery is at least once.
    pub fn apply(&self, me: &str, frame: &ServerFrame) -> Result<Applied> {
        let Some((kind, event)) = frame.as_event() else {
            return Ok(Applied::default());
        };
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let cursor: Option<i64> = tx
            .query_row("SELECT value FROM meta WHERE key = 'cursor'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|c| c.parse().ok());
        if cursor.is_some_and(|c| event.cursor <= c) {
            return Ok(Applied::default());
        }
        let out = apply_in(&tx, me, kind, &event.data)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('cursor', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [event.cursor.to_string()],
        )?;
        tx.commit()?;
        Ok(out)
    }

    /// Records a fresh snapshot of the user's channels (first sync or resync):
    /// channels no longer listed are dropped, the others updated.
    pub fn replace_channels(
        &self,
        joined: &[(Channel, UserChannel)],
        public: &[Channel],
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let keep: std::collections::HashSet<&str> = joined
            .iter()
            .map(|(c, _)| c.sid.as_str())
            .chain(public.iter().map(|c| c.sid.as_str()))
            .collect();
        let existing: Vec<String> = {
            let mut stmt = tx.prepare("SELECT sid FROM channels")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for sid in existing.iter().filter(|s| !keep.contains(s.as_str())) {
            remove_channel(&tx, sid)?;
        }
        for ch in public {
            if !joined.iter().any(|(j, _)| j.sid == ch.sid) {
                upsert_channel(&tx, ch, Some("public"))?;
            }
        }
        for (ch, uc) in joined {
            upsert_channel(&tx, ch, None)?;
            set_user_channel(&tx, uc)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds or updates one channel and the user's view of it.
    pub fn replace_channels_add(&self, ch: &Channel, uc: &UserChannel) -> Result<()> {
        let conn = self.conn();
        upsert_channel(&conn, ch, None)?;
        set_user_channel(&conn, uc)?;
        Ok(())
    }

    /// Stores fetched messages of a channel; `reached_start` when the oldest
    /// message of the channel is among them.
    pub fn store_messages(
        &self,
        channel: &str,
        msgs: &[Message],
        reached_start: bool,
    ) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        upsert_page(&tx, channel, msgs)?;
        if reached_start {
            tx.execute(
                "UPDATE channels SET has_older = 0 WHERE sid = ?1",
                [channel],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores the newest pages of several channels (a first sync's
    /// snapshot) in one transaction: their messages, members and where
    /// older history continues. One commit per group of channels instead of
    /// one per page is what makes a first sync write 100,000 messages/s.
    pub fn store_channel_pages(&self, pages: &[ChannelPage]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for p in pages {
            upsert_page(&tx, &p.channel_sid, &p.messages)?;
            match &p.older {
                Some(next) => {
                    tx.prepare_cached(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2)
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    )?
                    .execute(params![format!("older:{}", p.channel_sid), next])?;
                }
                None => {
                    tx.prepare_cached("UPDATE channels SET has_older = 0 WHERE sid = ?1")?
                        .execute([&p.channel_sid])?;
                }
            }
            if let Some(members) = &p.members {
                tx.prepare_cached("DELETE FROM members WHERE channel_sid = ?1")?
                    .execute([&p.channel_sid])?;
                for m in members {
                    upsert_member(&tx, m)?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores a channel's members.
    pub fn store_members(&self, channel: &str, members: &[Member]) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM members WHERE channel_sid = ?1", [channel])?;
        for m in members {
            upsert_member(&tx, m)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records the user's own read horizon locally (before the server confirms).
    pub fn set_read_horizon(&self, channel: &str, index: Option<i64>) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "UPDATE channels SET last_consumed_index = ?2,
                 unread = (SELECT COUNT(*) FROM messages WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND idx > COALESCE(?2, -1) AND deleted = 0 AND hidden = 0)
             WHERE sid = ?1",
            params![channel, index],
        )?;
        Ok(())
    }

    /// Sets the local notification policy of a channel (`all`, `mentions`, `muted`).
    pub fn set_notify(&self, channel: &str, level: super::NotifyPolicy) -> Result<()> {
        self.conn().execute(
            "UPDATE channels SET notify = ?2 WHERE sid = ?1",
            params![channel, level],
        )?;
        Ok(())
    }

    /// Stores a user as the server returned it (after a change of ours).
    pub fn store_user(&self, u: &User) -> Result<()> {
        upsert_user(&self.conn(), u)?;
        Ok(())
    }

    /// A cached user's attributes (JSON text), if the user is cached.
    pub fn user_attributes(&self, identity: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT attributes FROM users WHERE identity = ?1",
                [identity],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The newest cached index of a channel's own timeline (replies in
    /// threads are read in their threads: reading the channel must not
    /// clear a mention in a thread the user has not opened).
    pub fn newest_index(&self, channel: &str) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MAX(idx) FROM messages WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND thread_root IS NULL",
            [channel],
            |r| r.get(0),
        )?)
    }

    /// One cached channel.
    pub fn channel(&self, sid: &str) -> Result<Option<super::ChannelSummary>> {
        Ok(self
            .channel_list()?
            .into_iter()
            .chain(self.public_channels()?)
            .find(|c| c.sid == sid))
    }

    pub(crate) fn touch(&self) -> Result<()> {
        self.set_meta("last_sync", &self.clock.now().to_string())
    }
}
