// The conversation: a window of at most MAX_ROWS messages of one channel,
// read from the cache. Scrolling up reads older pages (from the cache, then
// from the server when the cache has no more) and drops rows at the bottom;
// scrolling down does the reverse; so a 50,000-message channel keeps a few
// hundred rows in the page and memory stays flat. Rows are keyed and reused
// when unchanged, so pictures do not reload on every update. Files in
// messages are media.ts's, the picture viewer lightbox.ts's; a row's
// reactions, reply quote and actions are reactions.ts's, reply.ts's and
// actions.ts's.
import { type ActionsHost, rowActions } from "./actions";
import { avatar } from "./avatar";
import * as cmd from "./bindings/commands";
import { adopt, atHome, h, homeOf, reconcile } from "./dom";
import { formatShortcuts } from "./format";
import { errorText, t } from "./i18n";
import { unlessComposing } from "./ime";
import { openLightbox } from "./lightbox";
import { type BodyHost, endOf, renderBody } from "./markdown";
import { Media, showTransfer } from "./media";
import { mentionMarks } from "./mentions";
import { pickEmoji } from "./picker";
import { reactionBar } from "./reactions";
import { replyQuote } from "./reply";
import { sendStatus } from "./send-status";
import { type ThreadHost, threadSummary } from "./thread";
import type { ChannelSid, MemberView, MessageSid, MessageView } from "./types";
import { bodyText, dayLabel, dayOf, listOf, receipts, startsGroup, timeOf, unreadFrom } from "./view";

const PAGE = 100;
const MAX_ROWS = 300;
const EDGE = 300;

export interface TimelineHost {
  me(): string;
  error(message: string): void;
  transfer(key: string): { done: number; total: number } | undefined;
  /** Answers `m` (the composer's reply bar); absent: no Reply action. */
  reply?(m: MessageView): void;
  /** Opens the thread of `m`; absent: no threads. */
  thread?(m: MessageView): void;
}

function keyOf(m: MessageView): string {
  return m.sid ? `m:${m.sid}` : `o:${m.outbox_id}`;
}

export class Timeline {
  channel: ChannelSid | null = null;
  messages: MessageView[] = [];
  /** The window ends with the channel's newest message. */
  atNewest = true;
  private members: MemberView[] = [];
  /** The members' friendly names, for avatars' initials. */
  private names = new Map<string, string | null>();
  /** What the user may do here (empty until the first sync says). */
  private perms: string[] = [];
  private horizon: number | null = null;
  private editing: MessageSid | null = null;
  private rows = new Map<string, { sig: string; node: HTMLLIElement }>();
  /** Day separators and the unread divider, reused while their text holds. */
  private marks = new Map<string, HTMLLIElement>();
  private loading = false;
  /** Counts the times the window was replaced (a channel opened, a jump):
   *  a page read for the window before must not land in the new one. */
  private epoch = 0;
  private media: Media;
  private highlight: number | null = null;
  /** Links in messages open in the system browser. */
  private links: BodyHost = { open: (href) => void cmd.openLink(href).catch((e) => this.host.error(errorText(e))) };

  private top = h("li", { class: "sentinel", attrs: { "aria-hidden": "true" } });
  private bottom = h("li", { class: "sentinel", attrs: { "aria-hidden": "true" } });
  private edges: IntersectionObserver;
  /** What a row's reactions and actions do. */
  private actions: ActionsHost;

