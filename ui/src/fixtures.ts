// Test data shared by the unit tests (never imported by the app): a
// delivered message of channel CH1 with every field at its plain value,
// so that a new field of MessageView is added here once.
import type { ChannelSid, MemberView, MessageSid, MessageView } from "./types";

export function messageView(over: Partial<MessageView> = {}): MessageView {
  return {
    sid: "IM1" as MessageSid, channel_sid: "CH1" as ChannelSid, index: 1, author: "bob", body: "hi", attributes: "{}",
    was_edited: false, deleted: false, date_created: "2024-05-01T12:00:00.000Z", state: "sent", outbox_id: null, error: null,
    media: null, reply: null, mentions_me: false, reactions: [], pinned: false, saved: false, thread_root: null, thread: null,
    ...over,
  };
}

/** A thread host for panels under test: links and reactions do nothing. */
export const threadHost = {
  me: () => "alice",
  error: () => {},
  pick: async () => null,
  links: { open: () => {} },
};

/** A member of channel CH1 with no name, read state or presence known. */
export function memberView(identity: string, over: Partial<MemberView> = {}): MemberView {
  return { identity, friendly_name: null, last_consumed_index: null, online: null, status: null, ...over };
}
