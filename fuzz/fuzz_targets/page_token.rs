//! Paging parameters (`PageToken`, `PageSize`, `Page`) from any query:
//! accepted within their ranges or refused with a Twilio error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_server::form::Params;
use parley_server::paging::{PageRequest, MAX_PAGE_SIZE};

fuzz_target!(|data: &[u8]| {
    let mut query = b"PageToken=".to_vec();
    query.extend_from_slice(data);
    for raw in [&query[..], data] {
        if let Ok(r) = PageRequest::from_query(&Params::parse(raw), 50) {
            assert!((1..=MAX_PAGE_SIZE).contains(&r.size));
        }
    }
});
