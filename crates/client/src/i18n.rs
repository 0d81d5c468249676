//! The app's words in the languages it speaks. The catalogs are the Fluent
//! files `locales/<tag>/parley.ftl` at the workspace root — the same files
//! the window bundles — embedded at build time (`build.rs`), so a new
//! language is a new file and nothing else. This module picks the language
//! (the user's choice, else the best match for the system's preferred
//! languages, else English) and formats a message by its id; the client uses
//! it for notifications and errors, the shell for the tray.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{negotiate_languages, NegotiationStrategy};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

include!(concat!(env!("OUT_DIR"), "/catalogs.rs"));

/// The language every other catalog follows, and the last resort.
pub const FALLBACK: &str = "en";

/// A value in a message: text or a number (numbers select plural forms).
/// The window sees it as `string | number` (see `UiError`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Number(f64),
}

impl Eq for Arg {}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Number(n as f64)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as f64)
    }
}

/// A message's arguments by name.
pub type Args = BTreeMap<String, Arg>;

/// Builds [`Args`] from `name => value` pairs.
#[macro_export]
macro_rules! args {
    ($($name:literal => $value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut a = $crate::i18n::Args::new();
        $(a.insert($name.to_owned(), $crate::i18n::Arg::from($value));)*
        a
    }};
}

/// One language's catalog, with English behind it for what it lacks.
pub struct Words {
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Words {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Words").field("tag", &self.tag).finish()
    }
}

fn catalog(tag: &str) -> Option<(&'static str, &'static str)> {
    CATALOGS.iter().copied().find(|(t, _)| *t == tag)
}

impl Words {
    /// The catalog of `tag`; English when there is none.
    pub fn new(tag: &str) -> Words {
        let (tag, source) = catalog(tag)
            .or_else(|| catalog(FALLBACK))
            .unwrap_or((FALLBACK, ""));
        let id: LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Notifications and the tray are plain text: no bidi isolation marks.
        bundle.set_use_isolating(false);
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                tracing::warn!(tag, ?errors, "a language catalog has syntax errors");
                r
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::warn!(tag, ?errors, "a language catalog repeats messages");
        }
        Words { tag, bundle }
    }

    /// English, built once.
    pub fn english() -> &'static Words {
        static EN: OnceLock<Words> = OnceLock::new();
        EN.get_or_init(|| Words::new(FALLBACK))
    }

    /// The language these words are in.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    fn format(&self, id: &str, args: &Args) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut fluent = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Text(s) => fluent.set(k.as_str(), FluentValue::from(s.as_str())),
                Arg::Number(n) => fluent.set(k.as_str(), FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                tag = self.tag,
                id,
                ?errors,
                "a message did not format cleanly"
            );
        }
        Some(text.into_owned())
    }

    /// Whether this catalog (or English) has message `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id) || Words::english().bundle.has_message(id)
    }

    /// Message `id` with `args`: in this language, else in English, else
    /// the id itself (a missing message is a bug `make test` catches, never
    /// an empty notification).
    pub fn text(&self, id: &str, args: &Args) -> String {
        self.format(id, args)
            .or_else(|| {
                (self.tag != FALLBACK)
                    .then(|| Words::english().format(id, args))
                    .flatten()
            })
            .unwrap_or_else(|| id.to_owned())
    }
}

/// A language the app can speak: its tag and its name in itself.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageOption {
    pub tag: String,
    pub name: String,
}

/// The language the app speaks, and what it could speak.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageView {
    /// The user's choice; `null` follows the system.
    pub chosen: Option<String>,
    /// The catalog in use (the choice, else the best match for the system's).
    pub tag: String,
    /// Every catalog, in its own words.
    pub available: Vec<LanguageOption>,
}

/// Every catalog's tag.
pub fn tags() -> impl Iterator<Item = &'static str> {
    CATALOGS.iter().map(|(t, _)| *t)
}

/// Whether there is a catalog for exactly `tag`.
pub fn is_available(tag: &str) -> bool {
    catalog(tag).is_some()
}

/// Every catalog with its name in its own language.
pub fn available() -> Vec<LanguageOption> {
    tags()
        .map(|tag| LanguageOption {
            tag: tag.to_owned(),
            name: Words::new(tag).text("language-name", &Args::new()),
        })
        .collect()
}

