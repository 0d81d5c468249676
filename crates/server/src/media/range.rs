//! The `Range` request header for media content (RFC 9110 §14): one byte
//! range is served as 206; several ranges, or a header this parser does not
//! understand, get the whole file, which the RFC allows; a range that starts
//! past the end is 416.

/// What to send for a file of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// The whole file (200).
    Whole,
    /// Bytes `start..=end` (206).
    Part { start: u64, end: u64 },
    /// Nothing of the file matches (416).
    Unsatisfiable,
}

/// Interprets a `Range` header value for a file of `size` bytes.
pub fn slice(header: Option<&str>, size: u64) -> Slice {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Slice::Whole;
    };
    if spec.contains(',') {
        return Slice::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Slice::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // A suffix: the last N bytes.
        let Ok(n) = last.parse::<u64>() else {
            return Slice::Whole;
        };
        if n == 0 || size == 0 {
            return Slice::Unsatisfiable;
        }
        return Slice::Part {
            start: size.saturating_sub(n),
            end: size - 1,
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return Slice::Whole;
    };
    let end = if last.is_empty() {
        size.saturating_sub(1)
    } else {
        match last.parse::<u64>() {
            Ok(e) if e >= start => e.min(size.saturating_sub(1)),
            _ => return Slice::Whole,
        }
    };
    if start >= size {
        return Slice::Unsatisfiable;
    }
    Slice::Part { start, end }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(slice(None, 10), Slice::Whole);
        assert_eq!(
            slice(Some("bytes=0-3"), 10),
            Slice::Part { start: 0, end: 3 }
        );
        assert_eq!(
            slice(Some("bytes=4-"), 10),
            Slice::Part { start: 4, end: 9 }
        );
        assert_eq!(
            slice(Some("bytes=-3"), 10),
            Slice::Part { start: 7, end: 9 }
        );
        assert_eq!(
            slice(Some("bytes=-30"), 10),
            Slice::Part { start: 0, end: 9 }
        );
        assert_eq!(
            slice(Some("bytes=5-100"), 10),
            Slice::Part { start: 5, end: 9 }
        );
        assert_eq!(slice(Some("bytes=10-"), 10), Slice::Unsatisfiable);
        assert_eq!(slice(Some("bytes=-0"), 10), Slice::Unsatisfiable);
        assert_eq!(slice(Some("bytes=0-1,4-5"), 10), Slice::Whole);
        assert_eq!(slice(Some("bytes=5-2"), 10), Slice::Whole);
        assert_eq!(slice(Some("items=0-1"), 10), Slice::Whole);
        assert_eq!(slice(Some("bytes=x-1"), 10), Slice::Whole);
    }
}
