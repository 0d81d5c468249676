//! Invites: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites`. An
//! invite makes a private channel visible to the invitee, who accepts by
//! joining (member create with their own identity) or declines by deleting it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::RoleType;
use parley_protocol::resources::Invite;
use parley_protocol::{paging, SidKind, Timestamp};
use crate::store::Param as Value;
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::Row;
use crate::store::StoreResult;

use super::channels::load_visible;
use crate::app::{created, now, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Query};
use crate::paging::{self as pg, PageRequest};
use parley_protocol::realtime::EventKind;

const COLUMNS: &str =
    "sid, service_sid, channel_sid, identity, role_sid, created_by, date_created, date_updated";

fn render(app: &App, r: &Row<'_>) -> StoreResult<Invite> {
    let sid: String = r.get(0)?;
    let service: String = r.get(1)?;
    let channel: String = r.get(2)?;
    Ok(Invite {
        url: format!(
            "{}/v2/Services/{service}/Channels/{channel}/Invites/{sid}",
            app.public_url
        ),
        sid,
        account_sid: app.account_sid.clone(),
        channel_sid: channel,
        service_sid: service,
        identity: r.get(3)?,
        role_sid: r.get(4)?,
        created_by: r.get(5)?,
        date_created: Timestamp(r.get(6)?),
        date_updated: Timestamp(r.get(7)?),
    })
}

fn load(conn: &Conn<'_>, app: &App, channel: &str, sid: &str) -> ApiResult<Invite> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM invites WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        |r| render(app, r),
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found(50601, format!("Invite {sid} not found")))
}

/// The pending invite of `identity` to `channel`, if any.
pub fn find(
    conn: &Conn<'_>,
    app: &App,
    channel: &str,
    identity: &str,
) -> ApiResult<Option<Invite>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM invites WHERE channel_sid = ?1 AND identity = ?2"),
            args![channel, identity],
            |r| render(app, r),
        )
        .optional()?)
}

/// Records an invite change for the channel's members and the invitee.
fn announce(tx: &crate::store::Tx<'_>, kind: EventKind, inv: &Invite) -> ApiResult<()> {
    let ch = Some(inv.channel_sid.as_str());
    feed::append(
        tx,
        &inv.service_sid,
        kind,
        ch,
        Audience::Channel(inv.channel_sid.clone()),
        inv,
    )?;
    feed::append(
        tx,
        &inv.service_sid,
        kind,
        ch,
        Audience::Users(vec![inv.identity.clone()]),
        inv,
    )?;
    Ok(())
}

/// Deletes the invite of `identity` to `channel` and records it; false if
/// there was none.
pub fn remove(
    tx: &crate::store::Tx<'_>,
    app: &App,
    channel: &str,
    identity: &str,
) -> ApiResult<bool> {
    let Some(inv) = find(tx, app, channel, identity)? else {
        return Ok(false);
    };
    tx.execute("DELETE FROM invites WHERE sid = ?1", args![&inv.sid])?;
    announce(tx, EventKind::InviteRemoved, &inv)?;
    Ok(true)
}

/// `GET …/Channels/{ChannelSid}/Invites` — `Identity` filter. An invitee who
/// is not a member sees only their own invite.
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50, 100)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let mut sql = format!("SELECT {COLUMNS}, rowid FROM invites WHERE channel_sid = ?");
            let mut args: Vec<Value> = vec![ch.sid.clone().into()];
            let ids: Vec<String> = q
                .all("Identity")
                .into_iter()
                .filter(|i| !i.is_empty())
                .collect();
            if !ids.is_empty() {
                sql.push_str(&format!(
                    " AND identity IN ({})",
                    vec!["?"; ids.len()].join(",")
                ));
                args.extend(ids.into_iter().map(Value::from));
            }
            if !view.is_member() && !view.admin {
                sql.push_str(" AND identity = ?");
                args.push(caller.identity.clone().unwrap_or_default().into());
            }
            let w = pg::fetch(c, &sql, "rowid", args, false, &req, |r| render(&a, r))?;
            let path = format!("/v2/Services/{service}/Channels/{channel}/Invites");
            let meta = pg::meta(&a.public_url, &path, "invites", &q, &req, &w);
            Ok(Json(paging::page_json(&w.items, &meta)))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Invites`
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Form(f): Form,
) -> ApiResult<Response> {
    let identity = f.str("Identity").unwrap_or("").to_owned();
    super::users::check_identity(&identity)?;
    let role = f
        .str("RoleSid")
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            view.require("inviteMember")?;
            if let Some(r) = &role {
                super::roles::check_role(c, &service, r, RoleType::Channel)?;
            }
            if super::members::find(c, &ch.sid, &identity)?.is_some() {
                return Err(ApiError::conflict(50404, format!("Member {identity} already exists")));
            }
            let exists: bool = c.query_row(
                "SELECT EXISTS(SELECT 1 FROM invites WHERE channel_sid = ?1 AND identity = ?2)",
                args![ch.sid, identity],
                |r| r.get(0),
            )?;
            if exists {
                return Err(ApiError::conflict(50212, format!("User {identity} already invited")));
            }
            super::users::ensure(c, &s, &identity)?;
            let sid = SidKind::Invite.generate();
            let created_by = caller.identity.clone().unwrap_or_else(|| "system".into());
            c.execute(
                "INSERT INTO invites (sid, service_sid, channel_sid, identity, role_sid, created_by, date_created, date_updated)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                args![sid, service, ch.sid, identity, role, created_by, now()],
            )?;
            let inv = load(c, &a, &ch.sid, &sid)?;
            announce(c, EventKind::InviteAdded, &inv)?;
            if ch.kind == "private" {
                // The channel just became visible to the invitee.
                super::channels::announce(c, &a, EventKind::ChannelAdded, &ch, Audience::Users(vec![identity.clone()]))?;
            }
            Ok(created(inv))
        })
        .await
}

/// `GET …/Channels/{ChannelSid}/Invites/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Invite>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let inv = load(c, &a, &ch.sid, &sid)?;
            if !view.admin && !view.is_member() && !caller.is(&inv.identity) {
                return Err(ApiError::not_found(
                    50601,
                    format!("Invite {sid} not found"),
                ));
            }
            Ok(Json(inv))
        })
        .await
}

/// `DELETE …/Channels/{ChannelSid}/Invites/{Sid}` — revoke, or decline (own).
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let inv = load(c, &a, &ch.sid, &sid)?;
            if !caller.is(&inv.identity) && !view.allows("removeMember") {
                view.require("inviteMember")?;
            }
            c.execute("DELETE FROM invites WHERE sid = ?1", args![&sid])?;
            announce(c, EventKind::InviteRemoved, &inv)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
