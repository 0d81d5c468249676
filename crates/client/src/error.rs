//! `ClientError`: what can go wrong in the client, with a stable `code` the
//! UI can match on, the English message for logs, and the catalog message
//! (`key` and `args`, see `i18n`) the window shows in the user's language.
//! `Refusal` is input refused before anything is sent; its English words are
//! the English catalog's, so they are written once.

use serde::Serialize;

use crate::args;
use crate::i18n::{Args, Words};

/// Failures of client operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server could not be reached (offline, DNS, refused, timeout).
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    /// The URL answers, but not like a Parley server.
    #[error("this does not look like a Parley server: {0}")]
    NotParley(String),
    /// A revoked or expired session, in the server's words.
    #[error("{0}")]
    Unauthorized(String),
    /// Sign-in refused: wrong username or password.
    #[error("{}", Words::english().text("error-wrong-credentials", &Args::new()))]
    WrongCredentials,
    /// The server refused the request with a Twilio-style error.
    #[error("{message} (error {code})")]
    Api {
        status: u16,
        code: u32,
        message: String,
        /// Seconds the server asked to wait before trying again (`Retry-After`).
        retry_after: Option<u64>,
    },
    /// The local cache failed.
    #[error("local cache: {0}")]
    Cache(String),
    /// The OS secret store failed.
    #[error("secret store: {0}")]
    Secrets(String),
    /// Nobody is signed in.
    #[error("not signed in")]
    NotSignedIn,
    /// Something named does not exist locally.
    #[error("{0} not found")]
    NotFound(String),
    /// Bad input from the caller, in a programmer's words.
    #[error("{0}")]
    Invalid(String),
    /// Input refused before anything is sent, in the user's words.
    #[error("{0}")]
    Refused(Refusal),
    /// The user cancelled a transfer.
    #[error("cancelled")]
    Cancelled,
}

/// Input the client refuses before anything is sent. Each is a message of
/// the catalogs: `refusal-` and the variant's name in kebab case.
#[derive(Debug, Clone, PartialEq, Eq, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum(serialize_all = "kebab-case")]
#[strum_discriminants(derive(strum::EnumIter))]
#[non_exhaustive]
pub enum Refusal {
    MissingCredentials,
    NotHttpUrl {
        url: String,
    },
    EmptyMessage,
    MessageTooLong {
        max_kib: u64,
    },
    NoSuchChannel,
    NoSuchMessage,
    NotAnEmoji,
    Unreadable {
        file: String,
        detail: String,
    },
    NotAFile {
        file: String,
    },
    /// Sizes in bytes.
    FileTooBig {
        file: String,
        size: u64,
        max: u64,
    },
    EmptyFile {
        file: String,
    },
    NoFile,
    NotSentYet,
    PasteNotBytes,
    NoChannelForPaste,
    CannotSave {
        file: String,
        detail: String,
    },
    LinkNotAllowed,
    CannotOpenLink {
        detail: String,
    },
    UnknownLanguage {
        tag: String,
    },
    DirectSize {
        max: u64,
    },
    TooManyPins {
        max: u64,
    },
    StatusTooLong {
        max: u64,
    },
}

const MIB: f64 = 1024.0 * 1024.0;

impl Refusal {
    /// The catalog message that says it.
    pub fn key(&self) -> String {
        let name: &'static str = self.into();
        format!("refusal-{name}")
    }

    /// The message's arguments.
    pub fn args(&self) -> Args {
        match self {
            Refusal::NotHttpUrl { url } => args!("url" => url.as_str()),
            Refusal::MessageTooLong { max_kib } => args!("max" => *max_kib),
            Refusal::Unreadable { file, detail } | Refusal::CannotSave { file, detail } => {
                args!("file" => file.as_str(), "detail" => detail.as_str())
            }
            Refusal::NotAFile { file } | Refusal::EmptyFile { file } => {
                args!("file" => file.as_str())
            }
            Refusal::FileTooBig { file, size, max } => args!(
                "file" => file.as_str(),
                "size" => format!("{:.1}", *size as f64 / MIB),
                "max" => *max / (1024 * 1024),
            ),
            Refusal::CannotOpenLink { detail } => args!("detail" => detail.as_str()),
            Refusal::UnknownLanguage { tag } => args!("tag" => tag.as_str()),
            Refusal::DirectSize { max }
            | Refusal::TooManyPins { max }
            | Refusal::StatusTooLong { max } => args!("max" => *max),
            Refusal::MissingCredentials
            | Refusal::EmptyMessage
            | Refusal::NoSuchChannel
            | Refusal::NoSuchMessage
            | Refusal::NotAnEmoji
            | Refusal::NoFile
            | Refusal::NotSentYet
            | Refusal::PasteNotBytes
            | Refusal::NoChannelForPaste
            | Refusal::LinkNotAllowed => Args::new(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&Words::english().text(&self.key(), &self.args()))
    }
}

impl std::error::Error for Refusal {}

/// The shape errors take when they cross to a UI: a stable `code` to match
/// on, the English `message` (for logs), and the catalog message `key` with
/// its `args` that the window shows in the user's language.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub code: String,
    pub message: String,
    pub key: String,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string | number>"))]
    pub args: Args,
}

