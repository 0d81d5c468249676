//! Services and the settings every other resource reads from them.

use parley_protocol::resources::Notifications;
use parley_protocol::{RoleSid, ServiceSid};

use super::{json, Conn, Row, StoreResult, Tx};
use crate::args;

/// A service as stored.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub sid: ServiceSid,
    pub friendly_name: String,
    pub default_service_role_sid: Option<RoleSid>,
    pub default_channel_role_sid: Option<RoleSid>,
    pub default_channel_creator_role_sid: Option<RoleSid>,
    pub read_status_enabled: bool,
    pub reachability_enabled: bool,
    pub typing_indicator_timeout: i64,
    pub consumption_report_interval: i64,
    pub limit_channel_members: i64,
    pub limit_user_channels: i64,
    pub pre_webhook_url: Option<String>,
    pub post_webhook_url: Option<String>,
    pub webhook_method: Option<String>,
    pub webhook_filters: Option<Vec<String>>,
    pub pre_webhook_retry_count: i64,
    pub post_webhook_retry_count: i64,
    pub notifications: Notifications,
    pub media_compatibility_message: Option<String>,
    pub date_created: i64,
    pub date_updated: i64,
    /// Let changes through when the pre-event webhook cannot be reached
    /// (a Parley extension; the default rejects them).
    pub pre_webhook_fail_open: bool,
    /// Actions per second per channel for this service's users (None: the
    /// server's default).
    pub limit_channel_actions: Option<i64>,
    /// Actions per second across the service for its users (None: the
    /// server's default).
    pub limit_service_actions: Option<i64>,
}

pub const COLUMNS: &str = "sid, friendly_name, default_service_role_sid, default_channel_role_sid,
    default_channel_creator_role_sid, read_status_enabled, reachability_enabled,
    typing_indicator_timeout, consumption_report_interval, limit_channel_members,
    limit_user_channels, pre_webhook_url, post_webhook_url, webhook_method, webhook_filters,
    pre_webhook_retry_count, post_webhook_retry_count, notifications,
    media_compatibility_message, date_created, date_updated, pre_webhook_fail_open,
    limit_channel_actions, limit_service_actions";

impl ServiceRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        let filters: Option<String> = r.get(14)?;
        let notifications: String = r.get(17)?;
        let sid: ServiceSid = r.get(0)?;
        Ok(ServiceRow {
            sid: sid.clone(),
            friendly_name: r.get(1)?,
            default_service_role_sid: r.get(2)?,
            default_channel_role_sid: r.get(3)?,
            default_channel_creator_role_sid: r.get(4)?,
            read_status_enabled: r.get(5)?,
            reachability_enabled: r.get(6)?,
            typing_indicator_timeout: r.get(7)?,
            consumption_report_interval: r.get(8)?,
            limit_channel_members: r.get(9)?,
            limit_user_channels: r.get(10)?,
            pre_webhook_url: r.get(11)?,
            post_webhook_url: r.get(12)?,
            webhook_method: r.get(13)?,
            webhook_filters: filters
                .map(|f| json("services", &sid, "webhook_filters", &f))
                .transpose()?,
            pre_webhook_retry_count: r.get(15)?,
            post_webhook_retry_count: r.get(16)?,
            notifications: json("services", &sid, "notifications", &notifications)?,
            media_compatibility_message: r.get(18)?,
            date_created: r.get(19)?,
            date_updated: r.get(20)?,
            pre_webhook_fail_open: r.get(21)?,
            limit_channel_actions: r.get(22)?,
            limit_service_actions: r.get(23)?,
        })
    }
}

/// The service, if it exists.
pub fn get(conn: &Conn<'_>, sid: &str) -> StoreResult<Option<ServiceRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM services WHERE sid = ?1"),
        args![sid],
        ServiceRow::from_row,
    )
}

/// One page of services in creation order.
pub fn page(
    conn: &Conn<'_>,
    bound: Option<super::paging::Bound>,
    size: u32,
) -> StoreResult<super::paging::Window<ServiceRow>> {
    super::paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, rowid FROM services WHERE TRUE"),
        "rowid",
        vec![],
        false,
        bound,
        size,
        ServiceRow::from_row,
    )
}

