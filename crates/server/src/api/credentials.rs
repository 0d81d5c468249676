//! Push credentials: `/v2/Credentials` (account-level, admin only). Secrets
//! (certificate, private key, API key, FCM secret) are stored but never
//! rendered.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::Credential;
use parley_protocol::{paging, SidKind, Timestamp};
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::Row;
use crate::store::StoreResult;

use crate::app::{created, now, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};

const COLUMNS: &str = "sid, friendly_name, type, sandbox, date_created, date_updated";

fn render(app: &App, r: &Row<'_>) -> StoreResult<Credential> {
    let sid: String = r.get(0)?;
    let sandbox: Option<bool> = r.get(3)?;
    Ok(Credential {
        url: format!("{}/v2/Credentials/{sid}", app.public_url),
        sid,
        account_sid: app.account_sid.clone(),
        friendly_name: r.get(1)?,
        kind: r.get(2)?,
        sandbox: sandbox.map(|b| if b { "True".into() } else { "False".into() }),
        date_created: Timestamp(r.get(4)?),
        date_updated: Timestamp(r.get(5)?),
    })
}

fn load(conn: &Conn<'_>, app: &App, sid: &str) -> ApiResult<Credential> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM credentials WHERE sid = ?1"),
        args![sid],
        |r| render(app, r),
    )
    .optional()?
    .ok_or_else(|| ApiError::no_route(&format!("/Credentials/{sid}")))
}

fn check_name(f: &Params) -> ApiResult<()> {
    if f.str("FriendlyName")
        .is_some_and(|n| n.chars().count() > 64)
    {
        return Err(ApiError::bad_request(
            50003,
            "Friendly name too long: at most 64 characters",
        ));
    }
    Ok(())
}

fn apply(conn: &Conn<'_>, sid: &str, f: &Params) -> ApiResult<()> {
    for (param, column) in [
        ("FriendlyName", "friendly_name"),
        ("Certificate", "certificate"),
        ("PrivateKey", "private_key"),
        ("ApiKey", "api_key"),
        ("Secret", "secret"),
    ] {
        if let Some(v) = f.str(param) {
            conn.execute(
                &format!("UPDATE credentials SET {column} = ?2 WHERE sid = ?1"),
                args![sid, v],
            )?;
        }
    }
    if let Some(b) = f.bool("Sandbox")? {
        conn.execute(
            "UPDATE credentials SET sandbox = ?2 WHERE sid = ?1",
            args![sid, b],
        )?;
    }
    conn.execute(
        "UPDATE credentials SET date_updated = ?2 WHERE sid = ?1",
        args![sid, now()],
    )?;
    Ok(())
}

/// `GET /v2/Credentials`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    p.require_admin("list credentials")?;
    let req = PageRequest::from_query(&q, 50, 1000)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let w = pg::fetch(
                c,
                &format!("SELECT {COLUMNS}, rowid FROM credentials WHERE TRUE"),
                "rowid",
                vec![],
                false,
                &req,
                |r| render(&a, r),
            )?;
            let meta = pg::meta(
                &a.public_url,
                "/v2/Credentials",
                "credentials",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&w.items, &meta)))
        })
        .await
}

/// `POST /v2/Credentials`
pub async fn create(State(app): State<App>, p: Principal, Form(f): Form) -> ApiResult<Response> {
    p.require_admin("create credentials")?;
    let kind = f.required("Type", 20001)?.to_ascii_lowercase();
    if !matches!(kind.as_str(), "gcm" | "apn" | "fcm") {
        return Err(ApiError::invalid_param("Type must be one of gcm, apn, fcm"));
    }
    check_name(&f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let sid = SidKind::Credential.generate();
            let t = now();
            c.execute(
                "INSERT INTO credentials (sid, type, date_created, date_updated) VALUES (?1, ?2, ?3, ?3)",
                args![sid, kind, t],
            )?;
            apply(c, &sid, &f)?;
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
) -> ApiResult<Json<Credential>> {
    p.require_admin("update credentials")?;
    check_name(&f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            load(c, &a, &sid)?;
            apply(c, &sid, &f)?;
            Ok(Json(load(c, &a, &sid)?))
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
            c.execute("DELETE FROM credentials WHERE sid = ?1", args![&sid])?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
