// The shapes the shell's commands and events carry, mirroring the Rust
// types in parley-client (cache::views, cache::media, events). Keep in step
// with crates/client/src/cache/views.rs and events.rs.

export interface MediaView {
  sid: string | null;
  size: number;
  content_type: string;
  filename: string | null;
  cached: boolean;
}

export interface MessageView {
  sid: string | null;
  channel_sid: string;
  index: number | null;
  author: string;
  body: string;
  attributes: string;
  was_edited: boolean;
  deleted: boolean;
  date_created: string;
  state: "sent" | "pending" | "failed";
  outbox_id: number | null;
  error: string | null;
  media: MediaView | null;
}

export interface ChannelSummary {
  sid: string;
  unique_name: string | null;
  friendly_name: string | null;
  kind: string;
  status: "joined" | "invited" | "public" | string;
  unread: number;
  notify: "all" | "mentions" | "muted" | string;
  last_consumed_index: number | null;
  members_count: number;
  last_message: MessageView | null;
}

export interface MemberView {
  identity: string;
  friendly_name: string | null;
  last_consumed_index: number | null;
  online: boolean | null;
}

export interface SearchHit {
  message: MessageView;
  snippet: string;
}

export interface SessionView {
  identity: string;
  server_url: string;
}

export interface DroppedFile {
  name: string;
  size: number;
}

export interface UiError {
  code: string;
  message: string;
}

export type ClientEvent =
  | { type: "channelsChanged" }
  | { type: "messagesChanged"; channel_sid: string }
  | { type: "typing"; channel_sid: string; identities: string[] }
  | { type: "connection"; state: "offline" | "connecting" | "online"; last_sync: number | null }
  | { type: "tokenRefreshed" }
  | { type: "sessionExpired" }
  | { type: "notified"; summary: string; body: string; channel_sid: string | null }
  | {
      type: "transfer";
      key: string;
      channel_sid: string | null;
      direction: "up" | "down";
      done: number;
      total: number;
    };
