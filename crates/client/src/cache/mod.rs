//! The local cache: one SQLite file per account (WAL, numbered migrations in
//! one transaction each, a newer schema refused). It is the UI's only data
//! source, so everything the UI shows can be answered offline. It never holds
//! a secret: tokens and passwords live in the OS secret store.

use parley_protocol::UserChannelStatus;
mod apply;
mod media;
mod outbox;
pub mod search_query;
mod search_text;
mod states;
mod threads;
mod views;

pub use apply::{Applied, ChannelPage};
pub use media::{MediaView, OutboxMedia};

/// Stores a channel (and the user's view of it) fetched outside a full sync.
pub(crate) fn upsert_channel_pub(
    conn: &rusqlite::Connection,
    ch: &parley_protocol::resources::Channel,
    uc: Option<&parley_protocol::resources::UserChannel>,
) -> Result<()> {
    apply::upsert_channel(
        conn,
        ch,
        uc.map(|u| {
            if u.status == UserChannelStatus::Joined {
                "joined"
            } else if u.status == UserChannelStatus::Invited {
                "invited"
            } else {
                "public"
            }
        }),
    )?;
    if let Some(uc) = uc {
        apply::set_user_channel(conn, uc)?;
    }
    Ok(())
}
pub use outbox::{OutboxItem, OutboxKind, OutboxState};
pub use parley_protocol::ChannelType;
pub use states::{ChannelStatus, MessageState, NotifyPolicy};
pub use threads::MAX_THREAD;
pub use views::{ChannelSummary, MemberView, MessageView, SearchHit, ThreadView};

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};

