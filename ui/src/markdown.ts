// A message body as the timeline shows it: a small Markdown subset, drawn
// from the syntax tree of a real CommonMark parser (micromark, through
// mdast-util-from-markdown) with GFM strikethrough and bare links. Every
// node is built with dom.ts's h() or a text node, so nothing of a message
// is ever parsed as HTML: raw HTML in a message is its literal text.
//
// What is drawn: paragraphs (a single newline is a line break, as in other
// chat apps), **bold**, *italic* and _italic_, ~~strike~~, `code`, fenced
// and indented code blocks (with a Copy button), > quotes, lists, links and
// bare web and mail addresses. Headings are bold paragraphs; an image is a
// link to it, never a picture; `---` and anything else stays its text. The
// `@name`s a message mentions (its attributes say which: mentions.ts) are
// marked in its text, never in code or in a link's text.
// Links are only web and mail addresses (http:, https:, mailto:); any
// other is its text alone.
//
// Deviations from CommonMark, for chat: character references (`&amp;`) are
// text as typed; setext headings and link reference definitions are off;
// one tilde is no strikethrough; and a `*` or `~` pair touching a letter or
// digit outside it (`2*3*4`) is text, as `_` already is, except next to
// Chinese, Japanese or Korean characters, which have no spaces to stand
// between words.
//
// micromark is slow on some inputs: pairing thousands of delimiters, or deep
// nesting on many lines, takes seconds to a minute for a message of 32 KiB
// (the most one may have), or overflows the stack. A message with more than
// LIMITS of a kind is drawn with that construct off (its marks as text), and
// one of LIMITS.lines lines or more is not parsed at all: no 32 KiB message
// found takes more than about a tenth of a second (most take a tenth of a
// millisecond). The drawing is depth-limited too.
import { fromMarkdown, type Options } from "mdast-util-from-markdown";
import { toString } from "mdast-util-to-string";
import { gfmAutolinkLiteralFromMarkdown } from "mdast-util-gfm-autolink-literal";
import { gfmStrikethroughFromMarkdown } from "mdast-util-gfm-strikethrough";
import { gfmAutolinkLiteral } from "micromark-extension-gfm-autolink-literal";
import { gfmStrikethrough } from "micromark-extension-gfm-strikethrough";
import type { Nodes, Parents, Root } from "mdast";
import { h } from "./dom";
import { t } from "./i18n";
import { type MentionMarks, mentionParts } from "./mentions";

export interface BodyHost {
  /** Opens a link the user clicked (web and mail addresses only). */
  open(href: string): void;
}

/** How many of each a message may have before that construct is turned off. */
export const LIMITS = {
  /** Lines: as many or more, and the message is plain text. */
  lines: 1000,
  /** `*` and `_`: more, and no emphasis. */
  emphasis: 200,
  /** `~`: more, and no strikethrough. */
  tildes: 200,
  /** `[`: more, and no `[links]()` or images. */
  brackets: 50,
  /** Backticks: more, and no code spans (code blocks stay). */
  backticks: 200,
  /** Backslashes: more, and no escapes. */
  backslashes: 200,
  /** `<`: more, and no `<https://…>` links. */
  angles: 200,
  /** Bare addresses (`://`, `www.`, `@`): more, and none is a link. */
  addresses: 200,
  /** Nesting, summed over the lines outside code fences (the quote and list
   *  markers a line opens with, or the ones it continues, and each two
   *  columns of indentation): more, and no quotes or lists. */
  nesting: 250,
  /** Quote and list markers opening one line: more, and no quotes or lists. */
  lineNesting: 6,
};

/** Block nodes nested deeper than this are drawn as their text. */
const MAX_DEPTH = 24;

