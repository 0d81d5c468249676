// Where text from outside the typed world (a value read back from
// localStorage, a plain-string event from the shell) becomes a SID. Values
// from the generated bindings are typed already; only this checks.
import type { ChannelSid } from "./types";

/** The shape parley-protocol's `SidKind::matches` accepts: prefix and 32 hex digits. */
const CHANNEL = /^CH[0-9a-fA-F]{32}$/;

function isChannelSid(s: string | null | undefined): s is ChannelSid {
  return typeof s === "string" && CHANNEL.test(s);
}

/** `s` as a channel SID if it has the shape of one, else null. */
export function asChannelSid(s: string | null | undefined): ChannelSid | null {
  return isChannelSid(s) ? s : null;
}
