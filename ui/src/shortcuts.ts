// The window's keyboard shortcuts: the document's own keys and the sheet
// that lists them all. The document's keydown is installed here
// (`installKeys`): Ctrl/⌘+K (main.ts opens the switcher), Esc with no
// dialog open (main.ts says what it closes) and Ctrl/⌘+/, which opens the
// sheet (#shortcuts, a modal dialog built the first time it opens; the
// header's #shortcuts-open button opens it too). Esc, Close or a click on
// the backdrop closes it and the focus goes back where it was. The sheet's
// table (`shortcutTable`) is the one list of the keys other modules handle —
// format.ts, composer.ts, mention-list.ts, timeline.ts's edit box, pins.ts,
// search-chips.ts, picker.ts, lightbox.ts and main.ts's switcher — so a key
// added there gets its row here. Keys are named as the platform names
// them: Ctrl on Linux and Windows, ⌘ on macOS. No key of an IME
// composition is any of these (ime.ts).
import { h } from "./dom";
import { t } from "./i18n";
import { unlessComposing } from "./ime";

/** A key as the table writes it: "Mod" is Ctrl, or ⌘ on macOS. */
export type Key = string;

export interface Shortcut {
  /** Each alternative: the keys pressed together. */
  keys: Key[][];
  what: string;
}

export interface ShortcutGroup {
  title: string;
  rows: Shortcut[];
}

/** Whether the window runs on macOS (⌘ rather than Ctrl). */
export function isMac(nav: { platform?: string; userAgent?: string } = navigator): boolean {
  return /Mac|iPhone|iPad|iPod/i.test(nav.platform || nav.userAgent || "");
}

const MAC_NAMES: Record<string, string> = { Mod: "⌘", Shift: "⇧" };

/** A key's name on the keyboard. */
export function keyName(key: Key, mac = isMac()): string {
  return mac ? (MAC_NAMES[key] ?? key) : key === "Mod" ? "Ctrl" : key;
}

/** Keys pressed together, as text: "Ctrl+K", "⌘K". */
export function comboText(keys: Key[], mac = isMac()): string {
  return keys.map((k) => keyName(k, mac)).join(mac ? "" : "+");
}

const ARROWS = new Set(["↑", "↓", "←", "→"]);

/** Every shortcut of the window, in the user's language. */
export function shortcutTable(): ShortcutGroup[] {
  return [
    {
      title: t("shortcuts-navigation"),
      rows: [
        { keys: [["Mod", "K"]], what: t("shortcuts-switcher") },
        { keys: [["Mod", "/"]], what: t("shortcuts-sheet") },
        { keys: [["Enter"]], what: t("shortcuts-search") },
        { keys: [["Esc"]], what: t("shortcuts-escape") },
      ],
    },
    {
      title: t("shortcuts-composer"),
      rows: [
        { keys: [["Enter"]], what: t("shortcuts-send") },
        { keys: [["Shift", "Enter"]], what: t("shortcuts-newline") },
        { keys: [["Mod", "B"]], what: t("format-bold") },
        { keys: [["Mod", "I"]], what: t("format-italic") },
        { keys: [["Mod", "E"]], what: t("format-code") },
        { keys: [["Mod", "Shift", "X"]], what: t("format-strike") },
        { keys: [["↑"]], what: t("shortcuts-edit-last") },
        { keys: [["Esc"]], what: t("shortcuts-cancel-reply") },
        { keys: [["@"]], what: t("shortcuts-mention") },
        { keys: [["↑"], ["↓"]], what: t("shortcuts-mention-choose") },
        { keys: [["Enter"], ["Tab"]], what: t("shortcuts-mention-pick") },
        { keys: [["Esc"]], what: t("shortcuts-mention-close") },
      ],
    },
    {
      title: t("shortcuts-messages"),
      rows: [
        { keys: [["Tab"]], what: t("shortcuts-actions") },
        { keys: [["Enter"]], what: t("shortcuts-edit-save") },
        { keys: [["Esc"]], what: t("shortcuts-edit-cancel") },
        { keys: [["Enter"]], what: t("shortcuts-kept-open") },
      ],
    },
    {
      title: t("shortcuts-dialogs"),
      rows: [
        { keys: [["↑"], ["↓"]], what: t("shortcuts-dialog-choose") },
        { keys: [["←"], ["→"], ["Home"], ["End"]], what: t("shortcuts-emoji-move") },
        { keys: [["Enter"]], what: t("shortcuts-dialog-pick") },
        { keys: [["Esc"]], what: t("shortcuts-dialog-close") },
      ],
    },
    {
      // lightbox.ts's keys (Esc closes it as every dialog), and a picture's
      // own button in a row (media.ts).
      title: t("shortcuts-pictures"),
      rows: [
        { keys: [["Enter"], ["Space"]], what: t("shortcuts-picture-open") },
        { keys: [["←"], ["→"]], what: t("shortcuts-picture-step") },
        { keys: [["Home"], ["End"]], what: t("shortcuts-picture-ends") },
        { keys: [["+"], ["-"]], what: t("shortcuts-picture-zoom") },
        { keys: [["0"]], what: t("shortcuts-picture-fit") },
      ],
    },
  ];
}

