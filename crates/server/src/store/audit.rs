//! The audit log (`audit_log`): one append-only row per change made with
//! admin credentials, written by `crate::admin::audit`. Listed newest
//! first by id (keyset), filtered by actor and by a search over action,
//! path and target; kept for a year.

use super::paging::{self, Bound, Window};
use super::{Conn, Param, Row, StoreResult, Tx};
use crate::args;

/// How long entries are kept, seconds (a year; the hourly pruning deletes
/// older ones).
pub const RETENTION: i64 = 366 * 86_400;

/// Deletes entries written before `cutoff`.
pub fn prune(tx: &Tx<'_>, cutoff: i64) -> StoreResult<u64> {
    tx.execute(
        "DELETE FROM audit_log WHERE date_created < ?1",
        args![cutoff],
    )
}

/// An entry as stored.
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub id: i64,
    pub date_created: i64,
    pub actor_sid: String,
    pub via: String,
    pub address: Option<String>,
    pub method: String,
    pub path: String,
    pub action: String,
    pub target_sid: Option<String>,
    pub status: i64,
    pub request: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

const COLUMNS: &str =
    "id, date_created, actor_sid, via, address, method, path, action, target_sid, status,
    request, before_state, after_state";

impl EntryRow {
    fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        Ok(EntryRow {
            id: r.get(0)?,
            date_created: r.get(1)?,
            actor_sid: r.get(2)?,
            via: r.get(3)?,
            address: r.get(4)?,
            method: r.get(5)?,
            path: r.get(6)?,
            action: r.get(7)?,
            target_sid: r.get(8)?,
            status: r.get(9)?,
            request: r.get(10)?,
            before: r.get(11)?,
            after: r.get(12)?,
        })
    }
}

/// An entry as it is written (at the transaction's time).
#[derive(Debug, Default)]
pub struct NewEntry {
    pub actor_sid: String,
    pub via: &'static str,
    pub address: Option<String>,
    pub method: String,
    pub path: String,
    pub action: String,
    pub target_sid: Option<String>,
    pub status: u16,
    pub request: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends an entry.
pub fn insert(tx: &Tx<'_>, e: &NewEntry) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO audit_log (date_created, actor_sid, via, address, method, path, action, target_sid, status,
           request, before_state, after_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            tx.now(),
            e.actor_sid,
            e.via,
            e.address,
            e.method,
            e.path,
            e.action,
            e.target_sid,
            i64::from(e.status),
            e.request,
            e.before,
            e.after
        ],
    )?;
    Ok(())
}

/// What to list.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this actor's entries.
    pub actor_sid: Option<String>,
    /// Entries whose action, path, target or actor contains this
    /// (case-insensitive).
    pub search: Option<String>,
}

fn filtered(filter: &Filter) -> (String, Vec<Param>) {
    let mut sql = format!("SELECT {COLUMNS}, id FROM audit_log WHERE TRUE");
    let mut params = Vec::new();
    if let Some(a) = &filter.actor_sid {
        sql.push_str(" AND actor_sid = ?");
        params.push(Param::Text(a.clone()));
    }
    if let Some(q) = &filter.search {
        let pattern = super::like_pattern(q);
        sql.push_str(
            " AND (lower(action) LIKE ? ESCAPE '\\' OR lower(path) LIKE ? ESCAPE '\\'
               OR lower(coalesce(target_sid, '')) LIKE ? ESCAPE '\\' OR lower(actor_sid) LIKE ? ESCAPE '\\')",
        );
        for _ in 0..4 {
            params.push(Param::Text(pattern.clone()));
        }
    }
    (sql, params)
}

/// One page, newest first.
pub fn page(
    conn: &Conn<'_>,
    filter: &Filter,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<EntryRow>> {
    let (sql, params) = filtered(filter);
    paging::fetch(
        conn,
        &sql,
        "id",
        params,
        true,
        bound,
        size,
        EntryRow::from_row,
    )
}
