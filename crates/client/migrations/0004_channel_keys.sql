-- Messages keyed by a small integer per channel instead of its 34-character
-- SID: the primary key, and the time-ordered index (which repeats it),
-- shrink, so a page of history dirties fewer pages of the file.
CREATE TABLE channel_keys (
    n   INTEGER PRIMARY KEY,
    sid TEXT NOT NULL UNIQUE
);
INSERT INTO channel_keys (sid) SELECT DISTINCT channel_sid FROM messages;

DROP TRIGGER messages_ad;
DROP TRIGGER messages_au;
DROP TABLE messages_fts;
ALTER TABLE messages RENAME TO messages_v2;

CREATE TABLE messages (
    ch           INTEGER NOT NULL,  -- channel_keys.n
    idx          INTEGER NOT NULL,
    -- Creation second in the high bits, a hash of (channel, index) below.
    id           INTEGER NOT NULL UNIQUE,
    sid          TEXT NOT NULL,
    author       TEXT NOT NULL,
    body         TEXT NOT NULL,
    attributes   TEXT NOT NULL DEFAULT '{}',
    media        TEXT,
    was_edited   INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (ch, idx)
) WITHOUT ROWID;

INSERT INTO messages (ch, idx, id, sid, author, body, attributes, media, was_edited, deleted, created_at, updated_at)
SELECT k.n, m.idx, m.id, m.sid, m.author, m.body, m.attributes, m.media, m.was_edited, m.deleted, m.created_at, m.updated_at
FROM messages_v2 m JOIN channel_keys k ON k.sid = m.channel_sid;
DROP TABLE messages_v2;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
