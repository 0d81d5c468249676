//! The store: the only part of the server that speaks SQL, on SQLite (the
//! embedded default, `sqlite/`) or PostgreSQL (several nodes, `postgres/`).
//!
//! Above it, code sees [`Db::read`] and [`Db::write`] and the typed queries
//! of the area modules (`services`, `channels`, `messages`, …), written once
//! against [`sql::Conn`]. No engine type crosses this line.
//!
//! **Writes.** On both engines a write is a closure run inside its own
//! savepoint of a writer's current transaction: a writer drains every
//! queued write into one transaction (group commit), a closure that fails
//! rolls back only its own changes, and each caller is answered only after
//! the commit is durable (`synchronous=FULL` on SQLite,
//! `synchronous_commit=on` on PostgreSQL). A permission check and the change
//! it guards therefore see the same state. SQLite has one writer. PostgreSQL
//! has one serial writer per node, whose batches run one at a time in the
//! whole cluster (an advisory lock), and a few keyed writers for the hot
//! path of sending messages ([`Db::write_keyed`]); every batch takes its feed
//! cursors under the `feed_head` row lock as it commits, which keeps the
//! cursor gap-free in commit order (see `feed`).
//!
//! A write closure gets a [`Tx`]: the connection plus the feed changes it
//! recorded. Changes of a closure that fails are dropped with its savepoint;
//! the others are handed to the change sink after the commit, in commit
//! order, so the realtime hub never announces what is not durable.

pub mod access;
pub mod accounts;
pub mod actions;
pub mod activity;
pub mod audit;
pub mod bindings;
pub mod channels;
pub mod console;
pub mod copy;
pub mod credentials;
pub mod deliveries;
pub mod feed;
pub mod health;
pub mod invites;
pub mod jobs;
pub mod media;
pub mod members;
pub mod messages;
pub mod paging;
pub mod postgres;
pub mod presence;
pub mod roles;
pub mod services;
pub mod sessions;
pub mod sql;
pub mod sqlite;
pub mod throttle;
pub mod usage;
pub mod users;
pub mod webhooks;
mod writer;

use std::cell::RefCell;
use std::ops::Deref;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

pub use sql::{Conn, Dialect, Param, Row};

/// Failures of the storage layer itself.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error.
    #[error("postgres: {}", postgres_detail(.0))]
    Postgres(#[from] ::postgres::Error),
    /// A column held a value of another type than the query expects.
    #[error("column {index} holds {found}, expected {expected}")]
    Column {
        index: usize,
        expected: &'static str,
        found: &'static str,
    },
    /// A query that must return a row returned none.
    #[error("a row the store expected is missing")]
    NoRow,
    /// A stored value cannot be understood; names the row.
    #[error("corrupt {what} in {table} row {key}: {detail}")]
    Corrupt {
        table: &'static str,
        key: String,
        what: &'static str,
        detail: String,
    },
    /// The database was written by a newer Parley and cannot be opened.
    #[error("database schema version {found} is newer than this server supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    /// The writer thread is gone (shutdown or a crash).
    #[error("the database writer has stopped")]
    WriterGone,
    /// A read or write task panicked or was cancelled.
    #[error("a database task failed: {0}")]
    Task(String),
    /// The database could not be reached or set up.
    #[error("{0}")]
    Open(String),
}

/// A PostgreSQL error with what the server said (the driver's own message
/// is only "db error").
fn postgres_detail(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({}): {}", db.severity(), db.code().code(), db.message()),
        None => {
            let mut out = e.to_string();
            let mut next = std::error::Error::source(e);
            while let Some(s) = next {
                out.push_str(": ");
                out.push_str(&s.to_string());
                next = s.source();
            }
            out
        }
    }
}

/// Result of a store query.
pub type StoreResult<T> = Result<T, StoreError>;

/// `query_row(…).optional()`: a missing row as `None`, like rusqlite's.
pub trait OptionalExt<T> {
    fn optional(self) -> StoreResult<Option<T>>;
}

impl<T> OptionalExt<T> for StoreResult<T> {
    fn optional(self) -> StoreResult<Option<T>> {
        match self {
            Ok(t) => Ok(Some(t)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Receives the changes of each committed batch, in commit order.
pub type ChangeSink = mpsc::UnboundedSender<Vec<crate::feed::Change>>;

/// A typing indicator crossing nodes (typing is not stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Typing {
    pub service: String,
    pub channel: String,
    pub identity: String,
    pub timeout: u32,
}

/// Told the number of writes in every batch a writer commits (metrics).
#[derive(Clone)]
pub struct BatchObserver(pub Arc<dyn Fn(usize) + Send + Sync>);

impl std::fmt::Debug for BatchObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BatchObserver")
    }
}

/// Receives typing indicators sent by any node (on PostgreSQL).
pub type TypingSink = mpsc::UnboundedSender<Typing>;

/// A write in progress: a connection inside the writer's transaction and the
/// feed changes recorded so far. Derefs to the connection.
pub struct Tx<'a> {
    conn: Conn<'a>,
    changes: RefCell<Vec<crate::feed::Change>>,
    /// Feed rows that get their cursor when the batch commits (PostgreSQL).
    pending: RefCell<Vec<feed::Pending>>,
}

