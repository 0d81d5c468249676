//! Users: `/v2/Services/{ServiceSid}/Users`, addressable by SID or identity.
//! Admins manage users; a user may edit their own friendly name and
//! attributes (editOwnUserInfo), or anyone's with editAnyUserInfo.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::RoleType;
use parley_protocol::resources::{User, UserLinks};
use parley_protocol::ErrorCode;
use parley_protocol::{paging, SidKind, Timestamp};

use super::services::{load_with_caller, ServiceRow};
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;
use crate::store::users::{self as store, NewUser};
use crate::store::Conn;
use crate::webhooks::pre::{self, Step};
use crate::webhooks::{self, Hook};

/// Longest identity accepted.
pub const MAX_IDENTITY: usize = 256;

pub use crate::store::users::UserRow;

impl UserRow {
    /// The wire shape; `reachability` is `Some((online, notifiable))` on a
    /// single fetch with reachability enabled.
    pub fn render(&self, app: &App, reachability: Option<(bool, bool)>) -> User {
        let url = format!(
            "{}/v2/Services/{}/Users/{}",
            app.public_url, self.service_sid, self.sid
        );
        User {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            service_sid: self.service_sid.clone(),
            attributes: self.attributes.clone(),
            friendly_name: self.friendly_name.clone(),
            role_sid: self.role_sid.clone(),
            identity: self.identity.clone(),
            is_online: reachability.map(|r| r.0),
            is_notifiable: reachability.map(|r| r.1),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            joined_channels_count: self.joined_channels_count as u32,
            links: UserLinks {
                user_channels: format!("{url}/Channels"),
                user_bindings: format!("{url}/Bindings"),
            },
            url,
        }
    }
}

/// The post-event webhook call for a user change, if it should fire.
fn user_hook(event: &'static str, app: &App, origin: Option<&webhooks::Origin>, u: &User) -> Hook {
    let o = origin?;
    Some((
        event,
        u.service_sid.to_string(),
        None,
        webhooks::user_params(event, app, o, u),
    ))
}

/// Finds a user by SID or identity.
pub fn find(conn: &Conn<'_>, service: &str, key: &str) -> ApiResult<Option<UserRow>> {
    Ok(if SidKind::User.matches(key) {
        store::by_sid(conn, service, key)?
    } else {
        store::by_identity(conn, service, &crate::names::normalize(key))?
    })
}

/// Like [`find`], failing with 50200.
pub fn resolve(conn: &Conn<'_>, service: &str, key: &str) -> ApiResult<UserRow> {
    find(conn, service, key)?
        .ok_or_else(|| ApiError::new(ErrorCode::UserNotFound, format!("User {key} not found")))
}

/// Checks an identity for creation; returns it in the form it is stored
/// in (NFC). See [`crate::names`] for what is refused.
pub fn check_identity(identity: &str) -> ApiResult<String> {
    let identity = match crate::names::clean(identity) {
        Ok(i) => i,
        Err(crate::names::NameError::Empty) => {
            return Err(ApiError::new(
                ErrorCode::IdentityNotProvided,
                "Identity not provided",
            ))
        }
        Err(why) => {
            return Err(ApiError::new(
                ErrorCode::IdentityReserved,
                format!("Identity is not acceptable: it {why}"),
            ))
        }
    };
    if identity.chars().count() > MAX_IDENTITY {
        return Err(ApiError::new(
            ErrorCode::IdentityTooLong,
            format!("Identity too long: at most {MAX_IDENTITY} characters"),
        ));
    }
    if SidKind::User.matches(&identity) {
        return Err(ApiError::new(
            ErrorCode::IdentityMatchesUserSidPattern,
            "Identity should not match the user SID pattern",
        ));
    }
    if identity == "system" {
        return Err(ApiError::new(
            ErrorCode::IdentityReserved,
            "Identity is reserved",
        ));
    }
    Ok(identity)
}

