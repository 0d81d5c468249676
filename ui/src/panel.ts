// The side panel beside the conversation: which one is open (members,
// settings, search results, pinned or saved messages, a thread), and the
// members and search results in it (settings are settings.ts's, the pinned
// and saved lists pins.ts's, a thread thread.ts's). main.ts owns the open channel and the list.
import { ask } from "./ask";
import { avatar } from "./avatar";
import * as cmd from "./bindings/commands";
import { $, h } from "./dom";
import { errorText, t } from "./i18n";
import { toast } from "./notice";
import { pinnedList, savedList } from "./pins";
import { settingsPanel } from "./settings";
import { type ThreadHost, ThreadPane } from "./thread";
import type { ChannelSid, ChannelSummary, MemberView, MessageSid, MessageView, SearchHit } from "./types";
import { channelName, presence, presenceTitle, snippetParts } from "./view";

export interface PanelHost {
  me(): string;
  current(): ChannelSid | null;
  channels(): ChannelSummary[];
  act(p: Promise<unknown>): Promise<void>;
  /** The channel list changed. */
  changed(): Promise<void>;
  /** The user left the open channel. */
  left(): Promise<void>;
  /** Shows message `index` of `channel` (a search result). */
  show(channel: ChannelSid, index: number): Promise<void>;
  /** Opens `channel` (a direct conversation just found or made). */
  open(channel: ChannelSid): Promise<void>;
  /** Shows `m` in its channel (a pinned or saved message). */
  jump(m: MessageView): Promise<void>;
  /** What a thread's messages need (links, reactions). */
  threads: ThreadHost;
}

export type PanelKind = "members" | "settings" | "search" | "pins" | "saved" | "thread";

export class Panel {
  open: PanelKind | null = null;
  private pane: ThreadPane;

  constructor(private host: PanelHost) {
    this.pane = new ThreadPane({ ...host.threads, close: () => this.close() });
  }

  /** Opens the thread of `root` in `channel`. */
  async thread(channel: ChannelSid, root: MessageSid): Promise<void> {
    this.open = "thread";
    const p = $("panel");
    p.hidden = false;
    if (!this.pane.el.isConnected) p.replaceChildren(this.header(t("thread-title")), this.pane.el);
    await this.pane.show(channel, root);
  }

  /** Opens `kind`, or closes it if it is the one open. */
  toggle(kind: PanelKind): void {
    this.open = this.open === kind ? null : kind;
    void this.render();
  }

  close(): void {
    this.open = null;
    const p = $("panel");
    // The focus in the panel goes back to the conversation, not nowhere.
    const inside = p.contains(document.activeElement);
    p.hidden = true;
    if (inside) $("composer")?.focus();
  }

  /** Draws the open panel again (members and settings follow the channel). */
  async render(): Promise<void> {
    const p = $("panel");
    p.hidden = this.open === null;
    const current = this.host.current();
    if (this.open === "members" && current) {
      p.replaceChildren(...(await this.members(current)));
    } else if (this.open === "settings") {
      const c = this.host.channels().find((x) => x.sid === current) ?? null;
      const body = await settingsPanel(c, this.host);
      p.replaceChildren(this.header(c ? t("settings-title") : t("settings-app-title")), ...body);
    } else if (this.open === "pins" && current) {
      const list = await pinnedList(current, { ...this.host, error: toast });
      if (this.open === "pins") p.replaceChildren(this.header(t("pins-title")), list);
    } else if (this.open === "thread") {
      // Another channel opened: its threads are not this one.
      if (this.pane.channel !== current) return this.close();
      if (!this.pane.el.isConnected) p.replaceChildren(this.header(t("thread-title")), this.pane.el);
      await this.pane.refresh();
    } else if (this.open === "saved") {
      const list = await savedList({ ...this.host, error: toast });
      if (this.open === "saved") p.replaceChildren(this.header(t("saved-title")), list);
    }
  }

  private header(title: string): HTMLElement {
    return h("header", {},
      h("h2", {}, title),
      h("button", { class: "close", attrs: { type: "button", "aria-label": t("close") }, on: { click: () => this.close() } }, "×"),
    );
  }

