// Pure view helpers: what to show for the client's data. No DOM access here,
// so they are unit-tested in Node.

export interface MessageView {
  sid: string | null;
  channel_sid: string;
  index: number | null;
  author: string;
  body: string;
  was_edited: boolean;
  deleted: boolean;
  date_created: string;
  state: "sent" | "pending" | "failed";
  outbox_id: number | null;
  error: string | null;
}

export interface ChannelSummary {
  sid: string;
  unique_name: string | null;
  friendly_name: string | null;
  status: string;
  unread: number;
  notify: string;
}

/** The name to show for a channel. */
export function channelName(c: ChannelSummary): string {
  return c.friendly_name || c.unique_name || c.sid;
}

/** The unread badge: hidden for muted channels and when nothing is unread. */
export function badge(c: ChannelSummary): string | null {
  if (c.notify === "muted" || c.unread <= 0) return null;
  return c.unread > 99 ? "99+" : String(c.unread);
}

/** The text of a message line: placeholders for deleted and failed ones. */
export function bodyText(m: MessageView): string {
  if (m.deleted) return "This message was deleted";
  if (m.state === "failed") return `${m.body} — not sent: ${m.error ?? "unknown error"}`;
  return m.body + (m.was_edited ? " (edited)" : "");
}

/** "14:05" from an ISO date. */
export function timeOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

/** Whether a message starts a new group (other author, or a new day). */
export function startsGroup(prev: MessageView | undefined, m: MessageView): boolean {
  if (!prev) return true;
  return prev.author !== m.author || prev.date_created.slice(0, 10) !== m.date_created.slice(0, 10);
}
