//! Identities and unique names: what is accepted is NFC, has no invisible
//! or control character and no outer whitespace, and cleaning it again
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::names::clean;
use unicode_normalization::is_nfc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(n) = clean(&text) {
        assert!(is_nfc(&n), "{n:?}");
        assert!(!n.starts_with(char::is_whitespace) && !n.ends_with(char::is_whitespace));
        assert!(!n.chars().any(char::is_control), "{n:?}");
        assert_eq!(clean(&n).as_deref(), Ok(n.as_str()), "idempotent");
    }
});
