//! Messages: `/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages`.
//! Each message gets the channel's next index (monotonic, never reused);
//! the channel's `messages_count` and last message move in the same
//! transaction. Listing is keyset-paged by index, `Order=asc|desc`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use parley_protocol::resources::{Message, MessageMedia};
use parley_protocol::{paging, SidKind, Timestamp};
use crate::args;
use crate::store::Conn;
use crate::store::OptionalExt;
use crate::store::Row;
use crate::store::StoreResult;

use super::channels::{load_visible, ChannelRow};
use crate::app::{created, now, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::feed::{self, Audience};
use crate::form::{Form, Params, Query};
use crate::paging::{self as pg, PageRequest};
use crate::webhooks_out;
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
    origin: Option<&webhooks_out::Origin>,
    m: &Message,
) -> webhooks_out::Hook {
    let o = origin?;
    Some((
        event,
        m.service_sid.clone(),
        Some(m.channel_sid.clone()),
        webhooks_out::message_params(event, app, o, m),
    ))
}

/// Records a message change in the channel's feed.
fn announce(
    tx: &crate::store::Tx<'_>,
    app: &App,
    kind: EventKind,
    m: &MessageRow,
) -> ApiResult<()> {
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

/// A message as stored.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub sid: String,
    pub service_sid: String,
    pub channel_sid: String,
    pub index: i64,
    pub author: String,
    pub body: String,
    pub attributes: String,
    pub media: Option<MessageMedia>,
    pub last_updated_by: Option<String>,
    pub was_edited: bool,
    pub date_created: i64,
    pub date_updated: i64,
}

const COLUMNS: &str =
    "sid, service_sid, channel_sid, idx, author, body, attributes, media, last_updated_by, was_edited, date_created, date_updated";

