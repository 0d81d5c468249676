//! The Parley desktop shell: builds the Tauri app, maps commands onto
//! parley-client and forwards the client's events to the window. Everything
//! that is not window glue lives in parley-client.

mod commands;
mod instance;
mod media_protocol;
mod reveal;
mod tray;
mod webview_memory;
mod window_place;

use std::path::PathBuf;

use parley_client::ClientConfig;
use tauri::{Emitter, Manager, Runtime};

/// Where this run keeps its data and secrets (overridable for tests and
/// side-by-side profiles).
#[derive(Debug, Clone)]
pub struct Profile {
    pub config: ClientConfig,
    /// Service name of the keyring entries.
    pub keyring_service: String,
    /// Server URL to prefill on the sign-in screen.
    pub server_url: Option<String>,
}

impl Profile {
    /// From `--data-dir DIR` / `PARLEY_DATA_DIR`, `PARLEY_KEYRING_SERVICE`
    /// and `PARLEY_SERVER_URL`, else the platform defaults.
    pub fn from_env() -> Profile {
        let mut args = std::env::args().skip(1);
        let mut data_dir: Option<PathBuf> = std::env::var_os("PARLEY_DATA_DIR").map(PathBuf::from);
        while let Some(a) = args.next() {
            if a == "--data-dir" {
                data_dir = args.next().map(PathBuf::from);
            }
        }
        let config = match data_dir {
            Some(d) => ClientConfig { data_dir: d },
            None => ClientConfig::platform_default().unwrap_or(ClientConfig {
                data_dir: PathBuf::from("parley-data"),
            }),
        };
        Profile {
            config,
            keyring_service: std::env::var("PARLEY_KEYRING_SERVICE")
                .unwrap_or_else(|_| "parley".into()),
            server_url: std::env::var("PARLEY_SERVER_URL").ok(),
        }
    }
}

/// Adds the app's commands, state, plugins and media scheme to `base`
/// (`tauri::Builder::default()`, or Tauri's mock builder in tests).
pub fn builder<R: Runtime>(base: tauri::Builder<R>, profile: Profile) -> tauri::Builder<R> {
    let state_file = format!(
        "window-state-{:016x}.json",
        fnv(profile.config.data_dir.to_string_lossy().as_bytes())
    );
    base.plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_filename(state_file)
                .with_state_flags(window_place::flags())
                .build(),
        )
        .manage(commands::Shell::new(profile))
        .register_asynchronous_uri_scheme_protocol(
            media_protocol::SCHEME,
            |ctx, request, responder| {
                let app = ctx.app_handle().clone();
                tauri::async_runtime::spawn(async move {
                    responder.respond(media_protocol::answer(app, request).await);
                });
            },
        )
        .manage(reveal::Revealed::default())
        .manage(window_place::Changes::default())
        .on_page_load(reveal::page_loaded)
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) => {
                let shell = window.state::<commands::Shell>();
                let files = commands::media::remember_drop(&shell, paths.clone());
                let _ = window.emit("parley-dropped", files);
            }
            tauri::WindowEvent::Moved(_) | tauri::WindowEvent::Resized(_) => {
                window_place::changed(window.app_handle());
            }
            tauri::WindowEvent::Focused(focused) => {
                let shell = window.state::<commands::Shell>();
                commands::window_focused(&shell, *focused);
            }
            _ => {}
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::defaults,
            commands::session::restore,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::language::language,
            commands::language::set_language,
            commands::chat::channels,
            commands::chat::messages,
            commands::chat::messages_before,
            commands::chat::send,
            commands::chat::open_channel,
            commands::chat::status,
            commands::chat::messages_after,
            commands::chat::mark_read,
            commands::chat::do_not_disturb,
            commands::chat::reply,
            commands::threads::thread,
            commands::threads::reply_in_thread,
            commands::threads::mark_thread_read,
            commands::chat::open_direct,
            commands::chat::set_pinned,
            commands::chat::pinned,
            commands::chat::set_saved,
            commands::chat::saved,
            commands::chat::locate,
            commands::chat::react,
            commands::chat::unreact,
            commands::chat::edit,
            commands::chat::remove,
            commands::chat::retry,
            commands::chat::discard,
            commands::chat::typing,
            commands::chat::typing_in,
            commands::chat::draft,
            commands::chat::set_draft,
            commands::chat::search,
            commands::chat::search_filters,
            commands::chat::members,
            commands::chat::status_text,
            commands::chat::set_status_text,
            commands::chat::public_channels,
            commands::chat::join,
            commands::chat::leave,
            commands::chat::create_channel,
            commands::chat::invite,
            commands::chat::accept_invite,
            commands::chat::decline_invite,
            commands::chat::set_notify_level,
            commands::chat::set_do_not_disturb,
            commands::chat::mark_unread_from,
            commands::chat::permissions,
            commands::chat::remove_member,
            commands::media::attach,
            commands::media::send_dropped,
            commands::media::paste_file,
            commands::media::cancel_send,
            commands::media::cancel_download,
            commands::media::fetch_media,
            commands::media::save_media,
            commands::media::open_link,
            commands::startup::first_frame,
        ])
        .setup(|app| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_title("Parley");
                webview_memory::tune(&w);
            }
            reveal::arm_deadline(app.handle());
            window_place::exit_on_signal(app.handle());
            let started = std::time::Instant::now();
            if let Err(e) = tray::build(app.handle()) {
                tracing::warn!(error = %e, "no tray icon");
            }
            tracing::debug!(took = ?started.elapsed(), "tray icon");
            Ok(())
        })
}

/// FNV-1a: a stable short name for a profile's files.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Brings the main window to the front.
pub(crate) fn show_window<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Runs the desktop app.
pub fn run() {
    commands::startup::main_entered();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARLEY_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // Blank windows on some Linux GPU stacks otherwise.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    tracing::debug!("starting");
    let profile = Profile::from_env();
    let running = match instance::start(&profile.config.data_dir) {
        Ok(instance::Start::First(i)) => i,
        Ok(instance::Start::AlreadyRunning) => {
            eprintln!("parley: already running for this profile; showing its window");
            return;
        }
        Err(e) => {
            eprintln!("parley: cannot use the data directory: {e}");
            std::process::exit(1);
        }
    };
    let app = builder(tauri::Builder::default(), profile)
        .build(tauri::generate_context!("../tauri.conf.json"));
    let app = match app {
        Ok(a) => a,
        Err(e) => {
            eprintln!("parley: {e}");
            std::process::exit(1);
        }
    };
    tracing::debug!("built");
    let handle = app.handle().clone();
    running.watch(move || {
        let h = handle.clone();
        let _ = handle.run_on_main_thread(move || show_window(&h));
    });
    app.run(|_, _| {});
}
