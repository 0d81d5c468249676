//! SQLite, the embedded default: one file in WAL mode, one writer connection
//! (group commit, `synchronous=FULL`) and a small pool of read-only
//! connections.

pub mod migrations;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;
use tokio::sync::Semaphore;

use super::writer::Engine;
use super::{Conn, StoreError};

/// Most read connections open at once.
const MAX_READERS: usize = 8;

fn open_connection(path: &Path, read_only: bool) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
    )?;
    if read_only {
        conn.execute_batch("PRAGMA query_only=ON;")?;
    }
    unicode_lower(&conn)?;
    Ok(conn)
}

/// SQLite's own `lower()` folds ASCII only; searches lower both sides, so
/// on SQLite as on PostgreSQL `Émile` finds `émile`: `lower()` is replaced
/// by Unicode lower-casing on every connection.
fn unicode_lower(conn: &Connection) -> Result<(), rusqlite::Error> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "lower",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            use rusqlite::types::{Value, ValueRef};
            Ok(match ctx.get_raw(0) {
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).to_lowercase()),
                other => Value::from(other),
            })
        },
    )
}

/// The writer's connection.
#[derive(Debug)]
pub struct Writer {
    conn: Connection,
}

impl Writer {
    /// Opens the database (creating it) and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Writer, StoreError> {
        let mut conn = open_connection(path, false)?;
        migrations::apply(&mut conn)?;
        Ok(Writer { conn })
    }
}

impl Engine for Writer {
    fn begin(&mut self) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn control(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn commit(&mut self, _pending: Vec<super::feed::Pending>) -> Result<(), StoreError> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    fn conn(&mut self) -> Conn<'_> {
        Conn::sqlite(&self.conn)
    }
}

/// The pool of read-only connections.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: std::sync::Arc<Mutex<Vec<Connection>>>,
    slots: std::sync::Arc<Semaphore>,
}

impl Readers {
    pub fn new(path: &Path) -> Readers {
        Readers {
            path: path.to_owned(),
            idle: Default::default(),
            slots: std::sync::Arc::new(Semaphore::new(MAX_READERS)),
        }
    }

    /// Runs `f` on an idle connection (opening one if none is idle) inside
    /// a read transaction.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&Conn<'_>) -> Result<T, E> + Send + 'static,
    {
        let _slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| E::from(StoreError::Task(e.to_string())))?;
        let idle = self.idle.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let reused = idle.lock().ok().and_then(|mut v| v.pop());
            let conn = match reused {
                Some(c) => c,
                None => open_connection(&path, true).map_err(|e| E::from(e.into()))?,
            };
            conn.execute_batch("BEGIN").map_err(|e| E::from(e.into()))?;
            let out = f(&Conn::sqlite(&conn));
            // A read-only transaction: ending it cannot lose anything.
            if conn.execute_batch("COMMIT").is_ok() {
                if let Ok(mut v) = idle.lock() {
                    v.push(conn);
                }
            }
            out
        })
        .await
        .map_err(|e| E::from(StoreError::Task(e.to_string())))?
    }
}

#[cfg(test)]
mod lower_tests {
    #[test]
    fn lower_folds_beyond_ascii_and_keeps_other_types() {
        let dir = tempfile::tempdir().expect("dir");
        let c = super::open_connection(&dir.path().join("t.db"), false).expect("open");
        let v: String = c
            .query_row("SELECT lower('Émile ΣΟΦΙΑ')", [], |r| r.get(0))
            .expect("lower");
        assert_eq!(v, "émile σοφια");
        let n: i64 = c
            .query_row("SELECT lower(42)", [], |r| r.get(0))
            .expect("int");
        assert_eq!(n, 42);
        let like: bool = c
            .query_row(
                "SELECT lower('Émile Zola') LIKE '%émile%' ESCAPE '\\'",
                [],
                |r| r.get(0),
            )
            .expect("like");
        assert!(like);
    }
}
