//! The media service (`/v1/Services/{IS}/Media`, the shape of Twilio's MCS):
//! streamed uploads up to the service's size limit, the Media resource,
//! content downloads with Range support and temporary credential-free links,
//! and the rules for who may read a file — the uploader until a message
//! carries it, then the members of that message's channel.

pub mod files;
pub mod names;
pub mod signed;

use crate::store::{self, Conn, Tx};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parley_protocol::media::{slice, Slice};
use parley_protocol::resources::{Media, MediaLinks, MessageMedia};
use parley_protocol::ErrorCode;
use parley_protocol::{MediaSid, Timestamp};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::access::Caller;
use crate::api::services;
use crate::app::{created, App};
use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::form::Query;
use files::UploadError;

/// Default lifetime of a temporary content link, seconds.
pub const DEFAULT_LINK_TTL: i64 = 300;
/// Default time an upload no message took is kept, seconds.
pub const DEFAULT_RETENTION: i64 = 24 * 3600;
/// Bytes per read when streaming a file out.
const READ_CHUNK: usize = 64 * 1024;

pub use crate::store::media::MediaRow;

impl MediaRow {
    /// The resource, with a fresh temporary link.
    pub fn render(&self, app: &App) -> Media {
        let url = format!(
            "{}/v1/Services/{}/Media/{}",
            app.public_url, self.service_sid, self.sid
        );
        let content = format!("{url}/Content");
        let link = signed::sign(
            &app.signing_key.1,
            &self.sid,
            app.clock.now() + app.media.link_ttl,
        );
        Media {
            sid: self.sid.clone(),
            account_sid: app.account_sid.clone(),
            service_sid: self.service_sid.clone(),
            channel_sid: self.channel_sid.clone(),
            message_sid: self.message_sid.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            filename: self.filename.clone(),
            author: self.author.clone(),
            date_created: Timestamp(self.date_created),
            date_updated: Timestamp(self.date_updated),
            links: MediaLinks {
                content_direct_temporary: format!("{content}?{link}"),
                content,
            },
            url,
        }
    }

    /// What a message carrying this media says about it.
    pub fn summary(&self) -> MessageMedia {
        MessageMedia {
            sid: self.sid.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            filename: self.filename.clone(),
        }
    }
}

/// The media settings and files of a server.
#[derive(Debug)]
pub struct MediaStore {
    pub files: files::MediaFiles,
    /// Largest upload, MB (MiB) as the service resource reports it.
    pub limit_mb: u32,
    /// Lifetime of temporary links, seconds.
    pub link_ttl: i64,
}

impl MediaStore {
    /// The largest upload in bytes.
    pub fn limit_bytes(&self) -> u64 {
        u64::from(self.limit_mb) * 1024 * 1024
    }
}

fn not_found(sid: &str) -> ApiError {
    ApiError::new(ErrorCode::MediaNotFound, format!("Media {sid} not found"))
}

/// Loads a media row of `service`.
pub fn load(conn: &Conn<'_>, service: &str, sid: &str) -> ApiResult<MediaRow> {
    store::media::get(conn, service, sid)?.ok_or_else(|| not_found(sid))
}

/// Whether `caller` may read `m`: admins always; the uploader until a
/// message carries it; then the members of the message's channel.
fn require_read(conn: &Conn<'_>, caller: &Caller, m: &MediaRow) -> ApiResult<()> {
    if caller.admin {
        return Ok(());
    }
    let Some(channel) = &m.channel_sid else {
        return if caller.is(&m.author) {
            Ok(())
        } else {
            Err(not_found(&m.sid))
        };
    };
    // Media of a channel the caller may not see is as missing as the channel.
    let Some(ch) = store::channels::get(conn, &m.service_sid, channel)? else {
        return Err(not_found(&m.sid));
    };
    let view = caller.in_channel(conn, &ch)?;
    if view.can_read() {
        Ok(())
    } else if view.visible() {
        Err(ApiError::new(
            ErrorCode::UserNotMemberOfChannel,
            "User not member of channel",
        ))
    } else {
        Err(not_found(&m.sid))
    }
}

fn upload_error(e: UploadError, limit_mb: u32) -> ApiError {
    match e {
        UploadError::TooLarge { .. } => too_large(limit_mb),
        UploadError::Interrupted(why) => ApiError::new(
            ErrorCode::InvalidParameter,
            format!("The upload was interrupted: {why}"),
        ),
        UploadError::Io(e) => {
            tracing::error!(error = %e, "cannot store an upload");
            ApiError::internal()
        }
    }
}

