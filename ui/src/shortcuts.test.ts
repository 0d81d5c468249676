// The keyboard shortcut sheet and the document's keys (shortcuts.ts) on a
// page with the header's button and a composer; and the theme setting
// (settings.ts's select, theme.ts's choice).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("./bindings/commands", () => ({
  language: vi.fn(async () => ({ chosen: null, tag: "en", available: [] })),
  setLanguage: vi.fn(async () => ({ chosen: null, tag: "en", available: [] })),
}));

import { useLanguage } from "./i18n";
import { installCompositionTracking } from "./ime";
import { themePicker } from "./settings";
import { comboText, installKeys, isMac, keyName, nameKeys, sheetKey, shortcutTable } from "./shortcuts";
import { applyTheme, storedTheme, THEME_KEY } from "./theme";

const host = { switcher: vi.fn(), escape: vi.fn() };

// jsdom has no modal dialogs: enough of one for the sheet.
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
  page();
  installKeys(host);
});

/** The page's parts the keys meet: the header's button and the composer. */
function page(): void {
  document.body.innerHTML = `
    <button id="switcher-open" type="button"><span>Jump to…</span> <kbd>Ctrl K</kbd></button>
    <button id="shortcuts-open" type="button" aria-label="Keyboard shortcuts">?</button>
    <textarea id="composer"></textarea>`;
}

const sheet = () => document.getElementById("shortcuts") as HTMLDialogElement | null;
const box = () => document.getElementById("composer") as HTMLTextAreaElement;
const press = (target: EventTarget, key: string, init: KeyboardEventInit = {}) => {
  const ev = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(ev);
  return ev;
};

beforeEach(() => localStorage.clear());

afterEach(() => {
  sheet()?.close();
  document.getElementById("theme")?.parentElement?.remove();
  useLanguage("en");
  vi.clearAllMocks();
  vi.restoreAllMocks();
  applyTheme(null);
});

