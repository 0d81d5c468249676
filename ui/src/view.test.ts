import { afterEach, describe, expect, it } from "vitest";
import { useLanguage } from "./i18n";
import type { MediaView, MemberView } from "./types";
import {
  allowed,
  autoDownload,
  badge,
  bodyText,
  channelLabel,
  channelName,
  connectionText,
  dayLabel,
  filterChannels,
  formatBytes,
  lastOwnEditable,
  mediaKind,
  mediaUrl,
  receipts,
  listOf,
  presence,
  presenceTitle,
  previewText,
  timeOf,
  snippetParts,
  startsGroup,
  typingText,
  unreadFrom,
  type ChannelSummary,
  type MessageView,
} from "./view";
import { memberView, messageView } from "./fixtures";

afterEach(() => useLanguage("en"));

const ch = (over: Partial<ChannelSummary>): ChannelSummary => ({
  sid: "CH1", unique_name: "general", friendly_name: null, kind: "public", status: "joined", unread: 0, mentions: 0, notify: "all",
  last_consumed_index: null, members_count: 2, attributes: "{}", direct: [], last_message: null, ...over,
});
const msg = (over: Partial<MessageView>): MessageView =>
  messageView({ index: 0, date_created: "2026-11-26T10:00:00Z", ...over });
const media = (over: Partial<MediaView>): MediaView => ({
  sid: "ME1", size: 1000, content_type: "image/png", filename: "cat.png", cached: false, ...over,
});
const member = (identity: string, h: number | null): MemberView => memberView(identity, { last_consumed_index: h, online: true });

describe("channels", () => {
  it("names channels by friendly name, then unique name, then SID", () => {
    expect(channelName(ch({ friendly_name: "General" }))).toBe("General");
    expect(channelName(ch({}))).toBe("general");
    expect(channelName(ch({ unique_name: null }))).toBe("CH1");
  });

  it("marks private channels in their label", () => {
    expect(channelLabel(ch({}))).toBe("# general");
    expect(channelLabel(ch({ kind: "private", friendly_name: "Secret" }))).toBe("◆ Secret");
  });

  it("hides the badge of muted channels", () => {
    expect(badge(ch({ unread: 3 }))).toBe("3");
    expect(badge(ch({ unread: 3, notify: "muted" }))).toBeNull();
    expect(badge(ch({ unread: 0 }))).toBeNull();
    expect(badge(ch({ unread: 250 }))).toBe("99+");
  });

  it("filters the switcher with names starting with the query first", () => {
    const list = [ch({ sid: "CHa", unique_name: "random" }), ch({ sid: "CHb", unique_name: "dev-ops" }), ch({ sid: "CHc", unique_name: "ops" })];
    expect(filterChannels(list, "ops").map((c) => c.sid)).toEqual(["CHc", "CHb"]);
    expect(filterChannels(list, "").length).toBe(3);
    expect(filterChannels(list, "zzz")).toEqual([]);
  });
});

