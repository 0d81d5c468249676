//! Push bindings: `/v2/Services/{ServiceSid}/Bindings` and
//! `/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings`. Twilio creates
//! bindings from its client SDK; Parley adds `POST …/Users/{UserSid}/Bindings`
//! (an extension) so that a client can register a device. Users see and
//! manage only their own bindings.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::resources::{Binding, BindingLinks, UserBinding};
use parley_protocol::ErrorCode;
use parley_protocol::{paging, SidKind, Timestamp};

use super::services::load_with_caller;
use crate::access::Caller;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::store::bindings::{self as store, NewBinding};
use crate::store::Conn;

/// The push message types a binding may subscribe to.
pub const MESSAGE_TYPES: &[&str] = &[
    "new_message",
    "added_to_channel",
    "invited_to_channel",
    "removed_from_channel",
];

pub use crate::store::bindings::BindingRow;

impl BindingRow {
    fn service_view(&self, app: &App) -> Binding {
        let base = format!("{}/v2/Services/{}", app.public_url, self.service_sid);
        Binding {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            service_sid: self.service_sid.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            endpoint: self.endpoint.clone(),
            identity: self.identity.clone(),
            credential_sid: self.credential_sid.clone(),
            binding_type: self.binding_type,
            message_types: self.message_types.clone(),
            url: format!("{base}/Bindings/{}", self.sid),
            links: BindingLinks {
                user: format!("{base}/Users/{}", self.identity),
            },
        }
    }

    fn user_view(&self, app: &App) -> UserBinding {
        UserBinding {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            service_sid: self.service_sid.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            endpoint: self.endpoint.clone(),
            identity: self.identity.clone(),
            user_sid: self.user_sid.clone(),
            credential_sid: self.credential_sid.clone(),
            binding_type: self.binding_type,
            message_types: self.message_types.clone(),
            url: format!(
                "{}/v2/Services/{}/Users/{}/Bindings/{}",
                app.public_url, self.service_sid, self.user_sid, self.sid
            ),
        }
    }
}

fn binding_types(q: &Params) -> ApiResult<Vec<String>> {
    let types: Vec<String> = q
        .all("BindingType")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(bad) = types
        .iter()
        .find(|t| !matches!(t.as_str(), "apn" | "gcm" | "fcm"))
    {
        return Err(ApiError::new(
            ErrorCode::InvalidBindingType,
            format!("Invalid binding type {bad:?}: use apn, gcm or fcm"),
        ));
    }
    Ok(types)
}

fn load(conn: &Conn<'_>, service: &str, sid: &str) -> ApiResult<BindingRow> {
    store::get(conn, service, sid)?
        .ok_or_else(|| ApiError::no_route(&format!("/Services/{service}/Bindings/{sid}")))
}

fn visible(caller: &Caller, b: &BindingRow) -> ApiResult<()> {
    if caller.admin || caller.is(&b.identity) {
        Ok(())
    } else {
        Err(ApiError::no_route(&format!(
            "/Services/{}/Bindings/{}",
            b.service_sid, b.sid
        )))
    }
}