impl<'a> Tx<'a> {
    pub(crate) fn new(conn: Conn<'a>) -> Tx<'a> {
        Tx {
            conn,
            changes: RefCell::new(Vec::new()),
            pending: RefCell::new(Vec::new()),
        }
    }

    /// Queues a feed row whose cursor is taken at commit.
    pub(crate) fn defer(&self, change: feed::Pending) {
        self.pending.borrow_mut().push(change);
    }

    pub(crate) fn take_pending(&self) -> Vec<feed::Pending> {
        std::mem::take(&mut self.pending.borrow_mut())
    }

    /// Records a change to announce once the transaction commits.
    pub fn record(&self, change: crate::feed::Change) {
        self.changes.borrow_mut().push(change);
    }

    pub(crate) fn take_changes(&self) -> Vec<crate::feed::Change> {
        std::mem::take(&mut self.changes.borrow_mut())
    }
}

impl<'a> Deref for Tx<'a> {
    type Target = Conn<'a>;
    fn deref(&self) -> &Conn<'a> {
        &self.conn
    }
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("changes", &self.changes.borrow().len())
            .finish()
    }
}

/// A `LIKE` pattern (with `ESCAPE '\\'`) matching values that contain
/// `needle`, lower-cased as the queries lower-case the column.
pub fn like_pattern(needle: &str) -> String {
    let mut p = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Parses a JSON column; a value that does not parse is an error naming
/// the row, never a silent default.
pub fn json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    key: &str,
    what: &'static str,
    text: &str,
) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        table,
        key: key.to_owned(),
        what,
        detail: e.to_string(),
    })
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// `writers[0]` takes every write that names no key, one batch at a
    /// time in the whole cluster; the others take keyed writes (see
    /// [`Db::write_keyed`]).
    writers: Vec<mpsc::Sender<writer::Job>>,
    sink: Arc<Mutex<Option<ChangeSink>>>,
    readers: Readers,
    /// Tells background threads (the PostgreSQL feed tailer) to end.
    stop: Arc<AtomicBool>,
    typing: Arc<Mutex<Option<TypingSink>>>,
    batches: Arc<Mutex<Option<BatchObserver>>>,
    clock: crate::clock::Clock,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Where read closures run.
#[derive(Debug)]
enum Readers {
    Sqlite(sqlite::Readers),
    Postgres(postgres::Readers),
}

impl Db {
    /// Opens (creating if needed) the SQLite database at `path`, applies
    /// pending migrations and starts the writer thread.
    pub fn open_sqlite(path: &std::path::Path) -> Result<Db, StoreError> {
        let engine = sqlite::Writer::open(path)?;
        let readers = Readers::Sqlite(sqlite::Readers::new(path));
        Db::start(
            vec![engine],
            readers,
            Default::default(),
            Arc::new(AtomicBool::new(false)),
        )
    }

    /// Connects to PostgreSQL, applies pending migrations, starts this
    /// node's writer and the tailer that hands every node's committed
    /// changes to the change sink.
    pub fn open_postgres(config: &postgres::Config) -> Result<Db, StoreError> {
        // The sync client drives its own runtime: connect off the caller's
        // (which may be a tokio worker).
        let (url, keyed) = (config.url.clone(), config.keyed_writers);
        let (engines, head) = std::thread::spawn(move || {
            let mut serial = postgres::Writer::open(&url, postgres::Role::Serial)?;
            let head = feed::head(&writer::Engine::conn(&mut serial))?;
            let mut engines = vec![serial];
            for _ in 0..keyed {
                engines.push(postgres::Writer::open(&url, postgres::Role::Keyed)?);
            }
            Ok::<_, StoreError>((engines, head))
        })
        .join()
        .map_err(|_| StoreError::Task("connecting to PostgreSQL panicked".into()))??;
        let readers = Readers::Postgres(postgres::Readers::new(config));
        let sinks = postgres::tail::Sinks::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (url, tail_sinks, tail_stop) = (config.url.clone(), sinks.clone(), stop.clone());
        std::thread::Builder::new()
            .name("parley-feed-tail".into())
            .spawn(move || postgres::tail::run(url, head, tail_sinks, tail_stop))
            .map_err(|e| StoreError::Task(e.to_string()))?;
        Db::start(engines, readers, sinks, stop)
    }

