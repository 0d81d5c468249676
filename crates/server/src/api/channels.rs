//! Channels: `/v2/Services/{ServiceSid}/Channels`, addressable by SID or
//! unique name. Private channels are visible only to their members and
//! invitees; a user who creates a channel joins it with the service's
//! channel-creator role.

use crate::store::{self, Conn, Tx};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::{Channel, ChannelLinks};
use parley_protocol::ErrorCode;
use parley_protocol::{paging, ChannelType, SidKind, Timestamp};

use super::services::load_with_caller;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;
use crate::webhooks::pre::{self, Step};
use crate::webhooks::{self, Hook};
use parley_protocol::realtime::EventKind;

use crate::store::channels::ChannelUpdate;
pub use crate::store::channels::{ChannelRow, NewChannel};

impl ChannelRow {
    /// The channel's absolute URL.
    pub fn url(&self, app: &App) -> String {
        format!(
            "{}/v2/Services/{}/Channels/{}",
            app.public_url, self.service_sid, self.sid
        )
    }

    pub fn render(&self, app: &App) -> Channel {
        let url = self.url(app);
        Channel {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            service_sid: self.service_sid.clone(),
            friendly_name: self.friendly_name.clone(),
            unique_name: self.unique_name.clone(),
            attributes: self.attributes.clone(),
            kind: self.kind,
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            created_by: self.created_by.clone(),
            members_count: self.members_count as u32,
            messages_count: self.messages_count as u64,
            links: ChannelLinks {
                members: format!("{url}/Members"),
                messages: format!("{url}/Messages"),
                invites: format!("{url}/Invites"),
                webhooks: format!("{url}/Webhooks"),
                last_message: self
                    .last_message_sid
                    .as_ref()
                    .map(|m| format!("{url}/Messages/{m}")),
            },
            url,
        }
    }
}

/// Who hears about a change to the channel itself: everyone for a public
/// channel, its members for a private one.
pub fn audience(ch: &ChannelRow) -> Audience {
    if ch.kind == ChannelType::Public {
        Audience::Service
    } else {
        Audience::Channel(ch.sid.clone())
    }
}

/// Records a change to the channel resource in the feed.
pub fn announce(
    tx: &Tx<'_>,
    app: &App,
    kind: EventKind,
    ch: &ChannelRow,
    to: Audience,
) -> ApiResult<()> {
    feed::append(
        tx,
        &ch.service_sid,
        kind,
        Some(&ch.sid),
        to,
        &ch.render(app),
    )?;
    Ok(())
}

/// The post-event webhook call for a channel change, if it should fire.
fn channel_hook(
    event: &'static str,
    app: &App,
    origin: Option<&webhooks::Origin>,
    c: &Channel,
) -> Hook {
    let o = origin?;
    Some((
        event,
        c.service_sid.to_string(),
        Some(c.sid.to_string()),
        webhooks::channel_params(event, app, o, c),
    ))
}

pub use crate::access::channel_not_found;

/// Finds a channel by SID or unique name, failing with 50300.
pub fn resolve(conn: &Conn<'_>, service: &str, key: &str) -> ApiResult<ChannelRow> {
    let found = if SidKind::Channel.matches(key) {
        store::channels::get(conn, service, key)?
    } else {
        store::channels::by_unique_name(conn, service, &crate::names::normalize(key))?
    };
    found.ok_or_else(|| channel_not_found(key))
}

/// Loads the service, the caller and a channel the caller may see.
pub fn load_visible(
    conn: &Conn<'_>,
    service: &str,
    key: &str,
    p: &Principal,
) -> ApiResult<(
    store::services::ServiceRow,
    crate::access::Caller,
    ChannelRow,
    crate::access::ChannelView,
)> {
    let (s, caller) = load_with_caller(conn, service, p)?;
    let ch = resolve(conn, service, key)?;
    let view = caller.see_channel(conn, &ch, key)?;
    Ok((s, caller, ch, view))
}

/// Checks the names a create or update sends; a unique name is put in the
/// form it is stored in (NFC, see [`crate::names`]).
fn check_names(f: &mut Params, max: usize) -> ApiResult<()> {
    if f.str("FriendlyName")
        .is_some_and(|n| n.chars().count() > max)
    {
        return Err(ApiError::new(
            ErrorCode::FriendlyNameTooLong,
            format!("Friendly name too long: at most {max} characters"),
        ));
    }
    if let Some(u) = f.str("UniqueName").filter(|u| !u.is_empty()) {
        let u = crate::names::clean(u).map_err(|why| {
            ApiError::invalid_param(format!("UniqueName is not acceptable: it {why}"))
        })?;
        if u.chars().count() > max {
            return Err(ApiError::new(
                ErrorCode::UniqueNameTooLong,
                format!("Unique name too long: at most {max} characters"),
            ));
        }
        if SidKind::Channel.matches(&u) {
            return Err(ApiError::new(
                ErrorCode::UniqueNameMatchesChannelSidPattern,
                "Unique name should not match the channel SID pattern",
            ));
        }
        f.set("UniqueName", u);
    }
    if f.str("CreatedBy").is_some_and(|c| c.chars().count() > 256) {
        return Err(ApiError::new(
            ErrorCode::AuthorTooLong,
            "CreatedBy too long: at most 256 characters",
        ));
    }
    Ok(())
}

