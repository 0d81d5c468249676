//! Users of a service (`users`), addressed by SID or by identity, with the
//! count of channels they have joined; also the rows tied to an identity
//! that go when its user is deleted (memberships, invites, refresh tokens).

use super::paging::{self, Bound, Window};
use super::{Conn, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{RoleSid, ServiceSid, UserSid};

/// A user as stored.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub sid: UserSid,
    pub service_sid: ServiceSid,
    pub identity: String,
    pub friendly_name: Option<String>,
    pub attributes: String,
    pub role_sid: Option<RoleSid>,
    pub date_created: i64,
    pub date_updated: i64,
    pub joined_channels_count: i64,
}

pub const COLUMNS: &str = "sid, service_sid, identity, friendly_name, attributes, role_sid, date_created, date_updated,
    (SELECT COUNT(*) FROM members m WHERE m.service_sid = users.service_sid AND m.identity = users.identity)";

impl UserRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(UserRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            identity: r.get(2)?,
            friendly_name: r.get(3)?,
            attributes: r.get(4)?,
            role_sid: r.get(5)?,
            date_created: r.get(6)?,
            date_updated: r.get(7)?,
            joined_channels_count: r.get(8)?,
        })
    }
}

/// A user as it is written.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub sid: &'a str,
    pub service_sid: &'a str,
    pub identity: &'a str,
    pub friendly_name: Option<&'a str>,
    pub attributes: &'a str,
    pub role_sid: Option<&'a str>,
    pub date_created: i64,
}

/// The user with SID `sid` in `service`, if any.
pub fn by_sid(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<UserRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM users WHERE service_sid = ?1 AND sid = ?2"),
        args![service, sid],
        UserRow::from_row,
    )
}

/// The user with `identity` in `service`, if any.
pub fn by_identity(conn: &Conn<'_>, service: &str, identity: &str) -> StoreResult<Option<UserRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM users WHERE service_sid = ?1 AND identity = ?2"),
        args![service, identity],
        UserRow::from_row,
    )
}

/// One page of a service's users in creation order.
pub fn page(
    conn: &Conn<'_>,
    service: &str,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<UserRow>> {
    paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, rowid FROM users WHERE service_sid = ?"),
        "rowid",
        vec![service.into()],
        false,
        bound,
        size,
        UserRow::from_row,
    )
}

/// Inserts a user (`date_updated` = `date_created`).
///
/// This and the other writes used by `api::users::{ensure, set_password,
/// delete_user}` take a [`Conn`] rather than a `Tx` because those functions
/// are called with a `Conn`; always pass a write's `Tx` (it derefs). A
/// deleted user of the same identity is forgotten.
pub fn insert(conn: &Conn<'_>, u: &NewUser<'_>) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM deleted_users WHERE service_sid = ?1 AND identity = ?2",
        args![u.service_sid, u.identity],
    )?;
    conn.execute(
        "INSERT INTO users (sid, service_sid, identity, friendly_name, attributes, role_sid, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        args![u.sid, u.service_sid, u.identity, u.friendly_name, u.attributes, u.role_sid, u.date_created],
    )?;
    Ok(())
}

/// Sets the password hash (PHC string) of user `sid`.
pub fn set_password(conn: &Conn<'_>, sid: &str, phc: &str) -> StoreResult<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2 WHERE sid = ?1",
        args![sid, phc],
    )?;
    Ok(())
}

/// Updates user `sid`: each `Some` field replaces the stored value, each
/// `None` keeps it; `date_updated` becomes `t`.
pub fn update(
    tx: &Tx<'_>,
    sid: &str,
    friendly_name: Option<&str>,
    attributes: Option<&str>,
    role_sid: Option<&str>,
    t: i64,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE users SET friendly_name = COALESCE(?2, friendly_name), attributes = COALESCE(?3, attributes),
         role_sid = COALESCE(?4, role_sid), date_updated = ?5 WHERE sid = ?1",
        args![sid, friendly_name, attributes, role_sid, t],
    )?;
    Ok(())
}

/// Deletes user `sid` and what is tied to its identity in its service:
/// memberships, invites and known devices are deleted, refresh tokens revoked; the
/// deletion at `t` is remembered (see [`deleted_at`]).
pub fn delete(
    conn: &Conn<'_>,
    service: &str,
    identity: &str,
    sid: &str,
    t: i64,
) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM members WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
    )?;
    conn.execute(
        "DELETE FROM invites WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
    )?;
    conn.execute(
        "UPDATE refresh_tokens SET revoked = 1 WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
    )?;
    conn.execute(
        "DELETE FROM login_devices WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
    )?;
    conn.execute("DELETE FROM users WHERE sid = ?1", args![sid])?;
    conn.execute(
        "INSERT INTO deleted_users (service_sid, identity, deleted_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (service_sid, identity) DO UPDATE SET deleted_at = excluded.deleted_at",
        args![service, identity, t],
    )?;
    Ok(())
}

/// When the user `identity` of `service` was last deleted, if it was and
/// has not been created again since.
pub fn deleted_at(conn: &Conn<'_>, service: &str, identity: &str) -> StoreResult<Option<i64>> {
    conn.query_opt(
        "SELECT deleted_at FROM deleted_users WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity],
        |r| r.get(0),
    )
}

/// One page of a service's users whose identity or friendly name contains
/// `needle` (case-insensitive), in creation order.
pub fn search(
    conn: &Conn<'_>,
    service: &str,
    needle: &str,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<UserRow>> {
    let pattern = super::like_pattern(needle);
    paging::fetch(
        conn,
        &format!(
            "SELECT {COLUMNS}, rowid FROM users WHERE service_sid = ?
               AND (lower(identity) LIKE ? ESCAPE '\\' OR lower(coalesce(friendly_name, '')) LIKE ? ESCAPE '\\')"
        ),
        "rowid",
        vec![service.into(), pattern.clone().into(), pattern.into()],
        false,
        bound,
        size,
        UserRow::from_row,
    )
}

/// When `identity` was last signed out everywhere, if ever.
pub fn signed_out_at(conn: &Conn<'_>, service: &str, identity: &str) -> StoreResult<Option<i64>> {
    Ok(conn
        .query_opt(
            "SELECT signed_out_at FROM users WHERE service_sid = ?1 AND identity = ?2",
            args![service, identity],
            |r| r.get::<Option<i64>>(0),
        )?
        .flatten())
}

/// Signs `identity` out everywhere now: access tokens issued until now
/// are refused from the next request on.
pub fn sign_out(tx: &Tx<'_>, service: &str, identity: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE users SET signed_out_at = ?3 WHERE service_sid = ?1 AND identity = ?2",
        args![service, identity, tx.now()],
    )?;
    Ok(())
}
