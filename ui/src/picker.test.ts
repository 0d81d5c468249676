// The emoji picker and its data: search in English and Chinese against the
// real emojibase data, the recently used, the keyboard, and that the data
// is read only when the picker opens.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { canonical, type Emoji, GROUPS, loadEmoji, MAX_RECENT, RECENT_KEY, recentEmoji, rememberEmoji, searchEmoji } from "./emoji";
import { useLanguage } from "./i18n";
import { installCompositionTracking } from "./ime";
import { moveIn, pickEmoji } from "./picker";
import { QUICK } from "./reactions";

/** The window's sources (not its tests), as text. */
const sources = import.meta.glob(["./*.ts", "!./*.test.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

// jsdom has no modal dialogs: enough of one for the picker.
beforeAll(() => {
  installCompositionTracking(document);
  const proto = HTMLDialogElement.prototype as HTMLDialogElement & { showModal(): void; close(): void };
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  proto.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
  if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};
});

let english: Emoji[];
let chinese: Emoji[];
beforeAll(async () => {
  [english, chinese] = await Promise.all([loadEmoji("en"), loadEmoji("zh-TW")]);
});

beforeEach(() => localStorage.clear());
afterEach(() => {
  useLanguage("en");
  document.querySelector("#emoji-picker")?.removeAttribute("open");
});

const emoji = (list: Emoji[]) => list.map((e) => e.emoji);

describe("the emoji data", () => {
  it("is read with a dynamic import, never in the window's first load", () => {
    expect(sources["./emoji.ts"]).toMatch(/import\("emojibase-data\/en\/compact\.json"\)/);
    expect(sources["./emoji.ts"]).toMatch(/import\("emojibase-data\/zh-hant\/compact\.json"\)/);
    for (const [file, text] of Object.entries(sources)) expect(text, file).not.toMatch(/^import[^;]*emojibase-data/m);
  });

  it("has every group but the components, in emojibase's order", () => {
    expect(english.length).toBeGreaterThan(1500);
    expect(new Set(english.map((e) => e.group))).toEqual(new Set(GROUPS));
    expect(english[0].emoji).toBe("😀");
    expect(english.every((e, i) => i === 0 || english[i - 1].order <= e.order)).toBe(true);
  });

  it("spells each emoji as reactions do, so the quick ones are the same", () => {
    expect(canonical("👍\uFE0F")).toBe("👍");
    expect(canonical("❤\uFE0F")).toBe("❤️");
    expect(canonical("🏳\uFE0F\u200D🌈")).toBe("🏳️‍🌈");
    const all = new Set(emoji(english));
    for (const q of QUICK) expect(all.has(q), q).toBe(true);
  });

  it("leaves out emoji newer than the fonts the window meets", () => {
    const all = new Set(emoji(english));
    expect(all.has("🫠")).toBe(true); // Emoji 14.0
    expect(all.has("🫨")).toBe(true); // 15.0
    expect(all.has("🐦‍🔥")).toBe(false); // 15.1
    expect(all.has("🫩")).toBe(false); // 16.0
    expect(emoji(chinese).includes("🫩")).toBe(false);
  });

  it("names them in Chinese for a window in Traditional Chinese", () => {
    expect(chinese.find((e) => e.emoji === "👍")?.label).toBe("讚");
    expect(english.find((e) => e.emoji === "👍")?.label).toBe("thumbs up");
  });
});

describe("emoji search", () => {
  it("finds by English name and keyword, names first", () => {
    expect(emoji(searchEmoji(english, "thumbs up"))[0]).toBe("👍");
    expect(emoji(searchEmoji(english, "Thumbs"))).toEqual(expect.arrayContaining(["👍", "👎"]));
    const laugh = emoji(searchEmoji(english, "laugh"));
    expect(laugh).toEqual(expect.arrayContaining(["😂", "😄"]));
    expect(emoji(searchEmoji(english, "tada"))).toEqual(["🎉"]);
    expect(emoji(searchEmoji(english, "party popper"))[0]).toBe("🎉");
    expect(searchEmoji(english, "   ")).toEqual([]);
    expect(searchEmoji(english, "zzqxj")).toEqual([]);
  });

  it("finds by Chinese name and keyword, and still by English", () => {
    const laugh = emoji(searchEmoji(chinese, "笑"));
    expect(laugh).toEqual(expect.arrayContaining(["😂", "😄"]));
    expect(emoji(searchEmoji(chinese, "讚"))[0]).toBe("👍");
    expect(emoji(searchEmoji(chinese, "謝謝"))).toContain("🙏");
    expect(emoji(searchEmoji(chinese, "thumbs up"))[0]).toBe("👍");
    // An English window does not search the Chinese names.
    expect(emoji(searchEmoji(english, "笑"))).toEqual([]);
  });
});

describe("recently used emoji", () => {
  it("keeps the latest first, once each, at most 24", () => {
    expect(recentEmoji()).toEqual([]);
    rememberEmoji("👍");
    rememberEmoji("🎉");
    rememberEmoji("👍");
    expect(recentEmoji()).toEqual(["👍", "🎉"]);
    expect(JSON.parse(localStorage.getItem(RECENT_KEY)!)).toEqual(["👍", "🎉"]);
    for (const e of english.slice(0, 30)) rememberEmoji(e.emoji);
    expect(recentEmoji()).toHaveLength(MAX_RECENT);
    expect(recentEmoji()[0]).toBe(english[29].emoji);
  });

  it("survives storage that is not a list of emoji", () => {
    localStorage.setItem(RECENT_KEY, "{not json");
    expect(recentEmoji()).toEqual([]);
    localStorage.setItem(RECENT_KEY, JSON.stringify({ a: 1 }));
    expect(recentEmoji()).toEqual([]);
    localStorage.setItem(RECENT_KEY, JSON.stringify(["😀", 3, null, "🎉"]));
    expect(recentEmoji()).toEqual(["😀", "🎉"]);
  });
});

describe("the arrow keys in the grid", () => {
  // Sections of 10 and 3 emoji, 8 a row: [0..7] [8 9] | [10 11 12].
  const sizes = [10, 3];
  it("step left and right through everything", () => {
    expect(moveIn(sizes, 0, "ArrowLeft")).toBe(0);
    expect(moveIn(sizes, 9, "ArrowRight")).toBe(10);
    expect(moveIn(sizes, 12, "ArrowRight")).toBe(12);
  });

  it("go up and down by rows, across sections and short rows", () => {
    expect(moveIn(sizes, 1, "ArrowDown")).toBe(9);
    expect(moveIn(sizes, 5, "ArrowDown")).toBe(9); // the next row is short
    expect(moveIn(sizes, 9, "ArrowDown")).toBe(11);
    expect(moveIn(sizes, 12, "ArrowDown")).toBe(12);
    expect(moveIn(sizes, 11, "ArrowUp")).toBe(9);
    expect(moveIn(sizes, 12, "ArrowUp")).toBe(9); // column 2 of a row of 2
    expect(moveIn(sizes, 10, "ArrowUp")).toBe(8);
    expect(moveIn(sizes, 9, "ArrowUp")).toBe(1);
    expect(moveIn([0, 4], 2, "ArrowUp")).toBe(2);
    expect(moveIn([], 0, "ArrowDown")).toBe(-1);
  });
});

const picker = () => document.getElementById("emoji-picker") as HTMLDialogElement;
const search = () => document.getElementById("emoji-search") as HTMLInputElement;
const key = (el: Element, k: string, init: KeyboardEventInit = {}) =>
  el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...init }));
