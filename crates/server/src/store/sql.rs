//! The one way the store runs SQL, whatever the engine: [`Conn`] executes a
//! statement on SQLite (rusqlite) or PostgreSQL (postgres) with the same
//! parameters and hands back rows with the same typed getters.
//!
//! Why one executor instead of two copies of every query: the queries of a
//! chat server are plain SQL that both engines speak alike; writing each of
//! them twice would double every future schema change (the cost the
//! maintainers of diesel, lldap and atuin describe). Statements are written
//! once with SQLite's `?N` / `?` placeholders, which become `$N` for
//! PostgreSQL when a statement is first prepared on a connection. Where the
//! engines do differ (feed cursor allocation, upserts of counters), the query
//! asks [`Conn::dialect`] and says both forms. Integers are `BIGINT` and flags
//! are integers on both engines, so no query has to know which it runs on.

use std::cell::RefCell;
use std::collections::HashMap;

use super::StoreError;

/// Which SQL engine a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A parameter of a statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'v> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'v str),
    Blob(&'v [u8]),
}

/// Anything that can be bound as a parameter.
pub trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

impl ToValue for i64 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(*self)
    }
}
impl ToValue for i32 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for u32 {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for usize {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Real(*self)
    }
}
impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}
impl ToValue for Value<'_> {
    fn to_value(&self) -> Value<'_> {
        *self
    }
}
/// An owned parameter, for statements whose parameters are built at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Text(String),
}
impl ToValue for Param {
    fn to_value(&self) -> Value<'_> {
        match self {
            Param::Int(i) => Value::Int(*i),
            Param::Text(s) => Value::Text(s),
        }
    }
}
impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}
impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_owned())
    }
}

/// The parameter list of a statement: `args![a, b, c]`.
#[macro_export]
macro_rules! args {
    () => { &[] as &[&dyn $crate::store::sql::ToValue] };
    ($($v:expr),+ $(,)?) => { &[$(&$v as &dyn $crate::store::sql::ToValue),+] as &[&dyn $crate::store::sql::ToValue] };
}

/// A column value as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'r> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'r str),
    Blob(&'r [u8]),
}

impl ValueRef<'_> {
    fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Int(_) => "integer",
            ValueRef::Real(_) => "real",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "blob",
        }
    }
}

/// A Rust type a column can be read as.
pub trait FromColumn: Sized {
    fn from_column(v: ValueRef<'_>) -> Option<Self>;
    const EXPECTED: &'static str;
}

impl FromColumn for i64 {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Int(i) => Some(i),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "integer";
}
impl FromColumn for u32 {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Int(i) => u32::try_from(i).ok(),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "integer 0..2^32";
}
impl FromColumn for bool {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Int(i) => Some(i != 0),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "integer flag";
}
impl FromColumn for f64 {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Real(f) => Some(f),
            ValueRef::Int(i) => Some(i as f64),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "real";
}
impl FromColumn for String {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Text(s) => Some(s.to_owned()),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "text";
}
impl FromColumn for Vec<u8> {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Blob(b) => Some(b.to_vec()),
            _ => None,
        }
    }
    const EXPECTED: &'static str = "blob";
}
impl<T: FromColumn> FromColumn for Option<T> {
    fn from_column(v: ValueRef<'_>) -> Option<Self> {
        match v {
            ValueRef::Null => Some(None),
            v => T::from_column(v).map(Some),
        }
    }
    const EXPECTED: &'static str = T::EXPECTED;
}

/// SIDs and the wire's word sets are columns too: each is read checked (a
/// malformed SID or an unknown word is a column error naming the column, never
/// text carried along) and bound as its text.
macro_rules! typed_text_columns {
    ($($t:ty => $expected:literal),* $(,)?) => {$(
        impl FromColumn for $t {
            fn from_column(v: ValueRef<'_>) -> Option<Self> {
                match v {
                    ValueRef::Text(s) => s.parse().ok(),
                    _ => None,
                }
            }
            const EXPECTED: &'static str = $expected;
        }

        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Text(self.as_ref())
            }
        }
    )*};
}

