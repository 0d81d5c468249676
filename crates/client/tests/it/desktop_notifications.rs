//! Native notifications observed on a real D-Bus session bus, served by
//! python3-dbusmock's notification_daemon template. `make test` runs these
//! with `--ignored` inside `dbus-run-session`.

use crate::common;
use parley_client::cache::NotifyPolicy;
#[path = "../support/notification_server.rs"]
mod notification_server;

use std::sync::Arc;
use std::time::Duration;

use common::{online, until, Server, PASSWORD};
use notification_server::NotificationServer;
use parley_client::notify::{DesktopNotifier, Notification, Notifier};
use parley_client::secrets::MemoryStore;
use parley_client::{Client, ClientConfig};
use parley_protocol::ChannelSid;

/// One notification daemon on the bus at a time: the tests take turns.
static BUS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn bus() -> std::sync::MutexGuard<'static, ()> {
    BUS.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
#[ignore = "needs a D-Bus session bus: make test runs it inside dbus-run-session"]
fn a_notification_reaches_the_bus_and_no_daemon_is_not_fatal() {
    let _bus = bus();
    let notifier = DesktopNotifier::default();
    let n = Notification {
        summary: "general".into(),
        body: "bob: hi there".into(),
        channel_sid: Some(ChannelSid::generate()),
        open: "Open".into(),
    };
    // No notification daemon yet: an error, not a crash; the client carries on.
    assert!(notifier.show(&n).is_err());
    let daemon = NotificationServer::start();
    let notifier = DesktopNotifier::default();
    notifier.show(&n).expect("shown");
    assert_eq!(
        daemon.notified(),
        vec![("general".to_owned(), "bob: hi there".to_owned())]
    );
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus: make test runs it inside dbus-run-session"]
// The guard only orders tests that run on separate threads and runtimes.
#[allow(clippy::await_holding_lock)]
async fn incoming_messages_notify_per_policy_with_template_text() {
    let _bus = bus();
    let daemon = NotificationServer::start();
    let server = Server::start().await;
    let svc = server.service.clone();
    server
        .post(
            &format!("/v2/Services/{svc}"),
            &[(
                "Notifications.NewMessage.Template",
                "${USER} in ${CHANNEL}: ${MESSAGE}",
            )],
        )
        .await;
    let general = server.channel("general", &["alice", "bob"]).await;
    let quiet = server.channel("quiet", &["alice", "bob"]).await;
    let data = tempfile::tempdir().expect("dir");
    let cfg = ClientConfig {
        data_dir: data.path().to_owned(),
    };
    let client = Client::login(
        &cfg,
        &server.url,
        "alice",
        PASSWORD,
        false,
        Arc::new(MemoryStore::default()),
        Arc::new(DesktopNotifier::default()),
    )
    .await
    .expect("login");
    client.start();
    online(&client).await;
    client
        .set_notify_level(&quiet, NotifyPolicy::Muted)
        .await
        .expect("mute");

    let long = "x".repeat(300);
    server.say("general", "bob", &long).await;
    server.say("quiet", "bob", "psst").await;
    until(&client, "a notification", || !daemon.notified().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = daemon.notified();
    assert_eq!(seen.len(), 1, "the muted channel stays quiet: {seen:?}");
    assert_eq!(seen[0].0, "general");
    assert!(
        seen[0].1.starts_with("bob in general: xxx"),
        "the service template is used: {}",
        seen[0].1
    );
    assert_eq!(
        seen[0].1.chars().count(),
        110,
        "truncated to 110 characters"
    );
    assert!(seen[0].1.ends_with('…'));

    // Reading the channel in a focused window: no notification for it.
    client.set_window_focused(true);
    client.open_channel(Some(&general)).expect("open");
    server.say("general", "bob", "seen live").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        daemon.notified().len(),
        1,
        "no notification for the channel being read"
    );

    // Own messages never notify; do-not-disturb silences everything.
    client.open_channel(None).expect("close");
    client.set_do_not_disturb(true).expect("dnd");
    server.say("general", "bob", "during dnd").await;
    server.say("general", "alice", "mine").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(daemon.notified().len(), 1);
    let _ = general;
}

#[test]
#[ignore = "needs a D-Bus session bus: make test runs it inside dbus-run-session"]
fn clicking_a_notification_reports_its_channel() {
    let _bus = bus();
    let daemon = NotificationServer::start();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let tx = std::sync::Mutex::new(tx);
    let notifier = DesktopNotifier::with_click_handler(Arc::new(move |channel| {
        if let Ok(t) = tx.lock() {
            let _ = t.send(channel);
        }
    }));
    let clicked = ChannelSid::generate();
    notifier
        .show(&Notification {
            summary: "general".into(),
            body: "bob: click me".into(),
            channel_sid: Some(clicked.clone()),
            open: "Open".into(),
        })
        .expect("shown");
    std::thread::sleep(Duration::from_millis(300));
    // The notification server reports a click on notification 1.
    daemon.click(1);
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).ok().as_deref(),
        Some(clicked.as_str())
    );
}
