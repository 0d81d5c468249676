//! The Parley desktop shell: builds the Tauri app, maps commands onto
//! parley-client and forwards the client's events to the window. Everything
//! that is not window glue lives in parley-client.

mod commands;

use std::path::PathBuf;

use parley_client::ClientConfig;
use tauri::Manager;

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

/// Builds the app with its commands and state.
pub fn builder(profile: Profile) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        .manage(commands::Shell::new(profile))
        .invoke_handler(tauri::generate_handler![
            commands::defaults,
            commands::restore,
            commands::sign_in,
            commands::sign_out,
            commands::channels,
            commands::messages,
            commands::send,
            commands::open_channel,
            commands::load_older,
            commands::status,
        ])
        .setup(|app| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.set_title("Parley");
            }
            Ok(())
        })
}

/// Runs the desktop app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARLEY_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // Blank windows on some Linux GPU stacks otherwise.
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    let profile = Profile::from_env();
    if let Err(e) = builder(profile).run(tauri::generate_context!("../tauri.conf.json")) {
        eprintln!("parley: {e}");
        std::process::exit(1);
    }
}
