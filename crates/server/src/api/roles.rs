//! Roles: `/v2/Services/{ServiceSid}/Roles`. Users may read roles (to know
//! what they may do); only admins change them. Permission names are checked
//! against the vocabulary of the role's type.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::{is_valid, RoleType};
use parley_protocol::resources::Role;
use parley_protocol::{paging, SidKind, Timestamp};
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::Row;
use crate::store::StoreResult;

use super::services::load_with_caller;
use crate::app::{created, now, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};

const COLUMNS: &str =
    "sid, service_sid, friendly_name, type, permissions, date_created, date_updated";

fn render(app: &App, r: &Row<'_>) -> StoreResult<Role> {
    let sid: String = r.get(0)?;
    let service: String = r.get(1)?;
    let perms: String = r.get(4)?;
    Ok(Role {
        url: format!("{}/v2/Services/{service}/Roles/{sid}", app.public_url),
        sid,
        account_sid: app.account_sid.clone(),
        service_sid: service,
        friendly_name: r.get(2)?,
        kind: r.get(3)?,
        permissions: serde_json::from_str(&perms).unwrap_or_default(),
        date_created: Timestamp(r.get(5)?),
        date_updated: Timestamp(r.get(6)?),
    })
}

fn load(conn: &Conn<'_>, app: &App, service: &str, sid: &str) -> ApiResult<Role> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM roles WHERE sid = ?1 AND service_sid = ?2"),
        args![sid, service],
        |r| render(app, r),
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found(50100, format!("Role {sid} not found")))
}

/// Checks that `sid` names a role of `kind` in `service` (for RoleSid parameters).
pub fn check_role(conn: &Conn<'_>, service: &str, sid: &str, kind: RoleType) -> ApiResult<()> {
    let found: Option<String> = conn
        .query_row(
            "SELECT type FROM roles WHERE sid = ?1 AND service_sid = ?2",
            args![sid, service],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        Some(t) if t == kind.as_str() => Ok(()),
        Some(_) => Err(ApiError::bad_request(
            50105,
            format!("Role {sid} is not a {} role", kind.as_str()),
        )),
        None => Err(ApiError::not_found(
            if kind == RoleType::Channel {
                50101
            } else {
                50102
            },
            format!("Role {sid} not found"),
        )),
    }
}

fn permissions(f: &Params, kind: RoleType) -> ApiResult<Vec<String>> {
    let perms: Vec<String> = f
        .all("Permission")
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    if perms.is_empty() {
        return Err(ApiError::bad_request(
            20001,
            "Missing required parameter Permission",
        ));
    }
    if let Some(bad) = perms.iter().find(|p| !is_valid(kind, p)) {
        return Err(ApiError::bad_request(
            50104,
            format!("Permission {bad:?} not found for a {} role", kind.as_str()),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for p in perms {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// `GET /v2/Services/{ServiceSid}/Roles`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50, 100)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            load_with_caller(c, &service, &p)?;
            let w = pg::fetch(
                c,
                &format!("SELECT {COLUMNS}, rowid FROM roles WHERE service_sid = ?"),
                "rowid",
                vec![service.clone().into()],
                false,
                &req,
                |r| render(&a, r),
            )?;
            let meta = pg::meta(
                &a.public_url,
                &format!("/v2/Services/{service}/Roles"),
                "roles",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&w.items, &meta)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Roles`
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Form(f): Form,
) -> ApiResult<Response> {
    let name = f.required("FriendlyName", 50000)?.to_owned();
    if name.chars().count() > 64 {
        return Err(ApiError::bad_request(
            50003,
            "Friendly name too long: at most 64 characters",
        ));
    }
    let kind_s = f.required("Type", 50105)?;
    let kind = RoleType::parse(kind_s).ok_or_else(|| {
        ApiError::bad_request(
            50105,
            format!("Invalid role type {kind_s:?}: use channel or deployment"),
        )
    })?;
    let perms = permissions(&f, kind)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("create roles")?;
            let sid = SidKind::Role.generate();
            c.execute(
                "INSERT INTO roles (sid, service_sid, friendly_name, type, permissions, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                args![sid, service, name, kind.as_str(), serde_json::to_string(&perms).unwrap_or_default(), now()],
            )?;
            Ok(created(load(c, &a, &service, &sid)?))
        })
        .await
}

/// `GET /v2/Services/{ServiceSid}/Roles/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Role>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            load_with_caller(c, &service, &p)?;
            Ok(Json(load(c, &a, &service, &sid)?))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Roles/{Sid}` — replaces the permission set.
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<Json<Role>> {
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("update roles")?;
            let role = load(c, &a, &service, &sid)?;
            let kind = RoleType::parse(&role.kind).unwrap_or(RoleType::Channel);
            let perms = permissions(&f, kind)?;
            c.execute(
                "UPDATE roles SET permissions = ?2, date_updated = ?3 WHERE sid = ?1",
                args![
                    sid,
                    serde_json::to_string(&perms).unwrap_or_default(),
                    now()
                ],
            )?;
            Ok(Json(load(c, &a, &service, &sid)?))
        })
        .await
}

/// `DELETE /v2/Services/{ServiceSid}/Roles/{Sid}` — refused while the role is
/// a service default or assigned to a user, member or invite.
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("delete roles")?;
            load(c, &a, &service, &sid)?;
            let is_default = [
                &s.default_service_role_sid,
                &s.default_channel_role_sid,
                &s.default_channel_creator_role_sid,
            ]
            .iter()
            .any(|d| d.as_deref() == Some(sid.as_str()));
            let in_use: bool = c.query_row(
                "SELECT EXISTS(SELECT 1 FROM users WHERE role_sid = ?1)
                     OR EXISTS(SELECT 1 FROM members WHERE role_sid = ?1)
                     OR EXISTS(SELECT 1 FROM invites WHERE role_sid = ?1)",
                args![&sid],
                |r| r.get(0),
            )?;
            if is_default || in_use {
                return Err(ApiError::conflict(
                    20409,
                    format!("Role {sid} is in use and cannot be deleted"),
                ));
            }
            c.execute("DELETE FROM roles WHERE sid = ?1", args![&sid])?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
