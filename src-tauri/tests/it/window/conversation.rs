//! Reactions, replies and mentions in the real window against a real
//! server: two people reacting at once are both counted; the picker finds
//! an emoji by name; a reply quotes its original and jumps to it; `@`
//! completes a member's name and the message names them; a mention of the
//! user elsewhere shows as a mention badge.

use super::*;

/// A script giving the reactions on message `sid`: emoji, count, mine.
fn chips(sid: &str) -> String {
    format!(
        "return [...document.querySelectorAll(\"#messages li.message[data-sid='{sid}'] .reaction:not(.add)\")]
           .map(c => [c.querySelector('.emoji')?.textContent, c.querySelector('.count')?.textContent, c.getAttribute('aria-pressed')]);"
    )
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn reactions_replies_and_mentions_in_the_real_window() {
    let w = World::start().await;
    w.general().await;
    w.channel("random").await;
    w.bob_says("general", "who is in for friday?").await;
    let target = w
        .messages("general")
        .await
        .iter()
        .find(|m| m["body"] == "who is in for friday?")
        .and_then(|m| m["sid"].as_str().map(str::to_owned))
        .expect("the message");
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-conversation-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "conversation").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;
    let row = format!("#messages li.message[data-sid='{target}']");
    d.find(&row).await;
    let chips = chips(&target);

    // alice and bob react with 👍 at once: both count, alice's is hers.
    let path = format!("/v2/Services/{}/Channels/general/Messages", w.service);
    let attrs = json!({"parley": {"reaction": {"to": target, "emoji": "👍"}}}).to_string();
    let form = [
        ("Body", "👍"),
        ("From", "bob"),
        ("Attributes", attrs.as_str()),
    ];
    let bob = w.post(&path, &form);
    let alice = d.click_action(&row, "quick:👍");
    tokio::join!(bob, alice);
    d.until_script(&chips, "two 👍", |v| v == &json!([["👍", "2", "true"]]))
        .await;
    // Not a line of its own in the timeline.
    let drawn = d
        .script(
            "return [...document.querySelectorAll('#messages li.message .body')].map(b => b.innerText.trim());",
            json!([]),
        )
        .await;
    assert!(
        !drawn.as_array().expect("bodies").iter().any(|b| b == "👍"),
        "no reaction drawn as a message: {drawn}"
    );
    // The picker finds 🎉 by its name.
    d.click_action(&row, "react").await;
    d.find("dialog#emoji-picker[open] #emoji-search").await;
    d.type_into("#emoji-search", "party popper").await;
    d.click("#emoji-picker button[data-emoji='🎉']").await;
    d.until_script(&chips, "👍 and 🎉", |v| {
        v == &json!([["👍", "2", "true"], ["🎉", "1", "true"]])
    })
    .await;
    d.screenshot("01-reactions").await;
    // Taking 👍 back leaves bob's.
    d.click(&format!("{row} .reaction[data-reaction='👍']"))
        .await;
    d.until_script(&chips, "bob's 👍 left", |v| {
        v == &json!([["👍", "1", "false"], ["🎉", "1", "true"]])
    })
    .await;
    let on_server = eventually!(
        bodies(&w.messages("general").await)
            .iter()
            .filter(|b| *b == "👍")
            .count(),
        |n| n == 1
    );
    assert_eq!(on_server, 1, "alice's 👍 message deleted, bob's kept");

    // A reply quotes the original and jumps back to it.
    d.click_action(&row, "reply").await;
    d.until_text("#reply-bar", "the reply bar", |t| {
        t.contains("who is in for friday?")
    })
    .await;
    d.type_into("#composer", "count me in\u{E007}").await;
    let quote = "#messages li.message .reply-quote";
    d.until_text(quote, "the quote", |t| {
        t.contains("bob") && t.contains("who is in for friday?")
    })
    .await;
    assert_eq!(
        d.script(
            "return document.getElementById('reply-bar').hidden;",
            json!([])
        )
        .await,
        json!(true)
    );
    let sent = w
        .messages("general")
        .await
        .into_iter()
        .find(|m| m["body"] == "count me in")
        .expect("the reply on the server");
    let attrs: Value =
        serde_json::from_str(sent["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(attrs["parley"]["reply"]["to"], target.as_str());
    d.click(quote).await;
    d.until_script(
        &format!(
            "return document.querySelector(\"{row}\")?.classList.contains('highlight') ?? false;"
        ),
        "the original highlighted",
        |v| v == &json!(true),
    )
    .await;
    d.screenshot("02-reply").await;

    // @ completes a member's name; the message names them.
    d.type_into("#composer", "@b").await;
    d.until_text("#mention-list", "the mention list", |t| t.contains("bob"))
        .await;
    d.type_into("#composer", "\u{E007}").await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        json!("@bob ")
    );
    d.type_into("#composer", "see above\u{E007}").await;
    let named = eventually!(
        w.messages("general")
            .await
            .into_iter()
            .find(|m| m["body"] == "@bob see above"),
        |m| m.is_some()
    )
    .expect("sent");
    let attrs: Value =
        serde_json::from_str(named["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(attrs["parley"]["mentions"], json!(["bob"]));
    d.until_script(
        "return [...document.querySelectorAll('#messages .mention')].map(m => m.textContent);",
        "the mention drawn",
        |v| v.as_array().is_some_and(|a| a.iter().any(|m| m == "@bob")),
    )
    .await;

    // bob names alice in another channel: a mention badge there.
    let random = format!("/v2/Services/{}/Channels/random/Messages", w.service);
    w.post(
        &random,
        &[
            ("Body", "@alice can you look?"),
            ("From", "bob"),
            ("Attributes", r#"{"parley":{"mentions":["alice"]}}"#),
        ],
    )
    .await;
    d.until_script(
        "return document.querySelector('#channels .mention-badge')?.textContent ?? '';",
        "the mention badge",
        |v| v.as_str().is_some_and(|t| t.contains('1')),
    )
    .await;
    d.switch_to("random").await;
    d.until_script(
        "return !!document.querySelector('#messages li.message.mentions-me .mention.mention-me');",
        "the mention of alice drawn strongly",
        |v| v == &json!(true),
    )
    .await;
    d.screenshot("03-mentions").await;
    d.quit().await;
}
