//! User channels: `/v2/Services/{ServiceSid}/Users/{UserSid}/Channels`, one
//! user's view of the channels they joined or were invited to, with read
//! horizon, unread count and notification level. Users see only their own.

use crate::store::{self, Conn};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use parley_protocol::paging;
use parley_protocol::resources::{UserChannel, UserChannelLinks};
use parley_protocol::{ErrorCode, UserChannelStatus};

use super::channels::{load_visible, ChannelRow};
use super::services::load_with_caller;
use super::users::UserRow;
use crate::access::Caller;
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::store::members::UserChannelRow;
use crate::webhooks::pre::{self, Step};

fn render(app: &App, user: &UserRow, e: UserChannelRow) -> UserChannel {
    let service = &user.service_sid;
    let UserChannelRow {
        channel_sid: channel,
        status,
        member_sid: member,
        last_consumed_message_index: horizon,
        unread_messages_count: unread,
        notification_level: level,
    } = e;
    let ch_url = format!(
        "{}/v2/Services/{service}/Channels/{channel}",
        app.public_url
    );
    UserChannel {
        account_sid: app.account_sid.clone(),
        service_sid: service.clone(),
        url: format!(
            "{}/v2/Services/{service}/Users/{}/Channels/{channel}",
            app.public_url, user.sid
        ),
        links: UserChannelLinks {
            member: member.as_ref().map(|m| format!("{ch_url}/Members/{m}")),
            channel: ch_url,
        },
        channel_sid: channel,
        user_sid: user.sid.clone(),
        member_sid: member,
        status,
        last_consumed_message_index: horizon,
        unread_messages_count: unread,
        notification_level: level,
    }
}

/// Loads the user, allowing users only their own.
fn own_user(
    conn: &Conn<'_>,
    service: &str,
    key: &str,
    p: &Principal,
) -> ApiResult<(Caller, UserRow)> {
    let (_, caller) = load_with_caller(conn, service, p)?;
    let user = super::users::resolve(conn, service, key)?;
    if !caller.admin && !caller.is(&user.identity) {
        return Err(ApiError::not_authorized("read another user's channels"));
    }
    Ok((caller, user))
}

/// The user's entry for `ch`: joined, invited or not participating.
fn one(conn: &Conn<'_>, user: &UserRow, ch: &ChannelRow) -> ApiResult<UserChannelRow> {
    if let Some(e) = store::members::user_channel(conn, &ch.sid, &user.identity)? {
        return Ok(e);
    }
    let status = if store::invites::exists(conn, &ch.sid, &user.identity)? {
        UserChannelStatus::Invited
    } else {
        UserChannelStatus::NotParticipating
    };
    Ok(UserChannelRow {
        channel_sid: ch.sid.clone(),
        status,
        member_sid: None,
        last_consumed_message_index: None,
        unread_messages_count: None,
        notification_level: None,
    })
}

/// The user channel of `identity` in `ch`, when the user exists.
pub fn view(
    conn: &Conn<'_>,
    app: &App,
    service: &str,
    identity: &str,
    ch: &ChannelRow,
) -> ApiResult<Option<UserChannel>> {
    let Some(user) = super::users::find(conn, service, identity)? else {
        return Ok(None);
    };
    let e = one(conn, &user, ch)?;
    Ok(Some(render(app, &user, e)))
}

/// `GET /v2/Services/{ServiceSid}/Users/{UserSid}/Channels`
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50)?;
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let w = store::members::user_channels_page(
                c,
                &service,
                &user.identity,
                req.bound(),
                req.size,
            )?;
            let items: Vec<UserChannel> = w
                .items
                .iter()
                .cloned()
                .map(|e| render(&a, &user, e))
                .collect();
            let path = format!("/v2/Services/{service}/Users/{key}/Channels");
            let meta = pg::meta(&a.public_url, &path, "channels", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `GET /v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, key, channel)): Path<(String, String, String)>,
) -> ApiResult<Json<UserChannel>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let (_, _, ch, _) = load_visible(c, &service, &channel, &p)?;
            Ok(Json(render(&a, &user, one(c, &user, &ch)?)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}` —
/// notification level and read horizon.
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, key, channel)): Path<(String, String, String)>,
    Form(f): Form,
) -> ApiResult<Json<UserChannel>> {
    let level = match f.str("NotificationLevel") {
        None => None,
        Some(l @ ("default" | "muted")) => Some(l.to_owned()),
        Some(l) => {
            return Err(ApiError::new(
                ErrorCode::InvalidNotificationLevel,
                format!("Invalid notification level {l:?}: use default or muted"),
            ))
        }
    };
    let (index, ts) = super::members::horizon_params(&f)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, user) = own_user(c, &service, &key, &p)?;
            let (_, _, ch, view) = load_visible(c, &service, &channel, &p)?;
            let member = super::members::find(c, &ch.sid, &user.identity)?.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::UserNotMemberOfChannel,
                    "User not member of channel",
                )
            })?;
            if let Some(l) = &level {
                view.require("editNotificationLevel")?;
                store::members::set_notification_level(c, &member.sid, l)?;
            }
            if let Some(i) = index {
                super::members::set_horizon(c, &ch.sid, &member.sid, i, ts)?;
            } else if let Some(t) = ts {
                store::members::set_consumption_timestamp(c, &member.sid, t)?;
            }
            let updated = super::members::resolve(c, &ch.sid, &member.sid)?;
            super::members::announce_update(c, &a, &ch, &updated, true)?;
            Ok(Json(render(&a, &user, one(c, &user, &ch)?)))
        })
        .await
}

/// `DELETE /v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}` —
/// removes the user from the channel (leaves it, or declines the invite).
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, key, channel)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, Params::default(), |_, pre| {
        let (a, p, origin) = (app.clone(), p.clone(), origin.clone());
        let (service, key, channel) = (service.clone(), key.clone(), channel.clone());
        async move {
            let app = a.clone();
            app.db
                .write(move |c| {
                    let (caller, user) = own_user(c, &service, &key, &p)?;
                    let (s, _, ch, view) = load_visible(c, &service, &channel, &p)?;
                    let queued = match super::members::find(c, &ch.sid, &user.identity)? {
                        Some(m) => {
                            if !caller.admin {
                                view.require("leaveChannel")?;
                            }
                            match super::members::leave(
                                c,
                                &a,
                                &p,
                                &s,
                                &caller,
                                &ch,
                                &m,
                                origin.as_ref(),
                                pre,
                            )? {
                                Step::Done(q) => q,
                                Step::Ask(ask) => return Ok(Step::Ask(ask)),
                            }
                        }
                        None => {
                            if !super::invites::remove(c, &a, &ch.sid, &user.identity)? {
                                return Err(ApiError::new(
                                    ErrorCode::UserNotMemberOfChannel,
                                    "User not member of channel",
                                ));
                            }
                            Default::default()
                        }
                    };
                    Ok(Step::Done((StatusCode::NO_CONTENT, queued)))
                })
                .await
                .map(pre::fired(&app))
        }
    })
    .await
}