/// `GET /v2/Services/{ServiceSid}/Bindings` — `BindingType`, `Identity` filters.
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50)?;
    let types = binding_types(&q)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            let identities: Vec<String> = q
                .all("Identity")
                .into_iter()
                .filter(|i| !i.is_empty())
                .collect();
            let w = store::page_for_service(
                c,
                &service,
                &types,
                &identities,
                caller.identity.as_deref(),
                req.bound(),
                req.size,
            )?;
            let items: Vec<Binding> = w.items.iter().map(|b| b.service_view(&a)).collect();
            let meta = pg::meta(
                &a.public_url,
                &format!("/v2/Services/{service}/Bindings"),
                "bindings",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `GET /v2/Services/{ServiceSid}/Bindings/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Binding>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            let b = load(c, &service, &sid)?;
            visible(&caller, &b)?;
            Ok(Json(b.service_view(&a)))
        })
        .await
}

/// `DELETE /v2/Services/{ServiceSid}/Bindings/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.db
        .write(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            let b = load(c, &service, &sid)?;
            visible(&caller, &b)?;
            store::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}

fn own_user(
    conn: &Conn<'_>,
    service: &str,
    key: &str,
    p: &Principal,
) -> ApiResult<(Caller, super::users::UserRow)> {
    let (_, caller) = load_with_caller(conn, service, p)?;
    let user = super::users::resolve(conn, service, key)?;
    if !caller.admin && !caller.is(&user.identity) {
        return Err(ApiError::not_authorized("read another user's bindings"));
    }
    Ok((caller, user))
}

/// `GET /v2/Services/{ServiceSid}/Users/{UserSid}/Bindings` — `BindingType` filter.
pub async fn list_for_user(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50)?;
    let types = binding_types(&q)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let w = store::page_for_user(c, &user.sid, &types, req.bound(), req.size)?;
            let items: Vec<UserBinding> = w.items.iter().map(|b| b.user_view(&a)).collect();
            let path = format!("/v2/Services/{service}/Users/{key}/Bindings");
            let meta = pg::meta(&a.public_url, &path, "bindings", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Users/{UserSid}/Bindings` (Parley
/// extension): `BindingType`, `Endpoint`, `Address` (the device token
/// pushes go to: the FCM registration token or APNs device token; without
/// one the binding receives nothing), optional `CredentialSid` (default:
/// the only credential of the binding's kind) and repeated `MessageTypes`
/// (default: all four).
pub async fn create_for_user(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<Response> {
    let kind = f
        .required("BindingType", ErrorCode::InvalidBindingType)?
        .to_owned();
    if !matches!(kind.as_str(), "apn" | "gcm" | "fcm") {
        return Err(ApiError::new(
            ErrorCode::InvalidBindingType,
            format!("Invalid binding type {kind:?}: use apn, gcm or fcm"),
        ));
    }
    let endpoint = f
        .required("Endpoint", ErrorCode::InvalidParameter)?
        .to_owned();
    if endpoint.len() > 1024 {
        return Err(ApiError::invalid_param(
            "Endpoint too long: at most 1024 characters",
        ));
    }
    let mut types: Vec<String> = f
        .all("MessageTypes")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(bad) = types.iter().find(|t| !MESSAGE_TYPES.contains(&t.as_str())) {
        return Err(ApiError::invalid_param(format!(
            "Unknown message type {bad:?}"
        )));
    }
    if types.is_empty() {
        types = MESSAGE_TYPES.iter().map(|s| s.to_string()).collect();
    }
    let credential = f
        .str("CredentialSid")
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let address = match f.str("Address").map(str::trim) {
        None | Some("") => None,
        Some(a) if !crate::push::valid_address(&kind, a) => {
            return Err(ApiError::invalid_param(if kind == "apn" {
                "Address must be an APNs device token: hexadecimal, at most 400 characters"
            } else {
                "Address must be an FCM registration token: letters, digits, '-', '_', ':' and '.', at most 4096 characters"
            }))
        }
        Some(a) => Some(a.to_owned()),
    };
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            if let Some(cr) = &credential {
                if !crate::store::credentials::exists(c, cr)? {
                    return Err(ApiError::invalid_param(format!(
                        "Credential {cr} not found"
                    )));
                }
            }
            // One binding per endpoint and type: registering again replaces it.
            store::delete_for_endpoint(c, &user.sid, &endpoint, &kind)?;
            let sid = SidKind::Binding.generate();
            store::insert(
                c,
                &NewBinding {
                    sid: &sid,
                    service_sid: &service,
                    user_sid: &user.sid,
                    identity: &user.identity,
                    endpoint: &endpoint,
                    credential_sid: credential.as_deref(),
                    binding_type: &kind,
                    message_types: &types,
                    date_created: c.now(),
                    address: address.as_deref(),
                },
            )?;
            Ok(created(load(c, &service, &sid)?.user_view(&a)))
        })
        .await
}

/// `GET /v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}`
pub async fn fetch_for_user(
    State(app): State<App>,
    p: Principal,
    Path((service, key, sid)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let b = load(c, &service, &sid)?;
            if b.user_sid != user.sid {
                return Err(ApiError::no_route(&format!(
                    "/Services/{service}/Users/{key}/Bindings/{sid}"
                )));
            }
            Ok(Json(b.user_view(&a)).into_response())
        })
        .await
}

/// `DELETE /v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}`
pub async fn delete_for_user(
    State(app): State<App>,
    p: Principal,
    Path((service, key, sid)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    app.db
        .write(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let b = load(c, &service, &sid)?;
            if b.user_sid != user.sid {
                return Err(ApiError::no_route(&format!(
                    "/Services/{service}/Users/{key}/Bindings/{sid}"
                )));
            }
            store::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
