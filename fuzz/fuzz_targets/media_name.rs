//! Uploaders' filenames and content types: what is kept is a plain base
//! name without control characters or path separators, a lower-case
//! `type/subtype`, and a `Content-Disposition` value a header can carry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::media::names;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
    let name = names::filename(a);
    if let Some(n) = &name {
        assert!(!n.is_empty() && n.chars().count() <= 255);
        assert!(!n.contains(['/', '\\']) && !n.chars().any(char::is_control), "{n:?}");
        assert!(!n.starts_with('.'), "{n:?}");
    }
    let ct = names::content_type(b);
    if let Some(t) = &ct {
        assert!(t.contains('/') && *t == t.to_ascii_lowercase());
    }
    let d = names::disposition(ct.as_deref().unwrap_or("application/octet-stream"), name.as_deref());
    assert!(axum::http::HeaderValue::from_str(&d).is_ok(), "{d:?}");
});
