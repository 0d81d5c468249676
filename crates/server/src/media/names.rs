//! Untrusted names and types from uploaders: filenames are reduced to a
//! plain base name (no directories, no control characters, no leading dots),
//! content types must look like `type/subtype`, and only images, video and
//! audio are served inline; everything else, and SVG (which can carry
//! script), is an attachment.

/// Longest filename kept, in characters.
const MAX_FILENAME: usize = 255;

/// The safe base name of an uploaded file's name; None when nothing is left.
pub fn filename(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .collect();
    // Dots and spaces in any mix at the start go (". ." must not leave ".").
    let clean = clean
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end();
    if clean.is_empty() {
        return None;
    }
    Some(clean.chars().take(MAX_FILENAME).collect())
}

/// A valid, lower-cased `type/subtype[; params]` content type.
pub fn content_type(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() > 255 {
        return None;
    }
    let essence = raw.split(';').next().unwrap_or_default().trim();
    let (kind, sub) = essence.split_once('/')?;
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    if !token(kind) || !token(sub) || raw.bytes().any(|b| b.is_ascii_control()) {
        return None;
    }
    Some(raw.to_ascii_lowercase())
}

pub use parley_protocol::media::inline;

/// The `Content-Disposition` header for a download.
pub fn disposition(content_type: &str, filename: Option<&str>) -> String {
    let kind = if inline(content_type) {
        "inline"
    } else {
        "attachment"
    };
    let Some(name) = filename else {
        return kind.to_owned();
    };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| !matches!(c, '"' | '\\' | ';' | '%'))
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_traversal_and_hidden_names_are_neutralised() {
        assert_eq!(filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(filename("..\\..\\boot.ini").as_deref(), Some("boot.ini"));
        assert_eq!(filename("/").as_deref(), None);
        assert_eq!(filename("..").as_deref(), None);
        assert_eq!(filename(".bashrc").as_deref(), Some("bashrc"));
        assert_eq!(filename("a\u{0}b\nc.txt").as_deref(), Some("abc.txt"));
        assert_eq!(filename("photo \"1\".jpg").as_deref(), Some("photo 1.jpg"));
        assert_eq!(filename("été.png").as_deref(), Some("été.png"));
        assert_eq!(filename(&"x".repeat(999)).map(|n| n.len()), Some(255));
    }

    #[test]
    fn content_types_are_checked() {
        assert_eq!(content_type("image/PNG").as_deref(), Some("image/png"));
        assert_eq!(
            content_type("text/plain; charset=utf-8").as_deref(),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(content_type("nonsense"), None);
        assert_eq!(content_type("a/b\r\nX-Evil: 1"), None);
        assert_eq!(content_type("/png"), None);
    }

    /// Found by the `media_name` fuzz target: spaces between leading dots
    /// left a name of "." behind.
    #[test]
    fn fuzz_crash_0683cadf_dots_and_spaces_leave_no_dot_name() {
        assert_eq!(filename(".\0\0\0 \0."), None);
        assert_eq!(filename(". . .hidden"), Some("hidden".into()));
        assert_eq!(filename(" .. . "), None);
    }
}
