// Replies: the bar above the composer that says which message the next one
// answers (#reply-bar, with × to cancel), and the quote a reply shows above
// its text (.reply-quote: who wrote the original and how it began, as the
// reply carries it, so it reads even when the original is gone). The quote
// is a button: a click or Enter jumps to the original (timeline.ts).
import { h } from "./dom";
import { t } from "./i18n";
import { plainText } from "./markdown";
import type { ChannelSid, MessageSid, MessageView, ReplyView } from "./types";

/** The message the composer's next send answers. */
export interface ReplyTarget {
  channel: ChannelSid;
  sid: MessageSid;
  author: string;
  excerpt: string;
}

/** How a message begins, on one line, for the reply bar. */
export function excerptOf(m: Pick<MessageView, "body" | "media">, max = 100): string {
  const text = plainText(m.body) || m.media?.filename || (m.media ? t("file-unnamed") : "");
  const chars = Array.from(text);
  return chars.length > max ? chars.slice(0, max).join("").trimEnd() + "…" : text;
}

/** The quote of the message `reply` answers; `jump` shows the original. */
export function replyQuote(reply: ReplyView, jump: () => void): HTMLButtonElement {
  // The quote is the start of the original's text: shown without its marks.
  const excerpt = plainText(reply.excerpt);
  return h("button", {
      class: "reply-quote",
      title: t("reply-jump"),
      attrs: { type: "button", "aria-label": t("reply-quote", { author: reply.author, excerpt }) },
      on: { click: jump },
    },
    h("span", { class: "reply-author" }, reply.author),
    " ",
    h("span", { class: "reply-excerpt" }, excerpt),
  );
}

/** The reply bar: shown while the composer answers a message. */
export class ReplyBar {
  target: ReplyTarget | null = null;

  constructor(
    private bar: HTMLElement,
    /** Called when the user cancels with ×. */
    private cancelled: () => void,
  ) {
    bar.hidden = true;
  }

  /** Answers `m` with the next send. */
  set(m: MessageView): void {
    if (!m.sid) return;
    this.target = { channel: m.channel_sid, sid: m.sid, author: m.author, excerpt: excerptOf(m) };
    this.bar.replaceChildren(
      h("span", { class: "reply-to" }, t("reply-to", { author: m.author })),
      h("span", { class: "reply-excerpt" }, this.target.excerpt),
      h("button", {
        class: "close",
        title: t("reply-cancel"),
        attrs: { type: "button", "aria-label": t("reply-cancel") },
        on: { click: () => { this.clear(); this.cancelled(); } },
      }, "×"),
    );
    this.bar.hidden = false;
  }

  /** Stops answering; false if nothing was being answered. */
  clear(): boolean {
    if (!this.target) return false;
    this.target = null;
    this.bar.hidden = true;
    this.bar.replaceChildren();
    return true;
  }

  /** The message answered in `channel`, if any. */
  targetIn(channel: ChannelSid | null): ReplyTarget | null {
    return this.target && this.target.channel === channel ? this.target : null;
  }
}
