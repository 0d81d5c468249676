//! Native notifications and what clicking one opens.

use super::*;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn a_message_elsewhere_raises_a_notification_and_clicking_it_opens_that_channel() {
    let w = World::start().await;
    w.general().await;
    w.channel("random").await;
    let notifications = NotificationServer::start();
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-notify-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "notification_click").await;
    d.sign_in("alice").await;
    d.switch_to("general").await;

    w.bob_says("random", "lunch at noon?").await;
    let shown = eventually!(notifications.notified(), |n| !n.is_empty());
    assert_eq!(shown.len(), 1, "one notification: {shown:?}");
    let (summary, body) = &shown[0];
    assert!(
        summary.contains("random"),
        "it names the channel: {summary}"
    );
    assert!(body.contains("lunch at noon?"), "and the message: {body}");
    notifications.click(1);
    d.until_text("#channel-title", "random opened by the click", |t| {
        t.contains("random")
    })
    .await;
    d.until_text("#messages", "the message", |t| t.contains("lunch at noon?"))
        .await;
    d.screenshot("01-opened-from-notification").await;

    // Do not disturb: nothing is shown until it is turned off again.
    d.switch_to("general").await;
    d.click("#dnd").await;
    w.bob_says("random", "while you rest").await;
    d.until_text("#channels", "the message arrived", |t| {
        t.contains("while you rest")
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        notifications.notified().len(),
        1,
        "nothing shown under do-not-disturb"
    );
    d.click("#dnd").await;
    w.bob_says("random", "back yet?").await;
    let shown = eventually!(notifications.notified(), |n| n.len() > 1);
    assert_eq!(
        shown.len(),
        2,
        "shown again after do-not-disturb: {shown:?}"
    );
    assert!(shown[1].1.contains("back yet?"), "{shown:?}");
    d.quit().await;
}
