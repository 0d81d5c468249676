//! parley-client: everything the Parley desktop app does except drawing.
//!
//! A [`Client`] serves the UI from a local SQLite cache at once — also when
//! the server is unreachable — while a sync engine keeps the cache current
//! over REST and the realtime stream, an outbox delivers sends exactly once,
//! the session keeps tokens fresh with the refresh token in the OS secret
//! store, and notifications follow the user's policy, in the user's language. It knows nothing of
//! Tauri or of any window.

pub mod api;
pub mod cache;
mod client;
mod conversation;
mod delivery;
pub mod direct;
pub mod error;
pub mod events;
pub mod i18n;
pub mod media;
pub mod notify;
mod pins;
pub mod preferences;
pub mod secrets;
pub mod session;
mod sync;

pub use client::{known_accounts, Client, ClientConfig};
pub use error::{ClientError, Refusal, Result};
pub use events::{ClientEvent, ConnectionState};
pub use session::Account;
pub use sync::{backoff, PAGE as SYNC_PAGE, SYNC_GROUP};
