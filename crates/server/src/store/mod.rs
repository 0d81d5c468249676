//! The SQLite store: one writer thread that commits concurrent writes together
//! (group commit) and a small pool of read connections.
//!
//! A write is a closure run inside its own savepoint of the writer's current
//! transaction; a closure that fails rolls back only its own changes. The
//! reply is sent only after the transaction is committed with
//! `synchronous=FULL`, so a 2xx answer means the change survives `kill -9`.
//! Handlers only see [`Db::read`] and [`Db::write`]: swapping SQLite for
//! another engine means reimplementing this module and the query modules.
//!
//! A write closure gets a [`Tx`]: the connection plus a list of feed changes
//! it recorded. Changes of a closure that fails are dropped with its
//! savepoint; the others are handed to the change sink after the commit, in
//! commit order, so the realtime hub never announces what is not on disk.

pub mod migrations;

use std::cell::RefCell;
use std::ops::Deref;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot, Semaphore};

/// Failures of the storage layer itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer Parley and cannot be opened.
    #[error("database schema version {found} is newer than this server supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    /// The writer thread is gone (shutdown or a crash).
    #[error("the database writer has stopped")]
    WriterGone,
    /// A read or write task panicked or was cancelled.
    #[error("a database task failed: {0}")]
    Task(String),
}

type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&Tx<'_>) -> (bool, Finish) + Send>;

/// Receives the changes of each committed batch, in commit order.
pub type ChangeSink = tokio::sync::mpsc::UnboundedSender<Vec<crate::feed::Change>>;

/// A write in progress: the connection inside the writer's transaction and
/// the feed changes recorded so far. Derefs to the connection.
pub struct Tx<'a> {
    conn: &'a Connection,
    changes: RefCell<Vec<crate::feed::Change>>,
}

impl Tx<'_> {
    /// Records a change to announce once the transaction commits.
    pub fn record(&self, change: crate::feed::Change) {
        self.changes.borrow_mut().push(change);
    }
}

impl Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("changes", &self.changes.borrow().len())
            .finish()
    }
}

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;
/// Most read connections open at once.
const MAX_READERS: usize = 8;

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    inner: Arc<Inner>,
}

struct Inner {
    writer: mpsc::Sender<Job>,
    sink: Arc<Mutex<Option<ChangeSink>>>,
    path: PathBuf,
    idle_readers: Mutex<Vec<Connection>>,
    reader_slots: Semaphore,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish()
    }
}

fn open_connection(path: &Path, read_only: bool) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    )?;
    if read_only {
        conn.execute_batch("PRAGMA query_only=ON;")?;
    }
    Ok(conn)
}

impl Db {
    /// Opens (creating if needed) the database at `path`, applies pending
    /// migrations and starts the writer thread.
    pub fn open(path: &Path) -> Result<Db, StoreError> {
        let mut conn = open_connection(path, false)?;
        migrations::apply(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>(4096);
        let sink: Arc<Mutex<Option<ChangeSink>>> = Arc::new(Mutex::new(None));
        let writer_sink = sink.clone();
        std::thread::Builder::new()
            .name("parley-db-writer".into())
            .spawn(move || writer_loop(conn, rx, writer_sink))
            .map_err(|e| StoreError::Task(e.to_string()))?;
        Ok(Db {
            inner: Arc::new(Inner {
                writer: tx,
                sink,
                path: path.to_owned(),
                idle_readers: Mutex::new(Vec::new()),
                reader_slots: Semaphore::new(MAX_READERS),
            }),
        })
    }

    /// Sends every later batch of committed changes to `sink`.
    pub fn set_change_sink(&self, sink: ChangeSink) {
        if let Ok(mut s) = self.inner.sink.lock() {
            *s = Some(sink);
        }
    }

    /// Runs `f` on a read-only connection.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    {
        let _slot = self
            .inner
            .reader_slots
            .acquire()
            .await
            .map_err(|e| E::from(StoreError::Task(e.to_string())))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let idle = inner.idle_readers.lock().ok().and_then(|mut v| v.pop());
            let conn = match idle {
                Some(c) => c,
                None => open_connection(&inner.path, true).map_err(|e| E::from(e.into()))?,
            };
            let out = f(&conn);
            if let Ok(mut v) = inner.idle_readers.lock() {
                v.push(conn);
            }
            out
        })
        .await
        .map_err(|e| E::from(StoreError::Task(e.to_string())))?
    }

    /// Runs `f` in the writer's transaction; resolves after the commit.
    /// If `f` fails, its changes are rolled back and its error returned.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |commit| {
                let out = match (commit, result) {
                    (Ok(()), r) => r,
                    (Err(_), Err(e)) => Err(e),
                    (Err(msg), Ok(_)) => {
                        Err(E::from(StoreError::Task(format!("commit failed: {msg}"))))
                    }
                };
                let _ = reply.send(out);
            });
            (ok, finish)
        });
        self.inner
            .writer
            .send(job)
            .await
            .map_err(|_| E::from(StoreError::WriterGone))?;
        answer.await.map_err(|_| E::from(StoreError::WriterGone))?
    }
}

fn writer_loop(
    conn: Connection,
    mut rx: mpsc::Receiver<Job>,
    sink: Arc<Mutex<Option<ChangeSink>>>,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut finishers: Vec<Finish> = Vec::with_capacity(MAX_BATCH);
    let mut committed: Vec<crate::feed::Change> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let msg = e.to_string();
            tracing::error!(error = %msg, "cannot begin a write transaction");
            // Dropping the jobs closes their reply channels: callers see WriterGone.
            batch.clear();
            continue;
        }
        for job in batch.drain(..) {
            if conn.execute_batch("SAVEPOINT job").is_err() {
                continue;
            }
            let tx = Tx {
                conn: &conn,
                changes: RefCell::new(Vec::new()),
            };
            match catch_unwind(AssertUnwindSafe(|| job(&tx))) {
                Ok((true, finish)) => {
                    let _ = conn.execute_batch("RELEASE job");
                    committed.append(&mut tx.changes.borrow_mut());
                    finishers.push(finish);
                }
                Ok((false, finish)) => {
                    let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
                    finishers.push(finish);
                }
                Err(_) => {
                    tracing::error!("a write job panicked; its changes were rolled back");
                    let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
                }
            }
        }
        let commit = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
        if let Err(msg) = &commit {
            tracing::error!(error = %msg, "commit failed; rolling back the batch");
            let _ = conn.execute_batch("ROLLBACK");
            committed.clear();
        }
        if !committed.is_empty() {
            let changes = std::mem::take(&mut committed);
            if let Ok(s) = sink.lock() {
                if let Some(s) = s.as_ref() {
                    let _ = s.send(changes);
                }
            }
        }
        for finish in finishers.drain(..) {
            finish(commit.clone());
        }
    }
}

/// Statement-cache shortcuts: the same SQL text is parsed once per
/// connection, which matters on the hot paths (every message send runs a
/// dozen statements).
pub trait Cached {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;

    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
}

impl Cached for Connection {
    fn query_row_cached<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    fn execute_cached<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }
}
