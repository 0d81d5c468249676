//! Members: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members`,
//! addressable by SID or identity, each with its read horizon
//! (`last_consumed_message_index`). Joining enforces the service's limits
//! (members per channel, channels per user) and consumes a pending invite.

use crate::store::{self, Conn, Tx};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::permission::RoleType;
use parley_protocol::resources::Member;
use parley_protocol::ErrorCode;
use parley_protocol::{paging, SidKind, Timestamp};

use super::channels::{load_visible, ChannelRow};
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;
use crate::store::members::{MemberUpdate, NewMember};
use crate::store::services::ServiceRow;
use crate::webhooks::pre::{self, Step};
use crate::webhooks::{self, Hook};
use parley_protocol::realtime::EventKind;

pub use crate::store::members::MemberRow;

impl MemberRow {
    pub fn url(&self, app: &App) -> String {
        format!(
            "{}/v2/Services/{}/Channels/{}/Members/{}",
            app.public_url, self.service_sid, self.channel_sid, self.sid
        )
    }

    pub fn render(&self, app: &App) -> Member {
        Member {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            channel_sid: self.channel_sid.clone(),
            service_sid: self.service_sid.clone(),
            identity: self.identity.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            role_sid: self.role_sid.clone(),
            last_consumed_message_index: self.last_consumed_message_index,
            last_consumption_timestamp: self.last_consumption_timestamp.map(Timestamp),
            url: self.url(app),
            attributes: self.attributes.clone(),
        }
    }
}

/// The post-event webhook call for a member change, if it should fire.
fn member_hook(
    event: &'static str,
    app: &App,
    origin: Option<&webhooks::Origin>,
    m: &Member,
) -> Hook {
    let o = origin?;
    Some((
        event,
        m.service_sid.to_string(),
        Some(m.channel_sid.to_string()),
        webhooks::member_params(event, app, o, m),
    ))
}

/// Finds a member of `channel` by SID or identity.
pub fn find(conn: &Conn<'_>, channel: &str, key: &str) -> ApiResult<Option<MemberRow>> {
    Ok(if SidKind::Member.matches(key) {
        store::members::get(conn, channel, key)?
    } else {
        store::members::by_identity(conn, channel, &crate::names::normalize(key))?
    })
}

/// Like [`find`], failing with 50402.
pub fn resolve(conn: &Conn<'_>, channel: &str, key: &str) -> ApiResult<MemberRow> {
    find(conn, channel, key)?
        .ok_or_else(|| ApiError::new(ErrorCode::MemberNotFound, format!("Member {key} not found")))
}

/// Optional fields of a new member.
#[derive(Debug, Default, Clone)]
pub struct MemberInit {
    pub attributes: Option<String>,
    pub last_consumed_message_index: Option<Option<i64>>,
    pub last_consumption_timestamp: Option<i64>,
    pub date_created: Option<i64>,
    pub date_updated: Option<i64>,
}

