// A message row's reactions, actions, reply quote and mentions, drawn by the
// timeline with the shell's commands answered by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, MessageSid, MessageView, ReactionView } from "./types";

const shell = vi.hoisted(() => ({ page: [] as unknown[], located: null as number | null }));

vi.mock("./bindings/commands", () => ({
  messages: vi.fn(async () => shell.page),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async () => []),
  permissions: vi.fn(async () => []),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  openLink: vi.fn(async () => undefined),
  react: vi.fn(async () => undefined),
  unreact: vi.fn(async () => undefined),
  locate: vi.fn(async () => shell.located),
  remove: vi.fn(async () => 0),
  edit: vi.fn(async () => 0),
  markUnreadFrom: vi.fn(async () => undefined),
}));

import * as cmd from "./bindings/commands";
import { RECENT_KEY } from "./emoji";
import { useLanguage } from "./i18n";
import { QUICK, reactionLabel } from "./reactions";
import { Timeline } from "./timeline";
import { messageView } from "./fixtures";


function message(index: number, over: Partial<MessageView> = {}): MessageView {
  return messageView({ sid: `IM${index}` as MessageSid, index, body: `message ${index}`, ...over });
}
const reaction = (emoji: string, who: string[]): ReactionView => ({ emoji, who, mine: who.includes("alice") });
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

let list: HTMLOListElement;
let timeline: Timeline;
const errors: string[] = [];
const replies: MessageView[] = [];

async function show(...page: MessageView[]): Promise<void> {
  shell.page = page;
  await timeline.open("CH1" as ChannelSid, 100);
}
const row = (index: number) => list.querySelector<HTMLLIElement>(`li.message[data-index="${index}"]`)!;

beforeEach(() => {
  vi.clearAllMocks();
  localStorage.clear();
  errors.length = 0;
  replies.length = 0;
  shell.located = null;
  list = document.createElement("ol");
  const latest = document.createElement("button");
  document.body.append(list, latest);
  timeline = new Timeline(list, latest, { me: () => "alice", error: (e) => errors.push(e), transfer: () => undefined, reply: (m) => replies.push(m) });
});

afterEach(() => {
  useLanguage("en");
  document.body.replaceChildren();
});

describe("reaction labels", () => {
  it("say who reacted, the user first as You", () => {
    expect(reactionLabel(reaction("👍", ["bob"]), "alice")).toBe("bob reacted with 👍");
    expect(reactionLabel(reaction("👍", ["bob", "carol"]), "alice")).toBe("bob and carol reacted with 👍");
    expect(reactionLabel(reaction("🎉", ["bob", "alice", "carol"]), "alice")).toBe("You, bob, and carol reacted with 🎉");
    expect(reactionLabel(reaction("🎉", ["alice"]), "alice")).toBe("You reacted with 🎉");
    const many = Array.from({ length: 14 }, (_, i) => `u${i}`);
    expect(reactionLabel(reaction("👀", many), "alice")).toBe("u0, u1, u2, u3, u4, u5, u6, u7, u8, u9, and 4 others reacted with 👀");
    useLanguage("zh-TW");
    expect(reactionLabel(reaction("👍", ["bob", "alice", "carol"]), "alice")).toBe("你、bob和carol 以 👍 回應");
  });
});

