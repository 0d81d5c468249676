// A message row's actions, floating at its top right while the pointer is
// on the row or the keyboard focus is in it (Tab reaches them): the quick
// reactions, Add reaction (the picker), Reply, Reply in thread, Edit, Delete and Mark unread
// where the user may, Pin / Unpin (where the role may edit the channel's
// attributes) and Save / Unsave. Each button has a `data-action`, so the
// timeline can give the focus back to the same button when the row is
// drawn again.
import { ask } from "./ask";
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { errorText, t } from "./i18n";
import { pickReaction, QUICK, type ReactionHost, reactionOf, toggleReaction } from "./reactions";
import type { MessageView } from "./types";
import { allowed } from "./view";

export interface ActionsHost extends ReactionHost {
  /** What the user may do in the channel (empty: not known yet). */
  perms(): string[];
  edit(m: MessageView): void;
  /** Answers `m` (the composer's reply bar); absent: no Reply. */
  reply?(m: MessageView): void;
  /** Opens the thread of `m`; absent: no Reply in thread. */
  thread?(m: MessageView): void;
}

function button(action: string, label: string, text: string, click: (b: HTMLButtonElement) => void, cls = ""): HTMLButtonElement {
  const b = h("button", { class: cls, title: label, attrs: { type: "button", "aria-label": label }, data: { action } }, text);
  b.addEventListener("click", () => click(b));
  return b;
}

/** The actions of a delivered message `m`, or null for one that is not. */
export function rowActions(m: MessageView, host: ActionsHost): HTMLElement | null {
  if (m.state !== "sent" || !m.sid || m.deleted) return null;
  const sid = m.sid;
  const me = host.me();
  const actions = h("div", { class: "actions", attrs: { role: "group", "aria-label": t("message-actions") } });
  for (const emoji of QUICK) {
    const mine = reactionOf(m, emoji)?.mine === true;
    const b = button(`quick:${emoji}`, t("reaction-quick", { emoji }), emoji, () => void toggleReaction(m, emoji, host), "quick");
    b.setAttribute("aria-pressed", String(mine));
    actions.append(b);
  }
  actions.append(button("react", t("reaction-add"), "☺+", (b) => void pickReaction(m, b, host), "icon"));
  if (host.reply) {
    const reply = host.reply;
    actions.append(button("reply", t("reply-action"), "↩", () => reply(m), "icon"));
  }
  if (host.thread && !m.thread_root) {
    const thread = host.thread;
    actions.append(button("thread", t("thread-action"), "💬", () => thread(m), "icon"));
  }
  const { edit, remove } = allowed(host.perms(), m.author === me);
  if (edit) actions.append(button("edit", t("message-edit"), t("message-edit"), () => host.edit(m)));
  if (remove)
    actions.append(
      button("delete", t("message-delete"), t("message-delete"), async () => {
        if (await ask(t("message-delete-question"), t("message-delete")))
          void cmd.remove(m.channel_sid, sid).catch((e) => host.error(errorText(e)));
      }),
    );
  if (m.index !== null && m.author !== me) {
    const index = m.index;
    actions.append(
      button("unread", t("message-mark-unread.title"), t("message-mark-unread"), () => void cmd.markUnreadFrom(m.channel_sid, index)),
    );
  }
  // Pinning writes the channel's attributes: only where the role may.
  if (host.perms().includes("editChannelAttributes")) {
    const b = button("pin", m.pinned ? t("unpin-action") : t("pin-action"), "📌",
      () => void cmd.setPinned(m.channel_sid, sid, !m.pinned).catch((e) => host.error(errorText(e))), "icon");
    b.setAttribute("aria-pressed", String(m.pinned));
    actions.append(b);
  }
  const save = button("save", m.saved ? t("unsave-action") : t("save-action"), m.saved ? "★" : "☆",
    () => void cmd.setSaved(m.channel_sid, sid, !m.saved).catch((e) => host.error(errorText(e))), "icon");
  save.setAttribute("aria-pressed", String(m.saved));
  actions.append(save);
  // What the toolbar shows and does: the same, the row's redraw keeps it
  // (dom.ts adopt), so a click while others react is not lost.
  const { reactions: _others, ...rest } = m;
  actions.dataset.sig = JSON.stringify([rest, QUICK.map((e) => reactionOf(m, e)?.mine === true), host.perms(), !!host.reply, !!host.thread]);
  return actions;
}
