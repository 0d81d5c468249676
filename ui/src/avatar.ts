// Avatars: the round mark beside a person's name (the timeline's first row
// of a group, a thread's rows, the members panel, the direct conversations
// in the sidebar). This owns how initials are made from a name, which colour
// an identity gets, and the element; the colours themselves are style.css's
// (--avatar-0 … --avatar-9, under "Avatars"). The name is always written
// next to an avatar, so it is hidden from screen readers and adds nothing to
// say. A picture (a URL) can stand in for the initials; no caller has one yet.
import { h } from "./dom";

/** How many colours style.css defines (--avatar-0 … --avatar-9). */
export const COLOURS = 10;

/** What an avatar shows when no name gives a letter. */
export const PLACEHOLDER = "?";

/** Characters between the words of an identity ("bob.lee", "ann_marie-x"). */
const IDENTITY_WORDS = /[._\-\s]+/u;

/** Names in these scripts take one character: "王小明" → "王". Their words
 *  are not space-separated, and one character is what people expect. */
const ONE_CHARACTER = /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** A grapheme that can be an initial with another: a letter or digit. */
const LETTER = /^[\p{L}\p{N}]/u;

/** Leading punctuation of a word ("(Bob)", "@alice"), not an initial. */
const PUNCTUATION = /^\p{P}+/u;

const segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** The first grapheme of `text`: "é" with its accent, a flag or a family
 *  emoji whole; without Intl.Segmenter the first code point (a surrogate
 *  pair stays whole). */
function firstGrapheme(text: string): string | undefined {
  if (segmenter) for (const g of segmenter.segment(text)) return g.segment;
  return text ? String.fromCodePoint(text.codePointAt(0) as number) : undefined;
}

/** The first grapheme of each of the first two words of `text`. */
function firsts(text: string, words: RegExp): string[] {
  const out: string[] = [];
  for (const word of text.split(words)) {
    const first = firstGrapheme(word.replace(PUNCTUATION, ""));
    if (first) out.push(first);
    if (out.length === 2) break;
  }
  return out;
}

/** The initials of a person: from the friendly name when it gives any
 *  ("Alice Chen" → "AC"), else from the identity ("bob.lee" → "BL",
 *  "alice" → "A"). A Han, Hangul or Kana name, an emoji or a symbol gives
 *  its first character alone; "?" when nothing gives one. */
export function initials(identity: string, friendlyName: string | null): string {
  let marks = firsts(friendlyName?.trim() ?? "", /\s+/u);
  if (marks.length === 0) marks = firsts(identity.trim(), IDENTITY_WORDS);
  const [first, second] = marks;
  if (!first) return PLACEHOLDER;
  const pair = second !== undefined && LETTER.test(first) && LETTER.test(second) && !ONE_CHARACTER.test(first) && !ONE_CHARACTER.test(second);
  return (pair ? first + second : first).toUpperCase();
}

/** Which of the COLOURS `identity` gets: FNV-1a over its UTF-16 code
 *  units, so the same person has the same colour everywhere, every run. */
export function colourOf(identity: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) hash = Math.imul(hash ^ identity.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % COLOURS;
}

/** The avatar of `identity`: its initials (see `initials`) on its colour
 *  (`data-colour`; "none" for the placeholder), or `picture` (a URL the
 *  page's CSP allows) drawn over that colour, the initials coming back if
 *  it fails to load. Large beside messages, small in lists. */
export function avatar(identity: string, friendlyName: string | null, size: "small" | "large" = "large", picture?: string | null): HTMLElement {
  const text = initials(identity, friendlyName);
  const el = h("span", {
    class: `avatar avatar-${size}`,
    data: { identity, colour: text === PLACEHOLDER ? "none" : String(colourOf(identity)) },
    attrs: { "aria-hidden": "true" },
  });
  if (picture) {
    const img = h("img", { attrs: { alt: "", src: picture, loading: "lazy", decoding: "async", draggable: "false" } });
    img.addEventListener("error", () => img.replaceWith(text), { once: true });
    el.append(img);
  } else {
    el.textContent = text;
  }
  return el;
}