describe("reaction chips", () => {
  it("show each emoji in order with its count, the user's own pressed", async () => {
    await show(message(1, { reactions: [reaction("🎉", ["bob", "carol"]), reaction("👍", ["alice"]), reaction("❤️", ["bob", "alice", "dan"])] }));
    const chips = [...row(1).querySelectorAll<HTMLButtonElement>(".reactions .reaction[data-reaction]")];
    expect(chips.map((c) => c.textContent)).toEqual(["🎉2", "👍1", "❤️3"]);
    expect(chips.map((c) => c.getAttribute("aria-pressed"))).toEqual(["false", "true", "true"]);
    expect(chips.map((c) => c.classList.contains("mine"))).toEqual([false, true, true]);
    expect(chips[0].title).toBe("bob and carol reacted with 🎉");
    expect(chips[0].hasAttribute("aria-label")).toBe(false);
    expect(chips[2].title).toBe("You, bob, and dan reacted with ❤️");
    // The chips come after the text.
    expect(row(1).querySelector(".body + .reactions")).not.toBeNull();
  });

  it("draw none for a message without reactions", async () => {
    await show(message(1));
    expect(row(1).querySelector(".reactions")).toBeNull();
  });

  it("add the user's reaction, or take it back", async () => {
    await show(message(1, { reactions: [reaction("🎉", ["bob"]), reaction("👍", ["alice", "bob"])] }));
    const [party, thumbs] = row(1).querySelectorAll<HTMLButtonElement>(".reaction[data-reaction]");
    party.click();
    await settle();
    expect(cmd.react).toHaveBeenCalledWith("CH1", "IM1", "🎉");
    expect(cmd.unreact).not.toHaveBeenCalled();
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).toEqual(["🎉"]);
    thumbs.click();
    await settle();
    expect(cmd.unreact).toHaveBeenCalledWith("CH1", "IM1", "👍");
    expect(cmd.react).toHaveBeenCalledTimes(1);
  });

  it("count with a reaction another client spelt differently", async () => {
    await show(message(1, { reactions: [reaction("👍\uFE0F", ["bob"])] }), message(2, { reactions: [reaction("👍\uFE0F", ["alice"])] }));
    row(1).querySelector<HTMLButtonElement>("[data-action='quick:👍']")!.click();
    expect(row(2).querySelector("[data-action='quick:👍']")!.getAttribute("aria-pressed")).toBe("true");
    row(2).querySelector<HTMLButtonElement>("[data-action='quick:👍']")!.click();
    await settle();
    expect(cmd.react).toHaveBeenCalledWith("CH1", "IM1", "👍\uFE0F");
    expect(cmd.unreact).toHaveBeenCalledWith("CH1", "IM2", "👍\uFE0F");
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).toEqual(["👍"]);
  });

  it("give the focus to Add reaction when the chip focused goes", async () => {
    await show(message(1, { reactions: [reaction("🎉", ["alice"])] }));
    row(1).querySelector<HTMLButtonElement>(".reaction[data-reaction]")!.focus();
    shell.page = [message(1)];
    await timeline.refresh();
    expect((document.activeElement as HTMLElement).dataset.action).toBe("react");
  });

  it("say what went wrong in a toast", async () => {
    vi.mocked(cmd.react).mockRejectedValueOnce({ code: "api", message: "server error 50400: not a member", key: "error-api-50400", args: { code: 50400 } });
    await show(message(1, { reactions: [reaction("🎉", ["bob"])] }));
    row(1).querySelector<HTMLButtonElement>(".reaction[data-reaction]")!.click();
    await settle();
    expect(errors).toEqual(["You're not a member of this channel."]);
  });
});

describe("a row's actions", () => {
  it("offer the quick reactions, Add reaction and Reply with the old actions", async () => {
    await show(message(1, { reactions: [reaction("👍", ["alice"])] }));
    const actions = row(1).querySelector(".actions")!;
    const labels = [...actions.querySelectorAll("button")].map((b) => b.getAttribute("aria-label"));
    expect(labels).toEqual([...QUICK.map((e) => `React with ${e}`), "Add reaction", "Reply", "Mark unread from here", "Save"]);
    expect(actions.querySelector("[data-action='quick:👍']")!.getAttribute("aria-pressed")).toBe("true");
    // The user's own message can be edited and deleted.
    await show(message(2, { author: "alice" }));
    const own = [...row(2).querySelectorAll(".actions button")].map((b) => b.getAttribute("data-action"));
    expect(own.slice(-4)).toEqual(["reply", "edit", "delete", "save"]);
  });

  it("react quickly, and toggle the user's own", async () => {
    await show(message(1, { reactions: [reaction("👍", ["alice"])] }));
    row(1).querySelector<HTMLButtonElement>("[data-action='quick:😂']")!.click();
    row(1).querySelector<HTMLButtonElement>("[data-action='quick:👍']")!.click();
    await settle();
    expect(cmd.react).toHaveBeenCalledWith("CH1", "IM1", "😂");
    expect(cmd.unreact).toHaveBeenCalledWith("CH1", "IM1", "👍");
  });

  it("react with the emoji picked in the picker, the focus back on Add reaction", async () => {
    const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal(): void; close(): void };
    proto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    proto.close = function (this: HTMLDialogElement) {
      this.removeAttribute("open");
    };
    await show(message(1));
    const add = row(1).querySelector<HTMLButtonElement>("[data-action='react']")!;
    add.focus();
    add.click();
    const party = await vi.waitFor(() => {
      const b = document.querySelector<HTMLButtonElement>("#emoji-picker button[data-emoji='🎉']");
      if (!b) throw new Error("not drawn yet");
      return b;
    });
    // The row is drawn anew while the picker is open (someone reacted).
    shell.page = [message(1, { reactions: [reaction("👀", ["bob"])] })];
    await timeline.refresh();
    party.click();
    await settle();
    expect(cmd.react).toHaveBeenCalledWith("CH1", "IM1", "🎉");
    expect(document.getElementById("emoji-picker")!.hasAttribute("open")).toBe(false);
    expect(document.activeElement).toBe(row(1).querySelector("[data-action='react']"));
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).toEqual(["🎉"]);
  });

  it("answer the message with Reply", async () => {
    await show(message(1));
    row(1).querySelector<HTMLButtonElement>("[data-action='reply']")!.click();
    expect(replies.map((m) => m.sid)).toEqual(["IM1"]);
  });

  it("are there only for delivered messages", async () => {
    await show(message(1, { deleted: true }), message(2, { state: "pending", sid: null, index: null, outbox_id: 3 }));
    expect(list.querySelector(".actions")).toBeNull();
  });

  it("keep the keyboard focus when the row is drawn anew", async () => {
    await show(message(1));
    row(1).querySelector<HTMLButtonElement>("[data-action='quick:🎉']")!.focus();
    shell.page = [message(1, { reactions: [reaction("🎉", ["alice"])] })];
    await timeline.refresh();
    const focused = document.activeElement as HTMLElement;
    expect(focused.dataset.action).toBe("quick:🎉");
    expect(focused.isConnected).toBe(true);
    expect(focused.getAttribute("aria-pressed")).toBe("true");
  });
});

