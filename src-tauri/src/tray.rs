//! The tray icon: the unread count (in its tooltip, as a label where the
//! desktop shows one, and as the window's badge on docks that support it),
//! and a menu to show the window, toggle do-not-disturb and quit.

use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::Shell;
use crate::show_window;

const TRAY_ID: &str = "parley";
const DND_ID: &str = "dnd";

/// Creates the tray icon.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let show = MenuItem::with_id(app, "show", "Show Parley", true, None::<&str>)?;
    let dnd = CheckMenuItem::with_id(app, DND_ID, "Do not disturb", true, false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[&show, &dnd, &PredefinedMenuItem::separator(app)?, &quit],
    )?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Parley")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(move |app, event| match event.id().as_ref() {
            "show" => show_window(app),
            "quit" => app.exit(0),
            DND_ID => {
                let on = dnd.is_checked().unwrap_or(false);
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    let shell = app.state::<Shell>();
                    if let Ok(c) = shell.client().await {
                        let _ = c.set_do_not_disturb(on);
                    }
                    let _ = app.emit("parley-dnd", on);
                });
            }
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { .. } = event {
                show_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)
}

/// Shows the unread count on the tray icon and the window's badge.
pub fn set_unread<R: Runtime>(app: &AppHandle<R>, unread: i64) {
    let text = match unread {
        0 => "Parley".to_owned(),
        1 => "Parley — 1 unread message".to_owned(),
        n => format!("Parley — {n} unread messages"),
    };
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(&text));
        let label = (unread > 0).then(|| {
            if unread > 99 {
                "99+".to_owned()
            } else {
                unread.to_string()
            }
        });
        let _ = tray.set_title(label.as_deref());
    }
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_badge_count((unread > 0).then_some(unread));
        let _ = w.set_title(&if unread > 0 {
            format!("Parley ({unread})")
        } else {
            "Parley".into()
        });
    }
}
