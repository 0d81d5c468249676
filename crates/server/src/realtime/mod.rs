//! Realtime: the WebSocket stream, the hub that fans changes out, presence,
//! typing indicators and the polled change feed over REST.

pub mod hub;
pub mod presence;
pub mod socket;

use axum::extract::{Path, State};
use axum::Json;
use parley_protocol::realtime::{ChangesPage, EventKind};
use parley_protocol::{ChannelSid, ErrorCode};

use crate::api::{channels, services, users};
use crate::app::App;
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::Query;
use crate::store::Typing;

/// Checks that `identity` may type in the channel and tells its members.
pub async fn typing(app: &App, service: &str, identity: &str, channel: &str) -> ApiResult<()> {
    let (svc, ident, key) = (service.to_owned(), identity.to_owned(), channel.to_owned());
    let (channel_sid, timeout, recipients) = app
        .db
        .read(move |c| {
            let s = services::load(c, &svc)?;
            let ch = channels::resolve(c, &svc, &key)?;
            // A private channel the user may not see answers as a missing one.
            let view = crate::access::Caller::user(c, &s, &ident)?.see_channel(c, &ch, &key)?;
            if !view.is_member() {
                return Err(ApiError::new(
                    ErrorCode::UserNotMemberOfChannel,
                    "User not member of channel",
                ));
            }
            Ok((
                ch.sid.clone(),
                s.typing_indicator_timeout as u32,
                feed::member_identities(c, &ch.sid)?,
            ))
        })
        .await?;
    let signal = Typing {
        service: service.to_owned(),
        channel: channel_sid.to_string(),
        identity: identity.to_owned(),
        timeout,
    };
    // With several nodes every node (this one too) hears it from the
    // database and delivers it to its own sockets.
    if !app.db.announce_typing(&signal).await? {
        app.hub
            .typing(service, &channel_sid, identity, timeout, recipients);
    }
    Ok(())
}

/// Delivers typing indicators announced by any node to this node's sockets.
pub fn spawn_typing_relay(app: App) {
    let (sink, mut signals) = tokio::sync::mpsc::unbounded_channel::<Typing>();
    app.db.set_typing_sink(sink);
    tokio::spawn(async move {
        while let Some(t) = signals.recv().await {
            let channel = t.channel.clone();
            let recipients = app
                .db
                .read(move |c| feed::member_identities(c, &channel))
                .await;
            // Another node's signal names its channel as text: a SID that
            // does not parse is dropped, not shown.
            let Ok(channel) = ChannelSid::parse(t.channel.as_str()) else {
                tracing::warn!(channel = %crate::logging::Field(&t.channel), "a typing signal names no channel");
                continue;
            };
            match recipients {
                Ok(r) => app
                    .hub
                    .typing(&t.service, &channel, &t.identity, t.timeout, r),
                Err(e) => tracing::warn!(error = %e, "cannot deliver a typing indicator"),
            }
        }
    });
}

/// Records a `userUpdated` change for a user whose presence changed (when
/// the service has reachability enabled), for the user and everyone who
/// shares a channel with them.
fn announce_user(
    tx: &crate::store::Tx<'_>,
    app: &App,
    service: &str,
    identity: &str,
) -> ApiResult<()> {
    let s = services::load(tx, service)?;
    if !s.reachability_enabled {
        return Ok(());
    }
    let Some(u) = users::find(tx, service, identity)? else {
        return Ok(());
    };
    let reach = users::reachability(tx, app, &s, &u)?;
    let audience = feed::co_members(tx, service, identity)?;
    feed::append(
        tx,
        service,
        EventKind::UserUpdated,
        None,
        Audience::Users(audience),
        &u.render(app, reach),
    )?;
    Ok(())
}

/// Applies this node's presence transitions one after another: on
/// PostgreSQL it records them in the shared table and announces only
/// transitions of the user as a whole (their first socket anywhere, their
/// last); a heartbeat keeps the node counted and sweeps nodes that died.
pub fn spawn_presence_relay(app: App) {
    let (relay, mut transitions) = tokio::sync::mpsc::unbounded_channel::<presence::Transition>();
    app.presence.set_relay(relay);
    let a = app.clone();
    tokio::spawn(async move {
        while let Some(t) = transitions.recv().await {
            let app = a.clone();
            let r =
                a.db.write(move |tx| {
                    if let Some(node) = app.presence.node() {
                        let now = tx.now();
                        crate::store::presence::heartbeat(tx, node, now)?;
                        let live = now - presence::STALE_AFTER;
                        let before =
                            crate::store::presence::online(tx, &t.service, &t.identity, live)?;
                        if t.online {
                            crate::store::presence::add(tx, &t.service, &t.identity, node)?;
                        } else {
                            crate::store::presence::remove(tx, &t.service, &t.identity, node)?;
                        }
                        let after =
                            crate::store::presence::online(tx, &t.service, &t.identity, live)?;
                        if before == after {
                            return Ok(());
                        }
                    }
                    announce_user(tx, &app, &t.service, &t.identity)
                })
                .await;
            if let Err(e) = r {
                tracing::warn!(error = %e.message, "could not record a presence change");
            }
        }
    });
    if app.presence.node().is_none() {
        return;
    }
    tokio::spawn(async move {
        let mut every = tokio::time::interval(presence::HEARTBEAT);
        loop {
            every.tick().await;
            let a = app.clone();
            let r = app
                .db
                .write(move |tx| {
                    let now = tx.now();
                    if let Some(node) = a.presence.node() {
                        crate::store::presence::heartbeat(tx, node, now)?;
                    }
                    for (service, identity) in
                        crate::store::presence::sweep(tx, now - presence::STALE_AFTER)?
                    {
                        announce_user(tx, &a, &service, &identity)?;
                    }
                    Ok::<_, ApiError>(())
                })
                .await;
            if let Err(e) = r {
                tracing::warn!(error = %e.message, "presence heartbeat failed");
            }
        }
    });
}

/// `GET /v2/Services/{ServiceSid}/Users/{Identity}/Changes?Since=<cursor>&PageSize=<n>`
/// — the change feed for clients that poll (Parley extension).
pub async fn changes(
    State(app): State<App>,
    p: Principal,
    Path((service, key)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<ChangesPage>> {
    let since = q.int("Since", ErrorCode::InvalidParameter)?;
    let size = crate::paging::page_size(&q, 100)?;
    app.db
        .read(move |c| {
            let (_, caller) = services::load_with_caller(c, &service, &p)?;
            let identity = match users::find(c, &service, &key)? {
                Some(u) => u.identity,
                None if caller.is(&key) => key.clone(),
                None => return Err(ApiError::new(ErrorCode::UserNotFound, format!("User {key} not found"))),
            };
            if !caller.admin && !caller.is(&identity) {
                return Err(ApiError::not_authorized("read another user's changes"));
            }
            let head = feed::head(c)?;
            let Some(since) = since else {
                return Ok(Json(ChangesPage { changes: Vec::new(), next_since: head, has_more: false, head }));
            };
            if since < feed::pruned_through(c)? || since > head {
                return Err(ApiError::new(ErrorCode::Gone,
                    format!("Resync required: cursor {since} is outside the feed; rebuild over REST and continue from {head}"),
                ));
            }
            let changes = feed::backlog(c, &service, &identity, since, size)?;
            let has_more = changes.len() == size as usize;
            let last = changes.last().map(|e| e.event.cursor).unwrap_or(since);
            // Without more to come, everything up to head was seen or is not this user's.
            let next_since = if has_more { last } else { head.max(last) };
            Ok(Json(ChangesPage { changes, next_since, has_more, head }))
        })
        .await
}
