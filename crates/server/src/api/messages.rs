//! Messages: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages`.
//! Each message gets the channel's next index (monotonic, never reused);
//! the channel's `messages_count` and last message move in the same
//! transaction. Listing is keyset-paged by index, `Order=asc|desc`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::{Message, MessageMedia};
use parley_protocol::ErrorCode;
use parley_protocol::{paging, ChannelSid, MediaSid, MessageType, SidKind, Timestamp};

use super::channels::{load_visible, ChannelRow};
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::ratelimit;
pub use crate::store::messages::MessageRow;
use crate::store::{self, Conn, Tx};
use crate::webhooks::{self, pre::Step};
use parley_protocol::realtime::EventKind;

/// Largest message body, in bytes.
pub const MAX_BODY: usize = 32 * 1024;

/// How long an idempotency key is remembered, seconds (48 h; at least 24 h
/// is promised).
pub const IDEMPOTENCY_RETENTION: i64 = 48 * 3600;

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// The idempotency key of a send: `Idempotency-Key` or `X-Parley-Idempotency-Key`.
fn idempotency_key(headers: &axum::http::HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers
        .get("idempotency-key")
        .or_else(|| headers.get("x-parley-idempotency-key"))
    else {
        return Ok(None);
    };
    let key = v
        .to_str()
        .map_err(|_| ApiError::invalid_param("Idempotency-Key must be visible ASCII"))?
        .trim();
    if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
        return Err(ApiError::invalid_param(format!(
            "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// The post-event webhook call for a message change, if it should fire.
fn hook_for(
    event: &'static str,
    app: &App,
    origin: Option<&webhooks::Origin>,
    m: &Message,
) -> webhooks::Hook {
    let o = origin?;
    Some((
        event,
        m.service_sid.to_string(),
        Some(m.channel_sid.to_string()),
        webhooks::message_params(event, app, o, m),
    ))
}

/// Records a message change in the channel's feed.
fn announce(tx: &Tx<'_>, app: &App, kind: EventKind, m: &MessageRow) -> ApiResult<()> {
    feed::append(
        tx,
        &m.service_sid,
        kind,
        Some(&m.channel_sid),
        Audience::Channel(m.channel_sid.clone()),
        &m.render(app),
    )?;
    Ok(())
}

impl MessageRow {
    pub fn render(&self, app: &App) -> Message {
        Message {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            attributes: self.attributes.clone(),
            service_sid: self.service_sid.clone(),
            to: self.channel_sid.to_string(),
            channel_sid: self.channel_sid.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            last_updated_by: self.last_updated_by.clone(),
            was_edited: self.was_edited,
            from: self.author.clone(),
            body: self.body.clone(),
            index: self.index,
            kind: if self.media.is_some() {
                MessageType::Media
            } else {
                MessageType::Text
            },
            media: self.media.clone(),
            url: format!(
                "{}/v2/Services/{}/Channels/{}/Messages/{}",
                app.public_url, self.service_sid, self.channel_sid, self.sid
            ),
        }
    }
}

/// Finds a message of `channel`, failing with 50500.
pub fn resolve(conn: &Conn<'_>, channel: &str, sid: &str) -> ApiResult<MessageRow> {
    store::messages::get(conn, channel, sid)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::MessageNotFound,
            format!("Message {sid} not found"),
        )
    })
}

fn check_body(body: &str) -> ApiResult<()> {
    if body.len() > MAX_BODY {
        return Err(ApiError::new(
            ErrorCode::MessageBodyTooLong,
            format!(
                "Message body too long: {} bytes, at most {MAX_BODY}",
                body.len()
            ),
        ));
    }
    Ok(())
}

fn check_author(f: &Params, name: &str, code: ErrorCode) -> ApiResult<()> {
    if f.str(name).is_some_and(|a| a.chars().count() > 256) {
        return Err(ApiError::new(
            code,
            format!("{name} too long: at most 256 characters"),
        ));
    }
    Ok(())
}

/// What a new message carries.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub author: String,
    pub body: String,
    pub attributes: String,
    pub date_created: Option<i64>,
    pub date_updated: Option<i64>,
    pub last_updated_by: Option<String>,
    pub media: Option<MessageMedia>,
}

