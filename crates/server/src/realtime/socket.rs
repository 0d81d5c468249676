//! `GET /v2/Services/{ServiceSid}/Stream`: one WebSocket per client session.
//!
//! The handshake checks `Origin` against the allow-list. The access token
//! comes in `Sec-WebSocket-Protocol` (`parley.v1, access_token.<jwt>`) or in
//! a first `auth` frame — never in the URL. After `connected` the socket
//! replays every change after `since` (or asks for a resync), sends
//! `caughtUp`, then live changes; it also carries typing indicators, token
//! renewal and heartbeats. See `docs/protocol.md`.

use parley_protocol::ErrorCode;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::header::{ORIGIN, SEC_WEBSOCKET_PROTOCOL};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::SinkExt;
use parley_protocol::realtime::{
    close, ClientFrame, Connected, ServerFrame, MAX_FRAME_BYTES, SUBPROTOCOL,
    TOKEN_SUBPROTOCOL_PREFIX,
};
use tokio::time::{sleep_until, Instant};

use super::hub::Registration;
use crate::app::App;
use crate::auth::{verify_token, TokenUser};
use crate::error::ApiError;
use crate::feed;
use crate::form::Query;

/// How long a client has to send `auth` when the token was not in the handshake.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// Changes read from the store per backlog query.
const BACKLOG_PAGE: u32 = 500;
/// `tokenAboutToExpire` is sent this long before `exp`.
pub const TOKEN_WARNING_SECS: i64 = 180;
/// Typing frames for one channel closer together than this are dropped.
const TYPING_MIN_INTERVAL: Duration = Duration::from_millis(1000);
/// Most frames taken from a socket's queue for one write to the network.
const WRITE_BATCH_FRAMES: usize = 64;
/// Bytes of frames the WebSocket buffers before writing in the middle of a
/// batch; also about what a busy socket's write buffer keeps allocated.
const WRITE_BATCH_BYTES: usize = 16 * 1024;

/// `GET /v2/Services/{ServiceSid}/Stream` (WebSocket upgrade; `?since=<cursor>` optional)
pub async fn stream(
    ws: WebSocketUpgrade,
    State(app): State<App>,
    Path(service): Path<String>,
    Query(q): Query,
    headers: HeaderMap,
) -> Response {
    if let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) {
        if !app.allowed_origins.iter().any(|a| a == origin) {
            return ApiError::new(
                ErrorCode::Forbidden,
                format!("Origin {origin} is not allowed"),
            )
            .into_response();
        }
    }
    let since = match q.int("since", ErrorCode::InvalidParameter) {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let offered: Vec<String> = headers
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_owned())
        .collect();
    let pre_auth = match offered
        .iter()
        .find_map(|p| p.strip_prefix(TOKEN_SUBPROTOCOL_PREFIX))
    {
        Some(token) => match verify_token(&app, token).await {
            Ok(u) if u.service_sid == service => Some(u),
            Ok(_) => {
                return ApiError::new(
                    ErrorCode::Forbidden,
                    "The access token is not valid for this service",
                )
                .into_response()
            }
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    ws.protocols([SUBPROTOCOL])
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .read_buffer_size(4 * 1024)
        // Frames queued together go out in one write (see `write_queued`);
        // a lone frame is still written at once, by the flush after it.
        .write_buffer_size(WRITE_BATCH_BYTES)
        .on_upgrade(move |socket| {
            // Subscribed before the session runs, so no shutdown goes unseen.
            let shutdown = app.shutdown.subscribe();
            session(app, socket, service, pre_auth, since, shutdown)
        })
}

/// Writes `first` and whatever else is already queued for this socket (up
/// to [`WRITE_BATCH_FRAMES`]) with one flush: under load a socket's frames
/// leave in one system call instead of one each, which is most of what
/// fan-out costs. Replayed changes at or below `last` are skipped.
async fn write_queued(
    socket: &mut WebSocket,
    reg: &mut Registration,
    first: super::hub::Outbound,
    last: &mut i64,
) -> Result<(), axum::Error> {
    let mut next = Some(first);
    let mut taken = 0;
    while let Some(o) = next.take() {
        taken += 1;
        if o.seq == 0 || o.seq > *last {
            if o.seq != 0 {
                *last = o.seq;
            }
            socket.feed(Message::Text(o.text)).await?;
        }
        if taken < WRITE_BATCH_FRAMES {
            next = reg.queue.try_recv().ok();
        }
    }
    socket.flush().await
}

fn text(frame: &ServerFrame) -> String {
    serde_json::to_string(frame).unwrap_or_default()
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), axum::Error> {
    socket.send(Message::Text(text(frame).into())).await
}

async fn close_with(mut socket: WebSocket, code: u16, reason: &str) {
    let sent = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_owned().into(),
        })))
        .await;
    if sent.is_err() || !matches!(code, close::SLOW_CONSUMER | close::MESSAGE_TOO_BIG) {
        return;
    }
    // A slow consumer is alive but behind, and a client whose frame was too
    // big may still be sending it: wait (a while) for its Close before
    // dropping the connection. Dropping at once lets bytes it still sends
    // meet a closed socket, whose RST makes it lose the frames it had not
    // read yet, our Close among them.
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        while let Some(Ok(m)) = socket.recv().await {
            if matches!(m, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// Whether a read failed because the peer's frame or message was over
/// [`MAX_FRAME_BYTES`] (answered with 1009, not a dropped connection).
fn too_big(e: &axum::Error) -> bool {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<tungstenite::Error>())
        .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)))
}