/// Adds `identity` to `ch`, enforcing limits; creates the user if needed and
/// consumes a pending invite (whose role applies when none is given). With
/// `app`, the join is recorded in the feed: `inviteRemoved` (if an invite was
/// consumed) and `memberJoined` for the channel, `channelAdded` for the joiner.
pub fn insert(
    conn: &Tx<'_>,
    app: Option<&App>,
    s: &ServiceRow,
    ch: &ChannelRow,
    identity: &str,
    role: Option<&str>,
    init: Option<MemberInit>,
) -> ApiResult<MemberRow> {
    if find(conn, &ch.sid, identity)?.is_some() {
        return Err(ApiError::new(
            ErrorCode::MemberAlreadyExists,
            format!("Member {identity} already exists"),
        ));
    }
    let members = store::members::count_in_channel(conn, &ch.sid)?;
    if members >= s.limit_channel_members {
        return Err(ApiError::new(
            ErrorCode::ChannelMemberLimitExceeded,
            format!(
                "Channel member limit exceeded ({})",
                s.limit_channel_members
            ),
        ));
    }
    let user = super::users::ensure(conn, s, identity)?;
    if user.joined_channels_count >= s.limit_user_channels {
        return Err(ApiError::new(
            ErrorCode::UserChannelLimitExceeded,
            format!("User channel limit exceeded ({})", s.limit_user_channels),
        ));
    }
    let invite_role = store::invites::role_of(conn, &ch.sid, identity)?;
    if let (Some(app), Some(_)) = (app, &invite_role) {
        if let Some(invite) = super::invites::find(conn, app, &ch.sid, identity)? {
            feed::append(
                conn,
                &s.sid,
                EventKind::InviteRemoved,
                Some(&ch.sid),
                Audience::Channel(ch.sid.clone()),
                &invite,
            )?;
        }
    }
    store::invites::delete_for(conn, &ch.sid, identity)?;
    let role = role
        .map(str::to_owned)
        .or(invite_role.flatten())
        .or(s.default_channel_role_sid.clone().map(Into::into));
    let init = init.unwrap_or_default();
    let t = conn.now();
    let sid = SidKind::Member.generate();
    let dc = init.date_created.unwrap_or(t);
    let horizon = clamp_horizon(conn, &ch.sid, init.last_consumed_message_index.flatten())?;
    let attributes = init.attributes.unwrap_or_else(|| "{}".into());
    store::members::insert(
        conn,
        &NewMember {
            sid: &sid,
            service_sid: &s.sid,
            channel_sid: &ch.sid,
            identity,
            role_sid: role.as_deref(),
            attributes: &attributes,
            last_consumed_message_index: horizon,
            last_consumption_timestamp: init.last_consumption_timestamp.or(horizon.map(|_| t)),
            date_created: dc,
            date_updated: init.date_updated.unwrap_or(dc),
        },
    )?;
    let m = resolve(conn, &ch.sid, &sid)?;
    if let Some(app) = app {
        feed::append(
            conn,
            &s.sid,
            EventKind::MemberJoined,
            Some(&ch.sid),
            Audience::Channel(ch.sid.clone()),
            &m.render(app),
        )?;
        let ch = super::channels::resolve(conn, &s.sid, &ch.sid)?;
        super::channels::announce(
            conn,
            app,
            EventKind::ChannelAdded,
            &ch,
            Audience::Users(vec![identity.to_owned()]),
        )?;
    }
    Ok(m)
}

pub fn horizon_params(f: &Params) -> ApiResult<(Option<Option<i64>>, Option<i64>)> {
    let index = f.nullable_int(
        "LastConsumedMessageIndex",
        ErrorCode::InvalidLastConsumedMessageIndexFormat,
    )?;
    if let Some(Some(i)) = index {
        if i < 0 {
            return Err(ApiError::new(
                ErrorCode::InvalidLastConsumedMessageIndexFormat,
                "LastConsumedMessageIndex must not be negative",
            ));
        }
    }
    let ts = f
        .date(
            "LastConsumptionTimestamp",
            ErrorCode::InvalidLastConsumptionTimestampFormat,
        )?
        .map(|t| t.0);
    Ok((index, ts))
}

