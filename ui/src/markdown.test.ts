import { decodeNamedCharacterReference } from "decode-named-character-reference";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useLanguage } from "./i18n";
import { LIMITS, endOf, parse, plainText, renderBody, safeHref } from "./markdown";

/** The window's sources (not its tests), as text. */
const sources = import.meta.glob(["./*.ts", "!./*.test.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

const open = vi.fn();

/** `text` drawn into a fresh element. */
function draw(text: string): HTMLDivElement {
  const div = document.createElement("div");
  div.append(renderBody(text, { open }));
  return div;
}

/** The drawing's shape: tags with their href and start, and text (`<` and `&`
 *  escaped), without the code blocks' buttons' other attributes. */
function shape(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const el = node as Element;
  const inner = [...el.childNodes].map(shape).join("");
  if (el.tagName === "DIV" && !el.classList.contains("code-block")) return inner;
  const tag = el.tagName.toLowerCase();
  const attrs = ["href", "start", "class"].filter((a) => el.hasAttribute(a)).map((a) => ` ${a}="${el.getAttribute(a)}"`).join("");
  return tag === "br" ? "<br>" : `<${tag}${attrs}>${inner}</${tag}>`;
}

const md = (text: string) => shape(draw(text));

afterEach(() => {
  open.mockClear();
  useLanguage("en");
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("plain messages", () => {
  const plain = [
    "hello",
    "2*3*4",
    "5*3 = 15 and 2*4 = 8",
    "a * b * c",
    "snake_case_name",
    "a_b_c",
    "x_1 + y_2",
    "foo**bar**baz",
    "C:\\path",
    "C:\\Users\\me",
    ":-)",
    ";-) :-( :D <3",
    "👍🎉 done, 👨‍👩‍👧 family",
    "我們明天下午開會討論預算",
    "預，算不是一個詞",
    "1 < 2 > 0",
    "AT&amp;T &copy; &#169;",
    "a & b",
    "#hashtag and #1",
    "x -> y => z",
    "100% sure?!",
    "~/src and ~tmp~",
    "$5 ~ $6",
    "what (is) [this]",
    "a_b*c~d`e",
  ];
  for (const text of plain) {
    it(`shows ${JSON.stringify(text)} as written`, () => {
      const div = draw(text);
      expect(div.textContent).toBe(text);
      expect(shape(div)).toBe(`<p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`);
    });
  }

  it("keeps the user's line breaks and spaces", () => {
    expect(md("one\ntwo\nthree")).toBe("<p>one<br>two<br>three</p>");
    expect(md("first\n\nsecond")).toBe("<p>first</p><p>second</p>");
    expect(draw("a    b").textContent).toBe("a    b");
  });
});

describe("Markdown", () => {
  it("draws bold, italic, strikethrough and code", () => {
    expect(md("**bold** and __bold__")).toBe("<p><strong>bold</strong> and <strong>bold</strong></p>");
    expect(md("*italic* and _italic_")).toBe("<p><em>italic</em> and <em>italic</em></p>");
    expect(md("~~gone~~ but ~one~ stays")).toBe("<p><del>gone</del> but ~one~ stays</p>");
    expect(md("run `ls -la` now")).toBe("<p>run <code>ls -la</code> now</p>");
    expect(md("***both***")).toBe("<p><em><strong>both</strong></em></p>");
  });

  it("bolds inside Chinese text, which has no spaces between words", () => {
    expect(md("這是**重要**的")).toBe("<p>這是<strong>重要</strong>的</p>");
    expect(md("請~~不要~~來")).toBe("<p>請<del>不要</del>來</p>");
  });

  it("keeps marks that touch a word from outside as text", () => {
    expect(md("2*3*4 and *x*")).toBe("<p>2*3*4 and <em>x</em></p>");
    expect(md("a~~b~~c")).toBe("<p>a~~b~~c</p>");
    expect(md("**a**b")).toBe("<p>**a**b</p>");
    expect(md("(**a**)")).toBe("<p>(<strong>a</strong>)</p>");
  });

  it("keeps `*` and `<` in code as they are", () => {
    expect(md("`a*b*<c> &amp; **d**`")).toBe("<p><code>a*b*&lt;c> &amp;amp; **d**</code></p>");
    const div = draw("```js\nlet p = *q < 2 && <b>x</b>;\n  indented\n```");
    expect(div.querySelector("pre code")?.textContent).toBe("let p = *q < 2 && <b>x</b>;\n  indented");
    expect(div.querySelectorAll("b, em, strong")).toHaveLength(0);
  });

  it("draws fenced and indented code blocks with a Copy button", () => {
    expect(md("```\ncode\n```")).toBe('<div class="code-block"><pre><code>code</code></pre><button class="copy">Copy</button></div>');
    expect(md("~~~\ncode\n~~~")).toBe('<div class="code-block"><pre><code>code</code></pre><button class="copy">Copy</button></div>');
    expect(md("    indented *code*")).toBe('<div class="code-block"><pre><code>indented *code*</code></pre><button class="copy">Copy</button></div>');
    const pre = draw("```\nx\n```").querySelector("pre");
    expect(pre?.getAttribute("tabindex")).toBe("0");
    const button = draw("```\nx\n```").querySelector("button");
    expect(button?.getAttribute("type")).toBe("button");
    expect(button?.title).toBe("Copy the code");
  });

  it("draws quotes and lists, nested", () => {
    expect(md("> quoted\n> more")).toBe("<blockquote><p>quoted<br>more</p></blockquote>");
    expect(md("- a\n- b")).toBe("<ul><li>a</li><li>b</li></ul>");
    expect(md("* a\n+ b")).toBe("<ul><li>a</li></ul><ul><li>b</li></ul>");
    expect(md("1. a\n2. b")).toBe("<ol><li>a</li><li>b</li></ol>");
    expect(md("3. c\n4. d")).toBe('<ol start="3"><li>c</li><li>d</li></ol>');
    expect(md("- a\n  - b\n    1. c")).toBe("<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li></ul>");
    expect(md("- a\n\n- b")).toBe("<ul><li><p>a</p></li><li><p>b</p></li></ul>");
    expect(md("> > deeper")).toBe("<blockquote><blockquote><p>deeper</p></blockquote></blockquote>");
  });

  it("nests bold in italic in a list in a quote", () => {
    expect(md("> - *it **bold** it*\n> - two")).toBe(
      "<blockquote><ul><li><em>it <strong>bold</strong> it</em></li><li>two</li></ul></blockquote>",
    );
    expect(md("> ```\n> *code*\n> ```")).toBe(
      '<blockquote><div class="code-block"><pre><code>*code*</code></pre><button class="copy">Copy</button></div></blockquote>',
    );
  });

  it("breaks lines at single newlines and at hard breaks", () => {
    expect(md("a\nb")).toBe("<p>a<br>b</p>");
    expect(md("a  \nb")).toBe("<p>a<br>b</p>");
    expect(md("a\\\nb")).toBe("<p>a<br>b</p>");
    expect(md("**a\nb**")).toBe("<p><strong>a<br>b</strong></p>");
    expect(md("a\r\nb\rc")).toBe("<p>a<br>b<br>c</p>");
  });

  it("links [text](url), <autolinks> and bare addresses", () => {
    expect(md("[the docs](https://example.com/docs)")).toBe('<p><a href="https://example.com/docs">the docs</a></p>');
    expect(md("[**bold** link](http://example.com)")).toBe('<p><a href="http://example.com"><strong>bold</strong> link</a></p>');
    expect(md("<https://example.com/x>")).toBe('<p><a href="https://example.com/x">https://example.com/x</a></p>');
    expect(md("see https://example.com/a?b=1.")).toBe('<p>see <a href="https://example.com/a?b=1">https://example.com/a?b=1</a>.</p>');
    expect(md("(www.rust-lang.org)")).toBe('<p>(<a href="https://www.rust-lang.org">www.rust-lang.org</a>)</p>');
    expect(md("https://en.wikipedia.org/wiki/Rust_(language)")).toBe(
      '<p><a href="https://en.wikipedia.org/wiki/Rust_(language)">https://en.wikipedia.org/wiki/Rust_(language)</a></p>',
    );
    expect(md("mail alice@example.com")).toBe('<p>mail <a href="mailto:alice@example.com">alice@example.com</a></p>');
    expect(md("[write](mailto:bob@example.com)")).toBe('<p><a href="mailto:bob@example.com">write</a></p>');
    expect(md("[](https://example.com)")).toBe('<p><a href="https://example.com">https://example.com</a></p>');
    expect(md("the docs are at https://example.com/docs?page=2 now")).toBe(
      '<p>the docs are at <a href="https://example.com/docs?page=2">https://example.com/docs?page=2</a> now</p>',
    );
  });

  it("opens a clicked link through the host, not the web view", () => {
    const a = draw("go to https://example.com/x").querySelector("a")!;
    expect(a.rel).toBe("noopener noreferrer");
    expect(a.title).toBe("https://example.com/x");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    a.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith("https://example.com/x");
  });

  it("shows links to other schemes as their text", () => {
    expect(md("[x](javascript:alert(1))")).toBe("<p>x</p>");
    expect(md("[x](file:///etc/passwd)")).toBe("<p>x</p>");
    expect(md("[x](/relative) [y](//host/path) [z](ftp://host)")).toBe("<p>x y z</p>");
    expect(md("javascript:alert(1)")).toBe("<p>javascript:alert(1)</p>");
  });

  it("shows headings as bold text, images as links, and the rest as written", () => {
    expect(md("# Title")).toBe("<p><strong>Title</strong></p>");
    expect(md("### *Sub* title ###")).toBe("<p><strong><em>Sub</em> title</strong></p>");
    expect(md("Title\n===")).toBe("<p>Title<br>===</p>");
    expect(md("![a cat](https://example.com/cat.png)")).toBe('<p><a href="https://example.com/cat.png">a cat</a></p>');
    expect(md("![](https://example.com/cat.png)")).toBe('<p><a href="https://example.com/cat.png">https://example.com/cat.png</a></p>');
    expect(draw("![a cat](https://example.com/cat.png)").querySelector("img")).toBeNull();
    expect(md("---")).toBe("<p>---</p>");
    expect(md("```")).toBe("<p>```</p>");
    expect(md("above\n\n***\n\nbelow")).toBe("<p>above</p><p>***</p><p>below</p>");
    expect(md("<b>bold?</b> <i>no</i>")).toBe("<p>&lt;b>bold?&lt;/b> &lt;i>no&lt;/i></p>");
    expect(md("<div>\nblock\n</div>")).toBe("<p>&lt;div><br>block<br>&lt;/div></p>");
    expect(md("| a | b |\n|---|---|\n| 1 | 2 |")).toBe("<p>| a | b |<br>|---|---|<br>| 1 | 2 |</p>");
    expect(md("[x]: https://example.com\n\n[x]")).toBe('<p>[x]: <a href="https://example.com">https://example.com</a></p><p>[x]</p>');
    expect(md("- [ ] task")).toBe("<ul><li>[ ] task</li></ul>");
    expect(md("AT&amp;T")).toBe("<p>AT&amp;amp;T</p>");
    expect(md("\\*not italic\\*")).toBe("<p>*not italic*</p>");
  });

  it("says where text after the body goes: the end of its last paragraph or item", () => {
    const end = (text: string) => {
      const div = draw(text);
      endOf(div).append(" (edited)");
      return shape(div);
    };
    expect(end("plain")).toBe("<p>plain (edited)</p>");
    expect(end("a\n\nb")).toBe("<p>a</p><p>b (edited)</p>");
    expect(end("> quoted")).toBe("<blockquote><p>quoted (edited)</p></blockquote>");
    expect(end("1. one\n2. two")).toBe("<ol><li>one</li><li>two (edited)</li></ol>");
    expect(end("- a\n  - b")).toBe("<ul><li>a<ul><li>b (edited)</li></ul></li></ul>");
    expect(end("- a\n\n- b")).toBe("<ul><li><p>a</p></li><li><p>b (edited)</p></li></ul>");
    expect(end("```\nx\n```")).toMatch(/<\/div> \(edited\)$/);
  });

  it("copies a code block's code, and says so for a moment", async () => {
    vi.useFakeTimers();
    const writeText = vi.fn(async () => {});
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    const div = draw("```\nlet a = 1;\n```");
    const button = div.querySelector<HTMLButtonElement>("button.copy")!;
    button.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(writeText).toHaveBeenCalledWith("let a = 1;");
    expect(button.textContent).toBe("Copied");
    await vi.advanceTimersByTimeAsync(2000);
    expect(button.textContent).toBe("Copy");
  });

  it("copies by selecting the code where the clipboard API is missing or refuses", async () => {
    vi.stubGlobal("navigator", { clipboard: { writeText: vi.fn(async () => Promise.reject(new Error("denied"))) } });
    const exec = vi.fn(() => true);
    Object.defineProperty(document, "execCommand", { value: exec, configurable: true });
    const div = draw("```\nselected code\n```");
    document.body.append(div);
    div.querySelector<HTMLButtonElement>("button.copy")!.click();
    await vi.waitFor(() => expect(exec).toHaveBeenCalledWith("copy"));
    expect(window.getSelection()?.toString()).toBe("selected code");
    expect(div.querySelector("button.copy")?.textContent).toBe("Copied");
    div.remove();
    delete (document as { execCommand?: unknown }).execCommand;
  });

  it("labels the Copy button in the user's language", () => {
    useLanguage("zh-TW");
    expect(draw("```\nx\n```").querySelector("button")?.textContent).toBe("複製");
  });
});

describe("safety", () => {
  const ALLOWED_TAGS = new Set(["p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "button", "span", "div"]);
  const ALLOWED_ATTRS = new Set(["href", "rel", "title", "class", "type", "tabindex", "start"]);
  const many = (unit: string, n: number) => unit.repeat(n);

  /** Each input, and text its drawing must still show (default: all of it). */
  const corpus: { input: string; shows?: string }[] = [
    { input: "<script>alert(1)</script>" },
    { input: "<img src=x onerror=alert(1)>" },
    { input: "[x](javascript:alert(1))", shows: "x" },
    { input: "[x](JaVaScRiPt:alert(1))", shows: "x" },
    { input: "[x](  javascript:alert(1))", shows: "x" },
    { input: "[x](java&#115;cript:alert(1))", shows: "x" },
    { input: "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))", shows: "x" },
    { input: "[x](&#x6A;avascript:alert(1))", shows: "x" },
    { input: "[x](javascript&colon;alert(1))", shows: "x" },
    { input: "[x](%6Aavascript:alert(1))", shows: "x" },
    { input: "[x](\\u006Aavascript:alert(1))", shows: "x" },
    { input: "[x](ｊavascript:alert(1))", shows: "x" },
    { input: "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", shows: "x" },
    { input: "[x](vbscript:msgbox)", shows: "x" },
    { input: "[x](file:///etc/passwd)", shows: "x" },
    { input: "[a](<javascript:alert(1)>)", shows: "a" },
    { input: "[x](java\nscript:alert(1))", shows: "script:alert(1))" },
    { input: "<javascript:alert(1)>", shows: "javascript:alert(1)" },
    { input: "<a href=\"javascript:alert(1)\">x</a>" },
    { input: "<a href=javascript:alert(1)>x" },
    { input: "![x](javascript:alert(1))", shows: "x" },
    { input: "![x\" onerror=\"alert(1)](https://example.com/a.png)", shows: "x\" onerror=\"alert(1)" },
    { input: "<svg onload=alert(1)>" },
    { input: "<iframe src=\"https://evil.example/\"></iframe>" },
    { input: "<style>body{display:none}</style>" },
    { input: "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>" },
    { input: "<!-- comment --> <?php echo 1; ?> <![CDATA[x]]>" },
    { input: "\"><script>alert(1)</script>" },
    { input: "javascript:alert(1)" },
    { input: "&lt;script&gt;alert(1)&lt;/script&gt;" },
    { input: "[x](https://example.com \"a\\\"b' onmouseover=alert(1)\")", shows: "x" },
    { input: "https://example.com/\"onmouseover=\"alert(1)" },
    { input: "[<img src=x onerror=alert(1)>](https://example.com)", shows: "<img src=x onerror=alert(1)>" },
    { input: "**[x](javascript:alert(1))**", shows: "x" },
    { input: "~~<script>~~", shows: "<script>" },
    { input: "`<script>alert(1)</script>`", shows: "<script>alert(1)</script>" },
    { input: "```html\n<script>alert(1)</script>\n```", shows: "<script>alert(1)</script>" },
    { input: "[x]: javascript:alert(1)\n\n[x]", shows: "[x]: javascript:alert(1)" },
    { input: "<b onclick=alert(1)>y</b> <form action=x><button formaction=javascript:alert(1)>" },
    { input: "<object data=x></object><embed src=x><link rel=import href=x><meta http-equiv=refresh>" },
    { input: many("[", 10_000) },
    { input: many("*", 10_000) },
    { input: many("<", 10_000) },
    { input: many("`", 10_000) },
    { input: many("*a ", 5_000).trim() },
    { input: many("*_", 5_000) },
    { input: many("[x](", 5_000), shows: "[x](" },
    { input: many("![", 5_000) },
    { input: many("\\", 10_000), shows: "\\" },
    { input: many("*", 5_000) + "x" + many("*", 5_000), shows: "x" },
    { input: many(">", 10_000) + " x", shows: "x" },
    { input: many("- ", 5_000) + "x", shows: "x" },
    { input: many("1. ", 3_000) + "x", shows: "x" },
    { input: Array.from({ length: 200 }, (_, i) => ">".repeat(i) + " a").join("\n"), shows: "a" },
    { input: Array.from({ length: 150 }, (_, i) => "  ".repeat(i) + "- a").join("\n"), shows: "a" },
    { input: ">>>>>> a\n" + many("b\n", 900), shows: "b" },
    { input: many("a\n", 5_000), shows: "a" },
  ];

  it("has a corpus of at least 30 attacks", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  for (const { input, shows } of corpus) {
    const name = input.length > 60 ? `${JSON.stringify(input.slice(0, 40))}… (${input.length} characters)` : JSON.stringify(input);
    it(`draws ${name} harmlessly and quickly`, () => {
      const started = performance.now();
      const div = draw(input);
      // Generous: the tests run the parser's development build, on a shared machine.
      expect(performance.now() - started).toBeLessThan(3000);
      for (const el of div.querySelectorAll("*")) {
        expect(ALLOWED_TAGS).toContain(el.tagName.toLowerCase());
        for (const attr of el.getAttributeNames()) {
          expect(attr.startsWith("on")).toBe(false);
          expect(ALLOWED_ATTRS).toContain(attr);
        }
        const href = el.getAttribute("href");
        if (href !== null) expect(href).toMatch(/^(?:https?|mailto):/);
        expect(el.hasAttribute("style") || el.hasAttribute("src")).toBe(false);
      }
      expect(div.textContent).toContain(shows ?? input);
    }, 10_000);
  }

  it("lets only web and mail addresses be links", () => {
    expect(safeHref("https://example.com")).toBe("https://example.com");
    expect(safeHref("HTTP://EXAMPLE.COM")).toBe("HTTP://EXAMPLE.COM");
    expect(safeHref("mailto:a@b.c")).toBe("mailto:a@b.c");
    for (const bad of ["javascript:alert(1)", " https://x", "data:text/html,x", "//x", "/x", "x", "https:", "http://", "http:example.com", "https:/x", "vbscript:x", "file:///x"]) {
      expect(safeHref(bad)).toBeNull();
    }
  });

  it("turns a construct off when a message has too many of it", () => {
    expect(md(many("*a* ", LIMITS.emphasis / 2).trim())).toContain("<em>");
    expect(md(many("*a* ", LIMITS.emphasis / 2 + 1).trim())).not.toContain("<em>");
    expect(md(many("[a](https://e.com) ", LIMITS.brackets).trim())).toContain(">a</a>");
    expect(md(many("[a](https://e.com) ", LIMITS.brackets + 1).trim())).not.toContain(">a</a>");
    expect(md(many("- a\n", LIMITS.nesting))).toContain("<li>");
    expect(md(many("- a\n", LIMITS.nesting + 1))).not.toContain("<li>");
    expect(md(many("- ", LIMITS.lineNesting) + "a")).toContain("<li>");
    expect(md(many("- ", LIMITS.lineNesting + 1) + "a")).not.toContain("<li>");
    // Code fences' lines are not nesting.
    expect(md("```\n" + many("        deep\n", 300) + "```\n- a")).toContain("<li>a</li>");
  });

  it("shows a message of too many lines as plain text", () => {
    const text = many("**a**\n", LIMITS.lines);
    expect(parse(text)).toBeNull();
    expect(md(text)).toBe(`<p>${many("**a**<br>", LIMITS.lines)}</p>`);
    expect(parse(many("**a**\n", LIMITS.lines - 1))).not.toBeNull();
  });

  it("decodes no named character through the DOM (vite.config.ts's stand-in)", () => {
    expect(decodeNamedCharacterReference("amp")).toBe("&");
    expect(decodeNamedCharacterReference("copy")).toBe(false);
    // Character references are text as typed, in addresses too.
    expect(md("[x](https://e.com/?a=1&amp;b=2)")).toBe('<p><a href="https://e.com/?a=1&amp;b=2">x</a></p>');
  });

  it("never puts text in the page as HTML", () => {
    for (const file of ["./markdown.ts", "./format.ts", "./timeline.ts", "./entities.ts", "./mentions.ts", "./mention-list.ts", "./reactions.ts", "./reply.ts", "./actions.ts", "./picker.ts", "./emoji.ts", "./composer.ts"]) {
      expect(sources[file], file).toBeDefined();
      expect(sources[file]).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|DOMParser|createContextualFragment|document\.write/);
    }
  });

});

describe("plainText", () => {
  it("says what the text says without its marks, on one line", () => {
    expect(plainText("the **plan** for _friday_, see [the doc](https://example.com)")).toBe("the plan for friday, see the doc");
    expect(plainText("> quoted\n\n- one\n- two\n\n`code` and ~~gone~~")).toBe("quoted one two code and gone");
    expect(plainText("我們明天**開會**")).toBe("我們明天開會");
    expect(plainText("<b>not html</b>")).toBe("<b>not html</b>");
    expect(plainText("")).toBe("");
  });
});
