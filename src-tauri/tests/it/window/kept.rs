//! Direct messages, pins, saved messages and search filters in the real
//! window: "Message" on a member opens a conversation listed under Direct
//! messages; the channel's admin pins and everyone sees it pinned; a saved
//! message is listed under Saved; filters show as chips that remove their
//! token.

use super::*;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn direct_messages_pins_saved_messages_and_search_filters_in_the_real_window() {
    let w = World::start().await;
    w.general().await;
    // alice is the channel's admin (she may pin).
    let svc = &w.service;
    let roles = w.get(&format!("/v2/Services/{svc}/Roles")).await;
    let admin = roles["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .find(|r| r["friendly_name"] == "channel admin")
        .and_then(|r| r["sid"].as_str())
        .expect("channel admin")
        .to_owned();
    w.post(
        &format!("/v2/Services/{svc}/Channels/general/Members/alice"),
        &[("RoleSid", admin.as_str())],
    )
    .await;
    w.bob_says("general", "the plan is at https://example.com/plan")
        .await;
    let target = w
        .messages("general")
        .await
        .iter()
        .find(|m| m["body"] == "the plan is at https://example.com/plan")
        .and_then(|m| m["sid"].as_str().map(str::to_owned))
        .expect("the message");
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-kept-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "kept").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;
    let row = format!("#messages li.message[data-sid='{target}']");
    d.find(&row).await;

    // Pin and save from the row's toolbar.
    d.click_action(&row, "pin").await;
    d.until_script(
        &format!(
            "return document.querySelector(\"{row}\")?.classList.contains('pinned') ?? false;"
        ),
        "the row pinned",
        |v| v == &json!(true),
    )
    .await;
    let pins = eventually!(
        {
            let ch = w.get(&format!("/v2/Services/{svc}/Channels/general")).await;
            ch["attributes"].as_str().unwrap_or_default().to_owned()
        },
        |a| a.contains(target.as_str())
    );
    assert!(pins.contains("\"pins\""), "{pins}");
    d.click("#pins-toggle").await;
    d.until_text("#panel", "the pinned list", |t| {
        t.contains("the plan is at")
    })
    .await;
    d.click_action(&row, "save").await;
    d.click("#saved-toggle").await;
    d.until_script(
        "return [...document.querySelectorAll('#panel li.kept')].map(l => l.dataset.sid);",
        "the saved list",
        |v| v == &json!([target]),
    )
    .await;
    d.screenshot("01-pinned-and-saved").await;

    // Filters as chips; removing one removes its token.
    d.type_into("#search", "from:bob has:link plan").await;
    d.until_script(
        "return [...document.querySelectorAll('#search-chips .search-chip')].map(c => c.dataset.key);",
        "two chips",
        |v| v == &json!(["from", "has"]),
    )
    .await;
    d.type_into("#search", "\u{E007}").await;
    d.until_text("#panel", "a result", |t| t.contains("the plan is at"))
        .await;
    d.click("#search-chips .search-chip[data-key='has'] button.remove")
        .await;
    assert_eq!(
        d.script(
            "return document.getElementById('search').value.replace(/\\s+/g, ' ').trim();",
            json!([])
        )
        .await,
        json!("from:bob plan")
    );
    d.screenshot("02-search-chips").await;

    // "Message" on bob opens a direct conversation, listed apart.
    d.click("#members-toggle").await;
    d.click("#panel button[data-action='direct']").await;
    d.until_text("#directs", "the conversation with bob", |t| {
        t.contains("bob")
    })
    .await;
    d.until_text("#channel-title", "the conversation open", |t| {
        t.contains("bob")
    })
    .await;
    assert!(!d.text("#channels").await.contains("alice, bob"));
    d.type_into("#composer", "just us\u{E007}").await;
    let dm = eventually!(
        w.get(&format!(
            "/v2/Services/{svc}/Channels/dm:alice,bob/Messages"
        ))
        .await["messages"]
            .as_array()
            .map(|m| m.iter().any(|m| m["body"] == "just us"))
            .unwrap_or(false),
        |sent| sent
    );
    assert!(dm, "the message is in the conversation dm:alice,bob");
    d.screenshot("03-direct").await;
    d.quit().await;
}
