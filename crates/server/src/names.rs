//! What an identity or a unique name may be: Unicode NFC, with no control,
//! format (bidi overrides, zero-width characters), line-separator or filler
//! characters, and no leading or trailing whitespace — so `alice\u{200b}`,
//! `alice ` and a right-to-left override cannot pose as `alice`. Lookups
//! normalise the same way, so a decomposed `é` finds its composed twin.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Why a name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("is empty")]
    Empty,
    #[error("starts or ends with whitespace")]
    Whitespace,
    #[error("contains the invisible or control character U+{:04X}", u32::from(*.0))]
    Invisible(char),
}

/// Hangul fillers and the combining grapheme joiner: letters by category,
/// but they render as nothing.
const FILLERS: [char; 5] = ['\u{034F}', '\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}'];

fn invisible(c: char) -> bool {
    FILLERS.contains(&c)
        || matches!(
            c.general_category(),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
                | GeneralCategory::Surrogate
        )
}

/// `raw` in NFC, as names are stored and looked up.
pub fn normalize(raw: &str) -> Cow<'_, str> {
    match is_nfc_quick(raw.chars()) {
        IsNormalized::Yes => Cow::Borrowed(raw),
        _ => Cow::Owned(raw.nfc().collect()),
    }
}

/// `raw` in NFC, or why it may not be a name.
pub fn clean(raw: &str) -> Result<String, NameError> {
    if raw.is_empty() {
        return Err(NameError::Empty);
    }
    if raw.starts_with(char::is_whitespace) || raw.ends_with(char::is_whitespace) {
        return Err(NameError::Whitespace);
    }
    if let Some(c) = raw.chars().find(|&c| invisible(c)) {
        return Err(NameError::Invisible(c));
    }
    Ok(normalize(raw).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass_in_nfc() {
        assert_eq!(clean("alice").as_deref(), Ok("alice"));
        assert_eq!(clean("陳大文").as_deref(), Ok("陳大文"));
        assert_eq!(clean("Alice Chen").as_deref(), Ok("Alice Chen"));
        assert_eq!(
            clean("❤️ fan").as_deref(),
            Ok("❤️ fan"),
            "emoji variation selectors are fine"
        );
        assert_eq!(clean("e\u{301}").as_deref(), Ok("\u{e9}"), "composed");
        assert_eq!(normalize("e\u{301}"), "\u{e9}");
    }

    #[test]
    fn look_alikes_are_refused() {
        for (raw, why) in [
            ("", NameError::Empty),
            ("alice ", NameError::Whitespace),
            (" alice", NameError::Whitespace),
            ("alice\u{3000}", NameError::Whitespace),
            ("alice\u{200b}", NameError::Invisible('\u{200b}')),
            ("al\u{200d}ice", NameError::Invisible('\u{200d}')),
            ("\u{202e}ecila", NameError::Invisible('\u{202e}')),
            ("al\u{2066}ice", NameError::Invisible('\u{2066}')),
            ("alice\0", NameError::Invisible('\0')),
            ("ali\nce", NameError::Invisible('\n')),
            ("al\u{2028}ice", NameError::Invisible('\u{2028}')),
            ("alice\u{feff}", NameError::Invisible('\u{feff}')),
            ("al\u{3164}ice", NameError::Invisible('\u{3164}')),
        ] {
            assert_eq!(clean(raw), Err(why), "{raw:?}");
        }
    }
}
