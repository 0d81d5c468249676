//! Users as the console manages them: search (`GET
//! /admin/Services/{IS}/Users?Q=`, paged like the Chat v2 list, each user
//! with its last activity), a password for the desktop app (`POST
//! …/Users/{US}/Password`) and "sign out everywhere" (`POST
//! …/Users/{US}/SignOut`: every refresh token revoked and every access
//! token issued until now refused, open sockets closed at their next
//! heartbeat).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::api::services::load;
use crate::api::users::find;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Query};
use crate::paging::{self as pg, PageRequest};
use crate::store::{activity, sessions, users};
use parley_protocol::{paging, Timestamp};

/// Shortest password accepted (as the CLI's).
pub const MIN_PASSWORD: usize = 8;

/// `GET /admin/Services/{IS}/Users`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<Value>> {
    p.require_admin("search users")?;
    let req = PageRequest::from_query(&q, 50)?;
    let needle = q.str("Q").map(str::trim).unwrap_or_default().to_owned();
    let a = app.clone();
    app.db
        .read(move |c| {
            load(c, &service)?;
            let w = if needle.is_empty() {
                users::page(c, &service, req.bound(), req.size)?
            } else {
                users::search(c, &service, &needle, req.bound(), req.size)?
            };
            let mut items = Vec::with_capacity(w.items.len());
            for u in &w.items {
                let mut v =
                    serde_json::to_value(u.render(&a, None)).map_err(|_| ApiError::internal())?;
                let last = activity::last_seen(c, &service, &u.identity)?;
                v["last_activity"] =
                    serde_json::to_value(last.map(Timestamp)).unwrap_or(Value::Null);
                items.push(v);
            }
            let path = format!("/admin/Services/{service}/Users");
            let meta = pg::meta(&a.public_url, &path, "users", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

async fn user(app: &App, service: &str, key: &str) -> ApiResult<users::UserRow> {
    let (service, key) = (service.to_owned(), key.to_owned());
    app.db
        .read(move |c| {
            load(c, &service)?;
            find(c, &service, &key)?
                .ok_or_else(|| ApiError::no_route(&format!("/Services/{service}/Users/{key}")))
        })
        .await
}

/// `POST /admin/Services/{IS}/Users/{US}/Password` (form `Password`)
pub async fn set_password(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<StatusCode> {
    p.require_admin("set a user's password")?;
    let password = f.str("Password").unwrap_or_default().to_owned();
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::invalid_param(format!(
            "Password must be at least {MIN_PASSWORD} characters"
        )));
    }
    let u = user(&app, &service, &key).await?;
    let phc = tokio::task::spawn_blocking(move || crate::auth::password::hash(&password))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|e| {
            tracing::error!(error = %e, "could not hash a password");
            ApiError::internal()
        })?;
    app.db
        .write(move |tx| users::set_password(tx, &u.sid, &phc).map_err(ApiError::from))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /admin/Services/{IS}/Users/{US}/SignOut`
pub async fn sign_out(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    p.require_admin("sign a user out")?;
    let u = user(&app, &service, &key).await?;
    app.db
        .write(move |tx| {
            sessions::revoke_all(tx, &u.service_sid, &u.identity)?;
            users::sign_out(tx, &u.service_sid, &u.identity)?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