  private async members(channel: ChannelSid): Promise<Node[]> {
    const { act, me } = this.host;
    const members = await cmd.members(channel).catch(() => [] as MemberView[]);
    const perms = await cmd.permissions(channel).catch(() => [] as string[]);
    const may = (p: string) => perms.length === 0 || perms.includes(p);
    const hint = t("members-invite-placeholder");
    const invite = h("input", { attrs: { placeholder: hint, "aria-label": hint } });
    const name = (m: MemberView) => {
      const shown = m.friendly_name ? t("members-name", { name: m.friendly_name, identity: m.identity }) : m.identity;
      return m.identity === me() ? t("members-you", { name: shown }) : shown;
    };
    const remove = (m: MemberView) =>
      h("button", {
        class: "link danger",
        attrs: { type: "button" },
        on: {
          click: async () => {
            if (await ask(t("members-remove-question", { identity: m.identity }), t("members-remove")))
              void act(cmd.removeMember(channel, m.identity).then(() => this.render()));
          },
        },
      }, t("members-remove"));
    return [
      this.header(t("members-title", { count: members.length })),
      h("ul", { class: "members" },
        ...members.map((m) =>
          h("li", {},
            avatar(m.identity, m.friendly_name, "small"),
            h("span", { class: "presence " + presence(m.online), title: presenceTitle(m.online) }),
            name(m),
            m.identity !== me() ? " " : null,
            m.identity !== me() ? this.message(m.identity) : null,
            m.identity !== me() && perms.includes("removeMember") ? " " : null,
            m.identity !== me() && perms.includes("removeMember") ? remove(m) : null,
            m.status ? h("div", { class: "member-status" }, m.status) : null,
          ),
        ),
      ),
      !may("inviteMember") ? "" : h("form", {
          class: "invite-form",
          on: {
            submit: (ev) => {
              ev.preventDefault();
              const who = invite.value.trim();
              if (!who) return;
              void act(cmd.invite(channel, who).then(() => {
                invite.value = "";
                toast(t("members-invited", { identity: who }));
              }));
            },
          },
        },
        invite,
        h("button", { attrs: { type: "submit" } }, t("members-invite")),
      ),
      h("button", {
          class: "danger",
          attrs: { type: "button" },
          on: {
            click: async () => {
              if (!(await ask(t("members-leave-question"), t("members-leave-action")))) return;
              void act(cmd.leave(channel).then(() => {
                this.close();
                return this.host.left();
              }));
            },
          },
        },
        t("members-leave"),
      ),
    ].map((n) => (typeof n === "string" ? document.createTextNode(n) : n));
  }

  /** The members panel's Message button: the direct conversation with `identity`. */
  private message(identity: string): HTMLElement {
    return h("button", {
      class: "link",
      data: { action: "direct" },
      attrs: { type: "button" },
      on: { click: () => void this.host.act(cmd.openDirect([identity]).then((sid) => this.host.open(sid))) },
    }, t("directs-message"));
  }

  /** Searches every channel for `query` and lists what it found. */
  async search(query: string): Promise<void> {
    if (!query.trim()) return this.close();
    this.open = "search";
    const p = $("panel");
    p.hidden = false;
    let hits: SearchHit[] = [];
    try {
      hits = await cmd.search(query, null);
    } catch (e) {
      toast(errorText(e));
    }
    const name = (sid: ChannelSid) => {
      const c = this.host.channels().find((x) => x.sid === sid);
      return c ? channelName(c) : sid;
    };
    p.replaceChildren(
      this.header(t("search-results", { count: hits.length })),
      h("p", { class: "search-hint" }, t("search-filters-hint")),
      h("ul", { class: "results" },
        ...hits.map((hit) => {
          const snippet = h("div", { class: "snippet" });
          for (const part of snippetParts(hit.snippet)) snippet.append(part.hit ? h("mark", {}, part.text) : document.createTextNode(part.text));
          const m = hit.message;
          // A reply in a thread: its first message in the channel, the thread beside it.
          const root = m.thread_root;
          const open = root
            ? () => void this.host.jump({ ...m, sid: root }).then(() => this.thread(m.channel_sid, root))
            : () => { if (m.index !== null) void this.host.show(m.channel_sid, m.index); };
          return h("li", { on: { click: open } },
            h("div", { class: "meta" }, `#${name(m.channel_sid)} · ${m.author}`),
            snippet,
          );
        }),
      ),
    );
  }
}
