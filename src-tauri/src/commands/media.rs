//! Files: the attach dialog, files dropped on the window, pasted images,
//! cancelling transfers, downloading and saving received files, and opening
//! links in the system browser. The window never names a path on disk: paths
//! come from the native dialogs and from the window's own drop events.

use std::path::PathBuf;

use parley_client::error::UiError;
use parley_client::{ClientError, Refusal};
use parley_protocol::{ChannelSid, MediaSid};
use serde::Serialize;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use super::{ui, Shell};

/// A file dropped on the window, as the window may show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Serialize)]
pub struct DroppedFile {
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

fn invalid(msg: impl Into<String>) -> UiError {
    ClientError::Invalid(msg.into()).to_ui()
}

fn refused(r: Refusal) -> UiError {
    ClientError::Refused(r).to_ui()
}

/// Remembers the paths of a drop on the window and describes them.
pub fn remember_drop(shell: &Shell, paths: Vec<PathBuf>) -> Vec<DroppedFile> {
    let files: Vec<PathBuf> = paths.into_iter().filter(|p| p.is_file()).collect();
    let shown = files
        .iter()
        .map(|p| DroppedFile {
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size: std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
        })
        .collect();
    if let Ok(mut d) = shell.dropped.lock() {
        *d = files;
    }
    shown
}

/// Picks files with the native dialog and sends each to `channel`.
#[tauri::command]
pub async fn attach<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<i64>, UiError> {
    let client = shell.client().await?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Send files")
        .pick_files(move |picked| {
            let _ = tx.send(picked);
        });
    let picked = rx.await.ok().flatten().unwrap_or_default();
    let mut ids = Vec::new();
    for f in picked {
        let path = f.into_path().map_err(|e| invalid(e.to_string()))?;
        ids.push(client.send_file(&channel, &path, None).map_err(ui)?);
    }
    Ok(ids)
}

/// Sends the files last dropped on the window to `channel`.
#[tauri::command]
pub async fn send_dropped(
    shell: State<'_, Shell>,
    channel: ChannelSid,
) -> Result<Vec<i64>, UiError> {
    let client = shell.client().await?;
    let paths = shell
        .dropped
        .lock()
        .map(|mut d| std::mem::take(&mut *d))
        .unwrap_or_default();
    let mut ids = Vec::new();
    for p in paths {
        ids.push(client.send_file(&channel, &p, None).map_err(ui)?);
    }
    Ok(ids)
}

/// Sends a pasted file: the raw bytes as the request body, the channel,
/// file name and type in `x-channel`, `x-filename` (percent-encoded) and
/// `x-content-type` headers.
#[tauri::command]
pub async fn paste_file(shell: State<'_, Shell>, request: Request<'_>) -> Result<i64, UiError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(refused(Refusal::PasteNotBytes));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let channel = header("x-channel")
        .and_then(|c| ChannelSid::parse(c).ok())
        .ok_or_else(|| refused(Refusal::NoChannelForPaste))?;
    let filename = header("x-filename")
        .map(|f| {
            percent_encoding::percent_decode_str(&f)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_else(|| "pasted".into());
    let content_type = header("x-content-type");
    shell
        .client()
        .await?
        .send_file_bytes(&channel, &filename, content_type.as_deref(), bytes, None)
        .map_err(ui)
}

#[tauri::command]
pub async fn cancel_send(shell: State<'_, Shell>, outbox_id: i64) -> Result<bool, UiError> {
    shell.client().await?.cancel_send(outbox_id).map_err(ui)
}

#[tauri::command]
pub async fn cancel_download(shell: State<'_, Shell>, sid: MediaSid) -> Result<bool, UiError> {
    Ok(shell.client().await?.cancel_download(&sid))
}

/// Downloads a received file into the media cache (progress arrives as
/// `transfer` events; the message then shows as available).
#[tauri::command]
pub async fn fetch_media(
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MediaSid,
) -> Result<(), UiError> {
    shell
        .client()
        .await?
        .media_file_of(&channel, &sid)
        .await
        .map(|_| ())
        .map_err(ui)
}

/// Saves a received file where the user chooses; false if they cancelled.
#[tauri::command]
pub async fn save_media<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    channel: ChannelSid,
    sid: MediaSid,
    filename: Option<String>,
) -> Result<bool, UiError> {
    let client = shell.client().await?;
    let source = client.media_file_of(&channel, &sid).await.map_err(ui)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Save file")
        .set_file_name(filename.unwrap_or_else(|| sid.to_string()))
        .save_file(move |picked| {
            let _ = tx.send(picked);
        });
    let Some(target) = rx.await.ok().flatten() else {
        return Ok(false);
    };
    let target = target.into_path().map_err(|e| invalid(e.to_string()))?;
    std::fs::copy(&source, &target).map_err(|e| {
        refused(Refusal::CannotSave {
            file: target.display().to_string(),
            detail: e.to_string(),
        })
    })?;
    Ok(true)
}

/// Opens a link from a message in the system browser (web and mail links only).
#[tauri::command]
pub async fn open_link<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), UiError> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return Err(refused(Refusal::LinkNotAllowed));
    }
    app.opener().open_url(url, None::<&str>).map_err(|e| {
        refused(Refusal::CannotOpenLink {
            detail: e.to_string(),
        })
    })
}
