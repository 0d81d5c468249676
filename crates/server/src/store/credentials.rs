//! Push credentials (`credentials`, account-level): their public fields,
//! and the secrets (certificate, private key, API key, secret) which are
//! written here but never read back out.

use super::paging::{self, Bound, Window};
use super::{Conn, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{BindingType, CredentialSid};

/// A credential as stored, without its secrets.
#[derive(Debug, Clone)]
pub struct CredentialRow {
    pub sid: CredentialSid,
    pub friendly_name: Option<String>,
    /// `gcm`, `apn` or `fcm`.
    pub kind: BindingType,
    pub sandbox: Option<bool>,
    pub date_created: i64,
    pub date_updated: i64,
    /// Why a push provider last refused this credential, if it did.
    pub failure: Option<String>,
    pub date_failed: Option<i64>,
}

pub const COLUMNS: &str =
    "sid, friendly_name, type, sandbox, date_created, date_updated, failure, date_failed";

impl CredentialRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(CredentialRow {
            sid: r.get(0)?,
            friendly_name: r.get(1)?,
            kind: r.get(2)?,
            sandbox: r.get(3)?,
            date_created: r.get(4)?,
            date_updated: r.get(5)?,
            failure: r.get(6)?,
            date_failed: r.get(7)?,
        })
    }
}

/// A credential with its secrets, for validating a change and for
/// delivering pushes; never rendered.
#[derive(Clone, Default)]
pub struct Secrets {
    pub kind: String,
    pub sandbox: bool,
    pub certificate: Option<String>,
    pub private_key: Option<String>,
    pub api_key: Option<String>,
    pub secret: Option<String>,
    pub apn_key_id: Option<String>,
    pub apn_team_id: Option<String>,
    pub apn_topic: Option<String>,
    pub date_updated: i64,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log.
        f.debug_struct("Secrets")
            .field("kind", &self.kind)
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// The credential `sid` with its secrets.
pub fn secrets(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<Secrets>> {
    conn.query_opt(
        "SELECT type, sandbox, certificate, private_key, api_key, secret, apn_key_id, apn_team_id,
                apn_topic, date_updated
         FROM credentials WHERE sid = ?1",
        args![sid],
        |r| {
            Ok(Secrets {
                kind: r.get(0)?,
                sandbox: r.get::<Option<bool>>(1)?.unwrap_or(false),
                certificate: r.get(2)?,
                private_key: r.get(3)?,
                api_key: r.get(4)?,
                secret: r.get(5)?,
                apn_key_id: r.get(6)?,
                apn_team_id: r.get(7)?,
                apn_topic: r.get(8)?,
                date_updated: r.get(9)?,
            })
        },
    )
}

/// The only credential of `kind`, when there is exactly one (what a
/// binding without a `CredentialSid` is pushed with).
pub fn only_of_kind(conn: &Conn<'_>, kind: &str) -> StoreResult<Option<String>> {
    let sids: Vec<String> = conn.query(
        "SELECT sid FROM credentials WHERE type = ?1 LIMIT 2",
        args![kind],
        |r| r.get(0),
    )?;
    Ok(if sids.len() == 1 {
        sids.into_iter().next()
    } else {
        None
    })
}

/// Records that a provider refused credential `sid`.
pub fn mark_failed(tx: &Tx<'_>, sid: &str, why: &str, t: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE credentials SET failure = ?2, date_failed = ?3 WHERE sid = ?1",
        args![sid, why, t],
    )?;
    Ok(())
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
    pub apn_key_id: Option<&'a str>,
    pub apn_team_id: Option<&'a str>,
    pub apn_topic: Option<&'a str>,
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
        (
            u.apn_key_id,
            "UPDATE credentials SET apn_key_id = ?2 WHERE sid = ?1",
        ),
        (
            u.apn_team_id,
            "UPDATE credentials SET apn_team_id = ?2 WHERE sid = ?1",
        ),
        (
            u.apn_topic,
            "UPDATE credentials SET apn_topic = ?2 WHERE sid = ?1",
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
    // A changed credential gets a fresh chance with the providers.
    tx.execute(
        "UPDATE credentials SET date_updated = ?2, failure = NULL, date_failed = NULL WHERE sid = ?1",
        args![sid, t],
    )?;
    Ok(())
}

/// Deletes credential `sid`.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM credentials WHERE sid = ?1", args![sid])?;
    Ok(())
}
