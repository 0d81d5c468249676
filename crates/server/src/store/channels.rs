//! Channels as stored: the `channels` table, with each channel's member
//! count computed on read. Visibility and permissions are the api's; this
//! module only reads and writes rows.

use super::paging::{Bound, Window};
use super::{Conn, OptionalExt, Param, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{ChannelSid, ChannelType, MessageSid, ServiceSid};

/// A channel as stored.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub sid: ChannelSid,
    pub service_sid: ServiceSid,
    pub unique_name: Option<String>,
    pub friendly_name: Option<String>,
    pub attributes: String,
    pub kind: ChannelType,
    pub created_by: String,
    pub messages_count: i64,
    pub members_count: i64,
    pub last_message_sid: Option<MessageSid>,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str = "sid, service_sid, unique_name, friendly_name, attributes, type, created_by, messages_count,
    (SELECT COUNT(*) FROM members m WHERE m.channel_sid = channels.sid), last_message_sid, date_created, date_updated";

impl ChannelRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(ChannelRow {
            sid: r.get(0)?,
            service_sid: r.get(1)?,
            unique_name: r.get(2)?,
            friendly_name: r.get(3)?,
            attributes: r.get(4)?,
            kind: r.get(5)?,
            created_by: r.get(6)?,
            messages_count: r.get(7)?,
            members_count: r.get(8)?,
            last_message_sid: r.get(9)?,
            date_created: r.get(10)?,
            date_updated: r.get(11)?,
        })
    }
}

/// What a new channel is made of.
#[derive(Debug, Clone)]
pub struct NewChannel<'a> {
    pub service_sid: &'a str,
    pub unique_name: Option<&'a str>,
    pub friendly_name: Option<&'a str>,
    pub attributes: &'a str,
    pub kind: &'a str,
    pub created_by: &'a str,
    pub date_created: Option<i64>,
    pub date_updated: Option<i64>,
}

/// The changes of a channel update; `None` leaves a column as it is.
#[derive(Debug, Clone, Default)]
pub struct ChannelUpdate<'a> {
    /// `Some(name)` sets the friendly name (`Some(None)` clears it).
    pub friendly_name: Option<Option<&'a str>>,
    /// `Some(name)` sets the unique name (`Some(None)` clears it).
    pub unique_name: Option<Option<&'a str>>,
    pub attributes: Option<&'a str>,
    pub created_by: Option<&'a str>,
    pub date_created: Option<i64>,
    /// When `None`, the update time is used.
    pub date_updated: Option<i64>,
}

/// The channel with this SID in `service`, if any.
pub fn get(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<ChannelRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM channels WHERE service_sid = ?1 AND sid = ?2"),
        args![service, sid],
        ChannelRow::from_row,
    )
    .optional()
}

/// The channel with this unique name in `service`, if any.
pub fn by_unique_name(
    conn: &Conn<'_>,
    service: &str,
    name: &str,
) -> StoreResult<Option<ChannelRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM channels WHERE service_sid = ?1 AND unique_name = ?2"),
        args![service, name],
        ChannelRow::from_row,
    )
    .optional()
}

/// The SID of the channel holding this unique name in `service`, if any.
pub fn sid_by_unique_name(
    conn: &Conn<'_>,
    service: &str,
    name: &str,
) -> StoreResult<Option<String>> {
    conn.query_row(
        "SELECT sid FROM channels WHERE service_sid = ?1 AND unique_name = ?2",
        args![service, name],
        |r| r.get(0),
    )
    .optional()
}

/// One page of the service's channels of the given `types`, in creation
/// order; with `visible_to`, only public channels and those the identity is
/// a member of or invited to.
pub fn page(
    conn: &Conn<'_>,
    service: &str,
    types: &[String],
    visible_to: Option<&str>,
    matching: Option<&str>,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<ChannelRow>> {
    let mut sql = format!("SELECT {COLUMNS}, rowid FROM channels WHERE service_sid = ?");
    let mut params: Vec<Param> = vec![service.into()];
    if let Some(needle) = matching {
        // Friendly or unique name containing it, case-insensitively.
        let pattern = super::like_pattern(needle);
        sql.push_str(
            " AND (lower(coalesce(friendly_name, '')) LIKE ? ESCAPE '\\'
               OR lower(coalesce(unique_name, '')) LIKE ? ESCAPE '\\')",
        );
        params.push(pattern.clone().into());
        params.push(pattern.into());
    }
    sql.push_str(&format!(
        " AND type IN ({})",
        vec!["?"; types.len()].join(",")
    ));
    params.extend(types.iter().map(|t| Param::from(t.as_str())));
    if let Some(me) = visible_to {
        sql.push_str(
            " AND (type = 'public'
               OR sid IN (SELECT channel_sid FROM members WHERE service_sid = ? AND identity = ?)
               OR sid IN (SELECT channel_sid FROM invites WHERE service_sid = ? AND identity = ?))",
        );
        for _ in 0..2 {
            params.push(service.into());
            params.push(me.into());
        }
    }
    super::paging::fetch(
        conn,
        &sql,
        "rowid",
        params,
        false,
        bound,
        size,
        ChannelRow::from_row,
    )
}

/// Inserts a channel under `sid`; its creation date defaults to `t` and
/// its update date to the creation date.
pub fn insert(tx: &Tx<'_>, sid: &str, n: &NewChannel<'_>, t: i64) -> StoreResult<()> {
    let dc = n.date_created.unwrap_or(t);
    tx.execute(
        "INSERT INTO channels (sid, service_sid, unique_name, friendly_name, attributes, type, created_by, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            sid,
            n.service_sid,
            n.unique_name,
            n.friendly_name,
            n.attributes,
            n.kind,
            n.created_by,
            dc,
            n.date_updated.unwrap_or(dc)
        ],
    )?;
    Ok(())
}

/// Applies `u` to the channel `sid` at time `t`.
pub fn update(tx: &Tx<'_>, sid: &str, u: &ChannelUpdate<'_>, t: i64) -> StoreResult<()> {
    tx.execute(
        "UPDATE channels SET
           friendly_name = CASE WHEN ?2 THEN ?3 ELSE friendly_name END,
           unique_name = CASE WHEN ?4 THEN ?5 ELSE unique_name END,
           attributes = COALESCE(?6, attributes),
           created_by = COALESCE(?7, created_by),
           date_created = COALESCE(?8, date_created),
           date_updated = COALESCE(CAST(?9 AS BIGINT), ?10)
         WHERE sid = ?1",
        args![
            sid,
            u.friendly_name.is_some(),
            u.friendly_name.flatten(),
            u.unique_name.is_some(),
            u.unique_name.flatten(),
            u.attributes,
            u.created_by,
            u.date_created,
            u.date_updated,
            t,
        ],
    )?;
    Ok(())
}

/// Deletes the channel (its members, messages, invites and webhooks go with
/// it by the schema's cascades).
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    // Messages first: on PostgreSQL no foreign key cascades to them.
    tx.execute("DELETE FROM messages WHERE channel_sid = ?1", args![sid])?;
    tx.execute("DELETE FROM channels WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// The highest message index channel `sid` has handed out, if any.
pub fn last_index(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<i64>> {
    let next: Option<i64> = conn.query_opt(
        "SELECT next_index FROM channels WHERE sid = ?1",
        args![sid],
        |r| r.get(0),
    )?;
    Ok(next.filter(|n| *n > 0).map(|n| n - 1))
}
