// Pure view helpers: what to show for the client's data, in the language
// being spoken (i18n.ts). No DOM access here, so they are unit-tested in Node.
import { locale, t } from "./i18n";
import { plainText } from "./markdown";
import type { ChannelSummary, MediaSid, MediaView, MemberView, MessageView } from "./types";

export type { ChannelSummary, MessageView } from "./types";

/** The name to show for a channel. */
export function channelName(c: Pick<ChannelSummary, "friendly_name" | "unique_name" | "sid">): string {
  return c.friendly_name || c.unique_name || c.sid;
}

/** A channel as the sidebar and the title bar name it: "# general", "◆ secret". */
export function channelLabel(c: Pick<ChannelSummary, "kind" | "friendly_name" | "unique_name" | "sid">): string {
  return (c.kind === "private" ? "◆ " : "# ") + channelName(c);
}

/** The unread badge: hidden for muted channels and when nothing is unread. */
export function badge(c: ChannelSummary): string | null {
  if (c.notify === "muted" || c.unread <= 0) return null;
  return c.unread > 99 ? "99+" : String(c.unread);
}

/** The mention badge: unread messages that mention the user ("@3"), shown
 *  even for a muted channel (a mention is for the user). */
export function mentionBadge(c: Pick<ChannelSummary, "mentions">): string | null {
  if (c.mentions <= 0) return null;
  return "@" + (c.mentions > 99 ? "99+" : String(c.mentions));
}

/** The text of a message line: placeholders for deleted and failed ones. */
export function bodyText(m: MessageView): string {
  if (m.deleted) return t("message-deleted");
  return m.body;
}

/** The last message of a channel, for the sidebar: "alice: hi". */
export function previewText(c: Pick<ChannelSummary, "last_message">): string {
  const m = c.last_message;
  if (!m) return "";
  if (m.deleted) return t("sidebar-preview-deleted", { author: m.author });
  if (!m.body && m.media) return t("sidebar-preview-file", { author: m.author, file: m.media.filename ?? t("file-unnamed") });
  return t("sidebar-preview", { author: m.author, text: plainText(m.body) });
}

/** One formatter per language and options: building one costs more than
 *  formatting with it, and a timeline formats hundreds of times. */
const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<F extends Intl.DateTimeFormat | Intl.NumberFormat>(kind: string, options: object, make: () => F): F {
  const key = `${kind} ${locale()} ${JSON.stringify(options)}`;
  let f = formats.get(key) as F | undefined;
  if (!f) formats.set(key, (f = make()));
  return f;
}
const dateFormat = (options: Intl.DateTimeFormatOptions) => cached("date", options, () => new Intl.DateTimeFormat(locale(), options));

/** The time of day of an ISO date as the language writes it ("2:05 PM", "下午2:05"). */
export function timeOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return dateFormat({ hour: "numeric", minute: "2-digit" }).format(d);
}

