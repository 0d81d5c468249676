// Formatting while writing: the composer's toolbar (#format-bar, one button
// per `data-format`) and the shortcuts Ctrl/Cmd+B, I, E and Shift+X in the
// composer and the edit box. Each writes the Markdown that markdown.ts
// draws. The change to the text is a pure function (`applyFormat`: text and
// selection in, one replacement and the new selection out); `format` makes
// it in a textarea as typing would, so Ctrl+Z takes it back.
import { unlessComposing } from "./ime";

export type Format = "bold" | "italic" | "strike" | "code" | "codeblock" | "quote" | "list" | "link";

export const FORMATS: readonly Format[] = ["bold", "italic", "strike", "code", "codeblock", "quote", "list", "link"];

/** One change to a text: `insert` replaces [from, to); afterwards
 *  [start, end) is selected (offsets in the new text). */
export interface Change {
  from: number;
  to: number;
  insert: string;
  start: number;
  end: number;
}

/** The text `change` makes of `value`. */
export function applyChange(value: string, c: Change): string {
  return value.slice(0, c.from) + c.insert + value.slice(c.to);
}

/** How many `ch` in a row `value` has from `at` on (dir 1) or before it (dir -1). */
function run(value: string, at: number, dir: 1 | -1, ch: string, limit = value.length): number {
  let n = 0;
  for (let i = dir === 1 ? at : at - 1; i >= 0 && i < value.length && n < limit && value[i] === ch; i += dir) n++;
  return n;
}

/** Whether runs of `a` and `b` marks around a text are `f`'s marks: `*`
 *  italic is an odd run (1, or 3 with bold), bold and strike two or more. */
function marked(f: "bold" | "italic" | "strike" | "code", a: number, b: number): boolean {
  if (f === "italic") return a % 2 === 1 && b % 2 === 1;
  if (f === "code") return a === 1 && b === 1;
  return a >= 2 && b >= 2;
}

const MARK = { bold: "**", italic: "*", strike: "~~", code: "`" } as const;

/** Wraps [start, end) in an inline format's marks, or takes them off if it
 *  already has them (just outside or just inside the selection). */
