//! Media rules both sides apply, written once: which content types may be
//! shown inline (pictures, video and audio, never SVG, which can carry
//! script), and what a `Range` request header asks for (RFC 9110 §14: one
//! byte range is served as 206; several ranges, or a header this parser does
//! not understand, get the whole file, which the RFC allows; a range that
//! starts past the end is 416). The server's content endpoint and the desktop
//! shell's `parley-media:` scheme both answer by these.

use serde::{Deserialize, Serialize};

/// How a file may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    /// Anything else: offered as a download only.
    File,
}

/// What kind of file a `Content-Type` is (parameters and case ignored).
pub fn kind(content_type: &str) -> MediaKind {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "image/svg+xml" {
        MediaKind::File
    } else if essence.starts_with("image/") {
        MediaKind::Image
    } else if essence.starts_with("video/") {
        MediaKind::Video
    } else if essence.starts_with("audio/") {
        MediaKind::Audio
    } else {
        MediaKind::File
    }
}

/// Whether content of this type may be shown inline by a browser.
pub fn inline(content_type: &str) -> bool {
    kind(content_type) != MediaKind::File
}

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

impl Slice {
    /// The same request, served at most `max` bytes at a time: a part is cut
    /// to `max` bytes, and the whole of a file larger than `max` becomes its
    /// first `max` bytes when the client asked for a range (a media element
    /// then asks for the next part).
    pub fn capped(self, size: u64, max: u64, asked: bool) -> Slice {
        match self {
            Slice::Part { start, end } => Slice::Part {
                start,
                end: end.min(start.saturating_add(max.max(1) - 1)),
            },
            Slice::Whole if asked && size > max => Slice::Part {
                start: 0,
                end: max.max(1) - 1,
            },
            other => other,
        }
    }
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

    #[test]
    fn slices_are_capped_for_the_shell() {
        let big = 100;
        assert_eq!(
            slice(Some("bytes=0-"), big).capped(big, 10, true),
            Slice::Part { start: 0, end: 9 }
        );
        assert_eq!(slice(None, big).capped(big, 10, false), Slice::Whole);
        assert_eq!(
            slice(Some("bytes=0-1,5-6"), big).capped(big, 10, true),
            Slice::Part { start: 0, end: 9 }
        );
        assert_eq!(
            slice(Some("bytes=100-"), big).capped(big, 10, true),
            Slice::Unsatisfiable
        );
    }

    #[test]
    fn only_pictures_video_and_audio_show_inline() {
        assert_eq!(kind("image/png"), MediaKind::Image);
        assert_eq!(kind("Video/MP4"), MediaKind::Video);
        assert_eq!(kind("audio/ogg; codecs=opus"), MediaKind::Audio);
        assert_eq!(kind("image/svg+xml"), MediaKind::File);
        assert!(!inline("text/html"));
        assert!(!inline("application/pdf"));
    }
}