/** Always off: raw HTML, `&name;`, `[x]: url` definitions, setext headings. */
export const OFF = ["htmlFlow", "htmlText", "characterReference", "definition", "setextUnderline"];

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/** Quote and list markers at the start of a line. */
const MARKERS = /^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+/;
const FENCE = /^[ \t]{0,3}(`{3,}|~{3,})/;

/** How deep `text`'s quotes and lists go: summed over its lines, and the
 *  most markers one line opens with. */
function nesting(text: string): { sum: number; deepest: number } {
  let sum = 0;
  let deepest = 0;
  let open = 0;
  let fence: string | null = null;
  for (const line of text.split("\n")) {
    const f = FENCE.exec(line)?.[1];
    if (fence !== null) {
      if (f && f[0] === fence[0] && f.length >= fence.length) fence = null;
      continue;
    }
    if (f) {
      fence = f;
      continue;
    }
    if (!line.trim()) {
      open = 0;
      continue;
    }
    const indent = (/^[ \t]*/.exec(line)?.[0] ?? "").replace(/\t/g, "    ").length >> 1;
    const markers = count(MARKERS.exec(line)?.[0] ?? "", /[>+*-]|\d+[.)]/g);
    // A line without markers of its own continues the ones still open.
    open = markers > 0 ? markers + indent : Math.max(indent, open);
    sum += open;
    deepest = Math.max(deepest, markers);
  }
  return { sum, deepest };
}

/** The parser's options for `text`: constructs it has too many of, off. */
export function optionsFor(text: string): Options {
  const off = [...OFF];
  if (count(text, /[*_]/g) > LIMITS.emphasis) off.push("attention");
  if (count(text, /~/g) > LIMITS.tildes) off.push("strikethrough");
  if (count(text, /\[/g) > LIMITS.brackets) off.push("labelStartLink", "labelStartImage");
  if (count(text, /`/g) > LIMITS.backticks) off.push("codeText");
  if (count(text, /\\/g) > LIMITS.backslashes) off.push("characterEscape", "hardBreakEscape");
  if (count(text, /</g) > LIMITS.angles) off.push("autolink");
  const deep = nesting(text);
  if (deep.sum > LIMITS.nesting || deep.deepest > LIMITS.lineNesting) off.push("blockQuote", "list");
  const links = count(text, /:\/\/|www\.|@/gi) <= LIMITS.addresses;
  return {
    extensions: [gfmStrikethrough({ singleTilde: false }), ...(links ? [gfmAutolinkLiteral()] : []), { disable: { null: off } }],
    mdastExtensions: [gfmStrikethroughFromMarkdown(), ...(links ? [gfmAutolinkLiteralFromMarkdown()] : [])],
  };
}

/** Recent trees by text: a row drawn again (a receipt moved, the channel
 *  opened again) does not parse again. */
const trees = new Map<string, Root | null>();
const CACHED = 300;
const CACHED_LENGTH = 4096;

/** `text`'s syntax tree, or null when it is to be shown as plain text. */
/** What `text` says without its formatting, on one line: for a preview
 *  (the sidebar's last message, a reply's quote), where `**plan**` should
 *  read "plan". Blocks are joined by spaces; link text stays, addresses go. */
export function plainText(text: string): string {
  const tree = parse(text);
  if (!tree) return text;
  const containers = new Set(["root", "blockquote", "list", "listItem"]);
  const words = (n: Nodes): string =>
    containers.has(n.type) && "children" in n ? n.children.map(words).join(" ") : toString(n, { includeImageAlt: true });
  return words(tree).replace(/\s+/g, " ").trim();
}

export function parse(text: string): Root | null {
  const hit = trees.get(text);
  if (hit !== undefined) {
    trees.delete(text);
    trees.set(text, hit);
    return hit;
  }
  let tree: Root | null = null;
  if (count(text, /\n/g) < LIMITS.lines) {
    try {
      tree = fromMarkdown(text, optionsFor(text));
    } catch {
      tree = null; // Plain text beats no message.
    }
  }
  if (text.length <= CACHED_LENGTH) {
    trees.set(text, tree);
    if (trees.size > CACHED) trees.delete(trees.keys().next().value as string);
  }
  return tree;
}

/** How a link must start (as the shell's open_link checks too); any other
 *  link is its text. */
const SCHEMES = /^(?:https?:\/\/|mailto:)/i;