impl MessageRow {
    fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        let media: Option<String> = r.get(7)?;
        Ok(MessageRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            index: r.get(3)?,
            author: r.get(4)?,
            body: r.get(5)?,
            attributes: r.get(6)?,
            media: media.and_then(|m| serde_json::from_str(&m).ok()),
            last_updated_by: r.get(8)?,
            was_edited: r.get(9)?,
            date_created: r.get(10)?,
            date_updated: r.get(11)?,
        })
    }

    pub fn render(&self, app: &App) -> Message {
        Message {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            attributes: self.attributes.clone(),
            service_sid: self.service_sid.clone(),
            to: self.channel_sid.clone(),
            channel_sid: self.channel_sid.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            last_updated_by: self.last_updated_by.clone(),
            was_edited: self.was_edited,
            from: self.author.clone(),
            body: self.body.clone(),
            index: self.index,
            kind: if self.media.is_some() {
                "media".into()
            } else {
                "text".into()
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
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM messages WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        MessageRow::from_row,
    )
    .optional()?
    .ok_or_else(|| ApiError::not_found(50500, format!("Message {sid} not found")))
}

fn check_body(body: &str) -> ApiResult<()> {
    if body.len() > MAX_BODY {
        return Err(ApiError::bad_request(
            50504,
            format!(
                "Message body too long: {} bytes, at most {MAX_BODY}",
                body.len()
            ),
        ));
    }
    Ok(())
}

fn check_author(f: &Params, name: &str, code: u32) -> ApiResult<()> {
    if f.str(name).is_some_and(|a| a.chars().count() > 256) {
        return Err(ApiError::bad_request(
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
pub fn insert(conn: &Conn<'_>, ch: &ChannelRow, m: NewMessage) -> ApiResult<MessageRow> {
    let index: i64 = conn.query_row(
        "SELECT next_index FROM channels WHERE sid = ?1",
        args![&ch.sid],
        |r| r.get(0),
    )?;
    let sid = SidKind::Message.generate();
    let t = now();
    let dc = m.date_created.unwrap_or(t);
    conn.execute(
        "INSERT INTO messages (sid, service_sid, channel_sid, idx, author, body, attributes, last_updated_by, date_created, date_updated, media)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        args![sid, ch.service_sid, ch.sid, index, m.author, m.body, m.attributes, m.last_updated_by, dc, m.date_updated.unwrap_or(dc),
            m.media.as_ref().and_then(|x| serde_json::to_string(x).ok())],
    )?;
    conn.execute(
        "UPDATE channels SET next_index = ?2, messages_count = messages_count + 1, last_message_sid = ?3 WHERE sid = ?1",
        args![ch.sid, index + 1, sid],
    )?;
    Ok(MessageRow {
        sid,
        service_sid: ch.service_sid.clone(),
        channel_sid: ch.sid.clone(),
        index,
        author: m.author,
        body: m.body,
        attributes: m.attributes,
        media: m.media,
        last_updated_by: m.last_updated_by,
        was_edited: false,
        date_created: dc,
        date_updated: m.date_updated.unwrap_or(dc),
    })
}

/// `GET …/Channels/{ChannelSid}/Messages` — `Order=asc|desc`.
pub async fn list(
    State(app): State<App>,
    p: Principal,
    Path((service, channel)): Path<(String, String)>,
    Query(q): Query,
) -> ApiResult<Json<serde_json::Value>> {
    let req = PageRequest::from_query(&q, 50, 100)?;
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
            let sql = format!("SELECT {COLUMNS}, idx FROM messages WHERE channel_sid = ?");
            let w = pg::fetch(
                c,
                &sql,
                "idx",
                vec![ch.sid.clone().into()],
                descending,
                &req,
                MessageRow::from_row,
            )?;
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
    let idem = idempotency_key(&headers)?;
    let origin = webhooks_out::origin(&p, &headers);
    let media = match f.str("MediaSid").map(str::trim) {
        Some("") => return Err(ApiError::bad_request(50506, "Media SID not provided")),
        m => m.map(str::to_owned),
    };
    let body = match (f.str("Body"), &media) {
        (Some(b), _) => b.to_owned(),
        (None, Some(_)) => String::new(),
        (None, None) => return Err(ApiError::bad_request(50503, "Message body not provided")),
    };
    check_body(&body)?;
    check_author(&f, "From", 50310)?;
    check_author(&f, "LastUpdatedBy", 50505)?;
    let attributes = f.attributes("Attributes")?.unwrap_or_else(|| "{}".into());
    let date_created = f.date("DateCreated", 50308)?.map(|d| d.0);
    let date_updated = f.date("DateUpdated", 50309)?.map(|d| d.0);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let scope = caller.identity.clone().unwrap_or_else(|| "admin".into());
            if let Some(key) = &idem {
                let seen: Option<(String, String)> = c
                    .query_row(
                        "SELECT message_sid, channel_sid FROM idempotency_keys WHERE service_sid = ?1 AND scope = ?2 AND key = ?3",
                        args![service, scope, key],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                if let Some((message_sid, channel_sid)) = seen {
                    if channel_sid != ch.sid {
                        return Err(ApiError::conflict(20409, "Idempotency-Key was already used for a message in another channel"));
                    }
                    // A retry: answer exactly as the first time.
                    return Ok((created(resolve(c, &ch.sid, &message_sid)?.render(&a)), None));
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
            // A media message without text shows the service's compatibility message.
            let body = match (&media, body.is_empty()) {
                (Some(_), true) => crate::api::services::load(c, &ch.service_sid)?
                    .media_compatibility_message
                    .unwrap_or_default(),
                _ => body,
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
                c.execute(
                    "INSERT INTO idempotency_keys (service_sid, scope, key, message_sid, channel_sid, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    args![service, scope, key, m.sid, ch.sid, now()],
                )?;
            }
            announce(c, &a, EventKind::MessageAdded, &m)?;
            let r = m.render(&a);
            let event = if r.media.is_some() { "onMediaMessageSent" } else { "onMessageSent" };
            let hook = hook_for(event, &a, origin.as_ref(), &r);
            Ok((created(r), hook))
        })
        .await
        .map(webhooks_out::fired(&app))
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
    let origin = webhooks_out::origin(&p, &headers);
    if let Some(b) = f.str("Body") {
        check_body(b)?;
    }
    check_author(&f, "From", 50310)?;
    check_author(&f, "LastUpdatedBy", 50505)?;
    let attributes = f.attributes("Attributes")?;
    let date_created = f.date("DateCreated", 50308)?.map(|d| d.0);
    let date_updated = f.date("DateUpdated", 50309)?.map(|d| d.0);
    let a = app.clone();
    app.db
        .write(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
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
            let edited = body.is_some_and(|b| b != m.body);
            let updated_by = caller
                .identity
                .clone()
                .or_else(|| f.str("LastUpdatedBy").filter(|x| !x.is_empty()).map(str::to_owned));
            c.execute(
                "UPDATE messages SET body = COALESCE(?2, body), attributes = COALESCE(?3, attributes),
                   author = COALESCE(?4, author), date_created = COALESCE(?5, date_created),
                   date_updated = COALESCE(?6, ?7), last_updated_by = COALESCE(?8, last_updated_by),
                   was_edited = was_edited OR ?9
                 WHERE sid = ?1",
                args![
                    m.sid, body, attributes, f.str("From").filter(|x| !x.is_empty()),
                    date_created, date_updated, now(), updated_by, edited,
                ],
            )?;
            let m = resolve(c, &ch.sid, &m.sid)?;
            announce(c, &a, EventKind::MessageUpdated, &m)?;
            let r = m.render(&a);
            let hook = hook_for("onMessageUpdated", &a, origin.as_ref(), &r);
            Ok((Json(r), hook))
        })
        .await
        .map(webhooks_out::fired(&app))
}

/// `DELETE …/Channels/{ChannelSid}/Messages/{Sid}`
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, channel, sid)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let origin = webhooks_out::origin(&p, &headers);
    let a = app.clone();
    let done = app
        .db
        .write(move |c| {
            let (_, caller, ch, view) = load_visible(c, &service, &channel, &p)?;
            let m = resolve(c, &ch.sid, &sid)?;
            if !(caller.is(&m.author) && view.allows("deleteOwnMessage")) {
                view.require("deleteAnyMessage")?;
            }
            c.execute("DELETE FROM messages WHERE sid = ?1", args![&m.sid])?;
            // The message's file goes with it.
            c.execute("DELETE FROM media WHERE message_sid = ?1", args![&m.sid])?;
            c.execute(
                "UPDATE channels SET messages_count = messages_count - 1,
                   last_message_sid = (SELECT sid FROM messages WHERE channel_sid = ?1 ORDER BY idx DESC LIMIT 1)
                 WHERE sid = ?1",
                args![&ch.sid],
            )?;
            announce(c, &a, EventKind::MessageRemoved, &m)?;
            let hook = hook_for("onMessageRemoved", &a, origin.as_ref(), &m.render(&a));
            Ok::<_, ApiError>(((StatusCode::NO_CONTENT, m.media.map(|x| x.sid)), hook))
        })
        .await
        .map(webhooks_out::fired(&app))?;
    let (status, media) = done;
    if let Some(media) = media {
        crate::media::remove_file(&app, &media).await;
    }
    Ok(status)
}