impl ClientError {
    /// A stable machine-readable code.
    pub fn code(&self) -> String {
        match self {
            ClientError::Unreachable(_) => "unreachable".into(),
            ClientError::NotParley(_) => "not_parley".into(),
            ClientError::Unauthorized(_) | ClientError::WrongCredentials => "unauthorized".into(),
            ClientError::Api { code, .. } => format!("api_{code}"),
            ClientError::Cache(_) => "cache".into(),
            ClientError::Secrets(_) => "secrets".into(),
            ClientError::NotSignedIn => "not_signed_in".into(),
            ClientError::NotFound(_) => "not_found".into(),
            ClientError::Invalid(_) | ClientError::Refused(_) => "invalid".into(),
            ClientError::Cancelled => "cancelled".into(),
        }
    }

    /// The catalog message that says it, and its arguments. A server
    /// refusal has its own message when the catalogs word its code
    /// (`error-api-50107`), else the server's words inside `error-api`.
    pub fn message_key(&self) -> (String, Args) {
        let detail = |d: &str| args!("detail" => d.trim_end_matches('.'));
        match self {
            ClientError::Unreachable(d) => ("error-unreachable".into(), detail(d)),
            ClientError::NotParley(d) => ("error-not-parley".into(), detail(d)),
            ClientError::Unauthorized(d) => ("error-unauthorized".into(), detail(d)),
            ClientError::WrongCredentials => ("error-wrong-credentials".into(), Args::new()),
            ClientError::Api { code, message, .. } => {
                let own = format!("error-api-{code}");
                if Words::english().has(&own) {
                    (own, Args::new())
                } else {
                    (
                        "error-api".into(),
                        args!("code" => u64::from(*code), "message" => message.trim_end_matches('.')),
                    )
                }
            }
            ClientError::Cache(d) => ("error-cache".into(), detail(d)),
            ClientError::Secrets(d) => ("error-secrets".into(), detail(d)),
            ClientError::NotSignedIn => ("error-not-signed-in".into(), Args::new()),
            ClientError::NotFound(what) => {
                ("error-not-found".into(), args!("what" => what.as_str()))
            }
            ClientError::Invalid(d) => ("error-invalid".into(), detail(d)),
            ClientError::Refused(r) => (r.key(), r.args()),
            ClientError::Cancelled => ("error-cancelled".into(), Args::new()),
        }
    }

    pub fn to_ui(&self) -> UiError {
        let (key, args) = self.message_key();
        UiError {
            code: self.code(),
            message: self.to_string(),
            key,
            args,
        }
    }

