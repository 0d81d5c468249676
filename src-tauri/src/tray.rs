//! The tray icon: the unread count (in its tooltip, as a label where the
//! desktop shows one, and as the window's badge on docks that support it),
//! and a menu to show the window, toggle do-not-disturb and quit — in the
//! language the shell speaks (`relabel` after a change).

use parley_client::args;
use parley_client::i18n::{Args, Words};
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::commands::Shell;
use crate::show_window;

const TRAY_ID: &str = "parley";
const DND_ID: &str = "dnd";

/// The menu's items, kept to relabel them (app state).
struct Items<R: Runtime> {
    show: MenuItem<R>,
    dnd: CheckMenuItem<R>,
    quit: MenuItem<R>,
}

fn words<R: Runtime>(app: &AppHandle<R>) -> std::sync::Arc<Words> {
    match app.try_state::<Shell>() {
        Some(shell) => shell.words(),
        None => std::sync::Arc::new(Words::new(parley_client::i18n::FALLBACK)),
    }
}

/// Creates the tray icon.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let w = words(app);
    let none = Args::new();
    let show = MenuItem::with_id(app, "show", w.text("tray-show", &none), true, None::<&str>)?;
    let dnd = CheckMenuItem::with_id(
        app,
        DND_ID,
        w.text("tray-do-not-disturb", &none),
        true,
        false,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", w.text("tray-quit", &none), true, None::<&str>)?;
    app.manage(Items {
        show: show.clone(),
        dnd: dnd.clone(),
        quit: quit.clone(),
    });
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

/// Says the menu in `words` (after a change of language).
pub fn relabel<R: Runtime>(app: &AppHandle<R>, words: &Words) {
    if let Some(items) = app.try_state::<Items<R>>() {
        let none = Args::new();
        let _ = items.show.set_text(words.text("tray-show", &none));
        let _ = items.dnd.set_text(words.text("tray-do-not-disturb", &none));
        let _ = items.quit.set_text(words.text("tray-quit", &none));
    }
}

/// Shows the unread count on the tray icon and the window's badge.
pub fn set_unread<R: Runtime>(app: &AppHandle<R>, unread: i64) {
    let text = words(app).text("tray-tooltip", &args!("count" => unread.max(0)));
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
