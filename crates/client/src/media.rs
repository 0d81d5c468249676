//! Files in and out. Sending a file puts a copy of it beside the cache and a
//! send in the outbox, so it goes out exactly once however often the network
//! or the app drops (the upload first, then the message with the entry's
//! idempotency key). Received files are downloaded into a per-account media
//! folder with a size cap (least recently used evicted first), so what was
//! seen once opens offline. Transfers report progress as events and can be
//! cancelled.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use parley_protocol::resources::Message;
use parley_protocol::ChannelSid;
use serde::Serialize;

use crate::api::{Progress, UploadFile, Watch};
use crate::cache::{OutboxItem, OutboxMedia};
use crate::client::{Client, Inner};
use crate::error::{ClientError, Refusal, Result};
use crate::events::ClientEvent;

/// Default cap of the media folder: 1 GiB.
pub const DEFAULT_CACHE_CAP: u64 = 1 << 30;
/// The service limit assumed before the first sync says otherwise, MB.
const DEFAULT_LIMIT_MB: u64 = 150;

/// Which way a transfer goes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// Cancel flags of running transfers, by key (`up:{outbox id}`, `down:{sid}`).
#[derive(Debug, Default)]
pub(crate) struct Transfers {
    flags: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

impl Transfers {
    fn start(&self, key: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut f) = self.flags.lock() {
            f.insert(key.to_owned(), flag.clone());
        }
        flag
    }

    fn finish(&self, key: &str) {
        if let Ok(mut f) = self.flags.lock() {
            f.remove(key);
        }
    }

    /// Sets a running transfer's cancel flag; false if none runs.
    fn cancel(&self, key: &str) -> bool {
        self.flags
            .lock()
            .ok()
            .and_then(|f| f.get(key).map(|flag| flag.store(true, Ordering::Relaxed)))
            .is_some()
    }
}

/// The MIME type for a file name's extension.
pub fn content_type_for(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "wav" => "audio/wav",
        "m4a" => "audio/mp4",
        "flac" => "audio/flac",
        "pdf" => "application/pdf",
        "txt" | "log" | "md" => "text/plain",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A progress callback that emits `Transfer` events at most once per
/// percent of `total`.
fn reporter(
    inner: &Arc<Inner>,
    key: &str,
    channel: Option<&ChannelSid>,
    dir: Direction,
    total: u64,
) -> Progress {
    let weak = Arc::downgrade(inner);
    let (key, channel) = (key.to_owned(), channel.cloned());
    let last = AtomicU64::new(u64::MAX);
    Arc::new(move |done: u64| {
        let pct = done.saturating_mul(100) / total.max(1);
        if last.swap(pct, Ordering::Relaxed) == pct {
            return;
        }
        if let Some(inner) = weak.upgrade() {
            inner.emit(ClientEvent::Transfer {
                key: key.clone(),
                channel_sid: channel.clone(),
                direction: dir,
                done,
                total,
            });
        }
    })
}

impl Inner {
    fn media_dir(&self) -> PathBuf {
        self.dir.join("media")
    }

    fn outbox_media_dir(&self) -> PathBuf {
        self.dir.join("outbox-media")
    }

    /// Largest upload the server takes, bytes.
    fn media_limit(&self) -> u64 {
        let mb = self
            .cache
            .meta("media_limit_mb")
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_LIMIT_MB);
        mb * 1024 * 1024
    }

    fn media_cap(&self) -> u64 {
        self.cache
            .setting("media_cache_cap")
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_CACHE_CAP)
    }

    /// Keeps `file` as the media file `sid`, evicting older files over the cap.
    fn keep_media(
        &self,
        file: &Path,
        sid: &str,
        size: u64,
        content_type: &str,
        filename: Option<&str>,
    ) -> Result<PathBuf> {
        let dir = self.media_dir();
        std::fs::create_dir_all(&dir).map_err(|e| ClientError::Cache(e.to_string()))?;
        let path = dir.join(safe_name(sid)?);
        std::fs::rename(file, &path).map_err(|e| ClientError::Cache(e.to_string()))?;
        self.cache
            .record_media_file(sid, size, content_type, filename)?;
        for old in self.cache.evict_media(self.media_cap(), sid)? {
            if let Ok(p) = safe_name(&old) {
                let _ = std::fs::remove_file(dir.join(p));
            }
        }
        Ok(path)
    }
}

/// A media SID as a file name (SIDs are `ME` + hex; anything else is refused).
fn safe_name(sid: &str) -> Result<&str> {
    if parley_protocol::SidKind::Media.matches(sid) {
        Ok(sid)
    } else {
        Err(ClientError::Invalid(format!("{sid:?} is not a media SID")))
    }
}

