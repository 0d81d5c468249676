// Mentions in a drawn message: which `@word`s of its text name someone.
// The sender's client wrote them in the message's attributes
// (`parley.mentions`, `parley.mention_channel`: docs/attributes.md), so
// only those are marked — an `@word` naming nobody in the channel stays
// text. markdown.ts marks them in the text it draws (never in code).
// The rule for an `@word` is the client's (crates/client conversation.rs):
// `@` at the start of a word, then letters, digits, `_`, `-` and `.`, a
// final `.` not included.

/** Who a message mentions, and who the user is (all lower case). */
export interface MentionMarks {
  names: Set<string>;
  /** `@channel` and `@here` call everyone (the sender may). */
  everyone: boolean;
  me: string;
}

export const EVERYONE = ["channel", "here"];

/** The marks in a message's `attributes` (JSON text), or null when it has
 *  none (or they are not what Parley writes). */
export function mentionMarks(attributes: string, me: string): MentionMarks | null {
  let parley: unknown;
  try {
    parley = (JSON.parse(attributes) as { parley?: unknown } | null)?.parley;
  } catch {
    return null;
  }
  if (!parley || typeof parley !== "object") return null;
  const { mentions, mention_channel } = parley as { mentions?: unknown; mention_channel?: unknown };
  const names = new Set(Array.isArray(mentions) ? mentions.filter((n): n is string => typeof n === "string").map((n) => n.toLowerCase()) : []);
  const everyone = mention_channel === true;
  if (names.size === 0 && !everyone) return null;
  return { names, everyone, me: me.toLowerCase() };
}

/** A piece of text: plain, or a mention (`me` when it names the user). */
export type Part = { text: string; mention?: undefined } | { text: string; mention: "other" | "me" };

const AT_WORD = /(^|\s)@([\p{L}\p{N}_.-]+)/gu;

/** `text` cut into plain text and the mentions `marks` names. */
export function mentionParts(text: string, marks: MentionMarks): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(AT_WORD)) {
    const word = m[2].replace(/\.+$/, "");
    if (!word) continue;
    const name = word.toLowerCase();
    const everyone = EVERYONE.includes(name) && marks.everyone;
    if (!everyone && !marks.names.has(name)) continue;
    const at = (m.index ?? 0) + m[1].length;
    if (at > last) out.push({ text: text.slice(last, at) });
    out.push({ text: `@${word}`, mention: everyone || name === marks.me ? "me" : "other" });
    last = at + word.length + 1;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}
