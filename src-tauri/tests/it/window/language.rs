//! The window in Traditional Chinese: started with a zh-TW system locale it
//! speaks zh-TW from the sign-in screen on (errors, the channel list, day
//! labels, the settings); a choice in the settings switches at once without
//! signing out, is kept for the profile, and wins over the system's
//! language at the next start.

use super::*;

/// Picks `value` in the settings' language select, the way a person does.
async fn choose_language(d: &Driver, value: &str) {
    if d.count("#language").await == 0 {
        d.click("#settings-toggle").await;
    }
    d.click(&format!("#language option[value='{value}']")).await;
}

#[tokio::test]
#[ignore = "needs a display, a D-Bus session with gnome-keyring and tauri-driver: make test runs it under Xvfb"]
async fn the_window_speaks_traditional_chinese_from_the_system_or_by_choice() {
    let w = World::start().await;
    w.general().await;
    w.bob_says("general", "我們明天下午開會討論預算").await;
    let data = tempfile::tempdir().expect("data");
    let keyring = format!("parley-e2e-language-{}", std::process::id());
    let zh_system = [("LANGUAGE", "zh_TW:zh"), ("LANG", "zh_TW.UTF-8")];
    {
        let d = Driver::start_with(
            data.path(),
            &w.server.url(),
            &keyring,
            "language",
            &zh_system,
        )
        .await;
        // The sign-in screen, before anyone signs in.
        d.until_text("#signin-button", "the sign-in button", |t| t == "登入")
            .await;
        assert_eq!(
            d.script("return document.documentElement.lang;", json!([]))
                .await,
            json!("zh-TW")
        );
        d.type_into("#username", "alice").await;
        d.type_into("#password", "wrong").await;
        d.click("#signin-button").await;
        let err = d
            .until_text("#signin-error", "an error", |t| !t.is_empty())
            .await;
        assert!(
            err.contains('。') && !err.to_lowercase().contains("password"),
            "a wrong password is said in Chinese: {err}"
        );
        d.screenshot("01-sign-in-zh").await;
        d.replace_text("#password", PASSWORD).await;
        d.click("#signin-button").await;
        d.until_text("#channels", "the channel list", |t| t.contains("general"))
            .await;
        let sidebar = d.text(".sidebar").await;
        for word in ["頻道", "登出", "瀏覽頻道", "建立頻道"] {
            assert!(sidebar.contains(word), "{word} in the sidebar: {sidebar}");
        }
        d.switch_to("general").await;
        let history = d
            .until_text("#messages", "history", |t| t.contains("討論預算"))
            .await;
        assert!(
            history.contains("今天"),
            "today's day label in Chinese: {history}"
        );
        assert_eq!(
            d.script(
                "return document.querySelector('#composer').placeholder;",
                json!([])
            )
            .await,
            json!("輸入訊息（按 Enter 傳送，Shift+Enter 換行）")
        );
        d.screenshot("02-channel-zh").await;

        // English by choice: the window redraws in English, still signed in.
        choose_language(&d, "en").await;
        d.until_text("#channels", "the channel list after the switch", |t| {
            t.contains("general")
        })
        .await;
        d.until_text(".sidebar", "the English sidebar", |t| {
            t.to_lowercase().contains("channels") && t.contains("Sign out")
        })
        .await;
        assert!(!d.text(".sidebar").await.contains("頻道"));
        assert_eq!(
            d.script("return document.documentElement.lang;", json!([]))
                .await,
            json!("en")
        );
        assert!(
            !d.text("#main").await.is_empty(),
            "no sign-in screen after the switch"
        );
        let prefs = std::fs::read_to_string(data.path().join("preferences.json")).expect("kept");
        assert!(prefs.contains("\"en\""), "{prefs}");
        d.screenshot("03-switched-to-en").await;
        d.quit().await;
    }
    // The choice wins over the system's language at the next start; the
    // system's default follows the system again.
    {
        let d = Driver::start_with(
            data.path(),
            &w.server.url(),
            &keyring,
            "language",
            &zh_system,
        )
        .await;
        d.until_text(".sidebar", "the English sidebar at start", |t| {
            t.to_lowercase().contains("channels")
        })
        .await;
        // The last channel opens again (and the panel with it is redrawn).
        d.until_text("#messages", "history", |t| t.contains("討論預算"))
            .await;
        choose_language(&d, "").await;
        d.until_text(".sidebar", "the sidebar following the system", |t| {
            t.contains("頻道")
        })
        .await;
        let prefs = std::fs::read_to_string(data.path().join("preferences.json")).expect("kept");
        assert!(prefs.contains("null"), "{prefs}");
        d.screenshot("04-system-default").await;
        d.quit().await;
    }
}
