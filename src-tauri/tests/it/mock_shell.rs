//! The shell on Tauri's mock runtime: the real builder (commands, state,
//! plugins, media scheme) answers IPC calls from a webview without a window
//! system — defaults, no account to restore, commands refused before sign-in
//! with a `{code, message}` error, links other than web and mail refused,
//! the window's start-up report accepted, and commands from remote content
//! refused. The real window is covered
//! by `tests/window.rs`.

use parley_client::ClientConfig;
use parley_desktop::Profile;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

/// The app's own origin on this platform.
const APP_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    call_from(webview, APP_ORIGIN, cmd, body)
}

fn call_from(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    origin: &str,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: origin.parse().expect("url"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|r| r.deserialize::<Value>().expect("json reply"))
}

#[test]
fn the_shell_answers_ipc_on_the_mock_runtime() {
    let data = tempfile::tempdir().expect("dir");
    let profile = Profile {
        config: ClientConfig {
            data_dir: data.path().to_owned(),
        },
        keyring_service: "parley-mock-test".into(),
        server_url: Some("http://127.0.0.1:9".into()),
    };
    // The app's real context (configuration, CSP, capabilities), the mock runtime.
    let app = parley_desktop::builder(mock_builder(), profile)
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a webview");

    let defaults = call(&webview, "defaults", Value::Null).expect("defaults");
    assert_eq!(defaults["server_url"], "http://127.0.0.1:9");

    // Remote content gets no IPC at all.
    assert!(
        call_from(&webview, "https://evil.example", "defaults", Value::Null).is_err(),
        "a remote page cannot call commands"
    );

    let restored = call(&webview, "restore", Value::Null).expect("restore");
    assert_eq!(restored, Value::Null, "no account in a new profile");

    let err = call(&webview, "channels", Value::Null).expect_err("not signed in");
    assert_eq!(err["code"], "not_signed_in", "{err}");
    assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));

    let err = call(
        &webview,
        "open_link",
        serde_json::json!({"url": "javascript:alert(1)"}),
    )
    .expect_err("refused");
    assert_eq!(err["code"], "invalid", "{err}");

    let err = call(
        &webview,
        "sign_in",
        serde_json::json!({"serverUrl": "not a url", "username": "alice", "password": "x", "remember": false}),
    )
    .expect_err("a bad URL");
    assert_eq!(err["code"], "invalid", "{err}");
    assert!(
        err["message"].as_str().unwrap_or("").contains("not a url"),
        "{err}"
    );

    // The window's start-up report is accepted from the app, and only there.
    let now = 1.8e12;
    call(
        &webview,
        "first_frame",
        serde_json::json!({"page": now, "list": now + 100.0}),
    )
    .expect("the start-up report is accepted");
    assert!(call_from(
        &webview,
        "https://evil.example",
        "first_frame",
        serde_json::json!({"page": now, "list": now}),
    )
    .is_err());
}
