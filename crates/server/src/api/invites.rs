//! Invites: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites`. An
//! invite makes a private channel visible to the invitee, who accepts by
//! joining (member create with their own identity) or declines by deleting it.

use crate::store::{self, Conn, Tx};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::RoleType;
use parley_protocol::resources::Invite;
use parley_protocol::ErrorCode;
use parley_protocol::{paging, ChannelType, SidKind, Timestamp};

use super::channels::load_visible;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;
use crate::store::invites::{InviteRow, NewInvite};
use parley_protocol::realtime::EventKind;

impl InviteRow {
    pub fn render(&self, app: &App) -> Invite {
        Invite {
            url: format!(
                "{}/v2/Services/{}/Channels/{}/Invites/{}",
                app.public_url, self.service_sid, self.channel_sid, self.sid
            ),
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            channel_sid: self.channel_sid.clone(),
            service_sid: self.service_sid.clone(),
            identity: self.identity.clone(),
            role_sid: self.role_sid.clone(),
            created_by: self.created_by.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
        }
    }
}

fn load(conn: &Conn<'_>, app: &App, channel: &str, sid: &str) -> ApiResult<Invite> {
    store::invites::get(conn, channel, sid)?
        .map(|i| i.render(app))
        .ok_or_else(|| ApiError::new(ErrorCode::InviteNotFound, format!("Invite {sid} not found")))
}

/// The pending invite of `identity` to `channel`, if any.
pub fn find(
    conn: &Conn<'_>,
    app: &App,
    channel: &str,
    identity: &str,
) -> ApiResult<Option<Invite>> {
    Ok(store::invites::by_identity(conn, channel, identity)?.map(|i| i.render(app)))
}

/// Records an invite change for the channel's members and the invitee.
fn announce(tx: &Tx<'_>, kind: EventKind, inv: &Invite) -> ApiResult<()> {
    let ch = Some(&inv.channel_sid);
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
pub fn remove(tx: &Tx<'_>, app: &App, channel: &str, identity: &str) -> ApiResult<bool> {
    let Some(inv) = find(tx, app, channel, identity)? else {
        return Ok(false);
    };
    store::invites::delete(tx, &inv.sid)?;
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
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let ids: Vec<String> = q
                .all("Identity")
                .into_iter()
                .filter(|i| !i.is_empty())
                .collect();
            let only = (!view.is_member() && !view.admin)
                .then(|| caller.identity.clone().unwrap_or_default());
            let w = store::invites::page(c, &ch.sid, &ids, only.as_deref(), req.bound(), req.size)?;
            let items: Vec<Invite> = w.items.iter().map(|i| i.render(&a)).collect();
            let path = format!("/v2/Services/{service}/Channels/{channel}/Invites");
            let meta = pg::meta(&a.public_url, &path, "invites", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
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
    let identity = super::users::check_identity(f.str("Identity").unwrap_or(""))?;
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
                return Err(ApiError::new(
                    ErrorCode::MemberAlreadyExists,
                    format!("Member {identity} already exists"),
                ));
            }
            if store::invites::exists(c, &ch.sid, &identity)? {
                return Err(ApiError::new(
                    ErrorCode::UserAlreadyInvited,
                    format!("User {identity} already invited"),
                ));
            }
            ratelimit::take(
                c,
                &a.rate_limits,
                &s,
                &caller,
                ratelimit::Scope::Channel(&ch.sid),
            )?;
            super::users::ensure(c, &s, &identity)?;
            let sid = SidKind::Invite.generate();
            let created_by = caller.identity.clone().unwrap_or_else(|| "system".into());
            store::invites::insert(
                c,
                &NewInvite {
                    sid: &sid,
                    service_sid: &service,
                    channel_sid: &ch.sid,
                    identity: &identity,
                    role_sid: role.as_deref(),
                    created_by: &created_by,
                },
                c.now(),
            )?;
            let inv = load(c, &a, &ch.sid, &sid)?;
            announce(c, EventKind::InviteAdded, &inv)?;
            if ch.kind == ChannelType::Private {
                // The channel just became visible to the invitee.
                super::channels::announce(
                    c,
                    &a,
                    EventKind::ChannelAdded,
                    &ch,
                    Audience::Users(vec![identity.clone()]),
                )?;
            }
            let queued = crate::push::queue(
                c,
                &s,
                crate::push::Change {
                    kind: crate::push::PushType::InvitedToChannel,
                    channel: &ch,
                    actor: caller.identity.as_deref().unwrap_or("system"),
                    target: Some(&identity),
                    message: None,
                },
            )?;
            Ok((created(inv), queued))
        })
        .await
        .map(crate::webhooks::fired(&app))
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
                return Err(ApiError::new(
                    ErrorCode::InviteNotFound,
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
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let inv = load(c, &a, &ch.sid, &sid)?;
            if !caller.is(&inv.identity) && !view.allows("removeMember") {
                view.require("inviteMember")?;
            }
            ratelimit::take(
                c,
                &a.rate_limits,
                &s,
                &caller,
                ratelimit::Scope::Channel(&ch.sid),
            )?;
            store::invites::delete(c, &sid)?;
            announce(c, EventKind::InviteRemoved, &inv)?;
            Ok(StatusCode::NO_CONTENT)
        })
        .await
}
