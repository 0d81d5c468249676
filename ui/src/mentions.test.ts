// Mentions: which `@word`s a drawn message marks (from its attributes, in
// text only, never as HTML), and the composer's autocomplete.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { MemberView } from "./types";

const shell = vi.hoisted(() => ({ members: [] as unknown[], perms: [] as string[] }));
vi.mock("./bindings/commands", () => ({
  members: vi.fn(async () => shell.members),
  permissions: vi.fn(async () => shell.perms),
}));

import * as cmd from "./bindings/commands";
import { useLanguage } from "./i18n";
import { installCompositionTracking, unlessComposing } from "./ime";
import { renderBody } from "./markdown";
import { candidates, fragmentAt, MentionList } from "./mention-list";
import { mentionMarks, mentionParts } from "./mentions";
import { memberView } from "./fixtures";

const member = (identity: string, friendly_name: string | null = null): MemberView => memberView(identity, { friendly_name, online: true });
const attrs = (parley: unknown) => JSON.stringify({ other: { client: 1 }, parley });
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** `text` drawn with the marks of `attributes`, as alice. */
function draw(text: string, attributes: string): HTMLDivElement {
  const div = document.createElement("div");
  div.append(renderBody(text, { open: () => {} }, mentionMarks(attributes, "alice")));
  return div;
}
const marked = (div: Element) => [...div.querySelectorAll(".mention")].map((m) => `${m.textContent}${m.classList.contains("mention-me") ? "!" : ""}`);

describe("a message's mention marks", () => {
  it("are read from parley.mentions and parley.mention_channel", () => {
    expect(mentionMarks(attrs({ mentions: ["Bob", "alice"] }), "Alice")).toEqual({ names: new Set(["bob", "alice"]), everyone: false, me: "alice" });
    expect(mentionMarks(attrs({ mention_channel: true }), "alice")?.everyone).toBe(true);
  });

  it("are nothing for attributes that are not Parley's marks", () => {
    for (const bad of ["", "{", "null", "[]", "3", '"x"', attrs(null), attrs("mentions"), attrs({}), attrs({ mentions: "bob" }), attrs({ mention_channel: "yes" })]) {
      expect(mentionMarks(bad, "alice"), bad).toBeNull();
    }
    expect(mentionMarks(attrs({ mentions: ["bob", 3, null, { a: 1 }] }), "alice")?.names).toEqual(new Set(["bob"]));
  });

  it("cut text at the @words they name, as the client finds them", () => {
    const marks = mentionMarks(attrs({ mentions: ["bob", "alice", "d.j-x_1"] }), "alice")!;
    expect(mentionParts("hi @bob, @Alice. and @d.j-x_1! @carol e@bob", marks)).toEqual([
      { text: "hi " },
      { text: "@bob", mention: "other" },
      { text: ", " },
      { text: "@Alice", mention: "me" },
      { text: ". and " },
      { text: "@d.j-x_1", mention: "other" },
      { text: "! @carol e@bob" },
    ]);
  });
});

describe("mentions in a drawn message", () => {
  it("are marked, the user's own strongest", () => {
    const div = draw("@bob can you ask **@alice**?\nthanks @bob", attrs({ mentions: ["bob", "alice"] }));
    expect(marked(div)).toEqual(["@bob", "@alice!", "@bob"]);
    expect(div.textContent).toBe("@bob can you ask @alice?thanks @bob");
    expect(div.querySelector("strong .mention-me")).not.toBeNull();
    expect(div.querySelectorAll("br")).toHaveLength(1);
  });

  it("mark @channel and @here for everyone only with the flag", () => {
    expect(marked(draw("@channel and @here: lunch", attrs({ mention_channel: true })))).toEqual(["@channel!", "@here!"]);
    expect(marked(draw("@channel and @here: lunch", attrs({ mentions: ["bob"] })))).toEqual([]);
  });

  it("are only the names the attributes hold", () => {
    expect(marked(draw("@bob and @carol", attrs({ mentions: ["carol"] })))).toEqual(["@carol"]);
    expect(marked(draw("@bob and @alice", "{}"))).toEqual([]);
    expect(marked(draw("@bob and @alice", "not json"))).toEqual([]);
  });

  it("are not marked in code, code blocks or links", () => {
    const div = draw("`@alice` and\n\n```\n@alice\n```\n\n[@alice](https://example.com) and @alice", attrs({ mentions: ["alice"] }));
    expect(marked(div)).toEqual(["@alice!"]);
    expect(div.querySelector("code")?.textContent).toBe("@alice");
    expect(div.querySelector("code .mention, pre .mention, a .mention")).toBeNull();
  });

  it("are text, never HTML", () => {
    const div = draw('@alice <img src=x onerror="alert(1)"> <b>@bob</b>', attrs({ mentions: ["alice", "bob"] }));
    expect(div.querySelector("img, b")).toBeNull();
    expect(marked(div)).toEqual(["@alice!"]);
    expect(div.textContent).toBe('@alice <img src=x onerror="alert(1)"> <b>@bob</b>');
  });
});

