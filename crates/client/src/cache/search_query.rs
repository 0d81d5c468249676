//! What a search asks for: words, and filters in Slack's spelling —
//! `from:bob`, `in:general` (or `in:#general`), `before:2026-12-01`,
//! `after:2026-11-01` (both exclusive, whole UTC days), `has:file`,
//! `has:link`, `is:pinned` — in any order, combined with AND (two of one
//! kind: either). A token that is no known filter, or a filter with a value
//! it cannot use (`before:soon`), is searched as words. The window shows the
//! filters it parsed as chips, each with the exact text to remove.

use serde::Serialize;

/// One filter, as the window shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchFilter {
    /// `from`, `in`, `before`, `after`, `has` or `is`.
    pub key: String,
    pub value: String,
    /// The token as typed (removing it from the query removes the filter).
    pub token: String,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words, in order (filters taken out).
    pub words: Vec<String>,
    pub from: Vec<String>,
    pub channels: Vec<String>,
    /// Unix seconds: before the start of that day / from the end of it.
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub has_file: bool,
    pub has_link: bool,
    pub pinned: bool,
    pub filters: Vec<SearchFilter>,
}

impl SearchQuery {
    /// Whether anything narrows the search besides words.
    pub fn has_filters(&self) -> bool {
        !self.filters.is_empty()
    }
}

/// The start of UTC day `yyyy-mm-dd`, in Unix seconds.
fn day_start(s: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &format).ok()?;
    Some(d.midnight().assume_utc().unix_timestamp())
}

/// Parses `query`.
pub fn parse(query: &str) -> SearchQuery {
    let mut q = SearchQuery::default();
    for token in query.split_whitespace() {
        let Some((key, value)) = token.split_once(':') else {
            q.words.push(token.to_owned());
            continue;
        };
        let key_lc = key.to_ascii_lowercase();
        let value_lc = value.to_lowercase();
        let taken = !value.is_empty()
            && match key_lc.as_str() {
                "from" => {
                    q.from.push(value.trim_start_matches('@').to_owned());
                    true
                }
                "in" => {
                    q.channels.push(value.trim_start_matches('#').to_owned());
                    true
                }
                "before" => day_start(value).map(|t| q.before = Some(t)).is_some(),
                "after" => day_start(value)
                    .map(|t| q.after = Some(t + 86_400))
                    .is_some(),
                "has" if value_lc == "file" => {
                    q.has_file = true;
                    true
                }
                "has" if value_lc == "link" => {
                    q.has_link = true;
                    true
                }
                "is" if value_lc == "pinned" => {
                    q.pinned = true;
                    true
                }
                _ => false,
            };
        if taken {
            q.filters.push(SearchFilter {
                key: key_lc,
                value: value.to_owned(),
                token: token.to_owned(),
            });
        } else {
            q.words.push(token.to_owned());
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_come_out_and_the_rest_is_words() {
        let q = parse("budget from:@Bob in:#general has:file before:2026-12-01 after:2026-11-01 is:pinned has:link 預算");
        assert_eq!(q.words, ["budget", "預算"]);
        assert_eq!(q.from, ["Bob"]);
        assert_eq!(q.channels, ["general"]);
        assert!(q.has_file && q.has_link && q.pinned);
        assert_eq!(q.before, Some(1_796_083_200));
        assert_eq!(q.after, Some(1_793_491_200 + 86_400));
        assert_eq!(q.filters.len(), 7);
        assert_eq!(q.filters[0].token, "from:@Bob");
    }

    #[test]
    fn what_is_no_filter_is_searched_as_words() {
        let q = parse("before:soon has:cake from: https://example.com ratio:2");
        assert_eq!(
            q.words,
            [
                "before:soon",
                "has:cake",
                "from:",
                "https://example.com",
                "ratio:2"
            ]
        );
        assert!(!q.has_filters());
        assert_eq!(parse("   "), SearchQuery::default());
    }
}