/// `GET …/Channels/{ChannelSid}/Members` — `Identity` filter.
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
            let (_, _, ch, view) = load_visible(c, &service, &channel, &p)?;
            view.require_read()?;
            let ids: Vec<String> = q
                .all("Identity")
                .into_iter()
                .filter(|i| !i.is_empty())
                .collect();
            let w = store::members::page(c, &ch.sid, &ids, req.bound(), req.size)?;
            let items: Vec<Member> = w.items.iter().map(|m| m.render(&a)).collect();
            let path = format!("/v2/Services/{service}/Channels/{channel}/Members");
            let meta = pg::meta(&a.public_url, &path, "members", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Members` — join (own identity) or add.
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Response> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, f, |f, pre| {
        create_once(
            app.clone(),
            p.clone(),
            (service.clone(), channel.clone()),
            origin.clone(),
            f,
            pre,
        )
    })
    .await
}

async fn create_once(
    app: App,
    p: Principal,
    (service, channel): (String, String),
    origin: Option<webhooks::Origin>,
    f: Params,
    pre: pre::Pre,
) -> ApiResult<Step<Response>> {
    let identity = super::users::check_identity(f.str("Identity").unwrap_or(""))?;
    let (index, ts) = horizon_params(&f)?;
    let init = MemberInit {
        attributes: f.attributes("Attributes")?,
        last_consumed_message_index: index,
        last_consumption_timestamp: ts,
        date_created: f
            .date("DateCreated", ErrorCode::InvalidDateCreatedParameter)?
            .map(|d| d.0),
        date_updated: f
            .date("DateUpdated", ErrorCode::InvalidDateUpdatedParameter)?
            .map(|d| d.0),
    };
    let role = f
        .str("RoleSid")
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            if caller.is(&identity) && !view.allows("addMember") {
                // Joining: public channels need joinChannel, private ones an invite.
                if view.public {
                    caller.require("joinChannel")?;
                } else if !view.invited {
                    return Err(ApiError::not_authorized(
                        "join a private channel without an invite",
                    ));
                }
            } else {
                view.require("addMember")?;
            }
            if let Some(r) = &role {
                caller.require_admin("set a member's role")?;
                super::roles::check_role(c, &service, r, RoleType::Channel)?;
            }
            // Counted once, on the first run (a refused change counts too).
            if pre == pre::Pre::First {
                ratelimit::take(
                    c,
                    &a.rate_limits,
                    &s,
                    &caller,
                    ratelimit::Scope::Channel(&ch.sid),
                )?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, "onMemberAdd", || {
                vec![
                    ("ChannelSid".into(), ch.sid.to_string()),
                    ("Identity".into(), identity.clone()),
                    ("RoleSid".into(), role.clone().unwrap_or_default()),
                    (
                        "Attributes".into(),
                        init.attributes.clone().unwrap_or_else(|| "{}".into()),
                    ),
                ]
            }) {
                return Ok(Step::Ask(ask));
            }
            let m = insert(c, Some(&a), &s, &ch, &identity, role.as_deref(), Some(init))?;
            let r = m.render(&a);
            let queued =
                webhooks::queue(c, &a, member_hook("onMemberAdded", &a, origin.as_ref(), &r))?
                    | crate::push::queue(
                        c,
                        &s,
                        crate::push::Change {
                            kind: crate::push::PushType::AddedToChannel,
                            channel: &ch,
                            actor: caller.identity.as_deref().unwrap_or("system"),
                            target: Some(&identity),
                            message: None,
                        },
                    )?;
            Ok(Step::Done((created(r), queued)))
        })
        .await
        .map(pre::fired(&app))
}

/// `GET …/Channels/{ChannelSid}/Members/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, key)): Path<(String, String, String)>,
) -> ApiResult<Json<Member>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, view) = load_visible(c, &service, &channel, &p)?;
            view.require_read()?;
            Ok(Json(resolve(c, &ch.sid, &key)?.render(&a)))
        })
        .await
}

/// Records a member change: `memberUpdated` for the channel and, when the
/// member's own view changed (read horizon, notification level),
/// `userChannelUpdated` for the member's other devices.
pub fn announce_update(
    tx: &Tx<'_>,
    app: &App,
    ch: &ChannelRow,
    m: &MemberRow,
    own_view: bool,
) -> ApiResult<()> {
    feed::append(
        tx,
        &m.service_sid,
        EventKind::MemberUpdated,
        Some(&ch.sid),
        Audience::Channel(ch.sid.clone()),
        &m.render(app),
    )?;
    if own_view {
        if let Some(view) = super::user_channels::view(tx, app, &m.service_sid, &m.identity, ch)? {
            feed::append(
                tx,
                &m.service_sid,
                EventKind::UserChannelUpdated,
                Some(&ch.sid),
                Audience::Users(vec![m.identity.clone()]),
                &view,
            )?;
        }
    }
    Ok(())
}