fn unique_name_taken(
    conn: &Conn<'_>,
    service: &str,
    name: &str,
    except: Option<&str>,
) -> ApiResult<()> {
    let other = store::channels::sid_by_unique_name(conn, service, name)?;
    match other {
        Some(sid) if Some(sid.as_str()) != except => Err(ApiError::new(
            ErrorCode::UniqueNameTaken,
            format!("Channel with unique name {name:?} already exists"),
        )),
        _ => Ok(()),
    }
}

/// Inserts a channel (names already validated and unique).
pub fn insert(tx: &Tx<'_>, n: NewChannel<'_>) -> ApiResult<ChannelRow> {
    let sid = SidKind::Channel.generate();
    store::channels::insert(tx, &sid, &n, tx.now())?;
    resolve(tx, n.service_sid, &sid)
}

/// `GET /v2/Services/{ServiceSid}/Channels` — `Type` filter (default public).
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50)?;
    let mut types: Vec<String> = q
        .all("Type")
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty() {
        types.push("public".into());
    }
    if let Some(bad) = types.iter().find(|t| *t != "public" && *t != "private") {
        return Err(ApiError::invalid_param(format!(
            "Invalid channel Type {bad:?}: use public or private"
        )));
    }
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller) = load_with_caller(c, &service, &p)?;
            let w = store::channels::page(
                c,
                &service,
                &types,
                caller.identity.as_deref(),
                None,
                req.bound(),
                req.size,
            )?;
            let items: Vec<Channel> = w.items.iter().map(|ch| ch.render(&a)).collect();
            let meta = pg::meta(
                &a.public_url,
                &format!("/v2/Services/{service}/Channels"),
                "channels",
                &q,
                &req,
                &w,
            );
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Channels`
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Response> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, f, |f, pre| {
        create_once(
            app.clone(),
            p.clone(),
            service.clone(),
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
    service: String,
    origin: Option<webhooks::Origin>,
    mut f: Params,
    pre: pre::Pre,
) -> ApiResult<Step<Response>> {
    check_names(&mut f, 64)?;
    let attributes = f.attributes("Attributes")?.unwrap_or_else(|| "{}".into());
    let kind = f
        .str("Type")
        .filter(|t| !t.is_empty())
        .unwrap_or("public")
        .to_owned();
    if kind != "public" && kind != "private" {
        return Err(ApiError::invalid_param(format!(
            "Invalid channel Type {kind:?}: use public or private"
        )));
    }
    let date_created = f.date("DateCreated", ErrorCode::InvalidDateCreatedParameter)?;
    let date_updated = f.date("DateUpdated", ErrorCode::InvalidDateUpdatedParameter)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller) = load_with_caller(c, &service, &p)?;
            caller.require("createChannel")?;
            let unique = f.str("UniqueName").filter(|u| !u.is_empty());
            if let Some(u) = unique {
                unique_name_taken(c, &service, u, None)?;
            }
            let created_by = match &caller.identity {
                Some(me) => me.clone(),
                None => f
                    .str("CreatedBy")
                    .filter(|x| !x.is_empty())
                    .unwrap_or("system")
                    .to_owned(),
            };
            // Counted once, on the first run (a refused change counts too).
            if pre == pre::Pre::First {
                ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, "onChannelAdd", || {
                vec![
                    ("ChannelType".into(), kind.clone()),
                    (
                        "FriendlyName".into(),
                        f.str("FriendlyName").unwrap_or_default().to_owned(),
                    ),
                    ("UniqueName".into(), unique.unwrap_or_default().to_owned()),
                    ("Attributes".into(), attributes.clone()),
                    ("CreatedBy".into(), created_by.clone()),
                ]
            }) {
                return Ok(Step::Ask(ask));
            }
            let ch = insert(
                c,
                NewChannel {
                    service_sid: &service,
                    unique_name: unique,
                    friendly_name: f.str("FriendlyName"),
                    attributes: &attributes,
                    kind: &kind,
                    created_by: &created_by,
                    date_created: date_created.map(|d| d.0),
                    date_updated: date_updated.map(|d| d.0),
                },
            )?;
            if ch.kind == ChannelType::Public {
                announce(c, &a, EventKind::ChannelAdded, &ch, Audience::Service)?;
            }
            if let Some(me) = &caller.identity {
                super::members::insert(
                    c,
                    Some(&a),
                    &s,
                    &ch,
                    me,
                    s.default_channel_creator_role_sid.as_deref(),
                    None,
                )?;
            }
            let r = resolve(c, &service, &ch.sid)?.render(&a);
            let queued = webhooks::queue(
                c,
                &a,
                channel_hook("onChannelAdded", &a, origin.as_ref(), &r),
            )?;
            Ok(Step::Done((created(r), queued)))
        })
        .await
        .map(pre::fired(&app))
}

/// `GET /v2/Services/{ServiceSid}/Channels/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
) -> ApiResult<Json<Channel>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, _) = load_visible(c, &service, &key, &p)?;
            Ok(Json(ch.render(&a)))
        })
        .await
}

