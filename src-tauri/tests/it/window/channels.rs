//! Channels: create, edit and delete, the switcher and drafts, invites,
//! public channels, read receipts, typing, leaving, settings and members.

use super::*;

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn create_a_channel_edit_and_delete_switch_with_ctrl_k_and_keep_a_draft_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    w.bob_says("general", "hi alice").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-keys-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "keyboard_and_drafts").await;
    d.sign_in("alice").await;
    d.until_text("#messages", "history", |t| t.contains("hi alice"))
        .await;

    // Create a public channel: it opens, and alice is its member on the server.
    d.click("#create").await;
    d.type_into("#create-name", "design review").await;
    d.type_into("#create-unique", "design").await;
    d.click("#create-submit").await;
    d.until_text("#channel-title", "the new channel open", |t| {
        t.contains("design review")
    })
    .await;
    let members = w
        .get(&format!("/v2/Services/{svc}/Channels/design/Members"))
        .await;
    assert!(
        members["members"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["identity"] == "alice")),
        "the creator is a member: {members}"
    );

    // Send, then arrow-up in the empty composer edits the last own message.
    d.type_into("#composer", "first plan\u{E007}").await;
    d.until_text("#messages", "own message", |t| t.contains("first plan"))
        .await;
    d.type_into("#composer", "\u{E013}").await;
    d.replace_text(".edit-box", "second plan\u{E007}").await;
    let edited = d
        .until_text("#messages", "the edit", |t| {
            t.contains("second plan") && t.contains("(edited)")
        })
        .await;
    assert!(!edited.contains("first plan"), "{edited}");
    let on_server = eventually!(bodies(&w.messages("design").await), |b| b
        == ["second plan"]);
    assert_eq!(on_server, ["second plan"], "the edit reached the server");
    d.screenshot("01-edited").await;

    // Delete asks first: Cancel keeps the message, Delete removes it (a
    // placeholder here, gone on the server).
    d.click_action("#messages .message", "delete").await;
    let question = d
        .until_text("#ask", "the question", |t| {
            t.contains("Delete this message")
        })
        .await;
    assert!(question.contains("Cancel"), "{question}");
    d.screenshot("02-delete-asks").await;
    d.click("#ask-cancel").await;
    d.until_script(
        "return document.getElementById('ask').open;",
        "the question closed",
        |v| v == false,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        bodies(&w.messages("design").await),
        ["second plan"],
        "Cancel deletes nothing"
    );
    assert!(d.text("#messages").await.contains("second plan"));
    d.click_action("#messages .message", "delete").await;
    d.until_text("#ask", "the question again", |t| {
        t.contains("Delete this message")
    })
    .await;
    d.click("#ask-ok").await;
    d.until_text("#messages", "the deleted placeholder", |t| {
        t.contains("This message was deleted")
    })
    .await;
    let on_server = eventually!(bodies(&w.messages("design").await), |b| b.is_empty());
    assert!(on_server.is_empty(), "deleted on the server: {on_server:?}");

    // Ctrl+K, a few letters and Enter switch channels.
    d.type_into("#composer", "\u{E009}k\u{E000}").await;
    d.until_script(
        "return document.getElementById('switcher').open;",
        "the channel switcher",
        |v| v == true,
    )
    .await;
    d.type_into("#switcher-input", "gen\u{E007}").await;
    d.until_text("#channel-title", "general open", |t| t.contains("general"))
        .await;

    // Esc closes a panel.
    d.click("#members-toggle").await;
    d.until_script(
        "return document.getElementById('panel').hidden;",
        "the members panel",
        |v| v == false,
    )
    .await;
    d.until_text("#panel", "members listed", |t| t.contains("bob"))
        .await;
    d.type_into("#composer", "\u{E00C}").await;
    d.until_script(
        "return document.getElementById('panel').hidden;",
        "the panel closed",
        |v| v == true,
    )
    .await;

    // A draft survives a restart, in its own channel only.
    d.type_into("#composer", "an unsent thought").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    d.quit().await;
    let d = Driver::start(data.path(), &url, &keyring, "keyboard_and_drafts").await;
    d.until_text("#channel-title", "the last channel", |t| {
        t.contains("general")
    })
    .await;
    d.until_script(
        "return document.getElementById('composer').value;",
        "the draft back",
        |v| v == "an unsent thought",
    )
    .await;
    d.screenshot("03-draft-after-restart").await;
    d.switch_to("design").await;
    assert_eq!(
        d.script(
            "return document.getElementById('composer').value;",
            json!([])
        )
        .await,
        "",
        "the draft belongs to general only"
    );
    d.quit().await;
    assert!(
        !bodies(&w.messages("general").await)
            .iter()
            .any(|b| b.contains("an unsent thought")),
        "a draft is never sent"
    );
}

