-- Version 8: Parley's marks on messages (docs/attributes.md).
-- A hidden message (a reaction, shown on its target) counts toward no
-- unread count and pushes nothing. Set from the message's attributes when
-- it is written; messages stored before had no marks.
ALTER TABLE messages ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0;
-- `mentionChannel` (@channel, @here) joins the default admin roles of
-- services created before it existed.
UPDATE roles SET permissions = (permissions::jsonb || '["mentionChannel"]'::jsonb)::text
 WHERE friendly_name IN ('channel admin', 'service admin')
   AND NOT (permissions::jsonb @> '["mentionChannel"]'::jsonb);
