import { describe, expect, it } from "vitest";
import { badge, bodyText, channelName, startsGroup, type ChannelSummary, type MessageView } from "./view";

const ch = (over: Partial<ChannelSummary>): ChannelSummary => ({
  sid: "CH1", unique_name: "general", friendly_name: null, status: "joined", unread: 0, notify: "all", ...over,
});
const msg = (over: Partial<MessageView>): MessageView => ({
  sid: "IM1", channel_sid: "CH1", index: 0, author: "bob", body: "hi", was_edited: false, deleted: false,
  date_created: "2026-11-26T10:00:00Z", state: "sent", outbox_id: null, error: null, ...over,
});

describe("view", () => {
  it("names channels by friendly name, then unique name, then SID", () => {
    expect(channelName(ch({ friendly_name: "General" }))).toBe("General");
    expect(channelName(ch({}))).toBe("general");
    expect(channelName(ch({ unique_name: null }))).toBe("CH1");
  });

  it("hides the badge of muted channels", () => {
    expect(badge(ch({ unread: 3 }))).toBe("3");
    expect(badge(ch({ unread: 3, notify: "muted" }))).toBeNull();
    expect(badge(ch({ unread: 250 }))).toBe("99+");
  });

  it("shows placeholders for deleted and failed messages", () => {
    expect(bodyText(msg({ deleted: true, body: "" }))).toBe("This message was deleted");
    expect(bodyText(msg({ state: "failed", error: "User not member of channel" }))).toContain("not sent");
    expect(bodyText(msg({ was_edited: true }))).toBe("hi (edited)");
  });

  it("groups messages by author and day", () => {
    const a = msg({});
    expect(startsGroup(undefined, a)).toBe(true);
    expect(startsGroup(a, msg({ index: 1 }))).toBe(false);
    expect(startsGroup(a, msg({ author: "carol" }))).toBe(true);
    expect(startsGroup(a, msg({ date_created: "2026-11-27T10:00:00Z" }))).toBe(true);
  });
});
