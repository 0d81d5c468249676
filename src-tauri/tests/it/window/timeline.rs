//! The timeline: unread badges, scrolling back, search, pasted pictures,
//! and a send the server refuses.

use super::*;

/// The number in the newest "message N" text of the timeline, and how many
/// rows the page holds.
const TIMELINE_STATE: &str = "const rows = document.querySelectorAll('#messages .message'); \
    const texts = Array.from(rows, r => r.innerText); \
    return { rows: rows.length, first: texts.length ? texts[0] : '', all: texts.join('\\n') };";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn unread_badges_scrolling_back_through_500_messages_and_search_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    let random = w.channel("random").await;
    for i in 0..500 {
        w.post(
            &format!("/v2/Services/{svc}/Channels/general/Messages"),
            &[("Body", &format!("message {i}")), ("From", "bob")],
        )
        .await;
    }
    w.post(
        &format!("/v2/Services/{svc}/Channels/random/Messages"),
        &[("Body", "old news"), ("From", "bob")],
    )
    .await;

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-scroll-{}", std::process::id());
    let d = Driver::start(
        data.path(),
        &w.server.url(),
        &keyring,
        "scroll_badges_search",
    )
    .await;
    d.sign_in("alice").await;
    // Open general (the newest channel may be random).
    let general_row = "#channels .channel:not([data-sid='RANDOM'])".replace("RANDOM", &random);
    d.click(&general_row).await;
    d.until_text("#messages", "the newest messages", |t| {
        t.contains("message 499")
    })
    .await;

    // Scroll back to the very first message; the page never holds more than
    // a window of rows.
    let mut max_rows = 0;
    let mut reached = false;
    for _ in 0..120 {
        d.script(
            "document.getElementById('messages').scrollTop = 0;",
            json!([]),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let state = d.script(TIMELINE_STATE, json!([])).await;
        max_rows = max_rows.max(state["rows"].as_u64().unwrap_or(0));
        if state["first"]
            .as_str()
            .unwrap_or("")
            .contains("message 0\n")
            || state["first"].as_str().unwrap_or("").ends_with("message 0")
        {
            reached = true;
            break;
        }
    }
    d.screenshot("01-scrolled-to-the-first-message").await;
    assert!(reached, "scrolling up reached message 0");
    assert!(
        max_rows <= 300,
        "the timeline is windowed: {max_rows} rows at most"
    );
    let state = d.script(TIMELINE_STATE, json!([])).await;
    assert!(
        !state["all"].as_str().unwrap_or("").contains("message 499"),
        "the newest rows left the page while reading the oldest"
    );
    // Back to the newest.
    d.click("#latest").await;
    d.until_text("#messages", "the newest again", |t| {
        t.contains("message 499")
    })
    .await;

    // A message from bob in another channel: an unread badge.
    w.post(
        &format!("/v2/Services/{svc}/Channels/random/Messages"),
        &[("Body", "ping from bob"), ("From", "bob")],
    )
    .await;
    let badge_js = format!(
        "const b = document.querySelector(\"#channels .channel[data-sid='{random}'] .badge\"); return b ? b.innerText : '';"
    );
    d.until_script(&badge_js, "an unread badge on random", |v| {
        v.as_str().is_some_and(|s| !s.is_empty())
    })
    .await;
    d.screenshot("02-unread-badge").await;
    // The sidebar redraws as the badge arrives; a click that lands on a row
    // being replaced can be lost (seen once under CI load; to be found).
    let row = format!("#channels .channel[data-sid='{random}']");
    'attempt: for _ in 0..3 {
        d.click(&row).await;
        for _ in 0..50 {
            if d.text("#channel-title").await.contains("random") {
                break 'attempt;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    d.until_text("#messages", "random's messages", |t| {
        t.contains("ping from bob")
    })
    .await;
    d.until_script(&badge_js, "the badge cleared after reading", |v| {
        v.as_str() == Some("")
    })
    .await;

    // Search all history (from the cache) and jump to a result in context.
    d.type_into("#search", "message 250\u{E007}").await;
    d.until_text("#panel", "search results", |t| t.contains("message 250"))
        .await;
    d.click("#panel .results li").await;
    d.until_script(
        "const e = document.querySelector('#messages .message.highlight'); return e ? e.innerText : '';",
        "the result in context",
        |v| v.as_str().is_some_and(|s| s.contains("message 250")),
    )
    .await;
    d.screenshot("03-search-result-in-context").await;

    // Chinese: a word inside a run of characters is found and marked; the
    // same characters apart are not.
    w.bob_says("general", "我們明天下午開會討論預算").await;
    w.bob_says("general", "預，算不是一個詞").await;
    d.click("#latest").await;
    d.until_text("#messages", "the Chinese messages", |t| {
        t.contains("預，算不是一個詞")
    })
    .await;
    d.replace_text("#search", "預算\u{E007}").await;
    d.until_text("#panel", "the Chinese result", |t| t.contains("開會討論"))
        .await;
    let results = d
        .script(
            "return [...document.querySelectorAll('#panel .results li')].map(li => li.innerText);",
            json!([]),
        )
        .await;
    let results = results.as_array().cloned().unwrap_or_default();
    assert_eq!(
        results.len(),
        1,
        "one hit, not the characters apart: {results:?}"
    );
    let marked = d
        .script(
            "return [...document.querySelectorAll('#panel .results mark')].map(m => m.innerText);",
            json!([]),
        )
        .await;
    assert_eq!(marked, json!(["預算"]), "the match is marked");
    d.screenshot("04-chinese-search").await;

    // Emoji render as emoji, not as empty boxes: the message's own font,
    // drawn on a canvas, gives coloured pixels (a missing glyph is a grey
    // outline).
    w.bob_says("general", "ship it 🚀😀").await;
    d.until_text("#messages", "the emoji message", |t| t.contains("ship it"))
        .await;
    let coloured = d
        .script(EMOJI_PIXELS, json!(["ship it 🚀😀", "🚀😀"]))
        .await;
    assert!(
        coloured.as_u64().unwrap_or(0) > 50,
        "the emoji are drawn in colour in the timeline's font ({coloured} coloured pixels)"
    );
    d.screenshot("05-emoji").await;
    d.quit().await;
}