/// `POST /v2/Services/{ServiceSid}/Channels/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Json<Channel>> {
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
    mut f: Params,
    pre: pre::Pre,
) -> ApiResult<Step<Json<Channel>>> {
    check_names(&mut f, 256)?;
    let attributes = f.attributes("Attributes")?;
    let date_created = f.date("DateCreated", ErrorCode::InvalidDateCreatedParameter)?;
    let date_updated = f.date("DateUpdated", ErrorCode::InvalidDateUpdatedParameter)?;
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &key, &p)?;
            if f.has("FriendlyName") || f.has("UniqueName") {
                view.require("editChannelName")?;
            }
            if attributes.is_some() {
                view.require("editChannelAttributes")?;
            }
            if date_created.is_some() || date_updated.is_some() || f.has("CreatedBy") {
                caller.require_admin("set channel dates or author")?;
            }
            let unique: Option<Option<String>> = f
                .str("UniqueName")
                .map(|u| (!u.is_empty()).then(|| u.to_owned()));
            if let Some(Some(u)) = &unique {
                unique_name_taken(c, &service, u, Some(&ch.sid))?;
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
            if let Some(ask) = pre.ask(&a, &p, &s, "onChannelUpdate", || {
                webhooks::with_changes(
                    webhooks::channel_fields(&ch.render(&a)),
                    &[
                        ("FriendlyName", f.str("FriendlyName")),
                        ("UniqueName", f.str("UniqueName")),
                        ("Attributes", attributes.as_deref()),
                    ],
                )
            }) {
                return Ok(Step::Ask(ask));
            }
            store::channels::update(
                c,
                &ch.sid,
                &ChannelUpdate {
                    friendly_name: f
                        .has("FriendlyName")
                        .then(|| f.str("FriendlyName").filter(|n| !n.is_empty())),
                    unique_name: unique.as_ref().map(|u| u.as_deref()),
                    attributes: attributes.as_deref(),
                    created_by: f.str("CreatedBy").filter(|x| !x.is_empty()),
                    date_created: date_created.map(|d| d.0),
                    date_updated: date_updated.map(|d| d.0),
                },
                c.now(),
            )?;
            let ch = resolve(c, &service, &ch.sid)?;
            announce(c, &a, EventKind::ChannelUpdated, &ch, audience(&ch))?;
            let r = ch.render(&a);
            let queued = webhooks::queue(
                c,
                &a,
                channel_hook("onChannelUpdated", &a, origin.as_ref(), &r),
            )?;
            Ok(Step::Done((Json(r), queued)))
        })
        .await
        .map(pre::fired(&app))
}

/// `DELETE /v2/Services/{ServiceSid}/Channels/{Sid}` — removes members,
/// messages, invites and webhooks with it.
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let origin = crate::webhooks::origin(&p, &headers);
    pre::run(&app, Params::default(), |_, pre| {
        let (a, p, origin) = (app.clone(), p.clone(), origin.clone());
        let (service, key) = (service.clone(), key.clone());
        async move {
            let app = a.clone();
            app.db
                .write(move |c| {
                    let (s, caller, ch, view) = load_visible(c, &service, &key, &p)?;
                    view.require("destroyChannel")?;
                    let rendered = ch.render(&a);
                    // Counted once, on the first run (a refused change counts too).
                    if pre == pre::Pre::First {
                        ratelimit::take(c, &a.rate_limits, &s, &caller, ratelimit::Scope::Service)?;
                    }
                    if let Some(ask) = pre.ask(&a, &p, &s, "onChannelDestroy", || {
                        webhooks::channel_fields(&rendered)
                    }) {
                        return Ok(Step::Ask(ask));
                    }
                    let to = if ch.kind == ChannelType::Public {
                        Audience::Service
                    } else {
                        let mut ids = feed::member_identities(c, &ch.sid)?;
                        ids.extend(store::invites::identities(c, &ch.sid)?);
                        Audience::Users(ids)
                    };
                    announce(c, &a, EventKind::ChannelRemoved, &ch, to)?;
                    // Queued while the channel's own webhooks still exist.
                    let hook = channel_hook("onChannelDestroyed", &a, origin.as_ref(), &rendered);
                    let queued = webhooks::queue(c, &a, hook)?;
                    store::channels::delete(c, &ch.sid)?;
                    Ok(Step::Done((StatusCode::NO_CONTENT, queued)))
                })
                .await
                .map(pre::fired(&app))
        }
    })
    .await
}