typed_text_columns! {
    parley_protocol::AccountSid => "an AC SID",
    parley_protocol::ServiceSid => "an IS SID",
    parley_protocol::ChannelSid => "a CH SID",
    parley_protocol::MemberSid => "an MB SID",
    parley_protocol::MessageSid => "an IM SID",
    parley_protocol::RoleSid => "an RL SID",
    parley_protocol::UserSid => "a US SID",
    parley_protocol::InviteSid => "an IN SID",
    parley_protocol::BindingSid => "a BS SID",
    parley_protocol::CredentialSid => "a CR SID",
    parley_protocol::WebhookSid => "a WH SID",
    parley_protocol::ApiKeySid => "an SK SID",
    parley_protocol::MediaSid => "an ME SID",
    parley_protocol::ChannelType => "public or private",
    parley_protocol::MessageType => "text or media",
    parley_protocol::BindingType => "apn, gcm or fcm",
    parley_protocol::RoleType => "channel or deployment",
    parley_protocol::NotificationLevel => "default or muted",
    parley_protocol::UserChannelStatus => "joined, invited or notParticipating",
    parley_protocol::WebhookType => "webhook, trigger or studio",
}

/// One row of a result.
pub struct Row<'r> {
    inner: RowInner<'r>,
}

enum RowInner<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r postgres::Row),
}

impl std::fmt::Debug for Row<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Row")
    }
}

impl Row<'_> {
    /// Column `idx` (from 0) as `T`.
    pub fn get<T: FromColumn>(&self, idx: usize) -> Result<T, StoreError> {
        let v = self.value(idx)?;
        T::from_column(v).ok_or_else(|| StoreError::Column {
            index: idx,
            expected: T::EXPECTED,
            found: v.kind(),
        })
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        match &self.inner {
            RowInner::Sqlite(r) => r.as_ref().column_count(),
            RowInner::Postgres(r) => r.len(),
        }
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn value(&self, idx: usize) -> Result<ValueRef<'_>, StoreError> {
        match &self.inner {
            RowInner::Sqlite(r) => {
                use rusqlite::types::ValueRef as V;
                Ok(match r.get_ref(idx)? {
                    V::Null => ValueRef::Null,
                    V::Integer(i) => ValueRef::Int(i),
                    V::Real(f) => ValueRef::Real(f),
                    V::Text(t) => {
                        ValueRef::Text(std::str::from_utf8(t).map_err(|_| StoreError::Column {
                            index: idx,
                            expected: "UTF-8 text",
                            found: "bytes",
                        })?)
                    }
                    V::Blob(b) => ValueRef::Blob(b),
                })
            }
            RowInner::Postgres(r) => pg_value(r, idx),
        }
    }
}

fn pg_value(r: &postgres::Row, idx: usize) -> Result<ValueRef<'_>, StoreError> {
    use postgres::types::Type;
    let col = r.columns().get(idx).ok_or(StoreError::Column {
        index: idx,
        expected: "a column",
        found: "none",
    })?;
    let ty = col.type_().clone();
    let v = if ty == Type::INT8 {
        r.try_get::<_, Option<i64>>(idx)?.map(ValueRef::Int)
    } else if ty == Type::INT4 {
        r.try_get::<_, Option<i32>>(idx)?
            .map(|i| ValueRef::Int(i64::from(i)))
    } else if ty == Type::INT2 {
        r.try_get::<_, Option<i16>>(idx)?
            .map(|i| ValueRef::Int(i64::from(i)))
    } else if ty == Type::BOOL {
        r.try_get::<_, Option<bool>>(idx)?
            .map(|b| ValueRef::Int(i64::from(b)))
    } else if ty == Type::FLOAT8 {
        r.try_get::<_, Option<f64>>(idx)?.map(ValueRef::Real)
    } else if ty == Type::FLOAT4 {
        r.try_get::<_, Option<f32>>(idx)?
            .map(|f| ValueRef::Real(f64::from(f)))
    } else if ty == Type::BYTEA {
        r.try_get::<_, Option<&[u8]>>(idx)?.map(ValueRef::Blob)
    } else {
        r.try_get::<_, Option<&str>>(idx)?.map(ValueRef::Text)
    };
    Ok(v.unwrap_or(ValueRef::Null))
}

impl postgres::types::ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match *self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (i != 0).to_sql(ty, out),
            Value::Int(i) if *ty == Type::FLOAT8 => (i as f64).to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        use postgres::types::Type;
        [
            Type::INT8,
            Type::INT4,
            Type::INT2,
            Type::BOOL,
            Type::FLOAT8,
            Type::TEXT,
            Type::VARCHAR,
            Type::BPCHAR,
            Type::NAME,
            Type::UNKNOWN,
            Type::BYTEA,
        ]
        .contains(ty)
    }

    postgres::types::to_sql_checked!();
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match *self {
            Value::Null => V::Null,
            Value::Int(i) => V::Integer(i),
            Value::Real(f) => V::Real(f),
            Value::Text(s) => V::Text(s.as_bytes()),
            Value::Blob(b) => V::Blob(b),
        }))
    }
}

