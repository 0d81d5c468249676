import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { applyChange, applyFormat, format, formatBar, formatKey, formatShortcuts, type Format } from "./format";
import { installCompositionTracking } from "./ime";

/** `f` on a text written with the selection marked: `[` and `]` around it,
 *  or `|` for the caret. The result is written the same way. */
function on(marked: string, f: Format): string {
  const caret = marked.indexOf("|");
  const start = caret >= 0 ? caret : marked.indexOf("[");
  const value = caret >= 0 ? marked.replace("|", "") : marked.replace("[", "").replace("]", "");
  const end = caret >= 0 ? caret : marked.indexOf("]") - 1;
  const change = applyFormat(value, start, end, f);
  const text = applyChange(value, change);
  if (change.start === change.end) return text.slice(0, change.start) + "|" + text.slice(change.start);
  return text.slice(0, change.start) + "[" + text.slice(change.start, change.end) + "]" + text.slice(change.end);
}

describe("inline formats", () => {
  it("wrap the selection, which stays selected", () => {
    expect(on("make [this] bold", "bold")).toBe("make **[this]** bold");
    expect(on("make [this] italic", "italic")).toBe("make *[this]* italic");
    expect(on("make [this] go", "strike")).toBe("make ~~[this]~~ go");
    expect(on("run [ls -la]", "code")).toBe("run `[ls -la]`");
  });

  it("put the marks around the caret when nothing is selected", () => {
    expect(on("say |", "bold")).toBe("say **|**");
    expect(on("|", "italic")).toBe("*|*");
    expect(on("a|b", "code")).toBe("a`|`b");
  });

  it("take the marks off again, from outside or inside the selection", () => {
    expect(on("make **[this]** bold", "bold")).toBe("make [this] bold");
    expect(on("make [**this**] bold", "bold")).toBe("make [this] bold");
    expect(on("*[x]*", "italic")).toBe("[x]");
    expect(on("[*x*]", "italic")).toBe("[x]");
    expect(on("~~[x]~~", "strike")).toBe("[x]");
    expect(on("`[x]`", "code")).toBe("[x]");
    expect(on("say **|**", "bold")).toBe("say |");
  });

  it("tell bold from italic", () => {
    expect(on("**[x]**", "italic")).toBe("***[x]***");
    expect(on("***[x]***", "italic")).toBe("**[x]**");
    expect(on("***[x]***", "bold")).toBe("*[x]*");
    expect(on("*[x]*", "bold")).toBe("***[x]***");
  });

  it("fence code that has backticks with more of them", () => {
    expect(on("[a`b]", "code")).toBe("``[a`b]``");
    expect(on("[`a]", "code")).toBe("`` [`a]``");
  });

  it("accept a selection made backwards", () => {
    const change = applyFormat("abc", 2, 1, "bold");
    expect(applyChange("abc", change)).toBe("a**b**c");
  });
});

describe("block formats", () => {
  it("fence a code block on lines of its own", () => {
    expect(on("[let a = 1;]", "codeblock")).toBe("```\n[let a = 1;]\n```");
    expect(on("see [code] here", "codeblock")).toBe("see \n```\n[code]\n```\n here");
    expect(on("|", "codeblock")).toBe("```\n|\n```");
    expect(on("[a\nb\n]", "codeblock")).toBe("```\n[a\nb]\n```\n");
    expect(on("[has ``` in it]", "codeblock")).toBe("````\n[has ``` in it]\n````");
    expect(on("```\n[x]\n```", "codeblock")).toBe("[x]");
  });

  it("quote and list the selected lines, and take it off again", () => {
    expect(on("one\n[two\nthree]\nfour", "quote")).toBe("one\n[> two\n> three]\nfour");
    expect(on("[> two\n> three]", "quote")).toBe("[two\nthree]");
    expect(on("a[b\nc]d", "list")).toBe("[- ab\n- cd]");
    expect(on("[- a\n* b]", "list")).toBe("[a\nb]");
    expect(on("[- a\nb]", "list")).toBe("[- - a\n- b]");
    expect(on("hel|lo", "quote")).toBe("> hel|lo");
    expect(on("> hel|lo", "quote")).toBe("hel|lo");
    expect(on("|", "list")).toBe("- |");
    expect(on("x\n|", "quote")).toBe("x\n> |");
    expect(on("\n[a]", "list")).toBe("\n[- a]");
  });

  it("make links: the address to paste over selected, or the caret where the text goes", () => {
    expect(on("see [the docs]", "link")).toBe("see [the docs]([https://])");
    expect(on("[https://example.com]", "link")).toBe("[|](https://example.com)");
    expect(on("|", "link")).toBe("[|](https://)");
  });
});