/// Uploads an outbox entry's file if it is not uploaded yet, then creates
/// the message with the entry's idempotency key.
pub(crate) async fn deliver(
    inner: &Arc<Inner>,
    item: &OutboxItem,
    media: OutboxMedia,
) -> Result<Message> {
    let (api, svc) = (&inner.api, inner.service());
    let sid = match &media.sid {
        Some(sid) => sid.clone(),
        None => {
            let key = format!("up:{}", item.id);
            let cancel = inner.transfers.start(&key);
            let progress = reporter(
                inner,
                &key,
                Some(&item.channel_sid),
                Direction::Up,
                media.size,
            );
            let token = inner.session.access_token().await?;
            let file = UploadFile {
                path: Path::new(&media.path),
                content_type: &media.content_type,
                filename: media.filename.as_deref(),
            };
            let uploaded = api
                .upload_media(&token, svc, file, Watch { progress, cancel })
                .await;
            inner.transfers.finish(&key);
            let m = uploaded?;
            inner.cache.outbox_set_media_sid(item.id, &m.sid)?;
            m.sid
        }
    };
    let token = inner.session.access_token().await?;
    let message = api
        .send_media_message(
            &token,
            svc,
            &item.channel_sid,
            &sid,
            item.body.as_deref(),
            &item.idem_key,
        )
        .await?;
    // The sender has the file already: keep the outbox copy as the cached file.
    if let Err(e) = inner.keep_media(
        Path::new(&media.path),
        &sid,
        media.size,
        &media.content_type,
        media.filename.as_deref(),
    ) {
        tracing::warn!(error = %e, "could not keep a sent file in the media cache");
    }
    Ok(message)
}

/// Deletes the outbox copy of an entry's file, if it has one.
pub(crate) fn drop_outbox_copy(inner: &Inner, outbox_id: i64) {
    if let Ok(Some(m)) = inner.cache.outbox_media(outbox_id) {
        let _ = std::fs::remove_file(&m.path);
    }
}

impl Client {
    /// Sends the file at `path` (with an optional caption) through the
    /// outbox. Refused at once when it is larger than the server allows.
    pub fn send_file(&self, channel: &str, path: &Path, caption: Option<&str>) -> Result<i64> {
        let channel = &crate::client::channel_sid(channel)?;
        let meta = std::fs::metadata(path).map_err(|e| {
            ClientError::Refused(Refusal::Unreadable {
                file: path.display().to_string(),
                detail: e.to_string(),
            })
        })?;
        if !meta.is_file() {
            return Err(ClientError::Refused(Refusal::NotAFile {
                file: path.display().to_string(),
            }));
        }
        let filename = path.file_name().map(|n| n.to_string_lossy().into_owned());
        self.check_size(meta.len(), filename.as_deref())?;
        let copy = self.outbox_copy_path()?;
        std::fs::copy(path, &copy)
            .map_err(|e| ClientError::Cache(format!("cannot copy the file: {e}")))?;
        let content_type = content_type_for(filename.as_deref().unwrap_or_default());
        self.enqueue_file(channel, copy, content_type, filename, meta.len(), caption)
    }

    /// Sends bytes as a file (a pasted image, say) through the outbox.
    pub fn send_file_bytes(
        &self,
        channel: &str,
        filename: &str,
        content_type: Option<&str>,
        bytes: &[u8],
        caption: Option<&str>,
    ) -> Result<i64> {
        let channel = &crate::client::channel_sid(channel)?;
        self.check_size(bytes.len() as u64, Some(filename))?;
        let copy = self.outbox_copy_path()?;
        std::fs::write(&copy, bytes)
            .map_err(|e| ClientError::Cache(format!("cannot keep the file: {e}")))?;
        let content_type = content_type
            .filter(|t| t.contains('/') && t.len() < 128)
            .unwrap_or_else(|| content_type_for(filename));
        let name = (!filename.is_empty()).then(|| filename.to_owned());
        self.enqueue_file(
            channel,
            copy,
            content_type,
            name,
            bytes.len() as u64,
            caption,
        )
    }

    fn check_size(&self, size: u64, filename: Option<&str>) -> Result<()> {
        let limit = self.inner.media_limit();
        let file = filename.unwrap_or("file").to_owned();
        if size > limit {
            return Err(ClientError::Refused(Refusal::FileTooBig {
                file,
                size,
                max: limit,
            }));
        }
        if size == 0 {
            return Err(ClientError::Refused(Refusal::EmptyFile { file }));
        }
        Ok(())
    }

    fn outbox_copy_path(&self) -> Result<PathBuf> {
        let dir = self.inner.outbox_media_dir();
        std::fs::create_dir_all(&dir).map_err(|e| ClientError::Cache(e.to_string()))?;
        Ok(dir.join(hex::encode(rand::random::<[u8; 16]>())))
    }