const selected = () => picker().querySelector<HTMLButtonElement>("button[data-emoji][aria-selected='true']");

/** Opens the picker from a button and waits for its emoji. */
async function open(): Promise<{ opener: HTMLButtonElement; answer: Promise<string | null> }> {
  const opener = document.createElement("button");
  document.body.append(opener);
  opener.focus();
  const answer = pickEmoji(opener);
  await expect.poll(() => picker()?.querySelectorAll("button[data-emoji]").length ?? 0).toBeGreaterThan(1000);
  return { opener, answer };
}

describe("the picker", () => {
  it("shows the groups, the recently used first, and picks the emoji clicked", async () => {
    rememberEmoji("🎉");
    rememberEmoji("🙏");
    const { answer } = await open();
    expect(picker().open).toBe(true);
    expect(document.activeElement).toBe(search());
    const headings = [...picker().querySelectorAll("h3")].map((h) => h.textContent);
    expect(headings[0]).toBe("Recently used");
    expect(headings.slice(1)).toEqual(["Smileys & emotion", "People & body", "Animals & nature", "Food & drink", "Travel & places", "Activities", "Objects", "Symbols", "Flags"]);
    const recent = picker().querySelectorAll<HTMLButtonElement>("section:first-child button[data-emoji]");
    expect([...recent].map((b) => b.dataset.emoji)).toEqual(["🙏", "🎉"]);
    expect(recent[0].getAttribute("aria-label")).toBe("folded hands");
    picker().querySelector<HTMLButtonElement>("button[data-emoji='😂']")!.click();
    await expect(answer).resolves.toBe("😂");
    expect(picker().open).toBe(false);
  });

  it("searches as the user types, in the window's language and English", async () => {
    useLanguage("zh-TW");
    const { answer } = await open();
    expect(search().placeholder).toBe("搜尋表情符號");
    expect(picker().querySelector("h3")?.textContent).toBe("笑臉與情緒");
    search().value = "笑";
    search().dispatchEvent(new Event("input"));
    const found = [...picker().querySelectorAll<HTMLButtonElement>("button[data-emoji]")].map((b) => b.dataset.emoji);
    expect(found).toEqual(expect.arrayContaining(["😂", "😄"]));
    expect(found.length).toBeLessThan(200);
    search().value = "party popper";
    search().dispatchEvent(new Event("input"));
    expect(selected()?.dataset.emoji).toBe("🎉");
    search().value = "no such emoji at all";
    search().dispatchEvent(new Event("input"));
    expect(picker().querySelector(".emoji-empty")?.textContent).toBe("找不到表情符號");
    key(search(), "Escape");
    await expect(answer).resolves.toBeNull();
    // Back in English, the picker is too.
    useLanguage("en");
    const again = pickEmoji(null);
    expect(search().placeholder).toBe("Search emoji");
    key(search(), "Escape");
    await expect(again).resolves.toBeNull();
  });

  it("moves with the arrows, picks with Enter, and never on an IME's key", async () => {
    const { answer } = await open();
    search().value = "face";
    search().dispatchEvent(new Event("input"));
    const shown = [...picker().querySelectorAll<HTMLButtonElement>("button[data-emoji]")];
    expect(selected()).toBe(shown[0]);
    key(search(), "ArrowDown");
    expect(selected()).toBe(shown[8]);
    // Left and right are the search box's caret while it has the focus.
    key(search(), "ArrowRight");
    expect(selected()).toBe(shown[8]);
    expect(document.activeElement).toBe(search());
    // In the grid, all four move the focus with the selection.
    shown[8].focus();
    key(shown[8], "ArrowRight");
    expect(selected()).toBe(shown[9]);
    expect(document.activeElement).toBe(shown[9]);
    key(shown[9], "ArrowUp");
    expect(document.activeElement).toBe(shown[1]);
    key(shown[1], "ArrowUp");
    expect(document.activeElement).toBe(search());
    expect(shown.filter((b) => b.tabIndex === 0)).toEqual([shown[1]]);
    // The Enter that confirms a composition is not a pick.
    key(search(), "Enter", { isComposing: true });
    key(search(), "Enter", { keyCode: 229 });
    expect(picker().open).toBe(true);
    key(search(), "Enter");
    await expect(answer).resolves.toBe(shown[1].dataset.emoji);
  });

  it("closes on Esc without an emoji, the focus back where it was", async () => {
    const { opener, answer } = await open();
    key(search(), "Escape", { isComposing: true });
    expect(picker().open).toBe(true);
    key(search(), "Escape");
    await expect(answer).resolves.toBeNull();
    expect(picker().open).toBe(false);
    expect(document.activeElement).toBe(opener);
  });
});