/** `url` if it is a web or mail address the window may open, else null. */
export function safeHref(url: string): string | null {
  if (!SCHEMES.test(url)) return null;
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? url : null;
  } catch {
    return null;
  }
}

/** Text with its line breaks (\n, \r\n or \r) as <br>. */
function lines(text: string): Node[] {
  const out: Node[] = [];
  text.split(/\r\n?|\n/).forEach((line, i) => {
    if (i > 0) out.push(h("br"));
    if (line) out.push(document.createTextNode(line));
  });
  return out;
}

/** Letters and digits that a `*` or `~` pair may not touch from outside. */
const WORD = /[\p{L}\p{N}]/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const isWord = (c: string | undefined) => c !== undefined && WORD.test(c) && !CJK.test(c);

class Drawer {
  constructor(
    private source: string,
    private host: BodyHost,
    /** The mentions to mark in text (not in code, not in links). */
    private marks: MentionMarks | null = null,
  ) {}

  /** Text, its mentions marked (each a span of its own text). */
  private text(value: string): Node[] {
    if (!this.marks || !value.includes("@")) return lines(value);
    return mentionParts(value, this.marks).flatMap((p) =>
      p.mention ? [h("span", { class: p.mention === "me" ? "mention mention-me" : "mention" }, p.text)] : lines(p.text),
    );
  }

  /** What `node` was written as. */
  private literal(node: Nodes): string {
    const { start, end } = node.position ?? {};
    if (start?.offset !== undefined && end?.offset !== undefined) return this.source.slice(start.offset, end.offset);
    return plain(node);
  }

  private children(node: Parents, depth: number): Node[] {
    return node.children.flatMap((c) => this.node(c, depth + 1));
  }

  private link(url: string, text: Node[], fallback: string): Node[] {
    const href = safeHref(url);
    if (text.length === 0) text = [document.createTextNode(fallback)];
    if (!href) return text;
    return [
      h("a", {
        attrs: { href, rel: "noopener noreferrer" },
        title: href,
        on: {
          click: (ev) => {
            ev.preventDefault();
            this.host.open(href);
          },
        },
      }, ...text),
    ];
  }

  /** Emphasis, strong or strikethrough: its marks as text when they touch
   *  a word from outside (`2*3*4`, `a~~b~~c`). */
  private span(node: Nodes & Parents, tag: "em" | "strong" | "del", marks: number, depth: number): Node[] {
    const inner = this.children(node, depth);
    const { start, end } = node.position ?? {};
    if (start?.offset !== undefined && end?.offset !== undefined) {
      const before = Array.from(this.source.slice(Math.max(0, start.offset - 2), start.offset)).at(-1);
      const after = String.fromCodePoint(this.source.codePointAt(end.offset) ?? 32);
      if (isWord(before) || isWord(after)) {
        const open = this.source.slice(start.offset, start.offset + marks);
        const close = this.source.slice(end.offset - marks, end.offset);
        return [document.createTextNode(open), ...inner, document.createTextNode(close)];
      }
    }
    return [h(tag, {}, ...inner)];
  }

