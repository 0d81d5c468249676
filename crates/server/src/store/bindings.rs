//! Push bindings (`bindings`): a user's device endpoint for one push type
//! (`apn`, `gcm`, `fcm`) and the message types it subscribes to.

use super::paging::{self, Bound, Window};
use super::{json, Conn, Param, Row, StoreResult, Tx};
use crate::args;
use parley_protocol::{BindingSid, BindingType, CredentialSid, ServiceSid, UserSid};

/// A binding as stored.
#[derive(Debug, Clone)]
pub struct BindingRow {
    pub sid: BindingSid,
    pub service_sid: ServiceSid,
    pub user_sid: UserSid,
    pub identity: String,
    pub endpoint: String,
    pub credential_sid: Option<CredentialSid>,
    /// `apn`, `gcm` or `fcm`.
    pub binding_type: BindingType,
    pub message_types: Vec<String>,
    pub date_created: i64,
    pub date_updated: i64,
    /// The device token pushes go to, if the client gave one.
    pub address: Option<String>,
}

pub const COLUMNS: &str =
    "sid, service_sid, user_sid, identity, endpoint, credential_sid, binding_type, message_types, date_created, date_updated, address";

impl BindingRow {
    pub(crate) fn from_row(r: &Row<'_>) -> StoreResult<Self> {
        let sid: BindingSid = r.get(0)?;
        let types: String = r.get(7)?;
        Ok(BindingRow {
            message_types: json("bindings", &sid, "message_types", &types)?,
            sid,
            service_sid: r.get(1)?,
            user_sid: r.get(2)?,
            identity: r.get(3)?,
            endpoint: r.get(4)?,
            credential_sid: r.get(5)?,
            binding_type: r.get(6)?,
            date_created: r.get(8)?,
            date_updated: r.get(9)?,
            address: r.get(10)?,
        })
    }
}

/// A binding as it is written.
#[derive(Debug)]
pub struct NewBinding<'a> {
    pub sid: &'a str,
    pub service_sid: &'a str,
    pub user_sid: &'a str,
    pub identity: &'a str,
    pub endpoint: &'a str,
    pub credential_sid: Option<&'a str>,
    pub binding_type: &'a str,
    pub message_types: &'a [String],
    pub date_created: i64,
    pub address: Option<&'a str>,
}

/// Appends ` AND {column} IN (?, …)` for a non-empty `values`.
fn in_list(sql: &mut String, params: &mut Vec<Param>, column: &str, values: &[String]) {
    if !values.is_empty() {
        sql.push_str(&format!(
            " AND {column} IN ({})",
            vec!["?"; values.len()].join(",")
        ));
        params.extend(values.iter().map(|v| Param::from(v.as_str())));
    }
}

/// The binding `sid` of `service`, if it exists.
pub fn get(conn: &Conn<'_>, service: &str, sid: &str) -> StoreResult<Option<BindingRow>> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM bindings WHERE service_sid = ?1 AND sid = ?2"),
        args![service, sid],
        BindingRow::from_row,
    )
}

/// Whether user `user_sid` has any binding.
pub fn any_for_user(conn: &Conn<'_>, user_sid: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM bindings WHERE user_sid = ?1)",
        args![user_sid],
    )
}

/// One page of a service's bindings in creation order, limited to the
/// given binding types and identities (empty: any), and to `only_identity`
/// when set.
pub fn page_for_service(
    conn: &Conn<'_>,
    service: &str,
    types: &[String],
    identities: &[String],
    only_identity: Option<&str>,
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<BindingRow>> {
    let mut sql = format!("SELECT {COLUMNS}, rowid FROM bindings WHERE service_sid = ?");
    let mut params: Vec<Param> = vec![service.into()];
    in_list(&mut sql, &mut params, "binding_type", types);
    in_list(&mut sql, &mut params, "identity", identities);
    if let Some(me) = only_identity {
        sql.push_str(" AND identity = ?");
        params.push(me.into());
    }
    paging::fetch(
        conn,
        &sql,
        "rowid",
        params,
        false,
        bound,
        size,
        BindingRow::from_row,
    )
}

/// One page of a user's bindings in creation order, limited to the given
/// binding types (empty: any).
pub fn page_for_user(
    conn: &Conn<'_>,
    user_sid: &str,
    types: &[String],
    bound: Option<Bound>,
    size: u32,
) -> StoreResult<Window<BindingRow>> {
    let mut sql = format!("SELECT {COLUMNS}, rowid FROM bindings WHERE user_sid = ?");
    let mut params: Vec<Param> = vec![user_sid.into()];
    in_list(&mut sql, &mut params, "binding_type", types);
    paging::fetch(
        conn,
        &sql,
        "rowid",
        params,
        false,
        bound,
        size,
        BindingRow::from_row,
    )
}

/// Deletes the user's binding of `binding_type` for `endpoint`, if any.
pub fn delete_for_endpoint(
    tx: &Tx<'_>,
    user_sid: &str,
    endpoint: &str,
    binding_type: &str,
) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM bindings WHERE user_sid = ?1 AND endpoint = ?2 AND binding_type = ?3",
        args![user_sid, endpoint, binding_type],
    )?;
    Ok(())
}

/// Inserts a binding (`date_updated` = `date_created`).
pub fn insert(tx: &Tx<'_>, b: &NewBinding<'_>) -> StoreResult<()> {
    let types = serde_json::to_string(b.message_types).unwrap_or_default();
    tx.execute(
        "INSERT INTO bindings (sid, service_sid, user_sid, identity, endpoint, credential_sid, binding_type, message_types, date_created, date_updated, address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
        args![
            b.sid, b.service_sid, b.user_sid, b.identity, b.endpoint, b.credential_sid,
            b.binding_type, types, b.date_created, b.address
        ],
    )?;
    Ok(())
}

/// Deletes binding `sid`.
pub fn delete(tx: &Tx<'_>, sid: &str) -> StoreResult<()> {
    tx.execute("DELETE FROM bindings WHERE sid = ?1", args![sid])?;
    Ok(())
}

/// Bindings with a device token of the members of `channel` other than
/// `except` whose notification level is not `muted` (a new message's
/// recipients).
pub fn for_channel_members(
    conn: &Conn<'_>,
    channel: &str,
    except: &str,
) -> StoreResult<Vec<BindingRow>> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("b.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    conn.query(
        &format!(
            "SELECT {columns} FROM members m JOIN bindings b
               ON b.service_sid = m.service_sid AND b.identity = m.identity
             WHERE m.channel_sid = ?1 AND m.identity <> ?2 AND m.notification_level <> 'muted'
               AND b.address IS NOT NULL"
        ),
        args![channel, except],
        BindingRow::from_row,
    )
}

/// Bindings with a device token of `identity` in `service`.
pub fn for_identity(
    conn: &Conn<'_>,
    service: &str,
    identity: &str,
) -> StoreResult<Vec<BindingRow>> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM bindings WHERE service_sid = ?1 AND identity = ?2 AND address IS NOT NULL"
        ),
        args![service, identity],
        BindingRow::from_row,
    )
}

/// Whether binding `sid` still exists.
pub fn exists(conn: &Conn<'_>, sid: &str) -> StoreResult<bool> {
    conn.value(
        "SELECT EXISTS(SELECT 1 FROM bindings WHERE sid = ?1)",
        args![sid],
    )
}