/// The system's preferred languages, most preferred first (on Linux from
/// `LANGUAGE`, `LC_ALL`, `LC_MESSAGES` and `LANG`), as BCP 47 tags.
pub fn system_languages() -> Vec<String> {
    sys_locale::get_locales()
        .map(|l| {
            l.split(['.', '@'])
                .next()
                .unwrap_or_default()
                .replace('_', "-")
        })
        .filter(|l| !l.is_empty() && l != "C" && l != "POSIX")
        .collect()
}

/// The catalog to speak: `chosen` when there is one for it, else the best
/// available match for `preferred` (`zh-Hant-HK` and `zh` find `zh-TW`),
/// else English.
pub fn choose(chosen: Option<&str>, preferred: &[String]) -> &'static str {
    if let Some((tag, _)) = chosen.and_then(catalog) {
        return tag;
    }
    let requested: Vec<LanguageIdentifier> =
        preferred.iter().filter_map(|l| l.parse().ok()).collect();
    let available: Vec<LanguageIdentifier> = tags().filter_map(|t| t.parse().ok()).collect();
    let default: LanguageIdentifier = FALLBACK.parse().unwrap_or_default();
    let best = negotiate_languages(
        &requested,
        &available,
        Some(&default),
        NegotiationStrategy::Filtering,
    );
    best.first()
        .and_then(|id| {
            let s = id.to_string();
            tags().find(|t| *t == s)
        })
        .unwrap_or(FALLBACK)
}

/// What the window is told about languages, given the user's choice.
pub fn view(chosen: Option<&str>) -> LanguageView {
    LanguageView {
        chosen: chosen.filter(|c| is_available(c)).map(str::to_owned),
        tag: choose(chosen, &system_languages()).to_owned(),
        available: available(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_choice_wins_then_the_system_then_english() {
        assert_eq!(choose(Some("zh-TW"), &langs(&["en-US"])), "zh-TW");
        assert_eq!(choose(Some("xx"), &langs(&["zh-TW"])), "zh-TW");
        assert_eq!(choose(None, &langs(&["zh-TW"])), "zh-TW");
        assert_eq!(choose(None, &langs(&["zh-Hant-HK"])), "zh-TW");
        assert_eq!(choose(None, &langs(&["de-DE", "zh"])), "zh-TW");
        assert_eq!(choose(None, &langs(&["en-GB", "zh-TW"])), "en");
        assert_eq!(choose(None, &langs(&["fr-FR"])), "en");
        assert_eq!(choose(None, &[]), "en");
    }

    #[test]
    fn every_catalog_parses_and_has_what_english_has() {
        let ids = |source: &str| -> Vec<String> {
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(r) => r,
                Err((_, errors)) => panic!("syntax errors: {errors:?}"),
            };
            let mut ids: Vec<String> = resource
                .entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                    _ => None,
                })
                .collect();
            ids.sort();
            ids
        };
        let english = ids(catalog(FALLBACK).expect("an English catalog").1);
        assert!(english.len() > 20);
        for (tag, source) in CATALOGS {
            assert_eq!(ids(source), english, "{tag} has other messages than en");
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let en = Words::new("en");
        assert_eq!(en.text("tray-tooltip", &args!("count" => 0u64)), "Parley");
        assert_eq!(
            en.text("tray-tooltip", &args!("count" => 1u64)),
            "Parley — 1 unread message"
        );
        assert_eq!(
            en.text("tray-tooltip", &args!("count" => 7u64)),
            "Parley — 7 unread messages"
        );
        let zh = Words::new("zh-TW");
        assert_eq!(
            zh.text("tray-tooltip", &args!("count" => 1u64)),
            "Parley — 1 則未讀訊息"
        );
        assert_eq!(zh.text("tray-show", &Args::new()), "顯示 Parley");
        assert_eq!(Words::new("xx").tag(), "en");
        assert_eq!(zh.text("no-such-message", &Args::new()), "no-such-message");
    }

    #[test]
    fn languages_name_themselves() {
        let names: Vec<(String, String)> =
            available().into_iter().map(|o| (o.tag, o.name)).collect();
        assert!(names.contains(&("en".into(), "English".into())));
        assert!(names.contains(&("zh-TW".into(), "繁體中文".into())));
    }
}
