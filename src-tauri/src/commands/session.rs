//! Signing in and out, and restoring the last account from its cache.

use tauri::{AppHandle, Runtime, State};

use super::{activate, notifier, session_view, ui, Defaults, SessionView, Shell};
use parley_client::error::UiError;
use parley_client::Client;

#[tauri::command]
pub async fn defaults(shell: State<'_, Shell>) -> Result<Defaults, UiError> {
    Ok(Defaults {
        server_url: shell.profile.server_url.clone(),
    })
}

/// The signed-in account when the window reloads (a change of language),
/// else the last account opened from its cache (no network needed).
#[tauri::command]
pub async fn restore<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
) -> Result<Option<SessionView>, UiError> {
    if let Some(client) = shell.client.lock().await.as_ref() {
        return Ok(Some(session_view(client)));
    }
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
    // Not kept (not asked to be, or no working secret store): sign in again.
    if !client.session_is_kept() {
        return Ok(None);
    }
    Ok(Some(activate(&app, &shell, client).await))
}

#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
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