/// Appends a message to `ch` with the next index.
pub fn insert(tx: &Tx<'_>, ch: &ChannelRow, m: NewMessage) -> ApiResult<MessageRow> {
    let dc = m.date_created.unwrap_or_else(|| tx.now());
    let row = store::messages::insert(
        tx,
        &ch.service_sid,
        &ch.sid,
        store::messages::NewMessage {
            author: m.author,
            body: m.body,
            attributes: m.attributes,
            date_created: dc,
            date_updated: m.date_updated.unwrap_or(dc),
            last_updated_by: m.last_updated_by,
            media: m.media,
        },
    )
    .map_err(|e| match e {
        // The channel was deleted by a write that committed meanwhile.
        crate::store::StoreError::NoRow => super::channels::channel_not_found(&ch.sid),
        e => e.into(),
    })?;
    Ok(row)
}

/// `GET …/Channels/{ChannelSid}/Messages` — `Order=asc|desc`.
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50)?;
    let descending = match q.str("Order").map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("asc") => false,
        Some("desc") => true,
        Some(o) => {
            return Err(ApiError::invalid_param(format!(
                "Invalid Order {o:?}: use asc or desc"
            )))
        }
    };
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, view) = load_visible(c, &service, &channel, &p)?;
            view.require_read()?;
            let w = store::messages::page(c, &ch.sid, descending, req.bound(), req.size)?;
            let items: Vec<Message> = w.items.iter().map(|m| m.render(&a)).collect();
            let path = format!("/v2/Services/{service}/Channels/{channel}/Messages");
            let meta = pg::meta(&a.public_url, &path, "messages", &q, &req, &w);
            Ok(Json(paging::page_json(&items, &meta)))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Messages` — with an `Idempotency-Key` (or
/// `X-Parley-Idempotency-Key`) header, a retry by the same caller returns the
/// original message instead of creating a second one.
pub async fn create(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Response> {
    let send = Send {
        idem: idempotency_key(&headers)?,
        origin: webhooks::origin(&p, &headers),
        key: send_key(&app, &service, &channel).await?,
        service,
        channel,
        p,
    };
    let (sent, channel_sid) = webhooks::pre::run(&app, f, |f, pre| {
        create_once(app.clone(), send.clone(), f, pre)
    })
    .await?;
    // Back-pressure: while this channel's fan-out is behind, the answer
    // waits, so a sender cannot run ahead of what its readers receive.
    app.hub.admit(&channel_sid).await;
    Ok(sent)
}

/// The writer key of a send. Sends to different channels commit in
/// parallel on PostgreSQL: a send changes its channel only through atomic
/// statements. The key is the channel's SID, so that one channel's sends,
/// by SID or by unique name, go to one writer (two writers taking the same
/// channel rows in different orders could deadlock).
async fn send_key(app: &App, service: &str, channel: &str) -> ApiResult<String> {
    if SidKind::Channel.matches(channel) || app.db.dialect() == crate::store::Dialect::Sqlite {
        return Ok(format!("{service}/{channel}"));
    }
    let (svc, name) = (service.to_owned(), channel.to_owned());
    let sid = app
        .db
        .read(move |c| crate::store::channels::sid_by_unique_name(c, &svc, &name))
        .await?;
    Ok(format!("{service}/{}", sid.as_deref().unwrap_or(channel)))
}

/// What a send needs besides its form, each time it runs.
#[derive(Debug, Clone)]
struct Send {
    service: String,
    channel: String,
    key: String,
    idem: Option<String>,
    origin: Option<webhooks::Origin>,
    p: Principal,
}

/// One run of a send (see `webhooks::pre`): parses and checks `f`, asks
/// the pre-event webhook if the service has one, else sends.
async fn create_once(
    app: App,
    send: Send,
    f: Params,
    pre: webhooks::pre::Pre,
) -> ApiResult<webhooks::pre::Step<(Response, ChannelSid)>> {
    let Send {
        service,
        channel,
        key,
        idem,
        origin,
        p,
    } = send;
    let media = match f.str("MediaSid").map(str::trim) {
        Some("") => {
            return Err(ApiError::new(
                ErrorCode::MediaSidNotProvided,
                "Media SID not provided",
            ))
        }
        m => m.map(str::to_owned),
    };
    let body = match (f.str("Body"), &media) {
        (Some(b), _) => b.to_owned(),
        (None, Some(_)) => String::new(),
        (None, None) => {
            return Err(ApiError::new(
                ErrorCode::MessageBodyNotProvided,
                "Message body not provided",
            ))
        }
    };
    check_body(&body)?;
    check_author(&f, "From", ErrorCode::AuthorTooLong)?;
    check_author(&f, "LastUpdatedBy", ErrorCode::LastUpdatedByTooLong)?;
    let attributes = f.attributes("Attributes")?.unwrap_or_else(|| "{}".into());
    let date_created = f
        .date("DateCreated", ErrorCode::InvalidDateCreatedParameter)?
        .map(|d| d.0);
    let date_updated = f
        .date("DateUpdated", ErrorCode::InvalidDateUpdatedParameter)?
        .map(|d| d.0);
    let a = app.clone();
    app.db
        .write_keyed(&key, move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let scope = caller.identity.clone().unwrap_or_else(|| "admin".into());
            if let Some(key) = &idem {
                if let Some((message_sid, channel_sid)) =
                    store::messages::by_idempotency_key(c, &service, &scope, key)?
                {
                    if channel_sid != ch.sid {
                        return Err(ApiError::new(
                            ErrorCode::Conflict,
                            "Idempotency-Key was already used for a message in another channel",
                        ));
                    }
                    // A retry: answer exactly as the first time.
                    let first = created(resolve(c, &ch.sid, &message_sid)?.render(&a));
                    return Ok(Step::Done(((first, ch.sid.clone()), Default::default())));
                }
            }
            let media = match &media {
                Some(sid) => {
                    view.require_member("sendMediaMessage")?;
                    Some(crate::media::attach(c, &caller, &ch.service_sid, sid)?)
                }
                None => {
                    view.require_member("sendMessage")?;
                    None
                }
            };
            let author = match &caller.identity {
                Some(me) => {
                    if f.str("From")
                        .is_some_and(|from| !from.is_empty() && from != me)
                    {
                        return Err(ApiError::not_authorized("send as another identity"));
                    }
                    if date_created.is_some() || date_updated.is_some() {
                        caller.require_admin("set message dates")?;
                    }
                    me.clone()
                }
                None => f
                    .str("From")
                    .filter(|x| !x.is_empty())
                    .unwrap_or("system")
                    .to_owned(),
            };
            let event = if media.is_some() {
                "onMediaMessageSend"
            } else {
                "onMessageSend"
            };
            // Counted once, on the first run (a refused change counts too).
            if pre == webhooks::pre::Pre::First {
                ratelimit::take(
                    c,
                    &a.rate_limits,
                    &s,
                    &caller,
                    ratelimit::Scope::Channel(&ch.sid),
                )?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, event, || {
                let mut params = vec![
                    ("ChannelSid".into(), ch.sid.to_string()),
                    ("From".into(), author.clone()),
                    ("Body".into(), body.clone()),
                    ("Attributes".into(), attributes.clone()),
                ];
                if let Some(md) = &media {
                    params.extend(webhooks::media_params(&md.summary()));
                }
                params
            }) {
                return Ok(Step::Ask(ask));
            }
            crate::marks::check(
                c,
                &view,
                &ch.sid,
                crate::marks::Written {
                    attributes: &attributes,
                    body: &body,
                    has_media: media.is_some(),
                },
                None,
            )?;
            // A media message without text shows the service's compatibility message.
            let body = match (&media, body.is_empty()) {
                (Some(_), true) => s.media_compatibility_message.clone().unwrap_or_default(),
                _ => body,
            };
            let m = insert(
                c,
                &ch,
                NewMessage {
                    author,
                    body,
                    attributes,
                    date_created,
                    date_updated,
                    last_updated_by: f
                        .str("LastUpdatedBy")
                        .filter(|x| !x.is_empty())
                        .map(str::to_owned),
                    media: media.as_ref().map(crate::media::MediaRow::summary),
                },
            )?;
            if let Some(md) = &media {
                crate::media::mark_sent(c, &md.sid, &ch.sid, &m.sid)?;
            }
            if let Some(key) = &idem {
                store::messages::remember_idempotency_key(
                    c,
                    &service,
                    &scope,
                    key,
                    &m.sid,
                    &ch.sid,
                    c.now(),
                )?;
            }
            announce(c, &a, EventKind::MessageAdded, &m)?;
            let r = m.render(&a);
            let event = if r.media.is_some() {
                "onMediaMessageSent"
            } else {
                "onMessageSent"
            };
            let mut queued = webhooks::queue(c, &a, hook_for(event, &a, origin.as_ref(), &r))?;
            // A reaction pushes nothing: it shows on its target.
            if !crate::marks::hidden(&r.attributes) {
                queued = queued
                    | crate::push::queue(
                        c,
                        &s,
                        crate::push::Change {
                            kind: crate::push::PushType::NewMessage,
                            channel: &ch,
                            actor: &r.from,
                            target: None,
                            message: Some((&r.sid, r.index, &r.body)),
                        },
                    )?;
            }
            Ok(Step::Done(((created(r), ch.sid.clone()), queued)))
        })
        .await
        .map(webhooks::pre::fired(&app))
}

/// `GET …/Channels/{ChannelSid}/Messages/{Sid}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
) -> ApiResult<Json<Message>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, _, ch, view) = load_visible(c, &service, &channel, &p)?;
            view.require_read()?;
            Ok(Json(resolve(c, &ch.sid, &sid)?.render(&a)))
        })
        .await
}

