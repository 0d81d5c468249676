//! Operator console sessions (`console_sessions`): the SHA-256 of the
//! cookie's random token, who signed in (the account SID or an API key
//! SID), the CSRF token the console sends back on every change, and the
//! times that end the session (idle and absolute).

use super::{Conn, Row, StoreResult, Tx};
use crate::args;

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub principal_sid: String,
    pub csrf_token: String,
    pub date_created: i64,
    pub last_seen: i64,
    pub date_expires: i64,
}

impl SessionRow {
    fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(SessionRow {
            principal_sid: r.get(0)?,
            csrf_token: r.get(1)?,
            date_created: r.get(2)?,
            last_seen: r.get(3)?,
            date_expires: r.get(4)?,
        })
    }
}

/// A session as it is written.
#[derive(Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub principal_sid: &'a str,
    pub csrf_token: &'a str,
    pub address: &'a str,
    pub date_expires: i64,
}

/// Stores a new session, seen now.
pub fn insert(tx: &Tx<'_>, s: &NewSession<'_>) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO console_sessions (token_hash, principal_sid, csrf_token, address, date_created, last_seen, date_expires)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        args![s.token_hash, s.principal_sid, s.csrf_token, s.address, tx.now(), s.date_expires],
    )?;
    Ok(())
}

/// The session whose token hashes to `token_hash`, if any.
pub fn get(conn: &Conn<'_>, token_hash: &str) -> StoreResult<Option<SessionRow>> {
    conn.query_opt(
        "SELECT principal_sid, csrf_token, date_created, last_seen, date_expires
         FROM console_sessions WHERE token_hash = ?1",
        args![token_hash],
        SessionRow::from_row,
    )
}

/// Marks the session as used now.
pub fn touch(tx: &Tx<'_>, token_hash: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE console_sessions SET last_seen = ?2 WHERE token_hash = ?1",
        args![token_hash, tx.now()],
    )?;
    Ok(())
}

/// Ends one session.
pub fn delete(tx: &Tx<'_>, token_hash: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM console_sessions WHERE token_hash = ?1",
        args![token_hash],
    )?;
    Ok(())
}

/// Ends every session of `principal_sid` but the one hashing to `keep`.
pub fn delete_others(tx: &Tx<'_>, principal_sid: &str, keep: &str) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM console_sessions WHERE principal_sid = ?1 AND token_hash <> ?2",
        args![principal_sid, keep],
    )
}

/// Deletes sessions idle since before `idle_cutoff` or past their end.
pub fn prune(tx: &Tx<'_>, idle_cutoff: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM console_sessions WHERE last_seen < ?1 OR date_expires <= ?2",
        args![idle_cutoff, tx.now()],
    )
}
