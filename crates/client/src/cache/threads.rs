//! Threads in the cache (docs/attributes.md): a reply in a thread is a
//! message of the channel whose `thread_root` column names the thread's
//! first message. This module reads a thread (its root, its replies, the
//! user's replies still in the outbox), sums up a root's thread for its row
//! (replies, unread, last reply, who replied), and keeps how far the user
//! has read each thread. That read position is kept on this device only:
//! Twilio's read horizon is one per channel, and a thread's own would have
//! to go into the member's attributes, which every member of the channel
//! receives on each change.

use rusqlite::params;

use super::views::{
    attach_pins, attach_reactions, message, pending_sends, ThreadView, MESSAGE_COLUMNS,
};
use super::{Cache, MessageView};
use crate::error::Result;

/// Most replies of one thread read at once (the newest).
pub const MAX_THREAD: u32 = 500;

/// Fills in the thread of each message of `page` that has replies.
pub(super) fn attach_threads(
    c: &rusqlite::Connection,
    channel: &str,
    page: &mut [MessageView],
) -> Result<()> {
    let roots: Vec<&str> = page
        .iter()
        .filter(|m| m.thread_root.is_none())
        .filter_map(|m| m.sid.as_deref())
        .collect();
    if roots.is_empty() {
        return Ok(());
    }
    let wanted = serde_json::to_string(&roots).unwrap_or_else(|_| "[]".into());
    let mut stmt = c.prepare_cached(
        "SELECT m.thread_root, COUNT(*), MAX(m.created_at),
                SUM(m.author != COALESCE((SELECT value FROM meta WHERE key = 'identity'), '')
                    AND m.idx > COALESCE((SELECT r.idx FROM thread_reads r WHERE r.channel_sid = ?1 AND r.root = m.thread_root), -1)),
                json_group_array(m.author)
           FROM messages m
          WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.thread_root IN (SELECT value FROM json_each(?2))
            AND m.deleted = 0
          GROUP BY m.thread_root",
    )?;
    let rows = stmt.query_map(params![channel, wanted], |r| {
        Ok((
            r.get::<_, String>(0)?,
            ThreadView {
                replies: r.get(1)?,
                last_reply: parley_protocol::Timestamp(r.get(2)?).to_string(),
                unread: r.get(3)?,
                people: Vec::new(),
            },
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut found = std::collections::HashMap::new();
    for row in rows {
        let (root, mut t, authors) = row?;
        for who in serde_json::from_str::<Vec<String>>(&authors).unwrap_or_default() {
            if !t.people.contains(&who) {
                t.people.push(who);
            }
        }
        found.insert(root, t);
    }
    for m in page.iter_mut() {
        if let Some(t) = m.sid.as_deref().and_then(|s| found.remove(s)) {
            m.thread = Some(t);
        }
    }
    Ok(())
}

impl Cache {
    /// The thread of message `root` of `channel`: the root (None when it is
    /// not cached), then its newest replies (at most [`MAX_THREAD`]) oldest
    /// first, then the user's replies still in the outbox.
    pub fn thread(&self, channel: &str, root: &str) -> Result<Vec<MessageView>> {
        let c = self.conn();
        let mut first = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.sid = ?2 AND m.thread_root IS NULL"
        ))?;
        let Some(head) = first
            .query_map(params![channel, root], message)?
            .next()
            .transpose()?
        else {
            return Ok(Vec::new());
        };
        let mut replies = c.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages m INDEXED BY messages_threads
              WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.thread_root = ?2
              ORDER BY m.idx DESC LIMIT ?3"
        ))?;
        let mut newest: Vec<MessageView> = replies
            .query_map(params![channel, root, MAX_THREAD], message)?
            .collect::<rusqlite::Result<_>>()?;
        newest.reverse();
        let mut out = vec![head];
        out.extend(newest);
        out.extend(pending_sends(&c, channel, Some(root))?);
        attach_threads(&c, channel, &mut out[..1])?;
        attach_reactions(&c, channel, &mut out)?;
        attach_pins(&c, channel, &mut out)?;
        Ok(out)
    }

    /// Records that the user has read the thread of `root` up to its newest
    /// reply.
    pub fn mark_thread_read(&self, channel: &str, root: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO thread_reads (channel_sid, root, idx)
             SELECT ?1, ?2, COALESCE(MAX(idx), -1) FROM messages
              WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND thread_root = ?2
             ON CONFLICT (channel_sid, root) DO UPDATE SET idx = MAX(idx, excluded.idx)",
            params![channel, root],
        )?;
        Ok(())
    }

    /// Whether `me` took part in the thread of `root`: wrote it or a reply.
    pub fn took_part(&self, channel: &str, root: &str, me: &str) -> Result<bool> {
        Ok(self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM messages m
                 WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.sid = ?2 AND m.author = ?3 AND m.deleted = 0)
                 OR EXISTS (SELECT 1 FROM messages m INDEXED BY messages_threads
                 WHERE m.ch = (SELECT n FROM channel_keys WHERE sid = ?1) AND m.thread_root = ?2 AND m.author = ?3 AND m.deleted = 0)",
            params![channel, root, me],
            |r| r.get(0),
        )?)
    }
}