/// `POST …/Channels/{ChannelSid}/Messages/{Sid}`
pub async fn update(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    Form(f): Form,
) -> ApiResult<Json<Message>> {
    let origin = webhooks::origin(&p, &headers);
    webhooks::pre::run(&app, f, |f, pre| {
        update_once(
            app.clone(),
            p.clone(),
            (service.clone(), channel.clone(), sid.clone()),
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
    (service, channel, sid): (String, String, String),
    origin: Option<webhooks::Origin>,
    f: Params,
    pre: webhooks::pre::Pre,
) -> ApiResult<Step<Json<Message>>> {
    if let Some(b) = f.str("Body") {
        check_body(b)?;
    }
    check_author(&f, "From", ErrorCode::AuthorTooLong)?;
    check_author(&f, "LastUpdatedBy", ErrorCode::LastUpdatedByTooLong)?;
    let attributes = f.attributes("Attributes")?;
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
            let m = resolve(c, &ch.sid, &sid)?;
            let own = caller.is(&m.author);
            let body = f.str("Body");
            if body.is_some() && !(own && view.allows("editOwnMessage")) {
                view.require("editAnyMessage")?;
            }
            if attributes.is_some() && !(own && view.allows("editOwnMessageAttributes")) {
                view.require("editAnyMessageAttributes")?;
            }
            if f.has("From") || date_created.is_some() || date_updated.is_some() {
                caller.require_admin("change a message's author or dates")?;
            }
            if attributes.is_some() || body.is_some() {
                crate::marks::check(
                    c,
                    &view,
                    &ch.sid,
                    crate::marks::Written {
                        attributes: attributes.as_deref().unwrap_or(&m.attributes),
                        body: body.unwrap_or(&m.body),
                        has_media: m.media.is_some(),
                    },
                    Some(&m),
                )?;
            }
            // Counted once, on the first run (a refused change counts too).
            if pre == webhooks::pre::Pre::First {
                ratelimit::take(
                    c,
                    &a.rate_limits,
                    &s,
                    &caller,
                    ratelimit::Scope::Channel(&ch.sid),
                )?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, "onMessageUpdate", || {
                vec![
                    ("ChannelSid".into(), ch.sid.to_string()),
                    ("MessageSid".into(), m.sid.to_string()),
                    ("Index".into(), m.index.to_string()),
                    ("From".into(), m.author.clone()),
                    ("Body".into(), body.unwrap_or(&m.body).to_owned()),
                    (
                        "Attributes".into(),
                        attributes.clone().unwrap_or_else(|| m.attributes.clone()),
                    ),
                ]
            }) {
                return Ok(Step::Ask(ask));
            }
            let edited = body.is_some_and(|b| b != m.body);
            let updated_by = caller.identity.clone().or_else(|| {
                f.str("LastUpdatedBy")
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
            });
            let edit = store::messages::MessageEdit {
                body,
                attributes: attributes.as_deref(),
                author: f.str("From").filter(|x| !x.is_empty()),
                date_created,
                date_updated,
                last_updated_by: updated_by.as_deref(),
                edited,
            };
            store::messages::update(c, &m.sid, &edit, c.now())?;
            let m = resolve(c, &ch.sid, &m.sid)?;
            announce(c, &a, EventKind::MessageUpdated, &m)?;
            let r = m.render(&a);
            let queued =
                webhooks::queue(c, &a, hook_for("onMessageUpdated", &a, origin.as_ref(), &r))?;
            Ok(Step::Done((Json(r), queued)))
        })
        .await
        .map(webhooks::pre::fired(&app))
}

/// `DELETE …/Channels/{ChannelSid}/Messages/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let origin = webhooks::origin(&p, &headers);
    let (status, media) = webhooks::pre::run(&app, Params::default(), |_, pre| {
        delete_once(
            app.clone(),
            p.clone(),
            (service.clone(), channel.clone(), sid.clone()),
            origin.clone(),
            pre,
        )
    })
    .await?;
    for media in &media {
        crate::media::remove_file(&app, media).await;
    }
    Ok(status)
}

