//! Typing through an input method (Chinese, Japanese, Korean): the key that
//! confirms a composition is never a command, in the composer, the message
//! edit box, the search box or the channel switcher.

use super::*;

/// Plays an IME composition in the element matching `arguments[0]` that
/// types `arguments[1]`, then presses `arguments[2]` (a key name) the three
/// ways a browser may send the key that confirms it: while composing
/// (`isComposing`, Chromium's order), as the IME's key (keyCode 229, no
/// other sign), and right after `compositionend` as a plain key (WebKit's
/// order), then its keyup. Returns, for each, whether a handler acted on
/// it: the app's command keys take the key's default when they act.
const COMPOSE: &str = r#"
const [css, text, name] = arguments;
const codes = { Enter: 13, Escape: 27, Tab: 9, ArrowUp: 38, ArrowDown: 40 };
const el = document.querySelector(css);
el.focus();
const key = (type, composing, code) => {
  const e = new KeyboardEvent(type, { key: name, bubbles: true, cancelable: true, isComposing: composing });
  if (e.isComposing !== composing) Object.defineProperty(e, 'isComposing', { value: composing });
  Object.defineProperty(e, 'keyCode', { value: code });
  Object.defineProperty(e, 'which', { value: code });
  return !el.dispatchEvent(e);
};
const composition = (type, data) => el.dispatchEvent(new CompositionEvent(type, { bubbles: true, data }));
const input = (data) => {
  el.value = data;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, inputType: 'insertCompositionText', data }));
};
composition('compositionstart', '');
input(text.slice(0, 1));
input(text);
const acted = {};
acted.isComposing = key('keydown', true, codes[name]);
acted.keyCode229 = key('keydown', false, 229);
composition('compositionend', text);
acted.afterCompositionend = key('keydown', false, codes[name]);
key('keyup', false, codes[name]);
return acted;
"#;

/// Composes `text` in `css` and confirms it with `key`: no handler acts.
async fn compose(d: &Driver, css: &str, text: &str, key: &str) {
    let acted = d.script(COMPOSE, json!([css, text, key])).await;
    assert_eq!(
        acted,
        json!({"isComposing": false, "keyCode229": false, "afterCompositionend": false}),
        "{key} confirming {text:?} in {css} is not a command"
    );
}

/// How many of `channel`'s messages on the server read exactly `body`.
async fn on_server(w: &World, channel: &str, body: &str) -> usize {
    bodies(&w.messages(channel).await)
        .iter()
        .filter(|b| *b == body)
        .count()
}

const BODIES: &str =
    "return Array.from(document.querySelectorAll('#messages .message .body'), b => b.innerText.trim());";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_key_that_confirms_an_ime_composition_is_never_a_command_in_the_real_window() {
    let w = World::start().await;
    w.general().await;
    w.channel("nihongo").await;
    w.bob_says("general", "hi alice").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-ime-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "ime").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;
    d.until_text("#messages", "history", |t| t.contains("hi alice"))
        .await;

    // The composer: confirming "ni" keeps it in the box, unsent.
    compose(&d, "#composer", "ni", "Enter").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        "ni",
        "the confirmed text stays in the composer"
    );
    let shown = d.script(BODIES, json!([])).await;
    assert!(
        !shown
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b == "ni")),
        "nothing was sent to the timeline: {shown}"
    );
    assert_eq!(
        on_server(&w, "general", "ni").await,
        0,
        "nothing reached the server"
    );
    d.screenshot("01-composed-not-sent").await;
    // The next Enter, a plain one, sends it, once.
    d.type_into("#composer", "\u{E007}").await;
    d.until_script(
        "return Array.from(document.querySelectorAll('#messages .message.sent[data-index] .body'), b => b.innerText.trim()).includes('ni');",
        "the message sent",
        |v| v == true,
    )
    .await;
    let sent = eventually!(on_server(&w, "general", "ni").await, |n| n > 0);
    assert_eq!(sent, 1, "the plain Enter sent the message once");

    // The edit box: neither Enter nor Esc that confirm a composition saves
    // or cancels the edit.
    d.type_into("#composer", "\u{E013}").await;
    d.find(".edit-box").await;
    compose(&d, ".edit-box", "nihao", "Enter").await;
    compose(&d, ".edit-box", "nihao", "Escape").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(d.count(".edit-box").await, 1, "still editing");
    assert_eq!(
        d.script(
            "return document.querySelector('.edit-box').value;",
            json!([])
        )
        .await,
        "nihao"
    );
    assert_eq!(
        on_server(&w, "general", "ni").await,
        1,
        "the edit was not saved"
    );
    assert_eq!(on_server(&w, "general", "nihao").await, 0);
    d.screenshot("02-composed-in-the-edit-box").await;
    d.replace_text(".edit-box", "nihao\u{E007}").await;
    d.until_text("#messages", "the edit", |t| {
        t.contains("nihao") && t.contains("(edited)")
    })
    .await;
    let edited = eventually!(on_server(&w, "general", "nihao").await, |n| n > 0);
    assert_eq!(edited, 1, "the plain Enter saved the edit");

    // The search box: Enter does not search, Esc does not clear it.
    compose(&d, "#search", "ni", "Enter").await;
    compose(&d, "#search", "ni", "Escape").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        d.script("return document.getElementById('panel').hidden;", json!([]))
            .await,
        true,
        "no search ran"
    );
    assert_eq!(
        d.script("return document.getElementById('search').value;", json!([]))
            .await,
        "ni",
        "the search box kept its text"
    );
    d.type_into("#search", "\u{E007}").await;
    d.until_script(
        "return document.getElementById('panel').hidden;",
        "the search results",
        |v| v == false,
    )
    .await;

    // The switcher: neither Enter nor the arrows pick a channel.
    d.type_into("#composer", "\u{E009}k\u{E000}").await;
    d.until_script(
        "return document.getElementById('switcher').open;",
        "the channel switcher",
        |v| v == true,
    )
    .await;
    compose(&d, "#switcher-input", "ni", "Enter").await;
    compose(&d, "#switcher-input", "ni", "ArrowDown").await;
    compose(&d, "#switcher-input", "ni", "ArrowUp").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        d.script(
            "return document.getElementById('switcher').open;",
            json!([])
        )
        .await,
        true,
        "the switcher is still open"
    );
    assert!(d.text("#switcher-list").await.contains("nihongo"));
    assert!(
        d.text("#channel-title").await.contains("general"),
        "no channel was opened"
    );
    d.screenshot("03-composed-in-the-switcher").await;
    d.type_into("#switcher-input", "\u{E007}").await;
    d.until_text("#channel-title", "nihongo open", |t| t.contains("nihongo"))
        .await;
    d.quit().await;
}
