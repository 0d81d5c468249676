//! Push credentials (`credentials`, account-level): their public fields,
//! and the secrets (certificate, private key, API key, secret) which are
//! written here but never read back out.

use super::paging::{self, Bound, Window};
use super::{Conn, Row, StoreResult, Tx};
use crate::args;

/// A credential as stored, without its secrets.
#[derive(Debug, Clone)]
pub struct CredentialRow {
    pub sid: String,
    pub friendly_name: Option<String>,
    /// `gcm`, `apn` or `fcm`.
    pub kind: String,
    pub sandbox: Option<bool>,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str = "sid, friendly_name, type, sandbox, date_created, date_updated";

impl CredentialRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(CredentialRow {
            sid: r.get(0)?,
            friendly_name: r.get(1)?,
            kind: r.get(2)?,
            sandbox: r.get(3)?,
            date_created: r.get(4)?,
            date_updated: r.get(5)?,
        })
    }
}

/// Fields to change; `None` keeps the stored value.
#[derive(Debug, Default)]
pub struct CredentialUpdate<'a> {
    pub friendly_name: Option<&'a str>,
    pub certificate: Option<&'a str>,
    pub private_key: Option<&'a str>,
    pub api_key: Option<&'a str>,
    pub secret: Option<&'a str>,
    pub sandbox: Option<bool>,
}

/// The credential `sid`, if it exists.
pub fn get(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<CredentialRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM credentials WHERE sid = ?1"),
        args![sid],
        CredentialRow::from_row,
    )
}

/// Whether the credential `sid` exists.
pub fn exists(conn: &Conn<'_>, sid: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM credentials WHERE sid = ?1)",
        args![sid],
    )
}

/// One page of credentials in creation order.
pub fn page(
    conn: &Conn<'_>,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<CredentialRow>> {
    paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, rowid FROM credentials WHERE TRUE"),
        "rowid",
        vec![],
        false,
        bound,
        size,
        CredentialRow::from_row,
    )
}

/// Inserts a credential of type `kind` with no other fields set
/// (`date_updated` = `date_created`).
pub fn insert(tx: &Tx<'_>, sid: &str, kind: &str, t: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO credentials (sid, type, date_created, date_updated) VALUES (?1, ?2, ?3, ?3)",
        args![sid, kind, t],
    )?;
    Ok(())
}

/// Writes the `Some` fields of `u` to credential `sid` and sets
/// `date_updated` to `t`.
pub fn update(tx: &Tx<'_>, sid: &str, u: &CredentialUpdate<'_>, t: i64) -> StoreResult<()> {
    for (value, sql) in [
        (
            u.friendly_name,
            "UPDATE credentials SET friendly_name = ?2 WHERE sid = ?1",
        ),
        (
            u.certificate,
            "UPDATE credentials SET certificate = ?2 WHERE sid = ?1",
        ),
        (
            u.private_key,
            "UPDATE credentials SET private_key = ?2 WHERE sid = ?1",
        ),
        (
            u.api_key,
            "UPDATE credentials SET api_key = ?2 WHERE sid = ?1",
        ),
        (
            u.secret,
            "UPDATE credentials SET secret = ?2 WHERE sid = ?1",
        ),
    ] {
        if let Some(v) = value {
            tx.execute(sql, args![sid, v])?;
        }
    }
    if let Some(b) = u.sandbox {
        tx.execute(
            "UPDATE credentials SET sandbox = ?2 WHERE sid = ?1",
            args![sid, b],
        )?;
    }
    tx.execute(
        "UPDATE credentials SET date_updated = ?2 WHERE sid = ?1",
        args![sid, t],
    )?;
    Ok(())
}

/// Deletes credential `sid`.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM credentials WHERE sid = ?1", args![sid])?;
    Ok(())
}
