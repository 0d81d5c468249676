//! The operator console's files (`console/dist`, built by Vite; embedded
//! in release builds, read from the folder in debug builds), served at
//! `/console/` with a strict Content-Security-Policy: scripts, styles and
//! connections only from this server, no inline script or style, no
//! framing. Hashed assets are cached for a year; `index.html` never.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "$PARLEY_CONSOLE_DIST"]
struct Console;

/// The policy every console response carries.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'self'";

fn secure_headers(r: &mut Response) {
    let h = r.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    };
    set(h, "content-security-policy", CSP);
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "no-referrer");
    set(h, "x-frame-options", "DENY");
    set(h, "cross-origin-opener-policy", "same-origin");
}

fn file(path: &str) -> Option<Response> {
    let f = Console::get(path)?;
    let mime = f.metadata.mimetype().to_owned();
    let mut r = f.data.into_owned().into_response();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        r.headers_mut().insert(CONTENT_TYPE, v);
    }
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(r)
}

fn not_built() -> Response {
    let mut r = (
        StatusCode::SERVICE_UNAVAILABLE,
        "The operator console was not built into this server: run `make` (it builds console/ with npm) and rebuild parley-server.\n",
    )
        .into_response();
    secure_headers(&mut r);
    r
}

/// `GET /console`: to `/console/`, where relative asset paths resolve.
pub async fn root() -> Redirect {
    Redirect::permanent("/console/")
}

/// `GET /console/`
pub async fn index() -> Response {
    let Some(mut r) = file("index.html") else {
        return not_built();
    };
    secure_headers(&mut r);
    r
}

/// `GET /console/{*path}`: a file, or for a path that names none and has
/// no extension, the app (it routes on the client).
pub async fn asset(Path(path): Path<String>) -> Response {
    let found = file(&path).or_else(|| {
        let last = path.rsplit('/').next().unwrap_or_default();
        (!last.contains('.')).then(|| file("index.html")).flatten()
    });
    let mut r = match found {
        Some(r) => r,
        None if Console::get("index.html").is_none() => return not_built(),
        None => (StatusCode::NOT_FOUND, "Not found\n").into_response(),
    };
    secure_headers(&mut r);
    r
}
