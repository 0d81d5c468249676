//! API keys: `/2010-04-01/Accounts/{AccountSid}/Keys.json` (list, create)
//! and `…/Keys/{Sid}.json` (fetch, rename, delete), in the shapes of Twilio's
//! REST API 2010 so its helper libraries' `keys` and `new_keys` work. Only
//! the account's own credentials (SID + auth token) manage keys, as on
//! Twilio, where a standard key cannot manage keys either. A secret is
//! returned once, by the create call.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::ErrorCode;
use serde::Serialize;
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

use crate::account;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Query};
use crate::store::accounts::KeyRow;

/// A key as the API shows it.
#[derive(Debug, Serialize)]
pub struct Key {
    pub sid: String,
    pub friendly_name: Option<String>,
    pub date_created: String,
    pub date_updated: String,
    /// Only in the answer to the create call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn rfc2822(t: i64) -> String {
    OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&Rfc2822).ok())
        .unwrap_or_default()
}

impl From<KeyRow> for Key {
    fn from(k: KeyRow) -> Self {
        Key {
            sid: k.sid,
            friendly_name: k.friendly_name,
            date_created: rfc2822(k.date_created),
            date_updated: rfc2822(k.date_updated),
            secret: None,
        }
    }
}

/// Only the account itself, and only its own keys.
fn check(app: &App, p: &Principal, account: &str) -> ApiResult<()> {
    if !matches!(p, Principal::Admin { key_sid: None }) {
        return Err(ApiError::with_status(
            StatusCode::FORBIDDEN,
            ErrorCode::Unauthenticated,
            "API keys are managed with the account SID and auth token",
        ));
    }
    if app.account_sid != account {
        return Err(ApiError::no_route(&format!(
            "/2010-04-01/Accounts/{account}/Keys"
        )));
    }
    Ok(())
}

/// `{Sid}.json` → `{Sid}`.
fn key_sid(file: &str) -> &str {
    file.strip_suffix(".json").unwrap_or(file)
}

/// `GET …/Keys.json` — `PageSize` (see [`crate::paging::page_size`]) and `Page`.
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(account): Path<String>,
    Query(q): Query,
) -> ApiResult<Response> {
    check(&app, &p, &account)?;
    let size = crate::paging::page_size(&q, 50)? as usize;
    let page: usize = match q.str("Page") {
        None => 0,
        Some(p) => p
            .parse()
            .map_err(|_| ApiError::invalid_param(format!("Page {p:?} is not a page number")))?,
    };
    let keys = app.db.read(account::list_keys).await?;
    let total = keys.len();
    let uri = format!("/2010-04-01/Accounts/{account}/Keys.json");
    let start = page.saturating_mul(size);
    let shown: Vec<Key> = keys
        .into_iter()
        .skip(start)
        .take(size)
        .map(Key::from)
        .collect();
    let body = serde_json::json!({
        "end": (start + shown.len()).saturating_sub(1),
        "first_page_uri": format!("{uri}?PageSize={size}&Page=0"),
        "next_page_uri": if start + size < total {
            format!("{uri}?PageSize={size}&Page={}", page + 1).into()
        } else {
            serde_json::Value::Null
        },
        "page": page,
        "page_size": size,
        "previous_page_uri": if page == 0 { serde_json::Value::Null } else {
            format!("{uri}?PageSize={size}&Page={}", page - 1).into()
        },
        "start": start,
        "uri": format!("{uri}?PageSize={size}&Page={page}"),
        "keys": shown,
    });
    Ok(Json(body).into_response())
}

/// `POST …/Keys.json` — `FriendlyName`; the answer holds the secret, once.
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path(account): Path<String>,
    Form(f): Form,
) -> ApiResult<Response> {
    check(&app, &p, &account)?;
    let name = f.str("FriendlyName").map(str::to_owned);
    account::check_key_name(name.as_deref())?;
    let (row, secret) = app
        .db
        .write(move |c| {
            let (sid, secret) = account::create_key(c, name.as_deref(), false)?;
            Ok::<_, ApiError>((account::key(c, &sid)?, secret))
        })
        .await?;
    let mut key = Key::from(row);
    key.secret = Some(secret);
    Ok(created(key))
}

/// `GET …/Keys/{Sid}.json`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((account, file)): Path<(String, String)>,
) -> ApiResult<Json<Key>> {
    check(&app, &p, &account)?;
    let sid = key_sid(&file).to_owned();
    let row = app.db.read(move |c| account::key(c, &sid)).await?;
    Ok(Json(row.into()))
}

/// `POST …/Keys/{Sid}.json` — `FriendlyName`.
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((account, file)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<Json<Key>> {
    check(&app, &p, &account)?;
    let sid = key_sid(&file).to_owned();
    let name = f.str("FriendlyName").map(str::to_owned);
    let row = app
        .db
        .write(move |c| account::rename_key(c, &sid, name.as_deref()))
        .await?;
    Ok(Json(row.into()))
}

/// `DELETE …/Keys/{Sid}.json` — revokes the key at once, on every node.
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((account, file)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    check(&app, &p, &account)?;
    let sid = key_sid(&file).to_owned();
    app.db.write(move |c| account::revoke_key(c, &sid)).await?;
    tracing::info!(key = %crate::logging::Field(key_sid(&file)), "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}
