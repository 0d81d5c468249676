// Mention autocomplete in the composer: `@` at the start of a word opens a
// list (#mention-list, a listbox) of the channel's members whose username
// or display name begins with (then contains) what follows the `@`, and
// `@channel` and `@here` when the user's role may call everyone
// (permission `mentionChannel`). Up and Down choose, Enter or Tab or a
// click puts `@identity ` in place of what was typed, Esc closes. While it
// is open, Enter picks instead of sending. A key that is part of an IME
// composition is never one of these (the composer's handler goes through
// ime.ts's unlessComposing).
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { EVERYONE } from "./mentions";
import { edit } from "./format";
import { t } from "./i18n";
import type { ChannelSid, MemberView } from "./types";

/** The most names the list shows. */
const SHOWN = 8;

/** One choice of the list. */
export interface Candidate {
  identity: string;
  name: string | null;
  /** `@channel` or `@here`. */
  everyone: boolean;
}

/** The `@` fragment the caret is in: where its `@` is and what follows it. */
export function fragmentAt(value: string, caret: number): { start: number; query: string } | null {
  const m = /(?:^|\s)@([\p{L}\p{N}_.-]*)$/u.exec(value.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[1].length - 1, query: m[1] };
}

/** The candidates for `query`: those beginning with it first, then those
 *  containing it, by username; everyone last, when `everyone` is allowed. */
export function candidates(members: MemberView[], everyone: boolean, query: string): Candidate[] {
  const q = query.toLowerCase();
  const all: Candidate[] = [
    ...members.map((m) => ({ identity: m.identity, name: m.friendly_name, everyone: false })),
    ...(everyone ? EVERYONE.map((identity) => ({ identity, name: null, everyone: true })) : []),
  ];
  const rank = (c: Candidate): number => {
    const words = [c.identity, c.name ?? ""].map((w) => w.toLowerCase());
    if (words.some((w) => w.startsWith(q))) return 0;
    if (words.some((w) => w.split(/\s+/).some((p) => p.startsWith(q)))) return 1;
    if (words.some((w) => w.includes(q))) return 2;
    return -1;
  };
  return all
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || Number(a.c.everyone) - Number(b.c.everyone) || a.c.identity.localeCompare(b.c.identity))
    .slice(0, SHOWN)
    .map((x) => x.c);
}

export class MentionList {
  readonly list: HTMLUListElement;
  private shown: Candidate[] = [];
  private selected = 0;
  private fragment: { start: number; query: string } | null = null;
  /** The members and permissions of a channel, read when `@` is typed there. */
  private known: { channel: ChannelSid; members: MemberView[]; everyone: boolean } | null = null;
  private reading: Promise<void> | null = null;

  /** `id`: the list's element id (a second composer has its own list). */
  constructor(
    private box: HTMLTextAreaElement,
    private channel: () => ChannelSid | null,
    private id = "mention-list",
  ) {
    this.list = h("ul", { class: "mention-list", attrs: { id, role: "listbox", "aria-label": t("mention-list") }, hidden: true });
    box.setAttribute("aria-controls", id);
    box.addEventListener("input", () => void this.update());
    box.addEventListener("click", () => void this.update());
    box.addEventListener("blur", () => this.close());
  }

  get open(): boolean {
    return !this.list.hidden;
  }

  /** Reads the open channel's members again at the next `@` (they change). */
  forget(): void {
    this.known = null;
    this.close();
  }

  /** Opens, filters or closes the list for the text at the caret. */
  async update(): Promise<void> {
    const channel = this.channel();
    const caret = this.box.selectionStart;
    this.fragment = channel && caret === this.box.selectionEnd ? fragmentAt(this.box.value, caret) : null;
    if (!channel || !this.fragment) return this.close();
    // Opening again: what was read serves now, and is read anew for the next key.
    if (!this.open && this.known?.channel === channel) void this.read(channel);
    if (this.known?.channel !== channel) {
      this.reading ??= this.read(channel).finally(() => (this.reading = null));
      await this.reading;
      // The text may have moved on while they were read.
      if (this.channel() !== channel) return;
      this.fragment = fragmentAt(this.box.value, this.box.selectionStart);
      if (!this.fragment || document.activeElement !== this.box) return this.close();
    }
    const known = this.known;
    if (!known) return this.close();
    this.shown = candidates(known.members, known.everyone, this.fragment.query);
    this.selected = 0;
    this.draw();
  }

  private async read(channel: ChannelSid): Promise<void> {
    const [members, perms] = await Promise.all([
      cmd.members(channel).catch(() => [] as MemberView[]),
      cmd.permissions(channel).catch(() => [] as string[]),
    ]);
    if (this.channel() === channel) this.known = { channel, members, everyone: perms.includes("mentionChannel") };
  }

  private draw(): void {
    if (this.shown.length === 0) return this.close();
    this.list.replaceChildren(
      ...this.shown.map((c, i) =>
        h("li", {
            class: i === this.selected ? "selected" : "",
            attrs: { role: "option", id: `${this.id}-${i}`, "aria-selected": String(i === this.selected) },
            data: { identity: c.identity },
            on: {
              // The composer keeps the focus and the caret.
              mousedown: (ev) => ev.preventDefault(),
              click: () => this.pick(i),
            },
          },
          h("span", { class: "mention-name" }, "@" + c.identity),
          c.everyone
            ? h("span", { class: "mention-detail" }, t("mention-everyone"))
            : c.name && c.name.toLowerCase() !== c.identity.toLowerCase() ? h("span", { class: "mention-detail" }, c.name) : null,
        ),
      ),
    );
    this.list.hidden = false;
    this.box.setAttribute("aria-expanded", "true");
    this.box.setAttribute("aria-activedescendant", `${this.id}-${this.selected}`);
    this.list.children[this.selected]?.scrollIntoView?.({ block: "nearest" });
  }

  close(): void {
    if (this.list.hidden) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.shown = [];
    this.box.setAttribute("aria-expanded", "false");
    this.box.removeAttribute("aria-activedescendant");
  }

  /** Puts candidate `i` in place of the typed fragment. */
  pick(i: number): void {
    const c = this.shown[i];
    const f = this.fragment;
    if (!c || !f) return;
    const end = this.box.selectionStart;
    const insert = `@${c.identity} `;
    this.close();
    edit(this.box, { from: f.start, to: end, insert, start: f.start + insert.length, end: f.start + insert.length });
    this.close();
  }

  /** The composer's key, if it is the list's: true when it was handled. */
  key(ev: KeyboardEvent): boolean {
    if (!this.open) return false;
    const n = this.shown.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      this.selected = (this.selected + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
      this.draw();
    } else if ((ev.key === "Enter" && !ev.shiftKey) || (ev.key === "Tab" && !ev.shiftKey)) {
      this.pick(this.selected);
    } else if (ev.key === "Escape") {
      this.close();
    } else {
      return false;
    }
    ev.preventDefault();
    ev.stopPropagation();
    return true;
  }
}
