// Pins and saved messages: a row's Pin / Unpin (only where the role may edit
// the channel's attributes) and Save / Unsave, the marker on a pinned row,
// and the side panel's Pinned and Saved lists, with the shell's commands
// answered by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, ChannelSummary, MessageSid, MessageView } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
const shell = vi.hoisted(() => ({ page: [] as unknown[], perms: [] as string[], pinned: [] as unknown[], saved: [] as unknown[] }));

vi.mock("./bindings/commands", () => ({
  messages: vi.fn(async () => shell.page),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async () => []),
  permissions: vi.fn(async () => shell.perms),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  setPinned: vi.fn(async () => undefined),
  setSaved: vi.fn(async () => undefined),
  pinned: vi.fn(async () => shell.pinned),
  saved: vi.fn(async () => shell.saved),
}));

import * as cmd from "./bindings/commands";
import { useLanguage } from "./i18n";
import { Panel, type PanelHost } from "./panel";
import { Timeline } from "./timeline";
import { messageView, threadHost } from "./fixtures";


function message(index: number, over: Partial<MessageView> = {}): MessageView {
  return messageView({ sid: `IM${index}` as MessageSid, index, body: `message ${index}`, ...over });
}
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

let list: HTMLOListElement;
let timeline: Timeline;
const errors: string[] = [];

async function show(...rows: MessageView[]): Promise<void> {
  shell.page = rows;
  await timeline.open("CH1" as ChannelSid, 100);
}
const row = (index: number) => list.querySelector<HTMLLIElement>(`li.message[data-index="${index}"]`)!;
const action = (index: number, name: string) => row(index).querySelector<HTMLButtonElement>(`[data-action='${name}']`);

beforeEach(() => {
  vi.clearAllMocks();
  errors.length = 0;
  shell.perms = [];
  shell.pinned = [];
  shell.saved = [];
  document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "").replace(/<script[^>]*><\/script>/, "");
  list = document.getElementById("messages") as HTMLOListElement;
  timeline = new Timeline(list, document.getElementById("latest") as HTMLButtonElement, { me: () => "alice", error: (e) => errors.push(e), transfer: () => undefined });
});
afterEach(() => useLanguage("en"));

describe("a row's Pin action", () => {
  it("is offered only where the role may edit the channel's attributes", async () => {
    shell.perms = ["sendMessage", "editOwnMessage"];
    await show(message(1));
    expect(action(1, "pin")).toBeNull();
    shell.perms = ["sendMessage", "editChannelAttributes"];
    await show(message(1));
    expect(action(1, "pin")).not.toBeNull();
  });

  it("pins and unpins, and says so by the message's state", async () => {
    shell.perms = ["editChannelAttributes"];
    await show(message(1), message(2, { pinned: true }));
    expect(action(1, "pin")!.getAttribute("aria-label")).toBe("Pin");
    expect(action(2, "pin")!.getAttribute("aria-label")).toBe("Unpin");
    action(1, "pin")!.click();
    action(2, "pin")!.click();
    await settle();
    expect(cmd.setPinned).toHaveBeenCalledWith("CH1", "IM1", true);
    expect(cmd.setPinned).toHaveBeenCalledWith("CH1", "IM2", false);
    useLanguage("zh-TW");
    await show(message(1), message(2, { pinned: true }));
    expect(action(1, "pin")!.getAttribute("aria-label")).toBe("釘選");
    expect(action(2, "pin")!.getAttribute("aria-label")).toBe("取消釘選");
  });

  it("marks a pinned row", async () => {
    await show(message(1), message(2, { pinned: true }));
    expect(row(1).classList.contains("pinned")).toBe(false);
    expect(row(1).querySelector(".pin-marker")).toBeNull();
    expect(row(2).classList.contains("pinned")).toBe(true);
    expect(row(2).querySelector(".pin-marker")!.getAttribute("aria-label")).toBe("Pinned");
  });

  it("says when the shell refuses", async () => {
    shell.perms = ["editChannelAttributes"];
    vi.mocked(cmd.setPinned).mockRejectedValueOnce({ code: "api", message: "x", key: "error-api-50400", args: { code: 50400 } });
    await show(message(1));
    action(1, "pin")!.click();
    await settle();
    expect(errors).toEqual(["You're not a member of this channel."]);
  });
});

