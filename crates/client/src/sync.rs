//! The sync engine: a first full sync over REST, then the realtime stream
//! from the stored cursor; reconnects with exponential backoff and jitter;
//! rebuilds after `resyncRequired` without touching the outbox; refreshes
//! the token on `tokenAboutToExpire`. Everything it learns goes through
//! `Cache::apply`, then out as events and notifications.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use parley_protocol::realtime::{ServerFrame, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX};
use parley_protocol::resources::Channel;
use parley_protocol::{ChannelSid, UserChannelStatus};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::cache::{Applied, ChannelPage};
use crate::client::Inner;
use crate::error::{ClientError, Result};
use crate::events::{ClientEvent, ConnectionState};
use crate::notify::{self, Kind, Notification};

/// Messages fetched per channel on a full sync, and per page back.
pub const PAGE: u32 = 50;
/// Channels fetched at once during a first sync.
const SYNC_FETCHES: usize = 4;
/// Channels whose newest pages a first sync writes per transaction (the
/// channel list itself is written before, so the sidebar fills at once).
pub const SYNC_GROUP: usize = 64;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Backoff before reconnect attempt `n` (0-based): 0.5 s doubling to 30 s, ±25 % jitter.
pub fn backoff(attempt: u32) -> Duration {
    let base = Duration::from_millis(500)
        .saturating_mul(1u32 << attempt.min(6))
        .min(MAX_BACKOFF);
    let jitter = 0.75 + rand::random::<f64>() * 0.5;
    base.mul_f64(jitter)
}

pub(crate) async fn run(inner: Arc<Inner>) {
    let mut attempt: u32 = 0;
    let mut stop = inner.stop.subscribe();
    while !inner.stopped() {
        inner.set_state(ConnectionState::Connecting);
        match connect_once(&inner, &mut attempt).await {
            Err(ClientError::Unauthorized(msg))
            | Err(ClientError::Api {
                status: 401,
                message: msg,
                ..
            }) => {
                tracing::warn!(reason = %msg, "the session was refused; sign in again");
                inner.set_state(ConnectionState::Offline);
                inner.emit(ClientEvent::SessionExpired);
                return;
            }
            Err(ClientError::NotSignedIn) => {
                inner.set_state(ConnectionState::Offline);
                inner.emit(ClientEvent::SessionExpired);
                return;
            }
            Err(e) => tracing::info!(error = %e, "disconnected"),
            Ok(()) => {}
        }
        inner.set_state(ConnectionState::Offline);
        if inner.stopped() {
            break;
        }
        let wait = backoff(attempt);
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.changed() => {}
        }
    }
    inner.set_state(ConnectionState::Offline);
}