fn insert(
    conn: &Conn<'_>,
    service: &ServiceRow,
    identity: &str,
    role: Option<&str>,
    friendly: Option<&str>,
    attributes: &str,
) -> ApiResult<UserRow> {
    let sid = SidKind::User.generate();
    store::insert(
        conn,
        &NewUser {
            sid: &sid,
            service_sid: &service.sid,
            identity,
            friendly_name: friendly,
            attributes,
            role_sid: role.or(service.default_service_role_sid.as_deref()),
            date_created: conn.now(),
        },
    )?;
    resolve(conn, &service.sid, &sid)
}

/// The user `identity`, created with the default role if the service has
/// not seen it yet (as happens when an access token is first used).
pub fn ensure(conn: &Conn<'_>, service: &ServiceRow, identity: &str) -> ApiResult<UserRow> {
    match find(conn, &service.sid, identity)? {
        Some(u) => Ok(u),
        None => {
            let identity = check_identity(identity)?;
            insert(conn, service, &identity, None, None, "{}")
        }
    }
}

/// Creates or updates the user's password (CLI and demo data).
pub fn set_password(
    conn: &Conn<'_>,
    service: &ServiceRow,
    identity: &str,
    phc: &str,
) -> ApiResult<UserRow> {
    let u = ensure(conn, service, identity)?;
    store::set_password(conn, &u.sid, phc)?;
    Ok(u)
}

fn check_friendly(name: &str) -> ApiResult<()> {
    if name.chars().count() > 256 {
        return Err(ApiError::new(
            ErrorCode::FriendlyNameTooLong,
            "Friendly name too long: at most 256 characters",
        ));
    }
    Ok(())
}

/// `GET /v2/Services/{ServiceSid}/Users`
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
            let w = store::page(c, &service, req.bound(), req.size)?;
            let items: Vec<User> = w.items.iter().map(|u| u.render(&a, None)).collect();
            let meta = pg::meta(
                &a.public_url,
                &format!("/v2/Services/{service}/Users"),
                "users",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Users`
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Response> {
    let origin = crate::webhooks::origin(&p, &headers);
    let identity = check_identity(f.str("Identity").unwrap_or(""))?;
    let attributes = f.attributes("Attributes")?.unwrap_or_else(|| "{}".into());
    crate::marks::check_user(&attributes)?;
    let friendly = f.str("FriendlyName").map(str::to_owned);
    if let Some(n) = &friendly {
        check_friendly(n)?;
    }
    let role = f
        .str("RoleSid")
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("create users")?;
            if let Some(r) = &role {
                super::roles::check_role(c, &service, r, RoleType::Deployment)?;
            }
            if find(c, &service, &identity)?.is_some() {
                return Err(ApiError::new(
                    ErrorCode::UserAlreadyExists,
                    format!("User {identity} already exists"),
                ));
            }
            ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            let u = insert(
                c,
                &s,
                &identity,
                role.as_deref(),
                friendly.as_deref(),
                &attributes,
            )?;
            let r = u.render(&a, None);
            let queued = webhooks::queue(c, &a, user_hook("onUserAdded", &a, origin.as_ref(), &r))?;
            Ok((created(r), queued))
        })
        .await
        .map(webhooks::fired(&app))
}

/// `(is_online, is_notifiable)` when the service has reachability enabled.
pub fn reachability(
    conn: &Conn<'_>,
    app: &App,
    s: &ServiceRow,
    u: &UserRow,
) -> ApiResult<Option<(bool, bool)>> {
    if !s.reachability_enabled {
        return Ok(None);
    }
    let notifiable = crate::store::bindings::any_for_user(conn, &u.sid)?;
    Ok(Some((
        app.presence.is_online(conn, &s.sid, &u.identity)?,
        notifiable,
    )))
}

/// `GET /v2/Services/{ServiceSid}/Users/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
) -> ApiResult<Json<User>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (s, _) = load_with_caller(c, &service, &p)?;
            let u = resolve(c, &service, &key)?;
            let r = reachability(c, &a, &s, &u)?;
            Ok(Json(u.render(&a, r)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Users/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Json<User>> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, f, |f, pre| {
        update_once(
            app.clone(),
            p.clone(),
            (service.clone(), key.clone()),
            origin.clone(),
            f,
            pre,
        )
    })
    .await
}

