//! The language the app speaks: the window asks which (before it shows
//! anything) and changes it from its settings; the choice is the profile's
//! (`preferences.json`), and a change reaches the tray and the client's
//! notifications at once. The window reloads itself to redraw in it.

use std::sync::Arc;

use parley_client::error::UiError;
use parley_client::i18n::{self, LanguageView, Words};
use tauri::{AppHandle, Runtime, State};

use super::{ui, Shell};

fn chosen(shell: &Shell) -> Option<String> {
    shell
        .preferences
        .lock()
        .ok()
        .and_then(|p| p.language.clone())
}

#[tauri::command]
pub async fn language(shell: State<'_, Shell>) -> Result<LanguageView, UiError> {
    Ok(i18n::view(chosen(&shell).as_deref()))
}

/// Chooses a language (`null`: follow the system) and keeps the choice.
#[tauri::command]
pub async fn set_language<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    tag: Option<String>,
) -> Result<LanguageView, UiError> {
    {
        let mut prefs = shell.preferences.lock().map_err(|_| {
            parley_client::ClientError::Cache("preferences are unavailable".into()).to_ui()
        })?;
        let mut next = prefs.clone();
        next.set_language(tag.as_deref()).map_err(ui)?;
        next.save(&shell.profile.config).map_err(ui)?;
        *prefs = next;
    }
    let view = i18n::view(tag.as_deref());
    let words = Arc::new(Words::new(&view.tag));
    if let Ok(mut w) = shell.words.write() {
        *w = words.clone();
    }
    if let Some(client) = shell.client.lock().await.as_ref() {
        client.set_language(words.tag());
        crate::tray::set_unread(&app, client.badge_count().unwrap_or(0));
    }
    crate::tray::relabel(&app, &words);
    Ok(view)
}
