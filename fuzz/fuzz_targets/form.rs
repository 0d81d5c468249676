//! The form and query parser: any bytes parse (never a panic), every typed
//! getter answers or errs, and what parsed re-encodes to the same pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_protocol::ErrorCode;
use parley_server::form::Params;

fuzz_target!(|data: &[u8]| {
    let p = Params::parse(data);
    for (name, _) in p.pairs().iter().take(8) {
        let _ = p.str(name);
        let _ = p.all(name);
        let _ = p.bool(name);
        let _ = p.int(name, ErrorCode::InvalidParameter);
        let _ = p.nullable_int(name, ErrorCode::InvalidParameter);
        let _ = p.date(name, ErrorCode::InvalidParameter);
        let _ = p.attributes(name);
    }
    let again: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(p.pairs())
        .finish();
    assert_eq!(Params::parse(again.as_bytes()).pairs(), p.pairs(), "re-encoding changes nothing");
});
