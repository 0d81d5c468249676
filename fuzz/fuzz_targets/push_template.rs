//! Push templates: whatever the template and the message, the text is at
//! most 110 characters, a template without variables is itself (cut), and
//! a message is never expanded as a template (`${USER}` in a message
//! stays as written).
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::push::template::{cut, render, Vars, MAX_TEXT};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (template, message) = text.split_once('\u{0}').unwrap_or((&text, "${USER}"));
    let vars = Vars {
        user_identity: "alice",
        user_friendly_name: Some("Alice ${CHANNEL}"),
        channel_sid: "CH00000000000000000000000000000001",
        channel_friendly_name: None,
        channel_unique_name: Some("general"),
        message,
    };
    let out = render(template, &vars);
    assert!(out.chars().count() <= MAX_TEXT, "{out:?}");
    if !template.contains("${") {
        assert_eq!(out, cut(template, MAX_TEXT));
    }
    assert_eq!(render("${MESSAGE}", &vars), cut(message, MAX_TEXT));
});
