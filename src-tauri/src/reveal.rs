//! When the main window first appears: once its page has loaded, not when
//! it is created (`"visible": false` in tauri.conf.json).
//!
//! A window shown at creation is drawn while its web process is still
//! starting. On Linux, GTK's first draw of the web view then waits up to
//! 500 ms for a frame from a web process that is itself waiting for the app
//! to answer it, and in some starts the window appears half a second late
//! (docs/desktop-testing.md, "Start-up time"). Shown after the load, the
//! first draw finds the page ready. On every platform it also means no
//! blank window before the UI is there. A deadline shows the window anyway
//! if the page never finishes loading, so the app is never invisible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tauri::webview::{PageLoadEvent, PageLoadPayload};
use tauri::{AppHandle, Manager, Runtime, Webview};

/// How long the window may stay hidden while its page loads.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// Whether the main window has been shown once (app state).
#[derive(Debug, Default)]
pub struct Revealed(AtomicBool);

/// `on_page_load` hook: shows the window when its page has loaded.
pub fn page_loaded<R: Runtime>(webview: &Webview<R>, payload: &PageLoadPayload<'_>) {
    if payload.event() == PageLoadEvent::Finished {
        reveal(webview.app_handle());
    }
}

/// Shows the window after [`DEADLINE`] if the page has not done so.
pub fn arm_deadline<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(DEADLINE);
        let handle = app.clone();
        let _ = app.run_on_main_thread(move || {
            if reveal(&handle) {
                tracing::warn!("the window's page did not load in time; shown anyway");
            }
        });
    });
}

/// Shows and focuses the main window the first time it is called; true if
/// this call showed it.
fn reveal<R: Runtime>(app: &AppHandle<R>) -> bool {
    let first = app
        .try_state::<Revealed>()
        .is_some_and(|r| !r.0.swap(true, Ordering::SeqCst));
    if first {
        if let Some(w) = app.get_webview_window("main") {
            let _ = w.show();
            let _ = w.set_focus();
        }
    }
    first
}
