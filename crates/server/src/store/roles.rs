//! Roles: named permission sets of a service, of type `deployment`
//! (service-wide) or `channel`.

use super::paging::{self, Bound, Window};
use super::{json, Conn, StoreResult, Tx};
use crate::args;
use parley_protocol::{RoleSid, RoleType, ServiceSid};

/// A role as stored.
#[derive(Debug, Clone)]
pub struct RoleRow {
    pub sid: RoleSid,
    pub service_sid: ServiceSid,
    pub friendly_name: String,
    /// `deployment` or `channel`.
    pub kind: RoleType,
    pub permissions: Vec<String>,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str =
    "sid, service_sid, friendly_name, type, permissions, date_created, date_updated";

impl RoleRow {
    pub(crate) fn from_row(r: &super::Row<'_>) -> StoreResult<Self> {
        let sid: RoleSid = r.get(0)?;
        let perms: String = r.get(4)?;
        Ok(RoleRow {
            permissions: json("roles", &sid, "permissions", &perms)?,
            sid,
            service_sid: r.get(1)?,
            friendly_name: r.get(2)?,
            kind: r.get(3)?,
            date_created: r.get(5)?,
            date_updated: r.get(6)?,
        })
    }
}

/// The role `sid` of `service`, if it exists.
pub fn get(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<RoleRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM roles WHERE sid = ?1 AND service_sid = ?2"),
        args![sid, service],
        RoleRow::from_row,
    )
}

/// The type (`deployment`/`channel`) of role `sid` of `service`, if it exists.
pub fn kind(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<RoleType>> {
    conn.query_opt(
        "SELECT type FROM roles WHERE sid = ?1 AND service_sid = ?2",
        args![sid, service],
        |r| r.get(0),
    )
}

/// One page of a service's roles in creation order.
pub fn page(
    conn: &Conn<'_>,
    service: &str,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<RoleRow>> {
    paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, rowid FROM roles WHERE service_sid = ?"),
        "rowid",
        vec![service.into()],
        false,
        bound,
        size,
        RoleRow::from_row,
    )
}

/// Inserts a role.
pub fn insert(
    tx: &Tx<'_>,
    sid: &str,
    service: &str,
    name: &str,
    kind: &str,
    perms: &[impl AsRef<str>],
    t: i64,
) -> StoreResult<()> {
    let perms: Vec<&str> = perms.iter().map(AsRef::as_ref).collect();
    tx.execute(
        "INSERT INTO roles (sid, service_sid, friendly_name, type, permissions, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        args![sid, service, name, kind, serde_json::to_string(&perms).unwrap_or_default(), t],
    )?;
    Ok(())
}

/// Replaces a role's permission set.
pub fn set_permissions(tx: &Tx<'_>, sid: &str, perms: &[String], t: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE roles SET permissions = ?2, date_updated = ?3 WHERE sid = ?1",
        args![sid, serde_json::to_string(perms).unwrap_or_default(), t],
    )?;
    Ok(())
}

/// Most holders of one kind counted (a role held by more is "1,000+").
pub const HOLDERS_COUNTED: i64 = 1000;

/// How many users, channel members and invites hold the role (each
/// counted up to [`HOLDERS_COUNTED`]).
pub fn holders(conn: &Conn<'_>, sid: &str) -> StoreResult<(i64, i64, i64)> {
    let count = |table: &str| -> StoreResult<i64> {
        conn.value(
            &format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE role_sid = ?1 LIMIT {HOLDERS_COUNTED}) held"
            ),
            args![sid],
        )
    };
    Ok((count("users")?, count("members")?, count("invites")?))
}

/// Deletes a role.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM roles WHERE sid = ?1", args![sid])?;
    Ok(())
}