    fn start<E: writer::Engine + Send + 'static>(
        engines: Vec<E>,
        readers: Readers,
        sinks: postgres::tail::Sinks,
        stop: Arc<AtomicBool>,
    ) -> Result<Db, StoreError> {
        let sink = sinks.changes;
        let batches: Arc<Mutex<Option<BatchObserver>>> = Default::default();
        let mut writers = Vec::new();
        for (i, engine) in engines.into_iter().enumerate() {
            let (tx, rx) = mpsc::channel::<writer::Job>(4096);
            let (writer_sink, observer) = (sink.clone(), batches.clone());
            std::thread::Builder::new()
                .name(format!("parley-db-writer-{i}"))
                .spawn(move || writer::run(engine, rx, writer_sink, observer))
                .map_err(|e| StoreError::Task(e.to_string()))?;
            writers.push(tx);
        }
        Ok(Db {
            inner: Arc::new(Inner {
                writers,
                sink,
                readers,
                stop,
                typing: sinks.typing,
                batches,
                clock: crate::clock::Clock::default(),
            }),
        })
    }

    /// The clock every transaction reads its "now" from.
    pub fn clock(&self) -> &crate::clock::Clock {
        &self.inner.clock
    }

    /// The engine this database runs on.
    pub fn dialect(&self) -> Dialect {
        match self.inner.readers {
            Readers::Sqlite(_) => Dialect::Sqlite,
            Readers::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Whether the database answers (a read on a pooled connection).
    pub async fn ping(&self) -> StoreResult<()> {
        match &self.inner.readers {
            Readers::Sqlite(_) => {
                self.read(|c| c.value::<i64>("SELECT 1", crate::args![]).map(|_| ()))
                    .await
            }
            Readers::Postgres(r) => r.ping().await,
        }
    }

    /// Sends every later batch of committed changes to `sink`.
    pub fn set_change_sink(&self, sink: ChangeSink) {
        if let Ok(mut s) = self.inner.sink.lock() {
            *s = Some(sink);
        }
    }

    /// Tells `observer` the size of every batch this node's writers commit.
    pub fn set_batch_observer(&self, observer: BatchObserver) {
        if let Ok(mut o) = self.inner.batches.lock() {
            *o = Some(observer);
        }
    }

    /// Sends every typing indicator any node announces (on PostgreSQL) to `sink`.
    pub fn set_typing_sink(&self, sink: TypingSink) {
        if let Ok(mut s) = self.inner.typing.lock() {
            *s = Some(sink);
        }
    }

    /// Announces a typing indicator to every node. `Ok(false)` when this
    /// database has one node only (SQLite): the caller delivers it itself.
    pub async fn announce_typing(&self, t: &Typing) -> StoreResult<bool> {
        match &self.inner.readers {
            Readers::Sqlite(_) => Ok(false),
            Readers::Postgres(r) => {
                let payload = serde_json::to_string(t).unwrap_or_default();
                r.notify(postgres::notify::TYPING_CHANNEL, payload).await?;
                Ok(true)
            }
        }
    }

    /// Runs `f` on a read-only connection, inside one snapshot: every query
    /// of `f` sees the same committed state.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Conn<'_>) -> Result<T, E> + Send + 'static,
    {
        let clock = self.inner.clock.clone();
        let f = move |c: &Conn<'_>| {
            c.set_now(clock.now());
            f(c)
        };
        match &self.inner.readers {
            Readers::Sqlite(r) => r.run(f).await,
            Readers::Postgres(r) => r.run(f).await,
        }
    }

    /// Runs `f` in the writer's transaction; resolves after the commit.
    /// If `f` fails, its changes are rolled back and its error returned.
    /// On PostgreSQL these writes run one batch at a time in the whole
    /// cluster, as on SQLite's single writer.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        self.send_to(0, f).await
    }

    /// Like [`Db::write`], for the hot path of a busy resource: on
    /// PostgreSQL, writes with different keys commit in parallel on several
    /// connections, while writes with the same key stay in order on one.
    /// Only for writes that are safe beside concurrent ones: whatever they
    /// change is changed by an atomic statement (`UPDATE … RETURNING`,
    /// a row lock), never by a value read earlier. Sending a message is one.
    pub async fn write_keyed<T, E, F>(&self, key: &str, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let keyed = self.inner.writers.len() - 1;
        let i = if keyed == 0 {
            0
        } else {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            key.hash(&mut h);
            1 + (h.finish() % keyed as u64) as usize
        };
        self.send_to(i, f).await
    }

    async fn send_to<T, E, F>(&self, writer: usize, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let clock = self.inner.clock.clone();
        let job = writer::job(
            move |tx: &Tx<'_>| {
                tx.set_now(clock.now());
                f(tx)
            },
            reply,
        );
        self.inner.writers[writer]
            .send(job)
            .await
            .map_err(|_| E::from(StoreError::WriterGone))?;
        answer.await.map_err(|_| E::from(StoreError::WriterGone))?
    }
}
