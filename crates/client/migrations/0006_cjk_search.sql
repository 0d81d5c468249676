-- Words inside Chinese, Japanese and Korean text can be found: the index
-- holds each message as `parley_search_text(body)` (cache/search_text.rs),
-- which makes every CJK character a token of its own, and searches ask for
-- the characters of a word as a phrase. Existing caches are re-indexed here.
DROP TRIGGER messages_ad;
DROP TRIGGER messages_au;
DROP TABLE messages_fts;

-- What the index reads back (for snippets and rebuilds).
CREATE VIEW messages_search AS SELECT id, parley_search_text(body) AS body FROM messages;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages_search',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
-- New rows are indexed by the code that inserts them (see 0002).
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, parley_search_text(old.body));
END;
CREATE TRIGGER messages_au AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, parley_search_text(old.body));
    INSERT INTO messages_fts(rowid, body) VALUES (new.id, parley_search_text(new.body));
END;