const TOO_BIG: &str = "frame larger than 64 KiB";

/// How long a slow consumer's socket waits for its Close.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// Waits for the `auth` frame; returns the user and the `since` it carried.
async fn first_frame(
    app: &App,
    socket: &mut WebSocket,
) -> Result<(TokenUser, Option<i64>), String> {
    let msg = tokio::time::timeout(AUTH_TIMEOUT, socket.recv())
        .await
        .map_err(|_| "no auth frame within 10 seconds".to_owned())?;
    let t = match msg {
        Some(Ok(Message::Text(t))) => t,
        Some(Err(e)) if too_big(&e) => return Err(TOO_BIG.into()),
        _ => return Err("the first frame must be an auth frame".into()),
    };
    match serde_json::from_str::<ClientFrame>(t.as_str()) {
        Ok(ClientFrame::Auth { token, since }) => verify_token(app, &token)
            .await
            .map(|u| (u, since))
            .map_err(|e| e.message),
        _ => Err("the first frame must be an auth frame".into()),
    }
}

async fn session(
    app: App,
    mut socket: WebSocket,
    service: String,
    pre_auth: Option<TokenUser>,
    since: Option<i64>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let (user, since) = match pre_auth {
        Some(u) => (u, since),
        None => match first_frame(&app, &mut socket).await {
            Ok((u, s)) => (u, s.or(since)),
            Err(why) if why == TOO_BIG => {
                return close_with(socket, close::MESSAGE_TOO_BIG, &why).await
            }
            Err(why) => return close_with(socket, close::AUTH_FAILED, &why).await,
        },
    };
    if user.service_sid != service {
        return close_with(
            socket,
            close::AUTH_FAILED,
            "the access token is not valid for this service",
        )
        .await;
    }
    let reg = app.hub.register(&service, &user.identity).await;
    let id = reg.id;
    app.presence.connect(&service, &user.identity);
    // A send error means the peer is gone: nothing left to close.
    let (code, reason) = run(
        &app,
        &mut socket,
        &service,
        user.clone(),
        since,
        reg,
        shutdown,
    )
    .await
    .unwrap_or_default();
    if code != 0 {
        close_with(socket, code, reason).await;
    }
    app.hub.unregister(id);
    app.presence.disconnect(&service, &user.identity);
}