describe("shortcuts", () => {
  const key = (init: KeyboardEventInit) => new KeyboardEvent("keydown", { bubbles: true, cancelable: true, ...init });

  it("are Ctrl or Cmd with B, I, E and Shift+X", () => {
    expect(formatKey(key({ key: "b", ctrlKey: true }))).toBe("bold");
    expect(formatKey(key({ key: "B", metaKey: true }))).toBe("bold");
    expect(formatKey(key({ key: "i", ctrlKey: true }))).toBe("italic");
    expect(formatKey(key({ key: "e", ctrlKey: true }))).toBe("code");
    expect(formatKey(key({ key: "X", ctrlKey: true, shiftKey: true }))).toBe("strike");
    // The key's place on other keyboard layouts.
    expect(formatKey(key({ key: "и", code: "KeyB", ctrlKey: true }))).toBe("bold");
    expect(formatKey(key({ key: "b" }))).toBeNull();
    expect(formatKey(key({ key: "b", ctrlKey: true, altKey: true }))).toBeNull();
    expect(formatKey(key({ key: "x", ctrlKey: true }))).toBeNull();
    expect(formatKey(key({ key: "b", ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(formatKey(key({ key: "k", ctrlKey: true }))).toBeNull();
  });

  describe("in a textarea", () => {
    beforeAll(() => installCompositionTracking(document));
    afterEach(() => {
      document.body.replaceChildren();
    });

    function box(value: string, start: number, end: number): HTMLTextAreaElement {
      const el = document.createElement("textarea");
      document.body.append(el);
      formatShortcuts(el);
      el.value = value;
      el.setSelectionRange(start, end);
      return el;
    }

    it("format the selection and say the text changed", () => {
      const el = box("make this bold", 5, 9);
      const input = vi.fn();
      el.addEventListener("input", input);
      const ev = key({ key: "b", ctrlKey: true });
      el.dispatchEvent(ev);
      expect(ev.defaultPrevented).toBe(true);
      expect(el.value).toBe("make **this** bold");
      expect([el.selectionStart, el.selectionEnd]).toEqual([7, 11]);
      expect(input).toHaveBeenCalledTimes(1);
      el.dispatchEvent(key({ key: "X", ctrlKey: true, shiftKey: true }));
      expect(el.value).toBe("make **~~this~~** bold");
    });

    it("do nothing for a key that is part of an IME composition", () => {
      const el = box("你好", 0, 2);
      for (const init of [{ isComposing: true }, { keyCode: 229 }, { key: "Process", code: "KeyB" }]) {
        const ev = key({ key: "b", code: "KeyB", ctrlKey: true, ...init });
        el.dispatchEvent(ev);
        expect(ev.defaultPrevented).toBe(false);
      }
      // The key that confirms a composition, right after its end.
      el.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true }));
      el.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true, data: "你好" }));
      el.dispatchEvent(key({ key: "b", ctrlKey: true }));
      expect(el.value).toBe("你好");
      // The next one is a shortcut again.
      el.dispatchEvent(key({ key: "b", ctrlKey: true }));
      expect(el.value).toBe("**你好**");
    });

    it("leave other keys alone", () => {
      const el = box("abc", 0, 3);
      const ev = key({ key: "a", ctrlKey: true });
      el.dispatchEvent(ev);
      expect(ev.defaultPrevented).toBe(false);
      expect(el.value).toBe("abc");
    });
  });
});

describe("the toolbar", () => {
  afterEach(() => {
    document.body.replaceChildren();
    delete (document as { execCommand?: unknown }).execCommand;
  });

  function page(value: string, start: number, end: number) {
    const bar = document.createElement("div");
    for (const f of ["bold", "italic", "strike", "code", "codeblock", "quote", "list", "link"]) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.format = f;
      bar.append(b);
    }
    const el = document.createElement("textarea");
    document.body.append(bar, el);
    formatBar(bar, el);
    el.value = value;
    el.setSelectionRange(start, end);
    return { bar, el, button: (f: Format) => bar.querySelector<HTMLButtonElement>(`[data-format="${f}"]`)! };
  }

  it("formats the composer's selection and keeps the focus there", () => {
    const { el, button } = page("hello world", 6, 11);
    const down = new MouseEvent("mousedown", { bubbles: true, cancelable: true });
    button("bold").dispatchEvent(down);
    expect(down.defaultPrevented).toBe(true);
    button("bold").click();
    expect(el.value).toBe("hello **world**");
    expect(document.activeElement).toBe(el);
    button("quote").click();
    expect(el.value).toBe("> hello **world**");
    button("list").click();
    expect(el.value).toBe("- > hello **world**");
  });

  it("types with the browser's insertText where it has one, so Ctrl+Z undoes it", () => {
    const { el, button } = page("abc", 1, 2);
    const exec = vi.fn((command: string, _ui?: boolean, text?: string) => {
      if (command !== "insertText" || text === undefined) return false;
      el.setRangeText(text, el.selectionStart, el.selectionEnd, "end");
      return true;
    });
    Object.defineProperty(document, "execCommand", { value: exec, configurable: true });
    button("italic").click();
    expect(exec).toHaveBeenCalledWith("insertText", false, "*b*");
    expect(el.value).toBe("a*b*c");
    expect([el.selectionStart, el.selectionEnd]).toEqual([2, 3]);
  });

  it("falls back to setting the text when insertText does nothing", () => {
    const { el, button } = page("abc", 0, 3);
    Object.defineProperty(document, "execCommand", { value: vi.fn(() => true), configurable: true });
    const input = vi.fn();
    el.addEventListener("input", input);
    button("code").click();
    expect(el.value).toBe("`abc`");
    expect(input).toHaveBeenCalledTimes(1);
  });

  it("ignores a button of no known format", () => {
    const { bar, el } = page("abc", 0, 3);
    const odd = document.createElement("button");
    odd.dataset.format = "blink";
    bar.append(odd);
    formatBar(bar, el);
    odd.click();
    expect(el.value).toBe("abc");
  });
});

// format.ts `format` is what the buttons and keys run; used directly here
// for a selection the textarea reports backwards.
describe("format", () => {
  it("formats what the textarea has selected", () => {
    const el = document.createElement("textarea");
    document.body.append(el);
    el.value = "one two";
    el.setSelectionRange(4, 7, "backward");
    format(el, "strike");
    expect(el.value).toBe("one ~~two~~");
    el.remove();
  });
});