    /// How long the server asked to wait before a retry, if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ClientError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether retrying later may succeed (network trouble, server errors,
    /// rate limits).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for ClientError {
    fn from(e: rusqlite::Error) -> Self {
        ClientError::Cache(e.to_string())
    }
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// One of each refusal (the match makes a new variant add itself here).
    fn sample(d: RefusalDiscriminants) -> Refusal {
        let file = || "plan.pdf".to_owned();
        let detail = || "Permission denied (os error 13)".to_owned();
        match d {
            RefusalDiscriminants::MissingCredentials => Refusal::MissingCredentials,
            RefusalDiscriminants::NotHttpUrl => Refusal::NotHttpUrl {
                url: "ftp://x".into(),
            },
            RefusalDiscriminants::EmptyMessage => Refusal::EmptyMessage,
            RefusalDiscriminants::MessageTooLong => Refusal::MessageTooLong { max_kib: 32 },
            RefusalDiscriminants::NoSuchChannel => Refusal::NoSuchChannel,
            RefusalDiscriminants::NoSuchMessage => Refusal::NoSuchMessage,
            RefusalDiscriminants::NotAnEmoji => Refusal::NotAnEmoji,
            RefusalDiscriminants::Unreadable => Refusal::Unreadable {
                file: file(),
                detail: detail(),
            },
            RefusalDiscriminants::NotAFile => Refusal::NotAFile { file: file() },
            RefusalDiscriminants::FileTooBig => Refusal::FileTooBig {
                file: file(),
                size: 200 * 1024 * 1024 + 300 * 1024,
                max: 150 * 1024 * 1024,
            },
            RefusalDiscriminants::EmptyFile => Refusal::EmptyFile { file: file() },
            RefusalDiscriminants::NoFile => Refusal::NoFile,
            RefusalDiscriminants::NotSentYet => Refusal::NotSentYet,
            RefusalDiscriminants::PasteNotBytes => Refusal::PasteNotBytes,
            RefusalDiscriminants::NoChannelForPaste => Refusal::NoChannelForPaste,
            RefusalDiscriminants::CannotSave => Refusal::CannotSave {
                file: file(),
                detail: detail(),
            },
            RefusalDiscriminants::LinkNotAllowed => Refusal::LinkNotAllowed,
            RefusalDiscriminants::CannotOpenLink => Refusal::CannotOpenLink { detail: detail() },
            RefusalDiscriminants::UnknownLanguage => Refusal::UnknownLanguage { tag: "tlh".into() },
            RefusalDiscriminants::DirectSize => Refusal::DirectSize { max: 9 },
            RefusalDiscriminants::TooManyPins => Refusal::TooManyPins { max: 100 },
            RefusalDiscriminants::StatusTooLong => Refusal::StatusTooLong { max: 100 },
        }
    }

    fn every_error() -> Vec<ClientError> {
        let mut all = vec![
            ClientError::Unreachable("connection refused".into()),
            ClientError::NotParley("HTTP 404".into()),
            ClientError::Unauthorized("session revoked".into()),
            ClientError::WrongCredentials,
            ClientError::Api {
                status: 403,
                code: 50107,
                message: "User unauthorized for command".into(),
                retry_after: None,
            },
            ClientError::Api {
                status: 400,
                code: 50311,
                message: "Unique name already exists".into(),
                retry_after: None,
            },
            ClientError::Cache("disk full".into()),
            ClientError::Secrets("locked".into()),
            ClientError::NotSignedIn,
            ClientError::NotFound("a message with file ME1".into()),
            ClientError::Invalid("token is not a valid header".into()),
            ClientError::Cancelled,
        ];
        all.extend(RefusalDiscriminants::iter().map(|d| ClientError::Refused(sample(d))));
        all
    }

    #[test]
    fn every_error_the_window_can_get_is_worded_in_every_language() {
        for e in every_error() {
            let (key, args) = e.message_key();
            for tag in crate::i18n::tags() {
                let words = Words::new(tag);
                assert!(
                    crate::i18n::CATALOGS.iter().any(|(t, src)| *t == tag
                        && src.lines().any(|l| l.starts_with(&format!("{key} =")))),
                    "{tag} has no {key}"
                );
                let text = words.text(&key, &args);
                assert!(
                    !text.contains("{$") && !text.contains("{ $") && text != key,
                    "{tag} {key}: {text}"
                );
            }
        }
    }

    #[test]
    fn refusals_read_as_sentences_and_keep_their_code() {
        let e = ClientError::Refused(sample(RefusalDiscriminants::FileTooBig));
        assert_eq!(
            e.to_string(),
            "plan.pdf is 200.3 MB; the server takes files up to 150 MB."
        );
        assert_eq!(e.code(), "invalid");
        let ui = e.to_ui();
        assert_eq!(ui.key, "refusal-file-too-big");
        assert_eq!(
            ui.args.get("size"),
            Some(&crate::i18n::Arg::Text("200.3".into()))
        );
        assert_eq!(
            Words::new("zh-TW").text(&ui.key, &ui.args),
            "plan.pdf 有 200.3 MB；伺服器只接受 150 MB 以內的檔案。"
        );
        // A server refusal the catalogs word has its own message; others carry the server's words.
        let own = every_error()[4].to_ui();
        assert_eq!((own.key.as_str(), own.args.len()), ("error-api-50107", 0));
        let other = every_error()[5].to_ui();
        assert_eq!(other.key, "error-api");
        assert_eq!(
            Words::english().text(&other.key, &other.args),
            "The server refused: Unique name already exists (error 50311)."
        );
    }
}
