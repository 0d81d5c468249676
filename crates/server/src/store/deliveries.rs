//! The delivery log (`delivery_log`): one row per attempt to deliver a
//! webhook call or a push, with what came of it, for operators to see why a
//! bot or a phone heard nothing. Pruned by age.

use super::paging::{self, Bound, Window};
use super::{Conn, Param, Row, StoreResult, Tx};
use crate::args;

/// One attempt as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: i64,
    pub service_sid: parley_protocol::ServiceSid,
    /// `webhook`, `pre-webhook` or `push`.
    pub kind: String,
    /// The event or push type (`onMessageSent`, `twilio.channel.new_message`).
    pub event: String,
    /// The URL called or the binding pushed to.
    pub target: String,
    /// `delivered`, `retrying`, `failed`, `rejected` or `dropped`.
    pub outcome: String,
    /// The HTTP status the far end answered with, if it answered.
    pub status: Option<i64>,
    /// 1 for the first attempt.
    pub attempt: i64,
    pub detail: Option<String>,
    pub date_created: i64,
}

/// What to log about one attempt.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub service_sid: &'a str,
    pub kind: &'a str,
    pub event: &'a str,
    pub target: &'a str,
    pub outcome: &'a str,
    pub status: Option<u16>,
    pub attempt: i64,
    pub detail: Option<&'a str>,
}

const COLUMNS: &str =
    "id, service_sid, kind, event, target, outcome, status, attempt, detail, date_created";

impl DeliveryRow {
    fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(DeliveryRow {
            id: r.get(0)?,
            service_sid: r.get(1)?,
            kind: r.get(2)?,
            event: r.get(3)?,
            target: r.get(4)?,
            outcome: r.get(5)?,
            status: r.get(6)?,
            attempt: r.get(7)?,
            detail: r.get(8)?,
            date_created: r.get(9)?,
        })
    }
}

/// Logs one attempt.
pub fn insert(tx: &Tx<'_>, d: &NewDelivery<'_>) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO delivery_log (service_sid, kind, event, target, outcome, status, attempt, detail, date_created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        args![
            d.service_sid,
            d.kind,
            d.event,
            d.target,
            d.outcome,
            d.status.map(i64::from),
            d.attempt,
            d.detail,
            tx.now()
        ],
    )?;
    Ok(())
}

/// One page of a service's log, newest first, optionally of one kind.
pub fn page(
    conn: &Conn<'_>,
    service: &str,
    kind: Option<&str>,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<DeliveryRow>> {
    let mut sql = format!("SELECT {COLUMNS}, id FROM delivery_log WHERE service_sid = ?");
    let mut params = vec![Param::Text(service.to_owned())];
    if let Some(k) = kind {
        sql.push_str(" AND kind = ?");
        params.push(Param::Text(k.to_owned()));
    }
    paging::fetch(
        conn,
        &sql,
        "id",
        params,
        true,
        bound,
        size,
        DeliveryRow::from_row,
    )
}

/// Deletes entries written before `cutoff`.
pub fn prune(tx: &Tx<'_>, cutoff: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM delivery_log WHERE date_created < ?1",
        args![cutoff],
    )
}
