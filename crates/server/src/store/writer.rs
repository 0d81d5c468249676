//! Group commit, the same on every engine: one thread drains every queued
//! write into one transaction, runs each in its own savepoint, commits, and
//! only then answers the callers and hands the batch's feed changes on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::{ChangeSink, Conn, StoreError, Tx};

/// What a writer needs of its engine: transaction control and a [`Conn`].
pub trait Engine {
    /// Starts a batch's transaction.
    fn begin(&mut self) -> Result<(), StoreError>;
    /// Runs transaction-control SQL (`SAVEPOINT job`, `RELEASE job`, …).
    fn control(&mut self, sql: &str) -> Result<(), StoreError>;
    /// Commits the batch; returns only once it is durable. `pending` are
    /// the feed rows of its successful writes that take their cursors now
    /// (PostgreSQL; always empty on SQLite).
    fn commit(&mut self, pending: Vec<super::feed::Pending>) -> Result<(), StoreError>;
    /// Whether the writer hands committed changes to the sink itself
    /// (`false` where another reader tails the feed table, as on PostgreSQL,
    /// so that changes of every node arrive in one order).
    fn announces_commits(&self) -> bool {
        true
    }
    /// The connection the batch's writes run on.
    fn conn(&mut self) -> Conn<'_>;
    /// Makes the engine usable again after a failure (e.g. reconnects).
    fn recover(&mut self) {}
    /// Most writes committed in one transaction.
    fn max_batch(&self) -> usize {
        MAX_BATCH
    }
}

type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A queued write: runs on the writer's connection, says whether it
/// succeeded and how to answer its caller once the batch's fate is known.
pub type Job = Box<dyn FnOnce(&Tx<'_>) -> (bool, Finish) + Send>;

/// Most writes committed in one transaction.
const MAX_BATCH: usize = 512;

/// Wraps a write closure and the channel its answer goes to.
pub fn job<T, E, F>(f: F, reply: oneshot::Sender<Result<T, E>>) -> Job
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: FnOnce(&Tx<'_>) -> Result<T, E> + Send + 'static,
{
    Box::new(move |tx| {
        let result = f(tx);
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
    })
}

/// The writer thread's loop; ends when every [`super::Db`] is dropped.
pub fn run<E: Engine>(
    mut engine: E,
    mut rx: mpsc::Receiver<Job>,
    sink: Arc<Mutex<Option<ChangeSink>>>,
    batches: Arc<Mutex<Option<super::BatchObserver>>>,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut finishers: Vec<Finish> = Vec::with_capacity(MAX_BATCH);
    let mut committed: Vec<crate::feed::Change> = Vec::new();
    let mut pending: Vec<super::feed::Pending> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < engine.max_batch() {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A connection that broke since the last batch (the database
        // restarted) is replaced once before the batch is given up.
        let begun = engine.begin().or_else(|_| {
            engine.recover();
            engine.begin()
        });
        if let Err(e) = begun {
            tracing::error!(error = %e, "cannot begin a write transaction");
            // Dropping the jobs closes their reply channels: callers see WriterGone.
            batch.clear();
            engine.recover();
            continue;
        }
        // A successful job's savepoint is released together with the next
        // job's start (one round trip instead of two); COMMIT releases the last.
        let mut unreleased = false;
        for job in batch.drain(..) {
            let start = if unreleased {
                "RELEASE job; SAVEPOINT job"
            } else {
                "SAVEPOINT job"
            };
            unreleased = false;
            if engine.control(start).is_err() {
                continue;
            }
            let conn = engine.conn();
            let tx = Tx::new(conn);
            let outcome = catch_unwind(AssertUnwindSafe(|| job(&tx)));
            let changes = tx.take_changes();
            let deferred = tx.take_pending();
            drop(tx);
            match outcome {
                Ok((true, finish)) => {
                    unreleased = true;
                    committed.extend(changes);
                    pending.extend(deferred);
                    finishers.push(finish);
                }
                Ok((false, finish)) => {
                    let _ = engine.control("ROLLBACK TO job; RELEASE job");
                    finishers.push(finish);
                }
                Err(_) => {
                    tracing::error!("a write job panicked; its changes were rolled back");
                    let _ = engine.control("ROLLBACK TO job; RELEASE job");
                }
            }
        }
        let commit = engine
            .commit(std::mem::take(&mut pending))
            .map_err(|e| e.to_string());
        if let Err(msg) = &commit {
            tracing::error!(error = %msg, "commit failed; rolling back the batch");
            let _ = engine.control("ROLLBACK");
            committed.clear();
            engine.recover();
        }
        if !committed.is_empty() && engine.announces_commits() {
            let changes = std::mem::take(&mut committed);
            if let Ok(s) = sink.lock() {
                if let Some(s) = s.as_ref() {
                    let _ = s.send(changes);
                }
            }
        }
        committed.clear();
        if commit.is_ok() {
            if let Ok(o) = batches.lock() {
                if let Some(observe) = o.as_ref() {
                    (observe.0)(finishers.len());
                }
            }
        }
        for finish in finishers.drain(..) {
            finish(commit.clone());
        }
    }
}
