// The catalogs' check (`make test` runs it): every catalog parses, has the
// messages and attributes of the English one and no others, formats each of
// them without an error, and every message the window names exists. A
// message missing from a catalog, or named in code and in no catalog, fails
// here, not in front of a user.
/// <reference types="vite/client" />
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import { afterEach, describe, expect, it } from "vitest";
import { FALLBACK, catalogs, errorText, has, locale, localize, t, useLanguage } from "./i18n";

/** The window's sources (not its tests) and its page, as text. */
const sources = import.meta.glob(["./*.ts", "!./*.test.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const page = Object.values(import.meta.glob("../index.html", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];

/** What a catalog defines: message id → its attribute names. */
function shape(resource: FluentResource): Map<string, string[]> {
  return new Map(resource.body.filter((e) => !e.id.startsWith("-")).map((e) => [e.id, Object.keys(e.attributes).sort()]));
}

/** Every `$variable` a pattern uses (walking Fluent's parsed pattern). */
function variables(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) variables(n, out);
  else if (node && typeof node === "object") {
    const n = node as { type?: string; name?: string };
    if (n.type === "var" && typeof n.name === "string") out.add(n.name);
    for (const v of Object.values(node)) variables(v, out);
  }
  return out;
}

/** The arguments the window passes are counts and sizes, or words. */
const NUMBERS = new Set(["count", "channels", "minutes", "max", "size", "code"]);

const parsed = Object.fromEntries(Object.entries(catalogs).map(([tag, text]) => [tag, new FluentResource(text)]));
const english = parsed[FALLBACK];

afterEach(() => useLanguage("en"));

describe("the catalogs", () => {
  it("include English and Traditional Chinese", () => {
    expect(Object.keys(catalogs)).toEqual(expect.arrayContaining(["en", "zh-TW"]));
    expect(english.body.length).toBeGreaterThan(100);
  });

  for (const [tag, text] of Object.entries(catalogs)) {
    describe(tag, () => {
      it("parses without errors or junk", () => {
        const bundle = new FluentBundle(tag, { useIsolating: false });
        expect(bundle.addResource(new FluentResource(text)).map(String)).toEqual([]);
        // FluentResource skips what it cannot parse without a word: each
        // entry it starts must be one it kept…
        const starts = [...text.matchAll(/^(-?[a-zA-Z][\w-]*) *=/gm)].map((m) => m[1]);
        expect(parsed[tag].body.map((e) => e.id)).toEqual(starts);
        // …and a line at the margin is a comment, an entry or a closing brace
        // (anything else is Fluent junk, dropped at run time).
        const stray = text.split("\n").filter((l) => /^\S/.test(l) && !/^(#|-?[a-zA-Z][\w-]* *=|\})/.test(l));
        expect(stray).toEqual([]);
      });

      it("has exactly the messages and attributes of the English catalog", () => {
        const want = shape(english);
        const got = shape(parsed[tag]);
        const missing = [...want.keys()].filter((id) => !got.has(id));
        const extra = [...got.keys()].filter((id) => !want.has(id));
        expect({ missing, extra }).toEqual({ missing: [], extra: [] });
        for (const [id, attrs] of want) expect([id, got.get(id)]).toEqual([id, attrs]);
      });

      it("formats every message without errors, with the arguments English takes", () => {
        const bundle = new FluentBundle(tag, { useIsolating: false });
        bundle.addResource(parsed[tag]);
        const problems: string[] = [];
        for (const entry of parsed[tag].body) {
          if (entry.id.startsWith("-")) continue;
          const source = english.body.find((e) => e.id === entry.id);
          const allowed = variables(source);
          const used = variables(entry);
          for (const v of used) if (!allowed.has(v)) problems.push(`${entry.id}: $${v} is not an argument of the English message`);
          const patterns = [["", entry.value], ...Object.entries(entry.attributes).map(([a, p]) => [`.${a}`, p])] as const;
          // Each variant of a plural: none, one, two, several.
          for (const n of [0, 1, 2, 5]) {
            const args: Record<string, FluentVariable> = {};
            for (const v of allowed) args[v] = NUMBERS.has(v) ? n : `<${v}>`;
            for (const [attr, pattern] of patterns) {
              if (pattern === null) continue;
              const errors: Error[] = [];
              const out = bundle.formatPattern(pattern, args, errors);
              for (const e of errors) problems.push(`${entry.id}${attr} (${n}): ${e.message}`);
              if (!out.trim()) problems.push(`${entry.id}${attr} (${n}): empty`);
            }
          }
        }
        expect(problems).toEqual([]);
      });
    });
  }
});

describe("the window's messages", () => {
  const ids = new Set<string>();
  const computed: string[] = [];
  for (const [file, text] of Object.entries(sources)) {
    // The names a module imports `t` and `has` from i18n.ts by (i18n.ts
    // itself: its own).
    const imported = /import\s*\{([^}]*)\}\s*from\s*["']\.\/i18n["']/.exec(text)?.[1] ?? (file.endsWith("/i18n.ts") ? "t, has" : "");
    const names = imported
      .split(",")
      .map((n) => n.trim().split(/\s+as\s+/))
      .filter(([n]) => n === "t" || n === "has")
      .map((n) => n.at(-1) as string);
    if (names.length === 0) continue;
    const call = new RegExp(`(?<![.\\w$])(?:${names.join("|")})\\(\\s*(?:"([^"]*)"|'([^']*)'|([^)\\s]))`, "g");
    for (const m of text.matchAll(call)) {
      const id = m[1] ?? m[2];
      if (id !== undefined) ids.add(id);
      // Only i18n.ts itself formats an id it was given; anywhere else an id
      // is written out, so this check can see it.
      else if (!file.endsWith("/i18n.ts")) computed.push(`${file}: ${m[0]}`);
    }
  }
  for (const m of page.matchAll(/data-i18n="([^"]*)"/g)) ids.add(m[1]);
  for (const m of page.matchAll(/data-i18n-attr="([^"]*)"/g)) {
    for (const pair of m[1].split(";")) ids.add(pair.split(":")[1]?.trim() ?? pair);
  }

  it("are found in the code and the page", () => {
    expect(ids.size).toBeGreaterThan(80);
    expect(ids).toContain("settings-language");
    expect(ids).toContain("signin-submit");
    expect(ids).toContain("conversation-search");
  });

  it("are named by literal ids", () => {
    expect(computed).toEqual([]);
  });

  it("all exist in the English catalog", () => {
    const catalog = shape(english);
    const unknown = [...ids].filter((id) => {
      const [name, attr] = id.split(".", 2);
      const attrs = catalog.get(name);
      return attrs === undefined || (attr !== undefined && !attrs.includes(attr));
    });
    expect(unknown).toEqual([]);
  });
});

describe("t", () => {
  it("speaks the language in use", () => {
    expect(t("signin-submit")).toBe("Sign in");
    useLanguage("zh-TW");
    expect(locale()).toBe("zh-TW");
    expect(document.documentElement.lang).toBe("zh-TW");
    expect(t("signin-submit")).toBe("登入");
    expect(t("sidebar-do-not-disturb.title")).toBe("勿擾模式：不顯示通知");
    expect(t("members-invited", { identity: "bob" })).toBe("已邀請 bob");
    expect(t("search-results", { count: 0 })).toBe("沒有結果");
    expect(t("search-results", { count: 3 })).toBe("3 筆結果");
  });

  it("chooses English plurals", () => {
    expect(t("search-results", { count: 0 })).toBe("No results");
    expect(t("search-results", { count: 1 })).toBe("1 result");
    expect(t("search-results", { count: 2 })).toBe("2 results");
    expect(t("browser-members", { count: 1 })).toBe("1 member");
  });

  it("speaks English for a language it has no catalog for", () => {
    useLanguage("tlh");
    expect(locale()).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    expect(t("signin-submit")).toBe("Sign in");
  });

  it("names a message no catalog has by its id", () => {
    expect(has("no-such-message")).toBe(false);
    expect(t("no-such-message")).toBe("no-such-message");
    expect(has("signin-submit")).toBe(true);
  });
});

describe("errorText", () => {
  it("says a shell error by its catalog message", () => {
    const e = { code: "api", message: "server error 50400: not a member", key: "error-api-50400", args: { code: 50400 } };
    expect(errorText(e)).toBe("You're not a member of this channel.");
    useLanguage("zh-TW");
    expect(errorText(e)).toBe("你不是這個頻道的成員。");
    expect(errorText({ code: "x", message: "m", key: "error-unreachable", args: { detail: "connection refused" } })).toBe(
      "無法連線到伺服器：connection refused。",
    );
  });

  it("falls back to the error's message, as a sentence", () => {
    expect(errorText({ code: "x", message: "cannot reach the server: refused" })).toBe("Cannot reach the server: refused");
    expect(errorText({ code: "x", message: "odd", key: "no-such-message", args: {} })).toBe("Odd");
    expect(errorText({ code: "x", message: "", key: "", args: {} })).toBe("");
    expect(errorText("plain words")).toBe("Plain words");
    expect(errorText({ code: "x", message: "m", key: "error-unauthorized", args: { detail: "invalid username or password" } })).toBe(
      "Invalid username or password.",
    );
  });
});

describe("localize", () => {
  it("sets the text and attributes the page names", () => {
    document.body.innerHTML = `
      <button id="b" data-i18n="signin-submit">Sign in</button>
      <input id="i" placeholder="Search messages" data-i18n-attr="placeholder:conversation-search; aria-label:conversation-search" />
      <label id="l" title="x" data-i18n-attr="title:sidebar-do-not-disturb.title"><input /> <span data-i18n="sidebar-do-not-disturb">DND</span></label>`;
    useLanguage("zh-TW");
    localize();
    expect(document.getElementById("b")!.textContent).toBe("登入");
    expect(document.getElementById("i")!.getAttribute("placeholder")).toBe("搜尋訊息");
    expect(document.getElementById("i")!.getAttribute("aria-label")).toBe("搜尋訊息");
    expect(document.getElementById("l")!.title).toBe("勿擾模式：不顯示通知");
    expect(document.getElementById("l")!.textContent).toContain("勿擾");
    expect(document.querySelector("#l input")).not.toBeNull();
    document.body.innerHTML = "";
  });

  it("leaves the page's English as the English catalog has it", () => {
    document.body.innerHTML = page.replace(/^[\s\S]*<body>|<\/body>[\s\S]*$/g, "");
    const before = [...document.querySelectorAll<HTMLElement>("[data-i18n]")].map((e) => e.textContent);
    localize();
    const after = [...document.querySelectorAll<HTMLElement>("[data-i18n]")].map((e) => e.textContent);
    expect(after).toEqual(before);
    for (const el of document.querySelectorAll<HTMLElement>("[data-i18n-attr]")) {
      const html = el.outerHTML;
      localize(el.parentElement!);
      expect(el.outerHTML).toBe(html);
    }
    document.body.innerHTML = "";
  });
});
