//! How long the app took to show the user something: the window reports
//! when its first frame with the channel list was painted, and the shell
//! logs it (target `parley::startup`, level info) for the start-up
//! benchmark and for anyone looking into a slow start.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

static MAIN_ENTERED: OnceLock<f64> = OnceLock::new();

/// Unix time in milliseconds.
fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Remembers when `main` started (called first thing in `run`).
pub fn main_entered() {
    let _ = MAIN_ENTERED.set(now_ms());
}

/// `page`: when the page started loading; `list`: when the first frame with
/// the channel list was painted (both Unix milliseconds, from the page's
/// clock, which is the system's).
#[tauri::command]
pub fn first_frame(page: f64, list: f64) {
    let main = MAIN_ENTERED.get().copied().unwrap_or(f64::NAN);
    tracing::info!(
        target: "parley::startup",
        page_unix_ms = page,
        list_unix_ms = list,
        main_to_list_ms = (list - main).round(),
        "first frame with the channel list painted"
    );
}