describe("messages", () => {
  it("shows a placeholder for deleted messages", () => {
    expect(bodyText(msg({ deleted: true, body: "" }))).toBe("This message was deleted");
    expect(bodyText(msg({ body: "<b>x</b>" }))).toBe("<b>x</b>");
    useLanguage("zh-TW");
    expect(bodyText(msg({ deleted: true, body: "" }))).toBe("這則訊息已刪除");
  });

  it("groups messages by author, day and pauses", () => {
    const a = msg({});
    expect(startsGroup(undefined, a)).toBe(true);
    expect(startsGroup(a, msg({ index: 1, date_created: "2026-11-26T10:03:00Z" }))).toBe(false);
    expect(startsGroup(a, msg({ index: 1, date_created: "2026-11-26T10:30:00Z" }))).toBe(true);
    expect(startsGroup(a, msg({ author: "carol" }))).toBe(true);
    expect(startsGroup(a, msg({ date_created: "2026-11-28T10:00:00Z" }))).toBe(true);
  });

  it("labels days", () => {
    const now = new Date("2026-11-26T12:00:00");
    expect(dayLabel(new Date("2026-11-26T09:00:00").toISOString(), now)).toBe("Today");
    expect(dayLabel(new Date("2026-11-25T09:00:00").toISOString(), now)).toBe("Yesterday");
    expect(dayLabel(new Date("2026-01-02T09:00:00").toISOString(), now)).toBe("Friday, January 2, 2026");
    useLanguage("zh-TW");
    expect(dayLabel(new Date("2026-11-26T09:00:00").toISOString(), now)).toBe("今天");
    expect(dayLabel(new Date("2026-11-25T09:00:00").toISOString(), now)).toBe("昨天");
    // (Spacing differs between ICU versions.)
    expect(dayLabel(new Date("2026-01-02T09:00:00").toISOString(), now)).toMatch(/^2026年1月2日\s*星期五$/);
  });

  it("writes times of day as the language does", () => {
    const at = new Date(2026, 10, 26, 14, 5).toISOString();
    // ICU puts a narrow no-break space before PM, or a space, by version.
    expect(timeOf(at).replace(/\s/g, " ")).toBe("2:05 PM");
    useLanguage("zh-TW");
    expect(timeOf(at)).toBe("下午2:05");
    expect(timeOf("not a date")).toBe("");
  });

  it("puts the unread divider at the first message from someone else after the horizon", () => {
    const list = [msg({ index: 0 }), msg({ index: 1, author: "alice" }), msg({ index: 2 })];
    expect(unreadFrom(list, 0, "alice")).toBe(2);
    expect(unreadFrom(list, null, "alice")).toBe(0);
    expect(unreadFrom(list, 2, "alice")).toBeNull();
  });

  it("shows read receipts at each member's horizon", () => {
    const list = [msg({ index: 0 }), msg({ index: 1 }), msg({ index: 3 })];
    const r = receipts(list, [member("alice", 1), member("carol", 2), member("bob", 3), member("dave", null)], "bob");
    expect(r.get(1)).toEqual(["alice", "carol"]);
    expect(r.get(3)).toBeUndefined();
    expect(r.size).toBe(1);
  });

  it("picks the last own sent message to edit", () => {
    const list = [msg({ index: 0, author: "me", sid: "IMa" }), msg({ index: 1, author: "bob" }), msg({ sid: null, author: "me", state: "pending" })];
    expect(lastOwnEditable(list, "me")?.sid).toBe("IMa");
    expect(lastOwnEditable(list, "nobody")).toBeNull();
  });

  it("says who is typing", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["bob"])).toBe("bob is typing…");
    expect(typingText(["bob", "carol"])).toBe("bob and carol are typing…");
    expect(typingText(["a", "b", "c"])).toBe("Several people are typing…");
    useLanguage("zh-TW");
    expect(typingText(["bob"])).toBe("bob 正在輸入…");
    expect(typingText(["bob", "carol"])).toBe("bob 和 carol 正在輸入…");
    expect(typingText(["a", "b", "c"])).toBe("有多人正在輸入…");
  });

  it("lists names as the language does", () => {
    expect(listOf(["alice"])).toBe("alice");
    expect(listOf(["alice", "carol"])).toBe("alice and carol");
    useLanguage("zh-TW");
    expect(listOf(["alice", "bob", "carol"])).toBe("alice、bob和carol");
  });

  it("previews a channel's last message", () => {
    expect(previewText(ch({}))).toBe("");
    expect(previewText(ch({ last_message: msg({ body: "hi" }) }))).toBe("bob: hi");
    expect(previewText(ch({ last_message: msg({ deleted: true }) }))).toBe("bob: message deleted");
    expect(previewText(ch({ last_message: msg({ body: "", media: media({}) }) }))).toBe("bob: File: cat.png");
    expect(previewText(ch({ last_message: msg({ body: "", media: media({ filename: null }) }) }))).toBe("bob: File: file");
    useLanguage("zh-TW");
    expect(previewText(ch({ last_message: msg({ body: "hi" }) }))).toBe("bob：hi");
    expect(previewText(ch({ last_message: msg({ deleted: true }) }))).toBe("bob：訊息已刪除");
    expect(previewText(ch({ last_message: msg({ body: "", media: media({}) }) }))).toBe("bob：[檔案] cat.png");
  });

  it("marks search matches", () => {
    expect(snippetParts("a [café] at [noon]")).toEqual([
      { text: "a ", hit: false },
      { text: "café", hit: true },
      { text: " at ", hit: false },
      { text: "noon", hit: true },
    ]);
  });
});