describe("a row's Save action", () => {
  it("saves and unsaves, for anyone", async () => {
    await show(message(1), message(2, { saved: true }));
    expect(action(1, "save")!.getAttribute("aria-label")).toBe("Save");
    expect(action(2, "save")!.getAttribute("aria-label")).toBe("Unsave");
    expect(action(2, "save")!.getAttribute("aria-pressed")).toBe("true");
    action(1, "save")!.click();
    action(2, "save")!.click();
    await settle();
    expect(cmd.setSaved).toHaveBeenCalledWith("CH1", "IM1", true);
    expect(cmd.setSaved).toHaveBeenCalledWith("CH1", "IM2", false);
    useLanguage("zh-TW");
    await show(message(1), message(2, { saved: true }));
    expect(action(1, "save")!.getAttribute("aria-label")).toBe("儲存");
    expect(action(2, "save")!.getAttribute("aria-label")).toBe("取消儲存");
  });
});

describe("the Pinned and Saved panels", () => {
  const channels = [
    { sid: "CH1", unique_name: "general", friendly_name: null },
    { sid: "CH2", unique_name: null, friendly_name: "Random" },
  ] as unknown as ChannelSummary[];
  const jumped: MessageView[] = [];
  const host: PanelHost = {
    threads: threadHost,
    me: () => "alice",
    current: () => "CH1" as ChannelSid,
    channels: () => channels,
    act: async (p) => { await p; },
    changed: async () => {},
    left: async () => {},
    show: async () => {},
    open: async () => {},
    jump: async (m) => void jumped.push(m),
  };
  beforeEach(() => (jumped.length = 0));

  it("lists the open channel's pinned messages; a click jumps to one", async () => {
    shell.pinned = [message(3, { author: "carol", body: "the plan" }), message(9, { body: "the date" })];
    const panel = new Panel(host);
    document.getElementById("pins-toggle")!.addEventListener("click", () => panel.toggle("pins"));
    document.getElementById("pins-toggle")!.click();
    await vi.waitFor(() => expect(document.querySelectorAll("#panel .kept")).toHaveLength(2));
    expect(cmd.pinned).toHaveBeenCalledWith("CH1");
    expect(document.querySelector("#panel h2")!.textContent).toBe("Pinned messages");
    const items = [...document.querySelectorAll<HTMLElement>("#panel .kept")];
    expect(items[0].querySelector(".author")!.textContent).toBe("carol");
    expect(items[0].querySelector(".snippet")!.textContent).toBe("the plan");
    expect(items[0].querySelector("time")!.getAttribute("datetime")).toBe("2024-05-01T12:00:00.000Z");
    items[1].click();
    expect(jumped.map((m) => m.sid)).toEqual(["IM9"]);
  });

  it("says when nothing is pinned", async () => {
    const panel = new Panel(host);
    panel.toggle("pins");
    await vi.waitFor(() => expect(document.querySelector("#panel .empty")?.textContent).toBe("No pinned messages"));
  });

  it("lists the saved messages with their channels; a click opens one", async () => {
    shell.saved = [message(4, { channel_sid: "CH2" as ChannelSid, body: "read later" }), message(5)];
    const panel = new Panel(host);
    panel.toggle("saved");
    await vi.waitFor(() => expect(document.querySelectorAll("#panel .kept")).toHaveLength(2));
    expect(document.querySelector("#panel h2")!.textContent).toBe("Saved messages");
    const items = [...document.querySelectorAll<HTMLElement>("#panel .kept")];
    expect(items.map((i) => i.querySelector(".where")!.textContent)).toEqual(["#Random · ", "#general · "]);
    items[0].click();
    expect(jumped.map((m) => [m.channel_sid, m.sid])).toEqual([["CH2", "IM4"]]);
    expect(document.getElementById("saved-toggle")!.textContent).toBe("Saved");
  });
});
