// The composer with a reply bar and the mention list, on the page's own
// markup, with the shell's commands answered by hand; and the sidebar's
// mention badge.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, ChannelSummary, MessageSid, MessageView } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
const shell = vi.hoisted(() => ({ members: [] as unknown[] }));

vi.mock("./bindings/commands", () => ({
  send: vi.fn(async () => 1),
  reply: vi.fn(async () => 2),
  setDraft: vi.fn(async () => undefined),
  typing: vi.fn(async () => undefined),
  members: vi.fn(async () => shell.members),
  permissions: vi.fn(async () => []),
}));

import * as cmd from "./bindings/commands";
import { Composer } from "./composer";
import { useLanguage } from "./i18n";
import { installCompositionTracking } from "./ime";
import { drawSidebar } from "./sidebar";
import type { Timeline } from "./timeline";
import { messageView } from "./fixtures";

const message = (over: Partial<MessageView> = {}): MessageView =>
  messageView({ sid: "IM7" as MessageSid, index: 7, body: "the plan\nfor friday", ...over });
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

let current: ChannelSid | null;
let composer: Composer;
let errors: string[];
const timeline = { messages: [] as MessageView[], startEdit: vi.fn(), refresh: vi.fn(async () => {}), jumpToLatest: vi.fn(async () => {}) };
const box = () => document.getElementById("composer") as HTMLTextAreaElement;
const bar = () => document.getElementById("reply-bar")!;
const key = (k: string, init: KeyboardEventInit = {}) => {
  const ev = new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init });
  box().dispatchEvent(ev);
  return ev;
};

beforeAll(() => installCompositionTracking(document));
beforeEach(() => {
  vi.clearAllMocks();
  document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "").replace(/<script[^>]*><\/script>/, "");
  current = "CH1" as ChannelSid;
  errors = [];
  shell.members = [{ identity: "bob", friendly_name: null, last_consumed_index: null, online: true }];
  composer = new Composer({ current: () => current, me: () => "alice", timeline: timeline as unknown as Timeline, error: (e) => errors.push(e) });
});
afterEach(() => useLanguage("en"));

describe("the reply bar", () => {
  it("says which message the next one answers, and sends a reply", async () => {
    expect(bar().hidden).toBe(true);
    composer.replyTo(message());
    expect(bar().hidden).toBe(false);
    expect(bar().textContent).toBe("Replying to bobthe plan for friday×");
    expect(bar().querySelector(".reply-to")?.textContent).toBe("Replying to bob");
    expect(bar().querySelector("button")?.getAttribute("aria-label")).toBe("Cancel reply");
    expect(document.activeElement).toBe(box());
    box().value = "sounds good";
    key("Enter");
    await settle();
    expect(cmd.reply).toHaveBeenCalledWith("CH1", "IM7", "sounds good");
    expect(cmd.send).not.toHaveBeenCalled();
    expect(box().value).toBe("");
    expect(bar().hidden).toBe(true);
    // The next message is a message again.
    box().value = "and another";
    key("Enter");
    await settle();
    expect(cmd.send).toHaveBeenCalledWith("CH1", "and another");
    expect(cmd.reply).toHaveBeenCalledTimes(1);
  });

  it("keeps the reply when it could not be sent", async () => {
    vi.mocked(cmd.reply).mockRejectedValueOnce({ code: "refused", message: "no such message" });
    composer.replyTo(message());
    box().value = "sounds good";
    key("Enter");
    await settle();
    expect(errors).toEqual(["No such message"]);
    expect(box().value).toBe("sounds good");
    expect(bar().hidden).toBe(false);
  });

  it("is cancelled with ×, with Esc (not an IME's), and by another channel", async () => {
    composer.replyTo(message());
    bar().querySelector<HTMLButtonElement>("button")!.click();
    expect(bar().hidden).toBe(true);

    composer.replyTo(message());
    expect(key("Escape", { isComposing: true }).defaultPrevented).toBe(false);
    expect(bar().hidden).toBe(false);
    const esc = key("Escape");
    expect(esc.defaultPrevented).toBe(true);
    expect(bar().hidden).toBe(true);
    // With nothing to cancel, Esc goes on to the window (a panel closes).
    expect(key("Escape").defaultPrevented).toBe(false);

    composer.replyTo(message());
    composer.switched();
    expect(bar().hidden).toBe(true);
    box().value = "hello";
    key("Enter");
    await settle();
    expect(cmd.send).toHaveBeenCalledWith("CH1", "hello");
    expect(cmd.reply).not.toHaveBeenCalled();
  });

  it("never answers a message of another channel", async () => {
    composer.replyTo(message());
    current = "CH2" as ChannelSid;
    box().value = "hello";
    key("Enter");
    await settle();
    expect(cmd.send).toHaveBeenCalledWith("CH2", "hello");
    expect(cmd.reply).not.toHaveBeenCalled();
  });

  it("speaks the window's language", () => {
    useLanguage("zh-TW");
    composer.replyTo(message({ body: "", media: { sid: "ME1" as never, size: 1, content_type: "image/png", filename: "cat.png", cached: false } }));
    expect(bar().querySelector(".reply-to")?.textContent).toBe("回覆給 bob");
    expect(bar().querySelector(".reply-excerpt")?.textContent).toBe("cat.png");
  });
});