describe("media", () => {
  it("shows pictures, players or file cards", () => {
    expect(mediaKind(media({}))).toBe("image");
    expect(mediaKind(media({ content_type: "image/svg+xml" }))).toBe("file");
    expect(mediaKind(media({ content_type: "video/mp4" }))).toBe("video");
    expect(mediaKind(media({ content_type: "audio/ogg; codecs=opus" }))).toBe("audio");
    expect(mediaKind(media({ content_type: "application/pdf" }))).toBe("file");
  });

  it("fetches small pictures at once, not big files", () => {
    expect(autoDownload(media({}))).toBe(true);
    expect(autoDownload(media({ cached: true }))).toBe(false);
    expect(autoDownload(media({ size: 100 * 1024 * 1024 }))).toBe(false);
    expect(autoDownload(media({ content_type: "application/zip" }))).toBe(false);
    expect(autoDownload(media({ sid: null }))).toBe(false);
  });

  it("formats sizes and media URLs", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(150 * 1024 * 1024)).toBe("150 MB");
    useLanguage("zh-TW");
    expect(formatBytes(1536)).toBe("1.5 KB");
    useLanguage("en");
    expect(mediaUrl("ME1", false)).toBe("parley-media://localhost/ME1");
    expect(mediaUrl("ME1", true)).toBe("http://parley-media.localhost/ME1");
  });
});

describe("permissions", () => {
  it("offers edit and delete as the roles allow", () => {
    expect(allowed([], true)).toEqual({ edit: true, remove: true });
    expect(allowed([], false)).toEqual({ edit: false, remove: false });
    const user = ["sendMessage", "editOwnMessage", "deleteOwnMessage"];
    expect(allowed(user, true)).toEqual({ edit: true, remove: true });
    expect(allowed(user, false)).toEqual({ edit: false, remove: false });
    const admin = [...user, "editAnyMessage", "deleteAnyMessage"];
    expect(allowed(admin, false)).toEqual({ edit: true, remove: true });
    expect(allowed(["sendMessage"], true)).toEqual({ edit: false, remove: false });
  });
});

describe("status", () => {
  it("says when the cache last synced while offline", () => {
    const now = new Date("2026-11-26T12:00:00Z");
    expect(connectionText("online", 1, now)).toBe("Online");
    expect(connectionText("offline", now.getTime() / 1000 - 30, now)).toBe("Offline · last synced just now");
    expect(connectionText("connecting", now.getTime() / 1000 - 600, now)).toBe("Connecting… · last synced 10 min ago");
    expect(connectionText("offline", null, now)).toBe("Offline");
    const earlier = new Date(2026, 10, 26, 9, 30);
    expect(connectionText("offline", earlier.getTime() / 1000, new Date(2026, 10, 26, 12))).toMatch(/^Offline · last synced 9:30\sAM$/);
    useLanguage("zh-TW");
    expect(connectionText("online", 1, now)).toBe("已連線");
    expect(connectionText("offline", now.getTime() / 1000 - 30, now)).toBe("離線 · 剛剛同步");
    expect(connectionText("connecting", now.getTime() / 1000 - 600, now)).toBe("連線中… · 10 分鐘前同步");
    expect(connectionText("offline", earlier.getTime() / 1000, new Date(2026, 10, 26, 12))).toBe("離線 · 上次同步：上午9:30");
  });
});

describe("presence", () => {
  it("is unknown, not offline, when the server does not track it", () => {
    expect(presence(null)).toBe("unknown");
    expect(presence(true)).toBe("online");
    expect(presence(false)).toBe("offline");
    expect(presenceTitle(null)).toBe("presence not tracked on this server");
    useLanguage("zh-TW");
    expect(presenceTitle(true)).toBe("線上");
  });
});
