//! Threads in the real window against a real server: a message's "Reply in
//! thread" opens the thread beside the conversation, a reply sent there
//! goes into the thread (not the channel's timeline), the first message
//! counts the replies, and someone else's reply shows in the open thread.

use super::*;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_thread_beside_the_conversation_in_the_real_window() {
    let w = World::start().await;
    w.general().await;
    w.bob_says("general", "release on friday?").await;
    let root = w
        .messages("general")
        .await
        .iter()
        .find(|m| m["body"] == "release on friday?")
        .and_then(|m| m["sid"].as_str().map(str::to_owned))
        .expect("the message");
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-threads-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "threads").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;
    let row = format!("#messages li.message[data-sid='{root}']");
    d.find(&row).await;

    // Reply in thread: the thread opens beside, its first message on top.
    d.click_action(&row, "thread").await;
    d.until_text("#thread-messages", "the thread", |t| {
        t.contains("release on friday?")
    })
    .await;
    d.type_into("#thread-composer", "only after the freeze\u{E007}")
        .await;
    d.until_text("#thread-messages", "alice's reply in the thread", |t| {
        t.contains("only after the freeze")
    })
    .await;
    // On the server it names its thread; in the window it is not in the timeline.
    let mut sent = None;
    for _ in 0..100 {
        sent = w
            .messages("general")
            .await
            .into_iter()
            .find(|m| m["body"] == "only after the freeze");
        if sent.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = sent.expect("the reply reached the server");
    let attrs: Value =
        serde_json::from_str(sent["attributes"].as_str().expect("attributes")).expect("json");
    assert_eq!(attrs["parley"]["thread"]["root"], root.as_str());
    d.until_text(&format!("{row} .thread-summary"), "the reply count", |t| {
        t.contains("1 reply")
    })
    .await;
    let timeline = d.text("#messages").await;
    assert!(
        !timeline.contains("only after the freeze"),
        "a reply in a thread is not in the timeline: {timeline}"
    );

    // bob answers in the thread: it shows in the open thread, and the count follows.
    let path = format!("/v2/Services/{}/Channels/general/Messages", w.service);
    let attrs = json!({"parley": {"thread": {"root": root}}}).to_string();
    w.post(
        &path,
        &[
            ("Body", "then friday it is"),
            ("From", "bob"),
            ("Attributes", attrs.as_str()),
        ],
    )
    .await;
    d.until_text("#thread-messages", "bob's reply", |t| {
        t.contains("then friday it is")
    })
    .await;
    d.until_text(&format!("{row} .thread-summary"), "two replies", |t| {
        t.contains("2 replies")
    })
    .await;
    d.screenshot("01-thread").await;

    // Closed, it opens again from the reply count.
    d.click("#panel .close").await;
    d.click(&format!("{row} .thread-summary")).await;
    d.until_text("#thread-messages", "the thread again", |t| {
        t.contains("then friday it is") && t.contains("only after the freeze")
    })
    .await;
}
