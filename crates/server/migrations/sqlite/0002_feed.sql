-- Version 2: the change feed behind the realtime stream, idempotent sends.
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    service_sid TEXT NOT NULL,
    channel_sid TEXT,
    -- 'channel': members of channel_sid who joined before the change;
    -- 'service': every user of the service; 'users': change_recipients.
    audience    TEXT NOT NULL,
    type        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX changes_by_service ON changes(service_sid, seq);
CREATE INDEX changes_by_created ON changes(created_at);

CREATE TABLE change_recipients (
    service_sid TEXT NOT NULL,
    identity    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (service_sid, identity, seq)
) WITHOUT ROWID;

CREATE TABLE feed_state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO feed_state (key, value) VALUES ('pruned_through', 0);

-- The feed position when the member joined: only later channel changes are theirs.
ALTER TABLE members ADD COLUMN joined_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE idempotency_keys (
    service_sid  TEXT NOT NULL,
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    message_sid  TEXT NOT NULL,
    channel_sid  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (service_sid, scope, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_by_created ON idempotency_keys(created_at);