function inline(value: string, start: number, end: number, f: keyof typeof MARK): Change {
  const mark = MARK[f];
  const ch = mark[0];
  const size = mark.length;
  // Marks just outside the selection: "**|bold|**".
  if (marked(f, run(value, start, -1, ch), run(value, end, 1, ch))) {
    return { from: start - size, to: end + size, insert: value.slice(start, end), start: start - size, end: end - size };
  }
  // Marks just inside it: "|**bold**|".
  const selected = value.slice(start, end);
  const head = run(selected, 0, 1, ch);
  if (head < selected.length) {
    const tail = run(selected, selected.length, -1, ch);
    if (marked(f, head, tail) && selected.length >= 2 * size) {
      const inner = selected.slice(size, selected.length - size);
      return { from: start, to: end, insert: inner, start, end: start + inner.length };
    }
  }
  let open: string = mark;
  let close: string = mark;
  if (f === "code") {
    // Code with backticks in it needs a longer run around it, and a space
    // where it starts or ends with one.
    const longest = Math.max(0, ...(selected.match(/`+/g) ?? []).map((r) => r.length));
    open = close = "`".repeat(longest + 1);
    if (selected.startsWith("`")) open += " ";
    if (selected.endsWith("`")) close = " " + close;
  }
  return { from: start, to: end, insert: open + selected + close, start: start + open.length, end: end + open.length };
}

/** The start of the line `at` is on, and the end of the line `to` is on. */
function lineSpan(value: string, at: number, to: number): [number, number] {
  const from = at === 0 ? 0 : value.lastIndexOf("\n", at - 1) + 1;
  // A selection ending just after a newline ends on the line before it.
  const last = to > at && value[to - 1] === "\n" ? to - 1 : to;
  const end = value.indexOf("\n", last);
  return [from, end === -1 ? value.length : end];
}

const PREFIX = { quote: { add: "> ", has: /^>[ \t]?/ }, list: { add: "- ", has: /^[-*+][ \t]/ } } as const;

/** Puts `> ` or `- ` before each selected line, or takes it off if every
 *  one has it. The lines are selected afterwards. */
function prefix(value: string, start: number, end: number, f: keyof typeof PREFIX): Change {
  const [from, to] = lineSpan(value, start, end);
  const lines = value.slice(from, to).split("\n");
  const { add, has } = PREFIX[f];
  const all = lines.every((l) => has.test(l));
  const insert = lines.map((l) => (all ? l.replace(has, "") : add + l)).join("\n");
  if (start === end && lines.length === 1) {
    // A caret stays where it was in the line's text.
    const caret = Math.max(from, start + insert.length - lines[0].length);
    return { from, to, insert, start: caret, end: caret };
  }
  return { from, to, insert, start: from, end: from + insert.length };
}

/** A fenced code block around the selected text, on lines of its own; or,
 *  right inside fences, the fences taken off. */
function codeBlock(value: string, start: number, end: number): Change {
  // Whole lines selected, with the newline after the last: not that newline.
  if (end > start && value[end - 1] === "\n") end--;
  const before = value.slice(0, start);
  const after = value.slice(end);
  const opening = /(?:^|\n)(`{3,})\n$/.exec(before);
  const closing = opening && new RegExp(`^\\n${opening[1]}(?:\\n|$)`).exec(after);
  if (opening && closing) {
    const from = start - opening[1].length - 1;
    const to = end + opening[1].length + 1;
    return { from, to, insert: value.slice(start, end), start: from, end: from + (end - start) };
  }
  const selected = value.slice(start, end);
  const longest = Math.max(2, ...(selected.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const lead = start > 0 && value[start - 1] !== "\n" ? "\n" : "";
  const trail = end < value.length && value[end] !== "\n" ? "\n" : "";
  const open = `${lead}${fence}\n`;
  const insert = `${open}${selected}\n${fence}${trail}`;
  return { from: start, to: end, insert, start: start + open.length, end: start + open.length + selected.length };
}

const URL_LIKE = /^(?:https?:\/\/|mailto:)\S+$/i;

/** `[text](url)`: a selected address becomes the link's address and the
 *  caret goes where its text is typed; other selected text becomes the
 *  text, and the address placeholder is selected, to paste over. */
function link(value: string, start: number, end: number): Change {
  const selected = value.slice(start, end);
  if (URL_LIKE.test(selected)) {
    return { from: start, to: end, insert: `[](${selected})`, start: start + 1, end: start + 1 };
  }
  const insert = `[${selected}](https://)`;
  if (!selected) return { from: start, to: end, insert, start: start + 1, end: start + 1 };
  const url = start + selected.length + 3;
  return { from: start, to: end, insert, start: url, end: url + "https://".length };
}

/** The change format `f` makes to `value` with [start, end) selected. */
export function applyFormat(value: string, start: number, end: number, f: Format): Change {
  if (start > end) [start, end] = [end, start];
  switch (f) {
    case "bold":
    case "italic":
    case "strike":
    case "code":
      return inline(value, start, end, f);
    case "quote":
    case "list":
      return prefix(value, start, end, f);
    case "codeblock":
      return codeBlock(value, start, end);
    case "link":
      return link(value, start, end);
  }
}

/** The format a key press asks for: Ctrl/Cmd+B, I, E, Shift+X. */
export function formatKey(ev: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): Format | null {
  if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return null;
  // The letter on the key, in any keyboard layout.
  const letter = /^[a-z]$/i.test(ev.key) ? ev.key.toLowerCase() : /^Key[A-Z]$/.test(ev.code) ? ev.code.slice(3).toLowerCase() : "";
  if (ev.shiftKey) return letter === "x" ? "strike" : null;
  return letter === "b" ? "bold" : letter === "i" ? "italic" : letter === "e" ? "code" : null;
}

/** Makes `change` in `box` as typing would (so it can be undone): the
 *  browser's insertText where it has one, else setRangeText and an input
 *  event. */
export function edit(box: HTMLTextAreaElement, change: Change): void {
  const want = applyChange(box.value, change);
  box.focus();
  box.setSelectionRange(change.from, change.to);
  let done = false;
  try {
    const typed =
      change.insert !== "" ? document.execCommand("insertText", false, change.insert)
      : change.from < change.to ? document.execCommand("delete")
      : true;
    done = typed && box.value === want;
  } catch {
    done = false;
  }
  if (!done) {
    if (box.value !== want) {
      box.setRangeText(change.insert, change.from, change.to, "end");
      if (box.value !== want) box.value = want;
    }
    box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: change.insert }));
  }
  box.setSelectionRange(change.start, change.end);
}

/** Applies `f` to `box`'s selection. */
export function format(box: HTMLTextAreaElement, f: Format): void {
  edit(box, applyFormat(box.value, box.selectionStart, box.selectionEnd, f));
}

/** The shortcuts, in `box`; never for a key that is part of an IME composition. */
export function formatShortcuts(box: HTMLTextAreaElement): void {
  box.addEventListener("keydown", unlessComposing((ev: KeyboardEvent) => {
    const f = formatKey(ev);
    if (!f) return;
    ev.preventDefault();
    format(box, f);
  }));
}

/** The toolbar's buttons format `box`; pressing one keeps the focus and
 *  the selection in the box. */
export function formatBar(bar: HTMLElement, box: HTMLTextAreaElement): void {
  for (const button of bar.querySelectorAll<HTMLButtonElement>("button[data-format]")) {
    const f = button.dataset.format as Format;
    if (!FORMATS.includes(f)) continue;
    button.addEventListener("mousedown", (ev) => ev.preventDefault());
    button.addEventListener("click", () => format(box, f));
  }
  formatShortcuts(box);
}
