// Avatars: the initials a name gives (Latin, dotted identities, CJK,
// Hangul, Kana, emoji, nothing at all), the colour an identity gets and
// its contrast with the white initials in both themes (read from
// style.css), what the element says to a screen reader (nothing), the
// picture that can stand in for the initials, and where the window draws
// them: the first row of a group in the timeline (not the rows that go on),
// a thread's rows, the members panel and the direct conversations.
/// <reference types="vite/client" />
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid, ChannelSummary, MemberView, MessageSid } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
// The style sheet as text: Vitest empties CSS imports, even ?raw ones, and
// Vite rewrites a literal `new URL("…", import.meta.url)` into an asset URL.
const fs = (await import("node:fs" as string)) as { readFileSync(path: string, encoding: "utf8"): string };
const here = import.meta.url;
const css = fs.readFileSync(decodeURIComponent(new URL("style.css", here).pathname), "utf8");
const shell = vi.hoisted(() => ({ page: [] as unknown[], thread: [] as unknown[], members: {} as Record<string, unknown[]> }));

vi.mock("./bindings/commands", () => ({
  messages: vi.fn(async () => shell.page),
  messagesAfter: vi.fn(async () => []),
  members: vi.fn(async (channel: string) => shell.members[channel] ?? []),
  permissions: vi.fn(async () => []),
  hasPrevPage: vi.fn(async () => false),
  loadOlder: vi.fn(async () => 0),
  thread: vi.fn(async () => shell.thread),
  markThreadRead: vi.fn(async () => undefined),
}));

import { avatar, COLOURS, colourOf, initials, PLACEHOLDER } from "./avatar";
import { memberView, messageView, threadHost } from "./fixtures";
import { useLanguage } from "./i18n";
import { Panel } from "./panel";
import { drawSidebar } from "./sidebar";
import { ThreadPane } from "./thread";
import { Timeline } from "./timeline";