/// The token timers: warn three minutes before expiry (or at half the
/// remaining life for shorter tokens), then expire; `t` is now.
fn token_deadlines(exp: i64, t: i64) -> (Instant, Instant) {
    let at = |unix: i64| Instant::now() + Duration::from_secs((unix - t).max(0) as u64);
    let lead = TOKEN_WARNING_SECS.min((exp - t).max(0) / 2);
    (at(exp - lead), at(exp))
}

type End = (u16, &'static str);

async fn run(
    app: &App,
    socket: &mut WebSocket,
    service: &str,
    mut user: TokenUser,
    since: Option<i64>,
    mut reg: Registration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<End, axum::Error> {
    let svc = service.to_owned();
    let ident = user.identity.clone();
    let (service_sid, head, pruned, typing_timeout) = match app
        .db
        .read(move |c| {
            let s = crate::api::services::load(c, &svc)?;
            crate::api::users::find(c, &svc, &ident)?;
            let out = (
                s.sid,
                feed::head(c)?,
                feed::pruned_through(c)?,
                s.typing_indicator_timeout as u32,
            );
            Ok::<_, ApiError>(out)
        })
        .await
    {
        Ok(v) => v,
        Err(e) => {
            send(
                socket,
                &ServerFrame::Error {
                    code: e.code.code(),
                    message: e.message,
                },
            )
            .await?;
            return Ok((close::AUTH_FAILED, "service unavailable"));
        }
    };
    send(
        socket,
        &ServerFrame::Connected(Connected {
            identity: user.identity.clone(),
            service_sid,
            cursor: head,
            typing_timeout,
            token_expires_at: user.exp,
        }),
    )
    .await?;

    // Replay what the client missed, then switch to live changes.
    let mut last = head;
    match since {
        Some(s) if s < pruned || s > head => {
            let reason = if s > head {
                "cursor is newer than the feed"
            } else {
                "cursor is older than the feed keeps"
            };
            send(
                socket,
                &ServerFrame::ResyncRequired {
                    cursor: head,
                    reason: reason.into(),
                },
            )
            .await?;
        }
        Some(s) => {
            last = s;
            loop {
                let (svc, ident) = (service.to_owned(), user.identity.clone());
                let page = app
                    .db
                    .read(move |c| {
                        feed::backlog(c, &svc, &ident, s.max(last), BACKLOG_PAGE)
                            .map_err(ApiError::from)
                    })
                    .await;
                let Ok(page) = page else {
                    return Ok((close::GOING_AWAY, "cannot read the feed"));
                };
                let done = page.len() < BACKLOG_PAGE as usize;
                for entry in page {
                    last = entry.event.cursor;
                    send(socket, &ServerFrame::event(entry.kind, entry.event)).await?;
                }
                if done {
                    break;
                }
            }
            last = last.max(head);
        }
        None => {}
    }
    send(socket, &ServerFrame::CaughtUp { cursor: last }).await?;

    // Timers live across loop turns (re-arming them on every frame would cost
    // a timer-wheel insertion per delivery).
    let (warn_at, expire_at) = token_deadlines(user.exp, app.clock.now());
    let warn = sleep_until(warn_at);
    let expire = sleep_until(expire_at);
    tokio::pin!(warn, expire);
    let mut warned = false;
    let mut heartbeat = tokio::time::interval(app.heartbeat);
    heartbeat.tick().await;
    let mut last_seen = Instant::now();
    let mut typing_sent: HashMap<String, Instant> = HashMap::new();
    if *shutdown.borrow_and_update() {
        return Ok((close::GOING_AWAY, "server shutting down"));
    }

    loop {
        tokio::select! {
            _ = shutdown.changed() => return Ok((close::GOING_AWAY, "server shutting down")),
            out = reg.queue.recv() => match out {
                Some(o) => write_queued(socket, &mut reg, o, &mut last).await?,
                None => {
                    return Ok(if reg.slow.load(Ordering::SeqCst) {
                        (close::SLOW_CONSUMER, "too slow: reconnect with since=<last cursor>")
                    } else {
                        (close::GOING_AWAY, "server shutting down")
                    });
                }
            },
            msg = socket.recv() => {
                last_seen = Instant::now();
                let msg = match msg {
                    Some(Ok(msg)) => msg,
                    Some(Err(e)) if too_big(&e) => return Ok((close::MESSAGE_TOO_BIG, TOO_BIG)),
                    _ => return Ok((0, "")),
                };
                match msg {
                    Message::Text(t) => match serde_json::from_str::<ClientFrame>(t.as_str()) {
                        Ok(ClientFrame::Ping) => send(socket, &ServerFrame::Pong).await?,
                        Ok(ClientFrame::Typing { channel_sid }) => {
                            let recent = typing_sent.get(&channel_sid).is_some_and(|t| t.elapsed() < TYPING_MIN_INTERVAL);
                            if !recent {
                                typing_sent.insert(channel_sid.clone(), Instant::now());
                                if let Err(e) = super::typing(app, service, &user.identity, &channel_sid).await {
                                    send(socket, &ServerFrame::Error { code: e.code.code(), message: e.message }).await?;
                                }
                            }
                        }
                        Ok(ClientFrame::UpdateToken { token }) => match verify_token(app, &token).await {
                            Ok(u) if u.identity == user.identity && u.service_sid == user.service_sid => {
                                user = u;
                                let (warn_at, expire_at) = token_deadlines(user.exp, app.clock.now());
                                warn.as_mut().reset(warn_at);
                                expire.as_mut().reset(expire_at);
                                warned = false;
                                send(socket, &ServerFrame::TokenUpdated { expires_at: user.exp }).await?;
                            }
                            Ok(_) => send(socket, &ServerFrame::Error { code: ErrorCode::InvalidAccessToken.code(), message: "the new token is for another identity or service".into() }).await?,
                            Err(e) => send(socket, &ServerFrame::Error { code: e.code.code(), message: e.message }).await?,
                        },
                        Ok(ClientFrame::Auth { .. } | ClientFrame::Resume { .. }) => {
                            send(socket, &ServerFrame::Error { code: ErrorCode::InvalidParameter.code(), message: "already authenticated".into() }).await?
                        }
                        Err(_) => return Ok((close::PROTOCOL_ERROR, "frame not understood")),
                    },
                    Message::Close(_) => return Ok((0, "")),
                    Message::Binary(_) => return Ok((close::PROTOCOL_ERROR, "binary frames are not used")),
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            },
            _ = &mut warn, if !warned => {
                warned = true;
                send(socket, &ServerFrame::TokenAboutToExpire { expires_at: user.exp }).await?;
            },
            _ = &mut expire => {
                // A token that was nearly spent on connecting is still
                // warned about first: the client always hears it coming.
                if !warned {
                    send(socket, &ServerFrame::TokenAboutToExpire { expires_at: user.exp }).await?;
                }
                send(socket, &ServerFrame::TokenExpired).await?;
                return Ok((close::TOKEN_EXPIRED, "access token expired"));
            },
            _ = heartbeat.tick() => {
                if last_seen.elapsed() > app.heartbeat * 3 {
                    return Ok((close::HEARTBEAT_TIMEOUT, "no answer to heartbeats"));
                }
                // A revoked key's tokens, and a user signed out
                // everywhere, stop working on open sockets too (on every
                // node: each checks the database).
                let who = user.clone();
                if let Ok(Err(why)) = app.db.read(move |c| crate::auth::still_valid(c, &who)).await {
                    return Ok((close::AUTH_FAILED, why));
                }
                socket.send(Message::Ping(Vec::new().into())).await?;
            },
        }
    }
}