/// Rebuilds the channel list and the newest page of each joined channel.
pub(crate) async fn full_sync(inner: &Inner) -> Result<()> {
    let token = inner.session.access_token().await?;
    let (api, svc, me) = (&inner.api, inner.service(), inner.me());
    // The feed position first: changes made during the snapshot are replayed after it.
    let head = api.feed_head(&token, svc, me).await?;
    if let Ok(s) = api.service(&token, svc).await {
        inner
            .typing_timeout
            .store(s.typing_indicator_timeout.max(1), Ordering::Relaxed);
        inner
            .cache
            .set_meta("media_limit_mb", &s.media.size_limit_mb.to_string())?;
        if let Ok(mut t) = inner.templates.lock() {
            *t = Some(s.notifications);
        }
    }
    // What the user's roles allow, for the UI to offer only what will work.
    if let Ok(roles) = api.roles(&token, svc).await {
        let map: std::collections::HashMap<String, Vec<String>> = roles
            .into_iter()
            .map(|r| (r.sid.into(), r.permissions))
            .collect();
        inner
            .cache
            .set_meta("roles", &serde_json::to_string(&map).unwrap_or_default())?;
    }
    if let Ok(user) = api.user(&token, svc, me).await {
        inner
            .cache
            .set_meta("my_role", user.role_sid.as_deref().unwrap_or_default())?;
    }
    let mine = api.user_channels(&token, svc, me).await?;
    let mut joined = Vec::new();
    for uc in mine {
        match api.channel(&token, svc, &uc.channel_sid).await {
            Ok(ch) => joined.push((ch, uc)),
            Err(ClientError::Api { status: 404, .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    let public: Vec<Channel> = api.public_channels(&token, svc).await?;
    inner.cache.replace_channels(&joined, &public)?;
    // The newest page and the members of every joined channel, fetched a
    // few at a time and written in groups of channels per transaction.
    let sids: Vec<ChannelSid> = joined
        .iter()
        .filter(|(_, uc)| uc.status == UserChannelStatus::Joined)
        .map(|(ch, _)| ch.sid.clone())
        .collect();
    let fetches: Vec<_> = sids
        .into_iter()
        .map(|sid| fetch_channel_page(api, &token, svc, sid))
        .collect();
    let mut pages = futures_util::stream::iter(fetches).buffered(SYNC_FETCHES);
    let mut group = Vec::with_capacity(SYNC_GROUP);
    while let Some(page) = pages.next().await {
        group.push(page?);
        if group.len() == SYNC_GROUP {
            inner.cache.store_channel_pages(&group)?;
            group.clear();
        }
    }
    inner.cache.store_channel_pages(&group)?;
    inner.cache.set_meta("cursor", &head.to_string())?;
    inner.cache.touch()?;
    inner.emit(ClientEvent::ChannelsChanged);
    for (ch, _) in &joined {
        inner.emit(ClientEvent::MessagesChanged {
            channel_sid: ch.sid.clone(),
        });
    }
    Ok(())
}

/// The newest page and the members of one channel.
async fn fetch_channel_page(
    api: &crate::api::Api,
    token: &str,
    svc: &str,
    sid: ChannelSid,
) -> Result<ChannelPage> {
    let page = api.newest_messages(token, svc, &sid, PAGE).await?;
    let members = api.members(token, svc, &sid).await?;
    Ok(ChannelPage {
        older: page.meta.next_page_url.clone(),
        messages: page.items,
        members: Some(members),
        channel_sid: sid,
    })
}

/// Fetches one channel's resource, newest page and members (after joining).
pub(crate) async fn refresh_channel(inner: &Inner, channel: &str) -> Result<()> {
    let token = inner.session.access_token().await?;
    let (api, svc) = (&inner.api, inner.service());
    let ch = api.channel(&token, svc, channel).await?;
    let mine = api.user_channels(&token, svc, inner.me()).await?;
    let uc = mine.into_iter().find(|u| u.channel_sid == ch.sid);
    let page = api.newest_messages(&token, svc, &ch.sid, PAGE).await?;
    {
        let conn = inner.cache.conn();
        crate::cache::upsert_channel_pub(&conn, &ch, uc.as_ref())?;
    }
    inner
        .cache
        .store_messages(&ch.sid, &page.items, page.meta.next_page_url.is_none())?;
    if let Some(next) = &page.meta.next_page_url {
        inner.cache.set_meta(&format!("older:{}", ch.sid), next)?;
    }
    inner
        .cache
        .store_members(&ch.sid, &api.members(&token, svc, &ch.sid).await?)?;
    inner.emit(ClientEvent::ChannelsChanged);
    inner.emit(ClientEvent::MessagesChanged {
        channel_sid: ch.sid,
    });
    Ok(())
}

/// Fetches the page of history before the oldest cached message, once.
pub(crate) async fn load_older(inner: &Inner, channel: &ChannelSid) -> Result<usize> {
    if !inner.cache.has_older(channel)? {
        return Ok(0);
    }
    let Some(url) = inner.cache.meta(&format!("older:{channel}"))? else {
        return Ok(0);
    };
    let token = inner.session.access_token().await?;
    let page = inner
        .api
        .page::<parley_protocol::resources::Message>(&url, &token)
        .await?;
    let n = page.items.len();
    inner
        .cache
        .store_messages(channel, &page.items, page.meta.next_page_url.is_none())?;
    if let Some(next) = &page.meta.next_page_url {
        inner.cache.set_meta(&format!("older:{channel}"), next)?;
    }
    inner.emit(ClientEvent::MessagesChanged {
        channel_sid: channel.clone(),
    });
    Ok(n)
}

async fn connect_once(inner: &Arc<Inner>, attempt: &mut u32) -> Result<()> {
    if inner.cache.cursor()?.is_none() {
        full_sync(inner).await?;
    }
    let token = inner.session.access_token().await?;
    let since = inner.cache.cursor()?.unwrap_or(0);
    let mut req = format!("{}?since={since}", inner.api.stream_url(inner.service()))
        .into_client_request()
        .map_err(|e| ClientError::Invalid(e.to_string()))?;
    let protocols = format!("{SUBPROTOCOL}, {TOKEN_SUBPROTOCOL_PREFIX}{token}");
    req.headers_mut().insert(
        "sec-websocket-protocol",
        protocols
            .parse()
            .map_err(|_| ClientError::Invalid("token is not a valid header".into()))?,
    );
    let (ws, _) = match tokio_tungstenite::connect_async(req).await {
        Ok(ok) => ok,
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) if resp.status() == 401 => {
            // The token was refused at the handshake: refresh once and let the loop retry.
            inner.session.force_refresh().await?;
            return Err(ClientError::Unreachable("token refreshed".into()));
        }
        Err(e) => return Err(ClientError::Unreachable(e.to_string())),
    };
    let (mut sink, mut stream) = ws.split();
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<String>();
    if let Ok(mut o) = inner.socket_out.lock() {
        *o = Some(out_tx.clone());
    }
    let mut stop = inner.stop.subscribe();
    let mut catching_up = true;
    let mut held: Vec<Notification> = Vec::new();
    let mut expire_typing = tokio::time::interval(Duration::from_millis(500));
    let result = loop {
        tokio::select! {
            frame = stream.next() => {
                let text = match frame {
                    Some(Ok(WsMessage::Text(t))) => t,
                    Some(Ok(WsMessage::Close(_))) | None => break Ok(()),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => break Err(ClientError::Unreachable(e.to_string())),
                };
                let Ok(frame) = serde_json::from_str::<ServerFrame>(text.as_str()) else { continue };
                match frame {
                    ServerFrame::Connected(c) => {
                        inner.typing_timeout.store(c.typing_timeout.max(1), Ordering::Relaxed);
                    }
                    ServerFrame::CaughtUp { .. } => {
                        catching_up = false;
                        *attempt = 0;
                        inner.cache.touch()?;
                        inner.set_state(ConnectionState::Online);
                        flush_held(inner, &mut held);
                    }
                    ServerFrame::ResyncRequired { cursor, .. } => {
                        full_sync(inner).await?;
                        inner.cache.set_meta("cursor", &cursor.max(inner.cache.cursor()?.unwrap_or(0)).to_string())?;
                    }
                    ServerFrame::TypingStarted { channel_sid, identity, timeout } => {
                        let until = Instant::now() + Duration::from_secs(timeout as u64 + 1);
                        if let Ok(mut t) = inner.typing.lock() {
                            t.entry(channel_sid.clone()).or_default().insert(identity, until);
                        }
                        emit_typing(inner, &channel_sid);
                    }
                    ServerFrame::TypingEnded { channel_sid, identity } => {
                        if let Ok(mut t) = inner.typing.lock() {
                            t.entry(channel_sid.clone()).or_default().remove(&identity);
                        }
                        emit_typing(inner, &channel_sid);
                    }
                    ServerFrame::TokenAboutToExpire { .. } => {
                        let fresh = inner.session.force_refresh().await?;
                        let _ = out_tx.send(serde_json::json!({"type": "updateToken", "token": fresh}).to_string());
                        inner.emit(ClientEvent::TokenRefreshed);
                    }
                    ServerFrame::TokenExpired => {
                        let _ = inner.session.force_refresh().await;
                        break Ok(());
                    }
                    ServerFrame::Error { code, message } => tracing::info!(code, %message, "server reported an error"),
                    other => {
                        let applied = inner.cache.apply(inner.me(), &other)?;
                        announce(inner, &applied, catching_up, &mut held);
                    }
                }
            }
            out = out_rx.recv() => {
                if let Some(text) = out {
                    if let Err(e) = sink.send(WsMessage::text(text)).await {
                        break Err(ClientError::Unreachable(e.to_string()));
                    }
                }
            }
            _ = expire_typing.tick() => expire_typing_entries(inner),
            _ = stop.changed() => {
                let _ = sink.send(WsMessage::Close(None)).await;
                break Ok(());
            }
        }
    };
    if let Ok(mut o) = inner.socket_out.lock() {
        *o = None;
    }
    flush_held(inner, &mut held);
    result
}

fn emit_typing(inner: &Inner, channel: &ChannelSid) {
    let now = Instant::now();
    let identities = inner
        .typing
        .lock()
        .map(|t| {
            t.get(channel)
                .map(|m| {
                    m.iter()
                        .filter(|(_, u)| **u > now)
                        .map(|(i, _)| i.clone())
                        .collect()
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    inner.emit(ClientEvent::Typing {
        channel_sid: channel.to_owned(),
        identities,
    });
}

fn expire_typing_entries(inner: &Inner) {
    let now = Instant::now();
    let mut changed = Vec::new();
    if let Ok(mut t) = inner.typing.lock() {
        for (ch, m) in t.iter_mut() {
            let before = m.len();
            m.retain(|_, until| *until > now);
            if m.len() != before {
                changed.push(ch.clone());
            }
        }
    }
    for ch in changed {
        emit_typing(inner, &ch);
    }
}

/// Emits change events and decides about notifications for one applied event.
fn announce(inner: &Inner, a: &Applied, catching_up: bool, held: &mut Vec<Notification>) {
    if a.channels_changed {
        inner.emit(ClientEvent::ChannelsChanged);
    }
    if let Some(ch) = &a.messages_changed {
        inner.emit(ClientEvent::MessagesChanged {
            channel_sid: ch.clone(),
        });
    }
    if let Some(identity) = &a.user_changed {
        inner.emit(ClientEvent::UserChanged {
            identity: identity.clone(),
        });
    }
    let ctx = inner
        .notify_ctx
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default();
    let templates = inner.templates.lock().ok().and_then(|t| t.clone());
    let words = inner.words();
    let channel_info = |sid: &str| inner.cache.channel(sid).ok().flatten();
    let mut push = |kind: Kind,
                    channel_sid: &ChannelSid,
                    ch_unique: Option<String>,
                    ch_name: Option<String>,
                    who: &str,
                    text: &str| {
        let vars = notify::Vars {
            user_identity: who,
            user_friendly_name: None,
            channel_sid: channel_sid.as_str(),
            channel_unique_name: ch_unique.as_deref(),
            channel_friendly_name: ch_name.as_deref(),
            message: text,
        };
        let body = notify::render(&notify::template(kind, templates.as_ref(), &words), &vars);
        let name = ch_name
            .clone()
            .or(ch_unique.clone())
            .unwrap_or_else(|| channel_sid.to_string());
        held.push(Notification {
            summary: notify::summary(kind, &name),
            body,
            channel_sid: Some(channel_sid.clone()),
            open: words.text("notify-open", &Default::default()),
        });
    };
    if let Some(m) = &a.new_message {
        let info = channel_info(&m.channel_sid);
        let level = info
            .as_ref()
            .map(|c| c.notify)
            .unwrap_or(crate::cache::NotifyPolicy::All);
        // A reply in a thread is for those who took part in it (wrote its
        // root or a reply) and those it mentions, as in Slack.
        let marks = parley_protocol::attributes::Marks::of(&m.attributes);
        let mentioned = marks.mentions(inner.me()) || notify::mentions(&m.body, inner.me(), None);
        let for_me = match &marks.thread {
            None => true,
            Some(t) => {
                mentioned
                    || inner
                        .cache
                        .took_part(&m.channel_sid, &t.root, inner.me())
                        .unwrap_or(false)
            }
        };
        if for_me && notify::should_notify(Kind::NewMessage, &m.channel_sid, level, mentioned, &ctx)
        {
            let (u, n) = info
                .map(|c| (c.unique_name, c.friendly_name))
                .unwrap_or((None, None));
            push(Kind::NewMessage, &m.channel_sid, u, n, &m.from, &m.body);
        }
    }
    for (kind, ch) in [
        (Kind::AddedToChannel, &a.added_to),
        (Kind::InvitedToChannel, &a.invited_to),
        (Kind::RemovedFromChannel, &a.removed_from),
    ] {
        if let Some(ch) = ch {
            if notify::should_notify(kind, &ch.sid, crate::cache::NotifyPolicy::All, false, &ctx) {
                push(
                    kind,
                    &ch.sid,
                    ch.unique_name.clone(),
                    ch.friendly_name.clone(),
                    &ch.created_by,
                    "",
                );
            }
        }
    }
    if !catching_up {
        flush_held(inner, held);
    }
}

/// Shows held notifications: each one, or a single summary for a storm.
fn flush_held(inner: &Inner, held: &mut Vec<Notification>) {
    if held.is_empty() {
        return;
    }
    let batch = std::mem::take(held);
    let shown = if batch.len() > notify::STORM_THRESHOLD {
        vec![notify::storm_summary(&batch, &inner.words())]
    } else {
        batch
    };
    for n in shown {
        if inner.notifier.show(&n).is_ok() {
            inner.emit(ClientEvent::Notified {
                summary: n.summary.clone(),
                body: n.body.clone(),
                channel_sid: n.channel_sid.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        assert!(
            backoff(0) <= Duration::from_millis(625) && backoff(0) >= Duration::from_millis(375)
        );
        assert!(backoff(3) >= Duration::from_millis(3000));
        for n in [10, 20, 100] {
            assert!(backoff(n) <= MAX_BACKOFF.mul_f64(1.25), "capped");
        }
    }
}