describe("initials", () => {
  it("take the first letters of the friendly name's first two words", () => {
    expect(initials("alice", "Alice Chen")).toBe("AC");
    expect(initials("x", "mary ann de la cruz")).toBe("MA");
    expect(initials("x", "  Bob  ")).toBe("B");
    expect(initials("x", "émile zola"), "an accent stays on its letter").toBe("ÉZ");
    expect(initials("x", "(Bob) Lee"), "punctuation is not an initial").toBe("BL");
  });

  it("come from the identity when there is no friendly name, split on . _ - and spaces", () => {
    expect(initials("alice", null)).toBe("A");
    expect(initials("bob.lee", null)).toBe("BL");
    expect(initials("ann_marie-x", null)).toBe("AM");
    expect(initials("carol-ng", "")).toBe("CN");
    expect(initials("dave", "   "), "a blank friendly name is no name").toBe("D");
  });

  it("are the first character alone for Han, Hangul and Kana names", () => {
    expect(initials("wang", "王小明")).toBe("王");
    expect(initials("x", "山田 太郎"), "a family name and a given name apart: still one").toBe("山");
    expect(initials("x", "김민준")).toBe("김");
    expect(initials("x", "さくら")).toBe("さ");
    expect(initials("x", "カタカナ")).toBe("カ");
    expect(initials("x", "Alice 王"), "a second word in those scripts adds nothing").toBe("A");
  });

  it("keep an emoji whole, alone, never half a surrogate pair", () => {
    expect(initials("x", "🦊 Fox")).toBe("🦊");
    expect(initials("x", "👨‍👩‍👧 Family"), "a family emoji is one grapheme").toBe("👨‍👩‍👧");
    expect(initials("x", "🇫🇷")).toBe("🇫🇷");
    expect(initials("x", "Fox 🦊")).toBe("F");
    for (const s of ["🦊 Fox", "👨‍👩‍👧", "𝒜lice 𝒞hen"]) expect(initials("x", s)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it("are a neutral placeholder when nothing gives a letter", () => {
    expect(initials("", null)).toBe(PLACEHOLDER);
    expect(initials("", "")).toBe("?");
    expect(initials("...", "--"), "punctuation only").toBe("?");
  });
});

describe("the colour", () => {
  it("is the same for an identity every time, and differs across people", () => {
    const people = ["alice", "bob", "carol", "dave", "erin", "frank"];
    for (const p of people) expect(colourOf(p)).toBe(colourOf(p));
    // Pinned values: a change of hash would recolour everyone.
    expect(people.map(colourOf)).toEqual([9, 4, 2, 1, 5, 5]);
    expect(new Set(people.map(colourOf)).size).toBeGreaterThanOrEqual(4);
    for (const p of [...people, "", "王小明", "🦊"]) expect(colourOf(p)).toBeGreaterThanOrEqual(0), expect(colourOf(p)).toBeLessThan(COLOURS);
  });

  it("follows the identity, not the name shown", () => {
    expect(avatar("bob", "Robert").dataset.colour).toBe(avatar("bob", null).dataset.colour);
    expect(avatar("bob", null).dataset.colour).toBe(String(colourOf("bob")));
    expect(avatar("", null).dataset.colour, "the placeholder is grey").toBe("none");
  });

  /** WCAG's contrast ratio of two #rrggbb colours. */
  const contrast = (a: string, b: string) => {
    const lum = (hex: string) => {
      const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    };
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };

  it("is one of the style sheet's colours, each at least 4.5:1 with the white initials in both themes", () => {
    const decls = [...css.matchAll(/--avatar-(\d+|none):\s*(#[0-9a-f]{6})/gi)].map(([, n, hex]) => ({ n, hex }));
    // Every one of them, once: the dark theme's blocks redefine none, so the light values are the dark ones.
    expect(decls.map((d) => d.n).sort()).toEqual([...Array.from({ length: COLOURS }, (_, i) => String(i)), "none"].sort());
    for (let i = 0; i < COLOURS; i++) expect(css).toContain(`.avatar[data-colour="${i}"] { background: var(--avatar-${i}); }`);
    expect(css).toMatch(/\.avatar \{[^}]*color: #fff;/);
    for (const { n, hex } of decls) {
      expect(contrast(hex, "#ffffff"), `--avatar-${n} ${hex} under white text`).toBeGreaterThanOrEqual(4.5);
      // The circle still shows on the dark theme's page and sidebar.
      expect(contrast(hex, "#111827"), `--avatar-${n} on the dark --bg`).toBeGreaterThanOrEqual(1.8);
      expect(contrast(hex, "#1f2937"), `--avatar-${n} on the dark --side`).toBeGreaterThanOrEqual(1.8);
    }
    // Not the accent: the open conversation's row is that colour.
    expect(decls.map((d) => d.hex.toLowerCase())).not.toContain("#2563eb");
  });
});

describe("the element", () => {
  it("is a round mark hidden from screen readers, named by its identity", () => {
    const el = avatar("bob.lee", null);
    expect(el.tagName).toBe("SPAN");
    expect(el.getAttribute("aria-hidden")).toBe("true");
    expect(el.dataset.identity).toBe("bob.lee");
    expect(el.className).toBe("avatar avatar-large");
    expect(el.textContent).toBe("BL");
    expect(avatar("bob", null, "small").className).toBe("avatar avatar-small");
  });

  it("writes a name as text, never as markup", () => {
    const el = avatar("<img src=x onerror=alert(1)>", "<b>x</b>");
    expect(el.children).toHaveLength(0);
    expect(el.textContent).toBe("<");
    expect(el.dataset.identity).toBe("<img src=x onerror=alert(1)>");
  });

  it("shows a picture instead of the initials when given one, and the initials again if it fails", () => {
    const el = avatar("alice", "Alice Chen", "large", "parley-media://avatars/alice.png");
    const img = el.querySelector("img")!;
    expect(img.getAttribute("alt"), "the name is written beside it").toBe("");
    expect(img.getAttribute("src")).toBe("parley-media://avatars/alice.png");
    expect(el.textContent).toBe("");
    expect(el.dataset.colour, "the colour shows while it loads").toBe(String(colourOf("alice")));
    img.dispatchEvent(new Event("error"));
    expect(el.querySelector("img")).toBeNull();
    expect(el.textContent).toBe("AC");
    for (const none of [null, undefined, ""]) expect(avatar("alice", null, "small", none).querySelector("img")).toBeNull();
  });
});


const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const member = (identity: string, over: Partial<MemberView> = {}): MemberView => memberView(identity, over);
const at = (minute: number) => `2024-05-01T12:${String(minute).padStart(2, "0")}:00.000Z`;

describe("where the window draws them", () => {
  beforeEach(() => {
    useLanguage("en");
    document.body.innerHTML = new DOMParser().parseFromString(page, "text/html").body.innerHTML;
    shell.members = { CH1: [member("alice"), member("bob", { friendly_name: "Bob Lee", online: true }), member("carol")] };
  });

  it("puts one on the first row of a group only, beside the author and body it leaves as they were", async () => {
    shell.page = [
      messageView({ sid: "IM1" as MessageSid, index: 1, author: "bob", body: "one", date_created: at(0) }),
      messageView({ sid: "IM2" as MessageSid, index: 2, author: "bob", body: "two", date_created: at(1) }),
      messageView({ sid: "IM3" as MessageSid, index: 3, author: "carol", body: "three", date_created: at(2) }),
    ];
    const list = document.getElementById("messages") as HTMLOListElement;
    const timeline = new Timeline(list, document.getElementById("latest") as HTMLButtonElement, { me: () => "alice", error: () => {}, transfer: () => undefined });
    await timeline.open("CH1" as ChannelSid, null);
    const rows = [...list.querySelectorAll<HTMLElement>("li.message")];
    expect(rows.map((r) => r.querySelector(".avatar")?.textContent ?? null)).toEqual(["BL", null, "C"]);
    expect(rows[0].firstElementChild!.classList.contains("avatar"), "left of the message column").toBe(true);
    expect(rows.map((r) => r.querySelector(".author")?.textContent ?? null)).toEqual(["bob", null, "carol"]);
    expect(rows.map((r) => r.querySelector(".body")!.textContent)).toEqual(["one", "two", "three"]);
    expect(list.querySelectorAll(".avatar-large")).toHaveLength(2);
  });

  it("puts one on each of a thread's rows", async () => {
    shell.thread = [
      messageView({ sid: "IM1" as MessageSid, author: "bob", body: "root" }),
      messageView({ sid: "IM2" as MessageSid, author: "carol", body: "reply", thread_root: "IM1" as MessageSid }),
    ];
    const pane = new ThreadPane({ ...threadHost, name: (who) => (who === "bob" ? "Bob Lee" : null) });
    document.body.append(pane.el);
    await pane.show("CH1" as ChannelSid, "IM1" as MessageSid);
    const rows = [...pane.el.querySelectorAll<HTMLElement>("li.message")];
    expect(rows.map((r) => r.querySelector(".avatar")!.textContent)).toEqual(["BL", "C"]);
    expect(rows.map((r) => r.querySelector(".author")!.textContent)).toEqual(["bob", "carol"]);
  });

  it("puts a small one before each member's presence and name", async () => {
    const panel = new Panel({
      threads: threadHost, me: () => "alice", current: () => "CH1" as ChannelSid, channels: () => [], act: async (p) => { await p; },
      changed: async () => {}, left: async () => {}, show: async () => {}, open: async () => {}, jump: async () => {},
    });
    panel.toggle("members");
    await vi.waitFor(() => expect(document.querySelectorAll(".members li")).toHaveLength(3));
    const items = [...document.querySelectorAll<HTMLElement>(".members li")];
    expect(items.map((li) => li.querySelector(".avatar-small")!.textContent)).toEqual(["A", "BL", "C"]);
    expect(items[1].querySelector(".avatar + .presence.online")).not.toBeNull();
  });

  it("puts a small one on each direct conversation (its first other person's), none on channels", async () => {
    const row = (over: Partial<ChannelSummary>): ChannelSummary => ({
      sid: "CH1" as ChannelSid, unique_name: null, friendly_name: "general", kind: "public", status: "joined", unread: 0, mentions: 0,
      notify: "all", last_consumed_index: null, members_count: 2, attributes: "{}", direct: [], last_message: null, ...over,
    });
    shell.members = { CHB: [member("alice"), member("bob", { friendly_name: "Bob Lee", online: true })], CHG: [member("alice"), member("carol"), member("dave")] };
    drawSidebar([row({}), row({ sid: "CHB" as ChannelSid, direct: ["bob"] }), row({ sid: "CHG" as ChannelSid, direct: ["carol", "dave"] })], null, { open: () => {}, accept: () => {}, decline: () => {} });
    await settle();
    expect(document.querySelector("#channels .avatar")).toBeNull();
    const rows = [...document.querySelectorAll<HTMLElement>("#directs .channel")];
    expect(rows.map((r) => r.querySelector<HTMLElement>(".avatar-small")!.dataset.identity)).toEqual(["bob", "carol"]);
    expect(rows.map((r) => r.querySelector(".avatar")!.textContent)).toEqual(["BL", "C"]);
    expect(rows.map((r) => r.querySelector(".name")!.textContent), "the names as they were").toEqual(["Bob Lee", "carol and dave"]);
    expect(rows[0].querySelector(".presence")!.className).toBe("presence online");
  });
});
