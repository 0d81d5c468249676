// The emoji picker (#emoji-picker): a modal dialog of the emoji by group,
// the recently used first, with a search box (#emoji-search) in the
// window's language and English. Its data (emoji.ts) is read the first time
// it opens. Arrows move the selection (Up and Down from the search box, all
// four among the emoji), Enter picks, a click picks, Esc closes; the focus
// goes back where it was. Keys that are part of an IME composition in the
// search box are the IME's (ime.ts).
import { atHome, h, type Home, homeOf } from "./dom";
import { type Emoji, GROUPS, groupName, loadEmoji, recentEmoji, searchEmoji } from "./emoji";
import { locale, t } from "./i18n";
import { unlessComposing } from "./ime";

/** Emoji in a row of the grid (style.css lays them out so). */
export const COLUMNS = 8;

/** The group tabs' icons. */
const ICONS: Record<number, string> = { 0: "😀", 1: "👋", 3: "🐻", 4: "🍔", 5: "✈️", 6: "⚽", 7: "💡", 8: "❤️", 9: "🏁" };

/**
 * Where an arrow key moves the selection in a grid of sections of `sizes`
 * emoji each (COLUMNS a row), from flat position `at`: Left and Right step
 * through all of them, Up and Down go to the same column of the row above
 * or below, across sections (to the last of a shorter row).
 */
export function moveIn(sizes: number[], at: number, key: string, columns = COLUMNS): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return -1;
  if (key === "ArrowLeft") return Math.max(0, at - 1);
  if (key === "ArrowRight") return Math.min(total - 1, at + 1);
  if (key === "Home") return 0;
  if (key === "End") return total - 1;
  // The section and the place in it.
  let s = 0;
  let start = 0;
  while (s < sizes.length - 1 && at >= start + sizes[s]) start += sizes[s++];
  const i = at - start;
  const col = i % columns;
  if (key === "ArrowDown") {
    if (i + columns < sizes[s]) return at + columns;
    // The last row of its section: the next row may be short.
    const row = Math.floor(i / columns);
    if (row < Math.floor((sizes[s] - 1) / columns)) return start + sizes[s] - 1;
    let next = s + 1;
    let nextStart = start + sizes[s];
    while (next < sizes.length && sizes[next] === 0) next++;
    if (next >= sizes.length) return at;
    for (let k = s + 1; k < next; k++) nextStart += sizes[k];
    return nextStart + Math.min(col, sizes[next] - 1);
  }
  if (key === "ArrowUp") {
    if (i >= columns) return at - columns;
    let prev = s - 1;
    let prevStart = start;
    while (prev >= 0 && sizes[prev] === 0) prev--;
    if (prev < 0) return at;
    for (let k = s - 1; k >= prev; k--) prevStart -= sizes[k];
    const lastRow = Math.floor((sizes[prev] - 1) / columns);
    return prevStart + Math.min(lastRow * columns + col, sizes[prev] - 1);
  }
  return at;
}

class Picker {
  readonly dialog = h("dialog", { class: "dialog emoji-picker", attrs: { id: "emoji-picker" } });
  private search = h("input", {
    attrs: {
      id: "emoji-search", type: "search", autocomplete: "off",
      role: "combobox", "aria-controls": "emoji-list", "aria-expanded": "true", "aria-autocomplete": "list",
    },
  });
  private tabs = h("nav", { class: "emoji-tabs" });
  private body = h("div", { class: "emoji-body", attrs: { id: "emoji-list", role: "listbox" } });
  /** The language the picker speaks and its emoji are named in. */
  private language = "";
  private list: Emoji[] | null = null;
  private byEmoji = new Map<string, Emoji>();
  /** The emoji buttons shown, in order, and how many each section has. */
  private shown: HTMLButtonElement[] = [];
  private sizes: number[] = [];
  private selected = -1;
  private done: ((emoji: string | null) => void) | null = null;
  private opener: HTMLElement | null = null;
  /** Where the opener is: found again if its row is redrawn meanwhile. */
  private home: Home = {};

