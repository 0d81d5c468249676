//! Members as stored: the `members` table (who is in which channel, with
//! which role and read horizon), and the user-channel view built from it and
//! `invites` (one user's joined and invited channels with unread counts).

use super::paging::{Bound, Window};
use super::{Conn, OptionalExt, Param, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{
    ChannelSid, MemberSid, NotificationLevel, RoleSid, ServiceSid, UserChannelStatus,
};

/// A member as stored.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub sid: MemberSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    pub identity: String,
    pub role_sid: Option<RoleSid>,
    pub attributes: String,
    pub last_consumed_message_index: Option<i64>,
    pub last_consumption_timestamp: Option<i64>,
    pub notification_level: NotificationLevel,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str =
    "sid, service_sid, channel_sid, identity, role_sid, attributes, last_consumed_message_index,
    last_consumption_timestamp, notification_level, date_created, date_updated";

impl MemberRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(MemberRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            identity: r.get(3)?,
            role_sid: r.get(4)?,
            attributes: r.get(5)?,
            last_consumed_message_index: r.get(6)?,
            last_consumption_timestamp: r.get(7)?,
            notification_level: r.get(8)?,
            date_created: r.get(9)?,
            date_updated: r.get(10)?,
        })
    }
}

/// A member as it is written.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    pub sid: &'a str,
    pub service_sid: &'a str,
    pub channel_sid: &'a str,
    pub identity: &'a str,
    pub role_sid: Option<&'a str>,
    pub attributes: &'a str,
    pub last_consumed_message_index: Option<i64>,
    pub last_consumption_timestamp: Option<i64>,
    pub date_created: i64,
    pub date_updated: i64,
}

/// The changes of a member update; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct MemberUpdate<'a> {
    pub attributes: Option<&'a str>,
    pub role_sid: Option<&'a str>,
    pub date_created: Option<i64>,
    /// When `None`, the update time is used.
    pub date_updated: Option<i64>,
}

/// The member of `channel` with this SID, if any.
pub fn get(conn: &Conn<'_>, channel: &str, sid: &str) -> StoreResult<Option<MemberRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM members WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        MemberRow::from_row,
    )
    .optional()
}

/// The member of `channel` with this identity, if any.
pub fn by_identity(
    conn: &Conn<'_>,
    channel: &str,
    identity: &str,
) -> StoreResult<Option<MemberRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM members WHERE channel_sid = ?1 AND identity = ?2"),
        args![channel, identity],
        MemberRow::from_row,
    )
    .optional()
}

/// The SID and role of `identity`'s membership in `channel`, if any.
pub fn sid_and_role(
    conn: &Conn<'_>,
    channel: &str,
    identity: &str,
) -> StoreResult<Option<(String, Option<String>)>> {
    conn.query_row(
        "SELECT sid, role_sid FROM members WHERE channel_sid = ?1 AND identity = ?2",
        args![channel, identity],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// How many members `channel` has.
pub fn count_in_channel(conn: &Conn<'_>, channel: &str) -> StoreResult<i64> {
    conn.value(
        "SELECT COUNT(*) FROM members WHERE channel_sid = ?1",
        args![channel],
    )
}

/// One page of `channel`'s members in joining order, only those with one of
/// `identities` when that is not empty.
pub fn page(
    conn: &Conn<'_>,
    channel: &str,
    identities: &[String],
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<MemberRow>> {
    let mut sql = format!("SELECT {COLUMNS}, rowid FROM members WHERE channel_sid = ?");
    let mut params: Vec<Param> = vec![channel.into()];
    if !identities.is_empty() {
        sql.push_str(&format!(
            " AND identity IN ({})",
            vec!["?"; identities.len()].join(",")
        ));
        params.extend(identities.iter().map(|i| Param::from(i.as_str())));
    }
    super::paging::fetch(
        conn,
        &sql,
        "rowid",
        params,
        false,
        bound,
        size,
        MemberRow::from_row,
    )
}

/// Inserts a member who joins at the feed's current head (so the feed's
/// channel changes reach them from now on).
pub fn insert(tx: &Tx<'_>, m: &NewMember<'_>) -> StoreResult<()> {
    let joined_seq = super::feed::head(tx)?;
    tx.execute(
        "INSERT INTO members (sid, service_sid, channel_sid, identity, role_sid, attributes, last_consumed_message_index,
             last_consumption_timestamp, date_created, date_updated, joined_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        args![
            m.sid,
            m.service_sid,
            m.channel_sid,
            m.identity,
            m.role_sid,
            m.attributes,
            m.last_consumed_message_index,
            m.last_consumption_timestamp,
            m.date_created,
            m.date_updated,
            joined_seq,
        ],
    )?;
    Ok(())
}

/// Applies `u` to the member `sid` at time `t`.
pub fn update(tx: &Tx<'_>, sid: &str, u: &MemberUpdate<'_>, t: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE members SET attributes = COALESCE(?2, attributes), role_sid = COALESCE(?3, role_sid),
         date_created = COALESCE(?4, date_created), date_updated = COALESCE(CAST(?5 AS BIGINT), ?6) WHERE sid = ?1",
        args![sid, u.attributes, u.role_sid, u.date_created, u.date_updated, t],
    )?;
    Ok(())
}

/// Sets the read horizon (index `None` = nothing read) and its timestamp,
/// updated at `t`.
pub fn set_horizon(
    tx: &Tx<'_>,
    sid: &str,
    index: Option<i64>,
    ts: Option<i64>,
    t: i64,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE members SET last_consumed_message_index = ?2, last_consumption_timestamp = ?3, date_updated = ?4 WHERE sid = ?1",
        args![sid, index, ts, t],
    )?;
    Ok(())
}

/// Sets only the timestamp of the read horizon.
pub fn set_consumption_timestamp(tx: &Tx<'_>, sid: &str, ts: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE members SET last_consumption_timestamp = ?2 WHERE sid = ?1",
        args![sid, ts],
    )?;
    Ok(())
}