    fn enqueue_file(
        &self,
        channel: &ChannelSid,
        copy: PathBuf,
        content_type: &str,
        filename: Option<String>,
        size: u64,
        caption: Option<&str>,
    ) -> Result<i64> {
        let media = OutboxMedia {
            path: copy.to_string_lossy().into_owned(),
            content_type: content_type.to_owned(),
            filename,
            size,
            sid: None,
        };
        let caption = caption.map(str::trim).filter(|c| !c.is_empty());
        let id = match self.inner.cache.enqueue_media(channel, caption, &media) {
            Ok(id) => id,
            Err(e) => {
                let _ = std::fs::remove_file(&copy);
                return Err(e);
            }
        };
        self.after_enqueue(channel);
        Ok(id)
    }

    /// Cancels a media send: stops its upload if one runs (the entry is then
    /// discarded), or discards it if it is waiting.
    pub fn cancel_send(&self, outbox_id: i64) -> Result<bool> {
        if self.inner.transfers.cancel(&format!("up:{outbox_id}")) {
            return Ok(true);
        }
        self.discard(outbox_id)
    }

    /// The local file of a media message, if it is kept (no network).
    pub fn cached_media(&self, sid: &str) -> Result<Option<PathBuf>> {
        let path = self.inner.media_dir().join(safe_name(sid)?);
        if self.inner.cache.media_file(sid)?.is_some() {
            if path.is_file() {
                return Ok(Some(path));
            }
            self.inner.cache.forget_media_file(sid)?;
        }
        Ok(None)
    }

    /// The local file of a media message, downloaded first if it is not kept
    /// yet (with `Transfer` events; [`Client::cancel_download`] stops it).
    pub async fn media_file(&self, message: &crate::cache::MessageView) -> Result<PathBuf> {
        let media = message
            .media
            .as_ref()
            .ok_or(ClientError::Refused(Refusal::NoFile))?;
        let sid = media
            .sid
            .as_deref()
            .ok_or(ClientError::Refused(Refusal::NotSentYet))?;
        if let Some(p) = self.cached_media(sid)? {
            return Ok(p);
        }
        let inner = &self.inner;
        let key = format!("down:{sid}");
        let cancel = inner.transfers.start(&key);
        let progress = reporter(
            inner,
            &key,
            Some(&message.channel_sid),
            Direction::Down,
            media.size,
        );
        let dir = inner.media_dir();
        std::fs::create_dir_all(&dir).map_err(|e| ClientError::Cache(e.to_string()))?;
        let part = dir.join(format!(
            "{}.part-{}",
            safe_name(sid)?,
            hex::encode(rand::random::<[u8; 4]>())
        ));
        let token = inner.session.access_token().await;
        let got = match token {
            Ok(t) => {
                inner
                    .api
                    .download_media(&t, inner.service(), sid, &part, Watch { progress, cancel })
                    .await
            }
            Err(e) => Err(e),
        };
        inner.transfers.finish(&key);
        let size = match got {
            Ok(size) => size,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        };
        let path = inner.keep_media(
            &part,
            sid,
            size,
            &media.content_type,
            media.filename.as_deref(),
        );
        if path.is_err() {
            let _ = std::fs::remove_file(&part);
        }
        inner.emit(ClientEvent::MessagesChanged {
            channel_sid: message.channel_sid.clone(),
        });
        path
    }

    /// Like [`Client::media_file`] for the message of `channel` that carries
    /// the media file `sid`.
    pub async fn media_file_of(&self, channel: &str, sid: &str) -> Result<PathBuf> {
        let message = self
            .inner
            .cache
            .message_with_media(channel, sid)?
            .ok_or_else(|| ClientError::NotFound(format!("a message with file {sid}")))?;
        self.media_file(&message).await
    }

    /// The kept file `sid` with its content type, for showing it (no network).
    pub fn cached_media_typed(&self, sid: &str) -> Result<Option<(PathBuf, String)>> {
        let Some((_, content_type, _)) = self.inner.cache.media_file(sid)? else {
            return Ok(None);
        };
        Ok(self.cached_media(sid)?.map(|p| (p, content_type)))
    }

    /// Stops a running download; false if none runs.
    pub fn cancel_download(&self, sid: &str) -> bool {
        self.inner.transfers.cancel(&format!("down:{sid}"))
    }

    /// Sets the media folder's size cap (bytes).
    pub fn set_media_cache_cap(&self, bytes: u64) -> Result<()> {
        self.inner
            .cache
            .set_setting("media_cache_cap", &bytes.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_extensions() {
        assert_eq!(content_type_for("Cat.PNG"), "image/png");
        assert_eq!(content_type_for("clip.mp4"), "video/mp4");
        assert_eq!(content_type_for("notes"), "application/octet-stream");
        assert_eq!(
            content_type_for("archive.tar.gz"),
            "application/octet-stream"
        );
    }

    #[test]
    fn only_media_sids_name_files() {
        assert!(safe_name("ME0123456789abcdef0123456789abcdef").is_ok());
        assert!(safe_name("../cache.db").is_err());
    }
}
