//! A pre-event webhook's answer: whatever the body, the rewrite names only
//! fields its event allows, and a `Body` it takes is exactly the string the
//! JSON held (in either casing of the key).
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::webhooks::pre::{parse_rewrite, rewritable};

const EVENTS: &[&str] = &[
    "onMessageSend",
    "onMessageUpdate",
    "onChannelAdd",
    "onMemberUpdate",
    "onUserUpdate",
    "onMessageRemove",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let event = EVENTS[usize::from(pick) % EVENTS.len()];
    let body = String::from_utf8_lossy(rest);
    let r = parse_rewrite(event, &body);
    for (field, _) in r.fields() {
        assert!(rewritable(event).contains(field), "{event} may not rewrite {field}");
    }
    if let (Some(b), Ok(serde_json::Value::Object(map))) =
        (r.get("Body"), serde_json::from_str::<serde_json::Value>(&body))
    {
        let held = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Body"))
            .and_then(|(_, v)| v.as_str());
        assert_eq!(held, Some(b));
    }
});
