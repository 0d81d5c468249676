//! Parley's admin API under `/admin/…` and the operator console it serves
//! at `/console/`. The console is a static app that talks only to the REST
//! API: the Chat v2 resources and these endpoints. It signs in with
//! account or API-key credentials and then holds a session cookie
//! ([`session`]); every change made with admin credentials, from the
//! console or over REST, lands in the audit log ([`audit`]).

pub mod account;
pub mod assets;
pub mod audit;
pub mod channels;
pub mod health;
pub mod push_preview;
pub mod session;
pub mod test_push;
pub mod usage;
pub mod users;

use axum::routing::{get, post};
use axum::Router;

use crate::app::App;

/// The console's and the admin API's routes.
pub fn routes() -> Router<App> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/console", get(assets::root))
        .route("/console/", get(assets::index))
        .route("/console/{*path}", get(assets::asset))
        .route(
            "/admin/Session",
            get(session::fetch)
                .post(session::create)
                .delete(session::delete),
        )
        .route("/admin/Account", get(account::fetch))
        .route("/admin/Permissions", get(permissions))
        .route("/admin/Account/AuthToken/Reveal", post(account::reveal))
        .route("/admin/Account/AuthToken/Rotate", post(account::rotate))
        .route("/admin/Usage", get(usage::fetch))
        .route("/admin/AuditLog", get(audit::list))
        .route("/admin/Health", get(health::fetch))
        .route("/admin/Services/{service}/Users", get(users::list))
        .route("/admin/Services/{service}/Channels", get(channels::list))
        .route(
            "/admin/Services/{service}/Users/{user}/Password",
            post(users::set_password),
        )
        .route(
            "/admin/Services/{service}/Users/{user}/SignOut",
            post(users::sign_out),
        )
        .route(
            "/admin/Services/{service}/Bindings/{binding}/TestPush",
            post(test_push::send),
        )
        .route(
            "/admin/Services/{service}/PushPreview",
            get(push_preview::fetch),
        )
        .route(
            "/admin/Services/{service}/Deliveries",
            get(crate::api::deliveries::list),
        )
}

/// `GET /admin/Permissions`: the permission vocabulary of roles, by role
/// type (`parley_protocol::permission`, the lists the Roles API accepts),
/// for the console's permission matrix.
pub async fn permissions(
    p: crate::auth::Principal,
) -> crate::error::ApiResult<axum::Json<serde_json::Value>> {
    use parley_protocol::permission::{for_type, RoleType};
    p.require_admin("read the permission vocabulary")?;
    Ok(axum::Json(serde_json::json!({
        "deployment": for_type(RoleType::Deployment),
        "channel": for_type(RoleType::Channel),
    })))
}

/// A file to download: `body` as `content_type`, saved as `filename`
/// (made of SIDs, dates and fixed words, so always a valid header).
pub fn download(
    body: Vec<u8>,
    content_type: &'static str,
    filename: &str,
) -> axum::response::Response {
    use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
    use axum::http::HeaderValue;
    use axum::response::IntoResponse;
    let mut r = body.into_response();
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        r.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /openapi.json`: what Parley adds to Twilio's API, as OpenAPI 3.1
/// (`crates/server/openapi.json`; a test checks every admin route is in it).
pub async fn openapi() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
        .into_response()
}

/// The document itself.
pub const OPENAPI: &str = include_str!("../../openapi.json");
