// The search box: Enter searches (panel.ts lists the results), and as the
// user types, the filters of the query (from:, in:, before:, after:, has:,
// is:, as the shell reads them) show as chips beside it; a chip's × takes
// exactly its token out of the query and searches again.
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { t } from "./i18n";
import { unlessComposing } from "./ime";
import type { SearchFilter } from "./bindings/SearchFilter";

/** `query` without the first whole-word occurrence of `token` (and the
 *  space it leaves); the rest as typed. */
export function removeToken(query: string, token: string): string {
  if (!token) return query;
  let from = 0;
  for (;;) {
    const at = query.indexOf(token, from);
    if (at < 0) return query;
    const end = at + token.length;
    const starts = at === 0 || /\s/.test(query[at - 1]);
    const ends = end === query.length || /\s/.test(query[end]);
    if (starts && ends) {
      const before = query.slice(0, at).replace(/\s+$/, "");
      const after = query.slice(end).replace(/^\s+/, "");
      return before && after ? `${before} ${after}` : before + after;
    }
    from = at + 1;
  }
}

/** How long typing pauses before the chips are read again. */
export const CHIPS_DELAY = 250;

export class SearchBox {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private input: HTMLInputElement,
    private chips: HTMLElement,
    /** The search flow (the panel's results); an empty query closes them. */
    private search: (query: string) => unknown,
  ) {
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", unlessComposing((ev) => {
      if (ev.key !== "Enter") return;
      void this.update();
      void this.search(input.value);
    }));
  }

  /** Reads the chips once typing pauses. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), CHIPS_DELAY);
  }

  /** Draws the chips of the query in the box now. */
  async update(): Promise<void> {
    clearTimeout(this.timer);
    const query = this.input.value;
    const filters = query.trim() ? await cmd.searchFilters(query).catch(() => [] as SearchFilter[]) : [];
    // Typing went on meanwhile: the next read draws.
    if (this.input.value !== query) return;
    this.chips.replaceChildren(...filters.map((f) => this.chip(f)));
    this.chips.hidden = filters.length === 0;
  }

  /** Empties the box and its chips (Esc). */
  clear(): void {
    clearTimeout(this.timer);
    this.input.value = "";
    this.chips.replaceChildren();
    this.chips.hidden = true;
  }

  private chip(f: SearchFilter): HTMLElement {
    const text = `${f.key}:${f.value}`;
    return h("span", { class: "search-chip", data: { key: f.key } },
      h("span", { class: "text" }, text),
      h("button", {
        class: "remove",
        data: { token: f.token },
        attrs: { type: "button", "aria-label": t("search-filter-remove", { filter: text }), title: t("search-filter-remove", { filter: text }) },
        on: {
          click: () => {
            this.input.value = removeToken(this.input.value, f.token);
            void this.update();
            void this.search(this.input.value);
          },
        },
      }, "×"),
    );
  }
}