/// Draws `arguments[1]` in the font of the message whose text contains
/// `arguments[0]` and counts its strongly coloured pixels.
const EMOJI_PIXELS: &str = r#"
const [needle, glyphs] = arguments;
const row = [...document.querySelectorAll('#messages li')].find(li => li.innerText.includes(needle));
if (!row) return -1;
const body = [...row.querySelectorAll('*')].find(e => e.children.length === 0 && e.textContent.includes(needle)) || row;
const style = getComputedStyle(body);
const c = document.createElement('canvas');
c.width = 200; c.height = 60;
const g = c.getContext('2d');
g.font = `40px ${style.fontFamily}`;
g.textBaseline = 'top';
g.fillStyle = '#000';
g.fillText(glyphs, 4, 4);
const px = g.getImageData(0, 0, c.width, c.height).data;
let n = 0;
for (let i = 0; i < px.length; i += 4) {
  const [r, gr, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
  if (a > 128 && Math.max(r, gr, b) - Math.min(r, gr, b) > 80) n++;
}
return n;
"#;

/// Makes a noisy PNG picture in the page and pastes it into the composer,
/// recording the upload progress bar's largest value as it is shown.
const PASTE_PICTURE: &str = r#"
const done = arguments[arguments.length - 1];
window.__progress = 0;
window.__watch = setInterval(() => {
  for (const p of document.querySelectorAll('progress[data-transfer^="up:"]')) {
    if (!p.hidden && p.value > 0) window.__progress = Math.max(window.__progress, p.value / p.max);
  }
}, 5);
const c = document.createElement('canvas');
c.width = 1600; c.height = 1200;
const g = c.getContext('2d');
const img = g.createImageData(c.width, c.height);
for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 4 === 3) ? 255 : Math.floor(Math.random() * 256);
g.putImageData(img, 0, 0);
c.toBlob((blob) => {
  const file = new File([blob], 'noise.png', { type: 'image/png' });
  const dt = new DataTransfer();
  dt.items.add(file);
  const composer = document.getElementById('composer');
  composer.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  done(file.size);
}, 'image/png');
"#;

