//! Push credentials: `/v2/Credentials` (account-level, admin only). Secrets
//! (certificate, private key, API key, FCM secret) are stored but never
//! rendered. Key material is checked when stored (`push::keys`): an `fcm`
//! credential's `Secret` is an FCM v1 service-account JSON; an `apn`
//! credential has `Certificate` + `PrivateKey`, or — Parley extension,
//! token auth — a `.p8` key in `PrivateKey` with `ApnKeyId`, `ApnTeamId`
//! and `ApnTopic`. `failure` and `date_failed` (Parley extensions) say why
//! a provider last refused the credential; updating it clears them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::Credential;
use parley_protocol::ErrorCode;
use parley_protocol::{paging, SidKind, Timestamp};

use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::store::credentials::{self as store, CredentialRow, CredentialUpdate};
use crate::store::Conn;

fn render(app: &App, c: &CredentialRow) -> Credential {
    Credential {
        url: format!("{}/v2/Credentials/{}", app.public_url, c.sid),
        sid: c.sid.clone(),
        account_sid: app.account_sid.clone(),
        friendly_name: c.friendly_name.clone(),
        kind: c.kind,
        sandbox: c
            .sandbox
            .map(|b| if b { "True".into() } else { "False".into() }),
        date_created: Timestamp(c.date_created),
        date_updated: Timestamp(c.date_updated),
        failure: c.failure.clone(),
        date_failed: c.date_failed.map(Timestamp),
    }
}

fn load(conn: &Conn<'_>, app: &App, sid: &str) -> ApiResult<Credential> {
    store::get(conn, sid)?
        .map(|c| render(app, &c))
        .ok_or_else(|| ApiError::no_route(&format!("/Credentials/{sid}")))
}

fn check_name(f: &Params) -> ApiResult<()> {
    if f.str("FriendlyName")
        .is_some_and(|n| n.chars().count() > 64)
    {
        return Err(ApiError::new(
            ErrorCode::FriendlyNameTooLong,
            "Friendly name too long: at most 64 characters",
        ));
    }
    Ok(())
}

/// The fields of a create or update request.
fn changes(f: &Params) -> ApiResult<CredentialUpdate<'_>> {
    Ok(CredentialUpdate {
        friendly_name: f.str("FriendlyName"),
        certificate: f.str("Certificate"),
        private_key: f.str("PrivateKey"),
        api_key: f.str("ApiKey"),
        secret: f.str("Secret"),
        sandbox: f.bool("Sandbox")?,
        apn_key_id: f.str("ApnKeyId"),
        apn_team_id: f.str("ApnTeamId"),
        apn_topic: f.str("ApnTopic"),
    })
}

/// Refuses a credential whose key material could not push, with what is
/// wrong (nothing is stored; the write's savepoint rolls back).
fn check_usable(conn: &Conn<'_>, sid: &str, allow_link_local: bool) -> ApiResult<()> {
    let Some(secrets) = store::secrets(conn, sid)? else {
        return Ok(());
    };
    crate::push::keys::check(&secrets, allow_link_local).map_err(|why| {
        ApiError::invalid_param(format!("Invalid {} credential: {why}", secrets.kind))
    })
}

/// `GET /v2/Credentials`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("list credentials")?;
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let w = store::page(c, req.bound(), req.size)?;
            let items: Vec<Credential> = w.items.iter().map(|r| render(&a, r)).collect();
            let meta = pg::meta(
                &a.public_url,
                "/v2/Credentials",
                "credentials",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST /v2/Credentials`
pub async fn create(State(app): State<App>, p: Principal, Form(f): Form) -> ApiResult<Response> {
    p.require_admin("create credentials")?;
    let kind = f
        .required("Type", ErrorCode::InvalidParameter)?
        .to_ascii_lowercase();
    if !matches!(kind.as_str(), "gcm" | "apn" | "fcm") {
        return Err(ApiError::invalid_param("Type must be one of gcm, apn, fcm"));
    }
    check_name(&f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let sid = SidKind::Credential.generate();
            let t = c.now();
            store::insert(c, &sid, &kind, t)?;
            store::update(c, &sid, &changes(&f)?, c.now())?;
            check_usable(c, &sid, a.allow_link_local_webhooks)?;
            Ok(created(load(c, &a, &sid)?))
        })
        .await
}

/// `GET /v2/Credentials/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
) -> ApiResult<Json<Credential>> {
    p.require_admin("fetch credentials")?;
    let a = app.clone();
    app.db.read(move |c| Ok(Json(load(c, &a, &sid)?))).await
}

/// `POST /v2/Credentials/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
    Form(f): Form,
) -> ApiResult<axum::response::Response> {
    p.require_admin("update credentials")?;
    check_name(&f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let before = load(c, &a, &sid)?;
            store::update(c, &sid, &changes(&f)?, c.now())?;
            check_usable(c, &sid, a.allow_link_local_webhooks)?;
            Ok(crate::admin::audit::changed(&before, &load(c, &a, &sid)?))
        })
        .await
}

/// `DELETE /v2/Credentials/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path(sid): Path<String>,
) -> ApiResult<StatusCode> {
    p.require_admin("delete credentials")?;
    let a = app.clone();
    app.db
        .write(move |c| {
            load(c, &a, &sid)?;
            store::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
