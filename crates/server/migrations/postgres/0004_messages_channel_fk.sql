-- Version 4: no foreign key from messages to channels. With it, every send
-- share-locks its channel's row inside its own savepoint, and a batch of
-- sends to one channel turns that lock into a MultiXact whose member list
-- each later send walks again (quadratic in the batch). Deleting a channel
-- deletes its messages explicitly instead (store::channels::delete), and a
-- send takes its channel's row lock itself (UPDATE … RETURNING next_index).
ALTER TABLE messages DROP CONSTRAINT messages_channel_sid_fkey;
