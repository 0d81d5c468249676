// The composer (#composer): Enter sends (a reply when the reply bar names a
// message), Shift+Enter is a new line, Up in an empty composer edits the
// user's last message, Esc cancels the reply; `@` opens the mention list,
// which takes Enter, Tab, Up, Down and Esc while it is open. Typing tells
// the channel and keeps the draft; pasted files are sent. No key that is
// part of an IME composition is any of these (ime.ts). main.ts owns which
// channel is open.
import * as cmd from "./bindings/commands";
import { $ } from "./dom";
import { formatBar } from "./format";
import { errorText } from "./i18n";
import { unlessComposing } from "./ime";
import { MentionList } from "./mention-list";
import { ReplyBar } from "./reply";
import type { Timeline } from "./timeline";
import type { ChannelSid, MessageView } from "./types";
import { lastOwnEditable } from "./view";

export interface ComposerHost {
  current(): ChannelSid | null;
  me(): string;
  timeline: Timeline;
  error(text: string): void;
}

export class Composer {
  readonly box = $<HTMLTextAreaElement>("composer");
  readonly reply: ReplyBar;
  readonly mentions: MentionList;
  private draftTimer: number | undefined;

  constructor(private host: ComposerHost) {
    const box = this.box;
    this.reply = new ReplyBar($("reply-bar"), () => box.focus());
    this.mentions = new MentionList(box, () => host.current());
    box.parentElement?.append(this.mentions.list);
    formatBar($("format-bar"), box);
    box.addEventListener("keydown", unlessComposing((ev) => this.key(ev)));
    box.addEventListener("input", () => {
      const channel = host.current();
      if (!channel) return;
      if (box.value.trim()) void cmd.typing(channel).catch(() => {});
      window.clearTimeout(this.draftTimer);
      this.draftTimer = window.setTimeout(() => void this.saveDraft(), 500);
    });
    box.addEventListener("paste", (ev) => {
      const files = Array.from(ev.clipboardData?.files ?? []);
      if (files.length > 0) {
        ev.preventDefault();
        void this.pasteFiles(files);
      }
    });
  }

  private key(ev: KeyboardEvent): void {
    if (this.mentions.key(ev)) return;
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      void this.send();
    } else if (ev.key === "Escape" && this.reply.clear()) {
      // The reply is what Esc takes back here, nothing behind it.
      ev.preventDefault();
      ev.stopPropagation();
    } else if (ev.key === "ArrowUp" && this.box.value === "") {
      const last = lastOwnEditable(this.host.timeline.messages, this.host.me());
      if (last?.sid) {
        ev.preventDefault();
        this.host.timeline.startEdit(last.sid);
      }
    }
  }

  /** Answers `m` with the next message. */
  replyTo(m: MessageView): void {
    this.reply.set(m);
    this.box.focus();
  }

  /** Another channel opened: no reply to this one's message, no list of its members. */
  switched(): void {
    this.reply.clear();
    this.mentions.forget();
  }

  async saveDraft(): Promise<void> {
    const channel = this.host.current();
    if (!channel) return;
    window.clearTimeout(this.draftTimer);
    await cmd.setDraft(channel, this.box.value).catch(() => {});
  }

  async send(): Promise<void> {
    const channel = this.host.current();
    const body = this.box.value;
    if (!channel || !body.trim()) return;
    const target = this.reply.targetIn(channel);
    try {
      if (target) await cmd.reply(channel, target.sid, body);
      else await cmd.send(channel, body);
      this.box.value = "";
      if (target && this.reply.target === target) this.reply.clear();
      await this.saveDraft();
      await this.host.timeline.refresh();
      await this.host.timeline.jumpToLatest();
    } catch (e) {
      this.host.error(errorText(e));
    }
  }

  private async pasteFiles(files: File[]): Promise<void> {
    const channel = this.host.current();
    if (!channel) return;
    for (const f of files) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      await cmd.pasteFile(channel, f.name || "pasted.png", f.type || "application/octet-stream", bytes).catch((e) => this.host.error(errorText(e)));
    }
  }
}
