//! Sign-in sessions: the refresh tokens of `/auth/token` (stored only as
//! hashes, grouped in families that rotate together), and the few lookups of
//! users and services that signing in and access tokens need (a user's
//! password hash, whether a user or service exists).

use super::{Conn, Row, StoreResult, Tx};
use crate::args;

/// A refresh token as stored (its hash is the key).
#[derive(Debug, Clone)]
pub struct RefreshRow {
    pub family: String,
    pub service_sid: String,
    pub identity: String,
    pub expires_at: i64,
    pub revoked: bool,
}

pub const COLUMNS: &str = "family, service_sid, identity, expires_at, revoked";

impl RefreshRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(RefreshRow {
            family: r.get(0)?,
            service_sid: r.get(1)?,
            identity: r.get(2)?,
            expires_at: r.get(3)?,
            revoked: r.get(4)?,
        })
    }
}

/// A new refresh token of `family`.
#[derive(Debug, Clone, Copy)]
pub struct NewRefresh<'a> {
    pub token_hash: &'a str,
    pub family: &'a str,
    pub service_sid: &'a str,
    pub identity: &'a str,
    pub expires_at: i64,
    pub date_created: i64,
}

/// Stores a refresh token.
pub fn insert_refresh(tx: &Tx<'_>, n: &NewRefresh<'_>) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO refresh_tokens (token_hash, family, service_sid, identity, expires_at, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![n.token_hash, n.family, n.service_sid, n.identity, n.expires_at, n.date_created],
    )?;
    Ok(())
}

/// The refresh token with this hash, if any.
pub fn find_refresh(conn: &Conn<'_>, token_hash: &str) -> StoreResult<Option<RefreshRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM refresh_tokens WHERE token_hash = ?1"),
        args![token_hash],
        RefreshRow::from_row,
    )
}

/// Revokes the one refresh token with this hash (it was rotated).
pub fn revoke_refresh(tx: &Tx<'_>, token_hash: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?1",
        args![token_hash],
    )?;
    Ok(())
}

/// Revokes every refresh token of `family`.
pub fn revoke_family(tx: &Tx<'_>, family: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1",
        args![family],
    )?;
    Ok(())
}

/// Revokes the whole family of the refresh token with this hash (nothing
/// when the hash is unknown); returns how many tokens it changed.
pub fn revoke_family_of(tx: &Tx<'_>, token_hash: &str) -> StoreResult<u64> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE family =
           (SELECT family FROM refresh_tokens WHERE token_hash = ?1)",
        args![token_hash],
    )
}

/// Whether the service has a user `identity`.
pub fn user_exists(conn: &Conn<'_>, service_sid: &str, identity: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM users WHERE service_sid = ?1 AND identity = ?2)",
        args![service_sid, identity],
    )
}

/// The user's password hash: `None` when there is no such user,
/// `Some(None)` when the user has no password.
pub fn password_hash(
    conn: &Conn<'_>,
    service_sid: &str,
    identity: &str,
) -> StoreResult<Option<Option<String>>> {
    conn.query_opt(
        "SELECT password_hash FROM users WHERE service_sid = ?1 AND identity = ?2",
        args![service_sid, identity],
        |r| r.get(0),
    )
}

/// Sets the friendly name of the user `user_sid` (CLI and demo data, next
/// to setting a password).
pub fn set_user_friendly_name(tx: &Tx<'_>, user_sid: &str, friendly_name: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE users SET friendly_name = ?2 WHERE sid = ?1",
        args![user_sid, friendly_name],
    )?;
    Ok(())
}

/// The (service, identity) a device token (by its hash) signed in as.
pub fn device(conn: &Conn<'_>, token_hash: &str) -> StoreResult<Option<(String, String)>> {
    conn.query_opt(
        "SELECT service_sid, identity FROM login_devices WHERE token_hash = ?1",
        args![token_hash],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Remembers a device that signed in as `identity`, or marks it used again.
pub fn remember_device(
    tx: &Tx<'_>,
    token_hash: &str,
    service_sid: &str,
    identity: &str,
    t: i64,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO login_devices (token_hash, service_sid, identity, date_created, last_used)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (token_hash) DO UPDATE SET last_used = excluded.last_used",
        args![token_hash, service_sid, identity, t],
    )?;
    Ok(())
}

/// Forgets devices not used since `cutoff`.
pub fn prune_devices(tx: &Tx<'_>, cutoff: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM login_devices WHERE last_used < ?1",
        args![cutoff],
    )
}

/// Revokes every refresh token of `identity` ("sign out everywhere").
pub fn revoke_all(tx: &Tx<'_>, service_sid: &str, identity: &str) -> StoreResult<u64> {
    tx.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE service_sid = ?1 AND identity = ?2 AND revoked = 0",
        args![service_sid, identity],
    )
}