const PREVIEW_JS: &str = "const i = document.querySelector('#messages .media img.preview'); \
    return i && i.complete ? i.naturalWidth : 0;";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_pasted_picture_uploads_with_progress_and_shows_inline_in_a_second_window() {
    let w = World::start().await;
    w.general().await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-media-{}", std::process::id());
    let alice = Driver::start(data.path(), &w.server.url(), &keyring, "media_alice").await;
    alice.sign_in("alice").await;
    alice
        .until_text("#channel-title", "general open", |t| t.contains("general"))
        .await;

    let size = alice
        .cmd(
            reqwest::Method::POST,
            "/execute/async",
            json!({"script": PASTE_PICTURE, "args": []}),
        )
        .await
        .as_u64()
        .expect("a picture was pasted");
    assert!(
        size > 1_000_000,
        "a big enough picture to watch it upload: {size} bytes"
    );
    // The sender sees its own picture inline as soon as it is sent.
    alice
        .until_script(
            PREVIEW_JS,
            "the picture inline in the sender's window",
            |v| v.as_u64() == Some(1600),
        )
        .await;
    let progress = alice
        .script(
            "clearInterval(window.__watch); return window.__progress;",
            json!([]),
        )
        .await;
    assert!(
        progress.as_f64().is_some_and(|p| p > 0.0),
        "an upload progress bar was shown: {progress}"
    );
    alice.screenshot("01-sent-picture").await;
    let on_server = w.messages("general").await;
    assert_eq!(on_server.len(), 1, "sent once: {on_server:?}");
    assert_eq!(on_server[0]["type"], "media");
    assert_eq!(on_server[0]["media"]["content_type"], "image/png");
    assert_eq!(on_server[0]["media"]["size"].as_u64(), Some(size));

    // Bob, in a second app with his own profile, sees it inline.
    let bob_data = tempfile::tempdir().expect("data");
    let bob = Driver::start(
        bob_data.path(),
        &w.server.url(),
        &format!("{keyring}-bob"),
        "media_bob",
    )
    .await;
    bob.sign_in("bob").await;
    bob.until_script(
        PREVIEW_JS,
        "the picture inline in the receiver's window",
        |v| v.as_u64() == Some(1600),
    )
    .await;
    bob.screenshot("02-received-picture").await;
    bob.quit().await;
    alice.quit().await;
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_send_the_server_refuses_shows_why_and_can_be_discarded_or_retried() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    // In general, alice may only listen for now.
    let roles = format!("/v2/Services/{svc}/Roles");
    let listener = w
        .post(
            &roles,
            &[
                ("FriendlyName", "listener"),
                ("Type", "channel"),
                ("Permission", "leaveChannel"),
            ],
        )
        .await;
    let listener = listener["sid"].as_str().expect("role").to_owned();
    let alice = format!("/v2/Services/{svc}/Channels/general/Members/alice");
    w.post(&alice, &[("RoleSid", listener.as_str())]).await;

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-refused-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "refused_send").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;

    // Refused: the reason shows with Retry and Discard; Discard removes it.
    d.type_into("#composer", "can I speak?\u{E007}").await;
    let failed = d
        .until_text("#messages", "the refusal", |t| t.contains("Not sent"))
        .await;
    assert!(failed.contains("can I speak?"), "{failed}");
    assert!(
        failed.contains("Retry") && failed.contains("Discard"),
        "{failed}"
    );
    d.screenshot("01-not-sent").await;
    d.click("#messages .send-error button:last-child").await;
    d.until_text("#messages", "the discarded message gone", |t| {
        !t.contains("can I speak?")
    })
    .await;

    // Refused again; once alice may speak, Retry delivers it, once.
    d.type_into("#composer", "now may I?\u{E007}").await;
    d.until_text("#messages", "the refusal", |t| t.contains("Not sent"))
        .await;
    let all = w.get(&roles).await;
    let user_role = all["roles"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["friendly_name"] == "channel user"))
        .and_then(|r| r["sid"].as_str())
        .expect("the channel user role")
        .to_owned();
    w.post(&alice, &[("RoleSid", user_role.as_str())]).await;
    d.click("#messages .send-error button").await;
    d.until_text("#messages", "delivered", |t| {
        t.contains("now may I?") && !t.contains("Not sent")
    })
    .await;
    assert_eq!(w.count_on_server("now may I?").await, 1, "delivered once");
    assert!(
        !bodies(&w.messages("general").await).contains(&"can I speak?".to_owned()),
        "the discarded message never reached the server"
    );
    d.screenshot("02-retried").await;
    d.quit().await;
}
