//! Formatting in the real window: Markdown from other people is drawn as
//! bold, italic, strike, code, quotes, lists and links; a hostile corpus
//! (raw HTML, script URLs, event handlers) executes nothing and becomes no
//! element beyond the formatting ones; the composer's toolbar and Ctrl+B
//! format what is typed.

use super::*;

/// Messages that try to run script or smuggle markup in.
const HOSTILE: &[&str] = &[
    "<script>window.__pwned = 'script'</script>",
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    "<svg onload=\"window.__pwned = 'svg'\"></svg>",
    "<iframe src=\"javascript:window.__pwned = 'iframe'\"></iframe>",
    "[click](javascript:window.__pwned='link')",
    "[click](JaVaScRiPt:window.__pwned='case')",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:window.__pwned='image')",
    "<a href=\"javascript:window.__pwned='a'\">a</a>",
    "<style>body { display: none }</style>",
    "`<b>not bold</b>` and <b>not bold either</b>",
    "&lt;script&gt;window.__pwned = 'entity'&lt;/script&gt;",
];

/// Tags a message body may contain: the formatting ones and the code
/// block's Copy button.
const ALLOWED: &str = "P BR STRONG EM DEL CODE PRE BLOCKQUOTE UL OL LI A BUTTON SPAN DIV";

/// What the window drew: every tag under the bodies, every attribute name,
/// every href, and whether anything ran.
const INSPECT: &str = r#"
const tags = new Set(), attrs = new Set(), hrefs = [];
for (const el of document.querySelectorAll('#messages .body *')) {
  tags.add(el.tagName);
  for (const a of el.attributes) attrs.add(a.name);
  if (el.hasAttribute('href')) hrefs.push(el.getAttribute('href'));
}
return { tags: [...tags], attrs: [...attrs], hrefs, pwned: window.__pwned ?? null };
"#;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn markdown_is_drawn_as_formatting_and_hostile_text_runs_nothing_in_the_real_window() {
    let w = World::start().await;
    w.general().await;
    w.bob_says(
        "general",
        "**bold** *italic* ~~gone~~ `code` and https://example.com/docs\n> quoted\n\n- one\n- two",
    )
    .await;
    w.bob_says("general", "```\nlet x = 1 < 2;\n```").await;
    for h in HOSTILE {
        w.bob_says("general", h).await;
    }
    w.bob_says("general", "the last one").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-formatting-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "formatting").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;
    d.until_text("#messages", "history", |t| t.contains("the last one"))
        .await;

    let formatted = d
        .script(
            "const b = document.querySelector('#messages .message .body');
             return ['strong', 'em', 'del', 'code', 'blockquote', 'ul li', 'a'].map(s => b.querySelector(s)?.textContent ?? null);",
            json!([]),
        )
        .await;
    assert_eq!(
        formatted,
        json!([
            "bold",
            "italic",
            "gone",
            "code",
            "quoted",
            "one",
            "https://example.com/docs"
        ])
    );
    let block = d
        .script(
            "const pre = document.querySelector('#messages pre');
             return [pre?.textContent.includes('let x = 1 < 2;'), getComputedStyle(pre.querySelector('code')).fontFamily.includes('mono'), !!pre?.parentElement.querySelector('button')];",
            json!([]),
        )
        .await;
    assert_eq!(
        block,
        json!([true, true, true]),
        "a monospace code block with a Copy button"
    );
    d.screenshot("01-formatted").await;

    // None of the hostile messages became a link (every link checked
    // below goes to the web); nothing ran while they were drawn.
    let seen = d.script(INSPECT, json!([])).await;
    assert_eq!(seen["pwned"], Value::Null, "nothing ran: {seen}");
    for tag in seen["tags"].as_array().expect("tags") {
        let tag = tag.as_str().unwrap_or_default();
        assert!(
            ALLOWED.split(' ').any(|a| a == tag),
            "an element {tag} in a message: {seen}"
        );
    }
    for a in seen["attrs"].as_array().expect("attrs") {
        let a = a.as_str().unwrap_or_default();
        assert!(
            !a.starts_with("on") && a != "style" && a != "src",
            "attribute {a}: {seen}"
        );
    }
    for href in seen["hrefs"].as_array().expect("hrefs") {
        let href = href.as_str().unwrap_or_default();
        assert!(
            href.starts_with("https://")
                || href.starts_with("http://")
                || href.starts_with("mailto:"),
            "a link to {href}"
        );
    }
    // The text is still there, as text.
    let text = d.text("#messages").await;
    assert!(text.contains("<b>not bold</b>"), "{text}");
    assert!(text.contains("&lt;script&gt;"), "{text}");
    assert!(text.contains("<script>window.__pwned"), "{text}");

    // The toolbar and Ctrl+B format what is typed.
    d.type_into("#composer", "important").await;
    let _ = d
        .script(
            "const c = document.getElementById('composer'); c.focus(); c.setSelectionRange(0, c.value.length); return true;",
            json!([]),
        )
        .await;
    d.click("#format-bar [data-format='bold']").await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        json!("**important**")
    );
    d.type_into("#composer", "\u{E010} and checked").await;
    let _ = d
        .script(
            "const c = document.getElementById('composer'); c.setSelectionRange(c.value.length - 7, c.value.length); return true;",
            json!([]),
        )
        .await;
    d.type_into("#composer", "\u{E009}i\u{E000}").await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        json!("**important** and *checked*"),
        "Ctrl+I makes the selection italic"
    );
    d.type_into("#composer", "\u{E010}\u{E007}").await;
    d.until_script(
        "return Array.from(document.querySelectorAll('#messages .message .body'), b => [b.querySelector('strong')?.textContent, b.querySelector('em')?.textContent]).some(([s, e]) => s === 'important' && e === 'checked');",
        "the formatted message sent",
        |v| v == &json!(true),
    )
    .await;
    let sent = eventually!(
        w.count_on_server("**important** and *checked*").await,
        |n| n > 0
    );
    assert_eq!(sent, 1);
    d.screenshot("02-sent-formatted").await;
    d.quit().await;
}