fn too_large(limit_mb: u32) -> ApiError {
    ApiError::new(
        ErrorCode::MediaTooLarge,
        format!("Message media size is too large: at most {limit_mb} MB"),
    )
}

/// `POST /v1/Services/{IS}/Media` — the raw file as the body, its type in
/// `Content-Type`, an optional `?Filename=`.
pub async fn upload(
    State(app): State<App>,
    p: Principal,
    Path(service): Path<String>,
    Query(q): Query,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let limit = app.media.limit_bytes();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(app.media.limit_mb));
    }
    let content_type = match headers.get(header::CONTENT_TYPE) {
        None => "application/octet-stream".to_owned(),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(names::content_type)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidMessageMediaContentType,
                    "Invalid message media content type",
                )
            })?,
    };
    let filename = q.str("Filename").and_then(names::filename);
    let svc = service.clone();
    let (service_sid, author) = app
        .db
        .read(move |c| {
            let (s, caller) = services::load_with_caller(c, &svc, &p)?;
            let author = caller.identity.unwrap_or_else(|| "system".into());
            Ok::<_, ApiError>((s.sid, author))
        })
        .await?;
    let received = app
        .media
        .files
        .receive(body, limit)
        .await
        .map_err(|e| upload_error(e, app.media.limit_mb))?;
    let sid = MediaSid::generate();
    let path = app.media.files.path(&sid).ok_or_else(ApiError::internal)?;
    let row = MediaRow {
        sid: sid.clone(),
        service_sid,
        channel_sid: None,
        message_sid: None,
        author,
        size: received.size,
        content_type,
        filename,
        sha256: received.sha256.clone(),
        date_created: app.clock.now(),
        date_updated: app.clock.now(),
    };
    received.persist(&path).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store an upload");
        ApiError::internal()
    })?;
    let r = row.clone();
    let stored = app
        .db
        .write(move |c| store::media::insert(c, &r).map_err(ApiError::from))
        .await;
    if let Err(e) = stored {
        let _ = app.media.files.remove(&sid).await;
        return Err(e);
    }
    Ok(created(row.render(&app)))
}

