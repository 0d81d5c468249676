// The shapes the shell's commands and events carry. They are generated from
// the Rust definitions (parley-client's cache views and events, the shell's
// command results) by ts-rs into ./bindings: run `make bindings` after
// changing those types; `make test` fails when the committed ones are stale.

export type { ChannelSid } from "./bindings/ChannelSid";
export type { ChannelSummary } from "./bindings/ChannelSummary";
export type { ChannelType } from "./bindings/ChannelType";
export type { ClientEvent } from "./bindings/ClientEvent";
export type { ConnectionState } from "./bindings/ConnectionState";
export type { Defaults } from "./bindings/Defaults";
export type { Direction } from "./bindings/Direction";
export type { DroppedFile } from "./bindings/DroppedFile";
export type { MediaSid } from "./bindings/MediaSid";
export type { MediaView } from "./bindings/MediaView";
export type { MemberView } from "./bindings/MemberView";
export type { MessageSid } from "./bindings/MessageSid";
export type { MessageView } from "./bindings/MessageView";
export type { MessageState } from "./bindings/MessageState";
export type { NotifyPolicy } from "./bindings/NotifyPolicy";
export type { ReactionView } from "./bindings/ReactionView";
export type { ReplyView } from "./bindings/ReplyView";
export type { ThreadView } from "./bindings/ThreadView";
export type { ChannelStatus } from "./bindings/ChannelStatus";
export type { SearchHit } from "./bindings/SearchHit";
export type { SessionView } from "./bindings/SessionView";
export type { UiError } from "./bindings/UiError";
export type { LanguageOption } from "./bindings/LanguageOption";
export type { LanguageView } from "./bindings/LanguageView";
