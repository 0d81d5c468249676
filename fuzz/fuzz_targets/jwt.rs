//! Access-token parsing and verification: arbitrary text is refused with a
//! reason (never a panic, never accepted without the secret), and a token
//! minted for any identity verifies back to that identity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::auth::jwt;

const KEY: &str = "SK00000000000000000000000000000001";
const ACC: &str = "AC00000000000000000000000000000001";
const IS: &str = "IS00000000000000000000000000000001";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = jwt::issuer(&text);
    if let Ok(v) = jwt::verify(&text, "the fuzzer does not know this", ACC, 1_000_000) {
        panic!("a token nobody signed was accepted: {v:?}");
    }
    if !text.is_empty() {
        let t = jwt::mint(KEY, "secret", ACC, &text, IS, 1_000_000, 3600);
        let v = jwt::verify(&t, "secret", ACC, 1_000_001).expect("a minted token verifies");
        assert_eq!(v.identity, text);
    }
});
