//! The `parley-media:` URI scheme: shows kept media files (pictures, video,
//! audio) in the window, by media SID, from the signed-in account's media
//! cache only — never an arbitrary path, never over the network, never a
//! type a browser could run (HTML, SVG and the like get 403). Range requests
//! are answered in slices so a long video is not read into memory whole.

use std::io::{Read, Seek, SeekFrom};

use parley_protocol::media::{inline, slice, Slice};
use tauri::http::{header, Request, Response, StatusCode};
use tauri::Manager;

use crate::commands::Shell;

/// The scheme name (`parley-media://localhost/ME…`, or
/// `http://parley-media.localhost/ME…` on Windows).
pub const SCHEME: &str = "parley-media";
/// Largest slice served for one open-ended range request.
const MAX_SLICE: u64 = 4 * 1024 * 1024;

fn status(code: StatusCode) -> Response<Vec<u8>> {
    let mut r = Response::new(Vec::new());
    *r.status_mut() = code;
    r
}

fn read_slice(path: &std::path::Path, start: u64, len: u64) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::with_capacity(len as usize);
    f.take(len).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Answers one request of the scheme.
pub async fn answer<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    request: Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    let sid = request.uri().path().trim_start_matches('/').to_owned();
    if !parley_protocol::SidKind::Media.matches(&sid) {
        return status(StatusCode::NOT_FOUND);
    }
    let shell = app.state::<Shell>();
    let Ok(client) = shell.client().await else {
        return status(StatusCode::NOT_FOUND);
    };
    let Ok(Some((path, content_type))) = client.cached_media_typed(&sid) else {
        return status(StatusCode::NOT_FOUND);
    };
    if !inline(&content_type) {
        return status(StatusCode::FORBIDDEN);
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let wanted = request
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let (code, start, end) = match slice(wanted, size).capped(size, MAX_SLICE, wanted.is_some()) {
        Slice::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end),
        Slice::Whole => (StatusCode::OK, 0, size.saturating_sub(1)),
        Slice::Unsatisfiable => {
            let mut r = status(StatusCode::RANGE_NOT_SATISFIABLE);
            if let Ok(v) = header::HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return r;
        }
    };
    let len = if size == 0 { 0 } else { end - start + 1 };
    let body = match tokio::task::spawn_blocking(move || read_slice(&path, start, len)).await {
        Ok(Ok(b)) => b,
        _ => return status(StatusCode::NOT_FOUND),
    };
    let mut r = Response::new(body);
    *r.status_mut() = code;
    let h = r.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(v) = header::HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, content_type);
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    set(header::CACHE_CONTROL, "private, max-age=3600".into());
    if code == StatusCode::PARTIAL_CONTENT {
        set(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
    }
    r
}
