//! Moving an installation from SQLite to PostgreSQL: every table copied
//! row for row (keys, `rowid`s, message indexes and feed cursors kept, so
//! paging tokens and connected clients' cursors stay valid), in one
//! PostgreSQL transaction, into a database that holds no Parley data yet;
//! then the counts are compared.

use std::path::Path;

use super::sql::Value;
use super::StoreError;

/// Tables in an order that satisfies their foreign keys, and the identity
/// column PostgreSQL numbers new rows with, if any: `rowid` (implicit on
/// SQLite, copied) or a table's own `id`.
const TABLES: &[(&str, Option<&str>)] = &[
    ("account", Some("rowid")),
    ("api_keys", Some("rowid")),
    ("services", Some("rowid")),
    ("credentials", Some("rowid")),
    ("roles", Some("rowid")),
    ("users", Some("rowid")),
    ("channels", Some("rowid")),
    ("members", Some("rowid")),
    ("messages", Some("rowid")),
    ("invites", Some("rowid")),
    ("bindings", Some("rowid")),
    ("channel_webhooks", Some("rowid")),
    ("refresh_tokens", Some("rowid")),
    ("media", Some("rowid")),
    ("changes", None),
    ("change_recipients", None),
    ("idempotency_keys", None),
    ("login_throttle", None),
    ("deleted_users", None),
    ("login_devices", None),
    ("jobs", Some("id")),
    ("delivery_log", Some("id")),
    ("action_log", None),
    ("console_sessions", None),
    ("audit_log", Some("id")),
    ("user_activity", None),
    ("usage_days", None),
];

/// Rows per `INSERT` statement.
const CHUNK: usize = 200;

/// What was copied.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// (table, rows) in copy order.
    pub tables: Vec<(&'static str, u64)>,
    /// The feed cursor the new database continues from.
    pub head: i64,
}

/// Copies the SQLite database `sqlite_path` into the PostgreSQL database at
/// `url`, which must hold no Parley data (its schema is created if needed).
pub fn sqlite_to_postgres(sqlite_path: &Path, url: &str) -> Result<Report, StoreError> {
    if !sqlite_path.exists() {
        return Err(StoreError::Open(format!(
            "no Parley database at {}",
            sqlite_path.display()
        )));
    }
    // Brings the source up to this binary's schema first.
    drop(super::sqlite::Writer::open(sqlite_path)?);
    let src = rusqlite::Connection::open_with_flags(
        sqlite_path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let mut dst = super::postgres::connect(url)?;
    super::postgres::migrations::apply(&mut dst)?;
    let mut tx = dst.transaction()?;
    // Nothing may run against the target while it fills.
    tx.batch_execute("SELECT seq FROM feed_head FOR UPDATE")?;
    let existing: i64 = tx.query_one("SELECT COUNT(*) FROM account", &[])?.get(0);
    if existing > 0 {
        return Err(StoreError::Open(
            "the PostgreSQL database already holds a Parley account: migrate into an empty database"
                .into(),
        ));
    }
    let mut report = Report::default();
    for (table, identity) in TABLES {
        let n = copy_table(&src, &mut tx, table, *identity)?;
        report.tables.push((table, n));
    }
    let pruned: i64 = src.query_row(
        "SELECT value FROM feed_state WHERE key = 'pruned_through'",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE feed_state SET value = $1 WHERE key = 'pruned_through'",
        &[&pruned],
    )?;
    report.head = src.query_row(
        "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)",
        [],
        |r| r.get(0),
    )?;
    tx.execute("UPDATE feed_head SET seq = $1", &[&report.head])?;
    // Verify before committing: a copy that does not add up is not kept.
    for (table, n) in &report.tables {
        let got: i64 = tx
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .get(0);
        if got as u64 != *n {
            return Err(StoreError::Open(format!(
                "{table}: copied {n} rows but PostgreSQL counts {got}; nothing was kept"
            )));
        }
    }
    tx.commit()?;
    Ok(report)
}

fn copy_table(
    src: &rusqlite::Connection,
    dst: &mut postgres::Transaction<'_>,
    table: &str,
    identity: Option<&str>,
) -> Result<u64, StoreError> {
    let has_rowid = identity == Some("rowid");
    let mut columns: Vec<String> = src
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if has_rowid {
        columns.insert(0, "rowid".into());
    }
    let list = columns.join(", ");
    let order = if has_rowid { " ORDER BY rowid" } else { "" };
    let mut stmt = src.prepare(&format!("SELECT {list} FROM {table}{order}"))?;
    let width = columns.len();
    let mut rows = stmt.query([])?;
    let mut buffer: Vec<Owned> = Vec::with_capacity(width * CHUNK);
    let mut copied = 0u64;
    loop {
        let row = rows.next()?;
        if let Some(r) = row {
            for i in 0..width {
                buffer.push(Owned::from(r.get_ref(i)?));
            }
        }
        let full = buffer.len() == width * CHUNK;
        if (row.is_none() && !buffer.is_empty()) || full {
            copied += insert(dst, table, &list, width, &buffer)?;
            buffer.clear();
        }
        if row.is_none() {
            break;
        }
    }
    if let (Some(column), true) = (identity, copied > 0) {
        // Later inserts continue after the copied keys.
        dst.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT MAX({column}) FROM {table}))"
        ))?;
    }
    Ok(copied)
}

fn insert(
    dst: &mut postgres::Transaction<'_>,
    table: &str,
    list: &str,
    width: usize,
    values: &[Owned],
) -> Result<u64, StoreError> {
    let rows = values.len() / width;
    let mut sql = format!("INSERT INTO {table} ({list}) VALUES ");
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * width + c + 1));
        }
        sql.push(')');
    }
    let params: Vec<Value<'_>> = values.iter().map(Owned::as_value).collect();
    let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
        .iter()
        .map(|v| v as &(dyn postgres::types::ToSql + Sync))
        .collect();
    Ok(dst.execute(&sql, &refs)?)
}

/// A value read from SQLite, held until its chunk is written.
#[derive(Debug)]
enum Owned {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Owned {
    fn as_value(&self) -> Value<'_> {
        match self {
            Owned::Null => Value::Null,
            Owned::Int(i) => Value::Int(*i),
            Owned::Real(f) => Value::Real(*f),
            Owned::Text(s) => Value::Text(s),
            Owned::Blob(b) => Value::Blob(b),
        }
    }
}

impl From<rusqlite::types::ValueRef<'_>> for Owned {
    fn from(v: rusqlite::types::ValueRef<'_>) -> Owned {
        use rusqlite::types::ValueRef as V;
        match v {
            V::Null => Owned::Null,
            V::Integer(i) => Owned::Int(i),
            V::Real(f) => Owned::Real(f),
            V::Text(t) => Owned::Text(String::from_utf8_lossy(t).into_owned()),
            V::Blob(b) => Owned::Blob(b.to_vec()),
        }
    }
}