/// `GET /v1/Services/{IS}/Media/{ME}`
pub async fn fetch(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<Json<Media>> {
    let a = app.clone();
    app.db
        .read(move |c| {
            let (_, caller) = services::load_with_caller(c, &service, &p)?;
            let m = load(c, &service, &sid)?;
            require_read(c, &caller, &m)?;
            Ok(Json(m.render(&a)))
        })
        .await
}

/// `DELETE /v1/Services/{IS}/Media/{ME}` — by its uploader (or an admin)
/// while no message carries it; a sent file goes with its message.
pub async fn delete(
    State(app): State<App>,
    p: Principal,
    Path((service, sid)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let s = sid.clone();
    app.db
        .write(move |c| {
            let (_, caller) = services::load_with_caller(c, &service, &p)?;
            let m = load(c, &service, &s)?;
            require_read(c, &caller, &m)?;
            if m.message_sid.is_some() {
                return Err(ApiError::new(
                    ErrorCode::MediaAlreadySent,
                    "Media already sent with a message: delete the message instead",
                ));
            }
            if !(caller.admin || caller.is(&m.author)) {
                return Err(ApiError::not_authorized("delete another user's media"));
            }
            store::media::delete(c, &m.sid)?;
            Ok(())
        })
        .await?;
    remove_file(&app, &sid).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a media file whose row is gone, logging a failure.
pub async fn remove_file(app: &App, sid: &str) {
    if let Err(e) = app.media.files.remove(sid).await {
        tracing::warn!(media = sid, error = %e, "cannot delete a media file");
    }
}

/// `GET /v1/Services/{IS}/Media/{ME}/Content` — with the resource's
/// credentials, or with a temporary link's `Expires`, `Nonce` and
/// `Signature` and none.
pub async fn content(
    State(app): State<App>,
    p: Result<Principal, ApiError>,
    Path((service, sid)): Path<(String, String)>,
    Query(q): Query,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let link = match (q.str("Expires"), q.str("Signature")) {
        (Some(e), Some(s)) => Some((
            e.to_owned(),
            q.str("Nonce").unwrap_or("").to_owned(),
            s.to_owned(),
        )),
        _ => None,
    };
    if let Some((expires, nonce, signature)) = &link {
        signed::verify(
            &app.signing_key.1,
            &sid,
            expires,
            nonce,
            signature,
            app.clock.now(),
        )
        .map_err(|e| match e {
            signed::LinkError::Expired => ApiError::new(
                ErrorCode::Forbidden,
                "This temporary link has expired: fetch the media again for a new one",
            ),
            signed::LinkError::Invalid => {
                ApiError::new(ErrorCode::Forbidden, "This link is not valid")
            }
        })?;
    }
    let m = app
        .db
        .read(move |c| {
            match (&link, p) {
                (Some(_), _) => {}
                (None, Err(e)) => return Err(e),
                (None, Ok(p)) => {
                    let (_, caller) = services::load_with_caller(c, &service, &p)?;
                    let m = load(c, &service, &sid)?;
                    require_read(c, &caller, &m)?;
                    return Ok(m);
                }
            }
            load(c, &service, &sid)
        })
        .await?;
    serve(
        &app,
        &m,
        headers.get(header::RANGE).and_then(|v| v.to_str().ok()),
    )
    .await
}

/// Streams a media file (or the requested part of it).
async fn serve(app: &App, m: &MediaRow, range: Option<&str>) -> ApiResult<Response> {
    let path = app
        .media
        .files
        .path(&m.sid)
        .ok_or_else(|| not_found(&m.sid))?;
    let mut file = tokio::fs::File::open(&path).await.map_err(|e| {
        tracing::error!(media = %m.sid, error = %e, "a media file is missing");
        not_found(&m.sid)
    })?;
    let size = m.size;
    let (status, start, len) = match slice(range, size) {
        Slice::Whole => (StatusCode::OK, 0, size),
        Slice::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Slice::Unsatisfiable => {
            let mut r = ApiError::with_status(
                StatusCode::RANGE_NOT_SATISFIABLE,
                ErrorCode::InvalidParameter,
                format!("The range is outside the file of {size} bytes"),
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(r);
        }
    };
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|_| ApiError::internal())?;
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), READ_CHUNK);
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = status;
    let h = r.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, m.content_type.clone());
    set(header::CONTENT_LENGTH, len.to_string());
    set(
        header::CONTENT_DISPOSITION,
        names::disposition(&m.content_type, m.filename.as_deref()),
    );
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::ETAG, format!("\"{}\"", m.sha256));
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox".into(),
    );
    set(
        header::CACHE_CONTROL,
        "private, max-age=300, immutable".into(),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        set(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", start + len - 1),
        );
    }
    Ok(r)
}

/// Attaches an upload to a new message in the same transaction: it must
/// exist in the service (50507), belong to the sender unless an admin sends
/// (50507 too, so other users' uploads stay invisible), and not be used yet
/// (50508).
pub fn attach(conn: &Conn<'_>, caller: &Caller, service: &str, sid: &str) -> ApiResult<MediaRow> {
    let m = load(conn, service, sid)?;
    if !(caller.admin || caller.is(&m.author)) {
        return Err(not_found(sid));
    }
    if m.message_sid.is_some() {
        return Err(ApiError::with_status(
            StatusCode::BAD_REQUEST,
            ErrorCode::MediaAlreadySent,
            format!("Media {sid} was already sent with another message"),
        ));
    }
    Ok(m)
}

/// Records which message carries a media file (50508 if another send took
/// it meanwhile).
pub fn mark_sent(conn: &Conn<'_>, sid: &str, channel: &str, message: &str) -> ApiResult<()> {
    if !store::media::mark_sent(conn, sid, channel, message, conn.now())? {
        return Err(ApiError::with_status(
            StatusCode::BAD_REQUEST,
            ErrorCode::MediaAlreadySent,
            format!("Media {sid} was already sent with another message"),
        ));
    }
    Ok(())
}

/// Removes media rows nothing needs any more: uploads no message took within
/// `retention` seconds, and files of messages, channels or services that are
/// gone. Returns their SIDs, whose files the caller deletes.
pub fn prune(tx: &Tx<'_>, retention: i64) -> ApiResult<Vec<String>> {
    let sids = store::media::unneeded(tx, tx.now() - retention)?;
    for sid in &sids {
        store::media::delete(tx, sid)?;
    }
    Ok(sids)
}

/// SIDs of files on disk without a row (left by a crash between writing
/// the file and the row, or by pruning whose file deletion failed).
pub fn orphans(conn: &Conn<'_>, on_disk: Vec<String>) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for sid in on_disk {
        if !store::media::exists(conn, &sid)? {
            out.push(sid);
        }
    }
    Ok(out)
}
