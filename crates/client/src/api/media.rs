//! Media over HTTP: uploads streamed from a file and downloads streamed to
//! one, each reporting bytes moved and stopping when its cancel flag is set;
//! and the message that carries an upload.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use parley_protocol::resources::{Media, Message};
use reqwest::Method;
use tokio::io::AsyncWriteExt;

use super::{percent, Api};
use crate::error::{ClientError, Result};

/// A file moves for at most this long (150 MB on a slow uplink).
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(3 * 3600);
/// Bytes read from disk per chunk of an upload.
const CHUNK: usize = 64 * 1024;

/// Bytes moved so far; called as a transfer progresses.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// How a caller follows and stops a transfer.
#[derive(Clone)]
pub struct Watch {
    pub progress: Progress,
    /// Set to stop the transfer; it then fails with [`ClientError::Cancelled`].
    pub cancel: Arc<AtomicBool>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("cancelled", &self.cancel.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A file to upload.
#[derive(Debug, Clone, Copy)]
pub struct UploadFile<'a> {
    pub path: &'a Path,
    pub content_type: &'a str,
    pub filename: Option<&'a str>,
}

fn unreachable_or_cancelled(e: impl ToString, cancel: &AtomicBool) -> ClientError {
    if cancel.load(Ordering::Relaxed) {
        ClientError::Cancelled
    } else {
        ClientError::Unreachable(e.to_string())
    }
}

impl Api {
    /// Uploads the file at `path` to the service's media store.
    pub async fn upload_media(
        &self,
        token: &str,
        service: &str,
        f: UploadFile<'_>,
        watch: Watch,
    ) -> Result<Media> {
        let (path, content_type, filename) = (f.path, f.content_type, f.filename);
        let Watch { progress, cancel } = watch;
        let file = tokio::fs::File::open(path)
            .await
            .map_err(|e| ClientError::Invalid(format!("cannot read {}: {e}", path.display())))?;
        let size = file
            .metadata()
            .await
            .map_err(|e| ClientError::Invalid(e.to_string()))?
            .len();
        let mut url = format!("{}/v1/Services/{service}/Media", self.base);
        if let Some(f) = filename {
            url.push_str(&format!("?Filename={}", percent(f)));
        }
        let flag = cancel.clone();
        let mut sent = 0u64;
        let body = tokio_util::io::ReaderStream::with_capacity(file, CHUNK).map(move |chunk| {
            if flag.load(Ordering::Relaxed) {
                return Err(std::io::Error::other("cancelled"));
            }
            if let Ok(c) = &chunk {
                sent += c.len() as u64;
                progress(sent);
            }
            chunk
        });
        let resp = self
            .http
            .request(Method::POST, url)
            .header("X-Twilio-Token", token)
            .header("Content-Type", content_type)
            .header("Content-Length", size)
            .timeout(TRANSFER_TIMEOUT)
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(|e| unreachable_or_cancelled(e, &cancel))?;
        let (_, v) = self.reply(resp).await?;
        serde_json::from_value(v).map_err(|e| ClientError::NotParley(e.to_string()))
    }

    /// Sends a message carrying an uploaded file, with an optional caption.
    pub async fn send_media_message(
        &self,
        token: &str,
        service: &str,
        channel: &str,
        media_sid: &str,
        body: Option<&str>,
        idem: &str,
    ) -> Result<Message> {
        let mut form = vec![("MediaSid", media_sid.to_owned())];
        if let Some(b) = body.filter(|b| !b.is_empty()) {
            form.push(("Body", b.to_owned()));
        }
        self.post(
            &format!("/v2/Services/{service}/Channels/{channel}/Messages"),
            token,
            &form,
            Some(idem),
        )
        .await
    }

    /// Downloads a media file's content into `dest` (created or truncated);
    /// returns its size.
    pub async fn download_media(
        &self,
        token: &str,
        service: &str,
        sid: &str,
        dest: &Path,
        watch: Watch,
    ) -> Result<u64> {
        let Watch { progress, cancel } = watch;
        let resp = self
            .http
            .get(format!(
                "{}/v1/Services/{service}/Media/{sid}/Content",
                self.base
            ))
            .header("X-Twilio-Token", token)
            .timeout(TRANSFER_TIMEOUT)
            .send()
            .await
            .map_err(|e| unreachable_or_cancelled(e, &cancel))?;
        if !resp.status().is_success() {
            self.reply(resp).await?;
            return Err(ClientError::NotParley("an error without a body".into()));
        }
        let local =
            |e: std::io::Error| ClientError::Cache(format!("cannot write {}: {e}", dest.display()));
        let mut out = tokio::fs::File::create(dest).await.map_err(local)?;
        let mut got = 0u64;
        let mut chunks = resp.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            if cancel.load(Ordering::Relaxed) {
                return Err(ClientError::Cancelled);
            }
            let chunk = chunk.map_err(|e| unreachable_or_cancelled(e, &cancel))?;
            out.write_all(&chunk).await.map_err(local)?;
            got += chunk.len() as u64;
            progress(got);
        }
        out.flush().await.map_err(local)?;
        out.sync_all().await.map_err(local)?;
        Ok(got)
    }
}