/// Up to `limit` service SIDs, oldest first.
pub fn first_sids(conn: &Conn<'_>, limit: u32) -> StoreResult<Vec<String>> {
    conn.query(
        "SELECT sid FROM services ORDER BY rowid LIMIT ?1",
        args![limit],
        |r| r.get(0),
    )
}

/// Inserts a service with default settings and no default roles yet.
pub fn insert(tx: &Tx<'_>, sid: &str, friendly_name: &str, t: i64) -> StoreResult<()> {
    let notifications = serde_json::to_string(&Notifications::default()).unwrap_or_default();
    tx.execute(
        "INSERT INTO services (sid, friendly_name, notifications, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?4)",
        args![sid, friendly_name, notifications, t],
    )?;
    Ok(())
}

/// Writes every setting of `s` (its SID names the row).
pub fn update(tx: &Tx<'_>, s: &ServiceRow, t: i64) -> StoreResult<()> {
    let filters = s
        .webhook_filters
        .as_ref()
        .map(|f| serde_json::to_string(f).unwrap_or_default());
    let notifications = serde_json::to_string(&s.notifications).unwrap_or_default();
    tx.execute(
        "UPDATE services SET friendly_name=?2, default_service_role_sid=?3, default_channel_role_sid=?4,
         default_channel_creator_role_sid=?5, read_status_enabled=?6, reachability_enabled=?7,
         typing_indicator_timeout=?8, consumption_report_interval=?9, limit_channel_members=?10,
         limit_user_channels=?11, pre_webhook_url=?12, post_webhook_url=?13, webhook_method=?14,
         webhook_filters=?15, pre_webhook_retry_count=?16, post_webhook_retry_count=?17,
         notifications=?18, media_compatibility_message=?19, date_updated=?20,
         pre_webhook_fail_open=?21, limit_channel_actions=?22, limit_service_actions=?23 WHERE sid=?1",
        args![
            s.sid, s.friendly_name, s.default_service_role_sid, s.default_channel_role_sid,
            s.default_channel_creator_role_sid, s.read_status_enabled, s.reachability_enabled,
            s.typing_indicator_timeout, s.consumption_report_interval, s.limit_channel_members,
            s.limit_user_channels, s.pre_webhook_url, s.post_webhook_url, s.webhook_method,
            filters, s.pre_webhook_retry_count, s.post_webhook_retry_count, notifications,
            s.media_compatibility_message, t, s.pre_webhook_fail_open, s.limit_channel_actions,
            s.limit_service_actions,
        ],
    )?;
    Ok(())
}

/// Sets the three default roles.
pub fn set_default_roles(
    tx: &Tx<'_>,
    sid: &str,
    service_role: &str,
    channel_role: &str,
    creator_role: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE services SET default_service_role_sid = ?2, default_channel_role_sid = ?3,
         default_channel_creator_role_sid = ?4 WHERE sid = ?1",
        args![sid, service_role, channel_role, creator_role],
    )?;
    Ok(())
}

/// Deletes a service and everything in it.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    for table in [
        "members",
        "messages",
        "invites",
        "channel_webhooks",
        "refresh_tokens",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE service_sid = ?1"),
            args![sid],
        )?;
    }
    tx.execute("DELETE FROM services WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// Whether the service `sid` exists.
pub fn exists(conn: &Conn<'_>, sid: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM services WHERE sid = ?1)",
        args![sid],
    )
}

/// The only service's SID when the server has exactly one, else `None`.
pub fn only_service(conn: &Conn<'_>) -> StoreResult<Option<String>> {
    let sids: Vec<String> =
        conn.query("SELECT sid FROM services LIMIT 2", args![], |r| r.get(0))?;
    Ok(if sids.len() == 1 {
        sids.into_iter().next()
    } else {
        None
    })
}

/// SID of the oldest service called `friendly_name` (the demo data's).
pub fn named(conn: &Conn<'_>, friendly_name: &str) -> StoreResult<Option<String>> {
    conn.query_opt(
        "SELECT sid FROM services WHERE friendly_name = ?1 ORDER BY rowid LIMIT 1",
        args![friendly_name],
        |r| r.get(0),
    )
}
