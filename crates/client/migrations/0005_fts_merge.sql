-- The search index merges its segments when 16 (not FTS5's default 4) of
-- one size have piled up: history arrives in many small transactions, and
-- merging less often makes storing it about a tenth faster, while a query
-- over a million messages still takes under a millisecond.
INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 16);
