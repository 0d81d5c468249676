-- Media uploaded to a service (`ME…`). The bytes live in the data
-- directory's media/ folder under the SID; this row is the only way to them.
CREATE TABLE media (
    sid          TEXT PRIMARY KEY,
    service_sid  TEXT NOT NULL,
    -- Set when a message takes the media; NULL while it is only uploaded.
    channel_sid  TEXT,
    message_sid  TEXT UNIQUE,
    -- The uploader's identity ("system" for account credentials).
    author       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT,
    sha256       TEXT NOT NULL,
    date_created INTEGER NOT NULL,
    date_updated INTEGER NOT NULL
);
CREATE INDEX media_unattached ON media (date_created) WHERE message_sid IS NULL;
