//! Invites as stored: the `invites` table, one pending invitation of an
//! identity to a channel (with the role it will join with).

use super::paging::{Bound, Window};
use super::{Conn, OptionalExt, Param, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{ChannelSid, InviteSid, RoleSid, ServiceSid};

/// An invite as stored.
#[derive(Debug, Clone)]
pub struct InviteRow {
    pub sid: InviteSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    pub identity: String,
    pub role_sid: Option<RoleSid>,
    pub created_by: Option<String>,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str =
    "sid, service_sid, channel_sid, identity, role_sid, created_by, date_created, date_updated";

impl InviteRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(InviteRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            identity: r.get(3)?,
            role_sid: r.get(4)?,
            created_by: r.get(5)?,
            date_created: r.get(6)?,
            date_updated: r.get(7)?,
        })
    }
}

/// An invite as it is written.
#[derive(Debug, Clone)]
pub struct NewInvite<'a> {
    pub sid: &'a str,
    pub service_sid: &'a str,
    pub channel_sid: &'a str,
    pub identity: &'a str,
    pub role_sid: Option<&'a str>,
    pub created_by: &'a str,
}

/// The invite of `channel` with this SID, if any.
pub fn get(conn: &Conn<'_>, channel: &str, sid: &str) -> StoreResult<Option<InviteRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM invites WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        InviteRow::from_row,
    )
    .optional()
}

/// The pending invite of `identity` to `channel`, if any.
pub fn by_identity(
    conn: &Conn<'_>,
    channel: &str,
    identity: &str,
) -> StoreResult<Option<InviteRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM invites WHERE channel_sid = ?1 AND identity = ?2"),
        args![channel, identity],
        InviteRow::from_row,
    )
    .optional()
}

/// Whether `identity` has a pending invite to `channel`.
pub fn exists(conn: &Conn<'_>, channel: &str, identity: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM invites WHERE channel_sid = ?1 AND identity = ?2)",
        args![channel, identity],
    )
}

/// The role of `identity`'s pending invite to `channel`: `None` if there is
/// no invite, `Some(None)` if it names no role.
pub fn role_of(
    conn: &Conn<'_>,
    channel: &str,
    identity: &str,
) -> StoreResult<Option<Option<String>>> {
    conn.query_row(
        "SELECT role_sid FROM invites WHERE channel_sid = ?1 AND identity = ?2",
        args![channel, identity],
        |r| r.get(0),
    )
    .optional()
}

/// Identities invited to `channel`.
pub fn identities(conn: &Conn<'_>, channel: &str) -> StoreResult<Vec<String>> {
    conn.query(
        "SELECT identity FROM invites WHERE channel_sid = ?1",
        args![channel],
        |r| r.get(0),
    )
}

/// One page of `channel`'s invites in creation order: only those with one
/// of `identities` when that is not empty, and only `only`'s when given.
pub fn page(
    conn: &Conn<'_>,
    channel: &str,
    identities: &[String],
    only: Option<&str>,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<InviteRow>> {
    let mut sql = format!("SELECT {COLUMNS}, rowid FROM invites WHERE channel_sid = ?");
    let mut params: Vec<Param> = vec![channel.into()];
    if !identities.is_empty() {
        sql.push_str(&format!(
            " AND identity IN ({})",
            vec!["?"; identities.len()].join(",")
        ));
        params.extend(identities.iter().map(|i| Param::from(i.as_str())));
    }
    if let Some(me) = only {
        sql.push_str(" AND identity = ?");
        params.push(me.into());
    }
    super::paging::fetch(
        conn,
        &sql,
        "rowid",
        params,
        false,
        bound,
        size,
        InviteRow::from_row,
    )
}

/// Inserts an invite created (and updated) at `t`.
pub fn insert(tx: &Tx<'_>, n: &NewInvite<'_>, t: i64) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO invites (sid, service_sid, channel_sid, identity, role_sid, created_by, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        args![n.sid, n.service_sid, n.channel_sid, n.identity, n.role_sid, n.created_by, t],
    )?;
    Ok(())
}

/// Deletes the invite with this SID.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM invites WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// Deletes `identity`'s invite to `channel`, if any.
pub fn delete_for(tx: &Tx<'_>, channel: &str, identity: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM invites WHERE channel_sid = ?1 AND identity = ?2",
        args![channel, identity],
    )?;
    Ok(())
}
