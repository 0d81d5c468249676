//! The outbox: sends, edits and deletions written locally first, each with a
//! client-generated idempotency key, delivered when online and kept across
//! restarts until the server acknowledges them or refuses them for good.

use parley_protocol::resources::Message;
use parley_protocol::ChannelSid;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::apply::upsert_message;
use super::Cache;
use crate::error::Result;

/// What an outbox entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxKind {
    Send,
    Edit,
    Delete,
}

impl OutboxKind {
    fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Send => "send",
            OutboxKind::Edit => "edit",
            OutboxKind::Delete => "delete",
        }
    }

    fn parse(s: &str) -> OutboxKind {
        match s {
            "edit" => OutboxKind::Edit,
            "delete" => OutboxKind::Delete,
            _ => OutboxKind::Send,
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    Pending,
    Sending,
    Failed,
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: OutboxKind,
    pub channel_sid: ChannelSid,
    pub target_sid: Option<String>,
    pub body: Option<String>,
    /// The message's attributes (Parley's marks), for a send.
    pub attributes: Option<String>,
    pub idem_key: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub error_message: Option<String>,
}

fn item(r: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    let state: String = r.get(6)?;
    Ok(OutboxItem {
        id: r.get(0)?,
        kind: OutboxKind::parse(&r.get::<_, String>(1)?),
        channel_sid: r.get(2)?,
        target_sid: r.get(3)?,
        body: r.get(4)?,
        idem_key: r.get(5)?,
        state: match state.as_str() {
            "sending" => OutboxState::Sending,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Pending,
        },
        attempts: r.get(7)?,
        error_message: r.get(8)?,
        attributes: r.get(9)?,
    })
}

const COLUMNS: &str =
    "id, kind, channel_sid, target_sid, body, idem_key, state, attempts, error_message, attributes";

pub(super) fn new_key() -> String {
    format!("parley-{}", hex::encode(rand::random::<[u8; 16]>()))
}

impl Cache {
    /// Queues an operation; returns its outbox id.
    pub fn enqueue(
        &self,
        kind: OutboxKind,
        channel: &ChannelSid,
        target: Option<&str>,
        body: Option<&str>,
        attributes: Option<&str>,
    ) -> Result<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO outbox (kind, channel_sid, target_sid, body, attributes, idem_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![kind.as_str(), channel, target, body, attributes, new_key(), parley_protocol::Timestamp::now().0],
        )?;
        let id = c.last_insert_rowid();
        // Show edits and deletions at once; the server's echo confirms them.
        match (kind, target) {
            (OutboxKind::Edit, Some(sid)) => {
                c.execute(
                    "UPDATE messages SET body = ?2, was_edited = 1 WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?3) AND sid = ?1",
                    params![sid, body, channel],
                )?;
            }
            (OutboxKind::Delete, Some(sid)) => {
                c.execute(
                    "UPDATE messages SET deleted = 1, body = '' WHERE ch = (SELECT n FROM channel_keys WHERE sid = ?2) AND sid = ?1",
                    params![sid, channel],
                )?;
            }
            _ => {}
        }
        Ok(id)
    }

    /// The oldest waiting entry, marked as sending, if it is due at `now`.
    /// Entries go strictly in order: a later one never overtakes one that is
    /// waiting to be retried (failed entries no longer wait).
    pub fn next_outbox(&self, now: i64) -> Result<Option<OutboxItem>> {
        let c = self.conn();
        let found = c
            .query_row(
                &format!("SELECT {COLUMNS}, next_attempt FROM outbox WHERE state IN ('pending', 'sending') ORDER BY id LIMIT 1"),
                [],
                |r| Ok((item(r)?, r.get::<_, i64>(10)?)),
            )
            .optional()?
            .filter(|(_, due)| *due <= now)
            .map(|(i, _)| i);
        if let Some(i) = &found {
            c.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1",
                [i.id],
            )?;
        }
        Ok(found)
    }

    /// Seconds until the next pending entry is due (None if nothing waits).
    pub fn next_outbox_due(&self) -> Result<Option<i64>> {
        Ok(self.conn().query_row(
            "SELECT MIN(next_attempt) FROM outbox WHERE state IN ('pending', 'sending')",
            [],
            |r| r.get(0),
        )?)
    }

    /// The server acknowledged the entry; for a send, `message` is stored in
    /// the same transaction, so it is never both pending and sent.
    pub fn outbox_done(&self, id: i64, message: Option<&Message>) -> Result<()> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        tx.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        if let Some(m) = message {
            upsert_message(&tx, m)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A transient failure: try again after `delay` seconds.
    pub fn outbox_retry_later(&self, id: i64, delay: i64, reason: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET state = 'pending', next_attempt = ?2, error_message = ?3 WHERE id = ?1",
            params![id, parley_protocol::Timestamp::now().0 + delay, reason],
        )?;
        Ok(())
    }

    /// A permanent failure: the entry stays visible as failed with the reason.
    pub fn outbox_failed(&self, id: i64, code: &str, reason: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET state = 'failed', error_code = ?2, error_message = ?3 WHERE id = ?1",
            params![id, code, reason],
        )?;
        Ok(())
    }

    /// Puts a failed entry back in line (the user pressed retry).
    pub fn outbox_retry(&self, id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "UPDATE outbox SET state = 'pending', next_attempt = 0, error_code = NULL, error_message = NULL WHERE id = ?1 AND state = 'failed'",
            [id],
        )? > 0)
    }

    /// Drops an entry (the user discarded a failed send).
    pub fn outbox_discard(&self, id: i64) -> Result<bool> {
        Ok(self.conn().execute(
            "DELETE FROM outbox WHERE id = ?1 AND state != 'sending'",
            [id],
        )? > 0)
    }

    /// Removes an entry whatever its state (a cancelled upload).
    pub fn outbox_remove(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM outbox WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Every entry, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        let c = self.conn();
        let mut stmt = c.prepare(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))?;
        let rows = stmt.query_map([], item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