/// Removes a member and records it: `memberLeft` for those who stay,
/// `channelRemoved` for the one who left.
pub fn remove(tx: &Tx<'_>, app: &App, ch: &ChannelRow, m: &MemberRow) -> ApiResult<()> {
    store::members::delete(tx, &m.sid)?;
    feed::append(
        tx,
        &m.service_sid,
        EventKind::MemberLeft,
        Some(&ch.sid),
        Audience::Channel(ch.sid.clone()),
        &m.render(app),
    )?;
    let ch = super::channels::resolve(tx, &m.service_sid, &ch.sid)?;
    super::channels::announce(
        tx,
        app,
        EventKind::ChannelRemoved,
        &ch,
        Audience::Users(vec![m.identity.clone()]),
    )?;
    Ok(())
}

/// A read horizon no further than the channel's last message (`None` when
/// it has none yet).
fn clamp_horizon(conn: &Conn<'_>, channel_sid: &str, index: Option<i64>) -> ApiResult<Option<i64>> {
    Ok(match index {
        Some(i) => store::channels::last_index(conn, channel_sid)?.map(|last| i.min(last)),
        None => None,
    })
}

/// Sets a member's read horizon (index `None` = nothing read). An index
/// past the channel's last message is clamped to it: "read up to 10⁹" means
/// "read everything", and must not hide the next messages as already read.
pub fn set_horizon(
    tx: &Tx<'_>,
    channel_sid: &str,
    member_sid: &str,
    index: Option<i64>,
    ts: Option<i64>,
) -> ApiResult<()> {
    let t = tx.now();
    let index = clamp_horizon(tx, channel_sid, index)?;
    store::members::set_horizon(tx, member_sid, index, ts.or(index.map(|_| t)), t)?;
    Ok(())
}

/// `POST …/Channels/{ChannelSid}/Members/{Sid}` — role, attributes, read horizon.
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, key)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Json<Member>> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, f, |f, pre| {
        update_once(
            app.clone(),
            p.clone(),
            (service.clone(), channel.clone(), key.clone()),
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
    (service, channel, key): (String, String, String),
    origin: Option<webhooks::Origin>,
    f: Params,
    pre: pre::Pre,
) -> ApiResult<Step<Json<Member>>> {
    let (index, ts) = horizon_params(&f)?;
    let attributes = f.attributes("Attributes")?;
    let role = f
        .str("RoleSid")
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let date_created = f
        .date("DateCreated", ErrorCode::InvalidDateCreatedParameter)?
        .map(|d| d.0);
    let date_updated = f
        .date("DateUpdated", ErrorCode::InvalidDateUpdatedParameter)?
        .map(|d| d.0);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let m = resolve(c, &ch.sid, &key)?;
            let own = caller.is(&m.identity);
            if (index.is_some() || ts.is_some()) && !own {
                caller.require_admin("set another member's read horizon")?;
            }
            if attributes.is_some() && !(own && view.allows("editOwnMemberAttributes")) {
                view.require("editAnyMemberAttributes")?;
            }
            if role.is_some() || date_created.is_some() || date_updated.is_some() {
                caller.require_admin("set a member's role or dates")?;
            }
            if let Some(r) = &role {
                super::roles::check_role(c, &service, r, RoleType::Channel)?;
            }
            // A read receipt alone is neither put to the hook nor counted
            // against the channel's limit: clients report their horizon as
            // they read, and a bot has nothing to decide.
            let asks = attributes.is_some() || role.is_some();
            // Counted once, on the first run (a refused change counts too).
            if asks && pre == pre::Pre::First {
                ratelimit::take(
                    c,
                    &a.rate_limits,
                    &s,
                    &caller,
                    ratelimit::Scope::Channel(&ch.sid),
                )?;
            }
            if let (true, Some(ask)) = (
                asks,
                pre.ask(&a, &p, &s, "onMemberUpdate", || {
                    vec![
                        ("ChannelSid".into(), ch.sid.to_string()),
                        ("MemberSid".into(), m.sid.to_string()),
                        ("Identity".into(), m.identity.clone()),
                        (
                            "RoleSid".into(),
                            role.clone()
                                .or_else(|| m.role_sid.clone().map(Into::into))
                                .unwrap_or_default(),
                        ),
                        (
                            "Attributes".into(),
                            attributes.clone().unwrap_or_else(|| m.attributes.clone()),
                        ),
                    ]
                }),
            ) {
                return Ok(Step::Ask(ask));
            }
            if let Some(i) = index {
                set_horizon(c, &ch.sid, &m.sid, i, ts)?;
            } else if let Some(t) = ts {
                store::members::set_consumption_timestamp(c, &m.sid, t)?;
            }
            store::members::update(
                c,
                &m.sid,
                &MemberUpdate {
                    attributes: attributes.as_deref(),
                    role_sid: role.as_deref(),
                    date_created,
                    date_updated,
                },
                c.now(),
            )?;
            let updated = resolve(c, &ch.sid, &m.sid)?;
            announce_update(c, &a, &ch, &updated, index.is_some())?;
            let r = updated.render(&a);
            let queued = webhooks::queue(
                c,
                &a,
                member_hook("onMemberUpdated", &a, origin.as_ref(), &r),
            )?;
            Ok(Step::Done((Json(r), queued)))
        })
        .await
        .map(pre::fired(&app))
}

