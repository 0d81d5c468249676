//! Media bytes on disk. An upload streams into a temporary file under
//! `media/tmp/` while its size and SHA-256 are counted; it is refused the
//! moment it crosses the limit, fsynced and renamed to `media/{sid}` only
//! when complete. A temporary file is removed when its upload is dropped for
//! any reason (refused, interrupted, the client gone), and what a crash
//! left behind is removed at start-up. Several nodes may share the folder:
//! at start-up a node removes only temporary files nobody has written to
//! for [`STALE_UPLOAD`], so another node's upload in progress is kept.

use std::io;
use std::path::{Path, PathBuf};

use axum::body::Body;
use futures_util::StreamExt;
use parley_protocol::SidKind;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};

/// A temporary file untouched this long belongs to no upload in progress.
pub const STALE_UPLOAD: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Writes are batched into blocks of this size.
const WRITE_BUFFER: usize = 256 * 1024;

/// Why an upload did not complete.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the upload is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("cannot store the upload: {0}")]
    Io(#[from] io::Error),
}

/// The media folder.
#[derive(Debug)]
pub struct MediaFiles {
    dir: PathBuf,
    tmp: PathBuf,
}

impl MediaFiles {
    /// Creates `dir` and `dir/tmp/`, removing the unfinished uploads of
    /// earlier runs (of any node) that nobody has written to for
    /// [`STALE_UPLOAD`].
    pub fn open(dir: &Path) -> io::Result<MediaFiles> {
        let dir = dir.to_owned();
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        for entry in std::fs::read_dir(&tmp)?.flatten() {
            let idle = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok());
            if idle.is_some_and(|d| d >= STALE_UPLOAD) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(MediaFiles { dir, tmp })
    }

    /// The file of a media SID; None for anything that is not a media SID,
    /// so no request can name a path of its own.
    pub fn path(&self, sid: &str) -> Option<PathBuf> {
        SidKind::Media.matches(sid).then(|| self.dir.join(sid))
    }

    /// Streams `body` into a temporary file, refusing it as soon as it grows
    /// past `limit` bytes.
    pub async fn receive(&self, body: Body, limit: u64) -> Result<Received, UploadError> {
        let path = self.tmp.join(hex::encode(rand::random::<[u8; 16]>()));
        let file = tokio::fs::File::create(&path).await?;
        let temp = TempFile { path: Some(path) };
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
        let mut hash = Sha256::new();
        let mut size: u64 = 0;
        let mut chunks = body.into_data_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(UploadError::TooLarge { limit });
            }
            hash.update(&chunk);
            out.write_all(&chunk).await?;
        }
        out.flush().await?;
        out.into_inner().sync_all().await?;
        Ok(Received {
            temp,
            size,
            sha256: hex::encode(hash.finalize()),
        })
    }

    /// Deletes a media file; a missing file is not an error.
    pub async fn remove(&self, sid: &str) -> io::Result<()> {
        let Some(path) = self.path(sid) else {
            return Ok(());
        };
        match tokio::fs::remove_file(path).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The media SIDs whose files were last written more than `age` ago
    /// (younger ones may belong to an upload whose row is being written).
    pub fn stored_before(&self, age: std::time::Duration) -> io::Result<Vec<String>> {
        let mut sids = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                continue;
            };
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|e| e > age);
            if old && SidKind::Media.matches(name) {
                sids.push(name.to_owned());
            }
        }
        Ok(sids)
    }
}

/// A completely received upload, not yet given its name.
#[derive(Debug)]
pub struct Received {
    temp: TempFile,
    pub size: u64,
    pub sha256: String,
}

impl Received {
    /// Moves the upload to `path` and makes the rename durable.
    pub async fn persist(mut self, path: &Path) -> io::Result<()> {
        let Some(temp) = self.temp.path.clone() else {
            return Err(io::Error::other("the upload was already stored"));
        };
        tokio::fs::rename(&temp, path).await?;
        // The file is no longer the temporary one: nothing to clean up.
        self.temp.path = None;
        if let Some(dir) = path.parent() {
            let dir = dir.to_owned();
            tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
                .await
                .map_err(io::Error::other)??;
        }
        Ok(())
    }
}

/// A temporary upload file, deleted when dropped unless it was renamed.
#[derive(Debug)]
struct TempFile {
    path: Option<PathBuf>,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let Some(path) = self.path.take() else {
            return;
        };
        if let Err(e) = std::fs::remove_file(&path) {
            if e.kind() != io::ErrorKind::NotFound {
                tracing::warn!(path = %path.display(), error = %e, "cannot remove a partial upload");
            }
        }
    }
}
