//! How the server logs: structured fields (`key=value`, or one JSON object
//! per line with `PARLEY_LOG_FORMAT=json`), colour only on a terminal, and
//! values that came from outside wrapped in [`Field`] so that a newline or an
//! escape sequence in a username cannot forge a log line or recolour a
//! terminal, and a 200 KB username is not written whole. Secrets are never
//! logged: tokens, passwords and auth tokens appear in no event or span (the
//! request span names the method and path, never the query, which may carry
//! a token).

use std::fmt;
use std::io::IsTerminal;

/// Longest user-supplied value written to the log, in characters.
pub const MAX_FIELD_CHARS: usize = 64;

/// A user-supplied value as it may appear in the log: control characters
/// escaped (`\n`, `\u{1b}`), cut after [`MAX_FIELD_CHARS`] characters with the
/// full length noted.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a>(pub &'a str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(MAX_FIELD_CHARS) {
            if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        if chars.next().is_some() {
            write!(f, "…({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

/// Installs the global subscriber: level from `PARLEY_LOG` (default `info`;
/// the PostgreSQL driver never below `info`), format from
/// `PARLEY_LOG_FORMAT` (`text` or `json`), to stderr.
pub fn init() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("PARLEY_LOG")
        .unwrap_or_else(|_| "info,tower_http=warn".into());
    // tokio-postgres logs statements with their parameters at debug level,
    // and parameters include secrets (API key secrets, password hashes).
    for quiet in ["tokio_postgres=info", "postgres=info"] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if std::env::var("PARLEY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The span of one HTTP request: method and path only.
pub fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %Field(req.uri().path()),
    )
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn control_characters_are_escaped_and_long_values_cut() {
        assert_eq!(Field("alice").to_string(), "alice");
        assert_eq!(
            Field("bob\nINFO forged line\x1b[31m").to_string(),
            "bob\\nINFO forged line\\u{1b}[31m"
        );
        assert_eq!(Field("陳大文").to_string(), "陳大文");
        let long = "x".repeat(200_000);
        let shown = Field(&long).to_string();
        assert!(shown.starts_with(&"x".repeat(64)));
        assert!(shown.ends_with("…(200000 bytes)"), "{shown}");
        assert!(shown.chars().count() < 100);
    }
}
