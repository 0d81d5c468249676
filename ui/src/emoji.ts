// Emoji for reactions: the data of the picker (emojibase-data's compact
// sets), the search over it, and the recently used ones. The data is big
// (half a megabyte a language), so it is read with a dynamic import() the
// first time the picker opens: a chunk of its own, never in the window's
// first load. It is searched in English and, for a window in Traditional
// Chinese, in Chinese too ("笑" finds 😂).
import { t } from "./i18n";

/** One emoji as the picker shows and searches it. */
export interface Emoji {
  /** The character(s), as a reaction sends them (see `canonical`). */
  emoji: string;
  /** Its name in the window's language. */
  label: string;
  /** emojibase's group (0 smileys … 9 flags) and order. */
  group: number;
  order: number;
  /** Its names and keywords, lower case, in the window's language and English. */
  names: string[];
  tags: string[];
}

/** What emojibase-data's compact.json holds for one emoji. */
interface Compact {
  unicode: string;
  label: string;
  hexcode: string;
  group?: number;
  order?: number;
  tags?: string[];
}
type Data = { default: Compact[] };

/** The data sets besides English, by window language. */
const LOCAL: Record<string, () => Promise<Data>> = {
  "zh-TW": () => import("emojibase-data/zh-hant/compact.json") as Promise<Data>,
};
const ENGLISH = () => import("emojibase-data/en/compact.json") as Promise<Data>;
/** Which emoji came with which Emoji version (hexcodes by version). */
const VERSIONS = () => import("emojibase-data/versions/emoji.json") as Promise<{ default: Record<string, string[]> }>;

/** The newest Emoji version offered. Newer emoji are left out of the
 *  picker: the emoji fonts the window meets lack them (Debian 12's Noto
 *  Color Emoji has Emoji 15.0), and a reaction should never be a box. */
export const MAX_VERSION = 15;

/** The groups the picker shows, in order (2, "component", is skin tones and
 *  hair styles: parts, not emoji to react with). */
export const GROUPS = [0, 1, 3, 4, 5, 6, 7, 8, 9];

/** A group's name in the window's language. */
export function groupName(group: number): string {
  switch (group) {
    case 0: return t("emoji-group-smileys");
    case 1: return t("emoji-group-people");
    case 3: return t("emoji-group-nature");
    case 4: return t("emoji-group-food");
    case 5: return t("emoji-group-travel");
    case 6: return t("emoji-group-activities");
    case 7: return t("emoji-group-objects");
    case 8: return t("emoji-group-symbols");
    default: return t("emoji-group-flags");
  }
}

/**
 * The one spelling of an emoji that reactions use, so that the same emoji
 * from the picker, the quick reactions and another client count together:
 * without the variation selector U+FE0F after a character that is an emoji
 * by default (emojibase writes 👍 as "👍\uFE0F"); kept where it makes a
 * text character an emoji (❤️, ☺️).
 */
export function canonical(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, "$1");
}

const loaded = new Map<string, Promise<Emoji[]>>();

/** Every emoji the picker offers, named in `language` (the window's). */
export function loadEmoji(language: string): Promise<Emoji[]> {
  const key = LOCAL[language] ? language : "en";
  let p = loaded.get(key);
  if (!p) {
    p = Promise.all([ENGLISH(), LOCAL[key]?.() ?? null, VERSIONS()]).then(([en, local, versions]) =>
      build(en.default, local?.default ?? null, newerThan(versions.default, MAX_VERSION)),
    );
    // A failed read (a missing chunk) is tried again at the next open.
    p.catch(() => loaded.delete(key));
    loaded.set(key, p);
  }
  return p;
}

/** The hexcodes of the emoji newer than version `max`. */
export function newerThan(versions: Record<string, string[]>, max: number): Set<string> {
  return new Set(Object.entries(versions).flatMap(([v, hexcodes]) => (Number(v) > max ? hexcodes : [])));
}

/** The picker's list from the English set and the window language's,
 *  without the emoji of `left` (hexcodes). */
export function build(english: Compact[], local: Compact[] | null, left: Set<string> = new Set()): Emoji[] {
  const byHex = new Map((local ?? []).map((e) => [e.hexcode, e]));
  const out: Emoji[] = [];
  for (const e of english) {
    if (e.group === undefined || !GROUPS.includes(e.group) || left.has(e.hexcode)) continue;
    const l = byHex.get(e.hexcode);
    const lower = (s: string) => s.toLocaleLowerCase();
    out.push({
      emoji: canonical(e.unicode),
      label: l?.label ?? e.label,
      group: e.group,
      order: e.order ?? 0,
      names: [...new Set([l?.label, e.label].filter((s): s is string => !!s).map(lower))],
      tags: [...new Set([...(l?.tags ?? []), ...(e.tags ?? [])].map(lower))],
    });
  }
  return out.sort((a, b) => a.order - b.order);
}

/** How well `e` matches one word of a search: lower is better, null is no match. */
function score(e: Emoji, word: string): number | null {
  let best: number | null = null;
  const take = (s: number) => (best = best === null ? s : Math.min(best, s));
  for (const n of e.names) {
    if (n === word) take(0);
    else if (n.startsWith(word)) take(1);
    else if (n.split(/[\s:-]+/).some((w) => w.startsWith(word))) take(2);
    else if (n.includes(word)) take(4);
  }
  for (const tag of e.tags) {
    if (tag === word) take(2);
    else if (tag.startsWith(word)) take(3);
    else if (tag.includes(word)) take(5);
  }
  return best;
}

/** The emoji matching `query` (every word of it, in either language),
 *  best first: names before keywords, whole words before parts. */
export function searchEmoji(list: Emoji[], query: string, limit = 200): Emoji[] {
  const words = query.toLocaleLowerCase().trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits: { e: Emoji; s: number }[] = [];
  for (const e of list) {
    let s = 0;
    for (const w of words) {
      const one = score(e, w);
      if (one === null) {
        s = -1;
        break;
      }
      s += one;
    }
    if (s >= 0) hits.push({ e, s });
  }
  hits.sort((a, b) => a.s - b.s || a.e.order - b.e.order);
  return hits.slice(0, limit).map((h) => h.e);
}

export const RECENT_KEY = "parley-recent-emoji";
export const MAX_RECENT = 24;

/** The emoji the user reacted with lately, most recent first. */
export function recentEmoji(): string[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    if (!Array.isArray(list)) return [];
    return list.filter((e): e is string => typeof e === "string" && e.length > 0 && e.length <= 64).slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

/** Puts `emoji` first among the recently used. */
export function rememberEmoji(emoji: string): void {
  const list = [emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, MAX_RECENT);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // No storage (private mode, full): the picker just has no recents.
  }
}