/// Sets the notification level (`default` or `muted`).
pub fn set_notification_level(tx: &Tx<'_>, sid: &str, level: &str) -> StoreResult<()> {
    tx.execute(
        "UPDATE members SET notification_level = ?2 WHERE sid = ?1",
        args![sid, level],
    )?;
    Ok(())
}

/// Deletes the member.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM members WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// One channel in a user's view: joined (with member, horizon, unread count
/// and notification level) or invited (those empty).
#[derive(Debug, Clone)]
pub struct UserChannelRow {
    pub channel_sid: ChannelSid,
    pub status: UserChannelStatus,
    pub member_sid: Option<MemberSid>,
    pub last_consumed_message_index: Option<i64>,
    pub unread_messages_count: Option<i64>,
    pub notification_level: Option<NotificationLevel>,
}

impl UserChannelRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(UserChannelRow {
            channel_sid: r.get(0)?,
            status: r.get(1)?,
            member_sid: r.get(2)?,
            last_consumed_message_index: r.get(3)?,
            unread_messages_count: r.get(4)?,
            notification_level: r.get(5)?,
        })
    }
}

/// Messages of member `m`'s channel after its read horizon (but reactions:
/// `crate::marks`).
const UNREAD: &str =
    "(SELECT COUNT(*) FROM messages g WHERE g.channel_sid = m.channel_sid AND g.idx > COALESCE(m.last_consumed_message_index, -1) AND g.hidden = 0)";

/// `identity`'s joined entry for `channel`, if a member.
pub fn user_channel(
    conn: &Conn<'_>,
    channel: &str,
    identity: &str,
) -> StoreResult<Option<UserChannelRow>> {
    conn.query_opt(
        &format!(
            "SELECT m.channel_sid, 'joined', m.sid, m.last_consumed_message_index, {UNREAD}, m.notification_level
             FROM members m WHERE m.channel_sid = ?1 AND m.identity = ?2"
        ),
        args![channel, identity],
        UserChannelRow::from_row,
    )
}

/// One page of `identity`'s channels in `service`: memberships and pending
/// invites, in the order of their rows (keyed `rowid * 2` for members and
/// `rowid * 2 + 1` for invites).
pub fn user_channels_page(
    conn: &Conn<'_>,
    service: &str,
    identity: &str,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<UserChannelRow>> {
    let sql = format!(
        "SELECT * FROM (
           SELECT m.channel_sid, 'joined', m.sid, m.last_consumed_message_index, {UNREAD}, m.notification_level, m.rowid * 2 AS k
             FROM members m WHERE m.service_sid = ?1 AND m.identity = ?2
           UNION ALL
           SELECT i.channel_sid, 'invited', NULL, NULL, NULL, NULL, i.rowid * 2 + 1 AS k
             FROM invites i WHERE i.service_sid = ?1 AND i.identity = ?2
         ) AS uc WHERE TRUE"
    );
    super::paging::fetch(
        conn,
        &sql,
        "k",
        vec![service.into(), identity.into()],
        false,
        bound,
        size,
        UserChannelRow::from_row,
    )
}

/// Unread messages of `identity` across every channel of `service` (an
/// APNs badge).
pub fn unread_total(conn: &Conn<'_>, service: &str, identity: &str) -> StoreResult<i64> {
    conn.value(
        &format!(
            // PostgreSQL's SUM of BIGINT is NUMERIC: cast it back.
            "SELECT CAST(COALESCE(SUM({UNREAD}), 0) AS BIGINT) FROM members m WHERE m.service_sid = ?1 AND m.identity = ?2"
        ),
        args![service, identity],
    )
}