use crate::error::{ClientError, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_cache.sql"),
    include_str!("../../migrations/0002_messages_by_channel.sql"),
    include_str!("../../migrations/0003_media.sql"),
    include_str!("../../migrations/0004_channel_keys.sql"),
    include_str!("../../migrations/0005_fts_merge.sql"),
    include_str!("../../migrations/0006_cjk_search.sql"),
    include_str!("../../migrations/0007_marks.sql"),
    include_str!("../../migrations/0008_threads.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An open cache; methods are short and synchronous.
#[derive(Debug)]
pub struct Cache {
    conn: Mutex<Connection>,
    /// The time stamped on what the cache records (see [`Cache::with_clock`]).
    clock: parley_protocol::Clock,
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(ClientError::Cache(format!(
            "the cache was written by a newer Parley (schema {current}, this build knows {SCHEMA_VERSION})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

impl Cache {
    /// Opens (creating) the cache at `path`.
    pub fn open(path: &Path) -> Result<Cache> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| ClientError::Cache(e.to_string()))?;
        }
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Takes effect only on a new file: fewer, larger pages for big histories.
        conn.execute_batch("PRAGMA page_size=8192;")?;
        // NORMAL is durable across app crashes in WAL mode (a power cut can
        // lose the last commits, which the next sync fetches again). A longer
        // checkpoint interval suits bulk syncs of history. The page cache is
        // 8 MiB: 32 MiB wrote and read no faster in the cache bench, and it is
        // memory the app holds once a long history has been scrolled through.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;
             PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=4096;",
        )?;
        search_text::register(&conn)?;
        migrate(&mut conn)?;
        Ok(Cache {
            conn: Mutex::new(conn),
            clock: Default::default(),
        })
    }

    /// An in-memory cache (unit tests).
    pub fn in_memory() -> Result<Cache> {
        let mut conn = Connection::open_in_memory()?;
        search_text::register(&conn)?;
        migrate(&mut conn)?;
        Ok(Cache {
            conn: Mutex::new(conn),
            clock: Default::default(),
        })
    }

    /// The cache, reading `clock` for the times it records.
    pub fn with_clock(mut self, clock: parley_protocol::Clock) -> Cache {
        self.clock = clock;
        self
    }

    pub(crate) fn clock(&self) -> &parley_protocol::Clock {
        &self.clock
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        match self.conn.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The last feed cursor applied (None before the first sync).
    pub fn cursor(&self) -> Result<Option<i64>> {
        Ok(self.meta("cursor")?.and_then(|c| c.parse().ok()))
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    pub fn draft(&self, channel: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT body FROM drafts WHERE channel_sid = ?1",
                [channel],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_draft(&self, channel: &str, body: &str) -> Result<()> {
        let c = self.conn();
        if body.is_empty() {
            c.execute("DELETE FROM drafts WHERE channel_sid = ?1", [channel])?;
        } else {
            c.execute(
                "INSERT INTO drafts (channel_sid, body) VALUES (?1, ?2) ON CONFLICT(channel_sid) DO UPDATE SET body = excluded.body",
                [channel, body],
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_protocol::resources::Message;
    use parley_protocol::{MessageType, Timestamp, TypedSid};

    const CH_A: &str = "CH0000000000000000000000000000000a";
    const CH_B: &str = "CH0000000000000000000000000000000b";

    fn sid<T: TypedSid>(s: String) -> T {
        T::parse(s).expect("a well-formed SID")
    }

    fn msg(channel: &str, index: i64, at: i64, body: &str) -> Message {
        Message {
            sid: sid(format!("IM{}{index:030x}", &channel[32..])),
            account_sid: sid(format!("AC{:032x}", 1)),
            attributes: "{}".into(),
            service_sid: sid(format!("IS{:032x}", 1)),
            to: channel.into(),
            channel_sid: sid(channel.into()),
            date_created: Timestamp(at),
            date_updated: Timestamp(at),
            last_updated_by: None,
            was_edited: false,
            from: "bob".into(),
            body: body.into(),
            index,
            kind: MessageType::Text,
            media: None,
            url: String::new(),
        }
    }

    #[test]
    fn search_filters_narrow_words_and_list_on_their_own() {
        let c = Cache::in_memory().expect("cache");
        c.conn()
            .execute_batch(&format!(
                "INSERT INTO channels (sid, unique_name, friendly_name, type, status, attributes) VALUES
                   ('{CH_A}', 'general', 'General', 'public', 'joined', '{{\"parley\":{{\"pins\":[\"IM{pin}\"]}}}}'),
                   ('{CH_B}', 'random', 'Random', 'public', 'joined', 'not json');
                 INSERT INTO users (identity, friendly_name) VALUES ('carol', 'Carol C');",
                pin = format!("{}{:030x}", &CH_A[32..], 1),
            ))
            .expect("channels");
        let day = 1_796_083_200; // 2026-12-01
        let mut carol = msg(CH_A, 2, day + 3600, "budget report attached");
        carol.from = "carol".into();
        carol.media = serde_json::from_value(serde_json::json!({
            "sid": format!("ME{:032x}", 7), "size": 10, "content_type": "text/plain", "filename": "r.txt"
        }))
        .ok();
        c.store_messages(
            CH_A,
            &[
                msg(CH_A, 0, day - 86_400, "budget draft"),
                msg(CH_A, 1, day - 3600, "budget at https://example.com/b"),
                carol,
            ],
            true,
        )
        .expect("a");
        c.store_messages(CH_B, &[msg(CH_B, 0, day, "budget elsewhere")], true)
            .expect("b");
        let find = |q: &str| -> Vec<String> {
            c.search(q, None, 10)
                .expect("search")
                .into_iter()
                .map(|h| h.message.body)
                .collect()
        };
        assert_eq!(find("budget from:carol"), ["budget report attached"]);
        assert_eq!(
            find("from:@Carol"),
            ["budget report attached"],
            "filters alone list"
        );
        assert_eq!(find("from:carol_c"), Vec::<String>::new());
        assert_eq!(find("budget in:#random"), ["budget elsewhere"]);
        assert_eq!(find("in:General from:bob budget").len(), 2);
        assert_eq!(find("budget has:file"), ["budget report attached"]);
        assert_eq!(find("has:link"), ["budget at https://example.com/b"]);
        assert_eq!(
            find("is:pinned"),
            ["budget at https://example.com/b"],
            "the pinned one; a channel without JSON attributes is no error"
        );
        assert_eq!(
            find("budget before:2026-12-01"),
            ["budget at https://example.com/b", "budget draft"]
        );
        assert_eq!(
            find("budget after:2026-11-30"),
            ["budget report attached", "budget elsewhere"]
        );
        assert_eq!(
            find("budget after:2026-11-30 in:general has:file from:carol"),
            ["budget report attached"]
        );
        assert_eq!(
            find("has:cake"),
            Vec::<String>::new(),
            "not a filter: the words 'has cake'"
        );
        assert_eq!(find("from:nobody"), Vec::<String>::new());
    }

    #[test]
    fn search_is_newest_first_folds_diacritics_and_follows_edits() {
        let c = Cache::in_memory().expect("cache");
        // Same second, same index, two channels: both kept (key collisions probe on).
        c.store_messages(
            CH_A,
            &[
                msg(CH_A, 0, 100, "Café tonight?"),
                msg(CH_A, 1, 300, "cafe at noon"),
            ],
            true,
        )
        .expect("a");
        c.store_messages(
            CH_B,
            &[
                msg(CH_B, 0, 100, "no coffee"),
                msg(CH_B, 1, 200, "CAFÉ closed"),
            ],
            true,
        )
        .expect("b");
        let hits: Vec<String> = c
            .search("cafe", None, 10)
            .expect("search")
            .into_iter()
            .map(|h| h.message.body)
            .collect();
        assert_eq!(
            hits,
            vec!["cafe at noon", "CAFÉ closed", "Café tonight?"],
            "newest first, accents folded"
        );
        let mut edited = msg(CH_A, 1, 300, "tea at noon");
        edited.was_edited = true;
        c.store_messages(CH_A, &[edited], true).expect("edit");
        assert_eq!(
            c.search("cafe", Some(CH_A), 10).expect("search").len(),
            1,
            "the edit is reindexed"
        );
        assert_eq!(c.search("tea", None, 10).expect("search").len(), 1);
        assert!(c
            .search("\"*) OR", None, 10)
            .expect("fts syntax is plain text")
            .is_empty());
    }

    #[test]
    fn a_newer_cache_is_refused_and_a_fresh_one_migrates() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.db");
        let c = Cache::open(&path).expect("fresh cache");
        c.set_meta("cursor", "42").expect("meta");
        drop(c);
        let c = Cache::open(&path).expect("reopen");
        assert_eq!(
            c.cursor().expect("cursor"),
            Some(42),
            "data survives reopening"
        );
        c.conn()
            .execute_batch("PRAGMA user_version = 99")
            .expect("bump");
        drop(c);
        assert!(matches!(Cache::open(&path), Err(ClientError::Cache(_))));
    }

    #[test]
    fn a_version_1_cache_keeps_its_messages_and_search_after_upgrading() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            let tx = conn.transaction().expect("tx");
            tx.execute_batch(MIGRATIONS[0]).expect("v1 schema");
            tx.execute_batch(
                "PRAGMA user_version = 1;
                 INSERT INTO messages (id, sid, channel_sid, idx, author, body, created_at, updated_at)
                 VALUES (100, 'IM00000000000000000000000000000001', 'CH0000000000000000000000000000000a', 0, 'bob', 'café at noon', 1, 1),
                        (200, 'IM00000000000000000000000000000002', 'CH0000000000000000000000000000000a', 1, 'bob', 'lunch later', 2, 2);
                 INSERT INTO messages_fts(rowid, body) VALUES (100, 'café at noon'), (200, 'lunch later');",
            )
            .expect("v1 rows");
            tx.commit().expect("commit");
        }
        let c = Cache::open(&path).expect("upgrade");
        let hits = c.search("cafe", None, 10).expect("search");
        assert_eq!(hits.len(), 1, "the rebuilt index finds old messages");
        assert_eq!(c.messages(CH_A, None, 10).expect("page").len(), 2);
        c.store_messages(CH_A, &[msg(CH_A, 2, 300, "more café")], false)
            .expect("write after upgrade");
        assert_eq!(c.search("cafe", None, 10).expect("search").len(), 2);
    }

    fn bodies(c: &Cache, q: &str) -> Vec<String> {
        c.search(q, None, 10)
            .expect("search")
            .into_iter()
            .map(|h| h.message.body)
            .collect()
    }

    #[test]
    fn words_inside_chinese_japanese_and_korean_text_are_found() {
        let c = Cache::in_memory().expect("cache");
        c.store_messages(
            CH_A,
            &[
                msg(CH_A, 0, 100, "我們明天下午開會討論預算"),
                msg(CH_A, 1, 200, "Q3預算review 已經寄出"),
                msg(CH_A, 2, 300, "會議室を予約しました"),
                msg(CH_A, 3, 400, "회의실 예약했어요"),
                msg(CH_A, 4, 500, "預，算 and 算預 are not the word"),
            ],
            true,
        )
        .expect("stored");
        assert_eq!(
            bodies(&c, "預算"),
            ["Q3預算review 已經寄出", "我們明天下午開會討論預算"],
            "inside a run, newest first, and not where the characters are apart or reversed"
        );
        assert_eq!(bodies(&c, "討論"), ["我們明天下午開會討論預算"]);
        assert_eq!(bodies(&c, "開會討論預算"), ["我們明天下午開會討論預算"]);
        assert_eq!(
            bodies(&c, "「預算」？"),
            bodies(&c, "預算"),
            "punctuation in the query is ignored"
        );
        assert_eq!(
            bodies(&c, "q3預算"),
            ["Q3預算review 已經寄出"],
            "mixed with Latin, case folded"
        );
        assert_eq!(bodies(&c, "review"), ["Q3預算review 已經寄出"]);
        assert_eq!(bodies(&c, "予約"), ["會議室を予約しました"]);
        assert_eq!(bodies(&c, "의실"), ["회의실 예약했어요"]);
        assert!(
            bodies(&c, "預討").is_empty(),
            "characters that do not stand together"
        );
        let hit = c.search("預算", None, 10).expect("search");
        assert_eq!(
            hit[1].snippet, "我們明天下午開會討論[預算]",
            "the match is marked, no markers left"
        );
    }

    #[test]
    fn an_edited_or_deleted_cjk_message_is_reindexed() {
        let c = Cache::in_memory().expect("cache");
        c.store_messages(CH_A, &[msg(CH_A, 0, 100, "討論預算")], true)
            .expect("stored");
        let mut edited = msg(CH_A, 0, 100, "討論時程");
        edited.was_edited = true;
        c.store_messages(CH_A, &[edited], true).expect("edit");
        assert!(bodies(&c, "預算").is_empty());
        assert_eq!(bodies(&c, "時程"), ["討論時程"]);
    }

    #[test]
    fn a_version_5_cache_is_reindexed_for_cjk_search() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            let tx = conn.transaction().expect("tx");
            for m in &MIGRATIONS[..5] {
                tx.execute_batch(m).expect("old schema");
            }
            tx.execute_batch(
                "PRAGMA user_version = 5;
                 INSERT INTO channel_keys (sid) VALUES ('CH0000000000000000000000000000000a');
                 INSERT INTO messages (ch, idx, id, sid, author, body, created_at, updated_at)
                 VALUES (1, 0, 100, 'IM00000000000000000000000000000001', 'bob', '我們明天下午開會討論預算', 1, 1);
                 INSERT INTO messages_fts(rowid, body) VALUES (100, '我們明天下午開會討論預算');",
            )
            .expect("v5 rows");
            tx.commit().expect("commit");
        }
        let c = Cache::open(&path).expect("upgrade");
        assert_eq!(bodies(&c, "預算"), ["我們明天下午開會討論預算"]);
    }

    /// Messages cached before Parley's marks had columns are read again:
    /// a reaction leaves the timeline and shows on its target, a mention of
    /// the user counts.
    #[test]
    fn a_version_6_cache_reads_the_marks_of_messages_it_holds() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cache.db");
        {
            let mut conn = Connection::open(&path).expect("open");
            search_text::register(&conn).expect("the search function");
            let tx = conn.transaction().expect("tx");
            for m in &MIGRATIONS[..6] {
                tx.execute_batch(m).expect("old schema");
            }
            tx.execute_batch(
                r#"PRAGMA user_version = 6;
                 INSERT INTO meta (key, value) VALUES ('identity', 'alice');
                 INSERT INTO channel_keys (sid) VALUES ('CH0000000000000000000000000000000a');
                 INSERT INTO messages (ch, idx, id, sid, author, body, attributes, created_at, updated_at) VALUES
                   (1, 0, 100, 'IM00000000000000000000000000000001', 'bob', 'lunch?', '{}', 1, 1),
                   (1, 1, 101, 'IM00000000000000000000000000000002', 'carol', '👍',
                    '{"parley":{"reaction":{"to":"IM00000000000000000000000000000001","emoji":"👍"}}}', 2, 2),
                   (1, 2, 102, 'IM00000000000000000000000000000003', 'bob', 'ping',
                    '{"parley":{"mentions":["Alice"]}}', 3, 3),
                   (1, 3, 103, 'IM00000000000000000000000000000004', 'bob', 'not json', 'x', 4, 4);"#,
            )
            .expect("v6 rows");
            tx.commit().expect("commit");
        }
        let c = Cache::open(&path).expect("upgrade");
        let page = c
            .messages("CH0000000000000000000000000000000a", None, 10)
            .expect("page");
        let bodies: Vec<&str> = page.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, ["lunch?", "ping", "not json"]);
        assert_eq!(page[0].reactions.len(), 1);
        assert_eq!(page[0].reactions[0].who, ["carol"]);
        assert_eq!(
            page.iter().map(|m| m.mentions_me).collect::<Vec<_>>(),
            [false, true, false]
        );
    }
}