describe("the mention candidates", () => {
  const members = [member("bob", "Robert Smith"), member("alice", "Alice"), member("Barbara"), member("carol", "Bobbie C")];

  it("are what follows the @ in the word at the caret", () => {
    expect(fragmentAt("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(fragmentAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(fragmentAt("hi @bo there", 6)).toEqual({ start: 3, query: "bo" });
    expect(fragmentAt("mail a@bo", 9)).toBeNull();
    expect(fragmentAt("hi @bob ", 8)).toBeNull();
  });

  it("begin with it first, then contain it, ignoring case, by username or display name", () => {
    expect(candidates(members, false, "b").map((c) => c.identity)).toEqual(["Barbara", "bob", "carol"]);
    expect(candidates(members, false, "SMI").map((c) => c.identity)).toEqual(["bob"]);
    expect(candidates(members, false, "ar").map((c) => c.identity)).toEqual(["Barbara", "carol"]);
    expect(candidates(members, false, "").map((c) => c.identity)).toEqual(["alice", "Barbara", "bob", "carol"]);
    // A name beginning with it, before one with a later word beginning with it, before one containing it.
    expect(candidates([member("abe", "Zed Smith"), member("sam"), member("asma")], false, "s").map((c) => c.identity)).toEqual(["sam", "abe", "asma"]);
  });

  it("call everyone only when the user may", () => {
    expect(candidates(members, false, "").some((c) => c.everyone)).toBe(false);
    expect(candidates(members, true, "").filter((c) => c.everyone).map((c) => c.identity)).toEqual(["channel", "here"]);
    expect(candidates(members, true, "h").map((c) => c.identity)).toEqual(["here", "bob", "channel"]);
  });
});

describe("the mention list in the composer", () => {
  let box: HTMLTextAreaElement;
  let mentions: MentionList;
  const sent: string[] = [];
  const list = () => document.getElementById("mention-list")!;
  const options = () => [...list().querySelectorAll<HTMLElement>("[role='option']")];
  const key = (k: string, init: KeyboardEventInit = {}) =>
    box.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init }));
  async function type(text: string): Promise<void> {
    box.value = text;
    box.setSelectionRange(text.length, text.length);
    box.dispatchEvent(new InputEvent("input", { bubbles: true }));
    await settle();
  }

  beforeAll(() => installCompositionTracking(document));
  beforeEach(() => {
    vi.clearAllMocks();
    sent.length = 0;
    shell.members = [member("bob", "Robert"), member("alice"), member("bea", "Beatrice")];
    shell.perms = [];
    box = document.createElement("textarea");
    document.body.append(box);
    mentions = new MentionList(box, () => "CH1" as never);
    document.body.append(mentions.list);
    // The composer's own handler, as composer.ts has it: the list first.
    box.addEventListener("keydown", unlessComposing((ev) => {
      if (mentions.key(ev)) return;
      if (ev.key === "Enter") sent.push(box.value);
    }));
    box.focus();
  });
  afterEach(() => {
    useLanguage("en");
    document.body.replaceChildren();
  });

  it("opens at an @, filters as the user types, and closes without a match", async () => {
    await type("hi @");
    expect(list().hidden).toBe(false);
    expect(list().getAttribute("role")).toBe("listbox");
    expect(options().map((o) => o.dataset.identity)).toEqual(["alice", "bea", "bob"]);
    expect(options().map((o) => o.getAttribute("aria-selected"))).toEqual(["true", "false", "false"]);
    expect(options()[1].textContent).toBe("@beaBeatrice");
    expect(cmd.members).toHaveBeenCalledWith("CH1");
    await type("hi @B");
    expect(options().map((o) => o.dataset.identity)).toEqual(["bea", "bob"]);
    await type("hi @rob");
    expect(options().map((o) => o.dataset.identity)).toEqual(["bob"]);
    await type("hi @zed");
    expect(list().hidden).toBe(true);
    await type("email@b");
    expect(list().hidden).toBe(true);
  });

  it("moves with Up and Down and puts the choice in with Enter, instead of sending", async () => {
    await type("ask @b");
    key("ArrowDown");
    expect(options().map((o) => o.getAttribute("aria-selected"))).toEqual(["false", "true"]);
    expect(box.getAttribute("aria-activedescendant")).toBe(options()[1].id);
    key("ArrowDown");
    key("ArrowUp");
    key("ArrowUp");
    expect(options()[0].getAttribute("aria-selected")).toBe("true");
    key("ArrowDown");
    key("Enter");
    expect(box.value).toBe("ask @bob ");
    expect(sent).toEqual([]);
    expect(list().hidden).toBe(true);
    // Closed, Enter is the composer's again.
    key("Enter");
    expect(sent).toEqual(["ask @bob "]);
  });

  it("puts the choice in with Tab and a click, in the middle of the text too", async () => {
    box.value = "hi @al and more";
    box.setSelectionRange(6, 6);
    box.dispatchEvent(new InputEvent("input", { bubbles: true }));
    await settle();
    key("Tab");
    expect(box.value).toBe("hi @alice  and more");
    await type("x @be");
    options()[0].dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
    options()[0].click();
    expect(box.value).toBe("x @bea ");
  });

  it("closes on Esc, and ignores the keys of an IME composition", async () => {
    await type("@b");
    key("Enter", { isComposing: true });
    key("ArrowDown", { keyCode: 229 });
    expect(box.value).toBe("@b");
    expect(options()[0].getAttribute("aria-selected")).toBe("true");
    const esc = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    box.dispatchEvent(esc);
    expect(esc.defaultPrevented).toBe(true);
    expect(list().hidden).toBe(true);
    expect(box.value).toBe("@b");
  });

  it("offers @channel and @here only with the mentionChannel permission", async () => {
    await type("@");
    expect(options().map((o) => o.dataset.identity)).not.toContain("channel");
    mentions.forget();
    shell.perms = ["sendMessage", "mentionChannel"];
    await type("@");
    expect(options().map((o) => o.dataset.identity)).toEqual(["alice", "bea", "bob", "channel", "here"]);
    expect(options()[3].textContent).toBe("@channelEveryone in this channel");
    await type("@he");
    expect(options().map((o) => o.dataset.identity)).toEqual(["here"]);
    key("Enter");
    expect(box.value).toBe("@here ");
  });
});
