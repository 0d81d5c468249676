//! Roles: `/v2/Services/{ServiceSid}/Roles`. Users may read roles (to know
//! what they may do); only admins change them. Permission names are checked
//! against the vocabulary of the role's type.

use crate::store::roles::RoleRow;
use crate::store::{self, Conn};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::{is_valid, RoleType};
use parley_protocol::resources::Role;
use parley_protocol::ErrorCode;
use parley_protocol::{paging, RoleSid, SidKind, Timestamp};

use super::services::load_with_caller;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;

fn render(app: &App, r: RoleRow) -> Role {
    Role {
        url: format!(
            "{}/v2/Services/{}/Roles/{}",
            app.public_url, r.service_sid, r.sid
        ),
        sid: r.sid,
        account_sid: app.account_sid.clone(),
        service_sid: r.service_sid,
        friendly_name: r.friendly_name,
        kind: r.kind,
        permissions: r.permissions,
        date_created: Timestamp(r.date_created),
        date_updated: Timestamp(r.date_updated),
    }
}

fn load(conn: &Conn<'_>, app: &App, service: &str, sid: &str) -> ApiResult<Role> {
    let role = store::roles::get(conn, service, sid)?
        .ok_or_else(|| ApiError::new(ErrorCode::RoleNotFound, format!("Role {sid} not found")))?;
    Ok(render(app, role))
}

/// Checks that `sid` names a role of `kind` in `service` (for RoleSid parameters).
pub fn check_role(conn: &Conn<'_>, service: &str, sid: &str, kind: RoleType) -> ApiResult<RoleSid> {
    let missing = if kind == RoleType::Channel {
        ErrorCode::ChannelRoleNotFound
    } else {
        ErrorCode::DeploymentRoleNotFound
    };
    role_of_type(conn, service, sid, kind, missing)
}

/// The role `sid` of `service` if it is of `kind`; `missing` is the error
/// code for a role that is not there (each parameter has its own).
pub fn role_of_type(
    conn: &Conn<'_>,
    service: &str,
    sid: &str,
    kind: RoleType,
    missing: ErrorCode,
) -> ApiResult<RoleSid> {
    let not_found = || {
        ApiError::new(
            missing,
            format!("Role {} not found", crate::logging::Field(sid)),
        )
    };
    let role = RoleSid::parse(sid).map_err(|_| not_found())?;
    match store::roles::kind(conn, service, &role)? {
        Some(t) if t == kind => Ok(role),
        Some(_) => Err(ApiError::new(
            ErrorCode::InvalidRoleType,
            format!("Role {role} is not a {kind} role"),
        )),
        None => Err(not_found()),
    }
}

fn permissions(f: &Params, kind: RoleType) -> ApiResult<Vec<String>> {
    let perms: Vec<String> = f
        .all("Permission")
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    if perms.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidParameter,
            "Missing required parameter Permission",
        ));
    }
    if let Some(bad) = perms.iter().find(|p| !is_valid(kind, p)) {
        return Err(ApiError::new(
            ErrorCode::PermissionNotFound,
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
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            load_with_caller(c, &service, &p)?;
            let w = store::roles::page(c, &service, req.bound(), req.size)?;
            let w = w.map(|r| render(&a, r));
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
    let name = f
        .required("FriendlyName", ErrorCode::FriendlyNameNotProvided)?
        .to_owned();
    if name.chars().count() > 64 {
        return Err(ApiError::new(
            ErrorCode::FriendlyNameTooLong,
            "Friendly name too long: at most 64 characters",
        ));
    }
    let kind_s = f.required("Type", ErrorCode::InvalidRoleType)?;
    let kind = kind_s.parse::<RoleType>().map_err(|_| {
        ApiError::new(
            ErrorCode::InvalidRoleType,
            format!("Invalid role type {kind_s:?}: use channel or deployment"),
        )
    })?;
    let perms = permissions(&f, kind)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("create roles")?;
            ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            let sid = SidKind::Role.generate();
            store::roles::insert(c, &sid, &service, &name, kind.as_str(), &perms, c.now())?;
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
) -> ApiResult<axum::response::Response> {
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("update roles")?;
            let role = load(c, &a, &service, &sid)?;
            ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            let kind = role.kind;
            let perms = permissions(&f, kind)?;
            store::roles::set_permissions(c, &sid, &perms, c.now())?;
            Ok(crate::admin::audit::changed(
                &role,
                &load(c, &a, &service, &sid)?,
            ))
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
            let role = load(c, &a, &service, &sid)?;
            let name = crate::logging::Field(&role.friendly_name);
            let default = [
                (&s.default_service_role_sid, "service role"),
                (&s.default_channel_role_sid, "channel role"),
                (&s.default_channel_creator_role_sid, "channel creator role"),
            ]
            .into_iter()
            .find(|(d, _)| d.as_deref() == Some(sid.as_str()));
            if let Some((_, which)) = default {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "Role {name} ({sid}) is the service's default {which} and cannot be deleted: choose another default first"
                    ),
                ));
            }
            let (users, members, invites) = store::roles::holders(c, &sid)?;
            if users + members + invites > 0 {
                let count = |n: i64, one: &str, many: &str| -> Option<String> {
                    let shown = if n >= store::roles::HOLDERS_COUNTED {
                        format!("{}+", store::roles::HOLDERS_COUNTED)
                    } else {
                        n.to_string()
                    };
                    (n > 0).then(|| format!("{shown} {}", if n == 1 { one } else { many }))
                };
                let held: Vec<String> = [
                    count(users, "user", "users"),
                    count(members, "channel member", "channel members"),
                    count(invites, "invite", "invites"),
                ]
                .into_iter()
                .flatten()
                .collect();
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!(
                        "Role {name} ({sid}) is held by {} and cannot be deleted: give them another role first",
                        held.join(" and ")
                    ),
                ));
            }
            ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            store::roles::delete(c, &sid)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
