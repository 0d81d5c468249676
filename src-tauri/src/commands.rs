//! Tauri commands: a few lines each — take state, call parley-client, map
//! the error to `{code, message}`.

use std::sync::Arc;

use parley_client::cache::{ChannelSummary, MessageView};
use parley_client::error::UiError;
use parley_client::notify::DesktopNotifier;
use parley_client::secrets::{KeyringStore, SecretStore};
use parley_client::{Client, ConnectionState};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use tokio::sync::Mutex;

use crate::Profile;

/// The shell's state: the profile and the signed-in client, if any.
pub struct Shell {
    profile: Profile,
    client: Mutex<Option<Client>>,
}

impl Shell {
    pub fn new(profile: Profile) -> Shell {
        Shell {
            profile,
            client: Mutex::new(None),
        }
    }

    fn secrets(&self) -> Arc<dyn SecretStore> {
        Arc::new(KeyringStore::new(&self.profile.keyring_service))
    }

    async fn client(&self) -> Result<Client, UiError> {
        self.client
            .lock()
            .await
            .clone()
            .ok_or_else(|| parley_client::ClientError::NotSignedIn.to_ui())
    }
}

/// Who is signed in, for the window.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub identity: String,
    pub server_url: String,
}

/// What the sign-in screen starts with.
#[derive(Debug, Clone, Serialize)]
pub struct Defaults {
    pub server_url: Option<String>,
}

fn ui(e: parley_client::ClientError) -> UiError {
    e.to_ui()
}

fn notifier(app: &AppHandle) -> Arc<DesktopNotifier> {
    let app = app.clone();
    Arc::new(DesktopNotifier::with_click_handler(Arc::new(
        move |channel: String| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.set_focus();
            }
            let _ = app.emit("parley-open-channel", channel);
        },
    )))
}

/// Starts the client and forwards its events to the window.
async fn activate(app: &AppHandle, shell: &Shell, client: Client) -> SessionView {
    let mut events = client.subscribe();
    let forward = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Ok(e) = events.recv().await {
            let _ = forward.emit("parley-event", &e);
        }
    });
    client.start();
    let view = SessionView {
        identity: client.account().identity.clone(),
        server_url: client.account().server_url.clone(),
    };
    *shell.client.lock().await = Some(client);
    view
}

#[tauri::command]
pub async fn defaults(shell: State<'_, Shell>) -> Result<Defaults, UiError> {
    Ok(Defaults {
        server_url: shell.profile.server_url.clone(),
    })
}

/// Opens the last account from its cache (no network needed).
#[tauri::command]
pub async fn restore(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<SessionView>, UiError> {
    let Some(account) = parley_client::known_accounts(&shell.profile.config)
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let client = Client::open(
        &shell.profile.config,
        account,
        shell.secrets(),
        notifier(&app),
    )
    .map_err(ui)?;
    Ok(Some(activate(&app, &shell, client).await))
}

#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    shell: State<'_, Shell>,
    server_url: String,
    username: String,
    password: String,
    remember: bool,
) -> Result<SessionView, UiError> {
    let secrets = shell.secrets();
    let client = Client::login(
        &shell.profile.config,
        &server_url,
        &username,
        &password,
        remember,
        secrets,
        notifier(&app),
    )
    .await
    .map_err(ui)?;
    Ok(activate(&app, &shell, client).await)
}

#[tauri::command]
pub async fn sign_out(shell: State<'_, Shell>) -> Result<(), UiError> {
    let client = shell.client.lock().await.take();
    match client {
        Some(c) => c.logout(true).await.map_err(ui),
        None => Ok(()),
    }
}

#[tauri::command]
pub async fn channels(shell: State<'_, Shell>) -> Result<Vec<ChannelSummary>, UiError> {
    shell.client().await?.channels().map_err(ui)
}

#[tauri::command]
pub async fn messages(
    shell: State<'_, Shell>,
    channel: String,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<MessageView>, UiError> {
    shell
        .client()
        .await?
        .messages(&channel, before, limit.min(500))
        .map_err(ui)
}

#[tauri::command]
pub async fn send(shell: State<'_, Shell>, channel: String, body: String) -> Result<i64, UiError> {
    shell.client().await?.send(&channel, &body).map_err(ui)
}

#[tauri::command]
pub async fn open_channel(shell: State<'_, Shell>, channel: Option<String>) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .open_channel(channel.as_deref())
        .map_err(ui)
}

#[tauri::command]
pub async fn load_older(shell: State<'_, Shell>, channel: String) -> Result<usize, UiError> {
    shell.client().await?.load_older(&channel).await.map_err(ui)
}

#[tauri::command]
pub async fn status(shell: State<'_, Shell>) -> Result<ConnectionState, UiError> {
    Ok(shell.client().await?.connection_state())
}