/** One row's keys: <kbd> per key, "+" between keys pressed together (not
 *  on macOS); "or" between two alternatives, a space between arrows and
 *  in a longer list. */
function keysCell(keys: Key[][], mac: boolean): HTMLElement {
  const cell = h("td", { class: "keys" });
  const or = keys.length === 2 && !keys.every((c) => ARROWS.has(c[0]));
  keys.forEach((combo, i) => {
    if (i > 0) cell.append(or ? h("span", { class: "or" }, ` ${t("shortcuts-or")} `) : " ");
    combo.forEach((k, j) => {
      if (j > 0 && !mac) cell.append("+");
      cell.append(h("kbd", {}, keyName(k, mac)));
    });
  });
  return cell;
}

let sheet: HTMLDialogElement | null = null;
/** What had the focus when the sheet opened. */
let opener: HTMLElement | null = null;

function build(): HTMLDialogElement {
  const mac = isMac();
  const close = h("button", { attrs: { type: "button", id: "shortcuts-close" } }, t("close"));
  const d = h("dialog", { class: "dialog shortcuts", attrs: { id: "shortcuts", "aria-labelledby": "shortcuts-title" } },
    h("div", { class: "shortcuts-frame" },
      // Close first: the focus goes there, and the sheet shows from its top.
      h("header", {}, h("h2", { attrs: { id: "shortcuts-title" } }, t("shortcuts-title")), close),
      h("div", { class: "shortcuts-groups" },
        ...shortcutTable().map((g) =>
          h("table", {},
            h("caption", {}, g.title),
            h("tbody", {}, ...g.rows.map((r) => h("tr", {}, keysCell(r.keys, mac), h("td", {}, r.what)))),
          ),
        ),
      ),
    ),
  );
  close.addEventListener("click", () => d.close());
  // The frame fills the dialog: a click on the dialog itself is on the backdrop.
  d.addEventListener("click", (ev) => { if (ev.target === d) d.close(); });
  // Esc is the sheet's: nothing behind it closes too.
  d.addEventListener("keydown", unlessComposing((ev) => {
    if (ev.key !== "Escape") return;
    ev.preventDefault();
    ev.stopPropagation();
    d.close();
  }));
  d.addEventListener("close", () => {
    if (opener?.isConnected) opener.focus();
    opener = null;
  });
  document.body.append(d);
  return d;
}

/** Opens the sheet (built the first time); the focus goes back to what
 *  had it, else to `from`. */
export function openShortcuts(from: HTMLElement | null = null): void {
  if (!sheet || !sheet.isConnected) sheet = build();
  if (sheet.open) return;
  const active = document.activeElement;
  opener = active instanceof HTMLElement && active !== document.body ? active : from;
  sheet.showModal();
  sheet.querySelector<HTMLElement>("#shortcuts-close")?.focus();
}

/** Whether `ev` is Ctrl/⌘+/ (with or without Shift: "?" on some layouts). */
export function sheetKey(ev: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey">): boolean {
  if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return false;
  if (ev.key === "/" || ev.key === "?") return true;
  // A layout with no Latin sign on that key: the key where US has "/".
  return ev.code === "Slash" && !/^[\x20-\x7e]$/.test(ev.key);
}

export interface KeysHost {
  /** Ctrl/⌘+K. */
  switcher(): void;
  /** Esc, with no dialog open. */
  escape(): void;
}

/** The platform's key names where the page shows keys: the header
 *  button's title, the switcher button's Ctrl K. */
export function nameKeys(root: Document = document): void {
  const button = root.getElementById("shortcuts-open");
  if (button) button.title = t("shortcuts-button", { keys: comboText(["Mod", "/"]) });
  const jump = root.querySelector("#switcher-open kbd");
  if (jump) jump.textContent = comboText(["Mod", "K"]);
}

/** The document's keys and the header's button. */
export function installKeys(host: KeysHost, root: Document = document): void {
  root.addEventListener("keydown", unlessComposing((ev: KeyboardEvent) => {
    if (sheetKey(ev)) {
      ev.preventDefault();
      if (sheet?.open) sheet.close();
      else openShortcuts();
    } else if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "k") {
      ev.preventDefault();
      host.switcher();
    } else if (ev.key === "Escape") {
      // An open dialog takes its own Esc; nothing behind it closes too.
      if (root.querySelector("dialog[open]")) return;
      host.escape();
    }
  }));
  const button = root.getElementById("shortcuts-open");
  button?.addEventListener("click", () => openShortcuts(button));
  nameKeys(root);
}
