//! The cache's side of media: which files are kept on disk (beside the
//! cache, under `media/{sid}`) with least-recently-used bookkeeping for the
//! size cap, and the file part of sends waiting in the outbox.

use parley_protocol::MediaSid;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::outbox::new_key;
use super::Cache;
use crate::error::Result;

/// The media of a message as the UI shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaView {
    /// None while the send waits in the outbox.
    pub sid: Option<MediaSid>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    pub content_type: String,
    pub filename: Option<String>,
    /// The file is on disk: it opens offline.
    pub cached: bool,
}

/// The file of a media send waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMedia {
    /// The outbox's own copy of the file.
    pub path: String,
    pub content_type: String,
    pub filename: Option<String>,
    pub size: u64,
    /// Set once the upload succeeded.
    pub sid: Option<MediaSid>,
}

impl Cache {
    /// Queues a media send (with an optional caption); returns its outbox id.
    pub fn enqueue_media(&self, channel: &str, body: Option<&str>, m: &OutboxMedia) -> Result<i64> {
        let c = self.conn();
        c.execute(
            "INSERT INTO outbox (kind, channel_sid, body, idem_key, created_at, media_path, media_type, media_filename, media_size)
             VALUES ('send', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![channel, body, new_key(), self.clock.now(), m.path, m.content_type, m.filename, m.size as i64],
        )?;
        Ok(c.last_insert_rowid())
    }

    /// The file of an outbox entry, if it sends one.
    pub fn outbox_media(&self, id: i64) -> Result<Option<OutboxMedia>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT media_path, media_type, media_filename, media_size, media_sid FROM outbox
                 WHERE id = ?1 AND media_path IS NOT NULL",
                [id],
                |r| {
                    Ok(OutboxMedia {
                        path: r.get(0)?,
                        content_type: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        filename: r.get(2)?,
                        size: r.get::<_, Option<i64>>(3)?.unwrap_or(0).max(0) as u64,
                        sid: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records that an outbox entry's file is uploaded as `sid`.
    pub fn outbox_set_media_sid(&self, id: i64, sid: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET media_sid = ?2 WHERE id = ?1",
            params![id, sid],
        )?;
        Ok(())
    }

    /// A kept media file's (size, content type, filename), marking it used.
    pub fn media_file(&self, sid: &str) -> Result<Option<(u64, String, Option<String>)>> {
        let c = self.conn();
        let found = c
            .query_row(
                "SELECT size, content_type, filename FROM media_files WHERE sid = ?1",
                [sid],
                |r| Ok((r.get::<_, i64>(0)?.max(0) as u64, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if found.is_some() {
            c.execute(
                "UPDATE media_files SET last_used = ?2 WHERE sid = ?1",
                params![sid, self.clock.now()],
            )?;
        }
        Ok(found)
    }

    /// Records a file now kept on disk.
    pub fn record_media_file(
        &self,
        sid: &str,
        size: u64,
        content_type: &str,
        filename: Option<&str>,
    ) -> Result<()> {
        self.conn().execute(
            "INSERT INTO media_files (sid, size, content_type, filename, last_used) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(sid) DO UPDATE SET size = excluded.size, last_used = excluded.last_used",
            params![sid, size as i64, content_type, filename, self.clock.now()],
        )?;
        Ok(())
    }

    /// Forgets a kept file (it is gone from disk).
    pub fn forget_media_file(&self, sid: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM media_files WHERE sid = ?1", [sid])?;
        Ok(())
    }

    /// Picks the least recently used files to delete so the total fits in
    /// `cap` bytes, never `keep`; forgets and returns them.
    pub fn evict_media(&self, cap: u64, keep: &str) -> Result<Vec<String>> {
        let mut c = self.conn();
        let tx = c.transaction()?;
        let mut total: i64 =
            tx.query_row("SELECT COALESCE(SUM(size), 0) FROM media_files", [], |r| {
                r.get(0)
            })?;
        let mut out = Vec::new();
        {
            let mut stmt = tx.prepare(
                "SELECT sid, size FROM media_files WHERE sid != ?1 ORDER BY last_used, sid",
            )?;
            let mut rows = stmt.query([keep])?;
            while total > cap as i64 {
                let Some(r) = rows.next()? else {
                    break;
                };
                out.push(r.get::<_, String>(0)?);
                total -= r.get::<_, i64>(1)?;
            }
        }
        for sid in &out {
            tx.execute("DELETE FROM media_files WHERE sid = ?1", [sid])?;
        }
        tx.commit()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_files_go_first_and_never_the_new_one() {
        let c = Cache::in_memory().expect("cache");
        for (i, sid) in ["MEa", "MEb", "MEc"].iter().enumerate() {
            c.record_media_file(sid, 100, "image/png", None)
                .expect("record");
            c.conn()
                .execute(
                    "UPDATE media_files SET last_used = ?2 WHERE sid = ?1",
                    params![sid, i as i64],
                )
                .expect("age");
        }
        // MEa is used again: MEb is now the oldest.
        assert!(c.media_file("MEa").expect("lookup").is_some());
        assert_eq!(
            c.evict_media(250, "MEc").expect("evict"),
            vec!["MEb".to_owned()]
        );
        assert!(c.media_file("MEb").expect("lookup").is_none());
        assert_eq!(
            c.evict_media(50, "MEc").expect("evict"),
            vec!["MEa".to_owned()]
        );
        assert!(
            c.evict_media(50, "MEc").expect("evict").is_empty(),
            "the kept file stays even over the cap"
        );
    }
}