describe("a reply's quote", () => {
  const reply = { to: "IM1" as MessageSid, author: "bob", excerpt: "<b>the plan</b> for friday" };

  it("shows who wrote the original and how it began, as text, above the reply", async () => {
    await show(message(1), message(2, { author: "carol", body: "yes", reply }));
    const quote = row(2).querySelector<HTMLButtonElement>(".reply-quote")!;
    expect(quote.textContent).toBe("bob <b>the plan</b> for friday");
    expect(quote.querySelector("b")).toBeNull();
    expect(quote.nextElementSibling?.className).toBe("body");
    expect(quote.getAttribute("aria-label")).toBe("In reply to bob: <b>the plan</b> for friday");
  });

  it("jumps to the original, highlighted and focused", async () => {
    shell.located = 1;
    await show(message(1), message(2, { reply }));
    row(2).querySelector<HTMLButtonElement>(".reply-quote")!.click();
    await settle();
    expect(cmd.locate).toHaveBeenCalledWith("CH1", "IM1");
    expect(row(1).classList.contains("highlight")).toBe(true);
    expect(document.activeElement).toBe(row(1));
  });

  it("reads the messages around an original that is not loaded", async () => {
    shell.located = 40;
    await show(message(90), message(91, { reply: { ...reply, to: "IM40" as MessageSid } }));
    shell.page = [message(39), message(40), message(41)];
    row(91).querySelector<HTMLButtonElement>(".reply-quote")!.click();
    await vi.waitFor(() => expect(row(40)?.classList.contains("highlight")).toBe(true));
    expect(cmd.messages).toHaveBeenCalledWith("CH1", 41, 50);
  });

  it("says so when the original is not there", async () => {
    shell.located = null;
    await show(message(2, { reply }));
    row(2).querySelector<HTMLButtonElement>(".reply-quote")!.click();
    await settle();
    expect(errors).toEqual(["The original message is not available"]);
    useLanguage("zh-TW");
    row(2).querySelector<HTMLButtonElement>(".reply-quote")!.click();
    await settle();
    expect(errors[1]).toBe("找不到原始訊息");
  });
});

describe("mentions in rows", () => {
  it("mark the names the message's attributes hold, the user strongest", async () => {
    const attributes = JSON.stringify({ parley: { mentions: ["bob", "alice"] } });
    await show(message(1, { body: "@bob and @alice, not @carol or `@bob`", attributes, mentions_me: true }), message(2));
    const marked = [...row(1).querySelectorAll(".body .mention")].map((m) => [m.textContent, m.className]);
    expect(marked).toEqual([["@bob", "mention"], ["@alice", "mention mention-me"]]);
    expect(row(1).querySelector("code")?.textContent).toBe("@bob");
    expect(row(1).classList.contains("mentions-me")).toBe(true);
    expect(row(2).classList.contains("mentions-me")).toBe(false);
  });
});
