// A thread in the side panel: its first message, its replies (delivered,
// then the user's own not sent yet) and a composer of its own (#thread-
// composer: Enter sends in the thread, Shift+Enter is a new line, `@`
// completes a member, no key of an IME composition counts). Opening it, and
// any change while it is open in a focused window, marks it read. panel.ts
// puts it in the panel; the timeline's rows open it (their reply count and
// their "Reply in thread" action).
import { avatar } from "./avatar";
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { formatShortcuts } from "./format";
import { errorText, t } from "./i18n";
import { unlessComposing } from "./ime";
import { type BodyHost, endOf, renderBody } from "./markdown";
import { MentionList } from "./mention-list";
import { mentionMarks } from "./mentions";
import { reactionBar, type ReactionHost } from "./reactions";
import { sendStatus } from "./send-status";
import type { ChannelSid, MessageSid, MessageView, ThreadView } from "./types";
import { bodyText, dayLabel, listOf, timeOf } from "./view";

export interface ThreadHost extends ReactionHost {
  links: BodyHost;
  /** A member's friendly name, for avatars' initials (absent: none). */
  name?(identity: string): string | null;
  /** Closes the thread (Esc in its composer). */
  close?(): void;
}

/** The reply count under a thread's first message in the timeline:
 *  "3 replies · 1 new · last reply: Today, 10:32", with who replied. */
export function threadSummary(t0: ThreadView, open: () => void): HTMLButtonElement {
  const parts = [t("thread-replies", { count: t0.replies })];
  if (t0.unread > 0) parts.push(t("thread-unread", { count: t0.unread }));
  parts.push(t("thread-last", { day: dayLabel(t0.last_reply), time: timeOf(t0.last_reply) }));
  return h("button", {
      class: "thread-summary" + (t0.unread > 0 ? " unread" : ""),
      title: t("thread-people", { names: listOf(t0.people) }),
      data: { action: "thread-open" },
      attrs: { type: "button" },
      on: { click: open },
    },
    parts.join(" · "),
  );
}

export class ThreadPane {
  channel: ChannelSid | null = null;
  root: MessageSid | null = null;
  readonly el: HTMLElement;
  private list = h("ol", { class: "thread-messages", attrs: { id: "thread-messages", "aria-label": t("thread-title") } });
  private box = h("textarea", { attrs: { id: "thread-composer", rows: "2", placeholder: t("thread-composer"), "aria-label": t("thread-composer") } });
  private mentions: MentionList;

  constructor(private host: ThreadHost) {
    this.mentions = new MentionList(this.box, () => this.channel, "thread-mention-list");
    formatShortcuts(this.box);
    this.box.addEventListener("keydown", unlessComposing((ev) => {
      if (this.mentions.key(ev)) return;
      if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        void this.send();
      } else if (ev.key === "Escape") {
        // The thread's own: nothing behind it (an edit in the timeline) goes.
        ev.preventDefault();
        ev.stopPropagation();
        this.host.close?.();
      }
    }));
    this.el = h("section", { class: "thread", attrs: { "aria-label": t("thread-title") } },
      this.list,
      h("div", { class: "thread-compose" }, this.box, this.mentions.list),
    );
  }

  /** Shows the thread of `root` in `channel`, the focus in its composer. */
  async show(channel: ChannelSid, root: MessageSid): Promise<void> {
    if (this.channel !== channel || this.root !== root) {
      this.box.value = "";
      this.list.replaceChildren();
    }
    this.channel = channel;
    this.root = root;
    await this.refresh();
    this.box.focus();
  }

  /** Reads the thread again (a reply came, one was sent or edited). */
  async refresh(): Promise<void> {
    const { channel, root } = this;
    if (!channel || !root) return;
    let messages: MessageView[];
    try {
      messages = await cmd.thread(channel, root);
    } catch (e) {
      return this.host.error(errorText(e));
    }
    if (channel !== this.channel || root !== this.root) return;
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    if (messages.length === 0) {
      this.list.replaceChildren(h("li", { class: "empty" }, t("thread-missing")));
      return;
    }
    const [first, ...replies] = messages;
    this.list.replaceChildren(
      this.row(first, true),
      h("li", { class: "thread-count" }, t("thread-replies", { count: replies.filter((m) => m.sid && !m.deleted).length })),
      ...replies.map((m) => this.row(m, false)),
    );
    if (nearBottom) this.list.scrollTop = this.list.scrollHeight;
    if (document.hasFocus() && (first.thread?.unread ?? 0) > 0) void cmd.markThreadRead(channel, root).catch(() => {});
  }

  private async send(): Promise<void> {
    const { channel, root } = this;
    const body = this.box.value;
    if (!channel || !root || !body.trim()) return;
    try {
      await cmd.replyInThread(channel, root, body);
      this.box.value = "";
      await this.refresh();
      this.list.scrollTop = this.list.scrollHeight;
    } catch (e) {
      this.host.error(errorText(e));
    }
  }

  private row(m: MessageView, first: boolean): HTMLLIElement {
    const li = h("li", {
        class: `message ${m.state}` + (first ? " thread-root" : "") + (m.deleted ? " deleted" : ""),
        // Keys of their own: the same message's row in the timeline is another.
        data: { key: m.sid ? `t:${m.sid}` : `to:${m.outbox_id}`, ...(m.sid ? { sid: m.sid } : {}) },
      },
      avatar(m.author, this.host.name?.(m.author) ?? null),
      h("div", { class: "meta" },
        h("span", { class: "author" }, m.author),
        h("time", { class: "time", attrs: { datetime: m.date_created } }, `${dayLabel(m.date_created)} ${timeOf(m.date_created)}`),
      ),
    );
    const body = h("div", { class: "body" });
    if (m.deleted || !m.body) body.textContent = m.media ? (m.media.filename ?? t("file-unnamed")) : bodyText(m);
    else body.append(renderBody(m.body, this.host.links, mentionMarks(m.attributes, this.host.me())));
    if (m.was_edited && !m.deleted) endOf(body).append(" ", h("span", { class: "edited" }, t("message-edited")));
    li.append(body);
    const reactions = reactionBar(m, this.host);
    if (reactions) li.append(reactions);
    const status = sendStatus(m, () => void this.refresh());
    if (status) li.append(status);
    return li;
  }
}
