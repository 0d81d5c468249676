// The search box's filter chips and the results' hint, on the page's own
// markup, with the shell's commands answered by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelSid } from "./types";

const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];

vi.mock("./bindings/commands", () => ({
  // A stand-in for the shell's parser: key:value words it knows.
  searchFilters: vi.fn(async (query: string) =>
    query
      .split(/\s+/)
      .map((w) => /^(from|in|before|after|has|is):(.+)$/.exec(w))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ key: m[1], value: m[2], token: m[0] })),
  ),
  search: vi.fn(async () => []),
}));

import * as cmd from "./bindings/commands";
import { t, useLanguage } from "./i18n";
import { installCompositionTracking } from "./ime";
import { Panel } from "./panel";
import { CHIPS_DELAY, removeToken, SearchBox } from "./search-chips";
import { threadHost } from "./fixtures";

const settle = () => new Promise<void>((r) => setTimeout(r, 0));
const input = () => document.getElementById("search") as HTMLInputElement;
const chips = () => document.getElementById("search-chips")!;
const type = (text: string) => {
  input().value = text;
  input().dispatchEvent(new Event("input"));
};

let searched: string[];
let box: SearchBox;

beforeEach(() => {
  vi.clearAllMocks();
  document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "").replace(/<script[^>]*><\/script>/, "");
  searched = [];
  box = new SearchBox(input(), chips(), (q) => searched.push(q));
});
afterEach(() => {
  vi.useRealTimers();
  useLanguage("en");
});

describe("removeToken", () => {
  it("takes out exactly that token, and the space it leaves", () => {
    expect(removeToken("plan from:bob in:general", "from:bob")).toBe("plan in:general");
    expect(removeToken("from:bob plan", "from:bob")).toBe("plan");
    expect(removeToken("plan from:bob", "from:bob")).toBe("plan");
    expect(removeToken("from:bobby from:bob", "from:bob")).toBe("from:bobby");
    expect(removeToken("has:file", "has:file")).toBe("");
    expect(removeToken("plan", "from:bob")).toBe("plan");
  });
});

describe("the filter chips", () => {
  it("show the query's filters once typing pauses", async () => {
    vi.useFakeTimers();
    type("plan from:bob");
    type("plan from:bob has:file");
    expect(cmd.searchFilters).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(CHIPS_DELAY + 10);
    expect(cmd.searchFilters).toHaveBeenCalledTimes(1);
    expect(cmd.searchFilters).toHaveBeenCalledWith("plan from:bob has:file");
    const shown = [...chips().querySelectorAll(".search-chip")];
    expect(shown.map((c) => c.querySelector(".text")!.textContent)).toEqual(["from:bob", "has:file"]);
    expect(chips().hidden).toBe(false);
    expect(shown[0].querySelector("button")!.getAttribute("aria-label")).toBe("Remove filter from:bob");
    // Nothing typed: no chips, and the shell is not asked.
    type("");
    await vi.advanceTimersByTimeAsync(CHIPS_DELAY + 10);
    expect(chips().querySelectorAll(".search-chip")).toHaveLength(0);
    expect(chips().hidden).toBe(true);
    expect(cmd.searchFilters).toHaveBeenCalledTimes(1);
  });

  it("× removes exactly its token and searches again", async () => {
    type("plan from:bob in:general");
    await box.update();
    chips().querySelector<HTMLButtonElement>("[data-token='from:bob']")!.click();
    await settle();
    expect(input().value).toBe("plan in:general");
    expect(searched).toEqual(["plan in:general"]);
    expect([...chips().querySelectorAll(".search-chip .text")].map((c) => c.textContent)).toEqual(["in:general"]);
  });

  it("Enter searches, but not while composing", async () => {
    installCompositionTracking(document);
    input().value = "from:bob";
    input().dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", isComposing: true, bubbles: true }));
    expect(searched).toEqual([]);
    input().dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(searched).toEqual(["from:bob"]);
    await settle();
    expect(chips().querySelectorAll(".search-chip")).toHaveLength(1);
  });

  it("Esc's clear empties the box and the chips", async () => {
    type("has:link");
    await box.update();
    box.clear();
    expect(input().value).toBe("");
    expect(chips().querySelectorAll(".search-chip")).toHaveLength(0);
  });
});

describe("the search results", () => {
  it("name the supported filters", async () => {
    const panel = new Panel({
      threads: threadHost,
      me: () => "alice", current: () => "CH1" as ChannelSid, channels: () => [], act: async () => {}, changed: async () => {},
      left: async () => {}, show: async () => {}, open: async () => {}, jump: async () => {},
    });
    await panel.search("from:bob");
    expect(cmd.search).toHaveBeenCalledWith("from:bob", null);
    const hint = document.querySelector("#panel .search-hint")!.textContent!;
    for (const f of ["from:", "in:", "before:", "after:", "has:file", "has:link", "is:pinned"]) expect(hint).toContain(f);
    useLanguage("zh-TW");
    await panel.search("from:bob");
    expect(document.querySelector("#panel .search-hint")!.textContent).toContain("篩選條件");
  });
});

describe("the catalogs' words", () => {
  it("are Taiwan's", () => {
    useLanguage("zh-TW");
    const ids = ["directs-title", "directs-new", "directs-message", "pin-action", "unpin-action", "pins-title", "save-action", "unsave-action", "saved-title", "search-filters"];
    expect(ids.map((id) => t(id))).toEqual(["私訊", "新增私訊", "傳訊息", "釘選", "取消釘選", "已釘選的訊息", "儲存", "取消儲存", "已儲存的訊息", "篩選條件"]);
  });
});
