//! Memory settings of the webview on Linux (WebKitGTK): a chat window needs
//! no back/forward page cache, no WebGL and only the small in-memory caches
//! of WebKit's "document viewer" model, which keeps the web process lean.
//! Other platforms keep their webview's defaults.

use tauri::{Runtime, WebviewWindow};

/// Applies the settings to `window`'s webview; failures only cost memory.
pub fn tune<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        let done = window.with_webview(|webview| {
            use webkit2gtk::{CacheModel, SettingsExt, WebContextExt, WebViewExt};
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_page_cache(false);
                settings.set_enable_webgl(false);
            }
        });
        if let Err(e) = done {
            tracing::debug!(error = %e, "webview settings not applied");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
