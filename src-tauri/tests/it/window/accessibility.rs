//! The window checked with an accessibility checker (axe-core, from the
//! UI's npm dev dependencies, injected into the real window): the sign-in
//! screen, the conversation with its side panels, and the dialogs have no
//! serious or critical WCAG 2 A/AA violation — names on every control,
//! landmarks, contrast, a focus order a screen reader user can follow.

use super::*;

/// The checker's source, read once from the UI's node_modules.
fn axe_source() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (make test installs the UI's dev dependencies)",
            path.display()
        )
    })
}

impl Driver {
    /// The serious and critical WCAG 2 A/AA violations on the page now:
    /// "rule: the elements it found" per rule.
    async fn violations(&self, axe: &str) -> Vec<String> {
        let loaded = self
            .script("return typeof window.axe === 'object';", json!([]))
            .await;
        if loaded != json!(true) {
            self.script(&format!("{axe}\nreturn true;"), json!([]))
                .await;
        }
        let found = self
            .cmd(
                reqwest::Method::POST,
                "/execute/async",
                json!({"script": "const done = arguments[arguments.length - 1];
                    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                      .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ': ' + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))))
                      .catch(e => done(['the checker failed: ' + e]));",
                       "args": []}),
            )
            .await;
        found
            .as_array()
            .unwrap_or_else(|| panic!("axe answered {found}"))
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Fails with what the checker found on `screen`, if anything.
    async fn accessible(&self, axe: &str, screen: &str) {
        let v = self.violations(axe).await;
        if !v.is_empty() {
            self.screenshot(&format!("a11y-{screen}")).await;
        }
        assert!(v.is_empty(), "{screen}: {v:#?}");
    }
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn the_window_passes_an_accessibility_checker() {
    let axe = axe_source();
    let w = World::start().await;
    w.general().await;
    w.bob_says(
        "general",
        "the **plan** for friday, see https://example.com",
    )
    .await;
    let root = w
        .messages("general")
        .await
        .iter()
        .find(|m| {
            m["body"]
                .as_str()
                .is_some_and(|b| b.starts_with("the **plan**"))
        })
        .and_then(|m| m["sid"].as_str().map(str::to_owned))
        .expect("the message");
    let path = format!("/v2/Services/{}/Channels/general/Messages", w.service);
    let reaction = json!({"parley": {"reaction": {"to": root, "emoji": "👍"}}}).to_string();
    w.post(
        &path,
        &[
            ("Body", "👍"),
            ("From", "bob"),
            ("Attributes", reaction.as_str()),
        ],
    )
    .await;
    let thread = json!({"parley": {"thread": {"root": root}}}).to_string();
    w.post(
        &path,
        &[
            ("Body", "in a thread"),
            ("From", "bob"),
            ("Attributes", thread.as_str()),
        ],
    )
    .await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-a11y-{}", std::process::id());
    let d = Driver::start(data.path(), &w.server.url(), &keyring, "accessibility").await;

    d.until_script(
        "return !document.getElementById('signin').hidden;",
        "the sign-in screen",
        |v| v == &json!(true),
    )
    .await;
    d.accessible(&axe, "sign-in").await;

    d.sign_in("alice").await;
    d.switch_to("general").await;
    let row = format!("#messages li.message[data-sid='{root}']");
    d.until_text(
        &format!("{row} .thread-summary"),
        "the thread's count",
        |t| t.contains("1 reply"),
    )
    .await;
    d.accessible(&axe, "conversation").await;

    for (toggle, screen) in [
        ("#members-toggle", "members"),
        ("#settings-toggle", "settings"),
        ("#pins-toggle", "pins"),
    ] {
        d.click(toggle).await;
        d.find("#panel:not([hidden]) header").await;
        d.accessible(&axe, screen).await;
    }
    d.click(&format!("{row} .thread-summary")).await;
    d.until_text("#thread-messages", "the thread", |t| {
        t.contains("in a thread")
    })
    .await;
    d.accessible(&axe, "thread").await;

    d.type_into("#composer", "\u{E009}k\u{E000}").await;
    d.find("dialog[open] #switcher-input").await;
    d.accessible(&axe, "switcher").await;
    d.type_into("#switcher-input", "\u{E00C}").await;

    d.click("#shortcuts-open").await;
    d.find("dialog#shortcuts[open]").await;
    d.accessible(&axe, "shortcut sheet").await;
    d.type_into("dialog#shortcuts[open] button", "\u{E00C}")
        .await;

    d.click_action(&row, "react").await;
    d.find("dialog#emoji-picker[open] #emoji-search").await;
    d.until_script(
        "return document.querySelectorAll('#emoji-picker button[data-emoji]').length > 0;",
        "the emoji",
        |v| v == &json!(true),
    )
    .await;
    d.accessible(&axe, "emoji picker").await;
}