  node(node: Nodes, depth: number): Node[] {
    if (depth > MAX_DEPTH && "children" in node) return lines(this.literal(node));
    switch (node.type) {
      case "root":
        return this.children(node, depth);
      case "paragraph":
        return [h("p", {}, ...this.children(node, depth))];
      case "heading":
        return [h("p", {}, h("strong", {}, ...this.children(node, depth)))];
      case "blockquote":
        return [h("blockquote", {}, ...this.children(node, depth))];
      case "list": {
        const ordered = node.ordered === true;
        const start = ordered && typeof node.start === "number" && node.start !== 1 ? { start: String(node.start) } : undefined;
        const items = node.children.map((item) => {
          // A tight list's paragraphs are its items' text, without margins.
          const tight = !node.spread && !item.spread;
          const content = item.children.flatMap((c) =>
            tight && c.type === "paragraph" ? this.children(c, depth + 1) : this.node(c, depth + 2),
          );
          return h("li", {}, ...content);
        });
        return [h(ordered ? "ol" : "ul", { attrs: start }, ...items)];
      }
      case "code":
        // An empty block (a lone "```") is what was typed.
        return [node.value ? codeBlock(node.value) : h("p", {}, ...lines(this.literal(node)))];
      case "thematicBreak":
        return [h("p", {}, ...lines(this.literal(node)))];
      case "text":
        return this.text(node.value);
      case "break":
        return [h("br")];
      case "emphasis":
        return this.span(node, "em", 1, depth);
      case "strong":
        return this.span(node, "strong", 2, depth);
      case "delete":
        return this.span(node, "del", 2, depth);
      case "inlineCode":
        return [h("code", {}, node.value)];
      case "link": {
        let url = node.url;
        // A bare `www.` address: the parser says http, the web says https.
        const first = node.children[0];
        if (/^http:\/\/www\./i.test(url) && first?.type === "text" && /^www\./i.test(first.value)) url = `https://${url.slice(7)}`;
        // A link's text is the link's: no mention inside it.
        const marks = this.marks;
        this.marks = null;
        const text = this.children(node, depth);
        this.marks = marks;
        return this.link(url, text, url);
      }
      case "image":
        return this.link(node.url, node.alt ? [document.createTextNode(node.alt)] : [], node.url);
      default:
        // Anything else this subset does not draw: as written.
        return lines(this.literal(node));
    }
  }
}

/** The text of a node and its descendants. */
function plain(node: Nodes): string {
  if ("value" in node) return node.value;
  if ("children" in node) return node.children.map(plain).join("");
  return "";
}

/** A code block: the code as it is, scrolling sideways, and a Copy button. */
function codeBlock(value: string): HTMLElement {
  const code = h("code", {}, value);
  const copy = h("button", { class: "copy", title: t("format-copy.title"), attrs: { type: "button" } }, t("format-copy"));
  let timer: number | undefined;
  copy.addEventListener("click", () => {
    void copyText(value, code).then((ok) => {
      if (!ok) return;
      copy.textContent = t("format-copied");
      window.clearTimeout(timer);
      timer = window.setTimeout(() => (copy.textContent = t("format-copy")), 1500);
    });
  });
  return h("div", { class: "code-block" }, h("pre", { attrs: { tabindex: "0" } }, code), copy);
}

/** Copies `text` to the clipboard. Without the clipboard API (or when it
 *  refuses), the code is selected and copied the old way; if even that
 *  fails it stays selected, for the user's own Ctrl+C. */
export async function copyText(text: string, shown: Node): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the selection.
  }
  const selection = window.getSelection();
  if (!selection) return false;
  const range = document.createRange();
  range.selectNodeContents(shown);
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

/** Where text that follows a drawn body goes ("(edited)"): the end of its
 *  last paragraph or list item, else after its last block. */
export function endOf(body: Element): Element {
  let at = body.lastElementChild;
  while (at && ["UL", "OL", "BLOCKQUOTE"].includes(at.tagName)) at = at.lastElementChild;
  // A list item ends with its own text, not with a list inside it.
  if (at?.tagName === "LI" && at.lastElementChild && ["UL", "OL"].includes(at.lastElementChild.tagName)) return endOf(at);
  if (at?.tagName === "LI" && at.lastElementChild?.tagName === "P") at = at.lastElementChild;
  return at && (at.tagName === "P" || at.tagName === "LI") ? at : body;
}

/** A message body, drawn: the tree of its Markdown, or its plain text;
 *  the mentions of `marks` (mentions.ts) marked in its text. */
export function renderBody(text: string, host: BodyHost, marks: MentionMarks | null = null): DocumentFragment {
  const out = document.createDocumentFragment();
  const tree = parse(text);
  const drawer = new Drawer(text, host, marks);
  if (tree) out.append(...drawer.node(tree, 0));
  else out.append(h("p", {}, ...drawer.node({ type: "text", value: text }, 0)));
  return out;
}