/// Rewrites SQLite placeholders (`?N`, and `?` meaning one more than the
/// highest so far, as SQLite numbers them) into PostgreSQL's `$N`.
pub fn to_postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut highest = 0u32;
    let mut chars = sql.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_string = !in_string;
            out.push(c);
            continue;
        }
        if c != '?' || in_string {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        let n = match digits.parse::<u32>() {
            Ok(n) => n,
            Err(_) => highest + 1,
        };
        highest = highest.max(n);
        out.push('$');
        out.push_str(&n.to_string());
    }
    out
}

/// A PostgreSQL connection with its prepared statements.
pub struct PgConn {
    /// Always `Some` until dropped.
    client: Option<postgres::Client>,
    statements: HashMap<String, postgres::Statement>,
}

impl Drop for PgConn {
    fn drop(&mut self) {
        // Closing a sync client blocks on its own runtime, which panics on
        // a tokio worker (a pool dropped in async code): close it elsewhere.
        if let Some(c) = self.client.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                let _ = std::thread::Builder::new()
                    .name("parley-pg-close".into())
                    .spawn(move || drop(c));
            }
        }
    }
}

impl std::fmt::Debug for PgConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConn")
            .field("statements", &self.statements.len())
            .finish()
    }
}

impl PgConn {
    pub fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client: Some(client),
            statements: HashMap::new(),
        }
    }

    /// The client.
    pub fn client(&mut self) -> Result<&mut postgres::Client, StoreError> {
        self.client
            .as_mut()
            .ok_or_else(|| StoreError::Open("the database connection is closed".into()))
    }

    /// Whether the connection is gone.
    pub fn is_closed(&self) -> bool {
        self.client.as_ref().is_none_or(|c| c.is_closed())
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client()?.prepare(&to_postgres_placeholders(sql))?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    /// Runs statements without parameters (transaction control, DDL).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        Ok(self.client()?.batch_execute(sql)?)
    }

    fn params<'p>(params: &'p [Value<'p>]) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
        params
            .iter()
            .map(|v| v as &(dyn postgres::types::ToSql + Sync))
            .collect()
    }
}

/// A connection the store's queries run on: inside the writer's transaction
/// or a read-only one.
pub struct Conn<'c> {
    inner: ConnInner<'c>,
    /// The request's "now" (Unix seconds): the server's clock when its
    /// transaction started (see [`crate::clock`]).
    now: std::cell::Cell<i64>,
}

enum ConnInner<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres(RefCell<&'c mut PgConn>),
}

impl std::fmt::Debug for Conn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Conn({:?})", self.dialect())
    }
}

/// Binds parameters on SQLite without collecting them first.
fn sqlite_params<'a>(
    params: &'a [&'a dyn ToValue],
) -> rusqlite::ParamsFromIter<impl Iterator<Item = Value<'a>>> {
    rusqlite::params_from_iter(params.iter().map(|p| p.to_value()))
}