describe("the shortcut sheet", () => {
  it("opens on Ctrl+/ with every group, the focus on Close", () => {
    box().focus();
    const ev = press(box(), "/", { ctrlKey: true, code: "Slash" });
    expect(ev.defaultPrevented).toBe(true);
    expect(sheet()?.open).toBe(true);
    expect([...sheet()!.querySelectorAll("caption")].map((c) => c.textContent)).toEqual(["Navigation", "Composer", "Messages", "Dialogs", "Picture viewer"]);
    expect(sheet()!.getAttribute("aria-labelledby")).toBe("shortcuts-title");
    expect(document.getElementById("shortcuts-title")?.textContent).toBe("Keyboard shortcuts");
    expect(document.activeElement?.id).toBe("shortcuts-close");
    const rows = [...sheet()!.querySelectorAll("tr")].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]);
    expect(rows).toContainEqual(["Ctrl+K", "Jump to a channel"]);
    expect(rows).toContainEqual(["Ctrl+Shift+X", "Strikethrough"]);
    expect(rows).toContainEqual(["Shift+Enter", "New line"]);
    expect(rows).toContainEqual(["Enter or Tab", "Put in the chosen name"]);
    expect(rows).toContainEqual(["↑", "Edit your last message (in an empty composer)"]);
    expect(rows).toContainEqual(["@", "Mention someone"]);
  });

  it("opens on ⌘/ and on Ctrl+? (Shift), not on / alone or with Alt", () => {
    expect(sheetKey({ key: "/", code: "Slash", ctrlKey: false, metaKey: true, altKey: false })).toBe(true);
    expect(sheetKey({ key: "?", code: "Slash", ctrlKey: true, metaKey: false, altKey: false })).toBe(true);
    // A layout with another letter on that key.
    expect(sheetKey({ key: "ю", code: "Slash", ctrlKey: true, metaKey: false, altKey: false })).toBe(true);
    expect(sheetKey({ key: "/", code: "Slash", ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
    expect(sheetKey({ key: "/", code: "Slash", ctrlKey: true, metaKey: false, altKey: true })).toBe(false);
    // Where "-" is on that key (German), Ctrl+- is not the sheet.
    expect(sheetKey({ key: "-", code: "Slash", ctrlKey: true, metaKey: false, altKey: false })).toBe(false);
    press(box(), "/");
    expect(sheet()?.open ?? false).toBe(false);
  });

  it("does not open on a key of an IME composition", () => {
    box().focus();
    press(box(), "/", { ctrlKey: true, isComposing: true });
    expect(sheet()?.open ?? false).toBe(false);
    press(box(), "/", { ctrlKey: true, keyCode: 229 });
    expect(sheet()?.open ?? false).toBe(false);
    box().dispatchEvent(new KeyboardEvent("keyup", { key: "/", bubbles: true }));
    press(box(), "/", { ctrlKey: true });
    expect(sheet()?.open).toBe(true);
  });

  it("closes on Esc, the focus back where it was, and nothing behind it closes too", () => {
    box().focus();
    press(box(), "/", { ctrlKey: true });
    expect(sheet()?.open).toBe(true);
    const ev = press(document.activeElement!, "Escape");
    expect(ev.defaultPrevented).toBe(true);
    expect(sheet()!.open).toBe(false);
    expect(document.activeElement).toBe(box());
    expect(host.escape).not.toHaveBeenCalled();
  });

  it("keeps a composition's Esc for the IME", () => {
    press(box(), "/", { ctrlKey: true });
    press(document.activeElement!, "Escape", { isComposing: true });
    expect(sheet()!.open).toBe(true);
  });

  it("opens from the header's button and closes with Close, the backdrop and Ctrl+/ again", () => {
    const button = document.getElementById("shortcuts-open") as HTMLButtonElement;
    expect(button.title).toBe("Keyboard shortcuts (Ctrl+/)");
    button.focus();
    button.click();
    expect(sheet()!.open).toBe(true);
    (document.getElementById("shortcuts-close") as HTMLButtonElement).click();
    expect(sheet()!.open).toBe(false);
    expect(document.activeElement).toBe(button);

    button.click();
    sheet()!.querySelector("td")!.click();
    expect(sheet()!.open).toBe(true);
    sheet()!.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(sheet()!.open).toBe(false);

    button.click();
    press(document.activeElement!, "/", { ctrlKey: true });
    expect(sheet()!.open).toBe(false);
  });

  it("names the keys ⌘ and ⇧ on macOS, Ctrl and Shift elsewhere", () => {
    expect(isMac({ platform: "MacIntel", userAgent: "" })).toBe(true);
    expect(isMac({ platform: "Linux x86_64", userAgent: "" })).toBe(false);
    expect(isMac({ platform: "Win32", userAgent: "" })).toBe(false);
    expect(isMac({ platform: "", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15" })).toBe(true);
    expect(comboText(["Mod", "Shift", "X"], true)).toBe("⌘⇧X");
    expect(comboText(["Mod", "Shift", "X"], false)).toBe("Ctrl+Shift+X");
    expect(keyName("Enter", true)).toBe("Enter");

    expect(document.querySelector("#switcher-open kbd")?.textContent).toBe("Ctrl+K");
    vi.spyOn(navigator, "platform", "get").mockReturnValue("MacIntel");
    nameKeys();
    expect(document.querySelector("#switcher-open kbd")?.textContent).toBe("⌘K");
    expect(document.getElementById("shortcuts-open")?.title).toBe("Keyboard shortcuts (⌘/)");
    sheet()?.remove();
    press(box(), "/", { metaKey: true });
    const keys = [...sheet()!.querySelectorAll("kbd")].map((k) => k.textContent);
    expect(keys).toContain("⌘");
    expect(keys).not.toContain("Ctrl");
    expect([...sheet()!.querySelectorAll("tr")].map((tr) => tr.cells[0].textContent)).toContain("⌘K");
    // Elsewhere again, for the tests after this one.
    sheet()!.close();
    sheet()!.remove();
    vi.restoreAllMocks();
    nameKeys();
  });

  it("speaks the user's language", () => {
    useLanguage("zh-TW");
    const table = shortcutTable();
    expect(table.map((g) => g.title)).toEqual(["瀏覽", "訊息輸入框", "訊息", "對話框", "圖片檢視器"]);
    expect(table[1].rows.find((r) => r.keys[0][1] === "B")?.what).toBe("粗體");
    for (const g of table) for (const r of g.rows) expect(r.what).not.toMatch(/^shortcuts-/);
  });
});

describe("the document's keys", () => {
  it("Ctrl+K asks for the switcher; Esc reaches the window only with no dialog open", () => {
    const k = press(box(), "k", { ctrlKey: true });
    expect(k.defaultPrevented).toBe(true);
    expect(host.switcher).toHaveBeenCalledTimes(1);
    press(box(), "Escape");
    expect(host.escape).toHaveBeenCalledTimes(1);
    const other = document.createElement("dialog");
    other.setAttribute("open", "");
    document.body.append(other);
    press(box(), "Escape");
    expect(host.escape).toHaveBeenCalledTimes(1);
    other.remove();
  });

  it("are not a composition's keys", () => {
    press(box(), "k", { ctrlKey: true, isComposing: true });
    press(box(), "Escape", { keyCode: 229 });
    expect(host.switcher).not.toHaveBeenCalled();
    expect(host.escape).not.toHaveBeenCalled();
  });
});

describe("the theme setting", () => {
  const select = () => document.getElementById("theme") as HTMLSelectElement;

  it("offers System, Light and Dark, System when nothing is kept", () => {
    document.body.append(themePicker());
    expect([...select().options].map((o) => [o.value, o.text])).toEqual([
      ["", "System"],
      ["light", "Light"],
      ["dark", "Dark"],
    ]);
    expect(select().value).toBe("");
    expect(document.querySelector("label[for=theme]")?.textContent).toBe("Theme");
  });

  it("keeps a choice and shows it at once; System takes it away", () => {
    document.body.append(themePicker());
    select().value = "dark";
    select().dispatchEvent(new Event("change"));
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    select().value = "light";
    select().dispatchEvent(new Event("change"));
    expect(localStorage.getItem(THEME_KEY)).toBe("light");
    expect(document.documentElement.getAttribute("data-theme")).toBe("light");
    select().value = "";
    select().dispatchEvent(new Event("change"));
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
    expect(document.documentElement.hasAttribute("data-theme")).toBe(false);
  });

  it("shows the kept choice when the panel is drawn again; junk is the system's", () => {
    localStorage.setItem(THEME_KEY, "dark");
    document.body.append(themePicker());
    expect(select().value).toBe("dark");
    localStorage.setItem(THEME_KEY, "sepia");
    expect(storedTheme()).toBeNull();
  });

  it("is applied when the entry module starts, before anything draws", async () => {
    localStorage.setItem(THEME_KEY, "dark");
    vi.resetModules();
    await import("./theme");
    expect(document.documentElement.dataset.theme).toBe("dark");
    const main = Object.values(import.meta.glob("./main.ts", { query: "?raw", import: "default", eager: true }) as Record<string, string>)[0];
    expect(main.match(/^import .*$/m)?.[0]).toMatch(/^import "\.\/theme";/);
  });
});
