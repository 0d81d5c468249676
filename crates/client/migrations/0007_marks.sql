-- Parley's marks on messages (docs/attributes.md), kept in columns when a
-- message is stored (cache/apply.rs) so that timelines, unread counts and
-- the mention badge ask no JSON: a reaction is hidden and names its target
-- and emoji; `mentions_me` says the message names this account's user (or
-- everyone). Messages cached before are read again from their attributes.
ALTER TABLE messages ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reaction_to TEXT;
ALTER TABLE messages ADD COLUMN reaction TEXT;
ALTER TABLE messages ADD COLUMN mentions_me INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET
    reaction_to = json_extract(attributes, '$.parley.reaction.to'),
    reaction = json_extract(attributes, '$.parley.reaction.emoji')
 WHERE CASE WHEN json_valid(attributes) THEN
         json_type(attributes, '$.parley.reaction.to') = 'text'
         AND json_type(attributes, '$.parley.reaction.emoji') = 'text'
         AND json_type(attributes, '$.parley.reply') IS NULL
       ELSE 0 END;
UPDATE messages SET hidden = 1 WHERE reaction_to IS NOT NULL;
UPDATE messages SET mentions_me = 1
 WHERE EXISTS (SELECT 1 FROM meta WHERE meta.key = 'identity'
                 AND instr(lower(messages.body), '@' || lower(meta.value)) > 0)
    OR CASE WHEN json_valid(attributes) THEN
         json_extract(attributes, '$.parley.mention_channel') = 1
         OR EXISTS (SELECT 1 FROM json_each(attributes, '$.parley.mentions') e, meta
                    WHERE meta.key = 'identity' AND lower(e.value) = lower(meta.value))
       ELSE 0 END;
CREATE INDEX messages_reactions ON messages (ch, reaction_to) WHERE reaction_to IS NOT NULL;
-- The mention badge counts a channel's unread mentions: only those rows.
CREATE INDEX messages_mentions ON messages (ch, idx) WHERE mentions_me = 1;