fn values<'a>(params: &'a [&'a dyn ToValue]) -> Vec<Value<'a>> {
    params.iter().map(|p| p.to_value()).collect()
}

impl<'c> Conn<'c> {
    pub(crate) fn sqlite(conn: &'c rusqlite::Connection) -> Conn<'c> {
        Conn {
            inner: ConnInner::Sqlite(conn),
            now: std::cell::Cell::new(parley_protocol::Timestamp::now().0),
        }
    }

    pub(crate) fn postgres(conn: &'c mut PgConn) -> Conn<'c> {
        Conn {
            inner: ConnInner::Postgres(RefCell::new(conn)),
            now: std::cell::Cell::new(parley_protocol::Timestamp::now().0),
        }
    }

    /// The time of the request this connection runs (Unix seconds).
    pub fn now(&self) -> i64 {
        self.now.get()
    }

    pub(crate) fn set_now(&self, t: i64) {
        self.now.set(t);
    }

    /// The engine behind this connection.
    pub fn dialect(&self) -> Dialect {
        match self.inner {
            ConnInner::Sqlite(_) => Dialect::Sqlite,
            ConnInner::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs a statement; returns how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn ToValue]) -> Result<u64, StoreError> {
        match &self.inner {
            ConnInner::Sqlite(c) => {
                let n = c.prepare_cached(sql)?.execute(sqlite_params(params))?;
                Ok(n as u64)
            }
            ConnInner::Postgres(c) => {
                let vals = values(params);
                let mut c = c.borrow_mut();
                let stmt = c.statement(sql)?;
                Ok(c.client()?.execute(&stmt, &PgConn::params(&vals))?)
            }
        }
    }

    /// Runs a query and maps every row.
    pub fn query<T>(
        &self,
        sql: &str,
        params: &[&dyn ToValue],
        mut map: impl FnMut(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match &self.inner {
            ConnInner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(sqlite_params(params))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(map(&Row {
                        inner: RowInner::Sqlite(r),
                    })?);
                }
                Ok(out)
            }
            ConnInner::Postgres(c) => {
                let vals = values(params);
                let mut c = c.borrow_mut();
                let stmt = c.statement(sql)?;
                let rows = c.client()?.query(&stmt, &PgConn::params(&vals))?;
                drop(c);
                rows.iter()
                    .map(|r| {
                        map(&Row {
                            inner: RowInner::Postgres(r),
                        })
                    })
                    .collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[&dyn ToValue],
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match &self.inner {
            ConnInner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(sqlite_params(params))?;
                match rows.next()? {
                    Some(r) => Ok(Some(map(&Row {
                        inner: RowInner::Sqlite(r),
                    })?)),
                    None => Ok(None),
                }
            }
            ConnInner::Postgres(c) => {
                let vals = values(params);
                let mut c = c.borrow_mut();
                let stmt = c.statement(sql)?;
                let row = c.client()?.query_opt(&stmt, &PgConn::params(&vals))?;
                drop(c);
                match row {
                    Some(r) => Ok(Some(map(&Row {
                        inner: RowInner::Postgres(&r),
                    })?)),
                    None => Ok(None),
                }
            }
        }
    }

    /// The one row a query must return ([`StoreError::NoRow`] if none;
    /// [`OptionalExt::optional`](super::OptionalExt) turns that into `None`).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn ToValue],
        map: impl FnOnce(&Row<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.query_opt(sql, params, map)?.ok_or(StoreError::NoRow)
    }

    /// A single value (e.g. `SELECT COUNT(*) …`).
    pub fn value<T: FromColumn>(
        &self,
        sql: &str,
        params: &[&dyn ToValue],
    ) -> Result<T, StoreError> {
        self.query_row(sql, params, |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_numbers_as_sqlite_numbers_them() {
        assert_eq!(
            to_postgres_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?2 OR d = ?1"),
            "SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1"
        );
        assert_eq!(
            to_postgres_placeholders("WHERE x = ? AND y > ? LIMIT ?"),
            "WHERE x = $1 AND y > $2 LIMIT $3"
        );
        assert_eq!(
            to_postgres_placeholders("WHERE x = ?3 AND y > ? AND z = '?'"),
            "WHERE x = $3 AND y > $4 AND z = '?'"
        );
    }

    #[test]
    fn sqlite_rows_read_as_the_asked_types() {
        let c = rusqlite::Connection::open_in_memory().expect("db");
        let conn = Conn::sqlite(&c);
        let (i, s, n, b): (i64, String, Option<String>, bool) = conn
            .query_row("SELECT ?1, ?2, NULL, 1", args![7i64, "x"], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .expect("row");
        assert_eq!((i, s.as_str(), n, b), (7, "x", None, true));
        let wrong = conn.query_row("SELECT 'text'", args![], |r| r.get::<i64>(0));
        assert!(
            matches!(wrong, Err(StoreError::Column { .. })),
            "a text column read as an integer is an error, not a default"
        );
    }

    #[test]
    fn sids_and_words_are_read_checked_and_bound_as_text() {
        use parley_protocol::{ChannelSid, ChannelType};
        let c = rusqlite::Connection::open_in_memory().expect("db");
        let conn = Conn::sqlite(&c);
        let ch = ChannelSid::generate();
        let (back, kind): (ChannelSid, ChannelType) = conn
            .query_row("SELECT ?1, ?2", args![ch, ChannelType::Private], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("row");
        assert_eq!((back, kind), (ch, ChannelType::Private));
        for (text, expected) in [
            ("US00000000000000000000000000000001", "a CH SID"),
            ("CHxyz", "a CH SID"),
        ] {
            let e = conn
                .query_row("SELECT ?1", args![text], |r| r.get::<ChannelSid>(0))
                .expect_err("not a channel SID");
            assert!(e.to_string().contains(expected), "{e}");
        }
        let e = conn
            .query_row("SELECT 'secret'", args![], |r| r.get::<ChannelType>(0))
            .expect_err("an unknown word");
        assert!(e.to_string().contains("public or private"), "{e}");
    }
}
