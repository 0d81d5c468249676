//! The account that owns the server (its SID and auth token, one row of
//! `account`) and its API keys (`api_keys`), including the internal key that
//! signs the tokens `/auth/token` issues.

use super::{Conn, Row, StoreResult, Tx};
use crate::args;

/// The account row.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub sid: parley_protocol::AccountSid,
    pub auth_token: String,
}

pub const COLUMNS: &str = "sid, auth_token";

impl AccountRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(AccountRow {
            sid: r.get(0)?,
            auth_token: r.get(1)?,
        })
    }
}

/// The account, if the server was initialised.
pub fn get(conn: &Conn<'_>) -> StoreResult<Option<AccountRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM account LIMIT 1"),
        args![],
        AccountRow::from_row,
    )
}

/// Inserts the account row.
pub fn insert(tx: &Tx<'_>, sid: &str, auth_token: &str, t: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO account (sid, auth_token, date_created) VALUES (?1, ?2, ?3)",
        args![sid, auth_token, t],
    )?;
    Ok(())
}

/// Inserts an API key.
pub fn insert_key(
    tx: &Tx<'_>,
    sid: &str,
    secret: &str,
    friendly_name: Option<&str>,
    internal: bool,
    t: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO api_keys (sid, secret, friendly_name, internal, date_created) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![sid, secret, friendly_name, internal, t],
    )?;
    Ok(())
}

/// The secret of the API key `sid`, if the key exists.
pub fn key_secret(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<String>> {
    conn.query_opt(
        "SELECT secret FROM api_keys WHERE sid = ?1",
        args![sid],
        |r| r.get(0),
    )
}

/// The oldest internal key (SID, secret): the one that signs tokens.
pub fn signing_key(conn: &Conn<'_>) -> StoreResult<Option<(String, String)>> {
    conn.query_opt(
        "SELECT sid, secret FROM api_keys WHERE internal = 1 ORDER BY rowid LIMIT 1",
        args![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// An API key as listed (never with its secret).
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub sid: String,
    pub friendly_name: Option<String>,
    /// The server's own key that signs `/auth/token` tokens.
    pub internal: bool,
    pub date_created: i64,
    pub date_updated: i64,
}

const KEY_COLUMNS: &str =
    "sid, friendly_name, internal, date_created, COALESCE(date_updated, date_created)";

impl KeyRow {
    fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(KeyRow {
            sid: r.get(0)?,
            friendly_name: r.get(1)?,
            internal: r.get(2)?,
            date_created: r.get(3)?,
            date_updated: r.get(4)?,
        })
    }
}

/// Every API key, oldest first.
pub fn keys(conn: &Conn<'_>) -> StoreResult<Vec<KeyRow>> {
    conn.query(
        &format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY date_created, sid"),
        args![],
        KeyRow::from_row,
    )
}

/// The API key `sid`, if it exists.
pub fn key(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<KeyRow>> {
    conn.query_opt(
        &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE sid = ?1"),
        args![sid],
        KeyRow::from_row,
    )
}

/// Renames the API key `sid`.
pub fn rename_key(tx: &Tx<'_>, sid: &str, friendly_name: Option<&str>, t: i64) -> StoreResult<u64> {
    tx.execute(
        "UPDATE api_keys SET friendly_name = ?2, date_updated = ?3 WHERE sid = ?1",
        args![sid, friendly_name, t],
    )
}

/// Deletes the API key `sid`: from the next request on, on every node, its
/// secret authenticates nothing and the tokens it signed are refused.
pub fn delete_key(tx: &Tx<'_>, sid: &str) -> StoreResult<u64> {
    tx.execute("DELETE FROM api_keys WHERE sid = ?1", args![sid])
}

/// The current auth token, straight from the database (every node checks
/// this: a rotation on one node holds on all).
pub fn auth_token(conn: &Conn<'_>) -> StoreResult<Option<String>> {
    conn.query_opt("SELECT auth_token FROM account LIMIT 1", args![], |r| {
        r.get(0)
    })
}

/// When the auth token was last rotated, if ever.
pub fn date_auth_token_rotated(conn: &Conn<'_>) -> StoreResult<Option<i64>> {
    Ok(conn
        .query_opt(
            "SELECT date_auth_token_rotated FROM account LIMIT 1",
            args![],
            |r| r.get::<Option<i64>>(0),
        )?
        .flatten())
}

/// Replaces the auth token.
pub fn set_auth_token(tx: &Tx<'_>, token: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE account SET auth_token = ?1, date_auth_token_rotated = ?2",
        args![token, tx.now()],
    )?;
    Ok(())
}