async fn update_once(
    app: App,
    p: Principal,
    (service, key): (String, String),
    origin: Option<webhooks::Origin>,
    f: Params,
    pre: pre::Pre,
) -> ApiResult<Step<Json<User>>> {
    let attributes = f.attributes("Attributes")?;
    if let Some(a) = &attributes {
        crate::marks::check_user(a)?;
    }
    let friendly = f.str("FriendlyName").map(str::to_owned);
    if let Some(n) = &friendly {
        check_friendly(n)?;
    }
    let role = f.str("RoleSid").map(str::to_owned);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            // A user may update their own, not yet created, user: it is
            // created once the pre-event hook (if any) let the change through.
            let existing = match (&caller.identity, find(c, &service, &key)?) {
                (_, Some(u)) => Some(u),
                (Some(me), None) if *me == key => None,
                _ => {
                    return Err(ApiError::new(
                        ErrorCode::UserNotFound,
                        format!("User {key} not found"),
                    ))
                }
            };
            let identity = existing
                .as_ref()
                .map_or(key.as_str(), |u| u.identity.as_str());
            if attributes.is_some() || friendly.is_some() {
                let own = caller.is(identity) && caller.allows("editOwnUserInfo");
                if !own {
                    caller.require("editAnyUserInfo")?;
                }
            }
            if let Some(r) = &role {
                if !caller.admin {
                    return Err(ApiError::new(
                        ErrorCode::UserUnauthorizedToSetRole,
                        "User unauthorized to set role",
                    ));
                }
                super::roles::check_role(c, &service, r, RoleType::Deployment)?;
            }
            // Counted once, on the first run (a refused change counts too).
            if pre == pre::Pre::First {
                ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, "onUserUpdate", || {
                let fields = match &existing {
                    Some(u) => webhooks::user_fields(&u.render(&a, None)),
                    None => vec![("Identity".into(), key.clone())],
                };
                webhooks::with_changes(
                    fields,
                    &[
                        ("FriendlyName", friendly.as_deref()),
                        ("Attributes", attributes.as_deref()),
                        ("RoleSid", role.as_deref()),
                    ],
                )
            }) {
                return Ok(Step::Ask(ask));
            }
            let u = match existing {
                Some(u) => u,
                None => ensure(c, &s, &key)?,
            };
            store::update(
                c,
                &u.sid,
                friendly.as_deref(),
                attributes.as_deref(),
                role.as_deref(),
                c.now(),
            )?;
            let u = resolve(c, &service, &u.sid)?;
            let r = reachability(c, &a, &s, &u)?;
            let audience = crate::feed::co_members(c, &service, &u.identity)?;
            crate::feed::append(
                c,
                &service,
                parley_protocol::realtime::EventKind::UserUpdated,
                None,
                crate::feed::Audience::Users(audience),
                &u.render(&a, r),
            )?;
            let r = u.render(&a, r);
            let queued =
                webhooks::queue(c, &a, user_hook("onUserUpdated", &a, origin.as_ref(), &r))?;
            Ok(Step::Done((Json(r), queued)))
        })
        .await
        .map(pre::fired(&app))
}

/// Removes everything tied to a user's identity in a service.
pub fn delete_user(conn: &Conn<'_>, u: &UserRow) -> ApiResult<()> {
    store::delete(conn, &u.service_sid, &u.identity, &u.sid, conn.now())?;
    Ok(())
}

/// `DELETE /v2/Services/{ServiceSid}/Users/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let limits = app.rate_limits.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require_admin("delete users")?;
            let u = resolve(c, &service, &key)?;
            ratelimit::take(c, &limits, &s, &caller, ratelimit::Scope::Service)?;
            delete_user(c, &u)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