/// `DELETE …/Channels/{ChannelSid}/Members/{Sid}` — leave (own) or remove.
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, key)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, Params::default(), |_, pre| {
        let (a, p, origin) = (app.clone(), p.clone(), origin.clone());
        let (service, channel, key) = (service.clone(), channel.clone(), key.clone());
        async move {
            let app = a.clone();
            app.db
                .write(move |c| {
                    let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
                    let m = resolve(c, &ch.sid, &key)?;
                    if caller.is(&m.identity) {
                        if !view.allows("removeMember") {
                            view.require("leaveChannel")?;
                        }
                    } else {
                        view.require("removeMember")?;
                    }
                    leave(c, &a, &p, &s, &caller, &ch, &m, origin.as_ref(), pre).map(|step| {
                        match step {
                            Step::Done(q) => Step::Done((StatusCode::NO_CONTENT, q)),
                            Step::Ask(ask) => Step::Ask(ask),
                        }
                    })
                })
                .await
                .map(pre::fired(&app))
        }
    })
    .await
}

/// Removes member `m` — after the pre-event webhook allowed it — counted
/// against the channel's rate limit, announced, and its post-event queued.
/// The caller has checked that `p` may.
#[allow(clippy::too_many_arguments)]
pub fn leave(
    c: &Tx<'_>,
    a: &App,
    p: &Principal,
    s: &ServiceRow,
    caller: &crate::access::Caller,
    ch: &ChannelRow,
    m: &MemberRow,
    origin: Option<&webhooks::Origin>,
    pre: pre::Pre,
) -> ApiResult<Step<webhooks::post::Queued>> {
    let reason = if caller.is(&m.identity) {
        "LEFT"
    } else {
        "REMOVED"
    };
    // Counted once, on the first run (a refused change counts too).
    if pre == pre::Pre::First {
        ratelimit::take(
            c,
            &a.rate_limits,
            s,
            caller,
            ratelimit::Scope::Channel(&ch.sid),
        )?;
    }
    if let Some(ask) = pre.ask(a, p, s, "onMemberRemove", || {
        vec![
            ("ChannelSid".into(), ch.sid.to_string()),
            ("MemberSid".into(), m.sid.to_string()),
            ("Identity".into(), m.identity.clone()),
            ("Reason".into(), reason.into()),
        ]
    }) {
        return Ok(Step::Ask(ask));
    }
    // Queued before the member row is gone (a muted member hears nothing).
    let pushed = crate::push::queue(
        c,
        s,
        crate::push::Change {
            kind: crate::push::PushType::RemovedFromChannel,
            channel: ch,
            actor: caller.identity.as_deref().unwrap_or("system"),
            target: Some(&m.identity),
            message: None,
        },
    )?;
    remove(c, a, ch, m)?;
    let queued = webhooks::queue(
        c,
        a,
        member_hook("onMemberRemoved", a, origin, &m.render(a)),
    )? | pushed;
    Ok(Step::Done(queued))
}
