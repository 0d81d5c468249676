//! The account that owns the server (its SID and auth token, one row of
//! `account`) and its API keys (`api_keys`), including the internal key that
//! signs the tokens `/auth/token` issues.

use super::{Conn, Row, StoreResult, Tx};
use crate::args;

/// The account row.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub sid: String,
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