async fn delete_once(
    app: App,
    p: Principal,
    (service, channel, sid): (String, String, String),
    origin: Option<webhooks::Origin>,
    pre: webhooks::pre::Pre,
) -> ApiResult<Step<(StatusCode, Vec<MediaSid>)>> {
    let a = app.clone();
    app.db
        .write(move |c| {
            let (s, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let m = resolve(c, &ch.sid, &sid)?;
            if !(caller.is(&m.author) && view.allows("deleteOwnMessage")) {
                view.require("deleteAnyMessage")?;
            }
            // Counted once, on the first run (a refused change counts too).
            if pre == webhooks::pre::Pre::First {
                ratelimit::take(
                    c,
                    &a.rate_limits,
                    &s,
                    &caller,
                    ratelimit::Scope::Channel(&ch.sid),
                )?;
            }
            if let Some(ask) = pre.ask(&a, &p, &s, "onMessageRemove", || {
                vec![
                    ("ChannelSid".into(), ch.sid.to_string()),
                    ("MessageSid".into(), m.sid.to_string()),
                    ("Index".into(), m.index.to_string()),
                    ("From".into(), m.author.clone()),
                    ("Body".into(), m.body.clone()),
                    ("Attributes".into(), m.attributes.clone()),
                ]
            }) {
                return Ok(Step::Ask(ask));
            }
            // The message's file goes with it, and a thread's first
            // message takes its replies (and theirs) along.
            let replies = crate::marks::replies(c, &m)?;
            let mut media = Vec::new();
            let mut queued = webhooks::post::Queued::from(false);
            for gone in std::iter::once(&m).chain(&replies) {
                store::messages::delete(c, &ch.sid, &gone.sid)?;
                announce(c, &a, EventKind::MessageRemoved, gone)?;
                let hook = hook_for("onMessageRemoved", &a, origin.as_ref(), &gone.render(&a));
                queued = queued | webhooks::queue(c, &a, hook)?;
                media.extend(gone.media.as_ref().map(|x| x.sid.clone()));
            }
            Ok::<_, ApiError>(Step::Done(((StatusCode::NO_CONTENT, media), queued)))
        })
        .await
        .map(webhooks::pre::fired(&app))
}
