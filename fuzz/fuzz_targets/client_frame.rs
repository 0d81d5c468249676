//! Realtime client frames: any bytes are parsed or refused, and a frame
//! that parses survives a round trip through its JSON unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_protocol::realtime::ClientFrame;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = serde_json::from_slice::<ClientFrame>(data) {
        let text = serde_json::to_string(&frame).expect("serialises");
        let back: ClientFrame = serde_json::from_str(&text).expect("parses back");
        assert_eq!(back, frame);
    }
});
