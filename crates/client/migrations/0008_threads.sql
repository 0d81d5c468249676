-- Replies in threads (docs/attributes.md): a message in the thread of
-- another keeps its root in a column, so that the channel's timeline leaves
-- it out (it is `hidden`, like a reaction) and a root's reply count, last
-- reply and unread replies are read from an index, not from JSON.
-- `thread_reads` is how far the user has read each thread, on this device.
ALTER TABLE messages ADD COLUMN thread_root TEXT;
UPDATE messages SET thread_root = json_extract(attributes, '$.parley.thread.root')
 WHERE CASE WHEN json_valid(attributes) THEN
         json_type(attributes, '$.parley.thread.root') = 'text'
         AND json_type(attributes, '$.parley.reaction') IS NULL
       ELSE 0 END;
UPDATE messages SET hidden = 1 WHERE thread_root IS NOT NULL;
CREATE INDEX messages_threads ON messages (ch, thread_root, idx) WHERE thread_root IS NOT NULL;
CREATE TABLE thread_reads (
    channel_sid TEXT NOT NULL,
    root TEXT NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY (channel_sid, root)
) WITHOUT ROWID;
