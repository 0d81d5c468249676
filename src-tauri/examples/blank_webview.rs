//! The floor under the desktop app's memory on Linux: a bare GTK window
//! with one WebKitGTK web view showing a one-line page, set up the way the
//! app sets up its own (shared-memory renderer, document-viewer caches) but
//! with no Tauri and no Parley code. The start-up bench measures it next to
//! the app, so the app's figures can be read as "WebKitGTK's floor plus
//! Parley's share".

#[cfg(target_os = "linux")]
fn main() {
    use gtk::prelude::*;
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};

    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    if gtk::init().is_err() {
        eprintln!("blank_webview: no display");
        std::process::exit(1);
    }
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_default_size(1100, 720);
    let view = webkit2gtk::WebView::new();
    if let Some(context) = view.context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
    window.add(&view);
    view.load_html("<!doctype html><title>blank</title><p>blank</p>", None);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("blank_webview: Linux only");
}
