//! What the search index sees of a message, so that words inside Chinese,
//! Japanese and Korean text can be found.
//!
//! SQLite's `unicode61` tokenizer splits text at spaces and punctuation, but
//! these scripts put no space between words: a whole run of characters
//! (`我們明天下午開會討論預算`) is one token, and only a search for the start of
//! the run finds it. So the text is indexed with every CJK character as a
//! token of its own (a zero-width space on either side), and a search turns
//! a CJK word into a phrase of its characters, which FTS5 matches only where
//! they stand next to each other in that order: `預算` finds
//! `…討論預算`, and no false hit for `預…算`.
//!
//! Punctuation or a space next to a CJK character also gets a boundary token
//! (a private-use character FTS5 indexes but no message contains), because
//! FTS5 skips separators: without it `預，算` would count as `預算`.
//!
//! The same function builds the indexed text (in Rust when rows are stored,
//! and as the SQL function `parley_search_text` for the index's triggers and
//! rebuilds), so the index and the queries always agree. Snippets come out of
//! the index with the markers in them; [`tidy`] takes them out.

use std::borrow::Cow;

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;
use unicode_script::{Script, UnicodeScript};

/// Splits CJK characters into tokens of their own.
const SPLIT: char = '\u{200B}';
/// A token standing for punctuation or space next to a CJK character.
const BOUNDARY: char = '\u{E000}';

/// The SQL name of [`for_index`].
pub const SQL_FUNCTION: &str = "parley_search_text";

fn is_cjk(c: char) -> bool {
    matches!(
        c.script(),
        Script::Han | Script::Hiragana | Script::Katakana | Script::Hangul | Script::Bopomofo
    )
}

/// A character the tokenizer keeps in a token (what `unicode61` calls a
/// token character: letters, numbers, private use).
fn is_token(c: char) -> bool {
    c.is_alphanumeric() || c == BOUNDARY
}

/// The text the index holds for `body` (borrowed when it has no CJK).
pub fn for_index(body: &str) -> Cow<'_, str> {
    if !body.chars().any(is_cjk) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len() + body.len() / 2);
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_cjk(c) {
            out.push(SPLIT);
            out.push(c);
            out.push(SPLIT);
            i += 1;
        } else if is_token(c) {
            out.push(c);
            i += 1;
        } else {
            // A run of separators: marked when a CJK character is on
            // either side of it.
            let start = i;
            while i < chars.len() && !is_token(chars[i]) && !is_cjk(chars[i]) {
                i += 1;
            }
            out.extend(&chars[start..i]);
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) {
                out.push(SPLIT);
                out.push(BOUNDARY);
                out.push(SPLIT);
            }
        }
    }
    Cow::Owned(out)
}

/// One search word as an FTS5 phrase: CJK characters become a phrase of
/// single-character tokens, which must stand together and in order.
pub fn phrase(word: &str) -> String {
    format!("\"{}\"", for_index(word))
}

/// A snippet as the index gave it, without the markers.
pub fn tidy(snippet: &str) -> String {
    snippet
        .chars()
        .filter(|&c| c != SPLIT && c != BOUNDARY)
        .collect()
}

/// Makes `parley_search_text(body)` available on `conn` (the index's
/// triggers and its content view call it).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        SQL_FUNCTION,
        1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let body: Option<String> = ctx.get(0)?;
            Ok(body.map(|b| for_index(&b).into_owned()))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_text_is_indexed_as_it_is() {
        assert!(matches!(
            for_index("deploy at noon, café"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn each_cjk_character_is_a_token_and_punctuation_next_to_one_a_boundary() {
        let t = for_index("預算，ok");
        let tokens: Vec<&str> = t
            .split(|c: char| !is_token(c))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(tokens, ["預", "算", "\u{E000}", "ok"]);
        assert_eq!(tidy(&t), "預算，ok");
    }

    #[test]
    fn korean_and_japanese_split_too() {
        let t = for_index("회의실 会議");
        let n = t
            .split(|c: char| !is_token(c))
            .filter(|s| !s.is_empty())
            .count();
        assert_eq!(
            n,
            3 + 1 + 2,
            "three syllables, the space's boundary, two kanji"
        );
    }
}
