-- parley-client cache, version 1. Never holds a secret.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE channels (
    sid                 TEXT PRIMARY KEY,
    unique_name         TEXT,
    friendly_name       TEXT,
    attributes          TEXT NOT NULL DEFAULT '{}',
    type                TEXT NOT NULL,
    created_by          TEXT,
    members_count       INTEGER NOT NULL DEFAULT 0,
    messages_count      INTEGER NOT NULL DEFAULT 0,
    date_created        TEXT,
    date_updated        TEXT,
    -- 'joined', 'invited' or 'public' (visible, not joined)
    status              TEXT NOT NULL,
    last_consumed_index INTEGER,
    unread              INTEGER NOT NULL DEFAULT 0,
    -- server level: 'default' or 'muted'
    notification_level  TEXT NOT NULL DEFAULT 'default',
    -- local policy: 'all', 'mentions' or 'muted'
    notify              TEXT NOT NULL DEFAULT 'all',
    -- false once the oldest message of the channel is cached
    has_older           INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE members (
    sid                 TEXT PRIMARY KEY,
    channel_sid         TEXT NOT NULL,
    identity            TEXT NOT NULL,
    role_sid            TEXT,
    attributes          TEXT NOT NULL DEFAULT '{}',
    last_consumed_index INTEGER,
    UNIQUE (channel_sid, identity)
);

CREATE TABLE users (
    identity      TEXT PRIMARY KEY,
    sid           TEXT,
    friendly_name TEXT,
    attributes    TEXT NOT NULL DEFAULT '{}',
    is_online     INTEGER
);

-- `id` orders messages by time (creation second, then channel and index
-- bits), so that search can walk the full-text index newest first.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    -- Not indexed on its own: messages are found by (channel_sid, idx); a
    -- unique index on random SIDs made inserts twice as slow.
    sid          TEXT NOT NULL,
    channel_sid  TEXT NOT NULL,
    idx          INTEGER NOT NULL,
    author       TEXT NOT NULL,
    body         TEXT NOT NULL,
    attributes   TEXT NOT NULL DEFAULT '{}',
    media        TEXT,
    was_edited   INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    -- Unix seconds
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (channel_sid, idx)
);

CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- New rows are indexed by the code that inserts them, in batches (an
-- AFTER INSERT trigger costs three times as much per row).
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

CREATE TABLE invites (
    sid         TEXT PRIMARY KEY,
    channel_sid TEXT NOT NULL,
    identity    TEXT NOT NULL,
    created_by  TEXT
);

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- 'send', 'edit' or 'delete'
    kind          TEXT NOT NULL,
    channel_sid   TEXT NOT NULL,
    target_sid    TEXT,
    body          TEXT,
    attributes    TEXT,
    idem_key      TEXT NOT NULL UNIQUE,
    -- 'pending', 'sending' or 'failed'
    state         TEXT NOT NULL DEFAULT 'pending',
    error_code    TEXT,
    error_message TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE drafts (
    channel_sid TEXT PRIMARY KEY,
    body        TEXT NOT NULL
);
