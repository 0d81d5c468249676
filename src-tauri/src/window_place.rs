//! Keeps the main window's size and place across restarts. The window-state
//! plugin restores them, but writes them only when the app exits normally;
//! here they are also written a moment after the user stops moving or
//! resizing the window, and a termination signal (logging out, `kill`) ends
//! the app through that normal exit, so nothing is lost when the app is not
//! closed through its window.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// How long the window must stay put before its place is written.
const SETTLE: Duration = Duration::from_millis(800);

/// What is remembered: everything but visibility (the window shows itself
/// once its page has loaded, see `reveal`).
pub fn flags() -> StateFlags {
    StateFlags::all().difference(StateFlags::VISIBLE)
}

/// Counts moves and resizes, so only the last one of a drag writes (app state).
#[derive(Debug, Default)]
pub struct Changes(AtomicU64);

/// The window moved or was resized: write its place once it settles.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    let Some(changes) = app.try_state::<Changes>() else {
        return;
    };
    let this = changes.0.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        let latest = app
            .try_state::<Changes>()
            .map(|c| c.0.load(Ordering::SeqCst));
        if latest == Some(this) {
            if let Err(e) = app.save_window_state(flags()) {
                tracing::debug!(error = %e, "window place not saved");
            }
        }
    });
}

/// Ends the app through its normal exit on SIGTERM and SIGINT (Unix; other
/// platforms close apps through their windows).
pub fn exit_on_signal<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::debug!("no signal handlers; a kill skips the normal exit");
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            tracing::debug!("terminated by a signal; exiting normally");
            app.exit(0);
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}
