// Reactions on a message row: a chip per emoji, in the order first used,
// with how many reacted, the user's own marked (aria-pressed) and who
// reacted in its tooltip and label. A click on a chip adds or takes back
// the user's own. A reaction is a message of its own (docs/attributes.md);
// the cache aggregates them into `MessageView.reactions`, and the shell's
// messagesChanged redraws the row.
import * as cmd from "./bindings/commands";
import { h } from "./dom";
import { canonical, rememberEmoji } from "./emoji";
import { errorText, t } from "./i18n";
import type { MessageSid, MessageView, ReactionView } from "./types";
import { listOf } from "./view";

/** The quick reactions of a row's actions. */
export const QUICK = ["👍", "❤️", "😂", "🎉", "👀", "🙏"];

/** Names listed in a chip's label before "and N others". */
const NAMED = 10;

/** "alice and bob reacted with 👍", the user first as "You". */
export function reactionLabel(r: ReactionView, me: string): string {
  const others = r.who.filter((w) => w !== me);
  const names = r.mine || r.who.includes(me) ? [t("reaction-you"), ...others] : others;
  const shown = names.length > NAMED + 1 ? [...names.slice(0, NAMED), t("reaction-others", { count: names.length - NAMED })] : names;
  return t("reaction-who", { names: listOf(shown), emoji: r.emoji });
}

export interface ReactionHost {
  me(): string;
  error(message: string): void;
  /** Asks for an emoji (the picker), next to `opener`. */
  pick(opener: HTMLElement): Promise<string | null>;
}

/** `m`'s reaction with `emoji` (however another client spelt it), the
 *  user's own first. */
export function reactionOf(m: MessageView, emoji: string): ReactionView | undefined {
  const c = canonical(emoji);
  return m.reactions.find((r) => r.mine && canonical(r.emoji) === c) ?? m.reactions.find((r) => canonical(r.emoji) === c);
}

/** Adds the user's `emoji` to `m`, or takes it back if it is theirs. */
export async function toggleReaction(m: MessageView, emoji: string, host: Pick<ReactionHost, "error">): Promise<void> {
  if (!m.sid) return;
  const same = reactionOf(m, emoji);
  try {
    if (same?.mine) await cmd.unreact(m.channel_sid, m.sid, same.emoji);
    else {
      // Joining a reaction counts with it: its own spelling.
      const spelt = same?.emoji ?? canonical(emoji);
      rememberEmoji(canonical(spelt));
      await cmd.react(m.channel_sid, m.sid as MessageSid, spelt);
    }
  } catch (e) {
    host.error(errorText(e));
  }
}

/** Opens the picker at `opener` and reacts to `m` with what is picked. */
export async function pickReaction(m: MessageView, opener: HTMLElement, host: ReactionHost): Promise<void> {
  const emoji = await host.pick(opener);
  if (emoji) await toggleReaction(m, emoji, host);
}

/** A button that stays pressed (disabled) until its action is done. */
function busy(b: HTMLButtonElement, run: () => Promise<void>): void {
  b.disabled = true;
  void run().finally(() => (b.disabled = false));
}

/** The chips of `m`'s reactions and an "add" chip, or null without any. */
export function reactionBar(m: MessageView, host: ReactionHost): HTMLElement | null {
  if (m.reactions.length === 0 || !m.sid || m.deleted) return null;
  const me = host.me();
  const chips = m.reactions.map((r) => {
    const label = reactionLabel(r, me);
    const b = h("button", {
      class: "reaction" + (r.mine ? " mine" : ""),
      // Named by what it shows (the emoji and count), described by who
      // reacted: a name that differed from the visible text would not be
      // found by voice control.
      title: label,
      attrs: { type: "button", "aria-pressed": String(r.mine) },
      data: { reaction: r.emoji, action: `reaction:${r.emoji}` },
    }, h("span", { class: "emoji" }, r.emoji), h("span", { class: "count" }, String(r.who.length)));
    b.addEventListener("click", () => busy(b, () => toggleReaction(m, r.emoji, host)));
    return b;
  });
  const add = h("button", {
    class: "reaction add",
    title: t("reaction-add"),
    attrs: { type: "button", "aria-label": t("reaction-add") },
    data: { action: "reaction-add" },
  }, "☺+");
  add.addEventListener("click", () => void pickReaction(m, add, host));
  return h("div", { class: "reactions", attrs: { role: "group", "aria-label": t("reaction-list") } }, ...chips, add);
}