/** The local calendar day of an ISO date, "2026-11-26". */
export function dayOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "Today", "Yesterday" or a date, for day separators. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const day = dayOf(iso);
  if (day === dayOf(now.toISOString())) return t("day-today");
  const y = new Date(now.getTime() - 86_400_000);
  if (day === dayOf(y.toISOString())) return t("day-yesterday");
  return dateFormat({ weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(new Date(iso));
}

/** Whether a message starts a new group: another author, another day, or a pause of 5 minutes. */
export function startsGroup(prev: MessageView | undefined, m: MessageView): boolean {
  if (!prev) return true;
  if (prev.author !== m.author || dayOf(prev.date_created) !== dayOf(m.date_created)) return true;
  return new Date(m.date_created).getTime() - new Date(prev.date_created).getTime() > 5 * 60_000;
}

/** How a file is shown: inline picture, player, or a file card. */
export function mediaKind(m: Pick<MediaView, "content_type">): "image" | "video" | "audio" | "file" {
  const t = m.content_type.split(";")[0].trim().toLowerCase();
  if (t === "image/svg+xml") return "file";
  if (t.startsWith("image/")) return "image";
  if (t.startsWith("video/")) return "video";
  if (t.startsWith("audio/")) return "audio";
  return "file";
}

/** Pictures, video and audio up to this size are fetched when shown. */
export const AUTO_DOWNLOAD = 25 * 1024 * 1024;

/** Whether a received file is fetched as soon as it is shown. */
export function autoDownload(m: MediaView): boolean {
  return !m.cached && m.sid !== null && mediaKind(m) !== "file" && m.size <= AUTO_DOWNLOAD;
}

/** "1.5 MB": the unit symbols are the same in every language, the number is
 *  written as the language writes numbers. */
export function formatBytes(n: number): string {
  const number = (v: number, digits: number) => {
    const options = { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false };
    return cached("number", options, () => new Intl.NumberFormat(locale(), options)).format(v);
  };
  if (n < 1024) return `${number(n, 0)} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${number(v, v < 10 ? 1 : 0)} ${units[i]}`;
}

/** The URL the window shows a kept media file at. */
export function mediaUrl(sid: MediaSid, windows: boolean): string {
  return windows ? `http://parley-media.localhost/${sid}` : `parley-media://localhost/${sid}`;
}

/**
 * Read receipts: for each other member, the loaded message at their read
 * horizon (the newest loaded one at or below it) gets their name.
 */
export function receipts(messages: MessageView[], members: MemberView[], me: string): Map<number, string[]> {
  const indexed = messages.filter((m) => m.index !== null && !m.deleted);
  const out = new Map<number, string[]>();
  for (const member of members) {
    if (member.identity === me || member.last_consumed_index === null) continue;
    const h = member.last_consumed_index;
    let at: number | null = null;
    for (const m of indexed) {
      if ((m.index as number) <= h) at = m.index;
      else break;
    }
    if (at === null) continue;
    const names = out.get(at) ?? [];
    names.push(member.friendly_name || member.identity);
    out.set(at, names);
  }
  return out;
}

/** The index of the first unread message from someone else after `horizon`, if loaded. */
export function unreadFrom(messages: MessageView[], horizon: number | null, me: string): number | null {
  for (const m of messages) {
    if (m.index === null || m.author === me) continue;
    if (horizon === null || m.index > horizon) return m.index;
  }
  return null;
}

/** "alice is typing…", "alice and bob are typing…", "Several people are typing…" */
export function typingText(who: string[]): string {
  if (who.length === 0) return "";
  if (who.length === 1) return t("typing-one", { name: who[0] });
  if (who.length === 2) return t("typing-two", { first: who[0], second: who[1] });
  return t("typing-many");
}

/** Names as the language lists them: "alice, bob, and carol", "alice、bob和carol". */
export function listOf(items: string[]): string {
  return new Intl.ListFormat(locale(), { type: "conjunction" }).format(items);
}

/** Channels matching a switcher query: names starting with it first. */
export function filterChannels<T extends Pick<ChannelSummary, "friendly_name" | "unique_name" | "sid">>(
  list: T[],
  query: string,
): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return list;
  const hits = list.filter((c) => channelName(c).toLowerCase().includes(q));
  return hits.sort((a, b) => {
    const sa = channelName(a).toLowerCase().startsWith(q) ? 0 : 1;
    const sb = channelName(b).toLowerCase().startsWith(q) ? 0 : 1;
    return sa - sb || channelName(a).localeCompare(channelName(b));
  });
}

/** A search snippet's pieces, matches (between [ and ]) marked. */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  const re = /\[([^\]]*)\]/g;
  let last = 0;
  for (const m of snippet.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: snippet.slice(last, at), hit: false });
    out.push({ text: m[1], hit: true });
    last = at + m[0].length;
  }
  if (last < snippet.length) out.push({ text: snippet.slice(last), hit: false });
  return out;
}

/** The sidebar footer: connection state and when the cache last synced. */
export function connectionText(state: string, lastSync: number | null, now: Date = new Date()): string {
  const label = state === "online" ? t("status-online") : state === "connecting" ? t("status-connecting") : t("status-offline");
  if (state === "online" || lastSync === null) return label;
  const ago = Math.max(0, Math.round(now.getTime() / 1000 - lastSync));
  if (ago < 60) return t("status-synced-just-now", { state: label });
  if (ago < 3600) return t("status-synced-minutes", { state: label, minutes: Math.round(ago / 60) });
  return t("status-synced-at", { state: label, time: timeOf(new Date(lastSync * 1000).toISOString()) });
}

/** The last message of `me` that may be edited (arrow-up in an empty composer). */
export function lastOwnEditable(messages: MessageView[], me: string): MessageView | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.author === me && m.state === "sent" && !m.deleted && m.sid) return m;
  }
  return null;
}

/**
 * Whether the user may edit and delete a message, from their permissions in
 * the channel (empty: not known yet, so only their own messages).
 */
export function allowed(perms: string[], own: boolean): { edit: boolean; remove: boolean } {
  if (perms.length === 0) return { edit: own, remove: own };
  const has = (p: string) => perms.includes(p);
  return {
    edit: has("editAnyMessage") || (own && has("editOwnMessage")),
    remove: has("deleteAnyMessage") || (own && has("deleteOwnMessage")),
  };
}

/** The presence dot's class: unknown when the service does not track
 *  presence (reachability off), so nobody is shown as offline by default. */
export function presence(online: boolean | null): "online" | "offline" | "unknown" {
  return online === null ? "unknown" : online ? "online" : "offline";
}

export function presenceTitle(online: boolean | null): string {
  return online === null ? t("members-presence-unknown") : online ? t("members-online") : t("members-offline");
}
