// Threads in the window: the reply count under a thread's first message
// opens the thread in the side panel; the panel shows the first message and
// the replies, sends with Enter (not with the Enter that confirms an IME
// composition) and marks the thread read; a search hit in a thread opens it.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, MessageSid, MessageView } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
const shell = vi.hoisted(() => ({ page: [] as unknown[], thread: [] as unknown[], hits: [] as unknown[] }));

vi.mock("./bindings/commands", () => ({
  messages: vi.fn(async () => shell.page),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async () => []),
  permissions: vi.fn(async () => []),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  thread: vi.fn(async () => shell.thread),
  replyInThread: vi.fn(async () => 1),
  markThreadRead: vi.fn(async () => undefined),
  search: vi.fn(async () => shell.hits),
}));

import * as cmd from "./bindings/commands";
import { messageView, threadHost } from "./fixtures";
import { useLanguage } from "./i18n";
import { installCompositionTracking } from "./ime";
import { Panel } from "./panel";
import { Timeline } from "./timeline";

beforeAll(() => {
  installCompositionTracking();
});

const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const root = messageView({
  sid: "IM1" as MessageSid, body: "release on friday?",
  thread: { replies: 2, unread: 1, last_reply: "2024-05-01T12:30:00.000Z", people: ["bob", "carol"] },
});
const reply = (i: number, body: string, over: Partial<MessageView> = {}) =>
  messageView({ sid: `IM${i}` as MessageSid, index: i, body, author: "carol", thread_root: "IM1" as MessageSid, ...over });

let timeline: Timeline;
let panel: Panel;
const jumped: MessageView[] = [];

beforeEach(async () => {
  useLanguage("en");
  document.body.innerHTML = new DOMParser().parseFromString(page, "text/html").body.innerHTML;
  vi.spyOn(document, "hasFocus").mockReturnValue(true);
  shell.page = [root];
  shell.thread = [root, reply(2, "only after the freeze"), reply(3, "then friday", { author: "bob" })];
  jumped.length = 0;
  panel = new Panel({
    threads: threadHost,
    me: () => "alice", current: () => "CH1" as ChannelSid, channels: () => [], act: async (p) => { await p; },
    changed: async () => {}, left: async () => {}, show: async () => {}, open: async () => {},
    jump: async (m) => { jumped.push(m); },
  });
  timeline = new Timeline(document.getElementById("messages") as HTMLOListElement, document.getElementById("latest") as HTMLButtonElement, {
    me: () => "alice", error: () => {}, transfer: () => undefined,
    thread: (m) => { if (m.sid) void panel.thread(m.channel_sid, m.sid); },
  });
  await timeline.open("CH1" as ChannelSid, null);
});
afterEach(() => vi.clearAllMocks());

const texts = (css: string) => [...document.querySelectorAll(css)].map((e) => e.textContent?.trim());

describe("a thread", () => {
  it("is summed up under its first message and opens in the panel from there", async () => {
    const summary = document.querySelector<HTMLButtonElement>("#messages .thread-summary")!;
    expect(summary.textContent).toContain("2 replies");
    expect(summary.textContent).toContain("1 new");
    expect(summary.title).toBe("Replies from bob and carol");
    summary.click();
    await settle();
    await settle();
    expect(cmd.thread).toHaveBeenCalledWith("CH1", "IM1");
    expect(document.getElementById("panel")!.hidden).toBe(false);
    expect(texts("#thread-messages .body")).toEqual(["release on friday?", "only after the freeze", "then friday"]);
    expect(texts("#thread-messages .thread-count")).toEqual(["2 replies"]);
    // Seen in a focused window: read.
    expect(cmd.markThreadRead).toHaveBeenCalledWith("CH1", "IM1");
    expect(document.activeElement?.id).toBe("thread-composer");
  });

  it("opens from a row's Reply in thread, which a reply in a thread does not have", async () => {
    const action = document.querySelector<HTMLButtonElement>("#messages [data-action='thread']:not(.thread-summary)")!;
    expect(action.getAttribute("aria-label")).toBe("Reply in thread");
    action.click();
    await settle();
    await settle();
    expect(cmd.thread).toHaveBeenCalledWith("CH1", "IM1");
    expect(document.querySelector("#thread-messages [data-action='thread']")).toBeNull();
  });

  it("sends with Enter into the thread, not with the Enter of a composition", async () => {
    await panel.thread("CH1" as ChannelSid, "IM1" as MessageSid);
    const box = document.getElementById("thread-composer") as HTMLTextAreaElement;
    box.value = "會議";
    box.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true }));
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, isComposing: true }));
    box.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true }));
    box.dispatchEvent(new KeyboardEvent("keyup", { key: "Enter", bubbles: true }));
    expect(cmd.replyInThread).not.toHaveBeenCalled();
    box.value = "friday **at two**";
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await settle();
    expect(cmd.replyInThread).toHaveBeenCalledWith("CH1", "IM1", "friday **at two**");
    expect(box.value).toBe("");
    // Shift+Enter is a new line.
    box.value = "a";
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", shiftKey: true, bubbles: true }));
    expect(cmd.replyInThread).toHaveBeenCalledTimes(1);
  });

  it("closes on Esc in its composer, the focus back in the conversation, and nothing else takes the Esc", async () => {
    await panel.thread("CH1" as ChannelSid, "IM1" as MessageSid);
    const behind = vi.fn();
    document.addEventListener("keydown", behind);
    const box = document.getElementById("thread-composer") as HTMLTextAreaElement;
    box.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    document.removeEventListener("keydown", behind);
    expect(behind).not.toHaveBeenCalled();
    expect(document.getElementById("panel")!.hidden).toBe(true);
    expect(panel.open).toBeNull();
    expect(document.activeElement?.id).toBe("composer");
  });

  it("says so when its first message is not here", async () => {
    shell.thread = [];
    await panel.thread("CH1" as ChannelSid, "IM9" as MessageSid);
    expect(texts("#thread-messages li")).toEqual(["The message this thread began with is not here (deleted, or not loaded yet)."]);
  });

  it("is not marked read while nothing in it is unread", async () => {
    shell.thread = [messageView({ ...root, thread: { ...root.thread!, unread: 0 } })];
    await panel.thread("CH1" as ChannelSid, "IM1" as MessageSid);
    expect(cmd.markThreadRead).not.toHaveBeenCalled();
  });

  it("opens from a search hit in it, beside its first message", async () => {
    shell.hits = [{ message: reply(2, "only after the freeze"), snippet: "only after the [freeze]" }];
    await panel.search("freeze");
    document.querySelector<HTMLElement>("#panel .results li")!.click();
    await settle();
    await settle();
    expect(jumped.map((m) => m.sid)).toEqual(["IM1"]);
    expect(cmd.thread).toHaveBeenCalledWith("CH1", "IM1");
    expect(panel.open).toBe("thread");
  });
});
