-- Media sends wait in the outbox with a copy of their file (so moving or
-- deleting the original does not lose the send); media_sid is set once the
-- upload succeeded, so a retry only creates the message.
ALTER TABLE outbox ADD COLUMN media_path TEXT;
ALTER TABLE outbox ADD COLUMN media_type TEXT;
ALTER TABLE outbox ADD COLUMN media_filename TEXT;
ALTER TABLE outbox ADD COLUMN media_size INTEGER;
ALTER TABLE outbox ADD COLUMN media_sid TEXT;

-- Media files kept on disk (media/{sid} beside the cache), least recently
-- used evicted first when the total passes the cap.
CREATE TABLE media_files (
    sid          TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    filename     TEXT,
    last_used    INTEGER NOT NULL
);
CREATE INDEX media_files_by_use ON media_files (last_used);