  constructor() {
    this.dialog.append(h("div", { class: "emoji-frame" }, this.search, this.tabs, this.body));
    document.body.append(this.dialog);
    this.search.addEventListener("input", () => this.draw());
    this.dialog.addEventListener("keydown", unlessComposing((ev) => this.key(ev)));
    // Esc as the dialog's own cancel, and any other way it closes: nothing picked.
    this.dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      this.finish(null);
    });
    this.dialog.addEventListener("close", () => { if (!this.dialog.open) this.finish(null); });
    // A click on the backdrop (the dialog itself, outside its frame) closes it.
    this.dialog.addEventListener("click", (ev) => { if (ev.target === this.dialog) this.finish(null); });
  }

  async open(opener: HTMLElement | null): Promise<string | null> {
    this.finish(null);
    this.opener = opener ?? (document.activeElement as HTMLElement | null);
    this.home = homeOf(this.opener);
    const answer = new Promise<string | null>((resolve) => (this.done = resolve));
    this.search.value = "";
    if (this.language !== locale()) this.speak(locale());
    this.dialog.showModal();
    this.place();
    this.search.focus();
    if (!this.list) {
      this.body.replaceChildren(h("p", { class: "emoji-empty" }, t("emoji-loading")));
      try {
        const language = this.language;
        const list = await loadEmoji(language);
        if (language !== this.language) return answer;
        this.list = list;
        this.byEmoji = new Map(this.list.map((e) => [e.emoji, e]));
      } catch {
        this.body.replaceChildren(h("p", { class: "emoji-empty", attrs: { role: "alert" } }, t("emoji-load-failed")));
        return answer;
      }
    }
    if (this.done) this.draw();
    return answer;
  }

  /** Words in `language` (the window's may change while it runs), and its emoji's names. */
  private speak(language: string): void {
    this.language = language;
    this.list = null;
    this.dialog.setAttribute("aria-label", t("emoji-picker"));
    this.body.setAttribute("aria-label", t("emoji-picker"));
    this.tabs.setAttribute("aria-label", t("emoji-groups"));
    this.search.placeholder = t("emoji-search");
    this.search.setAttribute("aria-label", t("emoji-search"));
  }

  /** Next to what opened it, inside the window. */
  private place(): void {
    const at = this.opener?.getBoundingClientRect();
    if (!at || (at.width === 0 && at.height === 0)) {
      this.dialog.removeAttribute("style");
      return;
    }
    const box = this.dialog.getBoundingClientRect();
    const room = (n: number, size: number, max: number) => Math.max(8, Math.min(n, max - size - 8));
    const below = at.bottom + 4 + box.height <= window.innerHeight;
    Object.assign(this.dialog.style, {
      margin: "0",
      right: "auto",
      bottom: "auto",
      top: `${room(below ? at.bottom + 4 : at.top - box.height - 4, box.height, window.innerHeight)}px`,
      left: `${room(at.right - box.width, box.width, window.innerWidth)}px`,
    });
  }

  private finish(emoji: string | null): void {
    const done = this.done;
    if (!done) return;
    this.done = null;
    if (this.dialog.open) this.dialog.close();
    const back = this.opener;
    this.opener = null;
    if (back?.isConnected) back.focus();
    else atHome(this.home)?.focus();
    done(emoji);
  }

  private button(e: Emoji | string): HTMLButtonElement {
    const emoji = typeof e === "string" ? e : e.emoji;
    const label = typeof e === "string" ? (this.byEmoji.get(e)?.label ?? e) : e.label;
    const b = h("button", {
      class: "emoji",
      title: label,
      attrs: { type: "button", role: "option", "aria-label": label, "aria-selected": "false", tabindex: "-1", id: `emoji-${this.shown.length}` },
      data: { emoji },
      on: { click: () => this.finish(emoji) },
    }, emoji);
    b.addEventListener("focus", () => this.select(this.shown.indexOf(b), false));
    this.shown.push(b);
    return b;
  }

  private section(title: string, emoji: (Emoji | string)[], group?: number): HTMLElement {
    this.sizes.push(emoji.length);
    return h("section", { data: group === undefined ? {} : { group: String(group) }, attrs: { role: "presentation" } },
      h("h3", { attrs: { "aria-hidden": "true" } }, title),
      h("div", { class: "emoji-grid", attrs: { role: "group", "aria-label": title } }, ...emoji.map((e) => this.button(e))),
    );
  }

  /** Draws the results of the search, or every group with the recent ones first. */
  private draw(): void {
    const list = this.list;
    if (!list) return;
    this.shown = [];
    this.sizes = [];
    const query = this.search.value.trim();
    const sections: HTMLElement[] = [];
    if (query) {
      const hits = searchEmoji(list, query);
      if (hits.length > 0) sections.push(this.section(t("emoji-results"), hits));
      else sections.push(h("p", { class: "emoji-empty" }, t("emoji-none")));
    } else {
      const recent = recentEmoji();
      if (recent.length > 0) sections.push(this.section(t("emoji-recent"), recent));
      for (const g of GROUPS) sections.push(this.section(groupName(g), list.filter((e) => e.group === g), g));
    }
    this.tabs.replaceChildren(
      ...(query ? [] : GROUPS.map((g) =>
        h("button", {
          class: "emoji-tab",
          title: groupName(g),
          attrs: { type: "button", "aria-label": groupName(g) },
          on: { click: () => this.jumpTo(g) },
        }, ICONS[g]),
      )),
    );
    this.body.replaceChildren(...sections);
    this.body.scrollTop = 0;
    this.selected = -1;
    this.select(this.shown.length > 0 ? 0 : -1, false);
  }

  private jumpTo(group: number): void {
    const section = this.body.querySelector<HTMLElement>(`section[data-group="${group}"]`);
    const first = section?.querySelector<HTMLButtonElement>("button[data-emoji]");
    section?.scrollIntoView?.({ block: "start" });
    if (first) this.select(this.shown.indexOf(first), true);
  }

  /** Makes emoji `i` the selected one (the one Enter picks, the one Tab reaches). */
  private select(i: number, focus: boolean): void {
    if (i !== this.selected) {
      const old = this.shown[this.selected];
      old?.setAttribute("aria-selected", "false");
      old?.setAttribute("tabindex", "-1");
      old?.classList.remove("selected");
      this.selected = i;
    }
    const b = this.shown[i];
    if (!b) {
      this.search.removeAttribute("aria-activedescendant");
      return;
    }
    b.setAttribute("aria-selected", "true");
    b.setAttribute("tabindex", "0");
    b.classList.add("selected");
    this.search.setAttribute("aria-activedescendant", b.id);
    if (focus) b.focus();
    else b.scrollIntoView?.({ block: "nearest" });
  }

  private key(ev: KeyboardEvent): void {
    const inSearch = ev.target === this.search;
    if (ev.key === "Escape") {
      ev.preventDefault();
      this.finish(null);
    } else if (ev.key === "Enter") {
      const b = this.shown[this.selected];
      if (!inSearch && !(ev.target as HTMLElement).dataset?.emoji) return;
      ev.preventDefault();
      if (b) this.finish(b.dataset.emoji ?? null);
    } else if (["ArrowUp", "ArrowDown"].includes(ev.key) || (!inSearch && ["ArrowLeft", "ArrowRight", "Home", "End"].includes(ev.key))) {
      if (!inSearch && !(ev.target as HTMLElement).dataset?.emoji) return;
      ev.preventDefault();
      if (this.selected < 0) return;
      const to = moveIn(this.sizes, this.selected, ev.key);
      // Up from the first row: back to the search box.
      if (!inSearch && ev.key === "ArrowUp" && to === this.selected) this.search.focus();
      else this.select(to, !inSearch);
    }
  }
}

let picker: Picker | null = null;

/** Asks for an emoji; null when the picker was closed without one. The
 *  focus goes back to `opener` (by default, what had it). */
export function pickEmoji(opener: HTMLElement | null = null): Promise<string | null> {
  if (!picker || !picker.dialog.isConnected) picker = new Picker();
  return picker.open(opener);
}