  constructor(
    private list: HTMLOListElement,
    private latest: HTMLButtonElement,
    private host: TimelineHost,
  ) {
    this.actions = {
      me: () => host.me(),
      error: (text) => host.error(text),
      pick: (opener) => pickEmoji(opener),
      perms: () => this.perms,
      edit: (m) => { if (m.sid) this.startEdit(m.sid); },
      reply: host.reply ? (m) => host.reply?.(m) : undefined,
      thread: host.thread ? (m) => host.thread?.(m) : undefined,
    };
    this.media = new Media({
      error: (text) => host.error(text),
      transfer: (key) => host.transfer(key),
      redraw: (m) => {
        this.rows.delete(keyOf(m));
        this.render();
      },
      // The viewer walks through the pictures of the messages loaded here.
      view: (m, opener) => openLightbox(m, opener, { messages: () => this.messages, error: (text) => host.error(text) }),
    });
    list.addEventListener("scroll", () => {
      this.latest.hidden = this.atNewest && this.nearBottom();
    });
    latest.addEventListener("click", () => void this.jumpToLatest());
    // Older or newer pages load when the top or bottom edge comes near.
    this.edges = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting || this.loading || !this.channel) continue;
          if (e.target === this.top) void this.older();
          else if (e.target === this.bottom && !this.atNewest) void this.newer();
        }
      },
      { root: list, rootMargin: `${EDGE}px 0px` },
    );
  }

  /** What a thread's messages need from the timeline's: links, reactions. */
  get threads(): ThreadHost {
    return { ...this.actions, links: this.links, name: (identity) => this.names.get(identity) ?? null };
  }

  /** Looks at the edges again (after the rows changed). */
  private watchEdges(): void {
    this.edges.disconnect();
    this.edges.observe(this.top);
    this.edges.observe(this.bottom);
  }

  /** Shows `channel` from its newest messages; the unread divider sits after `horizon`. */
  async open(channel: ChannelSid, horizon: number | null): Promise<void> {
    this.channel = channel;
    this.horizon = horizon;
    this.editing = null;
    this.highlight = null;
    this.rows.clear();
    this.epoch++;
    const page = await cmd.messages(channel, null, PAGE);
    // Another channel was opened while this one was read: it wins.
    if (channel !== this.channel) return;
    this.messages = page;
    this.atNewest = true;
    await this.loadMembers();
    if (channel !== this.channel) return;
    this.render();
    const divider = this.list.querySelector<HTMLElement>(".unread-divider");
    if (divider) divider.scrollIntoView({ block: "center" });
    else this.toBottom();
  }

  /** Shows the messages around `index` (a search result), highlighted. */
  async openAt(channel: ChannelSid, index: number): Promise<void> {
    this.channel = channel;
    this.rows.clear();
    this.epoch++;
    this.highlight = index;
    const before = await cmd.messages(channel, index + 1, 50);
    const after = await cmd.messagesAfter(channel, index, 50);
    let page = [...before, ...after];
    const atNewest = after.length < 50;
    if (atNewest) page = await cmd.messages(channel, null, Math.max(PAGE, page.length));
    if (channel !== this.channel) return;
    this.messages = page;
    this.atNewest = atNewest;
    await this.loadMembers();
    if (channel !== this.channel) return;
    this.render();
    this.list.querySelector<HTMLElement>(`[data-index="${index}"]`)?.scrollIntoView({ block: "center" });
  }

  async loadMembers(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    const members = await cmd.members(channel).catch(() => []);
    const perms = await cmd.permissions(channel).catch(() => []);
    if (channel !== this.channel) return;
    this.members = members;
    this.names = new Map(members.map((m) => [m.identity, m.friendly_name]));
    this.perms = perms;
  }

  /** Reads the window again after the cache changed. */
  async refresh(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    const stick = this.nearBottom();
    const indexed = this.messages.filter((m) => m.index !== null);
    let page = this.messages;
    if (this.atNewest) {
      page = await cmd.messages(channel, null, Math.max(PAGE, indexed.length));
    } else if (indexed.length > 0) {
      const first = indexed[0].index as number;
      page = await cmd.messagesAfter(channel, first - 1, indexed.length);
    }
    // A read of a channel the user has left since is dropped, never drawn.
    if (channel !== this.channel) return;
    this.messages = page;
    await this.loadMembers();
    if (channel !== this.channel) return;
    this.render();
    if (stick && this.atNewest) this.toBottom();
  }

  startEdit(sid: MessageSid): void {
    this.editing = sid;
    this.render();
    const box = this.list.querySelector<HTMLTextAreaElement>(".edit-box");
    box?.focus();
    box?.setSelectionRange(box.value.length, box.value.length);
  }

  cancelEdit(): boolean {
    if (!this.editing) return false;
    this.editing = null;
    this.render();
    return true;
  }

  /** Updates progress bars in place. */
  showTransfer(key: string, done: number, total: number): void {
    showTransfer(this.list, key, done, total);
  }

  private nearBottom(): boolean {
    const l = this.list;
    return l.scrollHeight - l.scrollTop - l.clientHeight < 60;
  }

  private toBottom(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }

  private async older(): Promise<void> {
    const channel = this.channel;
    // None shown yet (the cached ones all in threads, say): before the newest.
    const first = this.messages.find((m) => m.index !== null);
    if (!channel) return;
    const epoch = this.epoch;
    this.loading = true;
    try {
      // The client fetches older pages until it has some to show.
      const page = await cmd.messagesBefore(channel, first?.index ?? null, PAGE).catch((e) => {
        this.host.error(errorText(e));
        return [] as MessageView[];
      });
      if (page.length === 0 || epoch !== this.epoch) return;
      const height = this.list.scrollHeight;
      const top = this.list.scrollTop;
      this.messages = [...page, ...this.messages];
      if (this.messages.length > MAX_ROWS) {
        this.messages = this.messages.slice(0, MAX_ROWS);
        this.atNewest = false;
      }
      this.render();
      this.list.scrollTop = top + (this.list.scrollHeight - height);
    } finally {
      this.loading = false;
    }
  }

  /** After a page landed: keep loading while an edge stays in view. */
  private watchEdgesSoon(): void {
    requestAnimationFrame(() => this.watchEdges());
  }

  private async newer(): Promise<void> {
    const channel = this.channel;
    const indexed = this.messages.filter((m) => m.index !== null);
    const last = indexed[indexed.length - 1];
    if (!channel || !last) return;
    const epoch = this.epoch;
    this.loading = true;
    try {
      const page = await cmd.messagesAfter(channel, last.index as number, PAGE);
      if (epoch !== this.epoch) return;
      if (page.length < PAGE) {
        this.atNewest = true;
        await this.refreshNewestKeepingScroll(indexed.length + page.length);
        return;
      }
      const top = this.list.scrollTop;
      this.messages = [...this.messages, ...page];
      if (this.messages.length > MAX_ROWS) {
        const drop = this.messages.length - MAX_ROWS;
        const dropped = this.messages.slice(0, drop);
        this.messages = this.messages.slice(drop);
        const removedHeight = dropped.reduce((sum, m) => sum + (this.rows.get(keyOf(m))?.node.offsetHeight ?? 0), 0);
        this.render();
        this.list.scrollTop = top - removedHeight;
      } else {
        this.render();
      }
    } finally {
      this.loading = false;
    }
  }

  private async refreshNewestKeepingScroll(count: number): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    const top = this.list.scrollTop;
    const page = await cmd.messages(channel, null, Math.min(MAX_ROWS, Math.max(PAGE, count)));
    if (channel !== this.channel) return;
    this.messages = page;
    this.render();
    this.list.scrollTop = top;
  }

  async jumpToLatest(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    if (!this.atNewest) {
      const page = await cmd.messages(channel, null, PAGE);
      if (channel !== this.channel) return;
      this.rows.clear();
    this.epoch++;
      this.messages = page;
      this.atNewest = true;
      this.render();
    }
    this.toBottom();
    this.latest.hidden = true;
  }

  /** Draws the window, reusing unchanged rows and changing only what differs. */
  render(): void {
    const me = this.host.me();
    // A button of a row drawn anew keeps the keyboard focus (its twin has it).
    const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement : null;
    const home = homeOf(focused);
    const seen = receipts(this.messages, this.members, me);
    const divider = unreadFrom(this.messages, this.horizon, me);
    const nodes: HTMLElement[] = [this.top];
    const keep = new Map<string, { sig: string; node: HTMLLIElement }>();
    const marks = new Map<string, HTMLLIElement>();
    const mark = (key: string, cls: string, text: string) => {
      const old = this.marks.get(key);
      const node = old && old.textContent === text ? old : h("li", { class: cls }, text);
      marks.set(key, node);
      nodes.push(node);
    };
    this.messages.forEach((m, i) => {
      const prev = this.messages[i - 1];
      if (!prev || dayOf(prev.date_created) !== dayOf(m.date_created)) {
        mark(`day:${dayOf(m.date_created)}`, "day", dayLabel(m.date_created));
      }
      if (divider !== null && m.index === divider) {
        mark("unread", "unread-divider", t("timeline-new-messages"));
      }
      const group = startsGroup(prev, m);
      const readers = m.index !== null ? (seen.get(m.index) ?? []) : [];
      const busy = this.media.busy(m);
      const name = group ? (this.names.get(m.author) ?? null) : null;
      const sig = JSON.stringify([m, group, readers, this.editing === m.sid, this.highlight === m.index, busy, name]);
      const key = keyOf(m);
      const old = this.rows.get(key);
      // A changed row is drawn again into its element: it stays hovered.
      const node = !old ? this.row(m, group, readers) : old.sig === sig ? old.node : adopt(old.node, this.row(m, group, readers));
      keep.set(key, { sig, node });
      nodes.push(node);
    });
    nodes.push(this.bottom);
    this.rows = keep;
    this.marks = marks;
    reconcile(this.list, nodes);
    if (focused && !focused.isConnected && home.key) {
      // A chip that went (its last reaction taken back): the row's Add reaction.
      (atHome(home, this.list) ?? atHome({ key: home.key, action: "react" }, this.list))?.focus();
    }
    this.latest.hidden = this.atNewest && this.nearBottom();
    this.watchEdgesSoon();
  }

  /** Shows the message a reply answers (highlighted, focused), or says it is gone. */
  async showOriginal(sid: MessageSid): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    let index: number | null;
    try {
      index = await cmd.locate(channel, sid);
    } catch (e) {
      return this.host.error(errorText(e));
    }
    if (channel !== this.channel) return;
    if (index === null) return this.host.error(t("reply-original-missing"));
    if (this.messages.some((m) => m.index === index)) {
      this.highlight = index;
      this.render();
    } else {
      await this.openAt(channel, index);
    }
    const row = this.list.querySelector<HTMLElement>(`li.message[data-index="${index}"]`);
    row?.scrollIntoView({ block: "center" });
    row?.focus();
  }

  private row(m: MessageView, group: boolean, readers: string[]): HTMLLIElement {
    const me = this.host.me();
    const highlight = this.highlight !== null && this.highlight === m.index;
    const li = h("li", {
      class: `message ${m.state}` + (m.deleted ? " deleted" : "") + (group ? " first" : "") + (highlight ? " highlight" : "") + (m.mentions_me ? " mentions-me" : "") + (m.pinned ? " pinned" : ""),
      data: { key: keyOf(m), ...(m.index !== null ? { index: String(m.index) } : {}), ...(m.sid ? { sid: m.sid } : {}) },
      // The message jumped to takes the focus (a reply's original, a search hit).
      attrs: highlight ? { tabindex: "-1" } : {},
    });
    if (group) {
      li.append(
        avatar(m.author, this.names.get(m.author) ?? null),
        h("div", { class: "meta" },
          h("span", { class: "author" }, m.author),
          h("time", { class: "time", attrs: { datetime: m.date_created } }, timeOf(m.date_created)),
        ),
      );
    }
    if (m.pinned) li.append(h("span", { class: "pin-marker", title: t("pin-marker"), attrs: { role: "img", "aria-label": t("pin-marker") } }, "📌"));
    const reply = m.reply;
    if (reply && !m.deleted) li.append(replyQuote(reply, () => void this.showOriginal(reply.to)));
    if (this.editing && this.editing === m.sid) {
      li.append(this.editor(m));
    } else if (m.deleted || m.body) {
      const body = h("div", { class: "body" });
      if (m.deleted) body.textContent = bodyText(m);
      else body.append(renderBody(m.body, this.links, mentionMarks(m.attributes, me)));
      if (m.was_edited && !m.deleted) endOf(body).append(" ", h("span", { class: "edited" }, t("message-edited")));
      li.append(body);
    }
    if (m.media && !m.deleted) li.append(this.media.render(m));
    const reactions = reactionBar(m, this.actions);
    if (reactions) li.append(reactions);
    const thread = m.thread;
    if (thread && !m.deleted && this.host.thread) li.append(threadSummary(thread, () => this.host.thread?.(m)));
    const status = sendStatus(m);
    if (status) li.append(status);
    const actions = rowActions(m, this.actions);
    if (actions) li.append(actions);
    if (readers.length > 0) li.append(h("div", { class: "receipts" }, t("message-seen-by", { names: listOf(readers) })));
    return li;
  }

  private editor(m: MessageView): HTMLElement {
    const box = h("textarea", { class: "edit-box", attrs: { rows: "2", "aria-label": t("message-editor") } });
    box.value = m.body;
    formatShortcuts(box);
    box.addEventListener("keydown", unlessComposing((ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        this.cancelEdit();
      } else if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        const body = box.value;
        if (!body.trim() || !m.sid) return;
        this.editing = null;
        void cmd.edit(m.channel_sid, m.sid, body).catch((e) => this.host.error(errorText(e)));
      }
    }));
    return h("div", { class: "editing" }, box, h("div", { class: "hint" }, t("message-editor-hint")));
  }
}
