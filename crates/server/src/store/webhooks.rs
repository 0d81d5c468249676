//! Channel webhooks (`channel_webhooks`): per-channel `webhook`, `trigger`
//! and `studio` hooks with their JSON configuration; read by the API and
//! by `webhooks` when a channel event fires.

use parley_protocol::resources::WebhookConfiguration;
use parley_protocol::{ChannelSid, ServiceSid, WebhookSid, WebhookType};

use super::paging::{self, Bound, Window};
use super::{json, Conn, Row, StoreResult, Tx};
use crate::args;

/// A channel webhook as stored.
#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub sid: WebhookSid,
    pub service_sid: ServiceSid,
    pub channel_sid: ChannelSid,
    /// `webhook`, `trigger` or `studio`.
    pub kind: WebhookType,
    pub configuration: WebhookConfiguration,
    pub date_created: i64,
    pub date_updated: i64,
}

pub const COLUMNS: &str =
    "sid, service_sid, channel_sid, type, configuration, date_created, date_updated";

impl WebhookRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        let sid: WebhookSid = r.get(0)?;
        let config: String = r.get(4)?;
        Ok(WebhookRow {
            configuration: json("channel_webhooks", &sid, "configuration", &config)?,
            sid,
            service_sid: r.get(1)?,
            channel_sid: r.get(2)?,
            kind: r.get(3)?,
            date_created: r.get(5)?,
            date_updated: r.get(6)?,
        })
    }
}

/// The webhook `sid` of channel `channel`, if it exists.
pub fn get(conn: &Conn<'_>, channel: &str, sid: &str) -> StoreResult<Option<WebhookRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM channel_webhooks WHERE channel_sid = ?1 AND sid = ?2"),
        args![channel, sid],
        WebhookRow::from_row,
    )
}

/// Every webhook of channel `channel` (in no particular order).
pub fn for_channel(conn: &Conn<'_>, channel: &str) -> StoreResult<Vec<WebhookRow>> {
    conn.query(
        &format!("SELECT {COLUMNS} FROM channel_webhooks WHERE channel_sid = ?1"),
        args![channel],
        WebhookRow::from_row,
    )
}

/// How many webhooks channel `channel` has.
pub fn count_for_channel(conn: &Conn<'_>, channel: &str) -> StoreResult<i64> {
    conn.value(
        "SELECT COUNT(*) FROM channel_webhooks WHERE channel_sid = ?1",
        args![channel],
    )
}

/// One page of a channel's webhooks in creation order.
pub fn page(
    conn: &Conn<'_>,
    channel: &str,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<WebhookRow>> {
    paging::fetch(
        conn,
        &format!("SELECT {COLUMNS}, rowid FROM channel_webhooks WHERE channel_sid = ?"),
        "rowid",
        vec![channel.into()],
        false,
        bound,
        size,
        WebhookRow::from_row,
    )
}

/// Inserts a webhook (`date_updated` = `date_created` = `t`).
pub fn insert(
    tx: &Tx<'_>,
    sid: &str,
    service: &str,
    channel: &str,
    kind: &str,
    configuration: &WebhookConfiguration,
    t: i64,
) -> StoreResult<()> {
    let config = serde_json::to_string(configuration).unwrap_or_default();
    tx.execute(
        "INSERT INTO channel_webhooks (sid, service_sid, channel_sid, type, configuration, date_created, date_updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        args![sid, service, channel, kind, config, t],
    )?;
    Ok(())
}

/// Replaces the configuration of webhook `sid`.
pub fn set_configuration(
    tx: &Tx<'_>,
    sid: &str,
    configuration: &WebhookConfiguration,
    t: i64,
) -> StoreResult<()> {
    let config = serde_json::to_string(configuration).unwrap_or_default();
    tx.execute(
        "UPDATE channel_webhooks SET configuration = ?2, date_updated = ?3 WHERE sid = ?1",
        args![sid, config, t],
    )?;
    Ok(())
}

/// Deletes webhook `sid`.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM channel_webhooks WHERE sid = ?1", args![sid])?;
    Ok(())
}
