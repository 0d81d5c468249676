//! Tauri commands: a few lines each — take state, call parley-client, map
//! the error to `{code, message}`. This module holds the shell's state and
//! what the commands share; the commands live in one module per area.

pub mod chat;
pub mod language;
pub mod media;
pub mod session;
pub mod startup;
pub mod table;
pub mod threads;

use std::sync::Arc;

use parley_client::error::UiError;
use parley_client::i18n::{self, Words};
use parley_client::notify::DesktopNotifier;
use parley_client::preferences::Preferences;
use parley_client::secrets::{KeyringStore, SecretStore};
use parley_client::{Client, ClientEvent};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::Mutex;

use crate::Profile;

/// The shell's state: the profile, its preferences and language, and the
/// signed-in client, if any.
pub struct Shell {
    pub(crate) profile: Profile,
    pub(crate) preferences: std::sync::Mutex<Preferences>,
    /// The words of the tray (the client has its own for notifications).
    pub(crate) words: std::sync::RwLock<Arc<Words>>,
    pub(crate) client: Mutex<Option<Client>>,
    /// Paths of the files last dropped on the window, until sent or replaced.
    pub(crate) dropped: std::sync::Mutex<Vec<std::path::PathBuf>>,
}

impl Shell {
    pub fn new(profile: Profile) -> Shell {
        let preferences = Preferences::load(&profile.config);
        let tag = i18n::choose(preferences.language.as_deref(), &i18n::system_languages());
        Shell {
            profile,
            preferences: std::sync::Mutex::new(preferences),
            words: std::sync::RwLock::new(Arc::new(Words::new(tag))),
            client: Mutex::new(None),
            dropped: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The words the tray speaks.
    pub(crate) fn words(&self) -> Arc<Words> {
        self.words
            .read()
            .map(|w| w.clone())
            .unwrap_or_else(|_| Arc::new(Words::new(i18n::FALLBACK)))
    }

    pub(crate) fn secrets(&self) -> Arc<dyn SecretStore> {
        Arc::new(KeyringStore::new(&self.profile.keyring_service))
    }

    pub(crate) async fn client(&self) -> Result<Client, UiError> {
        self.client
            .lock()
            .await
            .clone()
            .ok_or_else(|| parley_client::ClientError::NotSignedIn.to_ui())
    }
}

/// Who is signed in, for the window.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub identity: String,
    pub server_url: String,
    /// Set when "Keep me signed in" was asked for and this machine's secret
    /// store refused it: why, in the store's words. The window says so once.
    pub not_kept: Option<String>,
}

/// What the sign-in screen starts with.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct Defaults {
    pub server_url: Option<String>,
}

pub(crate) fn ui(e: parley_client::ClientError) -> UiError {
    e.to_ui()
}

pub(crate) fn notifier<R: Runtime>(app: &AppHandle<R>) -> Arc<DesktopNotifier> {
    let app = app.clone();
    Arc::new(DesktopNotifier::with_click_handler(Arc::new(
        move |channel: String| {
            crate::show_window(&app);
            let _ = app.emit("parley-open-channel", channel);
        },
    )))
}

/// Starts the client and forwards its events to the window.
pub(crate) async fn activate<R: Runtime>(
    app: &AppHandle<R>,
    shell: &Shell,
    client: Client,
) -> SessionView {
    let mut events = client.subscribe();
    let forward = app.clone();
    let counted = client.clone();
    crate::tray::set_unread(app, counted.badge_count().unwrap_or(0));
    tauri::async_runtime::spawn(async move {
        while let Ok(e) = events.recv().await {
            if matches!(e, ClientEvent::ChannelsChanged) {
                crate::tray::set_unread(&forward, counted.badge_count().unwrap_or(0));
            }
            let _ = forward.emit("parley-event", &e);
        }
    });
    if let Some(w) = app.get_webview_window("main") {
        client.set_window_focused(w.is_focused().unwrap_or(true));
    }
    client.set_language(shell.words().tag());
    client.start();
    let view = session_view(&client);
    *shell.client.lock().await = Some(client);
    view
}

/// Who is signed in with `client`.
pub(crate) fn session_view(client: &Client) -> SessionView {
    SessionView {
        identity: client.account().identity.clone(),
        server_url: client.account().server_url.clone(),
        not_kept: client.session_not_kept(),
    }
}

/// Tells the client whether the window has focus (no notification for the
/// channel being read in a focused window).
pub fn window_focused(shell: &Shell, focused: bool) {
    if let Ok(guard) = shell.client.try_lock() {
        if let Some(c) = guard.as_ref() {
            c.set_window_focused(focused);
        }
    }
}
