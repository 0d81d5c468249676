//! `Range` headers: any value over any file size gives a slice inside the
//! file (or the whole file, or 416), capped slices no longer than the cap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parley_protocol::media::{slice, Slice};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let size = u64::from_le_bytes(data[..8].try_into().expect("8 bytes")) >> (data[0] % 64);
    let header = String::from_utf8_lossy(&data[8..]);
    let s = slice(Some(&header), size);
    if let Slice::Part { start, end } = s {
        assert!(start <= end && end < size, "{header:?} over {size}: {s:?}");
    }
    let max = 1 + u64::from(data[1]) * 1024;
    if let Slice::Part { start, end } = s.capped(size, max, true) {
        assert!(start <= end && end < size && end - start < max);
    }
});