/// Bob's notifications go nowhere (he is a headless second client).
#[derive(Debug)]
struct Silent;

impl parley_client::notify::Notifier for Silent {
    fn show(&self, _: &parley_client::notify::Notification) -> parley_client::Result<()> {
        Ok(())
    }
}

/// Whether `identity` is a member of `channel` on the server.
async fn is_member(w: &World, channel: &str, identity: &str) -> bool {
    let svc = &w.service;
    let members = w
        .get(&format!("/v2/Services/{svc}/Channels/{channel}/Members"))
        .await;
    members["members"]
        .as_array()
        .is_some_and(|m| m.iter().any(|m| m["identity"] == identity))
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn invites_public_channels_read_receipts_typing_and_leaving_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    // Presence is tracked only where the service says so (as on Twilio).
    w.post(
        &format!("/v2/Services/{svc}"),
        &[("ReachabilityEnabled", "true")],
    )
    .await;
    let channels = format!("/v2/Services/{svc}/Channels");
    for (name, kind) in [
        ("lounge", "public"),
        ("secret", "private"),
        ("ops", "private"),
    ] {
        w.post(
            &channels,
            &[("UniqueName", name), ("FriendlyName", name), ("Type", kind)],
        )
        .await;
        w.post(
            &format!("{channels}/{name}/Members"),
            &[("Identity", "bob")],
        )
        .await;
    }
    for name in ["secret", "ops"] {
        w.post(
            &format!("{channels}/{name}/Invites"),
            &[("Identity", "alice")],
        )
        .await;
    }
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-social-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start(data.path(), &url, &keyring, "invites_receipts_typing").await;
    d.sign_in("alice").await;

    // Two invites: accept one (it opens), decline the other.
    d.until_text("#invites", "the invites", |t| {
        t.contains("secret") && t.contains("ops")
    })
    .await;
    d.screenshot("01-invites").await;
    let sid_of = |name: &str| {
        format!("return [...document.querySelectorAll('#invites li')].find(l => l.innerText.includes('{name}'))?.dataset.sid ?? '';")
    };
    let secret = d.script(&sid_of("secret"), json!([])).await;
    let ops = d.script(&sid_of("ops"), json!([])).await;
    let (secret, ops) = (secret.as_str().unwrap_or(""), ops.as_str().unwrap_or(""));
    d.click(&format!("#invites li[data-sid='{secret}'] button"))
        .await;
    d.until_text("#channel-title", "the accepted channel", |t| {
        t.contains("secret")
    })
    .await;
    // The invitations list is drawn again once the accepted one leaves it:
    // click Decline on that list, not on the one being replaced.
    d.until_text("#invites", "only the other invite", |t| {
        !t.contains("secret") && t.contains("ops")
    })
    .await;
    d.click(&format!("#invites li[data-sid='{ops}'] button:last-child"))
        .await;
    d.until_text("#invites", "no invites left", |t| !t.contains("ops"))
        .await;
    assert!(is_member(&w, "secret", "alice").await, "accepted: a member");
    assert!(
        !is_member(&w, "ops", "alice").await,
        "declined: not a member"
    );
    let ops_invites = w.get(&format!("{channels}/ops/Invites")).await;
    assert_eq!(
        ops_invites["invites"].as_array().map(Vec::len),
        Some(0),
        "the declined invite is gone: {ops_invites}"
    );

    // The browser lists the public channel alice is not in; Join opens it.
    d.click("#browse").await;
    let listed = d
        .until_text("#browser-list", "public channels", |t| t.contains("lounge"))
        .await;
    assert!(
        !listed.contains("secret"),
        "private channels are not listed: {listed}"
    );
    d.click("#browser-list li button").await;
    d.until_text("#channel-title", "the joined channel", |t| {
        t.contains("lounge")
    })
    .await;
    assert!(
        is_member(&w, "lounge", "alice").await,
        "joined on the server"
    );

    // Bob, a second client, types in general and reads alice's message.
    let bob_dir = tempfile::tempdir().expect("bob");
    let bob = parley_client::Client::login(
        &parley_client::ClientConfig {
            data_dir: bob_dir.path().to_owned(),
        },
        &url,
        "bob",
        PASSWORD,
        false,
        std::sync::Arc::new(parley_client::secrets::MemoryStore::default()),
        std::sync::Arc::new(Silent),
    )
    .await
    .expect("bob signs in");
    bob.start();
    d.switch_to("general").await;
    d.type_into("#composer", "did you read this?\u{E007}").await;
    let general = w.get(&format!("{channels}/general")).await;
    let general_sid = general["sid"].as_str().expect("general").to_owned();
    let mut typing = String::new();
    for _ in 0..100 {
        if bob.connection_state() == parley_client::ConnectionState::Online {
            bob.typing(&general_sid);
        }
        typing = d.text("#typing").await;
        if typing.contains("bob") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(typing.contains("bob"), "bob's typing shows: {typing:?}");
    d.screenshot("02-typing").await;
    let index = eventually!(
        w.messages("general")
            .await
            .iter()
            .find(|m| m["body"] == "did you read this?")
            .and_then(|m| m["index"].as_i64()),
        |i| i.is_some()
    );
    let index = index.expect("alice's message on the server").to_string();
    w.post(
        &format!("{channels}/general/Members/bob"),
        &[("LastConsumedMessageIndex", index.as_str())],
    )
    .await;
    d.until_text("#messages", "bob's read receipt", |t| {
        t.contains("Seen by bob")
    })
    .await;
    d.screenshot("03-seen").await;

    // The members panel shows bob online, and offline once his client
    // disconnects, without being opened again.
    const BOB_ONLINE: &str = "const li = [...document.querySelectorAll('#panel .members li')].find(l => l.innerText.includes('bob')); return li ? li.querySelector('.presence').classList.contains('online') : null;";
    d.click("#members-toggle").await;
    d.until_script(BOB_ONLINE, "bob shown online", |v| v == true)
        .await;
    bob.stop();
    drop(bob);
    d.until_script(BOB_ONLINE, "bob shown offline", |v| v == false)
        .await;
    d.screenshot("04-bob-offline").await;
    d.type_into("#composer", "\u{E00C}").await;

    // Leave lounge from its members panel: asked first, then gone here and
    // on the server.
    d.switch_to("lounge").await;
    d.click("#members-toggle").await;
    d.until_text("#panel", "the members panel", |t| t.contains("Leave"))
        .await;
    d.click("#panel button.danger:last-child").await;
    d.until_text("#ask", "the question", |t| t.contains("Leave this channel"))
        .await;
    d.click("#ask-ok").await;
    d.until_text("#channels", "lounge gone", |t| !t.contains("lounge"))
        .await;
    assert!(
        !is_member(&w, "lounge", "alice").await,
        "left on the server"
    );
    d.quit().await;
}

/// The badge text of the sidebar channel whose name contains `name` ("" if
/// it has none).
const BADGE_OF: &str = "const li = [...document.querySelectorAll('#channels li')].find(l => l.querySelector('.name')?.innerText.includes(arguments[0])); return li ? (li.querySelector('.badge')?.innerText ?? '') : null;";

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn settings_mute_unread_divider_links_and_removing_a_member_in_the_real_window() {
    let w = World::start().await;
    let svc = w.service.clone();
    w.general().await;
    w.channel("random").await;
    // A system browser that writes down what it was asked to open.
    let xdg = tempfile::tempdir().expect("xdg");
    let opened = xdg.path().join("opened.txt");
    let browser = xdg.path().join("browser.sh");
    std::fs::write(
        &browser,
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
    )
    .expect("browser");
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("executable");
    let apps = xdg.path().join("data/applications");
    std::fs::create_dir_all(&apps).expect("apps");
    std::fs::write(
        apps.join("parley-test-browser.desktop"),
        format!(
            "[Desktop Entry]\nType=Application\nName=Test browser\nExec={} %u\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\n",
            browser.display()
        ),
    )
    .expect("desktop file");
    std::fs::create_dir_all(xdg.path().join("config")).expect("config");
    std::fs::write(
        xdg.path().join("config/mimeapps.list"),
        "[Default Applications]\nx-scheme-handler/http=parley-test-browser.desktop\nx-scheme-handler/https=parley-test-browser.desktop\n",
    )
    .expect("mimeapps");
    let (data_home, config_home) = (
        xdg.path().join("data").display().to_string(),
        xdg.path().join("config").display().to_string(),
    );

    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-settings-{}", std::process::id());
    let url = w.server.url();
    let d = Driver::start_with(
        data.path(),
        &url,
        &keyring,
        "settings_links_members",
        &[
            ("XDG_DATA_HOME", data_home.as_str()),
            ("XDG_CONFIG_HOME", config_home.as_str()),
            ("BROWSER", browser.to_str().unwrap_or_default()),
        ],
    )
    .await;
    d.sign_in("alice").await;

    // Alice creates "news" (so she administers it); bob joins; it gets attributes.
    d.click("#create").await;
    d.type_into("#create-name", "news").await;
    d.type_into("#create-unique", "news").await;
    d.click("#create-submit").await;
    d.until_text("#channel-title", "news open", |t| t.contains("news"))
        .await;
    let channels = format!("/v2/Services/{svc}/Channels");
    w.post(&format!("{channels}/news/Members"), &[("Identity", "bob")])
        .await;
    w.post(
        &format!("{channels}/news"),
        &[("Attributes", r#"{"topic":"launch"}"#)],
    )
    .await;

    // Settings show the channel's names and attributes; mute it.
    d.click("#settings-toggle").await;
    let settings = d
        .until_text("#panel", "the settings with attributes", |t| {
            t.contains("launch")
        })
        .await;
    assert!(settings.contains("\"topic\""), "{settings}");
    assert!(settings.contains("news"), "{settings}");
    d.click("#panel input[value=muted]").await;
    d.until_script(
        "return document.querySelector('#channels li.muted .name')?.innerText ?? '';",
        "news shown muted",
        |v| v.as_str().is_some_and(|t| t.contains("news")),
    )
    .await;
    d.screenshot("01-settings-muted").await;
    d.type_into("#composer", "\u{E00C}").await;

    // In general: news (muted) gets no badge, random does; random then
    // opens with the unread divider above the new message.
    d.switch_to("general").await;
    w.bob_says("news", "muted chatter").await;
    w.bob_says("random", "loud news").await;
    let random_badge = eventually!(d.script(BADGE_OF, json!(["random"])).await, |b| b == "1");
    assert_eq!(random_badge, "1", "random's unread badge");
    assert_eq!(
        d.script(BADGE_OF, json!(["news"])).await,
        "",
        "a muted channel shows no unread badge"
    );
    d.screenshot("02-badges").await;
    d.click("#channels li.unread").await;
    let random = d
        .until_text("#messages", "random's messages", |t| {
            t.contains("loud news")
        })
        .await;
    let divider = random.find("New messages");
    assert!(
        divider.is_some_and(|at| Some(at) < random.find("loud news")),
        "the unread divider is above the new message: {random}"
    );

    // A link in a message opens in the system browser.
    d.switch_to("general").await;
    w.bob_says(
        "general",
        "the docs are at https://example.com/docs?page=2 now",
    )
    .await;
    d.click("#messages a[href^='https://example.com']").await;
    let seen = eventually!(std::fs::read_to_string(&opened).unwrap_or_default(), |s| !s
        .is_empty());
    assert_eq!(
        seen.trim(),
        "https://example.com/docs?page=2",
        "opened in the browser"
    );

    // As news's admin, alice removes bob after the question.
    d.switch_to("news").await;
    d.click("#members-toggle").await;
    d.until_text("#panel", "bob listed with Remove", |t| {
        t.contains("bob") && t.contains("Remove")
    })
    .await;
    d.click("#panel .members button.danger").await;
    d.until_text("#ask", "the question", |t| t.contains("Remove bob"))
        .await;
    d.click("#ask-ok").await;
    d.until_text("#panel", "bob gone from the list", |t| !t.contains("bob"))
        .await;
    assert!(!is_member(&w, "news", "bob").await, "removed on the server");
    d.screenshot("03-bob-removed").await;
    d.quit().await;
}