describe("the composer's Enter", () => {
  it("picks from the mention list while it is open, and sends once it is closed", async () => {
    box().focus();
    box().value = "hi @b";
    box().setSelectionRange(5, 5);
    box().dispatchEvent(new InputEvent("input", { bubbles: true }));
    await vi.waitFor(() => expect(document.getElementById("mention-list")!.hidden).toBe(false));
    key("Enter");
    expect(box().value).toBe("hi @bob ");
    expect(cmd.send).not.toHaveBeenCalled();
    key("Enter");
    await settle();
    expect(cmd.send).toHaveBeenCalledWith("CH1", "hi @bob ");
  });

  it("never sends on the key that confirms a composition", async () => {
    box().value = "你好";
    key("Enter", { isComposing: true });
    key("Enter", { keyCode: 229 });
    await settle();
    expect(cmd.send).not.toHaveBeenCalled();
  });
});

describe("the sidebar's mention badge", () => {
  const channel = (over: Partial<ChannelSummary>): ChannelSummary => ({
    sid: "CH1" as ChannelSid, unique_name: "general", friendly_name: null, kind: "public", status: "joined", unread: 0, mentions: 0,
    notify: "all", last_consumed_index: null, members_count: 2, attributes: "{}", direct: [], last_message: null, ...over,
  }) as ChannelSummary;
  const host = { open: () => {}, accept: () => {}, decline: () => {} };

  it("shows @ and the count of unread mentions instead of the unread count", () => {
    drawSidebar([
      channel({ sid: "CH1" as ChannelSid, unread: 5, mentions: 2 }),
      channel({ sid: "CH2" as ChannelSid, unread: 3 }),
      channel({ sid: "CH3" as ChannelSid, unread: 150, mentions: 120, notify: "muted" }),
    ], null, host);
    const rows = [...document.querySelectorAll<HTMLElement>("#channels .channel")];
    const badges = rows.map((r) => r.querySelector(".mention-badge"));
    expect(badges.map((b) => b?.textContent ?? null)).toEqual(["@2", null, "@99+"]);
    expect(badges[0]?.getAttribute("aria-label")).toBe("2 unread messages mention you");
    expect(rows[0].querySelectorAll(".badge")).toHaveLength(1);
    expect(rows[1].querySelector(".badge")?.textContent).toBe("3");
    expect(rows[2].classList.contains("unread")).toBe(true);
    useLanguage("zh-TW");
    drawSidebar([channel({ mentions: 1, unread: 1 })], null, host);
    expect(document.querySelector(".mention-badge")?.getAttribute("aria-label")).toBe("1 則未讀訊息提及你");
  });
});
